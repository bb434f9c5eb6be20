/**
 * Replicating a cube through a CouchDB-protocol server, end to end encrypted (decision 0031). Per
 * synced cube a local PouchDB database is the outbox and inbox:
 * - **push**: what the store's change log says changed in the cube (or, the first time, every memory)
 *   is sealed (src/sync/sync-crypto.ts) — a memory with its whole history, or the mark of a purge — and
 *   put in the local database under an opaque id;
 * - PouchDB replicates the local database with the server's, both ways, once or live;
 * - **pull**: documents that arrived are opened (a document that fails authentication is refused and
 *   nothing of it applied), merged with what this device holds (src/sync/merge-history.ts: both sides'
 *   versions kept, the same result on every device) and stored through the one write path; a purge
 *   mark purges here too.
 * Keys and passphrases live only in memory: after a reload, configure again.
 */
import { MemosError } from '../core/errors';
import { newId, type Clock } from '../core/ids';
import { textHash } from '../core/hash';
import { canonicalJson } from '../core/canonical-json';
import type { MemoryItem } from '../core/memory-item';
import type { StoredVector } from '../memory/vector-blocks';
import { AUDIT_ACTIONS, type AuditEntry } from '../core/audit';
import type { CubeRecord } from '../core/cube';
import type { CallOptions, TaskProgress } from '../protocol/memory-types';
import type { SyncConfigParams, SyncStatus } from '../protocol/sync-types';
import type { Store } from '../storage/store';
import { requireAccess } from '../governance/access';
import { fullChain, mergeHistories, type MemoryHistory } from '../sync/merge-history';
import { conflictingLeaves, deleteRevisions, openLocal, openRemote, type LocalAdapter, type PouchDatabase, type PouchDoc, type PouchReplication } from '../sync/pouch';
import { newCubeKey, opaqueId, open, seal, unwrapCubeKey, type CubeKeys, type WrappedKey } from '../sync/sync-crypto';
import { checkPayload, docName, isPlainDoc, KEY_DOC_ID, type RemovedCubeItem, type SyncedCubeItem, type SyncedAudit, type SyncedVector, type SyncedManifest, type SyncPayload } from '../sync/sync-documents';
import { grantCubeKey, grantId, openFromDevice, openGrant, type KeyGrant } from '../sync/key-grants';
import { embeddingText, type VectorMemory } from '../memory/vector-memory';
import { packVector, unpackVector } from '../sync/vector-codec';
import { appendAudit } from './audit-log';
import { applyCubeItem, pushCubeItems, type CubeItemSyncContext } from './cube-item-sync';
import { forgetRemembered, rememberedSyncs, rememberSync, syncIdentity } from './sync-secrets';
import { MEMORY_STORES, removeMemory, storeSyncedMemories } from './memory-writes';
import { requireId, requireObject } from './validate';

/** What sync needs of MemOS. */
export interface CubeSyncDeps {
  readonly store: Store;
  readonly storeName: string;
  readonly clock: Clock;
  readonly adapter: LocalAdapter;
  /** Creates a cube this device lacks, as the server's manifest names it. */
  createCube(params: { userId: string; cubeId: string; name: string }): Promise<CubeRecord>;
  /** Called after memories arrived (vectors catch up). */
  received(): void;
  /** This device's vectors, when it has an embedder: sent beside memories, and taken from others with the same model. */
  vectors(): Pick<VectorMemory, 'modelKey' | 'held' | 'write'> | undefined;
}

/** A cube key opened for configureSync, which cube it is, and how it was opened. */
interface OpenedKeys {
  readonly keys: CubeKeys;
  readonly cubeId: string;
  /** The cube's name on the server, for a database that held a cube already. */
  readonly serverName?: string;
  readonly via: 'created' | 'passphrase' | 'grant' | 'remembered';
}

/** Where a cube syncs to. */
interface Server {
  readonly url: string;
  readonly database: string;
  readonly credentials?: { readonly username: string; readonly password: string };
}

interface Checkpoint {
  /** This device's random id in the cube's database (names the audit runs it sends). */
  deviceId: string;
  /** The store's change-log seq pushed up to; null: push every memory of the cube. */
  pushedSeq: number | null;
  /** The audit log's seq pushed up to. */
  auditPushedSeq: number;
  /** Per other device, the seq of its last audit entry applied here. */
  auditApplied: Record<string, number>;
  /** The local database's change seq pulled up to. */
  pulledSeq: number | string;
  /** The KV and adapter cubes sent or received, by id (a removal here is sent as a mark). */
  items: Record<string, 'activation' | 'adapter'>;
}

interface Synced {
  readonly userId: string;
  readonly cubeId: string;
  readonly keys: CubeKeys;
  readonly server: Server;
  /** Whether this device keeps the cube key (sealed under a device key) to resume after a reload. */
  readonly remembered: boolean;
  /** Whether this device joined a cube the database already held (it takes the manifest before it sends one). */
  readonly joined: boolean;
  readonly local: PouchDatabase;
  readonly remote: PouchDatabase;
  checkpoint: Checkpoint;
  /** Per memory, a hash of the history last sealed or received (nothing is sent twice). */
  readonly sent: Map<string, string>;
  state: SyncStatus['state'];
  lastSyncAt: number | null;
  lastError: SyncStatus['lastError'];
  counts: { sent: number; received: number; refused: number; kvAndAdaptersSent: number; kvAndAdaptersReceived: number; kvAndAdaptersTooLarge: number };
  /** The stored bytes above which a KV or adapter cube is not sent. */
  readonly limitBytes: number;
  replication: PouchReplication | undefined;
  /** Whether memories arrived since the vectors were last told (they catch up once a pass is done). */
  arrived: boolean;
  /** Told how far the running pass has got (startSync's onProgress), while one runs. */
  progress: ((progress: TaskProgress) => void) | undefined;
  /** Push and pull run one at a time. */
  queue: Promise<void>;
  unsubscribe: (() => void) | undefined;
}

const DATABASE = /^[a-z][a-z0-9_$()+/-]{0,237}$/;
const CHECKPOINT_ID = '_local/memos-sync';
const BATCH = 200;
/** KV and adapter cubes up to this many stored bytes travel unless the user sets another limit. */
const DEFAULT_ATTACHMENT_LIMIT = 16 * 1024 * 1024;
/** The key under which `sent` remembers the manifest last sent (no memory id is empty). */
const MANIFEST = '';

/** A hash of a history, usage left out (usage is this device's own). */
function historyHash(h: MemoryHistory): string {
  return textHash(JSON.stringify({ ...h.memory, usage: null }) + JSON.stringify(h.versions));
}

/**
 * Adds the server's users to the database's members (its security object: only members and admins
 * may read it). Needs the server admin's login in the sync's credentials.
 * @throws {MemosError} SYNC_UNREACHABLE (also when the server refuses: not an admin)
 */
async function addServerMembers(server: Server, users: readonly string[]): Promise<void> {
  const address = `${server.url}/${server.database}/_security`;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (server.credentials) headers['authorization'] = `Basic ${btoa(`${server.credentials.username}:${server.credentials.password}`)}`;
  try {
    const answer = await fetch(address, { headers });
    if (!answer.ok) throw Object.assign(new Error(await answer.text()), { status: answer.status });
    const security = (await answer.json()) as { admins?: { names?: string[]; roles?: string[] }; members?: { names?: string[]; roles?: string[] } };
    const names = [...new Set([...(security.members?.names ?? []), ...users])];
    const next = { admins: { names: security.admins?.names ?? [], roles: security.admins?.roles ?? [] }, members: { names, roles: security.members?.roles ?? [] } };
    const put = await fetch(address, { method: 'PUT', headers, body: JSON.stringify(next) });
    if (!put.ok) throw Object.assign(new Error(await put.text()), { status: put.status });
  } catch (error) {
    throw unreachable(error);
  }
}

/** The manifest a cube's record makes (its owner stays on each device). */
function manifestPayload(cube: CubeRecord, changedAt: number): SyncedManifest {
  return { kind: 'cube', cubeId: cube.cubeId, name: cube.name, shares: cube.shares, ...(cube.policy && { policy: cube.policy }), ...(cube.entities && { entities: cube.entities }), changedAt };
}

/** A hash of what a manifest says (its time left out). */
function manifestHash(m: SyncedManifest): string {
  const shares = Object.entries(m.shares ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  // Entity edits count when there are any (a manifest without them hashes as before they travelled).
  return textHash(JSON.stringify([m.cubeId, m.name, shares, m.policy ?? null, ...(m.entities ? [canonicalJson(m.entities)] : [])]));
}

function unreachable(error: unknown): MemosError {
  if (error instanceof MemosError) return error;
  const e = error as { status?: number; message?: string; name?: string };
  return new MemosError('SYNC_UNREACHABLE', `The sync server answered ${e.status ?? 'nothing'}: ${e.message ?? e.name ?? String(error)}`, { status: e.status ?? null });
}

/** configureSync, startSync, stopSync and syncStatus (see MemoryApi). */
export class CubeSync {
  readonly #deps: CubeSyncDeps;
  readonly #cubes = new Map<string, Synced>();

  constructor(deps: CubeSyncDeps) {
    this.#deps = deps;
  }

  /** See MemoryApi.configureSync. */
  async configure(params: SyncConfigParams): Promise<SyncStatus> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const asked = params.cubeId === undefined ? undefined : requireId(params.cubeId, 'cubeId');
    if (typeof params.url !== 'string' || !/^https?:\/\/[^\s]+$/.test(params.url)) throw new MemosError('INVALID_INPUT', 'url must be an http(s) address.', { field: 'url' });
    if (typeof params.database !== 'string' || !DATABASE.test(params.database)) throw new MemosError('INVALID_INPUT', 'database must be a CouchDB database name (lower-case, starting with a letter).', { field: 'database' });
    if (params.passphrase !== undefined && (typeof params.passphrase !== 'string' || params.passphrase.length < 8)) throw new MemosError('INVALID_INPUT', 'passphrase must have at least 8 characters.', { field: 'passphrase' });
    const limitBytes = params.attachmentLimitBytes ?? DEFAULT_ATTACHMENT_LIMIT;
    if (!Number.isSafeInteger(limitBytes) || limitBytes < 0) throw new MemosError('INVALID_INPUT', 'attachmentLimitBytes must be a whole number of bytes, 0 or more.', { field: 'attachmentLimitBytes' });
    const credentials = params.credentials;
    if (credentials !== undefined && (typeof credentials !== 'object' || credentials === null || typeof credentials.username !== 'string' || typeof credentials.password !== 'string')) {
      throw new MemosError('INVALID_INPUT', 'credentials must be { username, password }.', { field: 'credentials' });
    }
    const url = params.url.replace(/\/$/, '');
    const server: Server = { url, database: params.database, ...(credentials && { credentials: { username: credentials.username, password: credentials.password } }) };
    const remote = await openRemote(`${url}/${params.database}`, credentials, this.#deps.adapter);
    let opened: OpenedKeys;
    try {
      opened = await this.#openKeys(params, userId, asked, server, remote);
      const { cubeId, serverName, via } = opened;
      // A device that lacks the database's cube gets it; one that has it must own it.
      if (serverName !== undefined && !(await this.#ownedCube(cubeId, userId))) await this.#deps.createCube({ userId, cubeId, name: serverName });
      if (via === 'remembered' && !(await this.#ownedCube(cubeId, userId))) throw new MemosError('CUBE_NOT_FOUND', `This device no longer has cube ${cubeId}; configure with the passphrase to get it again.`, { cubeId });
    } catch (error) {
      // Nothing configured: the server handle made for it goes.
      await remote.close().catch(() => undefined);
      throw error;
    }
    const { keys, cubeId, via } = opened;
    // One database holds one cube; this device's replica of it is named after the server and database.
    const localName = `memos-sync-${this.#deps.storeName}-${textHash(url)}-${params.database}`;
    // A configuration this replaces stops, and lets go of its handles (its local one only when it is
    // another database's: PouchDB shares one per name).
    const previous = this.#cubes.get(cubeId);
    await this.stop({ userId, cubeId }).catch(() => undefined);
    if (previous) {
      await previous.remote.close().catch(() => undefined);
      if (previous.local.name !== localName) await previous.local.close().catch(() => undefined);
    }
    const local = await openLocal(localName, this.#deps.adapter);
    const saved = await local.get(CHECKPOINT_ID).catch(() => undefined);
    const remember = params.remember === true || (via === 'remembered' && params.remember !== false);
    this.#cubes.set(cubeId, {
      userId,
      cubeId,
      keys,
      server,
      remembered: remember,
      joined: via !== 'created',
      local,
      remote,
      checkpoint: {
        deviceId: (saved?.['deviceId'] as string | undefined) ?? newId('device'),
        pushedSeq: (saved?.['pushedSeq'] as number | null | undefined) ?? null,
        auditPushedSeq: (saved?.['auditPushedSeq'] as number | undefined) ?? 0,
        auditApplied: (saved?.['auditApplied'] as Record<string, number> | undefined) ?? {},
        pulledSeq: (saved?.['pulledSeq'] as number | string | undefined) ?? 0,
        items: (saved?.['items'] as Record<string, 'activation' | 'adapter'> | undefined) ?? {},
      },
      sent: new Map(),
      state: 'idle',
      lastSyncAt: null,
      lastError: null,
      counts: { sent: 0, received: 0, refused: 0, kvAndAdaptersSent: 0, kvAndAdaptersReceived: 0, kvAndAdaptersTooLarge: 0 },
      limitBytes,
      replication: undefined,
      arrived: false,
      progress: undefined,
      queue: Promise.resolve(),
      unsubscribe: undefined,
    });
    if (params.remember === true) await rememberSync(this.#deps.store, this.#deps.clock(), { userId, cubeId, ...server }, keys);
    if (params.remember === false) await forgetRemembered(this.#deps.store, cubeId);
    await this.#deps.store.write(['audit'], async (tx) => {
      await appendAudit(tx, this.#deps.clock(), userId, 'sync.configure', cubeId, [], { database: params.database, created: via === 'created', via, remembered: remember });
    });
    return this.status({ userId, cubeId });
  }

  /**
   * The cube key and which cube: with the passphrase (the database's wrapped key, or a new one for a
   * database without), a grant to the user's identity, or the key this device remembers.
   */
  async #openKeys(params: SyncConfigParams, userId: string, asked: string | undefined, server: Server, remote: PouchDatabase): Promise<OpenedKeys> {
    const { passphrase } = params;
    if (passphrase === undefined && params.identity !== true) {
      // Resuming: no server needed (it may be offline); the cube is this device's already.
      const kept = (await rememberedSyncs(this.#deps.store, userId)).find((r) => r.url === server.url && r.database === server.database && (asked === undefined || r.cubeId === asked));
      if (!kept) throw new MemosError('INVALID_INPUT', 'passphrase is required: this device remembers no key for that database (or set identity: true to open a grant).', { field: 'passphrase' });
      return { keys: await openFromDevice(kept), cubeId: kept.cubeId, via: 'remembered' };
    }
    let keyDoc: (PouchDoc & Partial<WrappedKey>) | undefined;
    try {
      keyDoc = await remote.get(KEY_DOC_ID);
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw unreachable(error);
    }
    if (!keyDoc) {
      if (asked === undefined) throw new MemosError('CUBE_NOT_FOUND', 'The database holds no cube yet: name the cube of this device to send (cubeId).', { database: server.database });
      if (passphrase === undefined) throw new MemosError('INVALID_INPUT', 'A new database needs a passphrase to keep its key under.', { field: 'passphrase' });
      if (!(await this.#ownedCube(asked, userId))) throw new MemosError('CUBE_NOT_FOUND', `This device has no cube ${asked} to send.`, { cubeId: asked });
      return { keys: await this.#newKey(remote, passphrase), cubeId: asked, via: 'created' };
    }
    const keys = passphrase !== undefined ? await unwrapCubeKey(keyDoc as unknown as WrappedKey, passphrase) : await this.#openGrant(remote, userId);
    // Only the manifest is read now; the memories come with the first pass.
    const manifest = await openDoc(keys, remote, await opaqueId(keys, docName.cube()));
    if (manifest?.kind !== 'cube') throw new MemosError('SYNC_TAMPERED', 'The database holds a key but no cube.', { database: server.database });
    if (asked !== undefined && asked !== manifest.cubeId) {
      throw new MemosError('INVALID_INPUT', `The database holds another cube ("${manifest.name}"); leave cubeId out to get it, or use another database.`, { field: 'cubeId', serverCubeId: manifest.cubeId });
    }
    return { keys, cubeId: manifest.cubeId, serverName: manifest.name, via: passphrase !== undefined ? 'passphrase' : 'grant' };
  }

  /** Opens the grant the database holds for this user's sync identity. @throws {MemosError} SYNC_KEY_INVALID */
  async #openGrant(remote: PouchDatabase, userId: string): Promise<CubeKeys> {
    const identity = await syncIdentity(this.#deps.store, this.#deps.clock(), userId, false);
    if (!identity) throw new MemosError('SYNC_KEY_INVALID', `${userId} has no sync identity on this device: call syncIdentity and give its public key to the cube's owner.`);
    const id = await grantId(identity.publicKey);
    const grant = await remote.get(id).catch((error: unknown) => {
      if ((error as { status?: number }).status === 404) throw new MemosError('SYNC_KEY_INVALID', 'The database holds no grant for this identity: ask the cube\'s owner to grant it (grantSync).');
      throw unreachable(error);
    });
    return openGrant(grant as Partial<KeyGrant>, id, identity.privateKey);
  }

  /** See MemoryApi.syncIdentity. */
  async identity(params: { userId: string }): Promise<{ publicKey: string }> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    await this.#deps.store.read(['users'], async (tx) => {
      if (!(await tx.objectStore('users').get(userId))) throw new MemosError('USER_NOT_FOUND', undefined, { userId });
    });
    const identity = (await syncIdentity(this.#deps.store, this.#deps.clock(), userId, true))!;
    return { publicKey: identity.publicKey };
  }

  /** See MemoryApi.grantSync. */
  async grant(params: { userId: string; cubeId: string; publicKey: string; serverUsers?: readonly string[] }): Promise<{ grantId: string }> {
    const synced = this.#synced(params);
    await this.#ownedCube(synced.cubeId, requireId(params.userId, 'userId'));
    if (typeof params.publicKey !== 'string') throw new MemosError('INVALID_INPUT', 'publicKey must be the base64 text syncIdentity gives.', { field: 'publicKey' });
    const serverUsers = params.serverUsers === undefined ? [] : [...params.serverUsers];
    if (!Array.isArray(params.serverUsers ?? []) || serverUsers.some((u) => typeof u !== 'string' || u.length === 0 || u.length > 256)) throw new MemosError('INVALID_INPUT', 'serverUsers must be a list of the server\'s user names.', { field: 'serverUsers' });
    const { id, grant } = await grantCubeKey(synced.keys, params.publicKey);
    const current = await synced.remote.get(id).catch(() => undefined);
    await synced.remote.put({ _id: id, ...(current?._rev && { _rev: current._rev }), ...grant }).catch((error: unknown) => {
      throw unreachable(error);
    });
    if (serverUsers.length > 0) await addServerMembers(synced.server, serverUsers);
    await this.#deps.store.write(['audit'], async (tx) => {
      await appendAudit(tx, this.#deps.clock(), synced.userId, 'sync.grant', synced.cubeId, [], { grantId: id, serverUsers: serverUsers.join(',') });
    });
    return { grantId: id };
  }

  /** See MemoryApi.resumeSync. */
  async resume(params: { userId: string }): Promise<SyncStatus[]> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const out: SyncStatus[] = [];
    for (const kept of await rememberedSyncs(this.#deps.store, userId)) {
      if (this.#cubes.has(kept.cubeId)) {
        out.push(this.status({ userId, cubeId: kept.cubeId }));
        continue;
      }
      const params: SyncConfigParams = { userId, cubeId: kept.cubeId, url: kept.url, database: kept.database, ...(kept.credentials ? { credentials: kept.credentials } : {}) };
      out.push(await this.configure(params));
    }
    return out;
  }

  /** See MemoryApi.forgetSync. */
  async forget(params: { userId: string; cubeId: string }): Promise<void> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const cubeId = requireId(params.cubeId, 'cubeId');
    await this.#ownedCube(cubeId, userId);
    await this.stop({ userId, cubeId });
    const synced = this.#cubes.get(cubeId);
    this.#cubes.delete(cubeId);
    await synced?.local.close().catch(() => undefined);
    await synced?.remote.close().catch(() => undefined);
    await forgetRemembered(this.#deps.store, cubeId);
    await this.#deps.store.write(['audit'], async (tx) => {
      await appendAudit(tx, this.#deps.clock(), userId, 'sync.forget', cubeId, [], {});
    });
  }

  /** This device's cube, checked to be the user's own; undefined when this device has none of that id. @throws {MemosError} FORBIDDEN */
  async #ownedCube(cubeId: string, userId: string): Promise<CubeRecord | undefined> {
    return this.#deps.store.read(['cubes'], async (tx) => {
      const cube = await tx.objectStore('cubes').get(cubeId);
      if (cube) requireAccess(cube, userId, 'owner');
      return cube;
    });
  }

  /** Makes the cube key of a new database and keeps it there wrapped. */
  async #newKey(remote: PouchDatabase, passphrase: string): Promise<CubeKeys> {
    const made = await newCubeKey(passphrase);
    await remote.put({ _id: KEY_DOC_ID, ...made.wrapped }).catch((error: unknown) => {
      throw unreachable(error);
    });
    return made.keys;
  }

  /** See MemoryApi.startSync. */
  async start(params: { userId: string; cubeId: string; live?: boolean }, options: CallOptions = {}): Promise<SyncStatus> {
    const synced = this.#synced(params);
    await this.#pass(synced, options.onProgress);
    if (params.live === true && !synced.replication) {
      synced.state = 'live';
      const replication = synced.local.sync(synced.remote, { live: true, retry: true });
      replication.on('change', () =>
        void this.#enqueue(synced, async () => {
          await this.#pull(synced);
          this.#announce(synced);
        }),
      );
      replication.on('error', (error) => this.#failed(synced, unreachable(error)));
      synced.replication = replication;
      // A write here or in another tab goes out at once (its change record tells what changed).
      const push = (cubeIds: readonly string[]) => {
        if (cubeIds.includes(synced.cubeId)) void this.#enqueue(synced, () => this.#push(synced));
      };
      const mine = this.#deps.store.onCommit((commit) => push(commit.change.cubeIds));
      const theirs = this.#deps.store.changes.subscribe((change) => push(change.cubeIds));
      synced.unsubscribe = () => {
        mine();
        theirs();
      };
    }
    return this.status(params);
  }

  /** See MemoryApi.stopSync. */
  async stop(params: { userId: string; cubeId: string }): Promise<void> {
    requireObject(params, 'params');
    requireId(params.userId, 'userId');
    const synced = this.#cubes.get(requireId(params.cubeId, 'cubeId'));
    if (!synced) return;
    synced.replication?.cancel();
    synced.replication = undefined;
    synced.unsubscribe?.();
    synced.unsubscribe = undefined;
    await synced.queue;
    synced.state = 'idle';
  }

  /** See MemoryApi.syncStatus. */
  status(params: { userId: string; cubeId: string }): SyncStatus {
    const s = this.#synced(params);
    return { cubeId: s.cubeId, state: s.state, lastSyncAt: s.lastSyncAt, lastError: s.lastError, ...s.counts, remembered: s.remembered };
  }

  /** Stops every cube's sync (on close). */
  async close(): Promise<void> {
    for (const s of this.#cubes.values()) {
      await this.stop({ userId: s.userId, cubeId: s.cubeId });
      await s.local.close().catch(() => undefined);
      await s.remote.close().catch(() => undefined);
    }
    this.#cubes.clear();
  }

  #synced(params: { userId: string; cubeId: string }): Synced {
    requireObject(params, 'params');
    const cubeId = requireId(params.cubeId, 'cubeId');
    requireId(params.userId, 'userId');
    const synced = this.#cubes.get(cubeId);
    if (!synced) throw new MemosError('SYNC_NOT_CONFIGURED', undefined, { cubeId });
    return synced;
  }

  #enqueue(synced: Synced, step: () => Promise<void>): Promise<void> {
    const run = synced.queue.then(step).catch((error: unknown) => this.#failed(synced, unreachable(error)));
    synced.queue = run;
    return run;
  }

  #failed(synced: Synced, error: MemosError): void {
    synced.lastError = { code: error.code, message: error.message };
    if (synced.state !== 'live') synced.state = 'error';
  }

  /** One pass: push, replicate both ways, pull. */
  async #pass(synced: Synced, onProgress?: (progress: TaskProgress) => void): Promise<void> {
    synced.state = 'syncing';
    await this.#enqueue(synced, async () => {
      synced.progress = onProgress;
      try {
        await this.#push(synced);
        synced.lastError = null;
        await this.#replicatePulling(synced);
        await this.#pull(synced);
      } finally {
        synced.progress = undefined;
      }
      this.#announce(synced);
      synced.lastSyncAt = this.#deps.clock();
    });
    // A refused document is reported in the status; a pass that could not run fails.
    if (synced.lastError && synced.lastError.code !== 'SYNC_TAMPERED') {
      synced.state = 'error';
      throw new MemosError(synced.lastError.code as 'SYNC_UNREACHABLE', synced.lastError.message);
    }
    synced.state = 'idle';
  }

  /**
   * One replication pass both ways, applying what has arrived while the rest still downloads (a new
   * device does not wait for the whole cube before the first memories are searchable).
   * @throws {MemosError} SYNC_UNREACHABLE
   */
  async #replicatePulling(synced: Synced): Promise<void> {
    const replication = synced.local.sync(synced.remote, { batch_size: 500 });
    let pulling: Promise<void> | undefined;
    let again = false;
    let failure: unknown;
    const pullSoon = () => {
      if (pulling) {
        again = true;
        return;
      }
      pulling = (async () => {
        do {
          again = false;
          await this.#pull(synced);
        } while (again);
      })()
        .catch((error: unknown) => {
          failure ??= error;
          replication.cancel();
        })
        .finally(() => {
          pulling = undefined;
        });
    };
    replication.on('change', (info) => {
      if ((info as { direction?: string }).direction === 'pull') pullSoon();
    });
    try {
      await replication;
    } catch (error) {
      await pulling;
      throw unreachable(error);
    }
    await pulling;
    if (failure !== undefined) throw failure;
  }

  /**
   * Tells the vectors to catch up with what arrived — after a pass, not during it: embedding runs in
   * this worker and would hold the rest of the download back.
   */
  #announce(synced: Synced): void {
    if (!synced.arrived) return;
    synced.arrived = false;
    this.#deps.received();
  }

  async #saveCheckpoint(synced: Synced): Promise<void> {
    const current = await synced.local.get(CHECKPOINT_ID).catch(() => undefined);
    await synced.local.put({ _id: CHECKPOINT_ID, ...(current?._rev && { _rev: current._rev }), ...synced.checkpoint });
  }

  /** Seals what changed here into the local database. */
  async #push(synced: Synced): Promise<void> {
    const { store } = this.#deps;
    let ids: string[];
    let upTo: number;
    const since = synced.checkpoint.pushedSeq;
    const log = since === null ? undefined : await store.changesSince(since, 100_000);
    if (log === undefined || log.truncated) {
      // Everything in the cube, and the manifest (the log's end read first: what is written meanwhile goes next time).
      upTo = await store.lastChangeSeq();
      ids = (await store.read(['memories'], (tx) => tx.objectStore('memories').index('byCube').getAllKeys(synced.cubeId))) as string[];
      // A device that joined sends its manifest only once it has taken the database's.
      if (!synced.joined || synced.checkpoint.pulledSeq !== 0) await this.#pushManifest(synced);
    } else {
      const touched = log.changes.filter((c) => c.cubeIds.includes(synced.cubeId));
      ids = [...new Set(touched.flatMap((c) => c.memoryIds))];
      upTo = log.changes.at(-1)?.seq ?? since!;
      if (touched.some((c) => c.directory)) await this.#pushManifest(synced);
    }
    for (let i = 0; i < ids.length; i += BATCH) {
      synced.progress?.({ phase: 'sending', done: i, total: ids.length, unit: 'items' });
      const batch = ids.slice(i, i + BATCH);
      const rows = await store.read(['memories', 'versions'], async (tx) =>
        Promise.all(batch.map(async (id) => {
          const memory = await tx.objectStore('memories').get(id);
          const versions = memory ? await tx.objectStore('versions').getAll(IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER])) : [];
          return { id, memory, versions };
        })),
      );
      // What to send is decided in order; the sealing (WebCrypto's work) runs for the batch at once.
      const toSeal: { id: string; payload: SyncPayload }[] = [];
      for (const { id, memory, versions } of rows) {
        if (memory && memory.cubeId !== synced.cubeId) continue;
        if (memory) {
          const history: MemoryHistory = { memory, versions: fullChain(memory, versions) };
          const hash = historyHash(history);
          if (synced.sent.get(id) === hash) continue;
          synced.sent.set(id, hash);
          toSeal.push({ id, payload: { kind: 'memory', history, ...this.#vectorOf(memory) } });
        } else if (synced.sent.get(id) !== 'purged') {
          synced.sent.set(id, 'purged');
          toSeal.push({ id, payload: { kind: 'purged', memoryId: id } });
        }
      }
      const docs: PouchDoc[] = await Promise.all(
        toSeal.map(async ({ id, payload }) => {
          const docId = await opaqueId(synced.keys, docName.memory(id));
          return { _id: docId, ...(await seal(synced.keys, docId, payload)) };
        }),
      );
      await putAll(synced.local, docs);
      synced.counts.sent += docs.length;
    }
    synced.checkpoint.pushedSeq = upTo;
    await pushCubeItems(this.#itemContext(synced));
    await this.#pushAudit(synced);
    await this.#saveCheckpoint(synced);
  }

  #itemContext(synced: Synced): CubeItemSyncContext {
    return { store: this.#deps.store, clock: this.#deps.clock, userId: synced.userId, cubeId: synced.cubeId, keys: synced.keys, local: synced.local, limitBytes: synced.limitBytes, items: synced.checkpoint.items, sent: synced.sent, counts: synced.counts };
  }

  /** The memory's vector to send beside it: the one held for its current text, if any. */
  #vectorOf(memory: MemoryItem): { vector: SyncedVector } | Record<string, never> {
    const vectors = this.#deps.vectors();
    const held = vectors?.held(memory.id);
    if (!vectors || !held || held.textHash !== textHash(embeddingText(memory))) return {};
    return { vector: { model: vectors.modelKey, textHash: held.textHash, ...packVector(held.vector) } };
  }

  /** Seals this device's new audit entries for the cube (not those that came from other devices) as one document. */
  async #pushAudit(synced: Synced): Promise<void> {
    const since = synced.checkpoint.auditPushedSeq;
    const { entries, last } = await this.#deps.store.read(['audit'], async (tx) => {
      const newer = await tx.objectStore('audit').getAll(IDBKeyRange.lowerBound(since, true));
      return { entries: newer.filter((e) => e.cubeId === synced.cubeId && e.details['fromDevice'] === undefined), last: newer.at(-1)?.seq ?? since };
    });
    if (entries.length > 0) {
      const docId = await opaqueId(synced.keys, docName.audit(synced.checkpoint.deviceId, entries[0]!.seq!));
      await putAll(synced.local, [{ _id: docId, ...(await seal(synced.keys, docId, { kind: 'audit', deviceId: synced.checkpoint.deviceId, entries } satisfies SyncPayload)) }]);
    }
    synced.checkpoint.auditPushedSeq = last;
  }

  async #pushManifest(synced: Synced): Promise<void> {
    const cube = await this.#deps.store.read(['cubes'], (tx) => tx.objectStore('cubes').get(synced.cubeId));
    if (!cube) return;
    const manifest = manifestPayload(cube, this.#deps.clock());
    const said = manifestHash(manifest);
    if (synced.sent.get(MANIFEST) === said) return;
    const docId = await opaqueId(synced.keys, docName.cube());
    const current = await openDoc(synced.keys, synced.local, docId).catch(() => undefined);
    synced.sent.set(MANIFEST, said);
    if (current?.kind === 'cube' && manifestHash(current) === said) return;
    await putAll(synced.local, [{ _id: docId, ...(await seal(synced.keys, docId, manifest)) }]);
  }

  /** Applies the manifest the local database holds (the later of concurrent ones) to this device's cube. */
  async #pullManifest(synced: Synced, doc: PouchDoc): Promise<void> {
    const leaves = [doc, ...(await conflictingLeaves(synced.local, doc))];
    const payloads = await Promise.all(leaves.map(async (leaf) => checkPayload(await open(synced.keys, doc._id, leaf), doc._id)));
    const manifests = payloads.filter((p): p is SyncedManifest => p.kind === 'cube' && p.cubeId === synced.cubeId);
    if (manifests.length !== payloads.length) throw new MemosError('SYNC_TAMPERED', `Document ${doc._id} holds another cube's manifest.`, { docId: doc._id });
    const winner = manifests.reduce((a, b) => ((b.changedAt ?? 0) > (a.changedAt ?? 0) || ((b.changedAt ?? 0) === (a.changedAt ?? 0) && manifestHash(b) > manifestHash(a)) ? b : a));
    if (leaves.length > 1) {
      // Settled: the winner stays the only leaf (written again when it is not the winning revision).
      const winnerLeaf = leaves[manifests.indexOf(winner)]!;
      await deleteRevisions(synced.local, doc._id, leaves.filter((l) => l !== winnerLeaf).map((leaf) => leaf._rev!));
      synced.sent.delete(MANIFEST);
    }
    // The cube as this device holds it once the manifest is applied.
    const now = await this.#deps.store.write(['cubes', 'audit'], async (tx, changes) => {
      const cube = await tx.objectStore('cubes').get(synced.cubeId);
      if (!cube) return undefined;
      const shares = Object.fromEntries(Object.entries(winner.shares ?? cube.shares).filter(([user]) => user !== cube.ownerId));
      const updated: CubeRecord = {
        ...cube,
        name: winner.name,
        shares,
        sharedWith: Object.keys(shares),
        ...((winner.policy ?? cube.policy) && { policy: winner.policy ?? cube.policy }),
        ...((winner.entities ?? cube.entities) && { entities: winner.entities ?? cube.entities }),
      };
      if (manifestHash(manifestPayload(updated, 0)) === manifestHash(manifestPayload(cube, 0))) return cube;
      await tx.objectStore('cubes').put(updated);
      changes.cubeIds.add(cube.cubeId);
      await appendAudit(tx, this.#deps.clock(), synced.userId, 'cube.sync', cube.cubeId, [], { name: updated.name, shares: updated.sharedWith.length });
      return updated;
    });
    // What this device holds now came from the server: nothing to send back unless it differs.
    if (now && manifestHash(manifestPayload(now, 0)) === manifestHash(winner) && leaves.length === 1) synced.sent.set(MANIFEST, manifestHash(winner));
  }

  /** Adds other devices' audit entries to this device's log, each once, marked with the device they came from. */
  async #applyAudit(synced: Synced, runs: readonly SyncedAudit[]): Promise<void> {
    const applied = synced.checkpoint.auditApplied;
    const fresh: AuditEntry[] = [];
    const known = new Set<string>(AUDIT_ACTIONS);
    for (const run of [...runs].sort((a, b) => (a.entries[0]?.seq ?? 0) - (b.entries[0]?.seq ?? 0))) {
      if (run.deviceId === synced.checkpoint.deviceId) continue;
      for (const e of run.entries) {
        if (e.seq! <= (applied[run.deviceId] ?? 0)) continue;
        applied[run.deviceId] = e.seq!;
        // An action this version does not know (a newer device's) is left out.
        if (!known.has(e.action)) continue;
        fresh.push({ at: e.at, userId: e.userId, action: e.action, cubeId: synced.cubeId, memoryIds: [...e.memoryIds], details: { ...e.details, fromDevice: run.deviceId } });
      }
    }
    if (fresh.length === 0) return;
    await this.#deps.store.write(['audit'], async (tx) => {
      for (const entry of fresh) await tx.objectStore('audit').add(entry);
    });
  }

  /** Applies what arrived in the local database. */
  async #pull(synced: Synced): Promise<void> {
    const cubeDoc = await opaqueId(synced.keys, docName.cube());
    for (;;) {
      const { results, last_seq } = await synced.local.changes({ since: synced.checkpoint.pulledSeq, include_docs: true, conflicts: true, limit: BATCH });
      const histories: MemoryHistory[] = [];
      const audits: SyncedAudit[] = [];
      const items: { doc: PouchDoc; payload: SyncedCubeItem | RemovedCubeItem }[] = [];
      const vectors = new Map<string, StoredVector>();
      const model = this.#deps.vectors()?.modelKey;
      const docs = results.map((change) => change.doc).filter((doc): doc is PouchDoc => doc !== undefined && !doc._deleted && !isPlainDoc(doc._id));
      // Decrypting is WebCrypto's work: a batch at once; applying stays in order.
      const opened = await Promise.all(
        docs.map(async (doc): Promise<SyncPayload | MemosError | undefined> => {
          if (doc._id === cubeDoc) return undefined;
          try {
            return checkPayload(await open(synced.keys, doc._id, doc), doc._id);
          } catch (error) {
            if (error instanceof MemosError) return error;
            throw error;
          }
        }),
      );
      for (const [i, doc] of docs.entries()) {
        try {
          if (doc._id === cubeDoc) {
            await this.#pullManifest(synced, doc);
            continue;
          }
          const first = opened[i];
          if (first instanceof MemosError) throw first;
          if (first === undefined) continue;
          if (first.kind === 'activation' || first.kind === 'adapter' || first.kind === 'removed') {
            items.push({ doc, payload: first });
            continue;
          }
          if (first.kind === 'audit') {
            if ((await opaqueId(synced.keys, docName.audit(first.deviceId, first.entries[0]?.seq ?? -1))) !== doc._id) throw new MemosError('SYNC_TAMPERED', `Document ${doc._id} holds audit entries that are not its own.`, { docId: doc._id });
            audits.push(first);
            continue;
          }
          const history = await this.#openMemoryDoc(synced, doc, first);
          const sentVector = first.kind === 'memory' ? first.vector : undefined;
          if (history && sentVector && sentVector.model === model) {
            vectors.set(history.memory.id, { memoryId: history.memory.id, cubeId: synced.cubeId, model: sentVector.model, textHash: sentVector.textHash, vector: unpackVector(sentVector) });
          }
          if (history) histories.push(history);
        } catch (error) {
          this.#refuse(synced, error);
        }
      }
      await this.#applyHistories(synced, histories, vectors);
      const itemContext = this.#itemContext(synced);
      for (const { doc, payload } of items) {
        try {
          await applyCubeItem(itemContext, doc, payload);
        } catch (error) {
          this.#refuse(synced, error);
        }
      }
      await this.#applyAudit(synced, audits);
      synced.checkpoint.pulledSeq = last_seq;
      synced.progress?.({ phase: 'receiving', done: synced.counts.received + synced.counts.refused, unit: 'items' });
      await this.#saveCheckpoint(synced);
      if (results.length < BATCH) break;
    }
  }

  /** Counts a document that failed its checks as refused (reported in the status); any other error goes on up. */
  #refuse(synced: Synced, error: unknown): void {
    if (!(error instanceof MemosError && error.code === 'SYNC_TAMPERED')) throw error;
    synced.counts.refused++;
    synced.lastError = { code: error.code, message: error.message };
  }

  /** Opens every leaf of a memory's document; purges at once when one is a purge mark, else returns the leaves' merged history. */
  async #openMemoryDoc(synced: Synced, doc: PouchDoc, first: SyncPayload): Promise<MemoryHistory | undefined> {
    // Every leaf of the document: the winning revision (opened already) and those in conflict with it.
    const others = await conflictingLeaves(synced.local, doc);
    const leaves = [doc, ...others];
    const payloads = [first, ...(await Promise.all(others.map(async (leaf) => checkPayload(await open(synced.keys, doc._id, leaf), doc._id))))];
    const memoryId = payloads.map((p) => (p.kind === 'memory' ? p.history.memory.id : p.kind === 'purged' ? p.memoryId : '')).find((id) => id !== '');
    if (memoryId === undefined || (await opaqueId(synced.keys, docName.memory(memoryId))) !== doc._id) {
      throw new MemosError('SYNC_TAMPERED', `Document ${doc._id} names a memory that is not its own.`, { docId: doc._id });
    }
    let remote: MemoryHistory | undefined;
    if (payloads.some((p) => p.kind === 'purged')) {
      await this.#purge(synced, memoryId);
      synced.sent.set(memoryId, 'purged');
    } else {
      for (const p of payloads) {
        if (p.kind !== 'memory' || p.history.memory.cubeId !== synced.cubeId || p.history.memory.id !== memoryId) throw new MemosError('SYNC_TAMPERED', `Document ${doc._id} holds a memory of another cube.`, { docId: doc._id });
        remote = remote ? (await mergeHistories(remote, p.history)).merged : p.history;
      }
    }
    // Conflicting revisions are settled: the merge (sent again by the next push) replaces them all.
    if (leaves.length > 1) {
      await deleteRevisions(synced.local, doc._id, others.map((leaf) => leaf._rev!));
      synced.sent.delete(memoryId);
    }
    return remote;
  }

  /**
   * Merges histories that arrived with what this device holds and stores the changed ones, a batch per
   * transaction, with the vectors that came beside them when they were made by this device's model.
   */
  async #applyHistories(synced: Synced, arrived: readonly MemoryHistory[], vectors: ReadonlyMap<string, StoredVector>): Promise<void> {
    const { store } = this.#deps;
    let pending = arrived;
    for (let attempt = 0; attempt < 5 && pending.length > 0; attempt++) {
      const ids = pending.map((h) => h.memory.id);
      const locals = await store.read(['memories', 'versions'], async (tx) =>
        Promise.all(ids.map(async (id) => {
          const memory = await tx.objectStore('memories').get(id);
          return memory ? { memory, versions: fullChain(memory, await tx.objectStore('versions').getAll(IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER]))) } : undefined;
        })),
      );
      const plans: { local: MemoryHistory | undefined; merged: MemoryHistory }[] = [];
      for (let i = 0; i < pending.length; i++) {
        const remote = pending[i]!;
        const local = locals[i];
        const next = local ? await mergeHistories(local, remote) : { merged: { ...remote, memory: { ...remote.memory, usage: { accessCount: 0, lastAccessAt: null, hits: [] } } }, changed: true };
        // The remote's own history: nothing needs sending back. Nothing new here: nothing to write.
        if (historyHash(next.merged) === historyHash(remote)) synced.sent.set(remote.memory.id, historyHash(remote));
        if (next.changed) plans.push({ local, merged: next.merged });
      }
      if (plans.length === 0) return;
      const retry: MemoryHistory[] = [];
      const written = await store.write(MEMORY_STORES, async (tx, changes) => {
        const nows = await Promise.all(plans.map(({ merged }) => tx.objectStore('memories').get(merged.memory.id)));
        const rows: { before: MemoryItem | undefined; after: MemoryItem; versions: MemoryHistory['versions'] }[] = [];
        let created = 0;
        for (const [i, { local, merged }] of plans.entries()) {
          const now = nows[i];
          // Changed here since it was read: merged again on the next attempt.
          if ((now?.version ?? 0) !== (local?.memory.version ?? 0) || (now?.updatedAt ?? 0) !== (local?.memory.updatedAt ?? 0)) {
            retry.push(pending.find((h) => h.memory.id === merged.memory.id)!);
            continue;
          }
          rows.push({ before: now, after: merged.memory as MemoryItem, versions: merged.versions });
          if (local === undefined) created++;
        }
        await storeSyncedMemories(tx, changes, rows);
        // Vectors made with this device's model come in the same write (those of the text each memory has now).
        const given = rows.map((r) => vectors.get(r.after.id)).filter((v, i): v is StoredVector => v !== undefined && v.textHash === textHash(embeddingText(rows[i]!.after)));
        if (given.length > 0) await this.#deps.vectors()?.write(tx, changes, given);
        const done = rows.map((r) => r.after.id);
        if (done.length > 0) await appendAudit(tx, this.#deps.clock(), synced.userId, 'memory.sync', synced.cubeId, done, { count: done.length, created });
        return done.length;
      });
      synced.counts.received += written;
      if (written > 0) synced.arrived = true;
      pending = retry;
    }
  }

  async #purge(synced: Synced, memoryId: string): Promise<void> {
    await this.#deps.store.write(MEMORY_STORES, async (tx, changes) => {
      const memory = await tx.objectStore('memories').get(memoryId);
      if (!memory || memory.cubeId !== synced.cubeId) return;
      await removeMemory(tx, changes, memory, this.#deps.clock());
      await appendAudit(tx, this.#deps.clock(), synced.userId, 'memory.purge', synced.cubeId, [memoryId], { versions: memory.version, reason: 'purged on another device' });
      synced.counts.received++;
    });
  }
}

/** Opens a document of a database (its winning revision), or undefined when absent. @throws {MemosError} SYNC_TAMPERED */
async function openDoc(keys: CubeKeys, db: PouchDatabase, docId: string): Promise<SyncPayload | undefined> {
  const doc = await db.get(docId).catch(() => undefined);
  return doc ? checkPayload(await open(keys, docId, doc), docId) : undefined;
}

/** Puts documents, each over its current revision when there is one. */
async function putAll(db: PouchDatabase, docs: PouchDoc[]): Promise<void> {
  if (docs.length === 0) return;
  const current = await db.allDocs({ keys: docs.map((d) => d._id) });
  const revs = new Map(current.rows.filter((r) => r.value && !r.value.deleted).map((r) => [r.id, r.value!.rev]));
  const results = await db.bulkDocs(docs.map((d) => (revs.has(d._id) ? { ...d, _rev: revs.get(d._id)! } : d)));
  const failed = results.find((r) => 'error' in r);
  if (failed) throw new MemosError('STORAGE_FAILED', `The local sync database refused document ${failed.id}.`, { docId: failed.id });
}
