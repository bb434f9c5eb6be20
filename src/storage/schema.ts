/**
 * The one typed IndexedDB schema of memos-web and its versioned migrations.
 * Stores: users, cubes, memories, versions, audit, blobs (chunks of KV tensors and other binary
 * payloads), vectors (v2; v6: vectorBlocks), activations (v3: KV MemCube entries), jobs (v4: the
 * scheduler's queue), adapters (v5: parametric MemCube entries; their weights are blobs), changes (v7:
 * the change log, one record per committed write that changed memories, users or cubes), snapshots
 * (v8: the search index saved as data, so that opening does not rebuild it; derived, never the truth),
 * documents (v9: the records of documents read into memory; their chunks are memories), secrets (v10:
 * keys kept on this device only — a sync's cube key wrapped under a non-extractable device key when the
 * user chose "remember", a user's sync identity; never exported, never synced), entityLinks (v11: the
 * entities each memory names, read from one version of its text — the edges of the entity graph).
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { ActivationItem } from '../core/activation-item';
import type { AdapterItem } from '../core/adapter-item';
import type { AuditEntry } from '../core/audit';
import type { JobRecord } from '../core/job';
import type { CubeRecord, UserRecord } from '../core/cube';
import type { DocumentRecord } from '../core/document-item';
import type { MemoryItem, MemoryVersion } from '../core/memory-item';
import type { EntityLink } from '../protocol/graph-types';
import type { ChangeRecord } from './change-feed';

/** A chunk of binary payload that belongs to a cube (KV tensors, adapter weights). */
export interface BlobRecord {
  readonly blobId: string;
  readonly cubeId: string;
  /** The memory (KV or adapter cube entry) the chunk belongs to, if any. */
  readonly memoryId: string | null;
  readonly kind: string;
  readonly chunk: number;
  readonly data: ArrayBuffer;
  /** A hex SHA-256 of `data`. */
  readonly checksum: string;
}

/**
 * A synced cube's key kept on this device because the user chose to remember it: the raw key sealed
 * (AES-GCM) under a device key that IndexedDB holds as a non-extractable CryptoKey, so the bytes on
 * disk open only through this origin's WebCrypto, and the connection settings to resume with.
 */
export interface RememberedSync {
  /** "sync:<cubeId>" */
  readonly key: string;
  readonly kind: 'sync';
  readonly userId: string;
  readonly cubeId: string;
  readonly url: string;
  readonly database: string;
  /** The server's login, when it asked for one (kept as given: the server needs it in clear). */
  readonly credentials?: { readonly username: string; readonly password: string };
  readonly deviceKey: CryptoKey;
  readonly iv: Uint8Array<ArrayBuffer>;
  readonly sealedKey: Uint8Array<ArrayBuffer>;
  readonly rememberedAt: number;
}

/** A user's sync identity on this device: an ECDH key pair others grant cube keys to. */
export interface SyncIdentityRecord {
  /** "identity:<userId>" */
  readonly key: string;
  readonly kind: 'identity';
  readonly userId: string;
  /** Non-extractable. */
  readonly privateKey: CryptoKey;
  /** base64 of the raw public point, as others are given it. */
  readonly publicKey: string;
  readonly createdAt: number;
}

/** What the secrets store holds. */
export type SecretRecord = RememberedSync | SyncIdentityRecord;

/** A memory's vector from one embedding model. */
export interface VectorRecord {
  readonly memoryId: string;
  readonly cubeId: string;
  /** The embedder's fingerprint key (see fingerprintKey). */
  readonly model: string;
  readonly vector: Float32Array;
}

/**
 * Vectors of several memories from one embedding model, written together (one add's batch, one
 * catch-up batch): one IndexedDB record instead of one per memory, since each record costs the same
 * round trip whatever its size. A memory's vector for a model is in at most one block.
 */
export interface VectorBlockRecord {
  readonly blockId: string;
  /** The embedder's fingerprint key (see fingerprintKey). */
  readonly model: string;
  readonly cubeId: string;
  readonly memoryIds: readonly string[];
  /** The hash of the text each vector was made from (see textHash), in the same order. */
  readonly textHashes: readonly string[];
  readonly dimension: number;
  /** memoryIds.length × dimension values, row by row. */
  readonly data: Float32Array;
}

/**
 * One part of a saved snapshot of something derived (the search index: see os/index-snapshot.ts). A
 * snapshot is a cache: deleting every part loses nothing but the time to rebuild it.
 */
export interface SnapshotPart {
  /** "<snapshot>:<part>", e.g. "index:meta", "index:records:0". */
  readonly key: string;
  readonly data: unknown;
}

/**
 * The entities one memory names (the graph's edges from it), as read from one version of its text.
 * Written by the graph keeper (os/graph-keeping.ts) after the memory commits; removed with the memory.
 */
export interface EntityLinkRecord {
  readonly memoryId: string;
  readonly cubeId: string;
  /** The version of the memory the links were read from, and a hash of the text read (with the relation it states, if any). */
  readonly memoryVersion: number;
  readonly textHash: string;
  /** Who said the memory (role aliases such as "caroline's sister" are theirs), or null. */
  readonly speaker: string | null;
  /** Which extractor read it ("compromise@14.20.0/1"): another one reads it again. */
  readonly extractor: string;
  readonly links: readonly EntityLink[];
  /** When it was read (epoch ms). */
  readonly at: number;
}

/** The typed schema (idb's DBSchema). */
export interface MemosSchema extends DBSchema {
  users: { key: string; value: UserRecord };
  cubes: { key: string; value: CubeRecord; indexes: { byOwner: string; bySharedWith: string } };
  memories: { key: string; value: MemoryItem; indexes: { byCube: string; byCubeCreated: [string, number]; byExpires: number } };
  versions: { key: [string, number]; value: MemoryVersion; indexes: { byCube: string } };
  audit: { key: number; value: AuditEntry; indexes: { byAt: number; byCube: string; byUser: string } };
  blobs: { key: string; value: BlobRecord; indexes: { byCube: string; byMemory: string } };
  vectors: { key: [string, string]; value: VectorRecord; indexes: { byModel: string; byCube: string } };
  vectorBlocks: { key: string; value: VectorBlockRecord; indexes: { byModel: string; byMemory: string } };
  activations: { key: string; value: ActivationItem; indexes: { byCube: string; bySource: string; bySession: string } };
  jobs: { key: string; value: JobRecord; indexes: { byState: string; byDedupe: string } };
  adapters: { key: string; value: AdapterItem; indexes: { byCube: string; bySource: string } };
  changes: { key: number; value: ChangeRecord };
  snapshots: { key: string; value: SnapshotPart };
  documents: { key: string; value: DocumentRecord; indexes: { byCube: string; byCubeName: [string, string]; byCubeHash: [string, string] } };
  secrets: { key: string; value: SecretRecord; indexes: { byUser: string } };
  entityLinks: { key: string; value: EntityLinkRecord; indexes: { byCube: string } };
}

/** A store name of the schema. */
export type MemosStoreName = StoreNames<MemosSchema>;

type UpgradeTx = IDBPTransaction<MemosSchema, MemosStoreName[], 'versionchange'>;

/** One migration: brings the database from version `n - 1` to version `n` (its index + 1). */
export type Migration = (db: IDBPDatabase<MemosSchema>, tx: UpgradeTx) => void;

/**
 * Every migration in order. Migration i brings a database from version i to i + 1. Never edit a
 * published migration: append a new one.
 */
export const MIGRATIONS: readonly Migration[] = [
  (db) => {
    db.createObjectStore('users', { keyPath: 'userId' });
    const cubes = db.createObjectStore('cubes', { keyPath: 'cubeId' });
    cubes.createIndex('byOwner', 'ownerId');
    cubes.createIndex('bySharedWith', 'sharedWith', { multiEntry: true });
    const memories = db.createObjectStore('memories', { keyPath: 'id' });
    memories.createIndex('byCube', 'cubeId');
    memories.createIndex('byCubeCreated', ['cubeId', 'createdAt']);
    const versions = db.createObjectStore('versions', { keyPath: ['memoryId', 'version'] });
    versions.createIndex('byCube', 'cubeId');
    const audit = db.createObjectStore('audit', { keyPath: 'seq', autoIncrement: true });
    audit.createIndex('byAt', 'at');
    audit.createIndex('byCube', 'cubeId');
    audit.createIndex('byUser', 'userId');
    const blobs = db.createObjectStore('blobs', { keyPath: 'blobId' });
    blobs.createIndex('byCube', 'cubeId');
    blobs.createIndex('byMemory', 'memoryId');
  },
  // 2: vectors, one record per memory and embedding model, so a new model's vectors can be built while
  // the old ones still serve searches.
  (db) => {
    const vectors = db.createObjectStore('vectors', { keyPath: ['memoryId', 'model'] });
    vectors.createIndex('byModel', 'model');
    vectors.createIndex('byCube', 'cubeId');
  },
  (db) => {
    const activations = db.createObjectStore('activations', { keyPath: 'id' });
    activations.createIndex('byCube', 'cubeId');
    activations.createIndex('bySource', 'sourceIds', { multiEntry: true });
    activations.createIndex('bySession', 'sessions', { multiEntry: true });
  },
  (db, tx) => {
    const jobs = db.createObjectStore('jobs', { keyPath: 'id' });
    jobs.createIndex('byState', 'state');
    jobs.createIndex('byDedupe', 'dedupeKey');
    // Memories without an expiry (null) are left out of this index by IndexedDB itself.
    tx.objectStore('memories').createIndex('byExpires', 'expiresAt');
  },
  (db) => {
    const adapters = db.createObjectStore('adapters', { keyPath: 'id' });
    adapters.createIndex('byCube', 'cubeId');
    adapters.createIndex('bySource', 'sourceIds', { multiEntry: true });
  },
  // 6: vectors in blocks (see VectorBlockRecord); the per-memory records move over, grouped by model
  // and cube, and their store goes.
  (db, tx) => {
    const blocks = db.createObjectStore('vectorBlocks', { keyPath: 'blockId' });
    blocks.createIndex('byModel', 'model');
    blocks.createIndex('byMemory', 'memoryIds', { multiEntry: true });
    void moveVectorsIntoBlocks(db, tx);
  },
  // 7: the change log. Earlier changes are not in it: a reader that needs them rebuilds from the stores.
  (db) => {
    db.createObjectStore('changes', { keyPath: 'seq', autoIncrement: true });
  },
  // 8: saved snapshots of derived data (the search index).
  (db) => {
    db.createObjectStore('snapshots', { keyPath: 'key' });
  },
  // 9: documents read into memory (their chunks are memories; these are their records).
  (db) => {
    const documents = db.createObjectStore('documents', { keyPath: 'documentId' });
    documents.createIndex('byCube', 'cubeId');
    documents.createIndex('byCubeName', ['cubeId', 'name']);
    documents.createIndex('byCubeHash', ['cubeId', 'sha256']);
  },
  // 10: keys kept on this device only (remembered sync keys, sync identities).
  (db) => {
    db.createObjectStore('secrets', { keyPath: 'key' }).createIndex('byUser', 'userId');
  },
  // 11: the entity graph's links (derived from memories' text; an older store gets them at idle time).
  (db) => {
    db.createObjectStore('entityLinks', { keyPath: 'memoryId' }).createIndex('byCube', 'cubeId');
  },
];

/** Vectors per block when migrating. */
const MIGRATION_BLOCK = 500;

/** Migration 6's data step: runs inside the upgrade transaction (every await is one of its requests). */
async function moveVectorsIntoBlocks(db: IDBPDatabase<MemosSchema>, tx: UpgradeTx): Promise<void> {
  const groups = new Map<string, (VectorRecord & { textHash?: string })[]>();
  let n = 0;
  const flush = async (key: string) => {
    const group = groups.get(key)!;
    groups.delete(key);
    const dimension = group[0]!.vector.length;
    const data = new Float32Array(group.length * dimension);
    group.forEach((r, i) => data.set(r.vector, i * dimension));
    await tx.objectStore('vectorBlocks').put({
      blockId: `vb-migrated-${(n++).toString(36).padStart(8, '0')}`,
      model: group[0]!.model,
      cubeId: group[0]!.cubeId,
      memoryIds: group.map((r) => r.memoryId),
      // A record without a hash gets "" — no text hashes to that, so the next catch-up re-embeds it.
      textHashes: group.map((r) => r.textHash ?? ''),
      dimension,
      data,
    });
  };
  let cursor = await tx.objectStore('vectors').openCursor();
  while (cursor) {
    const record = cursor.value as VectorRecord & { textHash?: string };
    const key = `${record.model}\u0000${record.cubeId}\u0000${record.vector.length}`;
    const group = groups.get(key) ?? [];
    group.push(record);
    groups.set(key, group);
    if (group.length >= MIGRATION_BLOCK) await flush(key);
    cursor = await cursor.continue();
  }
  for (const key of [...groups.keys()]) await flush(key);
  db.deleteObjectStore('vectors');
}

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Runs the migrations a database needs to go from `oldVersion` to `newVersion`, in order.
 * @param migrations - the list to run (the real one by default; tests pass their own)
 */
export function runMigrations(
  db: IDBPDatabase<MemosSchema>,
  tx: UpgradeTx,
  oldVersion: number,
  newVersion: number,
  migrations: readonly Migration[] = MIGRATIONS,
): void {
  for (let v = oldVersion; v < newVersion; v++) {
    const migration = migrations[v];
    if (!migration) throw new Error(`No migration to schema version ${v + 1}`);
    migration(db, tx);
  }
}
