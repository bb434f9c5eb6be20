/**
 * Working memory of chat sessions as a service of MemOS: what each session recalled lately, the
 * entries that keep coming back, and the request to turn those into a KV cube at idle time.
 */
import type { MemoryItem } from '../core/memory-item';
import type { LanguageModel } from '../protocol/language-model';
import type { WorkingEntry, WorkingMemoryPolicy } from '../protocol/memory-types';
import type { SearchHit } from '../protocol/search-types';
import { WorkingMemory } from '../scheduler/working-memory';
import { requireId, requireObject, requireReference } from './validate';

/** What session memory needs of MemOS. */
export interface SessionMemoryDeps {
  readonly policy: Partial<WorkingMemoryPolicy> | undefined;
  get(params: { userId: string; memoryId: string }): Promise<MemoryItem>;
  /** Queues the promotion of a session's recurring memories into a KV cube. */
  queuePromotion(userId: string, sessionId: string, key: string): void;
}

/** The key of a user's chat session. */
function sessionKey(userId: string, sessionId: string): string {
  return `${userId}\u0000${sessionId}`;
}

/** Working memory per chat session (see MemoryApi.workingMemory). */
export class SessionMemory {
  readonly #deps: SessionMemoryDeps;
  readonly #working: WorkingMemory;

  constructor(deps: SessionMemoryDeps) {
    this.#deps = deps;
    this.#working = new WorkingMemory(deps.policy);
  }

  /** A session's working memory with each memory as the user may read it now. See MemoryApi.workingMemory. */
  async entries(params: { userId: string; sessionId: string }): Promise<(WorkingEntry & { memory: MemoryItem })[]> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const sessionId = requireReference(params.sessionId, 'sessionId');
    const entries = this.#working.get(sessionKey(userId, sessionId));
    const out: (WorkingEntry & { memory: MemoryItem })[] = [];
    for (const entry of entries) {
      const memory = await this.#deps.get({ userId, memoryId: entry.memoryId }).catch(() => undefined);
      if (memory) out.push({ ...entry, memory });
    }
    return out;
  }

  /** Notes what a chat turn recalled; memories that keep coming back become a KV cube at idle time (KV engines only). */
  noteRecall(userId: string, sessionId: string, query: string, hits: readonly SearchHit[], model: LanguageModel): void {
    const key = sessionKey(userId, sessionId);
    this.#working.update(key, query, hits.map((h) => ({ id: h.memory.id, text: h.memory.text, uses: h.memory.usage.accessCount })));
    if (model.kv && this.#working.promotable(key).length > 0) this.#deps.queuePromotion(userId, sessionId, key);
  }

  /** The entries of a session that keep coming back. */
  promotable(userId: string, sessionId: string): readonly WorkingEntry[] {
    return this.#working.promotable(sessionKey(userId, sessionId));
  }
}
