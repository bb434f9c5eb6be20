/**
 * The sign bits of a vector index's rows, and the search for the rows nearest to a query by Hamming
 * distance. Rows live in WebAssembly memory and are scanned with SIMD (kernels.wat: 128 bits a step,
 * a byte-wise popcount); without SIMD, or beyond 3,968 dimensions, the same scan runs in JavaScript
 * with a 16-bit table popcount. See docs/decisions/0007-vector-search-on-typed-arrays.md.
 */
import { KernelRows, newKernels } from './kernels';

/** Set bits of every 16-bit value: two lookups count a 32-bit word (faster than bit tricks in V8). */
const POPCOUNT16 = (() => {
  const table = new Uint8Array(1 << 16);
  for (let i = 1; i < table.length; i++) table[i] = (i & 1) + table[i >>> 1]!;
  return table;
})();

/** Memory layout: the query (up to 31 × 16 bytes), the histogram (up to 3,969 counts), the rows. */
const QUERY_AT = 0;
const HISTOGRAM_AT = 512;
const ROWS_AT = HISTOGRAM_AT + 16_384;
/** The SIMD scan's per-byte counters overflow beyond 31 groups of 128 bits. */
const MAX_SIMD_GROUPS = 31;

/** Sign bits of rows of one dimension. */
export class SignBits extends KernelRows {
  readonly dimension: number;
  /** 32-bit words per row (whole 128-bit groups; the padding bits stay 0). */
  readonly words: number;
  #bits = new Uint32Array(0);
  #distances = new Uint16Array(0);
  #histogram: Uint32Array;

  /** @param useSimd - false keeps everything in JavaScript (tests compare the two) */
  constructor(dimension: number, useSimd = true) {
    const words = Math.ceil(dimension / 128) * 4;
    super(useSimd && words / 4 <= MAX_SIMD_GROUPS ? newKernels() : null);
    this.dimension = dimension;
    this.words = words;
    this.#histogram = this.kernels ? new Uint32Array(this.kernels.memory.buffer, HISTOGRAM_AT, dimension + 1) : new Uint32Array(dimension + 1);
  }

  // The rows stay where they are; the distances and the collected rows go after them.
  protected bytesFor(rows: number): number {
    return ROWS_AT + rows * this.words * 4 + rows * 2 + rows * 4;
  }

  protected growArrays(rows: number): void {
    const bits = new Uint32Array(rows * this.words);
    bits.set(this.#bits);
    this.#bits = bits;
    this.#distances = new Uint16Array(rows);
  }

  protected viewMemory(buffer: ArrayBuffer): void {
    this.#bits = new Uint32Array(buffer, ROWS_AT, this.capacity * this.words);
    this.#distances = new Uint16Array(buffer, this.#distancesAt(), this.capacity);
    this.#histogram = new Uint32Array(buffer, HISTOGRAM_AT, this.dimension + 1);
  }

  /** Writes the signs of a vector into a row. */
  set(row: number, vector: Float32Array): void {
    const bits = this.#bits;
    const base = row * this.words;
    bits.fill(0, base, base + this.words);
    for (let i = 0; i < this.dimension; i++) if (vector[i]! > 0) bits[base + (i >>> 5)]! |= 1 << (i & 31);
  }

  /** The first `count` rows' bits (a copy). */
  exportRows(count: number): Uint32Array {
    return this.#bits.slice(0, count * this.words);
  }

  /** Replaces the first rows with exported ones (`bits.length / words` of them). */
  importRows(bits: Uint32Array): void {
    this.reserve(bits.length / this.words);
    this.#bits.set(bits);
  }

  /** Copies one row's bits over another's. */
  move(from: number, to: number): void {
    this.#bits.copyWithin(to * this.words, from * this.words, (from + 1) * this.words);
  }

  /**
   * The `pool` rows nearest to the query by Hamming distance, among the first `count` rows or among
   * the given ones: every row nearer than the pool's farthest distance, and rows at that distance
   * (in row order) until the pool is full.
   */
  nearest(query: Float32Array, count: number, pool: number, rows?: readonly number[]): number[] {
    const q = this.#querySigns(query);
    const histogram = this.#histogram;
    histogram.fill(0);
    const n = rows ? rows.length : count;
    const kernels = this.kernels;
    if (kernels && rows) {
      // The listed rows go where the collected ones would (both at most the capacity).
      new Uint32Array(kernels.memory.buffer, this.#collectedAt(), n).set(rows);
      kernels.hammingRows(QUERY_AT, ROWS_AT, this.#collectedAt(), n, this.words / 4, this.#distancesAt(), HISTOGRAM_AT);
    } else if (kernels) {
      kernels.hamming(QUERY_AT, ROWS_AT, n, this.words / 4, this.#distancesAt(), HISTOGRAM_AT);
    } else {
      this.#scan(q, n, rows);
    }
    const wasm = kernels !== null && !rows;
    let threshold = 0;
    let below = 0;
    for (; threshold <= this.dimension; threshold++) {
      if (below + histogram[threshold]! >= pool) break;
      below += histogram[threshold]!;
    }
    let ties = pool - below;
    if (wasm) {
      const found = kernels.collect(this.#distancesAt(), n, threshold, ties, this.#collectedAt());
      return Array.from(new Uint32Array(kernels.memory.buffer, this.#collectedAt(), found));
    }
    const distances = this.#distances;
    const out: number[] = [];
    for (let j = 0; j < n; j++) {
      const dist = distances[j]!;
      if (dist < threshold || (dist === threshold && ties-- > 0)) out.push(rows ? rows[j]! : j);
    }
    return out;
  }

  #scan(q: Uint32Array, n: number, rows: readonly number[] | undefined): void {
    if (this.#distances.length < n) this.#distances = new Uint16Array(n);
    const distances = this.#distances;
    const histogram = this.#histogram;
    const bits = this.#bits;
    const words = this.words;
    const table = POPCOUNT16;
    for (let j = 0; j < n; j++) {
      const base = (rows ? rows[j]! : j) * words;
      let dist = 0;
      for (let w = 0; w < words; w++) {
        const x = bits[base + w]! ^ q[w]!;
        dist += table[x & 0xffff]! + table[x >>> 16]!;
      }
      distances[j] = dist;
      histogram[dist]!++;
    }
  }

  #querySigns(query: Float32Array): Uint32Array {
    const q = this.kernels ? new Uint32Array(this.kernels.memory.buffer, QUERY_AT, this.words) : new Uint32Array(this.words);
    q.fill(0);
    for (let i = 0; i < this.dimension; i++) if (query[i]! > 0) q[i >>> 5]! |= 1 << (i & 31);
    return q;
  }

  #distancesAt(): number {
    return ROWS_AT + this.capacity * this.words * 4;
  }

  #collectedAt(): number {
    return this.#distancesAt() + this.capacity * 2;
  }
}
