/**
 * How KV tensors are stored: each layer's keys and values as bytes in one of three encodings, cut
 * into chunks with a SHA-256 each, so damage is caught on load.
 * - fp32: exact.
 * - fp16: half the size; IEEE half precision with round-to-nearest-even.
 * - int8: a quarter of the size plus one float scale per channel (KV head × head dimension), the
 *   symmetric max-abs scale over the cached positions. Its effect on logits is measured in tests and
 *   `npm run bench:kv`, and documented in docs/decisions/0014.
 */
import { MemosError } from '../../core/errors';

export { sha256Hex } from '../../core/hash';

/** A tensor encoding. */
export type KvEncoding = 'fp32' | 'fp16' | 'int8';

/** The most bytes of one stored chunk. */
export const KV_CHUNK_BYTES = 32 << 20;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → IEEE half bits, rounding to nearest even; overflow becomes ±Infinity. */
export function toHalf(value: number): number {
  f32[0] = value;
  const x = u32[0] as number;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    if (rest > midpoint || (rest === midpoint && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1))) half++;
  return sign | half;
}

/** IEEE half bits → number. */
export function fromHalf(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

let halfTable: Float32Array | undefined;
/** Every half value as a float32, built once (256 KB): decoding is then one lookup per value. */
function halves(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) halfTable[bits] = fromHalf(bits);
  }
  return halfTable;
}

/**
 * Encodes one tensor [kvHeads, length, headDim] (row-major) as bytes.
 * int8 layout: `kvHeads·headDim` float32 scales, then the int8 values.
 */
export function encodeTensor(tensor: Float32Array, encoding: KvEncoding, shape: { kvHeads: number; length: number; headDim: number }): Uint8Array {
  if (encoding === 'fp32') return new Uint8Array(tensor.buffer.slice(tensor.byteOffset, tensor.byteOffset + tensor.byteLength));
  if (encoding === 'fp16') {
    const out = new Uint16Array(tensor.length);
    for (let i = 0; i < tensor.length; i++) out[i] = toHalf(tensor[i] as number);
    return new Uint8Array(out.buffer);
  }
  const { kvHeads, length, headDim } = shape;
  const scales = new Float32Array(kvHeads * headDim);
  for (let h = 0; h < kvHeads; h++) {
    for (let t = 0; t < length; t++) {
      for (let c = 0; c < headDim; c++) {
        const v = Math.abs(tensor[(h * length + t) * headDim + c] as number);
        const s = h * headDim + c;
        if (v > (scales[s] as number)) scales[s] = v;
      }
    }
  }
  for (let s = 0; s < scales.length; s++) scales[s] = (scales[s] as number) / 127 || 1;
  const out = new Uint8Array(scales.byteLength + tensor.length);
  out.set(new Uint8Array(scales.buffer), 0);
  const values = new Int8Array(out.buffer, scales.byteLength);
  for (let h = 0; h < kvHeads; h++) {
    for (let t = 0; t < length; t++) {
      for (let c = 0; c < headDim; c++) {
        const i = (h * length + t) * headDim + c;
        values[i] = Math.max(-127, Math.min(127, Math.round((tensor[i] as number) / (scales[h * headDim + c] as number))));
      }
    }
  }
  return out;
}

/**
 * Decodes bytes written by {@link encodeTensor}. An fp32 result may share the input's memory.
 * @throws {MemosError} KV_CORRUPT when the byte count does not fit the shape
 */
export function decodeTensor(bytes: Uint8Array, encoding: KvEncoding, shape: { kvHeads: number; length: number; headDim: number }): Float32Array {
  const count = shape.kvHeads * shape.length * shape.headDim;
  const expected = encoding === 'fp32' ? count * 4 : encoding === 'fp16' ? count * 2 : shape.kvHeads * shape.headDim * 4 + count;
  if (bytes.byteLength !== expected) throw new MemosError('KV_CORRUPT', `A tensor has ${bytes.byteLength} bytes where ${expected} were expected.`);
  // Typed views need aligned offsets; fresh buffers (as IndexedDB returns them) are used in place.
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const { buffer, byteOffset } = aligned;
  if (encoding === 'fp32') return new Float32Array(buffer, byteOffset, count);
  if (encoding === 'fp16') {
    const bits = new Uint16Array(buffer, byteOffset, count);
    const table = halves();
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = table[bits[i] as number] as number;
    return out;
  }
  const channels = shape.kvHeads * shape.headDim;
  const scales = new Float32Array(buffer, byteOffset, channels);
  const values = new Int8Array(buffer, byteOffset + channels * 4, count);
  const out = new Float32Array(count);
  for (let h = 0; h < shape.kvHeads; h++) {
    for (let t = 0; t < shape.length; t++) {
      for (let c = 0; c < shape.headDim; c++) {
        const i = (h * shape.length + t) * shape.headDim + c;
        out[i] = (values[i] as number) * (scales[h * shape.headDim + c] as number);
      }
    }
  }
  return out;
}

/** Cuts bytes into chunks of at most {@link KV_CHUNK_BYTES}. */
export function chunk(bytes: Uint8Array, size = KV_CHUNK_BYTES): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.byteLength; at += size) out.push(bytes.subarray(at, Math.min(bytes.byteLength, at + size)));
  if (out.length === 0) out.push(new Uint8Array(0));
  return out;
}
