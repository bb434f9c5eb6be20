/**
 * Recall as a service of MemOS: hybrid search over the cubes a user may read (full text, vectors,
 * preferences), fused with the ranking signals, and usage counting of what was recalled. The index
 * answers without reading IndexedDB (decision 0020).
 */
import type { CubeRecord } from '../core/cube';
import { MemosError } from '../core/errors';
import { LIMITS } from '../core/limits';
import type { Clock } from '../core/ids';
import type { MemoryHit, MemoryItem } from '../core/memory-item';
import { embeddingText, type VectorMemory } from '../memory/vector-memory';
import type { CallOptions } from '../protocol/memory-types';
import type { RankingOptions, SearchFilters, SearchHit, SearchParams } from '../protocol/search-types';
import { scopeOf, type CubeScope, type MemoryIndex } from '../search/memory-index';
import { matchedTerms, planQuery } from '../search/query-plan';
import { queryKeys, type EntityGraph } from '../search/entity-graph';
import { fuse, type FusionInput } from '../search/ranking';
import type { Store } from '../storage/store';
import type { UsageCounter } from './usage-counter';
import { checkAborted, checkFilters, intInRange, oneOf, requireId, requireObject } from './validate';


/** What recall needs of MemOS. */
export interface RecallDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly index: MemoryIndex;
  readonly ranking: RankingOptions;
  /** Where uses are counted (written in batches). */
  readonly usage: UsageCounter;
  /** The vectors search uses now (the previous model's while the current one catches up), if any. */
  serving(): VectorMemory | undefined;
  /** The cubes a search reads (see Directory.readableCubes). */
  readableCubes(userId: string, cubeIds: readonly string[] | undefined): Promise<CubeRecord[]>;
  /** The entity graph, when MemOS keeps one. */
  readonly graph?: EntityGraph;
}

/** Search and usage counting (see MemoryApi.search). */
export class Recall {
  readonly #deps: RecallDeps;

  constructor(deps: RecallDeps) {
    this.#deps = deps;
  }

  /** See MemoryApi.search. */
  async search(params: SearchParams, options: CallOptions = {}): Promise<SearchHit[]> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    if (typeof params.query !== 'string' || params.query.length > LIMITS.textLength) {
      throw new MemosError('INVALID_INPUT', `query must be a string of at most ${LIMITS.textLength} characters.`, { field: 'query' });
    }
    const topK = intInRange(params.topK, 'topK', 1, 1000, 10);
    const mode = oneOf(params.mode, 'mode', ['hybrid', 'text', 'vector'] as const, 'hybrid');
    const vectors = mode === 'text' ? undefined : this.#deps.serving();
    const timeInQuery = oneOf(params.timeInQuery, 'timeInQuery', ['boost', 'filter', 'ignore'] as const, 'boost');
    const now = this.#deps.clock();
    const index = this.#deps.index;
    const plan = planQuery({
      query: params.query,
      mode,
      timeInQuery,
      filters: checkFilters(params.filters),
      topK,
      candidatesPerHit: this.#deps.ranking.candidatesPerHit,
      now,
      isSpeaker: (name) => index.isSpeaker(name),
    });
    const { filters, named, namedTime } = plan;
    const cubes = await this.#deps.readableCubes(userId, params.cubeIds);
    checkAborted(options.signal);
    // Each cube's words are read in its language (a policy changed in any tab re-indexes that cube here).
    index.useCubeLanguages(cubes);
    const scopes: CubeScope[] = cubes.map((cube) => scopeOf(cube, userId));
    const text = plan.skipText ? [] : index.search(plan.textQuery, scopes, filters, plan.pool);
    const allowed = index.matcher(scopes, filters);
    // An embedder that knows only some languages is not asked when every cube searched is in another.
    const knows = vectors?.embedder.languages;
    const readable = !knows || cubes.some((cube) => knows.includes(cube.policy?.language ?? 'english'));
    const queryVector = readable ? await vectors?.embedQuery(params.query, options.signal) : undefined;
    const vector = vectors ? vectors.search(queryVector, plan.pool, allowed) : [];
    // An advice-seeking query consults the user's stated preferences even when no word is shared:
    // they are ranked among themselves by meaning (or by words, without vectors) and fused as a side.
    let preferences: { id: string; score: number }[] = [];
    if (plan.advice && (!filters.semanticTypes || filters.semanticTypes.includes('preference'))) {
      const preferenceFilters: SearchFilters = { ...filters, semanticTypes: ['preference'] };
      preferences = vectors ? vectors.search(queryVector, 10, index.matcher(scopes, preferenceFilters)) : index.search(plan.textQuery, scopes, preferenceFilters, 10);
    }
    const input: FusionInput = {
      text,
      vector,
      preferences,
      timeOf: (id) => index.timeOf(id) ?? 0,
      now,
      ...(vectors && { vectorOf: (id: string) => vectors.vectorOf(id) }),
      ...(named.size > 0 && { saidByNamed: (id: string) => index.speakersOf(id).some((s) => named.has(s)) }),
      // Advice rests on a stated preference, usually one line; lifting whole sessions would favour
      // long conversations on the topic over it (PrefEval top-5 fell from 0.97 to 0.69 when tried).
      ...(!plan.advice && { sessionOf: (id: string) => index.sessionOf(id), neighboursOf: (id: string) => index.neighboursOf(id).filter(allowed) }),
      ...(namedTime && {
        inNamedTime: (id: string) => {
          const t = index.timeOf(id) ?? -1;
          return t >= namedTime.from && t < namedTime.to;
        },
      }),
      limit: plan.limit,
    };
    const ranking = this.#deps.ranking;
    // The graph: memories that name the query's entities and, when hops have weight, those that share
    // a specific entity with the best hits of a first ranking — fused as one more side (not for advice:
    // see sessions above). Without hops one ranking does.
    const graph = this.#deps.graph;
    const useGraph = graph && graph.size > 0 && (ranking.graphWeight ?? 0) > 0 && !plan.advice && !plan.skipText && params.query.trim() !== '';
    const hops = ranking.graphHopWeight ?? 0;
    const first = useGraph && hops > 0 ? fuse(input, ranking) : [];
    const reached = useGraph
      ? graph.walk({
          cubeIds: cubes.map((c) => c.cubeId),
          queryKeys: queryKeys(params.query),
          seeds: first.slice(0, ranking.graphSeeds ?? 5).map((hit) => ({ id: hit.id, weight: hit.score / first[0]!.score })),
          allow: allowed,
          hopWeight: hops,
          limit: plan.pool,
        })
      : [];
    const ranked = reached.length > 0 || first.length === 0 ? fuse({ ...input, ...(reached.length > 0 && { graph: reached }) }, ranking) : first;
    // Every ranked id is indexed, and the index holds its record as last written: no read here.
    const hits: SearchHit[] = [];
    for (const hit of ranked) {
      const memory = index.record(hit.id);
      if (!memory || hits.length >= topK) continue;
      if (memory.expiresAt !== null && memory.expiresAt <= now && !filters.states?.includes('expired')) continue;
      hits.push({ memory, score: hit.score, parts: hit.parts, matchedTerms: matchedTerms(plan, embeddingText(memory)) });
    }
    if (params.trackUsage === true && hits.length > 0) return this.#trackUsage(hits);
    // Copies (the caller may change what it gets without touching the index's records), with the
    // uses not yet written counted in.
    return hits.map((hit) => ({ ...hit, memory: this.#deps.usage.view(structuredClone(hit.memory)) }));
  }

  /**
   * Counts one use of each memory (a search hit asked to count, a memory put into a prompt, a memory a
   * person opened) and returns those the index holds as they now are; the counts reach IndexedDB in
   * batches (see UsageCounter). Usage counters may be lost in a crash (relaxed).
   */
  countUses(ids: readonly string[], by: MemoryHit['by']): MemoryItem[] {
    return this.#deps.usage.count(ids, { at: this.#deps.clock(), by });
  }

  #trackUsage(hits: SearchHit[]): SearchHit[] {
    const byId = new Map(this.countUses(hits.map((hit) => hit.memory.id), 'search').map((m) => [m.id, m]));
    return hits.map((hit) => ({ ...hit, memory: byId.get(hit.memory.id) ?? this.#deps.usage.view(structuredClone(hit.memory)) }));
  }
}
