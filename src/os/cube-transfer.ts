/**
 * Moving a cube between stores (the file format is memory/cube-file.ts): exporting what a user may
 * export, importing a file whole or not at all, and giving an imported copy new ids.
 */
import { manifestOf, type CubeRecord } from '../core/cube';
import { MemosError } from '../core/errors';
import { newId, type Clock } from '../core/ids';
import { firstVersionOf } from '../core/memory-item';
import { recordOf } from '../core/own-keys';
import { canSeeMemory } from '../governance/access';
import { readCubeFile, writeCubeFile, type CubeContents } from '../memory/cube-file';
import type { CallOptions, ImportParams } from '../protocol/memory-types';
import { issueRequests } from '../storage/requests';
import type { Store } from '../storage/store';
import { appendAudit } from './audit-log';
import { storeNewMemories } from './memory-writes';
import { cubeWithAccess, userIn } from './directory';
import { checkAborted, oneOf, requireId, requireObject } from './validate';
import { LIMITS } from '../core/limits';

/**
 * A cube's contents as `userId` may export them (read access; other users' private memories only
 * for the owner), in one read transaction. Unchanged memories have no version record yet: the
 * contents get their derived first version.
 * @throws {MemosError} CUBE_NOT_FOUND, FORBIDDEN
 */
export function readCubeContents(store: Store, userId: string, cubeId: string): Promise<CubeContents> {
  return store.read(['cubes', 'memories', 'versions', 'blobs', 'entityLinks'], async (tx): Promise<CubeContents> => {
    const cube = await cubeWithAccess(tx, cubeId, userId, 'read');
    const memories = (await tx.objectStore('memories').index('byCube').getAll(cubeId)).filter((m) => canSeeMemory(cube, m, userId));
    const visible = new Set(memories.map((m) => m.id));
    const stored = (await tx.objectStore('versions').index('byCube').getAll(cubeId)).filter((v) => visible.has(v.memoryId));
    const recorded = new Set(stored.map((v) => v.memoryId));
    const versions = [...stored, ...memories.filter((m) => m.version === 1 && !recorded.has(m.id)).map(firstVersionOf)];
    // A document's kept bytes stay behind (document records do not travel; the chunks do, as memories).
    const blobs = (await tx.objectStore('blobs').index('byCube').getAll(cubeId)).filter((b) => b.kind !== 'document' && (b.memoryId === null || visible.has(b.memoryId)));
    const entityLinks = (await tx.objectStore('entityLinks').index('byCube').getAll(cubeId)).filter((l) => visible.has(l.memoryId)).map(({ cubeId: _, ...link }) => link);
    return { manifest: manifestOf(cube), memories, versions, blobs, entityLinks };
  });
}

/** "Notes" → "Notes (copy)"; a name that says so already stays as it is. */
function copyName(name: string): string {
  if (name.endsWith(' (copy)')) return name;
  return `${name.slice(0, LIMITS.nameLength - ' (copy)'.length)} (copy)`;
}

/** A copy of a cube's contents under a new cube id and new memory and blob ids (lineage follows), named as a copy. */
export function withNewIds(contents: CubeContents): CubeContents {
  const cubeId = newId('cube');
  const ids = new Map(contents.memories.map((m) => [m.id, newId('mem')]));
  const idOf = (old: string) => ids.get(old) ?? old;
  return {
    // A copy says so in its name (kept within the name limit), so two cubes of one name are told apart.
    manifest: { ...contents.manifest, cubeId, name: copyName(contents.manifest.name) },
    // Lineage follows the new ids.
    memories: contents.memories.map((m) => ({
      ...m,
      id: idOf(m.id),
      cubeId,
      ...(m.mergedFrom && { mergedFrom: m.mergedFrom.map(idOf) }),
      ...(m.supersededBy && { supersededBy: idOf(m.supersededBy) }),
    })),
    versions: contents.versions.map((v) => ({ ...v, memoryId: idOf(v.memoryId), cubeId })),
    blobs: contents.blobs.map((b) => ({ ...b, blobId: newId('blob'), memoryId: b.memoryId === null ? null : idOf(b.memoryId) })),
    ...(contents.entityLinks && { entityLinks: contents.entityLinks.map((l) => ({ ...l, memoryId: idOf(l.memoryId) })) }),
  };
}

/**
 * Writes a cube to a file, as `userId` may export it, and audits the export (see MemoryApi.exportCube).
 * @throws {MemosError} INVALID_INPUT, CUBE_NOT_FOUND, FORBIDDEN, ABORTED
 */
export async function exportCubeFile(store: Store, clock: Clock, params: { userId: string; cubeId: string }, options: CallOptions): Promise<string> {
  requireObject(params, 'params');
  const userId = requireId(params.userId, 'userId');
  const cubeId = requireId(params.cubeId, 'cubeId');
  const contents = await readCubeContents(store, userId, cubeId);
  checkAborted(options.signal);
  const file = await writeCubeFile(contents);
  await store.write(['audit'], (tx) => appendAudit(tx, clock(), userId, 'cube.export', cubeId, [], { memories: contents.memories.length }));
  return file;
}

/**
 * Reads a cube file and stores the cube, all of it or nothing, owned by the importing user (see
 * MemoryApi.importCube). Returns the cube; its memories reach the index through the store's commit listeners.
 * @throws {MemosError} INVALID_INPUT, IMPORT_MALFORMED, IMPORT_TAMPERED, IMPORT_UNSUPPORTED, IMPORT_TOO_LARGE, CUBE_EXISTS, USER_NOT_FOUND, QUOTA_EXCEEDED, ABORTED
 */
export async function importCubeFile(store: Store, clock: Clock, params: ImportParams, options: CallOptions): Promise<CubeRecord> {
  requireObject(params, 'params');
  const userId = requireId(params.userId, 'userId');
  const mode = oneOf(params.mode, 'mode', ['keep-id', 'copy'] as const, 'keep-id');
  options.onProgress?.({ phase: 'checking', done: 0, total: 1, unit: 'items' });
  const read = await readCubeFile(params.file);
  checkAborted(options.signal);
  const total = read.memories.length;
  options.onProgress?.({ phase: 'storing', done: 0, total, unit: 'items' });
  const contents = mode === 'copy' ? withNewIds(read) : read;
  const cube: CubeRecord = { ...contents.manifest, ownerId: userId, shares: recordOf([]), sharedWith: [] };
  await store.write(
    ['users', 'cubes', 'memories', 'versions', 'blobs', 'audit', 'entityLinks'],
    async (tx, changes) => {
      const user = await userIn(tx, userId);
      if (await tx.objectStore('cubes').get(cube.cubeId)) throw new MemosError('CUBE_EXISTS', undefined, { cubeId: cube.cubeId });
      // A kept id that another cube of this store already uses is refused by name, not by a failed add.
      const taken = await issueRequests<string | undefined>((add) => {
        for (const memory of contents.memories) add(tx.objectStore('memories').getKey(memory.id));
        for (const blob of contents.blobs) add(tx.objectStore('blobs').getKey(blob.blobId));
      });
      const clash = taken.find((key) => key !== undefined);
      if (clash !== undefined) {
        throw new MemosError('CUBE_EXISTS', `${clash} of the file is already in this store. Import with mode "copy" to get new ids.`, { id: clash });
      }
      await tx.objectStore('cubes').add(cube);
      await storeNewMemories(tx, changes, contents.memories, contents.versions);
      await issueRequests((add) => {
        for (const blob of contents.blobs) add(tx.objectStore('blobs').add({ ...blob, cubeId: cube.cubeId }));
        // The graph's links come along: the graph takes them instead of reading the memories again.
        for (const link of contents.entityLinks ?? []) add(tx.objectStore('entityLinks').put({ ...link, cubeId: cube.cubeId }));
      });
      await tx.objectStore('users').put({ ...user, registeredCubeIds: [...user.registeredCubeIds.filter((id) => id !== cube.cubeId), cube.cubeId] });
      await appendAudit(tx, clock(), userId, 'cube.import', cube.cubeId, [], { memories: contents.memories.length, mode });
      changes.cubeIds.add(cube.cubeId);
      changes.userIds.add(userId);
    },
    { signal: options.signal },
  );
  options.onProgress?.({ phase: 'storing', done: total, total, unit: 'items' });
  return cube;
}
