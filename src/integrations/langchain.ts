/**
 * memos-web in LangChain.js (`memos-web/langchain`): a retriever whose documents are a user's
 * memories, and a LangGraph long-term memory store (BaseStore) kept in memos-web's cubes, so a graph's
 * memories are versioned, access-checked, audited and searchable by meaning like any other.
 * `@langchain/core` and `@langchain/langgraph` are optional peer dependencies.
 *
 * Store layout: each namespace (e.g. ["memories", "ana"]) is one cube owned by the store's user, named
 * "langgraph:" + the namespace as JSON; each key is one memory whose `metadata` holds the key and the
 * value, whose text is what search reads (the value's indexed fields), and whose history keeps every put.
 * A put of `null` deletes (archives: restorable, still in history).
 */
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import { Document } from '@langchain/core/documents';
import type { CallbackManagerForRetrieverRun } from '@langchain/core/callbacks/manager';
import {
  BaseStore,
  type GetOperation,
  type Item,
  type ListNamespacesOperation,
  type Operation,
  type OperationResults,
  type PutOperation,
  type SearchItem,
  type SearchOperation,
} from '@langchain/langgraph-checkpoint';
import { MemosError } from '../core/errors';
import { LIVE_STATES } from '../core/lifecycle';
import type { MemoryItem } from '../core/memory-item';
import type { MetadataValue } from '../core/limits';
import type { MemoryApi } from '../protocol/memory-api';
import type { SearchHit } from '../protocol/search-types';

/** Options of {@link MemosRetriever}. */
export interface MemosRetrieverInput extends BaseRetrieverInput {
  readonly memos: Pick<MemoryApi, 'search'>;
  readonly userId: string;
  /** The cubes to search (default: every cube the user can read). */
  readonly cubeIds?: readonly string[];
  /** How many memories per query (default 5). */
  readonly topK?: number;
}

/** The memory behind a document, in its metadata. */
function documentOf(hit: SearchHit): Document {
  const m = hit.memory;
  return new Document({
    pageContent: m.text,
    id: m.id,
    metadata: {
      id: m.id,
      score: hit.score,
      cubeId: m.cubeId,
      ownerId: m.ownerId,
      createdAt: m.createdAt,
      updatedAt: m.updatedAt,
      version: m.version,
      semanticType: m.semanticType,
      memoryType: m.memoryType,
      tags: [...m.tags],
      source: m.source,
      sourceRefs: m.sourceRefs.map((r) => ({ ...r })),
      ...(m.metadata && { metadata: m.metadata }),
    },
  });
}

/** A LangChain retriever over a user's memories (hybrid search: words and meaning). */
export class MemosRetriever extends BaseRetriever {
  override lc_namespace = ['memos-web', 'retrievers'];
  readonly #input: MemosRetrieverInput;

  constructor(input: MemosRetrieverInput) {
    super(input);
    this.#input = input;
  }

  override async _getRelevantDocuments(query: string, _run?: CallbackManagerForRetrieverRun): Promise<Document[]> {
    const { memos, userId, cubeIds, topK } = this.#input;
    const hits = await memos.search({ userId, query, topK: topK ?? 5, trackUsage: true, ...(cubeIds && { cubeIds: [...cubeIds] }) });
    return hits.map(documentOf);
  }
}

/** Options of {@link MemosStore}. */
export interface MemosStoreOptions {
  readonly memos: Pick<MemoryApi, 'search' | 'add' | 'update' | 'delete' | 'getAll' | 'listCubes' | 'createCube'>;
  /** Who owns the store's cubes; every operation is checked against this user's access. */
  readonly userId: string;
  /** Value fields search reads by default, as paths ("content", "facts[*]"); default: the whole value. */
  readonly index?: readonly string[];
}

const CUBE_PREFIX = 'langgraph:';
const KEY = 'langgraphKey';
const VALUE = 'langgraphValue';

/** The text search reads for a value: the named fields' strings, or every string in it. */
function textOf(value: Record<string, unknown>, fields: readonly string[] | undefined): string {
  const strings: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === 'string') strings.push(v);
    else if (typeof v === 'number' || typeof v === 'boolean') strings.push(String(v));
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') Object.values(v).forEach(collect);
  };
  if (!fields || fields.includes('$')) collect(value);
  else for (const field of fields) collect(pathValue(value, field));
  const text = strings.join('\n').trim();
  return text || JSON.stringify(value);
}

/** The value at a dotted path; "[*]" takes every element. */
function pathValue(value: unknown, path: string): unknown {
  let current: unknown[] = [value];
  for (const part of path.split('.')) {
    const many = part.endsWith('[*]');
    const name = many ? part.slice(0, -3) : part;
    current = current.flatMap((v) => {
      const next = v && typeof v === 'object' ? (v as Record<string, unknown>)[name] : undefined;
      return many && Array.isArray(next) ? next : [next];
    });
  }
  return current;
}

/** A LangGraph long-term memory store kept in memos-web cubes (see the module comment for the layout). */
export class MemosStore extends BaseStore {
  readonly #options: MemosStoreOptions;
  /** namespace JSON → cube id, for the cubes known so far. */
  readonly #cubes = new Map<string, string>();

  constructor(options: MemosStoreOptions) {
    super();
    this.#options = options;
  }

  async batch<Op extends Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    const results: unknown[] = [];
    for (const op of operations) {
      if ('key' in op && 'value' in op) results.push(await this.#put(op));
      else if ('key' in op) results.push(await this.#get(op));
      else if ('namespacePrefix' in op) results.push(await this.#search(op));
      else results.push(await this.#listNamespaces(op));
    }
    return results as OperationResults<Op>;
  }

  async #knownCubes(): Promise<Map<string, string>> {
    const views = await this.#options.memos.listCubes({ userId: this.#options.userId });
    for (const v of views) if (v.access === 'owner' && v.cube.name.startsWith(CUBE_PREFIX)) this.#cubes.set(v.cube.name.slice(CUBE_PREFIX.length), v.cube.cubeId);
    return this.#cubes;
  }

  async #cubeOf(namespace: readonly string[], create: boolean): Promise<string | undefined> {
    const name = JSON.stringify(namespace);
    const known = this.#cubes.get(name) ?? (await this.#knownCubes()).get(name);
    if (known || !create) return known;
    const cube = await this.#options.memos.createCube({ userId: this.#options.userId, name: CUBE_PREFIX + name });
    this.#cubes.set(name, cube.cubeId);
    return cube.cubeId;
  }

  async #find(cubeId: string, key: string): Promise<MemoryItem | undefined> {
    const hits = await this.#options.memos.search({ userId: this.#options.userId, query: '', cubeIds: [cubeId], topK: 1, trackUsage: false, filters: { metadata: { [KEY]: key }, states: [...LIVE_STATES] } });
    return hits[0]?.memory;
  }

  #item(namespace: string[], memory: MemoryItem): Item {
    const value = (memory.metadata?.[VALUE] ?? {}) as Record<string, unknown>;
    return { namespace, key: String(memory.metadata?.[KEY] ?? memory.id), value, createdAt: new Date(memory.createdAt), updatedAt: new Date(memory.updatedAt) };
  }

  async #put(op: PutOperation): Promise<void> {
    if (op.namespace.length === 0) throw new MemosError('INVALID_INPUT', 'A namespace needs at least one part.', { field: 'namespace' });
    const { memos, userId } = this.#options;
    const cubeId = await this.#cubeOf(op.namespace, op.value !== null);
    const existing = cubeId ? await this.#find(cubeId, op.key) : undefined;
    if (op.value === null) {
      if (existing) await memos.delete({ userId, memoryId: existing.id, reason: 'deleted by the LangGraph store' });
      return;
    }
    const text = op.index === false ? JSON.stringify(op.value) : textOf(op.value, op.index ?? this.#options.index);
    const metadata: Record<string, MetadataValue> = { [KEY]: op.key, [VALUE]: op.value as MetadataValue };
    if (existing) await memos.update({ userId, memoryId: existing.id, patch: { text, metadata }, reason: 'put by the LangGraph store' });
    else await memos.add({ userId, cubeId: cubeId!, memory: { text, key: op.key, metadata } });
  }

  async #get(op: GetOperation): Promise<Item | null> {
    const cubeId = await this.#cubeOf(op.namespace, false);
    const memory = cubeId ? await this.#find(cubeId, op.key) : undefined;
    return memory ? this.#item([...op.namespace], memory) : null;
  }

  async #search(op: SearchOperation): Promise<SearchItem[]> {
    const prefix = JSON.stringify(op.namespacePrefix).slice(0, -1);
    const cubes = [...(await this.#knownCubes())].filter(([name]) => op.namespacePrefix.length === 0 || name === `${prefix}]` || name.startsWith(`${prefix},`));
    if (cubes.length === 0) return [];
    const names = new Map(cubes.map(([name, id]) => [id, JSON.parse(name) as string[]]));
    const limit = op.limit ?? 10;
    const offset = op.offset ?? 0;
    const matches = (memory: MemoryItem): boolean => {
      const value = (memory.metadata?.[VALUE] ?? {}) as Record<string, unknown>;
      return Object.entries(op.filter ?? {}).every(([k, v]) => JSON.stringify(value[k]) === JSON.stringify(v));
    };
    const hits = await this.#options.memos.search({
      userId: this.#options.userId,
      query: op.query ?? '',
      cubeIds: [...names.keys()],
      topK: Math.min(1000, offset + limit + (op.filter ? 200 : 0)),
      trackUsage: false,
      filters: { states: [...LIVE_STATES] },
    });
    const found = hits.filter((h) => h.memory.metadata?.[KEY] !== undefined && matches(h.memory));
    // Without a query, newest first, as LangGraph's own stores list them.
    if (!op.query) found.sort((a, b) => b.memory.updatedAt - a.memory.updatedAt);
    return found.slice(offset, offset + limit).map((h) => ({ ...this.#item(names.get(h.memory.cubeId)!, h.memory), ...(op.query && { score: h.score }) }));
  }

  async #listNamespaces(op: ListNamespacesOperation): Promise<string[][]> {
    const matches = (ns: string[], c: NonNullable<ListNamespacesOperation['matchConditions']>[number]): boolean => {
      if (c.path.length > ns.length) return false;
      const part = c.matchType === 'prefix' ? ns.slice(0, c.path.length) : ns.slice(ns.length - c.path.length);
      return c.path.every((p, i) => p === '*' || p === part[i]);
    };
    const all = [...(await this.#knownCubes()).keys()].map((name) => JSON.parse(name) as string[]);
    const kept = all.filter((ns) => (op.matchConditions ?? []).every((c) => matches(ns, c))).map((ns) => (op.maxDepth !== undefined ? ns.slice(0, op.maxDepth) : ns));
    const unique = [...new Map(kept.map((ns) => [JSON.stringify(ns), ns])).values()].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    return unique.slice(op.offset, op.offset + op.limit);
  }
}
