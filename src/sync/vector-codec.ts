/**
 * A memory's vector as sync sends it: int8 values with one scale (max |v| / 127), base64. Search holds
 * vectors as int8 rows already (decision 0029), so a device that takes these loses next to nothing.
 */
import { fromBase64, toBase64 } from './sync-crypto';

/** Packs a vector. */
export function packVector(vector: Float32Array): { scale: number; data: string } {
  let max = 0;
  for (const x of vector) max = Math.max(max, Math.abs(x));
  const scale = max > 0 ? max / 127 : 1;
  const q = new Int8Array(vector.length);
  for (let i = 0; i < vector.length; i++) q[i] = Math.round(vector[i]! / scale);
  return { scale, data: toBase64(new Uint8Array(q.buffer)) };
}

/** Unpacks a vector, to unit length (as stored vectors are). @throws {MemosError} SYNC_TAMPERED when `data` is not base64 */
export function unpackVector(packed: { scale: number; data: string }): Float32Array {
  const q = new Int8Array(fromBase64(packed.data).buffer);
  const out = new Float32Array(q.length);
  let norm = 0;
  for (let i = 0; i < q.length; i++) {
    out[i] = q[i]! * packed.scale;
    norm += out[i]! * out[i]!;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}
