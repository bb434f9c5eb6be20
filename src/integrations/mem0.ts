/**
 * A mem0-shaped facade (`memos-web/mem0`): `Memory` with the verbs and result shapes of mem0's
 * TypeScript OSS package (add, search, get, getAll, update, delete, deleteAll, history, reset), over
 * any MemoryApi, so code written for mem0 moves with a changed import and a constructor argument.
 * Where the two differ (no LLM fact extraction by default, soft delete, reset scope, id-based calls
 * acting as one user) is listed in the README's table.
 *
 * Layout: each mem0 user is a memos-web user with one cube (named "mem0" unless `cubeName` says
 * otherwise); agentId and runId are kept in the memory's metadata (and runId as its session), so they
 * filter as mem0's do.
 */
import { MemosError, isMemosError } from '../core/errors';
import type { MetadataValue } from '../core/limits';
import { LIVE_STATES } from '../core/lifecycle';
import type { MemoryItem as MemosMemory, MemoryVersion } from '../core/memory-item';
import type { MemoryApi } from '../protocol/memory-api';

/** One memory, as mem0 returns it. */
export interface Mem0Item {
  id: string;
  memory: string;
  hash?: string;
  createdAt?: string;
  updatedAt?: string;
  score?: number;
  metadata?: Record<string, unknown>;
}

/** mem0's result envelope. */
export interface Mem0Result {
  results: Mem0Item[];
}

/** A message as mem0 takes it. */
export interface Mem0Message {
  role: string;
  content: string;
}

/** Who a memory belongs to, as mem0 names it. */
export interface Mem0Entity {
  userId?: string;
  agentId?: string;
  runId?: string;
}

/** mem0's filters (snake_case ids, plus metadata keys). */
export type Mem0Filters = { user_id?: string; agent_id?: string; run_id?: string } & Record<string, unknown>;

/** One entry of a memory's history, in mem0's shape. */
export interface Mem0HistoryEntry {
  id: string;
  memory_id: string;
  previous_value: string | null;
  new_value: string | null;
  action: 'ADD' | 'UPDATE' | 'DELETE';
  created_at: string;
  updated_at: string | null;
  is_deleted: number;
}

/** Options of the facade. */
export interface Mem0FacadeOptions {
  readonly memos: Pick<MemoryApi, 'createUser' | 'listCubes' | 'createCube' | 'deleteCube' | 'add' | 'search' | 'get' | 'getAll' | 'update' | 'delete' | 'history'>;
  /** The user id-based calls (get, update, delete, history) act as, and add/search use when given none. */
  readonly userId?: string;
  /** The name of each user's cube (default "mem0"). */
  readonly cubeName?: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const ENTITY_KEYS = { agentId: 'agent_id', runId: 'run_id' } as const;

function itemOf(m: MemosMemory, score?: number): Mem0Item {
  const { agentId, runId, ...rest } = (m.metadata ?? {}) as Record<string, unknown>;
  return {
    id: m.id,
    memory: m.text,
    createdAt: iso(m.createdAt),
    updatedAt: iso(m.updatedAt),
    ...(score !== undefined && { score }),
    metadata: { ...rest, ...(agentId !== undefined && { agent_id: agentId }), ...(runId !== undefined && { run_id: runId }) },
  };
}

/** mem0's `Memory`, kept in memos-web. */
export class Memory {
  readonly #options: Mem0FacadeOptions;
  readonly #cubes = new Map<string, string>();

  constructor(options: Mem0FacadeOptions) {
    this.#options = options;
  }

  #user(given: string | undefined): string {
    const userId = given ?? this.#options.userId;
    if (!userId) throw new MemosError('INVALID_INPUT', 'Give a userId (in the call, its filters, or the facade).', { field: 'userId' });
    return userId;
  }

  async #cube(userId: string, create: boolean): Promise<string | undefined> {
    const known = this.#cubes.get(userId);
    if (known) return known;
    const name = this.#options.cubeName ?? 'mem0';
    let views: Awaited<ReturnType<MemoryApi['listCubes']>> = [];
    try {
      views = await this.#options.memos.listCubes({ userId });
    } catch (error) {
      if (!(isMemosError(error) && error.code === 'USER_NOT_FOUND')) throw error;
      if (!create) return undefined;
      await this.#options.memos.createUser({ userId, name: userId });
    }
    let cubeId = views.find((v) => v.access === 'owner' && v.cube.name === name)?.cube.cubeId;
    if (!cubeId && create) cubeId = (await this.#options.memos.createCube({ userId, name })).cubeId;
    if (cubeId) this.#cubes.set(userId, cubeId);
    return cubeId;
  }

  /**
   * Adds memories: a string is one memory, messages become memories of the run (windows of turns, as
   * memos-web's fast reader makes them; `infer: false` keeps each message as its own memory).
   */
  async add(messages: string | Mem0Message[], config: Mem0Entity & { metadata?: Record<string, unknown>; infer?: boolean } = {}): Promise<Mem0Result> {
    const userId = this.#user(config.userId);
    const cubeId = (await this.#cube(userId, true))!;
    const metadata: Record<string, MetadataValue> = { ...(config.metadata as Record<string, MetadataValue> | undefined) };
    if (config.agentId) metadata['agentId'] = config.agentId;
    if (config.runId) metadata['runId'] = config.runId;
    const withMeta = Object.keys(metadata).length > 0 ? { metadata } : {};
    let stored: MemosMemory[];
    if (typeof messages === 'string') stored = await this.#options.memos.add({ userId, cubeId, memory: { text: messages, ...withMeta } });
    else if (config.infer === false) stored = await this.#options.memos.add({ userId, cubeId, memories: messages.map((m) => ({ text: m.content, ...withMeta })) });
    else {
      const turns = messages.map((m) => ({ role: m.role === 'assistant' ? ('assistant' as const) : ('user' as const), content: m.content }));
      stored = await this.#options.memos.add({ userId, cubeId, sessionId: config.runId ?? 'mem0', messages: turns });
      // The fast reader's windows carry no metadata of their own: give them the caller's.
      if (Object.keys(metadata).length > 0) {
        stored = await Promise.all(stored.map((m) => this.#options.memos.update({ userId, memoryId: m.id, patch: { metadata }, reason: 'mem0 metadata' })));
      }
    }
    return { results: stored.map((m) => ({ ...itemOf(m), metadata: { ...itemOf(m).metadata, event: 'ADD' } })) };
  }

  /** Searches one user's memories (hybrid: words and meaning); `filters` narrow by agent, run and metadata. */
  async search(query: string, config: { topK?: number; limit?: number; filters?: Mem0Filters; threshold?: number; userId?: string } = {}): Promise<Mem0Result> {
    const userId = this.#user(config.filters?.user_id ?? config.userId);
    const cubeId = await this.#cube(userId, false);
    if (!cubeId) return { results: [] };
    const hits = await this.#options.memos.search({ userId, query, cubeIds: [cubeId], topK: config.topK ?? config.limit ?? 100, trackUsage: true, filters: { states: [...LIVE_STATES], ...this.#metadataFilter(config.filters) } });
    return { results: hits.filter((h) => config.threshold === undefined || h.score >= config.threshold).map((h) => itemOf(h.memory, h.score)) };
  }

  /** Every live memory of a user, newest first, narrowed by `filters`. */
  async getAll(config: { topK?: number; limit?: number; filters?: Mem0Filters; userId?: string } = {}): Promise<Mem0Result> {
    const userId = this.#user(config.filters?.user_id ?? config.userId);
    const cubeId = await this.#cube(userId, false);
    if (!cubeId) return { results: [] };
    const hits = await this.#options.memos.search({ userId, query: '', cubeIds: [cubeId], topK: Math.min(config.topK ?? config.limit ?? 100, 1000), trackUsage: false, filters: { states: [...LIVE_STATES], ...this.#metadataFilter(config.filters) } });
    return { results: hits.map((h) => h.memory).sort((a, b) => b.createdAt - a.createdAt).map((m) => itemOf(m)) };
  }

  #metadataFilter(filters: Mem0Filters | undefined): { metadata?: Record<string, string | number | boolean | null> } {
    if (!filters) return {};
    const metadata: Record<string, string | number | boolean | null> = {};
    for (const [key, value] of Object.entries(filters)) {
      if (key === 'user_id' || value === undefined) continue;
      const name = key === ENTITY_KEYS.agentId ? 'agentId' : key === ENTITY_KEYS.runId ? 'runId' : key;
      if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) metadata[name] = value as string | number | boolean | null;
      else throw new MemosError('INVALID_INPUT', `Filter ${key} must be a string, number, boolean or null (mem0's operators are not supported).`, { field: `filters.${key}` });
    }
    return Object.keys(metadata).length > 0 ? { metadata } : {};
  }

  /** One memory by id (as the facade's user), or null when it is missing or deleted. */
  async get(memoryId: string): Promise<Mem0Item | null> {
    try {
      const m = await this.#options.memos.get({ userId: this.#user(undefined), memoryId });
      return LIVE_STATES.includes(m.state) ? itemOf(m) : null;
    } catch (error) {
      if (isMemosError(error) && error.code === 'MEMORY_NOT_FOUND') return null;
      throw error;
    }
  }

  /** Replaces a memory's text (a new version; the old one stays in its history). */
  async update(memoryId: string, data: string | { text?: string; data?: string; metadata?: Record<string, unknown> }): Promise<{ message: string }> {
    const text = typeof data === 'string' ? data : (data.text ?? data.data);
    const metadata = typeof data === 'string' ? undefined : (data.metadata as Record<string, MetadataValue> | undefined);
    await this.#options.memos.update({ userId: this.#user(undefined), memoryId, patch: { ...(text !== undefined && { text }), ...(metadata && { metadata }) }, reason: 'mem0 update' });
    return { message: 'Memory updated successfully!' };
  }

  /** Deletes a memory: archived in memos-web (restorable, its history kept), gone from mem0's calls. */
  async delete(memoryId: string): Promise<{ message: string }> {
    await this.#options.memos.delete({ userId: this.#user(undefined), memoryId, reason: 'mem0 delete' });
    return { message: 'Memory deleted successfully!' };
  }

  /** Deletes every live memory of a user (of one agent or run, when given). */
  async deleteAll(config: Mem0Entity = {}): Promise<{ message: string }> {
    const userId = this.#user(config.userId);
    const filters: Mem0Filters = { user_id: userId, ...(config.agentId && { agent_id: config.agentId }), ...(config.runId && { run_id: config.runId }) };
    for (;;) {
      const { results } = await this.getAll({ filters, topK: 1000 });
      if (results.length === 0) break;
      for (const item of results) await this.#options.memos.delete({ userId, memoryId: item.id, reason: 'mem0 deleteAll' });
    }
    return { message: 'Memories deleted successfully!' };
  }

  /** A memory's changes, oldest first, in mem0's shape. */
  async history(memoryId: string): Promise<Mem0HistoryEntry[]> {
    const versions = await this.#options.memos.history({ userId: this.#user(undefined), memoryId });
    return versions.map((v: MemoryVersion, i) => {
      const previous = i > 0 ? versions[i - 1]!.snapshot.text : null;
      const deleted = v.action === 'archive' || v.action === 'expire';
      return {
        id: `${v.memoryId}:${v.version}`,
        memory_id: v.memoryId,
        previous_value: previous,
        new_value: deleted ? null : v.snapshot.text,
        action: v.version === 1 ? 'ADD' : deleted ? 'DELETE' : 'UPDATE',
        created_at: iso(v.at),
        updated_at: v.version === 1 ? null : iso(v.at),
        is_deleted: deleted ? 1 : 0,
      };
    });
  }

  /** Deletes the facade's cube of every user it has used (not the rest of the store). */
  async reset(): Promise<void> {
    for (const [userId, cubeId] of this.#cubes) await this.#options.memos.deleteCube({ userId, cubeId });
    this.#cubes.clear();
  }
}
