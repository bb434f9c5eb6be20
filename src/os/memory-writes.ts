/**
 * The one write path of memories. Every change to a memory record — add, edit, lifecycle move,
 * rollback, merge, supersession, import, replication, purge — is stored by one of the functions here, inside
 * the caller's transaction: the record, its version, the stale marks of KV caches built from it, and
 * the change note that becomes the write's change record. The caller appends its audit entry (one per
 * call) in the same transaction. After commit, the store hands the written records to the search index
 * and the vectors (see MemOS's onCommit listener), and other tabs read them back by id: local and remote
 * changes reach the index the same way. See docs/decisions/0021 for why a new memory's first version
 * is derived rather than written.
 */
import { contentOf, firstVersionOf, recordHit, type ChangeAction, type MemoryHit, type MemoryItem, type MemoryVersion } from '../core/memory-item';
import { markStale } from '../memory/activation/activation-store';
import { dropVectors } from '../memory/vector-blocks';
import { issueRequests } from '../storage/requests';
import type { MemosStoreName } from '../storage/schema';
import type { AnyWriteTx, ChangeSet, WriteTx } from '../storage/store';

/** The stores a memory-changing write spans. */
export const MEMORY_STORES: ('cubes' | 'memories' | 'versions' | 'audit' | 'blobs' | 'vectorBlocks' | 'activations' | 'entityLinks')[] = [
  'cubes',
  'memories',
  'versions',
  'audit',
  'blobs',
  'vectorBlocks',
  'activations',
  'entityLinks',
];

/** A transaction over {@link MEMORY_STORES}. */
export type MemoryTx = WriteTx<typeof MEMORY_STORES>;

/** The version record of a memory as it is now (after the change `action` made). */
export function versionRecord(item: MemoryItem, by: string, action: ChangeAction, reason: string | null, changes: MemoryVersion['changes']): MemoryVersion {
  return { memoryId: item.id, cubeId: item.cubeId, version: item.version, at: item.updatedAt, by, action, reason, changes, snapshot: contentOf(item) };
}

/** Who made a change, how, why, and what it changed: the version record's facts. */
export interface ChangeFacts {
  readonly by: string;
  readonly action: ChangeAction;
  readonly reason: string | null;
  readonly changes: MemoryVersion['changes'];
  /** Why KV caches built from the memory no longer hold (text changed, left the live states); none when they still do. */
  readonly stale?: string | undefined;
}

/**
 * Stores memories this write creates (an add, a merge, an import). `versions` are the version records
 * that come with them (a merge's, an import's); an add gives none, its version 1 being derived.
 */
export async function storeNewMemories(tx: AnyWriteTx, changes: ChangeSet, items: readonly MemoryItem[], versions: readonly MemoryVersion[] = []): Promise<void> {
  await issueRequests((add) => {
    for (const item of items) add(tx.objectStore('memories').add(item));
    for (const version of versions) add(tx.objectStore('versions').add(version));
  });
  for (const item of items) changes.wrote(item);
}

/**
 * Stores a new version of a memory: version 1 first if it was only derived, then the record, its
 * version record, and stale marks on KV caches built from it.
 */
export async function storeChangedMemory(tx: MemoryTx, changes: ChangeSet, before: MemoryItem, after: MemoryItem, facts: ChangeFacts): Promise<void> {
  await keepFirstVersion(tx, before);
  await tx.objectStore('memories').put(after);
  await tx.objectStore('versions').add(versionRecord(after, facts.by, facts.action, facts.reason, facts.changes));
  if (facts.stale !== undefined) await markStale(tx, [after.id], facts.stale, after.updatedAt);
  changes.wrote(after);
}

/**
 * Stores memories as replication merged them (src/sync/merge-history.ts): each record, and its version
 * chain in place of the stored one (merging may number versions anew), every request issued at once.
 * KV caches built from a memory are marked stale when its text changed; its vector is made again by the
 * catch-up when it did.
 */
export async function storeSyncedMemories(tx: MemoryTx, changes: ChangeSet, rows: readonly { before: MemoryItem | undefined; after: MemoryItem; versions: readonly MemoryVersion[] }[]): Promise<void> {
  await issueRequests((add) => {
    for (const { before, after, versions } of rows) {
      // (A memory new to this device has no versions to replace.)
      if (before !== undefined) add(tx.objectStore('versions').delete(IDBKeyRange.bound([after.id, 0], [after.id, Number.MAX_SAFE_INTEGER])));
      add(tx.objectStore('memories').put(after));
      for (const v of versions) add(tx.objectStore('versions').add(v));
    }
  });
  for (const { before, after } of rows) {
    if (before !== undefined && before.text !== after.text) await markStale(tx, [after.id], `memory ${after.id} changed on another device`, after.updatedAt);
    changes.wrote(after);
  }
}

/** Removes a memory for good: its record, versions, vectors, graph links and blobs; KV caches built from it are marked stale. */
export async function removeMemory(tx: MemoryTx, changes: ChangeSet, memory: MemoryItem, at: number): Promise<void> {
  await tx.objectStore('memories').delete(memory.id);
  await tx.objectStore('entityLinks').delete(memory.id);
  await tx.objectStore('versions').delete(IDBKeyRange.bound([memory.id, 0], [memory.id, Number.MAX_SAFE_INTEGER]));
  await dropVectors(tx, [memory.id], null);
  await markStale(tx, [memory.id], `memory ${memory.id} was purged`, at);
  const blobKeys = await tx.objectStore('blobs').index('byMemory').getAllKeys(memory.id);
  for (const key of blobKeys) await tx.objectStore('blobs').delete(key);
  changes.removed(memory.cubeId, memory.id);
}

/** What removing a cube's contents took away. */
export interface RemovedContents {
  readonly memories: number;
  readonly activations: number;
  readonly adapters: number;
  readonly documents: number;
}

/**
 * Removes everything stored in a cube, for good: its memories (noted as removed, so the index and the
 * vectors drop them), their versions, graph links and vector blocks, its blobs, KV cubes, adapter cubes and document records. The
 * cube record itself is the caller's to delete.
 */
export async function removeCubeContents(tx: WriteTx<MemosStoreName[]>, changes: ChangeSet, cubeId: string): Promise<RemovedContents> {
  const memoryIds = (await tx.objectStore('memories').index('byCube').getAllKeys(cubeId)) as string[];
  const versionKeys = await tx.objectStore('versions').index('byCube').getAllKeys(cubeId);
  const blobKeys = await tx.objectStore('blobs').index('byCube').getAllKeys(cubeId);
  const activationKeys = await tx.objectStore('activations').index('byCube').getAllKeys(cubeId);
  const adapterKeys = await tx.objectStore('adapters').index('byCube').getAllKeys(cubeId);
  const documentKeys = await tx.objectStore('documents').index('byCube').getAllKeys(cubeId);
  const linkKeys = await tx.objectStore('entityLinks').index('byCube').getAllKeys(cubeId);
  await issueRequests((add) => {
    for (const key of linkKeys) add(tx.objectStore('entityLinks').delete(key));
    for (const key of documentKeys) add(tx.objectStore('documents').delete(key));
    for (const id of memoryIds) add(tx.objectStore('memories').delete(id));
    for (const key of versionKeys) add(tx.objectStore('versions').delete(key));
    for (const key of blobKeys) add(tx.objectStore('blobs').delete(key));
    for (const key of activationKeys) add(tx.objectStore('activations').delete(key));
    for (const key of adapterKeys) add(tx.objectStore('adapters').delete(key));
  });
  // A vector block holds vectors of one cube; blocks have no cube index, so they are read once.
  let cursor = await tx.objectStore('vectorBlocks').openCursor();
  while (cursor) {
    if (cursor.value.cubeId === cubeId) await cursor.delete();
    cursor = await cursor.continue();
  }
  for (const id of memoryIds) changes.removed(cubeId, id);
  changes.cubeIds.add(cubeId);
  return { memories: memoryIds.length, activations: activationKeys.length, adapters: adapterKeys.length, documents: documentKeys.length };
}

/**
 * Counts uses of memories, each memory's hits in the order they came (those purged meanwhile are
 * skipped), and returns them as stored. Usage is bookkeeping, not content: no version and no audit
 * entry; the change is noted like any write's, so the index and other tabs hold the counts.
 */
export async function storeUsage(tx: AnyWriteTx, changes: ChangeSet, uses: ReadonlyMap<string, readonly MemoryHit[]>): Promise<MemoryItem[]> {
  const store = tx.objectStore('memories');
  const ids = [...uses.keys()];
  const current = await issueRequests<MemoryItem | undefined>((add) => ids.forEach((id) => add(store.get(id))));
  const next = current.filter((m): m is MemoryItem => m !== undefined).map((m) => ({ ...m, usage: uses.get(m.id)!.reduce(recordHit, m.usage) }));
  await issueRequests((add) => next.forEach((m) => add(store.put(m))));
  for (const m of next) changes.wrote(m);
  return next;
}

/**
 * Before a memory's first change: writes its version 1 record (adds leave it to be derived, see
 * firstVersionOf), unless one exists (memories made by a merge, or imported, have theirs).
 */
async function keepFirstVersion(tx: MemoryTx, memory: MemoryItem): Promise<void> {
  if (memory.version !== 1) return;
  const versions = tx.objectStore('versions');
  if ((await versions.getKey([memory.id, 1])) === undefined) await versions.add(firstVersionOf(memory));
}
