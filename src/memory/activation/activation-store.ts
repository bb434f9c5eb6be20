/**
 * Activation MemCubes in IndexedDB: the entry in `activations`, its tensors as checksummed chunks in
 * `blobs` (one blob per chunk of each layer's keys and values). Encoding and hashing happen before a
 * transaction opens (async crypto would let it commit early); writes and deletes run inside the
 * caller's transaction, so an entry and its chunks appear and disappear together.
 */
import type { ActivationItem, KvModelFingerprint } from '../../core/activation-item';
import { MemosError } from '../../core/errors';
import type { KvCache } from '../../inference/kv-cache';
import type { BlobRecord } from '../../storage/schema';
import type { WriteTx } from '../../storage/store';
import { chunk, decodeTensor, encodeTensor, sha256Hex, type KvEncoding } from './kv-codec';

/** The chunks of one cache, ready to store. */
export interface EncodedCache {
  readonly blobs: readonly BlobRecord[];
  readonly bytes: number;
}

const blobId = (activationId: string, layer: number, kind: 'k' | 'v', part: number): string => `${activationId}/kv/${layer}/${kind}/${part}`;

/** Encodes and checksums a cache's tensors as blob records of an activation. */
export async function encodeCache(cache: KvCache, encoding: KvEncoding, activationId: string, cubeId: string): Promise<EncodedCache> {
  const shape = { kvHeads: cache.kvHeads, length: cache.length, headDim: cache.headDim };
  const blobs: BlobRecord[] = [];
  let bytes = 0;
  for (let layer = 0; layer < cache.layers; layer++) {
    for (const kind of ['k', 'v'] as const) {
      const tensor = (kind === 'k' ? cache.keys : cache.values)[layer] as Float32Array;
      const encoded = encodeTensor(tensor, encoding, shape);
      bytes += encoded.byteLength;
      const parts = chunk(encoded);
      for (let part = 0; part < parts.length; part++) {
        const data = (parts[part] as Uint8Array).slice();
        blobs.push({ blobId: blobId(activationId, layer, kind, part), cubeId, memoryId: activationId, kind: `kv-${kind}`, chunk: part, data: data.buffer, checksum: await sha256Hex(data) });
      }
    }
  }
  return { blobs, bytes };
}

/**
 * Rebuilds a cache from its entry and chunks, checking every checksum and size.
 * @throws {MemosError} KV_CORRUPT when a chunk is missing, altered or the wrong size
 */
export async function decodeCache(item: ActivationItem, blobs: readonly BlobRecord[]): Promise<KvCache> {
  const { layers, kvHeads, headDim } = item.model;
  const length = item.positions.end - item.positions.start;
  const byId = new Map(blobs.map((b) => [b.blobId, b]));
  // Every chunk's checksum is checked at once (Web Crypto works off the calling thread), then decoded.
  const checks = await Promise.all(blobs.map(async (b) => (await sha256Hex(new Uint8Array(b.data))) === b.checksum));
  const bad = blobs.find((_, i) => !checks[i]);
  if (bad) throw new MemosError('KV_CORRUPT', `Chunk ${bad.blobId} fails its checksum.`, { activationId: item.id });
  const read = (layer: number, kind: 'k' | 'v'): Float32Array => {
    const parts: Uint8Array[] = [];
    for (let part = 0; ; part++) {
      const blob = byId.get(blobId(item.id, layer, kind, part));
      if (!blob) break;
      parts.push(new Uint8Array(blob.data));
    }
    if (parts.length === 0) throw new MemosError('KV_CORRUPT', `Layer ${layer} ${kind === 'k' ? 'keys' : 'values'} are missing.`, { activationId: item.id });
    if (parts.length === 1) return decodeTensor(parts[0] as Uint8Array, item.encoding, { kvHeads, length, headDim });
    const total = parts.reduce((n, p) => n + p.byteLength, 0);
    const joined = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      joined.set(p, at);
      at += p.byteLength;
    }
    return decodeTensor(joined, item.encoding, { kvHeads, length, headDim });
  };
  const keys: Float32Array[] = [];
  const values: Float32Array[] = [];
  for (let layer = 0; layer < layers; layer++) {
    keys.push(read(layer, 'k'));
    values.push(read(layer, 'v'));
  }
  return { layers, kvHeads, headDim, length, keys, values };
}

/**
 * Checks that a stored cache belongs to the model at hand: every fingerprint field must match.
 * @throws {MemosError} KV_INCOMPATIBLE naming the fields that differ
 */
export function checkModel(stored: KvModelFingerprint, model: KvModelFingerprint): void {
  const fields = (['modelId', 'weightsHash', 'dtype', 'layers', 'kvHeads', 'headDim', 'templateVersion'] as const).filter((f) => stored[f] !== model[f]);
  if (JSON.stringify(stored.rope) !== JSON.stringify(model.rope)) fields.push('rope' as never);
  if (fields.length > 0) throw new MemosError('KV_INCOMPATIBLE', `It differs in: ${fields.join(', ')}.`, { fields });
}

// Any write transaction that includes these stores (IndexedDB checks the scope at run time).
type ActivationTx = WriteTx;

/** Stores an entry and its chunks in the caller's transaction. */
export async function putActivation(tx: ActivationTx, item: ActivationItem, encoded: EncodedCache): Promise<void> {
  await tx.objectStore('activations').put(item);
  for (const blob of encoded.blobs) await tx.objectStore('blobs').put(blob);
}

/** Deletes an entry and its chunks in the caller's transaction. */
export async function deleteActivation(tx: ActivationTx, id: string): Promise<void> {
  await tx.objectStore('activations').delete(id);
  const keys = await tx.objectStore('blobs').index('byMemory').getAllKeys(id);
  for (const key of keys) await tx.objectStore('blobs').delete(key);
}

/**
 * Marks every activation built from these memories as stale (in the caller's transaction). Returns
 * the ids it marked.
 */
export async function markStale(tx: ActivationTx, memoryIds: readonly string[], reason: string, now: number): Promise<string[]> {
  const marked: string[] = [];
  const store = tx.objectStore('activations');
  for (const memoryId of memoryIds) {
    for (const item of await store.index('bySource').getAll(memoryId)) {
      if (item.staleReason !== null) continue;
      await store.put({ ...item, staleReason: reason, updatedAt: now, version: item.version + 1 });
      marked.push(item.id);
    }
  }
  return marked;
}
