/**
 * Decoded KV caches kept in the worker's memory, most recently used last, within a byte budget: a chat
 * turn from a cube already read skips reading its chunks from IndexedDB, checking their SHA-256s and
 * decoding them (most of a cold start's load). Entries are keyed by activation id — a cube's tensors
 * never change under its id (a rebuild makes a new id) — and hold what decoding the stored chunks gave,
 * so a hot start computes exactly what a cold one does.
 */
import type { KvCache } from '../../protocol/inference-types';

/** The bytes a decoded cache holds (float32 keys and values). */
export function kvCacheBytes(cache: KvCache): number {
  let bytes = 0;
  for (const t of cache.keys) bytes += t.byteLength;
  for (const t of cache.values) bytes += t.byteLength;
  return bytes;
}

/** A least-recently-used set of decoded KV caches. */
export class HotKvCaches {
  readonly #entries = new Map<string, { readonly cache: KvCache; readonly bytes: number }>();
  readonly #budget: number;
  #bytes = 0;

  /** @param budgetBytes - the most bytes held; a cache larger than this is never kept */
  constructor(budgetBytes: number) {
    this.#budget = Math.max(0, budgetBytes);
  }

  /** The cache of an activation if held (and marks it used). */
  get(activationId: string): KvCache | undefined {
    const entry = this.#entries.get(activationId);
    if (!entry) return undefined;
    this.#entries.delete(activationId);
    this.#entries.set(activationId, entry);
    return entry.cache;
  }

  /** Keeps a decoded cache, letting the least recently used go past the budget. */
  put(activationId: string, cache: KvCache): void {
    this.drop(activationId);
    const bytes = kvCacheBytes(cache);
    if (bytes > this.#budget) return;
    this.#entries.set(activationId, { cache, bytes });
    this.#bytes += bytes;
    for (const [id, entry] of this.#entries) {
      if (this.#bytes <= this.#budget) break;
      this.#entries.delete(id);
      this.#bytes -= entry.bytes;
    }
  }

  /** Lets an activation's cache go (evicted, dropped, deleted). */
  drop(activationId: string): void {
    const entry = this.#entries.get(activationId);
    if (!entry) return;
    this.#entries.delete(activationId);
    this.#bytes -= entry.bytes;
  }

  /** Lets every cache go. */
  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Activation ids held, least recently used first. */
  ids(): string[] {
    return [...this.#entries.keys()];
  }
}
