/** The options of opening a store (Store.open), apart from the store so their types need no IndexedDB library. */
import type { ChangeFeed } from './change-feed';
import type { Migration } from './schema';
import type { LockRunner } from './write-lock';

/** Options of {@link Store.open}. */
export interface StoreOptions {
  /** The IndexedDB database name; one store per name. Default "memos". */
  readonly name?: string;
  /** How writers coordinate; Web Locks by default. */
  readonly lock?: LockRunner;
  /** Where changes are announced; a BroadcastChannel by default. */
  readonly changeFeed?: ChangeFeed;
  /**
   * The migrations to run (tests only).
   * @internal
   */
  readonly migrations?: readonly Migration[];
  /**
   * IndexedDB durability of write transactions. "strict" (default) resolves a write only after the
   * browser flushed it to disk, so an acknowledged write survives a crash of the browser.
   */
  readonly durability?: 'strict' | 'relaxed';
  /** How many change records the log keeps (default 10,000: CHANGE_LOG_KEEP in store.ts); pruned every tenth of that. */
  readonly changeLogKeep?: number;
}
