/**
 * Keeping the search index and the vector side in step with what IndexedDB holds: rebuilding the index
 * when a store opens, applying what this tab's writes committed (the records as written), and applying
 * a change another tab (or, later, another device) committed — read back from the store by id. Both
 * end in {@link indexRecords}, so a remote change updates the index exactly as the local write did.
 */
import type { MemoryItem } from '../core/memory-item';
import type { VectorMemory } from '../memory/vector-memory';
import type { CallOptions } from '../protocol/memory-types';
import type { MemoryIndex } from '../search/memory-index';
import type { StoreChange } from '../storage/change-feed';
import { issueRequests } from '../storage/requests';
import type { Commit, Store } from '../storage/store';
import { checkAborted } from './validate';

/**
 * Fills the index from every stored memory, 500 at a time, reporting phase "index"; returns how many.
 * @throws {MemosError} ABORTED
 */
export async function rebuildIndex(store: Store, index: MemoryIndex, options: CallOptions = {}): Promise<number> {
  index.clear();
  let after: string | undefined;
  let total = 0;
  const expected = options.onProgress ? await store.read(['memories'], (tx) => tx.objectStore('memories').count()) : 0;
  options.onProgress?.({ phase: 'index', done: 0, total: expected, unit: 'items' });
  for (;;) {
    checkAborted(options.signal);
    const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
    const batch = await store.read(['memories'], (tx) => tx.objectStore('memories').getAll(range, 500));
    if (batch.length === 0) break;
    index.upsert(batch);
    total += batch.length;
    after = batch[batch.length - 1]?.id;
    options.onProgress?.({ phase: 'index', done: total, total: Math.max(expected, total), unit: 'items' });
  }
  return total;
}

/**
 * Brings the index and the vectors in step with memories as now stored (`present`) or gone for good
 * (`gone`). The index keeps what it is given: callers hand it records no one else holds.
 */
export function indexRecords(index: MemoryIndex, vectors: readonly (VectorMemory | undefined)[], present: readonly MemoryItem[], gone: readonly string[]): void {
  index.remove(gone);
  index.upsert(present);
  for (const side of vectors) side?.forget(gone);
}

/**
 * Applies what a write of this tab committed: the records as written, copied (the writer returns the
 * originals to its caller, who may change them). Its new vectors were remembered by the write itself.
 */
export function applyCommit(commit: Commit, index: MemoryIndex, vectors: readonly (VectorMemory | undefined)[]): void {
  if (commit.written.length === 0 && commit.removedIds.length === 0) return;
  indexRecords(index, vectors, commit.written.map((m) => structuredClone(m)), commit.removedIds);
}

/**
 * Applies a change another tab or device committed: the memories it names are read back; those still
 * stored are indexed as stored now, those gone are removed, and their vectors are read again. Returns
 * which were which.
 */
export async function applyStoredChange(store: Store, change: StoreChange, index: MemoryIndex, vectors: readonly (VectorMemory | undefined)[]): Promise<{ present: MemoryItem[]; gone: string[] }> {
  if (change.memoryIds.length === 0) return { present: [], gone: [] };
  const found = await store.read(['memories'], (tx) =>
    issueRequests<MemoryItem | undefined>((add) => change.memoryIds.forEach((id) => add(tx.objectStore('memories').get(id)))),
  );
  const present = found.filter((m): m is MemoryItem => m !== undefined);
  const gone = change.memoryIds.filter((_, i) => found[i] === undefined);
  indexRecords(index, vectors, present, gone);
  for (const side of vectors) await side?.reloadChanged(present);
  return { present, gone };
}
