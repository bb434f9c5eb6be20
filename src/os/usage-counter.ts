/**
 * Usage counting without a transaction per use. A use (a search hit asked to count, a memory put into
 * a prompt, a memory a person opened) shows at once in what search, get and getAll return (the stored
 * record with the uses not yet written counted in: `view`), and reaches IndexedDB in one transaction
 * per batch: a short while after the first use of a batch, when the page says the user is idle or the
 * tab hidden, before an export, and when the store closes. Counters may be lost in a crash or when a tab is killed within the delay (relaxed, as
 * they always were); a close through the API keeps them.
 */
import { recordHit, type MemoryHit, type MemoryItem } from '../core/memory-item';
import type { MemoryIndex } from '../search/memory-index';
import type { Store } from '../storage/store';
import { storeUsage } from './memory-writes';

/** How long uses wait for more before their batch is written. */
const USAGE_FLUSH_DELAY_MS = 1000;

/** What the counter needs. */
export interface UsageCounterDeps {
  readonly store: Store;
  readonly index: MemoryIndex;
}

/** Counts uses in memory and writes them in batches (see the module's comment). */
export class UsageCounter {
  readonly #deps: UsageCounterDeps;
  /** Uses not yet written, by memory, oldest first. */
  #pending = new Map<string, MemoryHit[]>();
  /** Batches being written: still counted in by `view` until the index holds their result. */
  readonly #writing = new Set<ReadonlyMap<string, readonly MemoryHit[]>>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(deps: UsageCounterDeps) {
    this.#deps = deps;
  }

  /**
   * Counts one use of each memory. Returns copies of the index's records with every use counted so
   * far, for the memories the index holds (in the order of `ids`); the write follows within the delay.
   */
  count(ids: readonly string[], hit: MemoryHit): MemoryItem[] {
    for (const id of ids) {
      const hits = this.#pending.get(id);
      if (hits) hits.push(hit);
      else this.#pending.set(id, [hit]);
    }
    if (ids.length > 0) this.#timer ??= setTimeout(() => void this.flush(), USAGE_FLUSH_DELAY_MS);
    const counted: MemoryItem[] = [];
    for (const id of ids) {
      const record = this.#deps.index.record(id);
      // A copy: what the caller gets is theirs to change.
      if (record) counted.push(this.view(structuredClone(record)));
    }
    return counted;
  }

  /** A stored record with the uses not yet stored counted in (what it will be once they are). */
  view(memory: MemoryItem): MemoryItem {
    let usage = memory.usage;
    for (const batch of this.#writing) usage = (batch.get(memory.id) ?? []).reduce(recordHit, usage);
    usage = (this.#pending.get(memory.id) ?? []).reduce(recordHit, usage);
    return usage === memory.usage ? memory : { ...memory, usage };
  }

  /**
   * Writes every use counted so far, in one transaction opened at once (so a close right after still
   * keeps them). Resolves when they are stored; a memory purged meanwhile is skipped. Never rejects:
   * uses whose write fails (a full disk, a closed store) are dropped, as counters are relaxed.
   */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    this.#writing.add(batch);
    try {
      // The commit reaches the index (and other tabs) like any write's.
      await this.#deps.store.writeAtOnce(['memories'], (tx, changes) => storeUsage(tx, changes, batch));
    } catch {
      // Dropped (see above).
    } finally {
      this.#writing.delete(batch);
    }
  }
}
