/**
 * The IndexedDB store: opening (with migrations), transactional writes that resolve only after commit,
 * write coordination across tabs, and change announcements.
 */
import { openDB, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { MemosError } from '../core/errors';
import { broadcastChangeFeed, type ChangeFeed, type StoreChange } from './change-feed';
import { MIGRATIONS, runMigrations, type MemosSchema, type MemosStoreName, type Migration } from './schema';
import { toStorageError } from './storage-errors';
import { defaultLockRunner, type LockRunner } from './write-lock';

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

/** Collects what a write changes, announced to other tabs once it commits. */
export class ChangeSet {
  readonly memoryIds = new Set<string>();
  /** Cubes whose record (manifest, policy, shares) changed. */
  readonly cubeIds = new Set<string>();
  /** Users whose record (registered cubes, consent) changed. */
  readonly userIds = new Set<string>();
  readonly #memoryCubeIds = new Set<string>();

  /** Notes changed memories of a cube. */
  memories(cubeId: string, ids: Iterable<string>): void {
    this.#memoryCubeIds.add(cubeId);
    for (const id of ids) this.memoryIds.add(id);
  }

  /** Tells whether nothing was noted. */
  get empty(): boolean {
    return this.memoryIds.size === 0 && this.cubeIds.size === 0 && this.#memoryCubeIds.size === 0 && this.userIds.size === 0;
  }

  /** Tells whether a user or cube record changed (who may read what). */
  get directory(): boolean {
    return this.cubeIds.size > 0 || this.userIds.size > 0;
  }

  /** The plain form that is announced. */
  toChange(): StoreChange {
    return { memoryIds: [...this.memoryIds], cubeIds: [...new Set([...this.cubeIds, ...this.#memoryCubeIds])], userIds: [...this.userIds], directory: this.directory };
  }
}

/** Options of one {@link Store.write}. */
export interface WriteOptions {
  /** Aborts the write before it commits; nothing of it is kept. */
  readonly signal?: AbortSignal | undefined;
  /** Overrides the store's durability, e.g. "relaxed" for usage counters that may be lost in a crash. */
  readonly durability?: 'strict' | 'relaxed';
}

/** Options of {@link Store.open}. */
export interface StoreOptions {
  /** The IndexedDB database name; one store per name. Default "memos". */
  readonly name?: string;
  /** How writers coordinate; Web Locks by default. */
  readonly lock?: LockRunner;
  /** Where changes are announced; a BroadcastChannel by default. */
  readonly changeFeed?: ChangeFeed;
  /** The migrations to run (tests only). */
  readonly migrations?: readonly Migration[];
  /**
   * IndexedDB durability of write transactions. "strict" (default) resolves a write only after the
   * browser flushed it to disk, so an acknowledged write survives a crash of the browser.
   */
  readonly durability?: 'strict' | 'relaxed';
}

/** The IndexedDB store of one memos-web database. */
export class Store {
  readonly name: string;
  readonly changes: ChangeFeed;
  #db: IDBPDatabase<MemosSchema>;
  #lock: LockRunner;
  #durability: 'strict' | 'relaxed';
  #closed = false;
  #directoryVersion = 0;
  #onClose = new Set<(reason: 'closed' | 'upgrade' | 'terminated') => void>();

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
   * Runs `fn` in one read-write transaction while holding the store's write lock, and resolves only
   * after the transaction has committed. If `fn` throws, or the signal aborts, the transaction is
   * aborted and nothing of it is kept. `fn` must await only IndexedDB requests of `tx`.
   * @throws {MemosError} QUOTA_EXCEEDED when the browser refuses the data for lack of space
   * @throws {MemosError} ABORTED when the signal aborts before commit
   */
  async write<T, S extends MemosStoreName[]>(
    storeNames: S,
    fn: (tx: WriteTx<S>, changes: ChangeSet) => Promise<T>,
    options: WriteOptions = {},
  ): Promise<T> {
    const { signal } = options;
    this.#assertOpen();
    return this.#lock(`memos-write:${this.name}`, async () => {
      this.#assertOpen();
      if (signal?.aborted) throw new MemosError('ABORTED');
      const changes = new ChangeSet();
      let tx: WriteTx<S>;
      try {
        tx = this.#db.transaction(storeNames, 'readwrite', { durability: options.durability ?? this.#durability });
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
        try {
          result = await fn(tx, changes);
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
        if (changes.directory) this.#directoryVersion++;
        if (!changes.empty) this.changes.announce(changes.toChange());
        return result;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    });
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
