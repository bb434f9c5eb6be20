/**
 * The one typed IndexedDB schema of memos-web and its versioned migrations.
 * Stores: users, cubes, memories, versions, audit, blobs (chunks of KV tensors and other binary
 * payloads), vectors (v2), activations (v3: KV MemCube entries), jobs (v4: the scheduler's queue),
 * adapters (v5: parametric MemCube entries; their weights are blobs).
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { ActivationItem } from '../core/activation-item';
import type { AdapterItem } from '../core/adapter-item';
import type { AuditEntry } from '../core/audit';
import type { JobRecord } from '../core/job';
import type { CubeRecord, UserRecord } from '../core/cube';
import type { MemoryItem, MemoryVersion } from '../core/memory-item';

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

/** A memory's vector from one embedding model. */
export interface VectorRecord {
  readonly memoryId: string;
  readonly cubeId: string;
  /** The embedder's fingerprint key (see fingerprintKey). */
  readonly model: string;
  readonly vector: Float32Array;
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
  activations: { key: string; value: ActivationItem; indexes: { byCube: string; bySource: string; bySession: string } };
  jobs: { key: string; value: JobRecord; indexes: { byState: string; byDedupe: string } };
  adapters: { key: string; value: AdapterItem; indexes: { byCube: string; bySource: string } };
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
];

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
