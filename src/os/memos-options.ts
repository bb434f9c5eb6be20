/** The options of MemOS.open: the store's, and what the memory side is given (clock, embedders, ranking, policies). */
import type { Clock } from '../core/ids';
import type { Embedder } from '../inference/embedders/embedder';
import type { WorkingMemoryPolicy } from '../protocol/memory-types';
import type { RankingOptions } from '../protocol/search-types';
import type { TextIndexOptions } from '../search/memory-index';
import type { StoreOptions } from '../storage/store-options';

/** Options of {@link MemOS.open}. */
export interface MemOSOptions extends StoreOptions {
  /** The time source (tests pass a fixed clock). */
  readonly clock?: Clock;
  /** Makes vectors for memories and queries; without one, search is full-text only. */
  readonly embedder?: Embedder;
  /**
   * The embedder the stored vectors were made with, when `embedder` is a new model: search keeps
   * using the old vectors (with this model for queries) until the new model has re-embedded every
   * memory in the background, then lets it go.
   */
  readonly previousEmbedder?: Embedder;
  /** Hybrid ranking weights; the defaults are tuned on the LoCoMo dev data. */
  readonly ranking?: Partial<RankingOptions>;
  /** How the full-text index tokenises. */
  readonly textIndex?: TextIndexOptions;
  /**
   * Save the search index at idle time and on close, and open from it instead of rebuilding it from
   * every memory (default true; decision 0028).
   */
  readonly indexSnapshots?: boolean;
  /**
   * Keep an entity graph: read each memory for people, places, things and dates after it is stored
   * (English; in the background), and let recall follow the links (default true; decision 0034).
   */
  readonly entityGraph?: boolean;
  /**
   * Where sync keeps each synced cube's local replica (its outbox and inbox): "idb" (IndexedDB; the
   * default where `indexedDB` is the browser's own) or "memory" (Node, tests).
   */
  readonly syncAdapter?: 'idb' | 'memory';
  /** Set false to run no background scheduler in this instance (tools, one-off scripts). */
  readonly scheduler?: boolean;
  /** Working memory per chat session (size, weights, promotion threshold). */
  readonly workingMemory?: Partial<WorkingMemoryPolicy>;
  /** The most bytes KV MemCubes may take before the least recently used are evicted (256 MB). */
  readonly kvBudgetBytes?: number;
  /**
   * The most bytes of decoded KV caches kept in memory (128 MB): a chat turn from a cube already read —
   * an earlier turn, or one activated while a model that can use it is loaded — starts without reading
   * it from IndexedDB. 0 keeps none.
   */
  readonly hotKvBytes?: number;
}
