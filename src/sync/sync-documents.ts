/**
 * What one synced cube's documents hold, before encryption: a memory with its whole history, the mark
 * a purge leaves, or the cube's manifest. Read back with checks: a payload that opens but is not one of
 * these is refused like a tampered one.
 */
import type { AuditEntry } from '../core/audit';
import type { ActivationItem } from '../core/activation-item';
import type { AdapterItem } from '../core/adapter-item';
import type { CubeAccess, CubePolicy } from '../core/cube';
import { checkEntityEdits, type EntityEdits } from '../core/entity-edits';
import { MemosError } from '../core/errors';
import type { MemoryHistory } from './merge-history';

/** What the cube's manifest document says of the cube (each device keeps its own owner). */
export interface SyncedManifest {
  readonly kind: 'cube';
  readonly cubeId: string;
  readonly name: string;
  /** Who else may use the cube (absent in documents written before shares travelled). */
  readonly shares?: Readonly<Record<string, CubeAccess>>;
  readonly policy?: CubePolicy;
  /** People's edits to the cube's entity graph (absent in documents written before they travelled). */
  readonly entities?: EntityEdits;
  /** When the device that wrote it last changed it: the later of two concurrent manifests wins. */
  readonly changedAt?: number;
}

/** A run of one device's audit entries for the cube (written once, never changed). */
export interface SyncedAudit {
  readonly kind: 'audit';
  /** The sending device's random id (its local sync database's). */
  readonly deviceId: string;
  /** The entries, in order, each with the sending device's own `seq`. */
  readonly entries: readonly AuditEntry[];
}

/** The id of the document that holds the cube's wrapped key (the only readable id in the database). */
export const KEY_DOC_ID = 'memos-key';

/**
 * A memory's vector, sent beside it so that a device with the same embedder need not embed it again:
 * int8 with one scale (the precision search holds vectors in), the model's fingerprint key, and the
 * hash of the text it was made from.
 */
export interface SyncedVector {
  readonly model: string;
  readonly textHash: string;
  readonly scale: number;
  /** base64 of the int8 values. */
  readonly data: string;
}

/** One stored chunk of a KV or adapter cube, as its attachment carries it (the bytes follow each other in order). */
export interface SyncedBlob {
  readonly blobId: string;
  readonly kind: string;
  readonly chunk: number;
  readonly length: number;
  /** Hex SHA-256 of the chunk, as stored. */
  readonly checksum: string;
}

/** A KV cube (activation) or adapter cube: its entry, and how its attachment splits into chunks. */
export interface SyncedCubeItem {
  readonly kind: 'activation' | 'adapter';
  readonly item: ActivationItem | AdapterItem;
  readonly blobs: readonly SyncedBlob[];
  /** base64 IV of the sealed attachment. */
  readonly attachmentIv: string;
}

/** The mark a removed KV or adapter cube leaves. */
export interface RemovedCubeItem {
  readonly kind: 'removed';
  readonly what: 'activation' | 'adapter';
  readonly id: string;
}

/** The prefix of the documents that hold a cube key granted to someone's sync identity (src/sync/key-grants.ts). */
export const GRANT_PREFIX = 'memos-grant-';

/** Whether a document is one of the database's readable ones (the wrapped key, grants, PouchDB's own), not a sealed payload. */
export function isPlainDoc(id: string): boolean {
  return id === KEY_DOC_ID || id.startsWith(GRANT_PREFIX) || id.startsWith('_');
}

/** The body of a document, decrypted. */
export type SyncPayload =
  | { readonly kind: 'memory'; readonly history: MemoryHistory; readonly vector?: SyncedVector }
  | { readonly kind: 'purged'; readonly memoryId: string }
  | SyncedManifest
  | SyncedAudit
  | SyncedCubeItem
  | RemovedCubeItem;

/** What a document's opaque id is computed from. */
export const docName = {
  memory: (memoryId: string): string => `memory:${memoryId}`,
  cube: (): string => 'cube',
  audit: (deviceId: string, firstSeq: number): string => `audit:${deviceId}:${firstSeq}`,
  item: (id: string): string => `item:${id}`,
};

/**
 * Checks a decrypted payload's shape.
 * @throws {MemosError} SYNC_TAMPERED when it is not a payload memos-web writes
 */
export function checkPayload(value: unknown, docId: string): SyncPayload {
  const bad = () => new MemosError('SYNC_TAMPERED', `Document ${docId} does not hold what memos-web writes.`, { docId });
  if (typeof value !== 'object' || value === null) throw bad();
  const v = value as Record<string, unknown>;
  if (v['kind'] === 'purged' && typeof v['memoryId'] === 'string') return { kind: 'purged', memoryId: v['memoryId'] };
  if (v['kind'] === 'cube' && typeof v['name'] === 'string' && typeof v['cubeId'] === 'string') {
    const shares = v['shares'];
    if (shares !== undefined && (typeof shares !== 'object' || shares === null || Object.values(shares).some((a) => a !== 'read' && a !== 'write'))) throw bad();
    if (v['changedAt'] !== undefined && typeof v['changedAt'] !== 'number') throw bad();
    if (v['policy'] !== undefined && (typeof v['policy'] !== 'object' || v['policy'] === null)) throw bad();
    if (v['entities'] !== undefined) {
      try {
        checkEntityEdits(v['entities'], 'entities', 'import');
      } catch {
        throw bad();
      }
    }
    return value as SyncedManifest;
  }
  if ((v['kind'] === 'activation' || v['kind'] === 'adapter') && typeof v['attachmentIv'] === 'string' && Array.isArray(v['blobs'])) {
    const item = v['item'] as Partial<ActivationItem> | null;
    const blobOk = (b: unknown) => {
      const x = b as Partial<SyncedBlob> | null;
      return typeof x === 'object' && x !== null && typeof x.blobId === 'string' && typeof x.kind === 'string' && typeof x.chunk === 'number' && typeof x.length === 'number' && x.length >= 0 && typeof x.checksum === 'string';
    };
    if (typeof item === 'object' && item !== null && typeof item.id === 'string' && typeof item.cubeId === 'string' && v['blobs'].every(blobOk)) return value as SyncedCubeItem;
  }
  if (v['kind'] === 'removed' && (v['what'] === 'activation' || v['what'] === 'adapter') && typeof v['id'] === 'string') return value as RemovedCubeItem;
  if (v['kind'] === 'audit' && typeof v['deviceId'] === 'string' && Array.isArray(v['entries'])) {
    const entryOk = (e: unknown) => {
      const x = e as Partial<AuditEntry> | null;
      return typeof x === 'object' && x !== null && typeof x.seq === 'number' && typeof x.at === 'number' && typeof x.userId === 'string' && typeof x.action === 'string' && Array.isArray(x.memoryIds) && typeof x.details === 'object' && x.details !== null;
    };
    if (v['entries'].every(entryOk)) return value as SyncedAudit;
  }
  if (v['kind'] === 'memory') {
    const h = v['history'] as Partial<MemoryHistory> | undefined;
    const vector = v['vector'] as Partial<SyncedVector> | undefined;
    if (vector !== undefined && (typeof vector !== 'object' || vector === null || typeof vector.model !== 'string' || typeof vector.textHash !== 'string' || typeof vector.scale !== 'number' || !Number.isFinite(vector.scale) || typeof vector.data !== 'string')) throw bad();
    if (h && typeof h.memory === 'object' && h.memory !== null && typeof h.memory.id === 'string' && Array.isArray(h.versions) && h.versions.length > 0) return { kind: 'memory', history: h as MemoryHistory, ...(vector && { vector: vector as SyncedVector }) };
  }
  throw bad();
}
