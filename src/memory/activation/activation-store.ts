/**
 * Activation MemCubes in IndexedDB: the entry in `activations`, its tensors as checksummed chunks in
 * `blobs` (one blob per chunk of each layer's keys and values). Encoding and hashing happen before a
 * transaction opens (async crypto would let it commit early); writes and deletes run inside the
 * caller's transaction, so an entry and its chunks appear and disappear together.
 */
import type { ActivationItem, KvModelFingerprint } from '../../core/activation-item';
import { MemosError } from '../../core/errors';
import type { KvCache } from '../../protocol/inference-types';
import type { BlobRecord } from '../../storage/schema';
import type { WriteTx } from '../../storage/store';
import { chunk, decodeTensor, encodeTensor, sha256Hex, type KvEncoding } from './kv-codec';

/** The chunks of one cache, ready to store. */
export interface EncodedCache {
  readonly blobs: readonly BlobRecord[];
  readonly bytes: number;
}

const blobId = (activationId: string, part: number): string => `${activationId}/kv/${part}`;

/** Bytes of one encoded tensor. */
function encodedSize(encoding: KvEncoding, shape: { kvHeads: number; length: number; headDim: number }): number {
  const count = shape.kvHeads * shape.length * shape.headDim;
  return encoding === 'fp32' ? count * 4 : encoding === 'fp16' ? count * 2 : shape.kvHeads * shape.headDim * 4 + count;
}

/**
 * Encodes and checksums a cache's tensors as blob records of an activation: every layer's keys then
 * values, one after another, as one byte stream cut into chunks of {@link KV_CHUNK_BYTES} (few large
 * records read faster from IndexedDB than many small ones).
 */
export async function encodeCache(cache: KvCache, encoding: KvEncoding, activationId: string, cubeId: string): Promise<EncodedCache> {
  const shape = { kvHeads: cache.kvHeads, length: cache.length, headDim: cache.headDim };
  const size = encodedSize(encoding, shape);
  const stream = new Uint8Array(size * cache.layers * 2);
  for (let layer = 0; layer < cache.layers; layer++) {
    stream.set(encodeTensor(cache.keys[layer] as Float32Array, encoding, shape), size * 2 * layer);
    stream.set(encodeTensor(cache.values[layer] as Float32Array, encoding, shape), size * (2 * layer + 1));
  }
  const parts = chunk(stream);
  const blobs = await Promise.all(
    parts.map(async (part, i): Promise<BlobRecord> => {
      const data = part.slice();
      return { blobId: blobId(activationId, i), cubeId, memoryId: activationId, kind: 'kv', chunk: i, data: data.buffer, checksum: await sha256Hex(data) };
    }),
  );
  return { blobs, bytes: stream.byteLength };
}

/**
 * Rebuilds a cache from its entry and chunks, checking every checksum and size.
 * @throws {MemosError} KV_CORRUPT when a chunk is missing, altered or the wrong size
 */
export async function decodeCache(item: ActivationItem, blobs: readonly BlobRecord[]): Promise<KvCache> {
  const { layers, kvHeads, headDim } = item.model;
  const length = item.positions.end - item.positions.start;
  const shape = { kvHeads, length, headDim };
  const size = encodedSize(item.encoding, shape);
  const ordered = [...blobs].sort((a, b) => a.chunk - b.chunk);
  const total = ordered.reduce((n, b) => n + b.data.byteLength, 0);
  if (ordered.some((b, i) => b.chunk !== i || b.blobId !== blobId(item.id, i)) || total !== size * layers * 2) {
    throw new MemosError('KV_CORRUPT', `The stored tensors are incomplete (${total} of ${size * layers * 2} bytes).`, { activationId: item.id });
  }
  // Checksums are computed together (Web Crypto works off this thread) while the chunks are joined
  // and decoded; nothing decoded is returned before every checksum has matched.
  const checks = Promise.all(ordered.map(async (b) => (await sha256Hex(new Uint8Array(b.data))) === b.checksum));
  const keys: Float32Array[] = [];
  const values: Float32Array[] = [];
  try {
    const stream = ordered.length === 1 ? new Uint8Array((ordered[0] as BlobRecord).data) : new Uint8Array(total);
    if (ordered.length > 1) {
      let at = 0;
      for (const b of ordered) {
        stream.set(new Uint8Array(b.data), at);
        at += b.data.byteLength;
      }
    }
    for (let layer = 0; layer < layers; layer++) {
      keys.push(decodeTensor(stream.subarray(size * 2 * layer, size * (2 * layer + 1)), item.encoding, shape));
      values.push(decodeTensor(stream.subarray(size * (2 * layer + 1), size * (2 * layer + 2)), item.encoding, shape));
    }
  } finally {
    const verdicts = await checks;
    const bad = ordered.find((_, i) => !verdicts[i]);
    // A damaged chunk outranks any decoding error it caused.
    if (bad) throw new MemosError('KV_CORRUPT', `Chunk ${bad.blobId} fails its checksum.`, { activationId: item.id });
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
