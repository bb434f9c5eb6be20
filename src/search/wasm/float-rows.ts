/**
 * The vectors of a vector index's rows, and exact dot products of a query with chosen rows. Rows live
 * in WebAssembly memory, padded to groups of four values, and are multiplied with SIMD (kernels.wat);
 * without SIMD the same products run in JavaScript.
 */
import { KernelRows, newKernels } from './kernels';

/** Memory layout: the query (up to 4,096 values), then the rows, then the chosen rows and their scores. */
const QUERY_AT = 0;
const ROWS_AT = 16_384;
const MAX_SIMD_DIMENSION = 4096;

/** Vectors of one dimension, by row. */
export class FloatRows extends KernelRows {
  readonly dimension: number;
  /** Values per row in memory (the dimension rounded up to a multiple of 4; padding stays 0). */
  readonly stride: number;
  #data = new Float32Array(0);
  #scores = new Float32Array(0);

  /** @param useSimd - false keeps everything in JavaScript (tests compare the two) */
  constructor(dimension: number, useSimd = true) {
    const stride = Math.ceil(dimension / 4) * 4;
    super(useSimd && stride <= MAX_SIMD_DIMENSION ? newKernels() : null);
    this.dimension = dimension;
    this.stride = stride;
  }

  protected bytesFor(rows: number): number {
    return ROWS_AT + rows * this.stride * 4 + rows * 8;
  }

  protected growArrays(rows: number): void {
    const data = new Float32Array(rows * this.stride);
    data.set(this.#data);
    this.#data = data;
    this.#scores = new Float32Array(rows);
  }

  protected viewMemory(buffer: ArrayBuffer): void {
    this.#data = new Float32Array(buffer, ROWS_AT, this.capacity * this.stride);
    this.#scores = new Float32Array(buffer, this.#scoresAt(), this.capacity);
  }

  /** Writes a vector into a row. */
  set(row: number, vector: Float32Array): void {
    this.#data.set(vector, row * this.stride);
  }

  /** A row's vector (a view: valid until the next write or growth). */
  get(row: number): Float32Array {
    return this.#data.subarray(row * this.stride, row * this.stride + this.dimension);
  }

  /** Copies one row's vector over another's. */
  move(from: number, to: number): void {
    this.#data.copyWithin(to * this.stride, from * this.stride, (from + 1) * this.stride);
  }

  /**
   * The dot product of the query with each of the given rows, in their order (scratch space, valid
   * until the next call).
   */
  dots(query: Float32Array, rows: readonly number[]): Float32Array {
    const count = rows.length;
    const kernels = this.kernels;
    if (kernels) {
      const buffer = kernels.memory.buffer;
      new Float32Array(buffer, QUERY_AT, this.stride).set(query.subarray(0, this.dimension));
      new Uint32Array(buffer, this.#chosenAt(), count).set(rows);
      kernels.dots(QUERY_AT, ROWS_AT, this.#chosenAt(), count, this.stride / 4, this.#scoresAt());
      return this.#scores.subarray(0, count);
    }
    const d = this.dimension;
    const stride = this.stride;
    const data = this.#data;
    const scores = this.#scores;
    // Four running sums: V8 keeps them in registers, about twice as fast as one.
    const tail = d - (d % 4);
    for (let j = 0; j < count; j++) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      const base = rows[j]! * stride;
      let i = 0;
      for (; i < tail; i += 4) {
        s0 += data[base + i]! * query[i]!;
        s1 += data[base + i + 1]! * query[i + 1]!;
        s2 += data[base + i + 2]! * query[i + 2]!;
        s3 += data[base + i + 3]! * query[i + 3]!;
      }
      for (; i < d; i++) s0 += data[base + i]! * query[i]!;
      scores[j] = s0 + s1 + s2 + s3;
    }
    return scores.subarray(0, count);
  }

  #chosenAt(): number {
    return ROWS_AT + this.capacity * this.stride * 4;
  }

  #scoresAt(): number {
    return this.#chosenAt() + this.capacity * 4;
  }
}
