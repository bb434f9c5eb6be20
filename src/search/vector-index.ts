/**
 * The vector side of retrieval, on typed arrays. Rows are unit vectors in one Float32Array; each row
 * also has its sign bits packed into 32-bit words. Small collections are scanned exactly; large ones
 * are first ranked by Hamming distance of the sign bits (a cheap stand-in for angle), and the best few
 * hundred are re-ranked exactly. See docs/decisions/0007-vector-search-on-typed-arrays.md.
 */
import { TopK } from './top-k';

/** One vector hit: the memory id and its cosine similarity to the query. */
export interface VectorHit {
  readonly id: string;
  readonly score: number;
}

/** Options of a vector search. */
export interface VectorSearchOptions {
  /** How many hits. */
  readonly k: number;
  /** Rows the search may return (cube scope, filters); all by default. */
  readonly allow?: (id: string) => boolean;
  /** Collections at most this large are scanned exactly. Default 5,000 (the prefilter is faster beyond). */
  readonly exactUpTo?: number;
  /** How many prefilter candidates per hit are re-ranked exactly (at least 256 in all). Default 20. */
  readonly oversample?: number;
}

/** Set bits of every 16-bit value: two lookups count a 32-bit word (faster than bit tricks in V8). */
const POPCOUNT16 = (() => {
  const table = new Uint8Array(1 << 16);
  for (let i = 1; i < table.length; i++) table[i] = (i & 1) + table[i >>> 1]!;
  return table;
})();

/** An in-memory index of unit vectors of one dimension. */
export class VectorIndex {
  readonly dimension: number;
  readonly #words: number;
  #capacity = 0;
  #count = 0;
  #data = new Float32Array(0);
  #bits = new Uint32Array(0);
  #ids: string[] = [];
  #rowOf = new Map<string, number>();
  #distances = new Uint16Array(0);
  readonly #histogram: Uint32Array;

  constructor(dimension: number) {
    this.dimension = dimension;
    this.#words = Math.ceil(dimension / 32);
    this.#histogram = new Uint32Array(dimension + 1);
  }

  /** How many vectors are indexed. */
  get size(): number {
    return this.#count;
  }

  /** Tells whether a memory has a vector here. */
  has(id: string): boolean {
    return this.#rowOf.has(id);
  }

  /** The stored vector of a memory (a view; do not keep it across writes). */
  get(id: string): Float32Array | undefined {
    const row = this.#rowOf.get(id);
    return row === undefined ? undefined : this.#data.subarray(row * this.dimension, (row + 1) * this.dimension);
  }

  /** Adds or replaces a memory's vector (expected unit length). */
  upsert(id: string, vector: Float32Array): void {
    if (vector.length !== this.dimension) throw new RangeError(`Expected ${this.dimension} values, got ${vector.length}`);
    let row = this.#rowOf.get(id);
    if (row === undefined) {
      if (this.#count === this.#capacity) this.#grow();
      row = this.#count++;
      this.#ids[row] = id;
      this.#rowOf.set(id, row);
    }
    this.#data.set(vector, row * this.dimension);
    const bits = this.#bits;
    const base = row * this.#words;
    bits.fill(0, base, base + this.#words);
    for (let i = 0; i < this.dimension; i++) if (vector[i]! > 0) bits[base + (i >>> 5)]! |= 1 << (i & 31);
  }

  /** Removes memories' vectors (the last row moves into the gap). */
  remove(ids: Iterable<string>): void {
    for (const id of ids) {
      const row = this.#rowOf.get(id);
      if (row === undefined) continue;
      const last = --this.#count;
      if (row !== last) {
        const lastId = this.#ids[last]!;
        this.#data.copyWithin(row * this.dimension, last * this.dimension, (last + 1) * this.dimension);
        this.#bits.copyWithin(row * this.#words, last * this.#words, (last + 1) * this.#words);
        this.#ids[row] = lastId;
        this.#rowOf.set(lastId, row);
      }
      this.#ids.length = last;
      this.#rowOf.delete(id);
    }
  }

  /** Forgets everything. */
  clear(): void {
    this.#count = 0;
    this.#ids = [];
    this.#rowOf.clear();
  }

  /** The `k` rows most similar to the query (cosine), among the allowed ones. */
  search(query: Float32Array, options: VectorSearchOptions): VectorHit[] {
    const { k, allow } = options;
    const n = this.#count;
    if (k <= 0 || n === 0) return [];
    const pool = Math.max(256, k * (options.oversample ?? 20));
    let candidates: number[];
    if (n <= (options.exactUpTo ?? 5_000) || n <= pool) {
      candidates = [];
      for (let row = 0; row < n; row++) if (!allow || allow(this.#ids[row]!)) candidates.push(row);
    } else {
      // Rank every row by sign bits first, and ask the filter only about the nearest few thousand;
      // when too few of those are allowed (a small cube in a large store), rank the allowed rows only.
      const near = this.#nearestBySigns(query, null, pool * 4);
      candidates = allow ? near.filter((row) => allow(this.#ids[row]!)) : near;
      if (allow && candidates.length < pool) {
        const allowed: number[] = [];
        for (let row = 0; row < n; row++) if (allow(this.#ids[row]!)) allowed.push(row);
        candidates = allowed.length <= pool ? allowed : this.#nearestBySigns(query, allowed, pool);
      } else if (candidates.length > pool) {
        candidates = this.#nearestBySigns(query, candidates, pool);
      }
    }
    const d = this.dimension;
    const data = this.#data;
    // Four running sums: V8 keeps them in registers, about twice as fast as one.
    const tail = d - (d % 4);
    const exact = (row: number) => {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      const base = row * d;
      let i = 0;
      for (; i < tail; i += 4) {
        s0 += data[base + i]! * query[i]!;
        s1 += data[base + i + 1]! * query[i + 1]!;
        s2 += data[base + i + 2]! * query[i + 2]!;
        s3 += data[base + i + 3]! * query[i + 3]!;
      }
      for (; i < d; i++) s0 += data[base + i]! * query[i]!;
      return s0 + s1 + s2 + s3;
    };
    const best = new TopK<number>(k);
    for (const row of candidates) best.offer(row, exact(row));
    return best.results().map(({ item, score }) => ({ id: this.#ids[item]!, score }));
  }

  /**
   * The `pool` rows (of `rows`, or of all) nearest to the query by Hamming distance of sign bits,
   * chosen with a counting sort over distances (ties at the threshold in row order).
   */
  #nearestBySigns(query: Float32Array, rows: readonly number[] | null, pool: number): number[] {
    const words = this.#words;
    const q = new Uint32Array(words);
    for (let i = 0; i < this.dimension; i++) if (query[i]! > 0) q[i >>> 5]! |= 1 << (i & 31);
    const count = rows ? rows.length : this.#count;
    // Scratch space is kept between queries: allocating 100k-entry arrays per query showed as GC
    // pauses in the latency tail.
    if (this.#distances.length < count) this.#distances = new Uint16Array(Math.max(count, this.#distances.length * 2));
    const distances = this.#distances;
    const histogram = this.#histogram;
    histogram.fill(0);
    const bits = this.#bits;
    const table = POPCOUNT16;
    for (let j = 0; j < count; j++) {
      const base = (rows ? rows[j]! : j) * words;
      let dist = 0;
      for (let w = 0; w < words; w++) {
        const x = bits[base + w]! ^ q[w]!;
        dist += table[x & 0xffff]! + table[x >>> 16]!;
      }
      distances[j] = dist;
      histogram[dist]!++;
    }
    let threshold = 0;
    let below = 0;
    for (; threshold <= this.dimension; threshold++) {
      if (below + histogram[threshold]! >= pool) break;
      below += histogram[threshold]!;
    }
    // Every row nearer than the threshold, and rows at it only until the pool is full: similar texts
    // give many equal distances, and keeping every tie made the exact re-rank ten times larger.
    let ties = pool - below;
    const out: number[] = [];
    for (let j = 0; j < count; j++) {
      const dist = distances[j]!;
      if (dist < threshold || (dist === threshold && ties-- > 0)) out.push(rows ? rows[j]! : j);
    }
    return out;
  }

  #grow(): void {
    const capacity = Math.max(1024, this.#capacity * 2);
    const data = new Float32Array(capacity * this.dimension);
    data.set(this.#data.subarray(0, this.#count * this.dimension));
    const bits = new Uint32Array(capacity * this.#words);
    bits.set(this.#bits.subarray(0, this.#count * this.#words));
    this.#data = data;
    this.#bits = bits;
    this.#capacity = capacity;
  }
}
