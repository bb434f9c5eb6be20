/**
 * MemOS: the facade that implements MemoryApi. It opens the store, builds the search index and the
 * vector side, wires the services that do the work (directory, plaintext memory, recall, activation
 * and parametric memory, fine reading, consolidation, the scheduler's jobs) and delegates each method
 * to one of them. Every change runs as one transaction that also writes the memory's new version and an
 * audit entry, so a change is either whole or absent.
 */
import type { ActivationItem } from '../core/activation-item';
import type { AdapterItem } from '../core/adapter-item';
import type { AuditEntry } from '../core/audit';
import type { CubeAccess, CubePolicy, CubeRecord, UserRecord } from '../core/cube';
import { MemosError } from '../core/errors';
import { systemClock, type Clock } from '../core/ids';
import type { JobRecord, JobState } from '../core/job';
import type { MemoryItem, MemoryVersion } from '../core/memory-item';
import { fingerprintKey } from '../inference/embedders/embedder';
import { VectorMemory } from '../memory/vector-memory';
import { PLAIN_CHAT_TEMPLATE_VERSION, type LanguageModel } from '../protocol/language-model';
import type { MemoryApi } from '../protocol/memory-api';
import type { AddParams, AuditQuery, BuildActivationParams, CallOptions, ChatOptions, ChatParams, ChatResult, CubeView, DistillAdapterParams, ExtractedMemory, ExtractParams, GetAllParams, ImportAdapterParams, ImportParams, MemoryRef, Page, SchedulerStatus, UpdateParams, VectorStatus, WorkingEntry } from '../protocol/memory-types';
import type { RankingOptions, SearchHit, SearchParams } from '../protocol/search-types';
import type { SyncConfigParams, SyncGrantParams, SyncStatus } from '../protocol/sync-types';
import type { EditEntityParams, EntitiesParams, EntityEdits, EntityView, GraphStatus, RelatedParams, RelatedResult, RelationsParams, RelationView, TopicsParams, TopicView } from '../protocol/graph-types';
import type { AddDocumentParams, AddDocumentResult, DeletedDocument, DocumentRecord, DocumentWithChunks, ListDocumentsParams } from '../protocol/document-types';
import { MemScheduler } from '../scheduler/scheduler';
import { EntityGraph } from '../search/entity-graph';
import { MemoryIndex } from '../search/memory-index';
import { DEFAULT_RANKING } from '../search/ranking';
import { Store } from '../storage/store';
import { ActivationMemory } from './activation-memory';
import { AdapterMemory } from './adapter-memory';
import { readAuditLog, recordAgentCall, SCHEDULER_ACTOR } from './audit-log';
import { runChat, type ModelSource } from './chat';
import { Consolidator } from './consolidator';
import { exportCubeFile, importCubeFile } from './cube-transfer';
import { cubeWithAccess, Directory } from './directory';
import { DocumentMemory } from './document-memory';
import { CubeSync } from './cube-sync';
import { FineReading } from './fine-reading';
import { Forgetting } from './forgetting';
import { JOBS_NEEDING_A_MODEL, maintenanceJobs, queueMaintenance } from './maintenance-jobs';
import { applyCommit, applyStoredChange, rebuildIndex } from './index-keeping';
import { GraphKeeper } from './graph-keeping';
import { GraphQueries } from './graph-queries';
import { editEntity } from './entity-editing';
import { TopicKeeper } from './topic-keeping';
import { IndexSnapshots } from './index-snapshot';
import type { SnapshotOutcome } from './snapshot-outcome';
import { PlaintextMemory } from './plaintext-memory';
import { Recall } from './recall';
import { UsageCounter } from './usage-counter';
import { SessionMemory } from './session-memory';
import type { MemOSOptions } from './memos-options';
import { intInRange, optionalListOf, requireId, requireObject } from './validate';

/** How often the TTL sweep is queued (deduplicated: at most one waits at a time). */
const SWEEP_EVERY_MS = 10 * 60_000;
/**
 * How often the search index is saved while it keeps changing (only when it did): a tab is usually
 * closed without `close`, so idle time and this timer are what keep the snapshot recent.
 */
const SNAPSHOT_EVERY_MS = 30_000;
/** How long finished jobs are kept (the newest 200 always are). */
const JOB_HISTORY_MS = 7 * 86_400_000;
/** Default storage budget of KV MemCubes. */
const DEFAULT_KV_BUDGET = 256 * 1024 * 1024;
const DEFAULT_HOT_KV_BYTES = 128 * 1024 * 1024;
export { SCHEDULER_ACTOR } from '../core/audit';
export type { MemOSOptions } from './memos-options';

/** The MemOS facade over one store. Create it with {@link MemOS.open}. */
export class MemOS implements MemoryApi {
  readonly #store: Store;
  readonly #index: MemoryIndex;
  /** The entity graph recall follows, and what keeps it in step (undefined when the options turn it off). */
  readonly #graph: EntityGraph | undefined;
  readonly #graphKeeper: GraphKeeper | undefined;
  readonly #vectors: VectorMemory | undefined;
  /** The previous model's vectors, serving search while `#vectors` catches up after a model change. */
  #previous: VectorMemory | undefined;
  readonly #ranking: RankingOptions;
  readonly #clock: Clock;
  #model: ModelSource | undefined;
  /**
   * Runs background jobs (TTL sweeps, …) when this instance leads the store's tabs.
   * @internal
   */
  readonly scheduler: MemScheduler;
  #periodic: ReturnType<typeof setInterval> | undefined;
  #snapshotTimer: ReturnType<typeof setInterval> | undefined;
  #firstSnapshot: ReturnType<typeof setTimeout> | undefined;
  readonly #consolidationAsked = new Set<string>();
  readonly #directory: Directory;
  readonly #forgetting: Forgetting;
  readonly #consolidator: Consolidator;
  readonly #sessions: SessionMemory;
  readonly #adapters: AdapterMemory;
  readonly #fineReading: FineReading;
  readonly #activations: ActivationMemory;
  readonly #plaintext: PlaintextMemory;
  readonly #documents: DocumentMemory;
  readonly #sync: CubeSync;
  readonly #recall: Recall;
  readonly #graphQueries: GraphQueries;
  readonly #topics: TopicKeeper;
  readonly #usage: UsageCounter;
  /** Saving and restoring the search index (undefined when the options turn it off). */
  readonly #snapshots: IndexSnapshots | undefined;
  #indexOpened: SnapshotOutcome | undefined;
  /** The writes `close` issued last (the index snapshot, the uses counted last). */
  #lastWrites: Promise<void> = Promise.resolve();
  #unsubscribe: () => void = () => undefined;
  /** Remote changes apply one after another, so an older read never overwrites a newer one. */
  #remoteQueue: Promise<void> = Promise.resolve();
  readonly #unsubscribeCommits: () => void;

  private constructor(store: Store, options: MemOSOptions) {
    this.#store = store;
    this.#clock = options.clock ?? systemClock;
    this.#index = new MemoryIndex(options.textIndex);
    this.#graph = options.entityGraph === false ? undefined : new EntityGraph();
    this.#graphKeeper = this.#graph && new GraphKeeper({ store, graph: this.#graph, clock: this.#clock, record: (id) => this.#index.record(id), records: () => this.#index.records() });
    this.#snapshots = options.indexSnapshots === false ? undefined : new IndexSnapshots(store, this.#index, () => this.#vectors, this.#clock);
    this.#vectors = options.embedder ? new VectorMemory(store, options.embedder, () => this.#index.records()) : undefined;
    const changed = options.embedder && options.previousEmbedder && fingerprintKey(options.previousEmbedder.fingerprint) !== fingerprintKey(options.embedder.fingerprint);
    this.#previous = changed && options.previousEmbedder ? new VectorMemory(store, options.previousEmbedder, () => this.#index.records()) : undefined;
    this.#ranking = { ...DEFAULT_RANKING, ...options.ranking };
    this.#sessions = new SessionMemory({
      policy: options.workingMemory,
      get: (params) => this.get(params),
      queuePromotion: (userId, sessionId, key) => {
        void this.scheduler.enqueue({ kind: 'promote-kv', priority: 'organise', needsIdle: true, dedupeKey: `promote:${key}`, payload: { userId, sessionId } }).catch(() => undefined);
      },
    });
    this.#directory = new Directory(store, this.#clock);
    this.#forgetting = new Forgetting({ store, clock: this.#clock });
    // The one place a local write reaches the index and the vectors (other tabs' writes: see open).
    this.#unsubscribeCommits = store.onCommit((commit) => {
      applyCommit(commit, this.#index, [this.#vectors, this.#previous]);
      this.#followWrites(commit.written, commit.removedIds);
      if (commit.change.directory && commit.change.cubeIds.length > 0) void this.#graphKeeper?.loadCubes(commit.change.cubeIds).catch(() => undefined);
      this.#snapshots?.applied(commit.change.seq);
    });
    this.#consolidator = new Consolidator({
      store,
      index: this.#index,
      clock: this.#clock,
      vectors: () => this.#vectors,
      serving: () => this.#serving,
      model: () => this.#languageModel(),
    });
    this.#usage = new UsageCounter({ store, index: this.#index });
    this.#recall = new Recall({
      store,
      usage: this.#usage,
      clock: this.#clock,
      index: this.#index,
      ranking: this.#ranking,
      serving: () => this.#serving,
      readableCubes: (userId, cubeIds) => this.#directory.readableCubes(userId, cubeIds),
      ...(this.#graph && { graph: this.#graph }),
    });
    this.#topics = new TopicKeeper({
      index: this.#index,
      graph: this.#graph,
      serving: () => this.#serving,
      queueRebuild: (cubeId) => {
        void this.scheduler.enqueue({ kind: 'topics', priority: 'organise', needsIdle: true, dedupeKey: `topics:${cubeId}`, payload: { cubeId } }).catch(() => undefined);
      },
      graphBehind: () => this.#graphKeeper !== undefined && !this.#graphKeeper.caughtUp,
      queueTitles: (cubeId) => {
        void this.scheduler.enqueue({ kind: 'topic-titles', priority: 'organise', needsIdle: true, dedupeKey: `topic-titles:${cubeId}`, payload: { cubeId } }).catch(() => undefined);
      },
    });
    this.#graphQueries = new GraphQueries({
      topicTree: (cubeId) => this.#topics.tree(cubeId),
      topicTitle: (cubeId, node) => this.#topics.titleOf(cubeId, node),
      graph: this.#graph,
      index: this.#index,
      readableCubes: (userId, cubeIds) => this.#directory.readableCubes(userId, cubeIds),
      readable: (userId, memoryId) => this.#plaintext.get({ userId, memoryId }),
      clock: this.#clock,
      storedLinks: async (memoryId) => (await store.read(['entityLinks'], (tx) => tx.objectStore('entityLinks').get(memoryId)))?.links ?? [],
    });
    this.#plaintext = new PlaintextMemory({
      store,
      clock: this.#clock,
      vectors: () => this.#vectors,
      previous: () => this.#previous,
      added: (userId, cubeId, items, fromMessages) => {
        // With a model loaded and the user's consent, the fine reader extracts memories at idle time.
        if (fromMessages && items.length > 0) void this.#fineReading.offer(userId, cubeId, items).catch(() => undefined);
        // Tidy the cube when the user is idle (one waiting job per cube; this instance asks once per run).
        if (!this.#consolidationAsked.has(cubeId)) {
          this.#consolidationAsked.add(cubeId);
          void this.scheduler.enqueue({ kind: 'consolidate', priority: 'organise', needsIdle: true, dedupeKey: `consolidate:${cubeId}`, payload: { cubeId } }).catch(() => undefined);
        }
      },
    });
    this.#sync = new CubeSync({
      store,
      storeName: store.name,
      clock: this.#clock,
      // fake-indexeddb in Node is no browser: its replicas live in memory there.
      adapter: options.syncAdapter ?? (typeof (globalThis as { document?: unknown; WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined' || typeof (globalThis as { document?: unknown }).document !== 'undefined' ? 'idb' : 'memory'),
      createCube: (params) => this.#directory.createCube(params),
      received: () => void this.#vectors?.sync(),
      vectors: () => this.#vectors,
    });
    this.#documents = new DocumentMemory({ store, clock: this.#clock, plaintext: this.#plaintext, vectors: () => this.#vectors });
    this.#adapters = new AdapterMemory({ store, clock: this.#clock, model: () => this.#languageModel() });
    this.#fineReading = new FineReading({
      store,
      clock: this.#clock,
      queue: () => this.scheduler,
      model: () => this.#languageModel(),
      get: (params) => this.get(params),
      getUser: (userId) => this.getUser(userId),
      add: (params) => this.add(params),
    });
    this.#activations = new ActivationMemory({
      store,
      clock: this.#clock,
      kvBudgetBytes: options.kvBudgetBytes ?? DEFAULT_KV_BUDGET,
      hotKvBytes: options.hotKvBytes ?? DEFAULT_HOT_KV_BYTES,
      model: () => this.#languageModel(),
      get: (params) => this.get(params),
      search: (params, callOptions) => this.search(params, callOptions),
      promotable: (userId, sessionId) => this.#sessions.promotable(userId, sessionId),
      topic: (cubeId, topicId) => this.#topics.node(cubeId, topicId),
      topicOf: (cubeId, memoryIds) => this.#topics.topicOf(cubeId, memoryIds),
    });
    this.scheduler = new MemScheduler({
      store,
      clock: this.#clock,
      needsModel: JOBS_NEEDING_A_MODEL,
      modelReady: async () => (await this.#languageModel()) !== undefined,
      handlers: maintenanceJobs({
        sweepExpired: () => this.sweepExpired(),
        pruneJobs: () => this.scheduler.queue.prune(this.#clock() - JOB_HISTORY_MS, 200),
        compactVectors: async () => (await this.#vectors?.compact()) ?? 0,
        consolidate: (cubeId) => {
          this.#consolidationAsked.delete(cubeId);
          return this.#consolidator.run(cubeId, SCHEDULER_ACTOR, 200);
        },
        promoteToKv: (userId, sessionId) => this.#activations.promote(userId, sessionId),
        rebuildTopics: async (cubeId) => {
          await this.#graphKeeper?.settled();
          return this.#topics.rebuild(cubeId, { settled: true });
        },
        titleTopics: async (cubeId, signal) => {
          const model = await this.#languageModel();
          // Base models without a chat template would write noise, as in consolidation.
          if (!model || model.info.templateVersion === PLAIN_CHAT_TEMPLATE_VERSION) return { written: 0, left: 0 };
          const done = await this.#topics.writeTitles(cubeId, model, 24, signal);
          if (done.left > 0) this.#topics.requeueTitles(cubeId);
          return done;
        },
        maintainKv: () => this.#activations.maintain(),
        fineRead: (job, signal) => this.#fineReading.job(job, signal),
        proposeDistillation: async () => {
          // Proposals go by usage: count in the uses not yet written.
          await this.#usage.flush();
          return this.#adapters.proposeDistillation();
        },
      }),
    });
  }

  /**
   * Opens a store, rebuilds the search index from it, and starts following other tabs' changes.
   * @throws {MemosError} SCHEMA_TOO_NEW when the data was written by a newer memos-web
   */
  static async open(options: MemOSOptions = {}, callOptions: CallOptions = {}): Promise<MemOS> {
    const store = await Store.open(options);
    const os = new MemOS(store, options);
    try {
      if (os.#snapshots) os.#indexOpened = await os.#snapshots.open(() => rebuildIndex(store, os.#index, callOptions), callOptions);
      else await rebuildIndex(store, os.#index, callOptions);
      const vectorsRestored = os.#indexOpened?.restored === true && os.#indexOpened.vectors;
      if (!vectorsRestored) await os.#vectors?.load(callOptions);
      await os.#previous?.load(callOptions);
    } catch (error) {
      store.close();
      throw error;
    }
    if (os.#previous && os.#previous.status().embedded === 0) os.#releasePrevious();
    // The graph loads after the store opens (recall works without it meanwhile), then reads what is new.
    void os.#graphKeeper?.load().catch(() => undefined);
    void os.#vectors?.sync().then(() => {
      const current = os.#vectors;
      if (!current || current.stopped || current.status().lastError !== null) return;
      // Every memory has the new model's vector: the old model's go, from memory and from the store.
      const previous = os.#previous;
      os.#releasePrevious();
      void previous?.dropStored().catch(() => undefined);
    });
    if (options.scheduler !== false) {
      os.scheduler.start();
      const sweep = () => queueMaintenance(os.scheduler);
      sweep();
      os.#periodic = setInterval(sweep, SWEEP_EVERY_MS);
    }
    if (os.#snapshots) {
      const snapshots = os.#snapshots;
      // A first save soon after an open that had to rebuild, then whenever the index moved on.
      if (!os.#indexOpened?.restored) os.#firstSnapshot = setTimeout(() => void snapshots.save(), 2_000);
      os.#snapshotTimer = setInterval(() => void snapshots.save(), SNAPSHOT_EVERY_MS);
    }
    os.#unsubscribe = store.changes.subscribe((change) => {
      os.#remoteQueue = os.#remoteQueue
        .then(async () => {
          const applied = await applyStoredChange(store, change, os.#index, [os.#vectors, os.#previous]);
          os.#followWrites(applied.present, applied.gone);
          if (change.directory && change.cubeIds.length > 0) await os.#graphKeeper?.loadCubes(change.cubeIds).catch(() => undefined);
          os.#snapshots?.applied(change.seq);
        })
        .catch(() => undefined);
    });
    return os;
  }

  /**
   * How the search index was filled when the store opened: restored from its snapshot (and how many
   * memories the changes since named), or rebuilt from the memories and why; undefined when snapshots
   * are off.
   */
  get indexOpened(): SnapshotOutcome | undefined {
    return this.#indexOpened;
  }

  /**
   * The KV caches this instance keeps decoded in memory for the next chat turns (`hotKvBytes`): their
   * bytes and activation ids, least recently used first.
   */
  kvMemoryStatus(): { bytes: number; activationIds: string[] } {
    return this.#activations.hotStatus();
  }

  /** The vectors search uses: the previous model's while the current one catches up, else the current one's. */
  get #serving(): VectorMemory | undefined {
    return this.#previous ?? this.#vectors;
  }

  #releasePrevious(): void {
    const previous = this.#previous;
    this.#previous = undefined;
    previous?.stop();
    previous?.embedder.dispose();
  }

  /** The underlying store's name. */
  get storeName(): string {
    return this.#store.name;
  }

  /** {@inheritDoc MemoryApi.settled} */
  async settled(): Promise<void> {
    await this.#remoteQueue;
  }

  /** Tells the entity graph and the topic trees what a write (this tab's or another's) stored or removed. */
  #followWrites(present: readonly MemoryItem[], gone: readonly string[]): void {
    this.#graphKeeper?.noteRemoved(gone);
    this.#graphKeeper?.noteWritten(present);
    this.#topics.noteWritten(present);
  }

  /**
   * Resolves when the entity graph has read every memory written so far (for benchmarks and tests).
   * @internal
   */
  async graphSettled(): Promise<void> {
    await this.#graphKeeper?.settled();
  }

  /** Closes the store. Later calls fail with STORE_CLOSED. */
  close(): void {
    this.scheduler.stop();
    if (this.#periodic !== undefined) clearInterval(this.#periodic);
    if (this.#snapshotTimer !== undefined) clearInterval(this.#snapshotTimer);
    if (this.#firstSnapshot !== undefined) clearTimeout(this.#firstSnapshot);
    this.#vectors?.stop();
    this.#graphKeeper?.stop();
    this.#activations.releaseHot();
    this.#releasePrevious();
    this.#unsubscribe();
    this.#unsubscribeCommits();
    const syncClosed = this.#sync.close();
    // Opened before the connection closes: the index is saved if it moved on since its last snapshot
    // (first, so the uses written next are simply changes after it), and the uses counted last are kept.
    this.#lastWrites = Promise.all([this.#snapshots?.save(), this.#usage.flush(), syncClosed]).then(() => undefined);
    this.#store.close();
  }

  /** Resolves when what `close` started has finished: the index snapshot, the last uses, and stopping sync (no request to the server left open). */
  whenClosed(): Promise<void> {
    return this.#lastWrites;
  }

  /** {@inheritDoc MemoryApi.rebuildIndex} */
  async rebuildIndex(options: CallOptions = {}): Promise<number> {
    const count = await rebuildIndex(this.#store, this.#index, options);
    this.#snapshots?.rebuilt();
    return count;
  }

  /** {@inheritDoc MemoryApi.vectorStatus} */
  async vectorStatus(params: { wait?: boolean } = {}): Promise<VectorStatus | null> {
    if (!this.#vectors) return null;
    if (params?.wait) await this.#vectors.sync();
    return { ...this.#vectors.status(), serving: (this.#serving ?? this.#vectors).embedder.fingerprint };
  }

  // ─── users ────────────────────────────────────────────────────────────────

  /** {@inheritDoc MemoryApi.createUser} */
  async createUser(params: { userId?: string; name: string }): Promise<UserRecord> { return this.#directory.createUser(params); }

  /** {@inheritDoc MemoryApi.listUsers} */
  async listUsers(): Promise<UserRecord[]> { return this.#directory.listUsers(); }

  /** {@inheritDoc MemoryApi.getUser} */
  async getUser(userId: string): Promise<UserRecord> { return this.#directory.getUser(userId); }

  // ─── cubes ────────────────────────────────────────────────────────────────

  /** {@inheritDoc MemoryApi.createCube} */
  async createCube(params: { userId: string; name: string; cubeId?: string; policy?: CubePolicy }): Promise<CubeRecord> { return this.#directory.createCube(params); }

  /** {@inheritDoc MemoryApi.listCubes} */
  async listCubes(params: { userId: string }): Promise<CubeView[]> { return this.#directory.listCubes(params); }

  /** {@inheritDoc MemoryApi.registerCube} */
  async registerCube(params: { userId: string; cubeId: string }): Promise<void> { await this.#directory.setRegistration(params, true); }

  /** {@inheritDoc MemoryApi.unregisterCube} */
  async unregisterCube(params: { userId: string; cubeId: string }): Promise<void> { await this.#directory.setRegistration(params, false); }

  /** {@inheritDoc MemoryApi.shareCube} */
  async shareCube(params: { userId: string; cubeId: string; targetUserId: string; access: CubeAccess }): Promise<CubeRecord> { return this.#directory.shareCube(params); }

  /** {@inheritDoc MemoryApi.unshareCube} */
  async unshareCube(params: { userId: string; cubeId: string; targetUserId: string }): Promise<CubeRecord> { return this.#directory.unshareCube(params); }

  /** {@inheritDoc MemoryApi.deleteCube} */
  async deleteCube(params: { userId: string; cubeId: string }): Promise<{ memories: number }> { return this.#forgetting.deleteCube(params); }

  /** {@inheritDoc MemoryApi.deleteUser} */
  async deleteUser(params: { userId: string }): Promise<{ cubes: number; memories: number }> { return this.#forgetting.deleteUser(params); }

  /** {@inheritDoc MemoryApi.reset} */
  async reset(params: { confirm: string; userId?: string }): Promise<void> { return this.#forgetting.reset(params); }

  // ─── memories ─────────────────────────────────────────────────────────────

  /** {@inheritDoc MemoryApi.add} */
  async add(params: AddParams, options: CallOptions = {}): Promise<MemoryItem[]> { return this.#plaintext.add(params, options); }

  /** {@inheritDoc MemoryApi.get} */
  async get(params: { userId: string; memoryId: string; trackUsage?: boolean }): Promise<MemoryItem> {
    const memory = await this.#plaintext.get(params);
    if (params.trackUsage === true) this.#recall.countUses([memory.id], 'get');
    return this.#usage.view(memory);
  }

  /** {@inheritDoc MemoryApi.getAll} */
  async getAll(params: GetAllParams, options: CallOptions = {}): Promise<Page<MemoryItem>> {
    const page = await this.#plaintext.getAll(params, options);
    return { ...page, items: page.items.map((m) => this.#usage.view(m)) };
  }

  /** {@inheritDoc MemoryApi.update} */
  async update(params: UpdateParams): Promise<MemoryItem> { return this.#plaintext.update(params); }

  /** {@inheritDoc MemoryApi.delete} */
  async delete(params: MemoryRef): Promise<MemoryItem> { return this.#plaintext.delete(params); }

  /** {@inheritDoc MemoryApi.restore} */
  async restore(params: MemoryRef): Promise<MemoryItem> { return this.#plaintext.restore(params); }

  /** {@inheritDoc MemoryApi.freeze} */
  async freeze(params: MemoryRef): Promise<MemoryItem> { return this.#plaintext.freeze(params); }

  /** {@inheritDoc MemoryApi.unfreeze} */
  async unfreeze(params: MemoryRef): Promise<MemoryItem> { return this.#plaintext.unfreeze(params); }

  /** {@inheritDoc MemoryApi.rollback} */
  async rollback(params: MemoryRef & { version: number }): Promise<MemoryItem> { return this.#plaintext.rollback(params); }

  /** {@inheritDoc MemoryApi.purge} */
  async purge(params: MemoryRef): Promise<void> { return this.#plaintext.purge(params); }

  /** {@inheritDoc MemoryApi.history} */
  async history(params: { userId: string; memoryId: string }): Promise<MemoryVersion[]> { return this.#plaintext.history(params); }

  /** {@inheritDoc MemoryApi.setCubePolicy} */
  async setCubePolicy(params: { userId: string; cubeId: string; policy: CubePolicy }): Promise<CubeRecord> { return this.#plaintext.setCubePolicy(params); }

  /** {@inheritDoc MemoryApi.sweepExpired} */
  async sweepExpired(): Promise<{ expired: number }> { return this.#plaintext.sweepExpired(); }

  /** {@inheritDoc MemoryApi.search} */
  async search(params: SearchParams, options: CallOptions = {}): Promise<SearchHit[]> { return this.#recall.search(params, options); }

  /**
   * Gives chat() its language model: a loaded one, a function that finds the one loaded now (for a
   * model in another worker), or null to have none. Everything else works without a model.
   */
  setLanguageModel(model: ModelSource | null): void {
    this.#model = model ?? undefined;
    this.scheduler.modelChanged();
  }

  /**
   * One chat turn with memory: recalls the user's memories for the last message, puts those that fit
   * the token budget into the prompt with their dates and provenance, generates (streaming through
   * `onToken`), and stores the turn in the session as new memories.
   * @throws {MemosError} MODEL_NOT_LOADED without a model; INVALID_INPUT, CONTEXT_OVERFLOW, ABORTED, FORBIDDEN
   */
  async chat(params: ChatParams, options: ChatOptions = {}): Promise<ChatResult> {
    return runChat(
      {
        // The model answers with the adapter cubes marked active merged into its weights.
        model: async () => {
          const model = await this.#languageModel();
          await this.#adapters.syncModel(model);
          return model;
        },
        search: (p, o) => this.search(p, o),
        add: (p, o) => this.add(p, o),
        listCubes: (p) => this.listCubes(p),
        now: () => this.#clock(),
        activationFor: (userId, sessionId, model) => this.#activations.forSession(userId, sessionId, model),
        noteRecall: (userId, sessionId, query, hits, model) => this.#sessions.noteRecall(userId, sessionId, query, hits, model),
        noteActivationUse: (id, loadMs) => this.#activations.noteUse(id, loadMs),
        countUses: async (ids) => void this.#recall.countUses(ids, 'chat'),
      },
      params,
      options,
    );
  }

  // ─── scheduler and lifecycle automation ─────────────────────────────────

  /** {@inheritDoc MemoryApi.workingMemory} */
  async workingMemory(params: { userId: string; sessionId: string }): Promise<(WorkingEntry & { memory: MemoryItem })[]> { return this.#sessions.entries(params); }

  /** {@inheritDoc MemoryApi.consolidate} */
  async consolidate(params: { userId: string; cubeId: string; limit?: number }): Promise<{ merged: number; archived: number; superseded: number }> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const cubeId = requireId(params.cubeId, 'cubeId');
    const limit = intInRange(params.limit, 'limit', 1, 5000, 200);
    await this.#store.read(['cubes'], async (tx) => {
      await cubeWithAccess(tx, cubeId, userId, 'write');
    });
    return this.#consolidator.run(cubeId, userId, limit);
  }


  // ─── the fine MemReader ─────────────────────────────────────────────────

  /** {@inheritDoc MemoryApi.setConsent} */
  async setConsent(params: { userId: string; mode: 'auto' | 'ask' | 'manual' }): Promise<UserRecord> { return this.#fineReading.setConsent(params); }

  /** {@inheritDoc MemoryApi.extract} */
  async extract(params: ExtractParams, options: CallOptions = {}): Promise<{ proposals: ExtractedMemory[]; stored: MemoryItem[] }> { return this.#fineReading.extract(params, options); }

  /** {@inheritDoc MemoryApi.acceptProposals} */
  async acceptProposals(params: { userId: string; jobId: string; indexes?: readonly number[] }): Promise<MemoryItem[]> { return this.#fineReading.acceptProposals(params); }

  /** {@inheritDoc MemoryApi.schedulerStatus} */
  async schedulerStatus(): Promise<SchedulerStatus> {
    return this.scheduler.status();
  }

  /** {@inheritDoc MemoryApi.listJobs} */
  async listJobs(params: { states?: readonly JobState[]; limit?: number } = {}): Promise<JobRecord[]> {
    // null is taken as no params, as undefined is.
    const given = params ?? {};
    requireObject(given, 'params');
    const all = ['queued', 'running', 'done', 'failed'] as const;
    const states = optionalListOf(given.states, 'states', all) ?? all;
    return this.scheduler.queue.list(states, intInRange(given.limit, 'limit', 1, 1000, 50));
  }

  /** {@inheritDoc MemoryApi.setIdle} */
  async setIdle(params: { idle: boolean }): Promise<void> {
    requireObject(params, 'params');
    this.scheduler.setIdle(params.idle === true);
    // The user stepped away or hid the tab (perhaps to close it): write the uses counted so far.
    if (params.idle === true) {
      await this.#usage.flush();
      await this.#snapshots?.save();
    }
  }

  // ─── activation memory (KV MemCubes) ───────────────────────────────────

  async #languageModel(): Promise<LanguageModel | undefined> {
    const source = this.#model;
    return typeof source === 'function' ? source() : source;
  }

  /** {@inheritDoc MemoryApi.buildActivation} */
  async buildActivation(params: BuildActivationParams, options: CallOptions = {}): Promise<ActivationItem> { return this.#activations.build(params, options); }

  /** {@inheritDoc MemoryApi.composeActivations} */
  async composeActivations(params: { userId: string; cubeId: string; activationIds: readonly string[]; encoding?: 'fp32' | 'fp16' | 'int8' }): Promise<ActivationItem> { return this.#activations.compose(params); }

  /** {@inheritDoc MemoryApi.listActivations} */
  async listActivations(params: { userId: string; cubeId: string }): Promise<ActivationItem[]> { return this.#activations.list(params); }

  /** {@inheritDoc MemoryApi.activate} */
  async activate(params: { userId: string; activationId: string; sessionId: string }): Promise<ActivationItem> { return this.#activations.activate(params); }

  /** {@inheritDoc MemoryApi.deactivate} */
  async deactivate(params: { userId: string; sessionId: string }): Promise<void> { return this.#activations.deactivate(params); }

  /** {@inheritDoc MemoryApi.evictActivation} */
  async evictActivation(params: { userId: string; activationId: string }): Promise<void> { return this.#activations.evict(params); }

  /** {@inheritDoc MemoryApi.importAdapter} */
  async importAdapter(params: ImportAdapterParams): Promise<AdapterItem> { return this.#adapters.importAdapter(params); }

  /** {@inheritDoc MemoryApi.listAdapters} */
  async listAdapters(params: { userId: string; cubeId: string }): Promise<AdapterItem[]> { return this.#adapters.listAdapters(params); }

  /** {@inheritDoc MemoryApi.exportAdapter} */
  async exportAdapter(params: { userId: string; adapterId: string }): Promise<{ safetensors: Uint8Array; config: string }> { return this.#adapters.exportAdapter(params); }

  /** {@inheritDoc MemoryApi.activateAdapter} */
  async activateAdapter(params: { userId: string; adapterId: string; weight?: number }): Promise<AdapterItem> { return this.#adapters.activateAdapter(params); }

  /** {@inheritDoc MemoryApi.deactivateAdapter} */
  async deactivateAdapter(params: { userId: string; adapterId: string }): Promise<AdapterItem> { return this.#adapters.deactivateAdapter(params); }

  /** {@inheritDoc MemoryApi.distillAdapter} */
  distillAdapter(params: DistillAdapterParams, options: CallOptions = {}): Promise<AdapterItem> {
    return this.#adapters.distill(params, options);
  }

  /** {@inheritDoc MemoryApi.distillCandidates} */
  async distillCandidates(params: { userId: string; cubeId: string; minAgeDays?: number; minUses?: number; limit?: number }): Promise<MemoryItem[]> {
    await this.#usage.flush();
    return this.#adapters.distillCandidates(params);
  }

  /** {@inheritDoc MemoryApi.deleteAdapter} */
  async deleteAdapter(params: { userId: string; adapterId: string }): Promise<void> { return this.#adapters.deleteAdapter(params); }

  // ─── export and import ────────────────────────────────────────────────────

  /** {@inheritDoc MemoryApi.exportCube} */
  async exportCube(params: { userId: string; cubeId: string }, options: CallOptions = {}): Promise<string> {
    await this.#usage.flush();
    // The file carries the graph's links: every memory written so far is read first.
    await this.#graphKeeper?.settled();
    return exportCubeFile(this.#store, this.#clock, params, options);
  }

  // ─── sync ─────────────────────────────────────────────────────────────────

  /** {@inheritDoc MemoryApi.configureSync} */
  async configureSync(params: SyncConfigParams): Promise<SyncStatus> { return this.#sync.configure(params); }

  /** {@inheritDoc MemoryApi.startSync} */
  async startSync(params: { userId: string; cubeId: string; live?: boolean }, options: CallOptions = {}): Promise<SyncStatus> { return this.#sync.start(params, options); }

  /** {@inheritDoc MemoryApi.stopSync} */
  async stopSync(params: { userId: string; cubeId: string }): Promise<void> { return this.#sync.stop(params); }

  /** {@inheritDoc MemoryApi.syncStatus} */
  async syncStatus(params: { userId: string; cubeId: string }): Promise<SyncStatus> { return this.#sync.status(params); }

  /** {@inheritDoc MemoryApi.resumeSync} */
  async resumeSync(params: { userId: string }): Promise<SyncStatus[]> { return this.#sync.resume(params); }

  /** {@inheritDoc MemoryApi.forgetSync} */
  async forgetSync(params: { userId: string; cubeId: string }): Promise<void> { return this.#sync.forget(params); }

  /** {@inheritDoc MemoryApi.syncIdentity} */
  async syncIdentity(params: { userId: string }): Promise<{ publicKey: string }> { return this.#sync.identity(params); }

  /** {@inheritDoc MemoryApi.grantSync} */
  async grantSync(params: SyncGrantParams): Promise<{ grantId: string }> { return this.#sync.grant(params); }

  // ─── documents ────────────────────────────────────────────────────────────

  /** {@inheritDoc MemoryApi.addDocument} */
  async addDocument(params: AddDocumentParams, options: CallOptions = {}): Promise<AddDocumentResult> { return this.#documents.add(params, options); }

  /** {@inheritDoc MemoryApi.entities} */
  async entities(params: EntitiesParams): Promise<EntityView[]> { return this.#graphQueries.entities(params); }

  /** {@inheritDoc MemoryApi.related} */
  async related(params: RelatedParams): Promise<RelatedResult> { return this.#graphQueries.related(params); }

  /** {@inheritDoc MemoryApi.editEntity} */
  async editEntity(params: EditEntityParams): Promise<EntityEdits> { return editEntity({ store: this.#store, clock: this.#clock, graph: this.#graph }, params); }

  /** {@inheritDoc MemoryApi.relations} */
  async relations(params: RelationsParams): Promise<RelationView[]> { return this.#graphQueries.relations(params); }

  /** {@inheritDoc MemoryApi.topics} */
  async topics(params: TopicsParams): Promise<TopicView[]> { return this.#graphQueries.topics(params); }

  /** {@inheritDoc MemoryApi.graphStatus} */
  async graphStatus(params: { wait?: boolean } = {}): Promise<GraphStatus | null> {
    if (!this.#graphKeeper) return null;
    if (params?.wait) await this.#graphKeeper.settled();
    return this.#graphKeeper.status();
  }

  /** {@inheritDoc MemoryApi.listDocuments} */
  async listDocuments(params: ListDocumentsParams): Promise<DocumentRecord[]> { return this.#documents.list(params); }

  /** {@inheritDoc MemoryApi.getDocument} */
  async getDocument(params: { userId: string; documentId: string }): Promise<DocumentWithChunks> { return this.#documents.get(params); }

  /** {@inheritDoc MemoryApi.documentFile} */
  async documentFile(params: { userId: string; documentId: string }): Promise<Uint8Array | null> { return this.#documents.file(params); }

  /** {@inheritDoc MemoryApi.deleteDocument} */
  async deleteDocument(params: { userId: string; documentId: string; reason?: string }): Promise<DeletedDocument> { return this.#documents.delete(params); }

  /** {@inheritDoc MemoryApi.importCube} */
  async importCube(params: ImportParams, options: CallOptions = {}): Promise<CubeRecord> {
    const cube = await importCubeFile(this.#store, this.#clock, params, options);
    void this.#vectors?.sync();
    return cube;
  }

  // ─── audit ────────────────────────────────────────────────────────────────

  /** {@inheritDoc MemoryApi.auditLog} */
  async auditLog(query: AuditQuery): Promise<AuditEntry[]> { return readAuditLog(this.#store, query); }

  /** {@inheritDoc MemoryApi.recordAgentCall} */
  async recordAgentCall(params: { userId: string; cubeId: string; agent: string; tool: string; memoryIds?: readonly string[] }): Promise<void> { return recordAgentCall(this.#store, this.#clock(), params); }


}

