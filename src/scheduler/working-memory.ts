import { scriptOf, words } from '../core/words';
import type { WorkingEntry, WorkingMemoryPolicy } from '../protocol/memory-types';
/**
 * Working memory: per chat session, a small set (20 by default) of the memories that matter now,
 * replaced at each query by importance — retrieval rank, keyword overlap with the session's recent
 * queries, recurrence — with MemOS's weights (0.9 / 0.05 / 0.05), and usage with a small weight. Memories that keep coming back are
 * candidates for promotion to a KV cube.
 */

/** MemOS's published weights and a 20-item working memory. */
export const DEFAULT_WORKING_MEMORY: WorkingMemoryPolicy = {
  size: 20,
  rankWeight: 0.9,
  keywordWeight: 0.05,
  recurrenceWeight: 0.05,
  usageWeight: 0.02,
  recentQueries: 5,
  promoteAfter: 3,
};

const wordSet = (text: string): Set<string> => new Set(words(text).filter((w) => w.length > 2 || scriptOf(w) === 'cjk'));

/** The working memories of all sessions of one store (held in memory; rebuilt by use after a reload). */
export class WorkingMemory {
  readonly #policy: WorkingMemoryPolicy;
  readonly #sessions = new Map<
    string,
    { entries: WorkingEntry[]; queries: string[]; counts: Map<string, number>; texts: Map<string, string>; uses: Map<string, number> }
  >();

  constructor(policy: Partial<WorkingMemoryPolicy> = {}) {
    this.#policy = { ...DEFAULT_WORKING_MEMORY, ...policy };
  }

  get policy(): WorkingMemoryPolicy {
    return this.#policy;
  }

  /**
   * Updates a session's working memory after a query: `hits` are the retrieved memories, best first,
   * with their texts. Returns the new working memory, most important first.
   */
  update(sessionKey: string, query: string, hits: readonly { id: string; text: string; uses?: number }[]): WorkingEntry[] {
    const session = this.#sessions.get(sessionKey) ?? { entries: [], queries: [], counts: new Map<string, number>(), texts: new Map<string, string>(), uses: new Map<string, number>() };
    session.queries = [...session.queries, query].slice(-this.#policy.recentQueries);
    const recent = wordSet(session.queries.join(' '));
    for (const h of hits) session.texts.set(h.id, h.text);
    for (const h of hits) session.uses.set(h.id, h.uses ?? 0);
    const maxUses = Math.max(1, ...session.uses.values());
    const rankOf = new Map(hits.map((h, i) => [h.id, i]));
    const candidates = new Set([...session.entries.map((e) => e.memoryId), ...hits.map((h) => h.id)]);
    for (const id of rankOf.keys()) session.counts.set(id, (session.counts.get(id) ?? 0) + 1);
    const maxCount = Math.max(1, ...session.counts.values());
    const scored = [...candidates].map((memoryId): WorkingEntry => {
      const rank = rankOf.get(memoryId);
      const rankScore = rank === undefined ? 0 : 1 / (rank + 1);
      const own = wordSet(session.texts.get(memoryId) ?? '');
      const overlap = own.size > 0 ? [...own].filter((w) => recent.has(w)).length / own.size : 0;
      const recurrence = session.counts.get(memoryId) ?? 0;
      const usage = Math.log1p(session.uses.get(memoryId) ?? 0) / Math.log1p(maxUses);
      const importance =
        this.#policy.rankWeight * rankScore + this.#policy.keywordWeight * overlap + this.#policy.recurrenceWeight * (recurrence / maxCount) + this.#policy.usageWeight * usage;
      return { memoryId, importance, recurrence };
    });
    session.entries = scored.sort((a, b) => b.importance - a.importance || a.memoryId.localeCompare(b.memoryId)).slice(0, this.#policy.size);
    const kept = new Set(session.entries.map((e) => e.memoryId));
    for (const id of session.texts.keys()) if (!kept.has(id)) session.texts.delete(id);
    this.#sessions.set(sessionKey, session);
    return session.entries;
  }

  /** A session's working memory, most important first. */
  get(sessionKey: string): WorkingEntry[] {
    return this.#sessions.get(sessionKey)?.entries ?? [];
  }

  /** Memories of a session that have recurred enough to be worth a KV cube, most important first. */
  promotable(sessionKey: string): WorkingEntry[] {
    return this.get(sessionKey).filter((e) => e.recurrence >= this.#policy.promoteAfter);
  }

  /** Forgets memories everywhere (purged, archived). */
  forget(ids: Iterable<string>): void {
    const gone = new Set(ids);
    for (const session of this.#sessions.values()) session.entries = session.entries.filter((e) => !gone.has(e.memoryId));
  }
}
