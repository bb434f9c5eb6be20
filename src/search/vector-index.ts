/**
 * The vector side of retrieval, on typed arrays. Rows are unit vectors kept as 8-bit integers with a
 * scale each (int8-rows.ts; a quarter of the memory of floats); each row also has its sign bits packed
 * into 32-bit words. Small collections are scanned in full; large ones are first ranked by Hamming
 * distance of the sign bits (a cheap stand-in for angle), and the best few hundred are re-ranked on
 * their rows. See docs/decisions/0007-vector-search-on-typed-arrays.md and 0029-int8-vectors.md.
 */
import { TopK } from './top-k';
import { Int8Rows } from './wasm/int8-rows';
import { SignBits } from './wasm/sign-bits';

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
  /** How many prefilter candidates per hit are re-ranked exactly (at least 256 in all). Default 30. */
  readonly oversample?: number;
}

/** A vector index as plain data, to keep in IndexedDB and restore without quantizing again. */
export interface VectorIndexState {
  readonly dimension: number;
  readonly ids: readonly string[];
  /** ids.length rows of the int8 row stride, row by row. */
  readonly rows: Int8Array;
  readonly scales: Float32Array;
  /** ids.length rows of sign-bit words. */
  readonly signs: Uint32Array;
}

/** An in-memory index of unit vectors of one dimension. */
export class VectorIndex {
  readonly dimension: number;
  readonly #signs: SignBits;
  readonly #vectors: Int8Rows;
  #capacity = 0;
  #count = 0;
  #ids: string[] = [];
  #rowOf = new Map<string, number>();

  /** @param options.simd - false runs the scans in JavaScript even where WebAssembly SIMD exists */
  constructor(dimension: number, options: { simd?: boolean } = {}) {
    this.dimension = dimension;
    this.#signs = new SignBits(dimension, options.simd ?? true);
    this.#vectors = new Int8Rows(dimension, options.simd ?? true);
  }

  /** Bytes the rows and their sign bits take. */
  get bytes(): number {
    return this.#vectors.bytes + this.#signs.bytes;
  }

  /** Whether the scans run on WebAssembly SIMD. */
  get simd(): boolean {
    return this.#signs.simd && this.#vectors.simd;
  }

  /** How many vectors are indexed. */
  get size(): number {
    return this.#count;
  }

  /** Tells whether a memory has a vector here. */
  has(id: string): boolean {
    return this.#rowOf.has(id);
  }

  /** The stored vector of a memory, as its int8 row gives it back (a new array). */
  get(id: string): Float32Array | undefined {
    const row = this.#rowOf.get(id);
    return row === undefined ? undefined : this.#vectors.get(row);
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
    this.#vectors.set(row, vector);
    // Signs of the row as kept, so that an index restored from its rows ranks exactly as this one.
    this.#signs.set(row, this.#vectors.get(row));
  }

  /** Removes memories' vectors (the last row moves into the gap). */
  remove(ids: Iterable<string>): void {
    for (const id of ids) {
      const row = this.#rowOf.get(id);
      if (row === undefined) continue;
      const last = --this.#count;
      if (row !== last) {
        const lastId = this.#ids[last]!;
        this.#vectors.move(last, row);
        this.#signs.move(last, row);
        this.#ids[row] = lastId;
        this.#rowOf.set(lastId, row);
      }
      this.#ids.length = last;
      this.#rowOf.delete(id);
    }
  }

  /** The index as plain data (copies). */
  exportState(): VectorIndexState {
    const { data, scales } = this.#vectors.exportRows(this.#count);
    return { dimension: this.dimension, ids: this.#ids.slice(0, this.#count), rows: data, scales, signs: this.#signs.exportRows(this.#count) };
  }

  /**
   * Replaces everything with a state from {@link VectorIndex.exportState}.
   * @throws {RangeError} when it is of another dimension or does not hold together (the index is then empty)
   */
  importState(state: VectorIndexState): void {
    this.clear();
    if (!Array.isArray(state.ids)) throw new RangeError('The vector index state does not hold together.');
    const n = state.ids.length;
    const ok =
      state.dimension === this.dimension && state.rows instanceof Int8Array && state.rows.length === n * this.#vectors.stride &&
      state.scales instanceof Float32Array && state.scales.length === n && state.signs instanceof Uint32Array && state.signs.length === n * this.#signs.words &&
      new Set(state.ids).size === n && state.ids.every((id) => typeof id === 'string');
    if (!ok) throw new RangeError('The vector index state does not hold together.');
    // Room for an eighth more before the next growth, not the doubling adds would leave.
    this.#reserve(Math.max(1024, Math.ceil(n * 1.125)));
    this.#vectors.importRows(state.rows, state.scales);
    this.#signs.importRows(state.signs);
    this.#ids = [...state.ids];
    this.#ids.forEach((id, row) => this.#rowOf.set(id, row));
    this.#count = n;
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
    const pool = Math.max(256, k * (options.oversample ?? 30));
    let candidates: number[];
    if (n <= (options.exactUpTo ?? 5_000) || n <= pool) {
      candidates = [];
      for (let row = 0; row < n; row++) if (!allow || allow(this.#ids[row]!)) candidates.push(row);
    } else {
      // Rank every row by sign bits first and ask the filter only about the nearest: when it allows
      // all of the pool, that is the pool; else the nearest few thousand are asked, and when too few
      // of those are allowed (a small cube in a large store), the allowed rows only are ranked.
      const allowedOf = (rows: number[]) => (allow ? rows.filter((row) => allow(this.#ids[row]!)) : rows);
      const nearest = this.#signs.nearest(query, n, pool);
      candidates = allowedOf(nearest);
      if (candidates.length < nearest.length) candidates = allowedOf(this.#signs.nearest(query, n, pool * 4));
      if (allow && candidates.length < pool) {
        const allowed: number[] = [];
        for (let row = 0; row < n; row++) if (allow(this.#ids[row]!)) allowed.push(row);
        candidates = allowed.length <= pool ? allowed : this.#signs.nearest(query, n, pool, allowed);
      } else if (candidates.length > pool) {
        candidates = this.#signs.nearest(query, n, pool, candidates);
      }
    }
    const scores = this.#vectors.dots(query, candidates);
    const best = new TopK<number>(k);
    for (let j = 0; j < candidates.length; j++) best.offer(candidates[j]!, scores[j]!);
    return best.results().map(({ item, score }) => ({ id: this.#ids[item]!, score }));
  }

  /** Half as much again when full: at 100k rows a doubling would leave up to 50k rows unused. */
  #grow(): void {
    this.#reserve(Math.max(1024, Math.ceil(this.#capacity * 1.5)));
  }

  #reserve(capacity: number): void {
    this.#vectors.reserve(capacity);
    this.#signs.reserve(capacity);
    this.#capacity = this.#vectors.capacity;
  }
}
