/**
 * Keeping the entity graph in step with the memories: after a write commits (in this tab or another),
 * the memories it wrote are read for entities in the background — once writes pause for 100 ms, a
 * batch at a time, yielding between batches so searches and writes go first — and their links are
 * stored (one transaction per batch) and put into the in-memory graph recall reads. Links are derived
 * from one version of a memory's text, like its vector: each record names that version, the extractor
 * and when it read it, and the memory's own versions and audit entries are the history (no audit entry
 * of their own; decision 0034). A purge removes a memory's links in its own transaction (see
 * memory-writes.ts). When a store opens, the stored links are loaded in pages; memories without links,
 * or whose text changed since, are read again.
 */
import { textHash } from '../core/hash';
import type { CubeRecord } from '../core/cube';
import type { Clock } from '../core/ids';
import type { MemoryItem } from '../core/memory-item';
import { extractEntities, extractorFor, preloadTagger } from '../memory/graph/entity-extraction';
import type { EntityLink, GraphStatus } from '../protocol/graph-types';
import type { EntityGraph } from '../search/entity-graph';
import type { EntityLinkRecord } from '../storage/schema';
import { issueRequests } from '../storage/requests';
import type { Store } from '../storage/store';

/** Memories read per batch (one transaction each). */
const BATCH = 100;
/** Stored links loaded per read when a store opens. */
const LOAD_PAGE = 2000;
/** The characters of a memory the tagger reads (a longer one is linked by its beginning). */
const MAX_TEXT = 4_000;
/** How long writes must pause before the graph reads what they wrote (ms). */
const QUIET_MS = 100;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the graph keeper needs of MemOS. */
export interface GraphKeepingDeps {
  readonly store: Store;
  readonly graph: EntityGraph;
  readonly clock: Clock;
  /** A memory as the index holds it now. */
  record(id: string): MemoryItem | undefined;
  /** Every memory the index holds. */
  records(): Iterable<MemoryItem>;
}

const speakerOf = (memory: MemoryItem) => memory.sourceRefs.find((r) => r.speaker !== undefined)?.speaker ?? null;

/** The hash links are read from: the text, and the relation the memory states when it states one. */
const readHash = (memory: MemoryItem): string =>
  textHash(memory.relation ? `${memory.text}\u0000${memory.relation.subject}\u0000${memory.relation.predicate}\u0000${memory.relation.object}` : memory.text);

/** A cube's language as its policy says (English by default). */
const languageOf = (cube: CubeRecord | undefined): string => cube?.policy?.language ?? 'english';

/**
 * Whether stored links were read from this text (and relation) by the extractor of the cube's language
 * (else the memory is read again).
 */
const isCurrent = (record: EntityLinkRecord | undefined, memory: MemoryItem, language: string): record is EntityLinkRecord =>
  record !== undefined && record.extractor === extractorFor(language) && record.textHash === readHash(memory);

/** Reads memories for entities after they commit and keeps their links, in IndexedDB and in memory. */
export class GraphKeeper {
  readonly #deps: GraphKeepingDeps;
  readonly #pending = new Set<string>();
  /** The text hash each held memory's links were read from. */
  readonly #hashes = new Map<string, string>();
  /** Each cube's language, as its record said when last read. */
  readonly #languages = new Map<string, string>();
  #running: Promise<void> | undefined;
  #loading: Promise<void> = Promise.resolve();
  /** Whether the stored links have been loaded (a load is under way or has not started otherwise). */
  #loaded = false;
  #stopped = false;
  #lastError: string | null = null;
  /** The disk was full when the keeper last looked: it waits for a write to commit. */
  #waitingForRoom = false;
  /** When a write last gave the keeper work (performance.now()). */
  #lastWriteAt = 0;

  constructor(deps: GraphKeepingDeps) {
    this.#deps = deps;
  }

  /** Loads the stored links; memories without current links are queued, links of gone memories deleted. */
  load(): Promise<void> {
    this.#loading = this.#load().finally(() => {
      // (A failed load leaves what it could not load to the next write or open.)
      this.#loaded = true;
    });
    return this.#loading;
  }

  /**
   * Reads what the cubes' records say now (after a cube record changed, here or in another tab): their
   * entity edits are applied, and the memories of a cube whose language changed are read again by the
   * tagger of its new language (or lose their entities, in a language no tagger reads).
   */
  async loadCubes(cubeIds?: readonly string[]): Promise<void> {
    const cubes = await this.#deps.store.read(['cubes'], async (tx) =>
      cubeIds ? Promise.all(cubeIds.map((id) => tx.objectStore('cubes').get(id))) : tx.objectStore('cubes').getAll(),
    );
    const relanguaged = new Set<string>();
    cubes.forEach((cube, i) => {
      const cubeId = cube?.cubeId ?? cubeIds![i]!;
      this.#deps.graph.setEdits(cubeId, cube?.entities);
      const before = this.#languages.get(cubeId);
      if (cube) this.#languages.set(cubeId, languageOf(cube));
      else this.#languages.delete(cubeId);
      if (cube && before !== undefined && before !== languageOf(cube)) relanguaged.add(cubeId);
    });
    if (relanguaged.size === 0) return;
    for (const memory of this.#deps.records()) {
      if (!relanguaged.has(memory.cubeId)) continue;
      this.#hashes.delete(memory.id);
      this.#pending.add(memory.id);
    }
    this.#lastWriteAt = performance.now();
    this.#kick();
  }

  async #load(): Promise<void> {
    const { store, graph } = this.#deps;
    this.#loaded = false;
    graph.clear();
    this.#hashes.clear();
    this.#languages.clear();
    await this.loadCubes();
    const orphans: string[] = [];
    // In pages, yielding between them: a search that comes meanwhile is answered (without the graph
    // side for what is not loaded yet) instead of waiting for every record.
    let after: string | undefined;
    for (;;) {
      const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
      const page = await store.read(['entityLinks'], (tx) => tx.objectStore('entityLinks').getAll(range, LOAD_PAGE));
      if (page.length === 0 || this.#stopped) break;
      for (const record of page) {
        const memory = this.#deps.record(record.memoryId);
        if (!memory) orphans.push(record.memoryId);
        else if (isCurrent(record, memory, this.#languages.get(memory.cubeId) ?? 'english')) this.#take(record);
      }
      after = page[page.length - 1]!.memoryId;
      await pause(0);
    }
    for (const memory of this.#deps.records()) if (!this.#hashes.has(memory.id)) this.#pending.add(memory.id);
    this.#loaded = true;
    // The taggers of the cubes' languages are fetched and set up now, while the page settles, not in
    // the middle of later use.
    for (const language of new Set([...this.#languages.values(), 'english'])) void preloadTagger(language).catch(() => undefined);
    // Links whose memory went while no tab kept the graph (a crash between the two writes).
    if (orphans.length > 0) await store.write(['entityLinks'], async (tx) => Promise.all(orphans.map((id) => tx.objectStore('entityLinks').delete(id))));
    this.#kick();
  }

  /** Notes memories as now stored: those whose text changed are read again. */
  noteWritten(memories: readonly MemoryItem[]): void {
    const before = this.#pending.size;
    for (const memory of memories) if (this.#hashes.get(memory.id) !== readHash(memory)) this.#pending.add(memory.id);
    if (this.#pending.size > before) this.#lastWriteAt = performance.now();
    // A write committed: there is room again.
    this.#waitingForRoom = false;
    this.#kick();
  }

  /** Notes memories removed for good (their stored links went in the same transaction). */
  noteRemoved(ids: readonly string[]): void {
    this.#deps.graph.remove(ids);
    for (const id of ids) {
      this.#pending.delete(id);
      this.#hashes.delete(id);
    }
  }

  /** Resolves when every memory noted so far has its links (or failed to get them). */
  async settled(): Promise<void> {
    await this.#loading.catch(() => undefined);
    while (this.#running) await this.#running;
  }

  /** Whether every memory noted so far has its links in the graph now (nothing loading, read or waiting). */
  get caughtUp(): boolean {
    return this.#loaded && this.#running === undefined && this.#pending.size === 0;
  }

  /** How far the graph is. */
  status(): GraphStatus {
    return { linked: this.#hashes.size, pending: this.#pending.size, lastError: this.#lastError };
  }

  /** Stops reading (the store is closing). */
  stop(): void {
    this.#stopped = true;
  }

  #take(record: EntityLinkRecord): void {
    this.#deps.graph.set(record.memoryId, record.cubeId, record.links, record.speaker ?? undefined);
    this.#hashes.set(record.memoryId, record.textHash);
  }

  #kick(): void {
    if (this.#running || this.#stopped || this.#pending.size === 0) return;
    this.#running = this.#drain()
      .catch((error: unknown) => {
        this.#lastError = String(error);
      })
      .finally(() => {
        this.#running = undefined;
        // A failed batch is not retried in a loop, nor is a full disk: the next write or open tries again.
        if (this.#lastError === null && !this.#waitingForRoom) this.#kick();
      });
  }

  async #drain(): Promise<void> {
    while (!this.#stopped && this.#pending.size > 0) {
      // While memories are being written, writing goes first: the graph reads once writes pause.
      while (!this.#stopped && (this.#deps.store.writing > 0 || performance.now() - this.#lastWriteAt < QUIET_MS)) await pause(QUIET_MS);
      // The disk is full: links can wait for the next write that finds room (it kicks the keeper again).
      if (this.#deps.store.full) {
        this.#waitingForRoom = true;
        return;
      }
      const ids = [...this.#pending].slice(0, BATCH);
      for (const id of ids) this.#pending.delete(id);
      const memories = ids.map((id) => this.#deps.record(id)).filter((m): m is MemoryItem => m !== undefined);
      if (memories.length === 0) continue;
      await this.#readBatch(memories);
      this.#lastError = null;
      // Searches and writes go first.
      await pause(0);
    }
  }

  async #readBatch(batch: readonly MemoryItem[]): Promise<void> {
    const at = this.#deps.clock();
    // Links already stored for this text (an import, or another tab that read it first) are taken;
    // the cubes' languages say which tagger reads the rest (none, in a language no tagger reads).
    const cubeIds = [...new Set(batch.map((m) => m.cubeId))];
    const { stored, cubes } = await this.#deps.store.read(['entityLinks', 'cubes'], async (tx) => ({
      stored: await issueRequests<EntityLinkRecord | undefined>((add) => batch.forEach((m) => add(tx.objectStore('entityLinks').get(m.id)))),
      cubes: await issueRequests<CubeRecord | undefined>((add) => cubeIds.forEach((id) => add(tx.objectStore('cubes').get(id)))),
    }));
    const languages = new Map(cubeIds.map((id, i) => [id, languageOf(cubes[i])]));
    const memories: MemoryItem[] = [];
    batch.forEach((memory, i) => {
      const record = stored[i];
      if (isCurrent(record, memory, languages.get(memory.cubeId)!)) this.#take(record);
      else memories.push(memory);
    });
    if (memories.length === 0) return;
    const found = new Map<string, EntityLink[]>();
    for (const language of new Set(memories.map((m) => languages.get(m.cubeId)!))) {
      const toRead = memories.filter((m) => languages.get(m.cubeId) === language);
      const read = await extractEntities(
        toRead.map((m) => ({ text: m.text.slice(0, MAX_TEXT), speakers: m.sourceRefs.flatMap((r) => (r.speaker === undefined ? [] : [r.speaker])), ...(m.relation && { relation: m.relation }) })),
        language,
      );
      toRead.forEach((m, i) => found.set(m.id, read[i]!));
    }
    const written = await this.#deps.store.write(['memories', 'entityLinks'], async (tx) => {
      const out: EntityLinkRecord[] = [];
      for (const memory of memories) {
        // Only the version read: a memory changed or purged meanwhile is read again or not at all.
        const current = await tx.objectStore('memories').get(memory.id);
        if (!current) continue;
        const hash = readHash(current);
        if (hash !== readHash(memory)) continue;
        const language = languages.get(memory.cubeId)!;
        // A cube in a language no tagger reads keeps plain memories ("none" read them: no links).
        const record: EntityLinkRecord = {
          memoryId: memory.id,
          cubeId: memory.cubeId,
          memoryVersion: current.version,
          textHash: hash,
          speaker: speakerOf(current),
          extractor: extractorFor(language),
          links: found.get(memory.id) ?? [],
          at,
        };
        await tx.objectStore('entityLinks').put(record);
        out.push(record);
      }
      return out;
    });
    for (const record of written) this.#take(record);
  }
}
