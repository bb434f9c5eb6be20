/**
 * The vectors of plaintext memories: made by an embedder, stored in IndexedDB (one record per memory
 * and model), held in a vector index for search, and kept in step with the text. Memories added
 * through `add` get their vectors in the same transaction; imported memories, edited texts and a new
 * embedding model are caught up by `sync`, in the background, while search uses what is there.
 */
import { MemosError } from '../core/errors';
import { rawWords, scriptOf } from '../core/words';
import { textHash } from '../core/hash';
import type { MemoryItem } from '../core/memory-item';
import { fingerprintKey, type Embedder } from '../inference/embedders/embedder';
import { notReadyYet } from '../inference/embedders/deferred-embedder';
import { VectorIndex, type VectorHit, type VectorIndexState } from '../search/vector-index';
import { issueRequests } from '../storage/requests';
import type { ChangeSet, Store, WriteOptions, WriteTx } from '../storage/store';
import { SMALL_BLOCK, blocksHolding, dropModelBlocks, mergeSmallBlocks, vectorsOf, writeVectors, type BlockSummary, type StoredVector } from './vector-blocks';
import type { CallOptions, VectorStatus } from '../protocol/memory-types';

export type { StoredVector } from './vector-blocks';

/** What is embedded for a memory: its key and text, as the full-text index sees them. */
export function embeddingText(memory: Pick<MemoryItem, 'key' | 'text'>): string {
  return memory.key ? `${memory.key}: ${memory.text}` : memory.text;
}

const SYNC_BATCH = 64;

/** One model's vectors as data, saved with the search index's snapshot (os/index-snapshot.ts). */
export interface VectorSnapshot {
  /** The embedder's fingerprint key: another model's snapshot is not restored. */
  readonly model: string;
  readonly index: VectorIndexState;
  /** The hash of the text each vector was made from, in the order of `index.ids`. */
  readonly hashes: readonly string[];
}

/** Vectors of one store for one embedder. */
export class VectorMemory {
  readonly embedder: Embedder;
  readonly #store: Store;
  readonly #model: string;
  readonly #index: VectorIndex;
  /** The hash of the text each indexed vector was made from: what the catch-up compares with. */
  readonly #hashes = new Map<string, string>();
  /** Blocks of this model known to be small (seen at load or written here), to merge at idle time. */
  readonly #small = new Map<string, BlockSummary>();
  #syncing: Promise<void> | undefined;
  #syncAgain = false;
  /** Memories were added without vectors while the model loaded: the next search waits for their catch-up. */
  #addedWhileLoading = false;
  #lastError: string | null = null;
  readonly #stop = new AbortController();

  /** The records the search index holds (every stored memory as stored), when there is one. */
  readonly #held: (() => Iterable<MemoryItem>) | undefined;

  /**
   * @param held - every stored memory as the search index holds it: the catch-up then finds what
   *   lacks a vector without reading every memory from IndexedDB (3 s at 100k memories)
   */
  constructor(store: Store, embedder: Embedder, held?: () => Iterable<MemoryItem>) {
    this.#store = store;
    this.#held = held;
    this.embedder = embedder;
    this.#model = fingerprintKey(embedder.fingerprint);
    this.#index = new VectorIndex(embedder.fingerprint.dimension);
  }

  /** This model's vectors as they are held now, as data (copies). */
  exportSnapshot(): VectorSnapshot {
    const index = this.#index.exportState();
    return { model: this.#model, index, hashes: index.ids.map((id) => this.#hashes.get(id) ?? '') };
  }

  /**
   * Holds the vectors of a snapshot instead of loading every block; the changes since it are then
   * applied with `reloadChanged`. Returns false (holding nothing) when it is another model's or does not
   * hold together.
   */
  importSnapshot(snapshot: VectorSnapshot): boolean {
    this.#index.clear();
    this.#hashes.clear();
    this.#small.clear();
    if (snapshot.model !== this.#model || !Array.isArray(snapshot.hashes) || snapshot.hashes.length !== snapshot.index?.ids?.length) return false;
    try {
      this.#index.importState(snapshot.index);
    } catch {
      return false;
    }
    snapshot.index.ids.forEach((id, i) => this.#hashes.set(id, snapshot.hashes[i]!));
    return true;
  }

  /** Loads this model's stored vectors into the index (block by block). */
  async load(options: CallOptions = {}): Promise<void> {
    this.#index.clear();
    this.#hashes.clear();
    this.#small.clear();
    await this.#store.read(['vectorBlocks'], async (tx) => {
      const blocks = tx.objectStore('vectorBlocks').index('byModel');
      const total = options.onProgress ? await blocks.count(this.#model) : 0;
      let done = 0;
      let cursor = await blocks.openCursor(this.#model);
      while (cursor) {
        if (options.signal?.aborted) throw new MemosError('ABORTED');
        options.onProgress?.({ phase: 'vectors', done: done++, total, unit: 'items' });
        const block = cursor.value;
        this.#take(block.memoryIds, block.textHashes, block.data, block.dimension);
        if (block.memoryIds.length < SMALL_BLOCK) this.#small.set(block.blockId, { blockId: block.blockId, cubeId: block.cubeId, count: block.memoryIds.length });
        cursor = await cursor.continue();
      }
    });
  }

  #take(ids: readonly string[], hashes: readonly string[], data: Float32Array, d: number): void {
    ids.forEach((id, i) => {
      this.#index.upsert(id, data.subarray(i * d, (i + 1) * d));
      this.#hashes.set(id, hashes[i]!);
    });
  }

  /**
   * Embeds memories before they are stored, unless the model is still loading: then nothing, and the
   * catch-up makes their vectors once it has loaded (so adding never waits for a model download).
   */
  async embedIfReady(memories: readonly MemoryItem[], signal?: AbortSignal): Promise<StoredVector[]> {
    if (notReadyYet(this.embedder)) {
      this.#addedWhileLoading = true;
      this.embedder.whenReady().then(() => void this.sync(), () => undefined);
      return [];
    }
    return this.embed(memories, signal);
  }

  /** Embeds memories before they are stored (outside any transaction). */
  async embed(memories: readonly MemoryItem[], signal?: AbortSignal): Promise<StoredVector[]> {
    if (memories.length === 0) return [];
    const texts = memories.map(embeddingText);
    const vectors = await this.embedder.embed(texts, signal);
    return memories.map((m, i) => ({ memoryId: m.id, cubeId: m.cubeId, model: this.#model, vector: vectors[i]!, textHash: textHash(texts[i]!) }));
  }

  /**
   * Writes vectors inside the caller's transaction (which must include "vectorBlocks"), as blocks;
   * they are searchable once it commits (and never if it aborts), and other tabs are told.
   * `fresh`: the memories were created in this transaction, so they have no vector to replace.
   */
  async write(tx: WriteTx, changes: ChangeSet, records: readonly StoredVector[], options: { fresh: boolean } = { fresh: false }): Promise<void> {
    // Noted before commit: a block whose transaction aborts is simply not found when merging.
    for (const b of await writeVectors(tx, records, options)) if (b.count < SMALL_BLOCK) this.#small.set(b.blockId, b);
    for (const r of records) changes.memories(r.cubeId, [r.memoryId]);
    changes.afterCommit(() => this.remember(records));
  }

  /**
   * Merges the small blocks this tab knows of (one memory added at a time makes one block each),
   * cube by cube. Run at idle time by the scheduler's sweep. Returns how many blocks were merged away.
   */
  async compact(): Promise<number> {
    if (this.#small.size < 2) return 0;
    const listed = [...this.#small.values()];
    this.#small.clear();
    const { merged, stillSmall } = await mergeSmallBlocks(this.#store, this.#model, listed);
    for (const b of stillSmall) this.#small.set(b.blockId, b);
    return merged;
  }

  /** Puts committed vectors into the index. */
  remember(records: readonly StoredVector[]): void {
    for (const r of records) {
      this.#index.upsert(r.memoryId, r.vector);
      this.#hashes.set(r.memoryId, r.textHash);
    }
  }

  /** Removes memories from the index (their vectors go with the memory's purge). */
  forget(ids: Iterable<string>): void {
    const list = [...ids];
    this.#index.remove(list);
    for (const id of list) this.#hashes.delete(id);
  }

  /**
   * Re-reads the vectors of memories as now stored (another tab changed them) — only of those whose
   * text differs from what the held vector was made from, or that have none held: a change of usage
   * or state keeps the vector, and reading blocks for it would cost a block per memory.
   */
  async reloadChanged(memories: readonly MemoryItem[]): Promise<void> {
    await this.reload(memories.filter((m) => this.#lacksVector(m)).map((m) => m.id));
  }

  /** Re-reads memories' vectors of this model from the store (another tab wrote them). */
  async reload(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const blocks = await this.#store.read(['vectorBlocks'], (tx) => blocksHolding(tx, ids));
    const found = new Map<string, StoredVector>();
    for (const block of blocks) if (block.model === this.#model) for (const v of vectorsOf(block)) found.set(v.memoryId, v);
    for (const id of ids) {
      const v = found.get(id);
      if (v) this.remember([v]);
      else this.forget([id]);
    }
  }

  /** This model's fingerprint key (what stored vectors name their model by). */
  get modelKey(): string {
    return this.#model;
  }

  /** The vector held for a memory and the hash of the text it was made from, if one is held. */
  held(id: string): { vector: Float32Array; textHash: string } | undefined {
    const vector = this.#index.get(id);
    const hash = this.#hashes.get(id);
    return vector && hash !== undefined ? { vector, textHash: hash } : undefined;
  }

  /** The stored vector of a memory, if it has one. */
  vectorOf(id: string): Float32Array | undefined {
    return this.#index.get(id);
  }

  /** The vector of a query, or undefined when there is nothing to compare it with. */
  async embedQuery(query: string, signal?: AbortSignal): Promise<Float32Array | undefined> {
    if (!query.trim()) return undefined;
    if (notReadyYet(this.embedder) || this.#addedWhileLoading) {
      // The model is (or was, when memories were added) still loading: wait for it, then for the
      // vectors of memories added meanwhile — the catch-up started when it loaded may still be running.
      // If it never loads, this search, like the others, is answered by words alone.
      try {
        if (notReadyYet(this.embedder)) await this.embedder.whenReady();
      } catch (error) {
        this.#lastError = String(error);
        return undefined;
      }
      await this.sync();
      this.#addedWhileLoading = false;
    }
    if (this.#index.size === 0) return undefined;
    // A query the model cannot read (no word in a script it knows) is left to the words alone.
    const known = this.embedder.scripts;
    if (known && !rawWords(query).some((word) => known.includes(scriptOf(word)))) return undefined;
    const [q] = await this.embedder.embed([query], signal);
    return q;
  }

  /** The nearest memories to a query vector among the allowed ones. */
  search(query: Float32Array | undefined, k: number, allow: (id: string) => boolean): VectorHit[] {
    return query ? this.#index.search(query, { k, allow }) : [];
  }

  /**
   * Makes and stores the vector of a memory whose text just changed, before the caller returns; if
   * the tab dies first, the next `sync` catches up.
   */
  async refresh(memory: MemoryItem): Promise<void> {
    await this.#storeIfCurrent(await this.embed([memory]), {});
  }

  /**
   * Stores vectors whose memory still has the text they were made from (one purged or edited meanwhile
   * is skipped; the next catch-up sees the edit), announces them to other tabs and indexes them.
   */
  async #storeIfCurrent(records: readonly StoredVector[], options: WriteOptions): Promise<void> {
    await this.#store.write(
      ['memories', 'vectorBlocks'],
      async (tx, changes) => {
        const current = await issueRequests<MemoryItem | undefined>((add) => records.forEach((r) => add(tx.objectStore('memories').get(r.memoryId))));
        const fresh = records.filter((r, j) => current[j] && textHash(embeddingText(current[j])) === r.textHash);
        await this.write(tx, changes, fresh);
      },
      options,
    );
  }

  /** How far the vectors are. */
  status(): VectorStatus {
    return { model: this.embedder.fingerprint, embedded: this.#index.size, syncing: this.#syncing !== undefined, lastError: this.#lastError, bytes: this.#index.bytes };
  }

  /**
   * Catches up: embeds every memory whose vector for this model is missing or was made from other
   * text, in batches, each batch written in its own transaction. Runs once at a time; a call while it
   * runs makes it run again afterwards. Resolves when caught up.
   */
  sync(): Promise<void> {
    if (this.#syncing) {
      this.#syncAgain = true;
      return this.#syncing;
    }
    const run = async () => {
      try {
        do {
          this.#syncAgain = false;
          await this.#syncOnce();
        } while (this.#syncAgain && !this.#stop.signal.aborted);
        this.#lastError = null;
      } catch (error) {
        if (!(error instanceof MemosError && (error.code === 'ABORTED' || error.code === 'STORE_CLOSED'))) this.#lastError = String(error);
      } finally {
        this.#syncing = undefined;
      }
    };
    this.#syncing = run();
    return this.#syncing;
  }

  /** Stops a running catch-up (on close). */
  stop(): void {
    this.#stop.abort();
  }

  /** Whether `stop` was called (a catch-up that ended then did not finish). */
  get stopped(): boolean {
    return this.#stop.signal.aborted;
  }

  /**
   * Deletes this model's stored vectors, once another model has re-embedded every memory and replaced
   * it (the instance is then let go, so what it holds in memory is not cleared one by one). Returns how
   * many blocks went.
   */
  async dropStored(): Promise<number> {
    return dropModelBlocks(this.#store, this.#model);
  }

  async #syncOnce(): Promise<void> {
    if (this.#held) {
      const stale: MemoryItem[] = [];
      for (const m of this.#held()) if (this.#lacksVector(m)) stale.push(m);
      await this.#embedAndStore(stale);
      return;
    }
    let after: string | undefined;
    for (;;) {
      if (this.#stop.signal.aborted) throw new MemosError('ABORTED');
      const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
      const memories = await this.#store.read(['memories'], (tx) => tx.objectStore('memories').getAll(range, 500));
      // What the index holds is what is stored (this tab wrote it or heard of it): no read needed.
      const stale = memories.filter((m) => this.#lacksVector(m));
      if (memories.length === 0) return;
      after = memories[memories.length - 1]!.id;
      await this.#embedAndStore(stale);
    }
  }

  /** Whether a memory has no vector held, or one made from other text than it has now. */
  #lacksVector(m: MemoryItem): boolean {
    return this.#hashes.get(m.id) !== textHash(embeddingText(m));
  }

  /** Embeds memories and stores their vectors, a batch per transaction (skipping ones changed meanwhile). */
  async #embedAndStore(stale: readonly MemoryItem[]): Promise<void> {
    for (let i = 0; i < stale.length; i += SYNC_BATCH) {
      if (this.#stop.signal.aborted) throw new MemosError('ABORTED');
      const batch = stale.slice(i, i + SYNC_BATCH);
      const records = await this.embed(batch, this.#stop.signal);
      await this.#storeIfCurrent(records, { durability: 'relaxed', signal: this.#stop.signal });
    }
  }
}
