/**
 * Full-text BM25 on typed arrays: posting lists of (row, term frequency) per word, scores accumulated
 * in a Float32Array, top-k selected among the rows a filter allows. Terms come from index-terms.ts
 * (words of any script, stop words out, stems, folded) and are looked up whole. Why not a search
 * library: docs/decisions/0009-own-bm25-index.md; why this tokenizer: 0025.
 */
import { TopK } from './top-k';

/** Query words found in more than this share of documents are skipped when rarer words find enough. */
export const MAX_DF = 0.25;

/** BM25's parameters (Okapi): k1 saturates term frequency, b normalises by length. */
export const BM25 = { k1: 1.2, b: 0.75 } as const;

class Postings {
  rows = new Int32Array(8);
  tfs = new Uint16Array(8);
  length = 0;

  add(row: number, tf: number): void {
    if (this.length === this.rows.length) {
      const rows = new Int32Array(this.rows.length * 2);
      rows.set(this.rows);
      const tfs = new Uint16Array(this.tfs.length * 2);
      tfs.set(this.tfs);
      this.rows = rows;
      this.tfs = tfs;
    }
    this.rows[this.length] = row;
    this.tfs[this.length++] = Math.min(tf, 65535);
  }

  /** Removes a row (the last entry moves into its place). */
  remove(row: number): void {
    for (let i = 0; i < this.length; i++) {
      if (this.rows[i] !== row) continue;
      this.length--;
      this.rows[i] = this.rows[this.length]!;
      this.tfs[i] = this.tfs[this.length]!;
      return;
    }
  }

  /** Renames a row (after another row took its place). */
  rename(from: number, to: number): void {
    for (let i = 0; i < this.length; i++) if (this.rows[i] === from) this.rows[i] = to;
  }
}

/** A ranked full-text hit. */
export interface TextHit {
  readonly id: string;
  readonly score: number;
}

/**
 * A text index as plain data (typed arrays and one list of words), to keep in IndexedDB and restore
 * without tokenizing again. Posting lists are concatenated in `words` order; `wordEnds[i]` is where
 * word i's entries end.
 */
export interface TextIndexState {
  readonly ids: readonly string[];
  readonly lengths: Float32Array;
  readonly words: readonly string[];
  readonly wordEnds: Uint32Array;
  readonly rows: Int32Array;
  readonly tfs: Uint16Array;
}

/** An inverted index with BM25 scoring. */
export class TextIndex {
  readonly #postings = new Map<string, Postings>();
  #ids: string[] = [];
  #rowOf = new Map<string, number>();
  /** The distinct words of each row, for removal. */
  #terms: string[][] = [];
  #lengths = new Float32Array(1024);
  #totalLength = 0;
  #scores = new Float32Array(1024);

  /** How many documents are indexed. */
  get size(): number {
    return this.#ids.length;
  }

  /** Adds or replaces a document, given its terms (see index-terms.ts; duplicates count). */
  upsert(id: string, tokens: readonly string[]): void {
    if (this.#rowOf.has(id)) this.remove(id);
    const counts = new Map<string, number>();
    for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    const row = this.#ids.length;
    this.#ids.push(id);
    this.#rowOf.set(id, row);
    this.#terms.push([...counts.keys()]);
    if (row >= this.#lengths.length) {
      const lengths = new Float32Array(this.#lengths.length * 2);
      lengths.set(this.#lengths);
      this.#lengths = lengths;
      this.#scores = new Float32Array(lengths.length);
    }
    this.#lengths[row] = tokens.length;
    this.#totalLength += tokens.length;
    for (const [term, tf] of counts) {
      let p = this.#postings.get(term);
      if (!p) this.#postings.set(term, (p = new Postings()));
      p.add(row, tf);
    }
  }

  /** Removes a document (the last row moves into its place). */
  remove(id: string): void {
    const row = this.#rowOf.get(id);
    if (row === undefined) return;
    for (const term of this.#terms[row]!) {
      const p = this.#postings.get(term)!;
      p.remove(row);
      if (p.length === 0) this.#postings.delete(term);
    }
    this.#totalLength -= this.#lengths[row]!;
    const last = this.#ids.length - 1;
    if (row !== last) {
      const lastId = this.#ids[last]!;
      for (const term of this.#terms[last]!) this.#postings.get(term)!.rename(last, row);
      this.#ids[row] = lastId;
      this.#terms[row] = this.#terms[last]!;
      this.#lengths[row] = this.#lengths[last]!;
      this.#rowOf.set(lastId, row);
    }
    this.#ids.pop();
    this.#terms.pop();
    this.#rowOf.delete(id);
  }

  /** Forgets everything. */
  clear(): void {
    this.#postings.clear();
    this.#ids = [];
    this.#rowOf.clear();
    this.#terms = [];
    this.#totalLength = 0;
  }

  /** The index as plain data (a copy: later changes do not reach it). */
  exportState(): TextIndexState {
    const words = [...this.#postings.keys()];
    const wordEnds = new Uint32Array(words.length);
    let total = 0;
    words.forEach((word, i) => (wordEnds[i] = total += this.#postings.get(word)!.length));
    const rows = new Int32Array(total);
    const tfs = new Uint16Array(total);
    let at = 0;
    for (const word of words) {
      const p = this.#postings.get(word)!;
      rows.set(p.rows.subarray(0, p.length), at);
      tfs.set(p.tfs.subarray(0, p.length), at);
      at += p.length;
    }
    return { ids: [...this.#ids], lengths: this.#lengths.slice(0, this.#ids.length), words, wordEnds, rows, tfs };
  }

  /**
   * Replaces everything with a state from {@link TextIndex.exportState}.
   * @throws {RangeError} when the state does not hold together (then the index is left empty)
   */
  importState(state: TextIndexState): void {
    this.clear();
    if (!Array.isArray(state.ids) || !Array.isArray(state.words)) throw new RangeError('The text index state does not hold together.');
    const n = state.ids.length;
    const ok =
      state.lengths instanceof Float32Array && state.lengths.length === n && state.wordEnds instanceof Uint32Array &&
      state.wordEnds.length === state.words.length && state.rows instanceof Int32Array && state.tfs instanceof Uint16Array &&
      state.rows.length === state.tfs.length && (state.words.length === 0 ? state.rows.length === 0 : state.wordEnds[state.words.length - 1] === state.rows.length);
    if (!ok) throw new RangeError('The text index state does not hold together.');
    const terms: string[][] = Array.from({ length: n }, () => []);
    let start = 0;
    for (let i = 0; i < state.words.length; i++) {
      const word = state.words[i]!;
      const end = state.wordEnds[i]!;
      if (end < start || typeof word !== 'string') throw this.#broken();
      const p = new Postings();
      p.rows = state.rows.slice(start, end);
      p.tfs = state.tfs.slice(start, end);
      p.length = end - start;
      if (p.length === 0) {
        // An empty list keeps its capacity for adds, as a fresh one would.
        p.rows = new Int32Array(8);
        p.tfs = new Uint16Array(8);
      }
      for (let j = 0; j < p.length; j++) {
        const row = p.rows[j]!;
        if (!(row >= 0 && row < n)) throw this.#broken();
        terms[row]!.push(word);
      }
      this.#postings.set(word, p);
      start = end;
    }
    this.#ids = [...state.ids];
    this.#ids.forEach((id, row) => this.#rowOf.set(id, row));
    if (this.#rowOf.size !== n) throw this.#broken();
    this.#terms = terms;
    const capacity = Math.max(1024, 2 ** Math.ceil(Math.log2(n + 1)));
    this.#lengths = new Float32Array(capacity);
    this.#lengths.set(state.lengths);
    this.#scores = new Float32Array(capacity);
    this.#totalLength = state.lengths.reduce((a, b) => a + b, 0);
  }

  #broken(): RangeError {
    this.clear();
    return new RangeError('The text index state does not hold together.');
  }

  /** The `k` best documents for a query's terms by BM25, among the allowed ones. */
  search(queryTerms: readonly string[], k: number, allow?: (id: string) => boolean): TextHit[] {
    const n = this.#ids.length;
    if (n === 0 || k <= 0) return [];
    const avg = this.#totalLength / n || 1;
    const scores = this.#scores;
    const touched: number[] = [];
    const postings = [...new Set(queryTerms)]
      .map((term) => this.#postings.get(term))
      .filter((p): p is Postings => p !== undefined);
    // Words in more than a quarter of all memories add little to the ranking but cost the most time;
    // they are left out when the query's rarer words already find k documents the filter allows
    // (counting rows it does not allow would drop a match of the filter's rows that only the
    // common word finds).
    const rare = postings.filter((p) => p.length <= n * MAX_DF);
    const common = postings.filter((p) => p.length > n * MAX_DF);
    const rareHits = new Set<number>();
    for (const p of common.length > 0 ? rare : []) {
      for (let i = 0; i < p.length && rareHits.size < k; i++) {
        const row = p.rows[i]!;
        if (!allow || allow(this.#ids[row]!)) rareHits.add(row);
      }
    }
    for (const p of rareHits.size >= k ? rare : [...rare, ...common]) {
      const idf = Math.log(1 + (n - p.length + 0.5) / (p.length + 0.5));
      const { rows, tfs } = p;
      for (let i = 0; i < p.length; i++) {
        const row = rows[i]!;
        const tf = tfs[i]!;
        if (scores[row] === 0) touched.push(row);
        scores[row]! += (idf * tf * (BM25.k1 + 1)) / (tf + BM25.k1 * (1 - BM25.b + (BM25.b * this.#lengths[row]!) / avg));
      }
    }
    const best = new TopK<string>(k);
    for (const row of touched) {
      const score = scores[row]!;
      scores[row] = 0;
      if (!best.accepts(score)) continue;
      const id = this.#ids[row]!;
      if (!allow || allow(id)) best.offer(id, score);
    }
    return best.results().map(({ item, score }) => ({ id: item, score }));
  }
}
