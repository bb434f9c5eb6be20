/**
 * The chat sessions of a cube, read back from the memories chat() stored: each stored turn carries
 * its session id, speaker and time in its source references. Nothing else is stored for a session, so
 * the list is whatever the memories say (a purged memory leaves its session's list).
 */
import type { MemoryItem } from '../core/memory-item';

/** One past conversation. */
export interface ChatSessionSummary {
  readonly sessionId: string;
  /** The first words said in it. */
  readonly title: string;
  readonly firstAt: number;
  readonly lastAt: number;
  /** The memories stored from it, oldest first. */
  readonly memories: readonly MemoryItem[];
}

/** Groups memories by the session their source references name, newest session first. */
export function groupSessions(memories: readonly MemoryItem[]): ChatSessionSummary[] {
  const bySession = new Map<string, MemoryItem[]>();
  for (const memory of memories) {
    const sessionId = memory.sourceRefs.find((r) => r.sessionId)?.sessionId;
    if (!sessionId) continue;
    const list = bySession.get(sessionId) ?? [];
    list.push(memory);
    bySession.set(sessionId, list);
  }
  const when = (m: MemoryItem): number => m.sourceRefs[0]?.spokenAt ?? m.createdAt;
  return [...bySession.entries()]
    .map(([sessionId, list]) => {
      const sorted = [...list].sort((x, y) => when(x) - when(y));
      const first = sorted[0]!;
      return {
        sessionId,
        title: first.text.replace(/\s+/g, ' ').slice(0, 60),
        firstAt: when(first),
        lastAt: when(sorted[sorted.length - 1]!),
        memories: sorted,
      };
    })
    .sort((x, y) => y.lastAt - x.lastAt);
}
