/**
 * The IndexedDB store: opening (with migrations), transactional writes that resolve only after commit,
 * write coordination across tabs, and change announcements.
 */
import { openDB, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { MemosError } from '../core/errors';
import type { MemoryItem } from '../core/memory-item';
import { broadcastChangeFeed, type ChangeFeed, type ChangeRecord, type StoreChange } from './change-feed';
import { ChangeSet } from './change-set';
import { MIGRATIONS, runMigrations, type MemosSchema, type MemosStoreName, type Migration } from './schema';
import { toStorageError } from './storage-errors';
import { defaultLockRunner, type LockRunner } from './write-lock';
import type { StoreOptions } from './store-options';

export type { StoreOptions };

/** A read-write transaction over some stores. */
export type WriteTx<S extends MemosStoreName[] = MemosStoreName[]> = IDBPTransaction<MemosSchema, S, 'readwrite'>;
/**
 * A read-write transaction of any scope, for helpers called from writes of differing scopes
 * (IndexedDB itself refuses a store outside the scope).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyWriteTx = WriteTx<any>;
/** A read-only transaction over some stores. */
export type ReadTx<S extends MemosStoreName[] = MemosStoreName[]> = IDBPTransaction<MemosSchema, S, 'readonly'>;

export { ChangeSet } from './change-set';

/** A write this tab committed, as its listeners hear it (see {@link Store.onCommit}). */
export interface Commit {
  /** What changed, by id, with its change record's sequence number. */
  readonly change: StoreChange;
  /** The memory records written, as stored (the listener must copy what it keeps). */
  readonly written: readonly MemoryItem[];
  /** The memories removed for good. */
  readonly removedIds: readonly string[];
}

/** How many change records the log keeps by default; older ones are pruned as new ones come. */
export const CHANGE_LOG_KEEP = 10_000;

/** Options of one {@link Store.write}. */
export interface WriteOptions {
  /** Aborts the write before it commits; nothing of it is kept. */
  readonly signal?: AbortSignal | undefined;
  /** Overrides the store's durability, e.g. "relaxed" for usage counters that may be lost in a crash. */
  readonly durability?: 'strict' | 'relaxed';
}

/** The IndexedDB store of one memos-web database. */
export class Store {
  readonly name: string;
  readonly changes: ChangeFeed;
  #db: IDBPDatabase<MemosSchema>;
  #lock: LockRunner;
  #durability: 'strict' | 'relaxed';
  #changeLogKeep = CHANGE_LOG_KEEP;
  #closed = false;
  #directoryVersion = 0;
  #onClose = new Set<(reason: 'closed' | 'upgrade' | 'terminated') => void>();
  #onCommit = new Set<(commit: Commit) => void>();
  #writing = 0;
  #full = false;

  private constructor(name: string, db: IDBPDatabase<MemosSchema>, lock: LockRunner, changes: ChangeFeed, durability: 'strict' | 'relaxed') {
    this.name = name;
    this.#db = db;
    this.#lock = lock;
    this.changes = changes;
    this.#durability = durability;
    // Another tab's change to users or cubes makes what this tab knew of them stale. (Announcements
    // from versions that did not say are taken as such changes.)
    changes.subscribe((change) => {
      if (change.directory !== false) this.#directoryVersion++;
    });
  }

  /**
   * Goes up with every committed change to a user or cube record, this tab's or another's: what was
   * read of users and cubes at one value may be kept while it stays the same.
   */
  get directoryVersion(): number {
    return this.#directoryVersion;
  }

  /**
   * Opens (and if needed creates or migrates) a store.
   * @throws {MemosError} SCHEMA_TOO_NEW when the database was written by a newer version
   * @throws {MemosError} STORAGE_FAILED when IndexedDB is unavailable
   */
  static async open(options: StoreOptions = {}): Promise<Store> {
    const name = options.name ?? 'memos';
    const migrations = options.migrations ?? MIGRATIONS;
    let store: Store | undefined;
    let db: IDBPDatabase<MemosSchema>;
    try {
      db = await openDB<MemosSchema>(name, migrations.length, {
        upgrade: (database, oldVersion, newVersion, tx) =>
          runMigrations(database, tx, oldVersion, newVersion ?? migrations.length, migrations),
        blocking: () => {
          if (store) store.#shutdown('upgrade');
        },
        terminated: () => {
          if (store) store.#shutdown('terminated');
        },
      });
    } catch (error) {
      throw toStorageError(error);
    }
    store = new Store(name, db, options.lock ?? defaultLockRunner(), options.changeFeed ?? broadcastChangeFeed(name), options.durability ?? 'strict');
    if (options.changeLogKeep !== undefined) store.#changeLogKeep = Math.max(10, Math.floor(options.changeLogKeep));
    return store;
  }

  /** The raw database, for read paths. */
  get db(): IDBPDatabase<MemosSchema> {
    this.#assertOpen();
    return this.#db;
  }

  /** Tells whether the store was closed (by the caller, a newer version in another tab, or the browser). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Calls back when the store closes for any reason. */
  onClose(listener: (reason: 'closed' | 'upgrade' | 'terminated') => void): () => void {
    this.#onClose.add(listener);
    return () => this.#onClose.delete(listener);
  }

  /**
   * Calls back after every write of this tab that changed something has committed, before the write
   * resolves: the one place where what a write changed reaches the search index and the vectors.
   * Other tabs' changes arrive on {@link Store.changes} instead, by id.
   */
  onCommit(listener: (commit: Commit) => void): () => void {
    this.#onCommit.add(listener);
    return () => this.#onCommit.delete(listener);
  }

  /** The sequence number of the newest change record (0 when the log is empty or missing). */
  async lastChangeSeq(): Promise<number> {
    if (!this.#db.objectStoreNames.contains('changes')) return 0;
    return this.read(['changes'], async (tx) => {
      const last = await tx.objectStore('changes').openKeyCursor(null, 'prev');
      return last ? last.key : 0;
    });
  }

  /**
   * The change records after `seq` (oldest first, at most `limit`): what a reader that last saw `seq`
   * missed. The log keeps the last {@link CHANGE_LOG_KEEP} records; `truncated` says when some of what
   * the reader missed is no longer there (it must then read the stores themselves).
   */
  async changesSince(seq: number, limit = 1000): Promise<{ changes: ChangeRecord[]; truncated: boolean }> {
    return this.read(['changes'], async (tx) => {
      const log = tx.objectStore('changes');
      const changes = await log.getAll(IDBKeyRange.lowerBound(seq, true), limit);
      const first = await log.openKeyCursor();
      return { changes, truncated: first !== null && first.key > seq + 1 };
    });
  }

  /**
   * Runs `fn` in one read-write transaction while holding the store's write lock, and resolves only
   * after the transaction has committed. If `fn` throws, or the signal aborts, the transaction is
   * aborted and nothing of it is kept. `fn` must await only IndexedDB requests of `tx`. What `fn` notes
   * in the change set is kept as a change record in the same transaction; after commit it reaches
   * this tab's {@link Store.onCommit} listeners and other tabs' change feeds.
   * @throws {MemosError} QUOTA_EXCEEDED when the browser refuses the data for lack of space
   * @throws {MemosError} ABORTED when the signal aborts before commit
   */
  async write<T, S extends MemosStoreName[]>(
    storeNames: S,
    fn: (tx: WriteTx<S>, changes: ChangeSet) => Promise<T>,
    options: WriteOptions = {},
  ): Promise<T> {
    this.#assertOpen();
    this.#writing++;
    try {
      const result = await this.#lockedWrite(storeNames, fn, options);
      this.#full = false;
      return result;
    } catch (error) {
      if (error instanceof MemosError && error.code === 'QUOTA_EXCEEDED') this.#full = true;
      throw error;
    } finally {
      this.#writing--;
    }
  }

  /** Writes begun in this tab and not finished (waiting for the lock, or running). */
  get writing(): number {
    return this.#writing;
  }

  /**
   * Whether the last write of this tab was refused for lack of space (until one succeeds): work that
   * can wait — derived data — should not be written onto a full disk.
   */
  get full(): boolean {
    return this.#full;
  }

  async #lockedWrite<T, S extends MemosStoreName[]>(storeNames: S, fn: (tx: WriteTx<S>, changes: ChangeSet) => Promise<T>, options: WriteOptions): Promise<T> {
    const { signal } = options;
    return this.#lock(`memos-write:${this.name}`, async () => {
      this.#assertOpen();
      if (signal?.aborted) throw new MemosError('ABORTED');
      const changes = new ChangeSet();
      let tx: WriteTx<S>;
      try {
        tx = this.#db.transaction(this.#scope(storeNames), 'readwrite', { durability: options.durability ?? this.#durability }) as unknown as WriteTx<S>;
      } catch (error) {
        throw toStorageError(error);
      }
      // Mark the completion promise as observed now: if a request fails, it rejects before `fn` returns.
      tx.done.catch(() => undefined);
      let abortedBySignal = false;
      const onAbort = () => {
        abortedBySignal = true;
        try {
          tx.abort();
        } catch {
          // already finished
        }
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        let result: T;
        let seq: number | undefined;
        try {
          ({ result, seq } = await this.#runInTx(tx, changes, fn));
        } catch (error) {
          try {
            tx.abort();
          } catch {
            // the transaction already ended
          }
          await tx.done.catch(() => undefined);
          throw abortedBySignal ? new MemosError('ABORTED') : toStorageError(error);
        }
        try {
          await tx.done;
        } catch (error) {
          throw abortedBySignal ? new MemosError('ABORTED') : toStorageError(tx.error ?? error);
        }
        this.#committed(changes, seq);
        return result;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    });
  }

  /**
   * Writes what needs no write lock — counters (memories' usage) and snapshots of derived data — in
   * one read-write transaction opened at once: `fn` must read what it changes inside `tx`, so IndexedDB keeps it atomic against every
   * other writer (it never runs beside another read-write transaction on the same stores). Opened
   * synchronously, it is issued even when the store closes right after the call (a connection closes
   * once its transactions finish). What `fn` notes is logged and told like a write's. Relaxed
   * durability: what it writes may be lost in a crash. Resolves after commit.
   * @throws {MemosError} STORE_CLOSED, QUOTA_EXCEEDED
   */
  writeAtOnce<T, S extends MemosStoreName[]>(storeNames: S, fn: (tx: WriteTx<S>, changes: ChangeSet) => Promise<T>): Promise<T> {
    let tx: WriteTx<S>;
    try {
      this.#assertOpen();
      tx = this.#db.transaction(this.#scope(storeNames), 'readwrite', { durability: 'relaxed' }) as unknown as WriteTx<S>;
    } catch (error) {
      return Promise.reject(toStorageError(error));
    }
    tx.done.catch(() => undefined);
    const changes = new ChangeSet();
    const run = async () => {
      let result: T;
      let seq: number | undefined;
      try {
        ({ result, seq } = await this.#runInTx(tx, changes, fn));
        await tx.done;
      } catch (error) {
        try {
          tx.abort();
        } catch {
          // the transaction already ended
        }
        throw toStorageError(tx.error ?? error);
      }
      this.#committed(changes, seq);
      return result;
    };
    return run();
  }

  /** A write's scope: the stores it names, the change log and the snapshots (where the schema has them). */
  #scope(storeNames: readonly MemosStoreName[]): MemosStoreName[] {
    const scope = [...storeNames];
    for (const extra of ['changes', 'snapshots'] as const) if (!scope.includes(extra) && this.#db.objectStoreNames.contains(extra)) scope.push(extra);
    return scope;
  }

  /**
   * What every write does inside its transaction: runs `fn`, logs what it noted, and — when it removed
   * memories for good — deletes every saved snapshot (a snapshot holds copies of records, and a purged
   * memory's words must not outlive it anywhere). Returns `fn`'s result and the change's log position.
   */
  async #runInTx<T, S extends MemosStoreName[]>(tx: WriteTx<S>, changes: ChangeSet, fn: (tx: WriteTx<S>, changes: ChangeSet) => Promise<T>): Promise<{ result: T; seq: number | undefined }> {
    const result = await fn(tx, changes);
    // (A store opened with a test's shorter migration list has no change log.)
    const hasLog = this.#db.objectStoreNames.contains('changes');
    const seq = !changes.empty && hasLog ? await this.#logChange(tx as unknown as WriteTx<['changes']>, changes) : undefined;
    if (changes.removedIds.length > 0 && this.#db.objectStoreNames.contains('snapshots')) await (tx as unknown as AnyWriteTx).objectStore('snapshots').clear();
    return { result, seq };
  }

  /** After a commit: this tab's listeners and other tabs learn what changed. */
  #committed(changes: ChangeSet, seq: number | undefined): void {
    if (changes.directory) this.#directoryVersion++;
    if (changes.empty) return;
    const change = changes.toChange(seq);
    this.#tell(changes, { change, written: changes.written, removedIds: changes.removedIds });
    this.changes.announce(change);
  }

  /** Adds the change record of a write inside its transaction, and prunes the log now and then. */
  async #logChange(tx: WriteTx<['changes']>, changes: ChangeSet): Promise<number> {
    const log = tx.objectStore('changes');
    const { seq: _none, ...change } = changes.toChange();
    const seq = (await log.add({ ...change, at: Date.now() } as ChangeRecord)) as number;
    const keep = this.#changeLogKeep;
    if (seq % Math.ceil(keep / 10) === 0 && seq > keep) await log.delete(IDBKeyRange.upperBound(seq - keep));
    return seq;
  }

  /** Runs what must follow a commit; a listener's failure is reported, never undoes the write. */
  #tell(changes: ChangeSet, commit: Commit): void {
    const guarded = (fn: () => void) => {
      try {
        fn();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    };
    guarded(() => changes.runAfterCommit());
    for (const listener of this.#onCommit) guarded(() => listener(commit));
  }

  /** Runs `fn` in one read-only transaction. */
  async read<T, S extends MemosStoreName[]>(storeNames: S, fn: (tx: ReadTx<S>) => Promise<T>): Promise<T> {
    this.#assertOpen();
    try {
      const tx = this.#db.transaction(storeNames, 'readonly');
      tx.done.catch(() => undefined);
      const result = await fn(tx);
      await tx.done;
      return result;
    } catch (error) {
      throw toStorageError(error);
    }
  }

  /** Closes the connection and the change feed. */
  close(): void {
    this.#shutdown('closed');
  }

  #shutdown(reason: 'closed' | 'upgrade' | 'terminated'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
    this.changes.close();
    for (const listener of this.#onClose) listener(reason);
  }

  #assertOpen(): void {
    if (this.#closed) throw new MemosError('STORE_CLOSED');
  }
}
