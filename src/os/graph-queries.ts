/**
 * Reading the entity graph through the API: a cube's entities, a memory's related memories and a
 * cube's topic tree, with
 * the same access rules as search (a shared cube's private memories stay their owner's). Answers from
 * the graph and the index in memory: no IndexedDB reads beyond the access check.
 */
import type { CubeRecord } from '../core/cube';
import { MemosError } from '../core/errors';
import { LIVE_STATES } from '../core/lifecycle';
import { foldWord } from '../core/words';
import { ENTITY_TYPES, type EntityLink, type EntitiesParams, type EntityView, type RelatedParams, type RelatedResult, type RelationsParams, type RelationView, type TopicsParams, type TopicView } from '../protocol/graph-types';
import { entityKeyOf } from '../memory/graph/entity-extraction';
import type { Clock } from '../core/ids';
import type { TopicNode } from '../search/topic-tree';
import type { EntityGraph } from '../search/entity-graph';
import { scopeOf, type MemoryIndex } from '../search/memory-index';
import { intInRange, optionalListOf, optionalTime, requireId, requireObject } from './validate';

/** What graph queries need of MemOS. */
export interface GraphQueryDeps {
  readonly graph: EntityGraph | undefined;
  readonly index: MemoryIndex;
  /** The cubes a user may read among those named (see Directory.readableCubes). */
  readableCubes(userId: string, cubeIds: readonly string[]): Promise<CubeRecord[]>;
  /** A memory the user may read (access checked), by id. */
  readable(userId: string, memoryId: string): Promise<{ id: string; cubeId: string }>;
  /** A memory's links as stored (with the words that named each entity). */
  storedLinks(memoryId: string): Promise<readonly EntityLink[]>;
  /** A cube's topic tree (see TopicKeeper.tree). */
  topicTree(cubeId: string): TopicNode[];
  /** The title a model wrote for a topic, if one did. */
  topicTitle(cubeId: string, node: TopicNode): string | undefined;
  readonly clock: Clock;
}

/** See MemoryApi.entities and MemoryApi.related. */
export class GraphQueries {
  readonly #deps: GraphQueryDeps;

  constructor(deps: GraphQueryDeps) {
    this.#deps = deps;
  }

  /** See MemoryApi.entities. */
  async entities(params: EntitiesParams): Promise<EntityView[]> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const cubeId = requireId(params.cubeId, 'cubeId');
    const limit = intInRange(params.limit, 'limit', 1, 1000, 100);
    const types = optionalListOf(params.types, 'types', ENTITY_TYPES);
    const asOf = optionalTime(params.asOf, 'asOf');
    if (params.query !== undefined && (typeof params.query !== 'string' || params.query.length > 200)) {
      throw new MemosError('INVALID_INPUT', 'query must be a string of at most 200 characters.', { field: 'query' });
    }
    const needle = params.query === undefined ? '' : foldWord(params.query.trim());
    const [cube] = await this.#deps.readableCubes(userId, [cubeId]);
    const { graph, index } = this.#deps;
    if (!cube || !graph) return [];
    const allow = index.matcher([scopeOf(cube, userId)], asOf === undefined ? {} : { asOf, states: [...LIVE_STATES, 'archived'] });
    // Aliases cost a pass over the cube's people: asked for only where the name alone does not match,
    // and for the entities returned.
    const named = (entity: { key: string; name: string }) => !needle || foldWord(entity.name).includes(needle) || graph.aliasesOf(cubeId, entity.key).some((a) => a.includes(needle));
    const found: Omit<EntityView, 'aliases'>[] = [];
    for (const entity of graph.entities(cubeId)) {
      if ((types && !types.includes(entity.type)) || !named(entity)) continue;
      const ids = (graph.entity(cubeId, entity.key)?.memoryIds ?? []).filter(allow);
      if (ids.length === 0) continue;
      const times = ids.map((id) => index.timeOf(id) ?? 0);
      const newestFirst = ids.map((id, i) => ({ id, t: times[i]! })).sort((a, b) => b.t - a.t || (a.id < b.id ? -1 : 1));
      found.push({
        key: entity.key,
        name: entity.name,
        type: entity.type,
        memoryCount: ids.length,
        memoryIds: newestFirst.slice(0, 50).map((x) => x.id),
        firstSeenAt: Math.min(...times),
        lastSeenAt: Math.max(...times),
      });
    }
    return found
      .sort((a, b) => b.memoryCount - a.memoryCount || (a.key < b.key ? -1 : 1))
      .slice(0, limit)
      .map((entity) => ({ ...entity, aliases: graph.aliasesOf(cubeId, entity.key) }));
  }

  /** See MemoryApi.relations. */
  async relations(params: RelationsParams): Promise<RelationView[]> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const cubeId = requireId(params.cubeId, 'cubeId');
    const limit = intInRange(params.limit, 'limit', 1, 1000, 100);
    const asOf = optionalTime(params.asOf, 'asOf');
    if (params.includeEnded !== undefined && typeof params.includeEnded !== 'boolean') {
      throw new MemosError('INVALID_INPUT', 'includeEnded must be true or false.', { field: 'includeEnded' });
    }
    if (params.entity !== undefined && (typeof params.entity !== 'string' || params.entity.trim().length === 0 || params.entity.length > 200)) {
      throw new MemosError('INVALID_INPUT', 'entity must be a name of 1–200 characters.', { field: 'entity' });
    }
    const [cube] = await this.#deps.readableCubes(userId, [cubeId]);
    if (!cube) return [];
    const { graph, index } = this.#deps;
    const now = this.#deps.clock();
    const ended = params.includeEnded === true;
    // "True now" is "true as of now": a live memory not ended, or — with asOf — one valid then, a
    // superseded (archived) fact included for the time it held.
    const allow = index.matcher([scopeOf(cube, userId)], ended ? { states: [...LIVE_STATES, 'archived'] } : { asOf: asOf ?? now, states: [...LIVE_STATES] });
    // Ends are compared as the graph resolves them: a short name, an added alias or a merge lead to
    // the same entity as its full name.
    const keyOf = (name: string) => {
      const key = entityKeyOf(name);
      return graph?.resolve(cubeId, key) ?? key;
    };
    const wanted = params.entity === undefined ? undefined : keyOf(params.entity);
    const found: RelationView[] = [];
    for (const memory of index.records()) {
      const relation = memory.relation;
      if (!relation || memory.cubeId !== cubeId || !allow(memory.id)) continue;
      const subjectKey = keyOf(relation.subject);
      const objectKey = keyOf(relation.object);
      if (wanted !== undefined && subjectKey !== wanted && objectKey !== wanted) continue;
      const validTo = memory.validTo ?? null;
      found.push({
        memoryId: memory.id,
        ...relation,
        subjectKey,
        objectKey,
        validFrom: memory.validFrom ?? index.timeOf(memory.id) ?? memory.createdAt,
        validTo,
        supersededBy: memory.supersededBy ?? null,
        current: LIVE_STATES.includes(memory.state) && (validTo === null || validTo > now),
      });
    }
    return found.sort((a, b) => b.validFrom - a.validFrom || (a.memoryId < b.memoryId ? -1 : 1)).slice(0, limit);
  }

  /** See MemoryApi.topics. */
  async topics(params: TopicsParams): Promise<TopicView[]> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const cubeId = requireId(params.cubeId, 'cubeId');
    const [cube] = await this.#deps.readableCubes(userId, [cubeId]);
    if (!cube) return [];
    const { graph, index } = this.#deps;
    const allow = index.matcher([scopeOf(cube, userId)], {});
    // A reader the cube is shared with sees a topic by the entities of memories they may read: a label
    // or an entity that only another person's private memories name would tell them what those say.
    const restricted = cube.ownerId !== userId;
    const view = (node: TopicNode): TopicView | undefined => {
      const ids = node.memoryIds.filter(allow);
      if (ids.length === 0) return undefined;
      const children = node.children.map(view).filter((c): c is TopicView => c !== undefined);
      const keys = restricted ? node.keys.filter((key) => graph?.entity(cubeId, key)?.memoryIds.some(allow) ?? false) : node.keys;
      const entities = keys.map((key) => graph?.entity(cubeId, key)?.name ?? key);
      const label = restricted ? entities.slice(0, 2).join(' · ') || 'other' : node.label;
      const title = this.#deps.topicTitle(cubeId, node);
      return { topicId: node.topicId, label, ...(title !== undefined && { title }), entities, memoryCount: ids.length, memoryIds: ids.slice(0, 20), children: children.length > 1 ? children : [] };
    };
    return this.#deps
      .topicTree(cubeId)
      .map(view)
      .filter((t): t is TopicView => t !== undefined)
      .sort((a, b) => b.memoryCount - a.memoryCount || (a.topicId < b.topicId ? -1 : 1));
  }

  /** See MemoryApi.related. */
  async related(params: RelatedParams): Promise<RelatedResult> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const memoryId = requireId(params.memoryId, 'memoryId');
    const limit = intInRange(params.limit, 'limit', 1, 100, 10);
    const memory = await this.#deps.readable(userId, memoryId);
    const { graph, index } = this.#deps;
    if (!graph) return { memoryId, entities: [], related: [] };
    const [cube] = await this.#deps.readableCubes(userId, [memory.cubeId]);
    const allow = cube ? index.matcher([scopeOf(cube, userId)], {}) : () => false;
    const reached = graph.walk({ cubeIds: [memory.cubeId], queryKeys: [], seeds: [{ id: memoryId, weight: 1 }], allow, hopWeight: 1, limit });
    return {
      memoryId,
      entities: await this.#deps.storedLinks(memoryId),
      related: reached.map((hit) => ({ memoryId: hit.id, text: index.record(hit.id)?.text ?? '', via: hit.via, score: hit.score })),
    };
  }
}
