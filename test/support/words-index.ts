// A TextIndex fed through a tokenizer: what MemoryIndex does per cube, for tests of the BM25 index
// and of the terms on their own (no store, no cubes).
import { createTokenize, type TokenizerOptions } from '../../src/search/index-terms';
import { TextIndex, type TextHit } from '../../src/search/text-index';

/** A text index that takes texts and queries instead of terms. */
export class WordsIndex {
  readonly #index = new TextIndex();
  readonly #tokenize: (text: string) => string[];

  constructor(options: TokenizerOptions = {}) {
    this.#tokenize = createTokenize(options);
  }

  get size(): number {
    return this.#index.size;
  }

  upsert(id: string, text: string): void {
    this.#index.upsert(id, this.#tokenize(text));
  }

  remove(id: string): void {
    this.#index.remove(id);
  }

  search(query: string, k: number, allow?: (id: string) => boolean): TextHit[] {
    return this.#index.search(this.#tokenize(query), k, allow);
  }
}
