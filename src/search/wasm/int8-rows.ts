/**
 * The vectors of a vector index's rows as 8-bit integers with one scale per row (a quarter of the
 * memory of 32-bit floats), and dot products of a query with chosen rows. A row keeps round(v / s)
 * with s = max |v| / 127; the query is scaled to 14-bit integers the same way, so a product is one
 * integer dot product times two scales. For unit vectors of 384 values the error of a cosine is about
 * 1e-3 at most (unit tests bound it). Rows live in WebAssembly memory, padded to groups of sixteen
 * values, and are multiplied with SIMD (kernels.wat, `dots8`); without SIMD the same integer sums run
 * in JavaScript, with the same results. See docs/decisions/0029-int8-vectors.md.
 */
import { KernelRows, newKernels } from './kernels';

/** Memory layout: the query as i16 (up to 4,096 values), then the rows, then chosen rows and sums. */
const QUERY_AT = 0;
const ROWS_AT = 16_384;
const MAX_DIMENSION = 4096;
/** The query's largest magnitude: sums of 4,096 products stay within 32 bits (4096/4 · 127 · 8191). */
const QUERY_LEVELS = 8191;

/** Vectors of one dimension, by row, as int8 with a scale each. */
export class Int8Rows extends KernelRows {
  readonly dimension: number;
  /** Bytes per row in memory (the dimension rounded up to a multiple of 16; padding stays 0). */
  readonly stride: number;
  #data = new Int8Array(0);
  #scales = new Float32Array(0);
  #sums = new Int32Array(0);
  #scores = new Float32Array(0);
  /** The query as integers, in JavaScript (the kernels keep theirs in memory). */
  #query = new Int16Array(0);

  /** @param useSimd - false keeps everything in JavaScript (tests compare the two) */
  constructor(dimension: number, useSimd = true) {
    if (dimension > MAX_DIMENSION) throw new RangeError(`Vectors of at most ${MAX_DIMENSION} values are supported, not ${dimension}.`);
    const stride = Math.ceil(dimension / 16) * 16;
    super(useSimd ? newKernels() : null);
    this.dimension = dimension;
    this.stride = stride;
    this.#query = new Int16Array(stride);
  }

  /** Bytes the rows take: their memory, and the scales kept in JavaScript. */
  override get bytes(): number {
    return super.bytes + this.#scales.byteLength + this.#scores.byteLength;
  }

  protected bytesFor(rows: number): number {
    return ROWS_AT + rows * this.stride + rows * 8;
  }

  protected growArrays(rows: number): void {
    const data = new Int8Array(rows * this.stride);
    data.set(this.#data);
    this.#data = data;
    this.#sums = new Int32Array(rows);
    this.#growShared(rows);
  }

  protected viewMemory(buffer: ArrayBuffer): void {
    this.#data = new Int8Array(buffer, ROWS_AT, this.capacity * this.stride);
    this.#sums = new Int32Array(buffer, this.#sumsAt(), this.capacity);
    this.#growShared(this.capacity);
  }

  #growShared(rows: number): void {
    if (this.#scales.length >= rows) return;
    const scales = new Float32Array(rows);
    scales.set(this.#scales);
    this.#scales = scales;
    this.#scores = new Float32Array(rows);
  }

  /** Writes a vector into a row. */
  set(row: number, vector: Float32Array): void {
    let max = 0;
    for (let i = 0; i < this.dimension; i++) max = Math.max(max, Math.abs(vector[i]!));
    const scale = max / 127;
    const base = row * this.stride;
    for (let i = 0; i < this.dimension; i++) this.#data[base + i] = scale === 0 ? 0 : Math.round(vector[i]! / scale);
    this.#scales[row] = scale;
  }

  /** A row's vector as its integers and scale give it back (a new array). */
  get(row: number): Float32Array {
    const out = new Float32Array(this.dimension);
    const base = row * this.stride;
    const scale = this.#scales[row]!;
    for (let i = 0; i < this.dimension; i++) out[i] = this.#data[base + i]! * scale;
    return out;
  }

  /** The first `count` rows' values and scales (copies). */
  exportRows(count: number): { data: Int8Array; scales: Float32Array } {
    return { data: this.#data.slice(0, count * this.stride), scales: this.#scales.slice(0, count) };
  }

  /** Replaces the first rows with exported ones (`data.length / stride` of them). */
  importRows(data: Int8Array, scales: Float32Array): void {
    const count = scales.length;
    this.reserve(count);
    this.#data.set(data);
    this.#scales.set(scales);
  }

  /** Copies one row over another. */
  move(from: number, to: number): void {
    this.#data.copyWithin(to * this.stride, from * this.stride, (from + 1) * this.stride);
    this.#scales[to] = this.#scales[from]!;
  }

  /**
   * The dot product of the query with each of the given rows, in their order (scratch space, valid
   * until the next call).
   */
  dots(query: Float32Array, rows: readonly number[]): Float32Array {
    const count = rows.length;
    let max = 0;
    for (let i = 0; i < this.dimension; i++) max = Math.max(max, Math.abs(query[i]!));
    const qScale = max / QUERY_LEVELS;
    const q = this.#query;
    for (let i = 0; i < this.dimension; i++) q[i] = qScale === 0 ? 0 : Math.round(query[i]! / qScale);
    const kernels = this.kernels;
    if (kernels) {
      const buffer = kernels.memory.buffer;
      new Int16Array(buffer, QUERY_AT, this.stride).set(q);
      new Uint32Array(buffer, this.#chosenAt(), count).set(rows);
      kernels.dots8(QUERY_AT, ROWS_AT, this.#chosenAt(), count, this.stride, this.#sumsAt());
    } else {
      const d = this.dimension;
      const data = this.#data;
      for (let j = 0; j < count; j++) {
        const base = rows[j]! * this.stride;
        let sum = 0;
        for (let i = 0; i < d; i++) sum += data[base + i]! * q[i]!;
        this.#sums[j] = sum;
      }
    }
    const sums = this.#sums;
    const scores = this.#scores;
    for (let j = 0; j < count; j++) scores[j] = sums[j]! * this.#scales[rows[j]!]! * qScale;
    return scores.subarray(0, count);
  }

  #chosenAt(): number {
    return ROWS_AT + this.capacity * this.stride;
  }

  #sumsAt(): number {
    return this.#chosenAt() + this.capacity * 4;
  }
}
