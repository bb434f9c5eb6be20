/**
 * Keeping the search index and the vector side in step with what IndexedDB holds: rebuilding the index
 * when a store opens, and applying a change another tab (or, later, another device) committed — read
 * back from the store, so a remote change updates the index exactly as the local write did.
 */
import type { MemoryItem } from '../core/memory-item';
import type { VectorMemory } from '../memory/vector-memory';
import type { CallOptions } from '../protocol/memory-types';
import type { MemoryIndex } from '../search/memory-index';
import type { StoreChange } from '../storage/change-feed';
import { issueRequests } from '../storage/requests';
import type { Store } from '../storage/store';
import { checkAborted } from './validate';

/** Fills the index from every stored memory, 500 at a time; returns how many. @throws {MemosError} ABORTED */
export async function rebuildIndex(store: Store, index: MemoryIndex, options: CallOptions = {}): Promise<number> {
  index.clear();
  let after: string | undefined;
  let total = 0;
  for (;;) {
    checkAborted(options.signal);
    const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
    const batch = await store.read(['memories'], (tx) => tx.objectStore('memories').getAll(range, 500));
    if (batch.length === 0) break;
    index.upsert(batch);
    total += batch.length;
    after = batch[batch.length - 1]?.id;
  }
  return total;
}

/**
 * Applies a committed change to the index and the vectors: the memories it names are read back; those
 * still stored are indexed as stored now, those gone are removed.
 */
export async function applyStoredChange(store: Store, change: StoreChange, index: MemoryIndex, vectors: readonly (VectorMemory | undefined)[]): Promise<void> {
  if (change.memoryIds.length === 0) return;
  const found = await store.read(['memories'], (tx) =>
    issueRequests<MemoryItem | undefined>((add) => change.memoryIds.forEach((id) => add(tx.objectStore('memories').get(id)))),
  );
  const present = found.filter((m): m is MemoryItem => m !== undefined);
  const gone = change.memoryIds.filter((_, i) => found[i] === undefined);
  index.remove(gone);
  index.upsert(present);
  for (const side of vectors) side?.forget(gone);
  for (const side of vectors) await side?.reload(present.map((m) => m.id));
}
