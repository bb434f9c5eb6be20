/**
 * Activation memory as a service of MemOS: KV MemCubes built from memories with one prefill, composed,
 * listed, attached to chat sessions, evicted; the scheduler's promotion of recurring working memory
 * into a cube and its upkeep of cubes within their storage budget (decision 0014).
 */
import type { ActivationItem } from '../core/activation-item';
import { MemosError } from '../core/errors';
import type { Clock } from '../core/ids';
import { LIVE_STATES } from '../core/lifecycle';
import { HIT_HISTORY_LIMIT, type MemoryItem } from '../core/memory-item';
import { accessOf } from '../governance/access';
import { deleteActivation, putActivation } from '../memory/activation/activation-store';
import type { KvCache } from '../protocol/inference-types';
import type { LanguageModel } from '../protocol/language-model';
import type { BuildActivationParams, CallOptions, WorkingEntry } from '../protocol/memory-types';
import type { SearchHit, SearchParams } from '../protocol/search-types';
import type { BlobRecord } from '../storage/schema';
import type { Store, WriteTx } from '../storage/store';
import { HotKvCaches } from '../memory/activation/hot-kv-caches';
import { buildActivationRecord, checkUsable, composeActivationRecord, usableCache } from './activations';
import { appendAudit, SCHEDULER_ACTOR } from './audit-log';
import { cubeWithAccess } from './directory';
import { checkAborted, idList, intInRange, oneOf, requireId, requireObject, requireReference } from './validate';

const ACTIVATION_STORES: ('cubes' | 'audit' | 'blobs' | 'activations')[] = ['cubes', 'audit', 'blobs', 'activations'];

/** What activation memory needs of MemOS. */
export interface ActivationMemoryDeps {
  readonly store: Store;
  readonly clock: Clock;
  /** The most bytes KV cubes may take before the least recently used are evicted. */
  readonly kvBudgetBytes: number;
  /** The most bytes of decoded KV caches kept in memory for the next chat turns (HotKvCaches). */
  readonly hotKvBytes: number;
  model(): Promise<LanguageModel | undefined>;
  get(params: { userId: string; memoryId: string }): Promise<MemoryItem>;
  search(params: SearchParams, options?: CallOptions): Promise<SearchHit[]>;
  /** A chat session's working-memory entries that keep coming back. */
  promotable(userId: string, sessionId: string): readonly WorkingEntry[];
  /** A topic of a cube's tree: its label and memories, nearest its centre first (see TopicKeeper.node). */
  topic(cubeId: string, topicId: string): { readonly label: string; readonly memoryIds: readonly string[] } | undefined;
  /** The narrowest topic holding most of these memories, if any holds two (see TopicKeeper.topicOf). */
  topicOf(cubeId: string, memoryIds: readonly string[]): { readonly label: string; readonly memoryIds: readonly string[] } | undefined;
}

/** The most memories one KV cube is built from when the scheduler promotes a session's. */
const PROMOTE_MAX = 8;

/** KV MemCubes (see MemoryApi.buildActivation and the methods after it). */
export class ActivationMemory {
  readonly #deps: ActivationMemoryDeps;
  readonly #hot: HotKvCaches;

  constructor(deps: ActivationMemoryDeps) {
    this.#deps = deps;
    this.#hot = new HotKvCaches(deps.hotKvBytes);
  }

  /** What the in-memory KV caches hold now. */
  hotStatus(): { bytes: number; activationIds: string[] } {
    return { bytes: this.#hot.bytes, activationIds: this.#hot.ids() };
  }

  /** Lets every in-memory KV cache go (the store closes). */
  releaseHot(): void {
    this.#hot.clear();
  }

  /** See MemoryApi.buildActivation. */
  async build(params: BuildActivationParams, options: CallOptions = {}): Promise<ActivationItem> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const cubeId = requireId(params.cubeId, 'cubeId');
    const encoding = oneOf(params.encoding, 'encoding', ['fp32', 'fp16', 'int8'] as const, 'fp32');
    const model = await this.#deps.model();
    let memories: MemoryItem[];
    if (params.memoryIds !== undefined) {
      const ids = idList(params.memoryIds, 'memoryIds') ?? [];
      if (ids.length === 0 || ids.length > 200) throw new MemosError('INVALID_INPUT', 'memoryIds must name 1 to 200 memories.', { field: 'memoryIds' });
      memories = await Promise.all(ids.map((memoryId) => this.#deps.get({ userId, memoryId })));
      if (memories.some((m) => m.cubeId !== cubeId || !LIVE_STATES.includes(m.state))) {
        throw new MemosError('INVALID_INPUT', 'Every memory must be a live memory of this cube.', { field: 'memoryIds' });
      }
    } else if (params.topicId !== undefined) {
      const topicId = requireReference(params.topicId, 'topicId');
      const topic = this.#deps.topic(cubeId, topicId);
      if (!topic) throw new MemosError('INVALID_INPUT', "No topic with this id in the cube's topic tree (see topics()).", { field: 'topicId' });
      memories = await this.#readableLive(userId, topic.memoryIds, intInRange(params.topK, 'topK', 1, 50, 8));
    } else {
      if (typeof params.query !== 'string' || !params.query.trim()) throw new MemosError('INVALID_INPUT', 'Give memoryIds, a query or a topicId.', { field: 'query' });
      const hits = await this.#deps.search({ userId, query: params.query, cubeIds: [cubeId], topK: intInRange(params.topK, 'topK', 1, 50, 8), trackUsage: false }, options);
      memories = hits.map((h) => h.memory);
    }
    if (memories.length === 0) throw new MemosError('INVALID_INPUT', 'No memories to build from.', { field: 'memoryIds' });
    await this.#deps.store.read(['cubes'], async (tx) => {
      await cubeWithAccess(tx, cubeId, userId, 'write');
    });
    checkAborted(options.signal);
    const { item, encoded } = await buildActivationRecord(model as LanguageModel, memories, { userId, cubeId, encoding, now: this.#deps.clock() }, options);
    checkAborted(options.signal);
    options.onProgress?.({ phase: 'storing', done: 0, total: 1, unit: 'items' });
    await this.#deps.store.write(
      [...ACTIVATION_STORES, 'memories'],
      async (tx) => {
        // A source may have changed while the model ran: never store a cache of text that is gone.
        for (const source of item.sources) {
          const current = await tx.objectStore('memories').get(source.memoryId);
          if (current?.version !== source.version) {
            throw new MemosError('VERSION_CONFLICT', 'A memory changed while its KV cache was being built: build again.', { memoryId: source.memoryId });
          }
        }
        await putActivation(tx, item, encoded);
        await appendAudit(tx, this.#deps.clock(), userId, 'activation.build', cubeId, [item.id], { tokens: item.tokenIds.length, bytes: item.bytes, encoding, sources: item.sources.length });
      },
      options,
    );
    return item;
  }

  /** See MemoryApi.composeActivations. */
  async compose(params: { userId: string; cubeId: string; activationIds: readonly string[]; encoding?: 'fp32' | 'fp16' | 'int8' }): Promise<ActivationItem> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const cubeId = requireId(params.cubeId, 'cubeId');
    const ids = idList(params.activationIds, 'activationIds') ?? [];
    if (ids.length < 2) throw new MemosError('INVALID_INPUT', 'Compose at least two activations.', { field: 'activationIds' });
    const encoding = oneOf(params.encoding, 'encoding', ['fp32', 'fp16', 'int8'] as const, 'fp32');
    const model = await this.#deps.model();
    const parts = await this.#deps.store.read(['cubes', 'activations', 'blobs'], async (tx) => {
      await cubeWithAccess(tx, cubeId, userId, 'write');
      return Promise.all(
        ids.map(async (id) => {
          const item = await tx.objectStore('activations').get(id);
          if (!item || item.cubeId !== cubeId) throw new MemosError('MEMORY_NOT_FOUND', 'No such activation in this cube.', { activationId: id });
          return { item, blobs: await tx.objectStore('blobs').index('byMemory').getAll(id) };
        }),
      );
    });
    const { item, encoded } = await composeActivationRecord(model as LanguageModel, parts, { userId, cubeId, encoding, now: this.#deps.clock() });
    await this.#deps.store.write(ACTIVATION_STORES, async (tx) => {
      await putActivation(tx, item, encoded);
      await appendAudit(tx, this.#deps.clock(), userId, 'activation.build', cubeId, [item.id], { tokens: item.tokenIds.length, bytes: item.bytes, encoding, composedFrom: ids.join(',') });
    });
    return item;
  }

  /** See MemoryApi.listActivations. */
  async list(params: { userId: string; cubeId: string }): Promise<ActivationItem[]> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const cubeId = requireId(params.cubeId, 'cubeId');
    return this.#deps.store.read(['cubes', 'activations'], async (tx) => {
      await cubeWithAccess(tx, cubeId, userId, 'read');
      const items = await tx.objectStore('activations').index('byCube').getAll(cubeId);
      return items.sort((a, b) => b.createdAt - a.createdAt);
    });
  }

  /** See MemoryApi.activate. */
  async activate(params: { userId: string; activationId: string; sessionId: string }): Promise<ActivationItem> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const id = requireId(params.activationId, 'activationId');
    const sessionId = requireReference(params.sessionId, 'sessionId');
    const activated = await this.#deps.store.write(ACTIVATION_STORES, async (tx) => {
      const item = await tx.objectStore('activations').get(id);
      if (!item) throw new MemosError('MEMORY_NOT_FOUND', 'No such activation.', { activationId: id });
      await cubeWithAccess(tx, item.cubeId, userId, 'read');
      if (item.staleReason) throw new MemosError('INVALID_INPUT', `The activation is stale (${item.staleReason}): rebuild it.`, { activationId: id });
      await this.#leaveSession(tx, sessionId);
      const updated: ActivationItem = { ...item, sessions: [...item.sessions.filter((s) => s !== sessionId), sessionId], state: 'activated', updatedAt: this.#deps.clock() };
      await tx.objectStore('activations').put(updated);
      await appendAudit(tx, this.#deps.clock(), userId, 'activation.activate', item.cubeId, [id], { sessionId });
      return updated;
    });
    void this.#warm(activated).catch(() => undefined);
    return activated;
  }

  /** Reads and decodes an activated cube into memory ahead of the session's first turn (when a model that can use it is loaded). */
  async #warm(item: ActivationItem): Promise<void> {
    const model = await this.#deps.model();
    if (!model?.kv || this.#hot.get(item.id)) return;
    const blobs = await this.#deps.store.read(['blobs'], (tx) => tx.objectStore('blobs').index('byMemory').getAll(item.id));
    await this.#decodeAndKeep(item, blobs, model);
  }

  /** Checks and decodes a cube's chunks for `model`, and keeps the result in memory for later turns. */
  async #decodeAndKeep(item: ActivationItem, blobs: readonly BlobRecord[], model: LanguageModel): Promise<KvCache> {
    const cache = await usableCache(item, blobs, model);
    this.#hot.put(item.id, cache);
    return cache;
  }

  /** See MemoryApi.deactivate. */
  async deactivate(params: { userId: string; sessionId: string }): Promise<void> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const sessionId = requireReference(params.sessionId, 'sessionId');
    await this.#deps.store.write(ACTIVATION_STORES, async (tx) => {
      const left = await this.#leaveSession(tx, sessionId);
      if (left) await appendAudit(tx, this.#deps.clock(), userId, 'activation.deactivate', left.cubeId, [left.id], { sessionId });
    });
  }

  async #leaveSession(tx: WriteTx<typeof ACTIVATION_STORES>, sessionId: string): Promise<ActivationItem | undefined> {
    const current = await tx.objectStore('activations').index('bySession').getAll(sessionId);
    for (const item of current) await tx.objectStore('activations').put({ ...item, sessions: item.sessions.filter((s) => s !== sessionId) });
    return current[0];
  }

  /** See MemoryApi.evictActivation. */
  async evict(params: { userId: string; activationId: string }): Promise<void> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const id = requireId(params.activationId, 'activationId');
    await this.#deps.store.write(ACTIVATION_STORES, async (tx) => {
      const item = await tx.objectStore('activations').get(id);
      if (!item) throw new MemosError('MEMORY_NOT_FOUND', 'No such activation.', { activationId: id });
      await cubeWithAccess(tx, item.cubeId, userId, 'write');
      await deleteActivation(tx, id);
      await appendAudit(tx, this.#deps.clock(), userId, 'activation.evict', item.cubeId, [id], { bytes: item.bytes });
    });
    this.#hot.drop(id);
  }

  /**
   * The KV cache to start a session's chat from, with its entry; or why it cannot be used.
   */
  async forSession(userId: string, sessionId: string, model: LanguageModel): Promise<{ item: ActivationItem; cache?: KvCache; refused?: string } | undefined> {
    const found = await this.#deps.store.read(['cubes', 'activations', 'blobs'], async (tx) => {
      const [item] = await tx.objectStore('activations').index('bySession').getAll(sessionId);
      if (!item) return undefined;
      const cube = await tx.objectStore('cubes').get(item.cubeId);
      if (!cube || accessOf(cube, userId) === 'none') return undefined;
      // A cube decoded before (an earlier turn, or warmed when activated) needs no chunks read.
      const hot = this.#hot.get(item.id);
      return { item, hot, blobs: hot ? [] : await tx.objectStore('blobs').index('byMemory').getAll(item.id) };
    });
    if (!found) return undefined;
    try {
      if (found.hot) {
        checkUsable(found.item, model);
        return { item: found.item, cache: found.hot };
      }
      return { item: found.item, cache: await this.#decodeAndKeep(found.item, found.blobs, model) };
    } catch (error) {
      if (error instanceof MemosError) return { item: found.item, refused: `${error.code}: ${error.message}` };
      throw error;
    }
  }

  /** The first `limit` of these memories that the user may read and that are live, in order. */
  async #readableLive(userId: string, ids: readonly string[], limit: number): Promise<MemoryItem[]> {
    const out: MemoryItem[] = [];
    for (const memoryId of ids) {
      if (out.length >= limit) break;
      const memory = await this.#deps.get({ userId, memoryId }).catch(() => undefined);
      if (memory && LIVE_STATES.includes(memory.state)) out.push(memory);
    }
    return out;
  }

  /**
   * Builds a KV cube from a session's recurring working memory (not activated: the user chooses). When
   * most of the recurring memories belong to one topic of the cube's tree, the cube is of that topic:
   * the recurring memories, then the topic's memories nearest its centre, up to eight — the session
   * keeps coming back to a subject, and its other memories are likely next.
   */
  async promote(userId: string, sessionId: string): Promise<string> {
    const model = await this.#deps.model();
    if (!model?.kv) return 'no model with a readable KV cache is loaded: skipped';
    const ids = this.#deps.promotable(userId, sessionId).slice(0, PROMOTE_MAX).map((e) => e.memoryId);
    const memories = await this.#readableLive(userId, ids, PROMOTE_MAX);
    if (memories.length === 0) return 'nothing to promote';
    const cubes = new Map<string, MemoryItem[]>();
    for (const m of memories) cubes.set(m.cubeId, [...(cubes.get(m.cubeId) ?? []), m]);
    const [cubeId, recurring] = [...cubes.entries()].sort((a, b) => b[1].length - a[1].length)[0] as [string, MemoryItem[]];
    const topic = this.#deps.topicOf(cubeId, recurring.map((m) => m.id));
    const held = new Set(recurring.map((m) => m.id));
    const more = topic ? await this.#readableLive(userId, topic.memoryIds.filter((id) => !held.has(id)), PROMOTE_MAX - recurring.length) : [];
    // (A topic is of one cube's tree: its memories are of that cube.)
    const chosen = [...recurring, ...more];
    const wanted = chosen.map((m) => m.id).sort().join(',');
    const existing = await this.list({ userId, cubeId }).catch(() => []);
    if (existing.some((a) => a.staleReason === null && [...a.sourceIds].sort().join(',') === wanted)) return 'an up-to-date cube of these memories exists';
    const item = await this.build({ userId, cubeId, memoryIds: chosen.map((m) => m.id), encoding: 'fp16' });
    const about = topic ? ` of the topic "${topic.label}" (${more.length} of its memories beside the recurring ones)` : '';
    return `built ${item.id} from ${chosen.length} memories${about} (${item.tokenIds.length} tokens)`;
  }

  /**
   * Keeps KV cubes within their storage budget and current: stale cubes are rebuilt when the loaded
   * model made them and their memories are all still live (sessions move to the new cube), else
   * dropped; then the least recently used cubes not active in any session are evicted until the total
   * fits the budget.
   */
  async maintain(): Promise<string> {
    const all = await this.#deps.store.read(['activations'], (tx) => tx.objectStore('activations').getAll());
    const model = await this.#deps.model();
    let rebuilt = 0;
    let dropped = 0;
    for (const item of all.filter((a) => a.staleReason !== null)) {
      const sources = await this.#deps.store.read(['memories'], (tx) => Promise.all(item.sourceIds.map((id) => tx.objectStore('memories').get(id))));
      const allLive = sources.every((m) => m && LIVE_STATES.includes(m.state));
      const sameModel = model?.info.kvModel?.weightsHash === item.model.weightsHash && model.info.kvModel.templateVersion === item.model.templateVersion;
      if (allLive && sameModel) {
        const fresh = await this.build({ userId: item.ownerId, cubeId: item.cubeId, memoryIds: item.sourceIds, encoding: item.encoding }).catch(() => undefined);
        if (fresh) {
          for (const sessionId of item.sessions) await this.activate({ userId: item.ownerId, activationId: fresh.id, sessionId }).catch(() => undefined);
          rebuilt++;
        }
      }
      await this.#drop(item.id);
      dropped++;
    }
    const live = (await this.#deps.store.read(['activations'], (tx) => tx.objectStore('activations').getAll())).sort((a, b) => (a.usage.lastAccessAt ?? a.updatedAt) - (b.usage.lastAccessAt ?? b.updatedAt));
    let total = live.reduce((n, a) => n + a.bytes, 0);
    let evicted = 0;
    for (const item of live) {
      if (total <= this.#deps.kvBudgetBytes) break;
      if (item.sessions.length > 0) continue;
      await this.#drop(item.id);
      total -= item.bytes;
      evicted++;
    }
    return `${rebuilt} rebuilt, ${dropped - rebuilt} stale dropped, ${evicted} evicted for the budget; ${total} bytes kept`;
  }

  async noteUse(id: string, loadMs: number): Promise<void> {
    const at = this.#deps.clock();
    await this.#deps.store.write(['activations'], async (tx) => {
      const item = await tx.objectStore('activations').get(id);
      if (!item) return;
      const hits = [...item.usage.hits, { at, by: 'chat' as const }].slice(-HIT_HISTORY_LIMIT);
      const timings = item.timings ? { ...item.timings, lastLoadMs: loadMs } : undefined;
      await tx.objectStore('activations').put({ ...item, usage: { accessCount: item.usage.accessCount + 1, lastAccessAt: at, hits }, ...(timings && { timings }) });
    });
  }

  async #drop(id: string): Promise<void> {
    await this.#deps.store.write(ACTIVATION_STORES, async (tx) => {
      const item = await tx.objectStore('activations').get(id);
      if (!item) return;
      await deleteActivation(tx, id);
      await appendAudit(tx, this.#deps.clock(), SCHEDULER_ACTOR, 'activation.evict', item.cubeId, [id], { bytes: item.bytes, stale: item.staleReason !== null });
    });
    this.#hot.drop(id);
  }
}
