/**
 * A replica of one synced cube for a process outside the browser: a MemOS store in memory (the
 * caller provides an IndexedDB implementation, e.g. fake-indexeddb, and PouchDB's memory adapter)
 * that joins the cube a CouchDB database holds, pulls it, then follows it live. CouchDB is its durable
 * store: what the replica adds goes to the server and from there to the browser.
 */
import { MemosError } from '../core/errors';
import type { Embedder } from '../inference/embedders/embedder';
import { MemOS } from './memos';

/** Where the cube is and how to open it. */
export interface SyncedReplicaOptions {
  /** The CouchDB server, e.g. http://localhost:5984. */
  readonly url: string;
  readonly database: string;
  readonly passphrase: string;
  readonly credentials?: { readonly username: string; readonly password: string };
  /** The user the replica acts as (it owns the cube here). Default "agent". */
  readonly userId?: string;
  /**
   * An embedder for the replica: with the browser's model, vectors that travel beside memories are
   * taken as they come and searches go by meaning too; without one, searches go by words.
   */
  readonly embedder?: Embedder;
}

/** An open replica. */
export interface SyncedReplica {
  readonly memos: MemOS;
  readonly userId: string;
  readonly cubeId: string;
  /** Stops following the server and closes the store. */
  close(): Promise<void>;
}

/**
 * Opens the replica: joins the database's cube, replicates it once (so the first tool call sees it
 * whole), then live.
 * @throws {MemosError} SYNC_KEY_INVALID (wrong passphrase), SYNC_UNREACHABLE (server), INVALID_INPUT
 */
export async function openSyncedReplica(options: SyncedReplicaOptions): Promise<SyncedReplica> {
  const userId = options.userId ?? 'agent';
  const memos = await MemOS.open({ name: `memos-replica-${Date.now()}`, syncAdapter: 'memory', durability: 'relaxed', ...(options.embedder && { embedder: options.embedder }) });
  try {
    await memos.createUser({ userId, name: userId });
    const status = await memos.configureSync({
      userId,
      url: options.url,
      database: options.database,
      passphrase: options.passphrase,
      ...(options.credentials && { credentials: options.credentials }),
    });
    await memos.startSync({ userId, cubeId: status.cubeId });
    // Vectors that did not come with the memories (another model's, or none) are made before the first call.
    if (options.embedder) await memos.vectorStatus({ wait: true });
    await memos.startSync({ userId, cubeId: status.cubeId, live: true });
    return {
      memos,
      userId,
      cubeId: status.cubeId,
      async close() {
        await memos.stopSync({ userId, cubeId: status.cubeId }).catch(() => undefined);
        memos.close();
        await memos.whenClosed();
      },
    };
  } catch (error) {
    memos.close();
    throw error instanceof MemosError ? error : new MemosError('SYNC_UNREACHABLE', String(error));
  }
}
