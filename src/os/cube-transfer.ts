/**
 * What moving a cube between stores needs beside the file format (memory/cube-file.ts): reading what
 * a user may export, and giving an imported copy new ids.
 */
import { manifestOf } from '../core/cube';
import { MemosError } from '../core/errors';
import { newId } from '../core/ids';
import { firstVersionOf } from '../core/memory-item';
import { canSeeMemory, requireAccess } from '../governance/access';
import type { CubeContents } from '../memory/cube-file';
import type { Store } from '../storage/store';
import { cubeWithAccess } from './directory';

/**
 * A cube's contents as `userId` may export them (read access; other users' private memories only
 * for the owner), in one read transaction. Unchanged memories have no version record yet: the
 * contents get their derived first version.
 * @throws {MemosError} CUBE_NOT_FOUND, FORBIDDEN
 */
export function readCubeContents(store: Store, userId: string, cubeId: string): Promise<CubeContents> {
  return store.read(['cubes', 'memories', 'versions', 'blobs'], async (tx): Promise<CubeContents> => {
    const cube = await cubeWithAccess(tx, cubeId, userId, 'read');
    const memories = (await tx.objectStore('memories').index('byCube').getAll(cubeId)).filter((m) => canSeeMemory(cube, m, userId));
    const visible = new Set(memories.map((m) => m.id));
    const stored = (await tx.objectStore('versions').index('byCube').getAll(cubeId)).filter((v) => visible.has(v.memoryId));
    const recorded = new Set(stored.map((v) => v.memoryId));
    const versions = [...stored, ...memories.filter((m) => m.version === 1 && !recorded.has(m.id)).map(firstVersionOf)];
    const blobs = (await tx.objectStore('blobs').index('byCube').getAll(cubeId)).filter((b) => b.memoryId === null || visible.has(b.memoryId));
    return { manifest: manifestOf(cube), memories, versions, blobs };
  });
}

/** A copy of a cube's contents under a new cube id and new memory and blob ids (lineage follows). */
export function withNewIds(contents: CubeContents): CubeContents {
  const cubeId = newId('cube');
  const ids = new Map(contents.memories.map((m) => [m.id, newId('mem')]));
  const idOf = (old: string) => ids.get(old) ?? old;
  return {
    manifest: { ...contents.manifest, cubeId },
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
  };
}
