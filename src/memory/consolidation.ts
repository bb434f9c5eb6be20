/**
 * Consolidation, planned: which memories are near-duplicates (grouped by union-find over a bounded
 * set of neighbours each — never all pairs), what one merged memory says, and which facts on the
 * same key supersede older ones. MemOS applies the plan in transactions.
 */
import { foldWord, words } from '../core/words';
import { entityKeyOf } from './graph/entity-extraction';
import type { MemoryItem, SourceRef } from '../core/memory-item';
import { dot } from '../inference/embedders/embedder';

/** When two memories count as the same. */
export interface DuplicateRule {
  /** Cosine at or above which two vectors are duplicates (0.95 by default). */
  readonly cosine: number;
  /** Word-set Jaccard at or above which two texts are duplicates (0.9 by default). */
  readonly jaccard: number;
}

/** The default duplicate rule. */
export const DEFAULT_DUPLICATE_RULE: DuplicateRule = { cosine: 0.95, jaccard: 0.9 };

const wordSet = (text: string): Set<string> => new Set(words(text));

/** Word-set Jaccard similarity. */
export function jaccard(a: string, b: string): number {
  const x = wordSet(a);
  const y = wordSet(b);
  if (x.size === 0 && y.size === 0) return 1;
  let both = 0;
  for (const w of x) if (y.has(w)) both++;
  return both / (x.size + y.size - both);
}

/** Whether two memories may be merged at all: same owner, visibility and kind, neither frozen. */
export function mergeable(a: MemoryItem, b: MemoryItem): boolean {
  return a.ownerId === b.ownerId && a.visibility === b.visibility && a.semanticType === b.semanticType && a.state !== 'frozen' && b.state !== 'frozen' && (a.key ?? null) === (b.key ?? null);
}

/**
 * Groups near-duplicates. `neighbours` gives a few candidate ids per memory (from the search
 * indexes); `vectorOf` the memory's vector when there is one.
 */
export function duplicateGroups(
  memories: readonly MemoryItem[],
  neighbours: (memory: MemoryItem) => readonly string[],
  vectorOf: (id: string) => Float32Array | undefined,
  rule: DuplicateRule = DEFAULT_DUPLICATE_RULE,
): MemoryItem[][] {
  const byId = new Map(memories.map((m) => [m.id, m]));
  const parent = new Map(memories.map((m) => [m.id, m.id]));
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(id, root);
    return root;
  };
  for (const memory of memories) {
    for (const otherId of neighbours(memory)) {
      const other = byId.get(otherId);
      if (!other || other.id === memory.id || !mergeable(memory, other)) continue;
      const a = vectorOf(memory.id);
      const b = vectorOf(other.id);
      const same = (a && b ? dot(a, b) >= rule.cosine : false) || jaccard(memory.text, other.text) >= rule.jaccard;
      if (same) parent.set(find(memory.id), find(other.id));
    }
  }
  const groups = new Map<string, MemoryItem[]>();
  for (const memory of memories) {
    const root = find(memory.id);
    groups.set(root, [...(groups.get(root) ?? []), memory]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

const timeOf = (m: MemoryItem): number => m.validFrom ?? Math.min(...m.sourceRefs.map((r) => r.spokenAt ?? Infinity), m.createdAt);

/** The content of the memory a group merges into: the fullest text, everything else joined. */
export function mergedContent(group: readonly MemoryItem[]): Omit<MemoryItem, 'id' | 'createdAt' | 'updatedAt' | 'version' | 'state' | 'stateBefore'> {
  const canonical = [...group].sort((a, b) => b.text.length - a.text.length || b.createdAt - a.createdAt)[0] as MemoryItem;
  const refs = new Map<string, SourceRef>();
  for (const m of group) for (const r of m.sourceRefs) refs.set(JSON.stringify(r), r);
  const expiries = group.map((m) => m.expiresAt);
  return {
    cubeId: canonical.cubeId,
    ownerId: canonical.ownerId,
    source: canonical.source,
    text: canonical.text,
    key: canonical.key,
    semanticType: canonical.semanticType,
    memoryType: canonical.memoryType,
    visibility: canonical.visibility,
    tags: [...new Set(group.flatMap((m) => m.tags))],
    sensitivity: [...new Set(group.flatMap((m) => m.sensitivity))],
    priority: Math.max(...group.map((m) => m.priority)),
    expiresAt: expiries.includes(null) ? null : Math.max(...(expiries as number[])),
    sourceRefs: [...refs.values()].sort((a, b) => (a.spokenAt ?? 0) - (b.spokenAt ?? 0)),
    usage: {
      accessCount: group.reduce((n, m) => n + m.usage.accessCount, 0),
      lastAccessAt: Math.max(0, ...group.map((m) => m.usage.lastAccessAt ?? 0)) || null,
      hits: group.flatMap((m) => m.usage.hits).sort((a, b) => a.at - b.at).slice(-32),
    },
    mergedFrom: [...group].sort((a, b) => timeOf(a) - timeOf(b) || a.createdAt - b.createdAt || a.id.localeCompare(b.id)).map((m) => m.id),
    validFrom: Math.min(...group.map(timeOf)),
  };
}

/** A superseded fact and the newer one that replaces it. */
export interface Supersession {
  readonly older: MemoryItem;
  readonly newer: MemoryItem;
  /** When the older stopped being true: when the newer was said. */
  readonly at: number;
}

/**
 * Facts on the same key (same owner and cube): each is superseded by the next newer one. Frozen
 * memories are neither superseded nor used to supersede.
 */
export function supersessions(memories: readonly MemoryItem[]): Supersession[] {
  const byKey = new Map<string, MemoryItem[]>();
  for (const m of memories) {
    if (!m.key || m.state === 'frozen') continue;
    const slot = `${m.ownerId}\u0000${m.key.trim().toLowerCase()}`;
    byKey.set(slot, [...(byKey.get(slot) ?? []), m]);
  }
  const out: Supersession[] = [];
  for (const facts of byKey.values()) {
    const ordered = [...facts].sort((a, b) => timeOf(a) - timeOf(b) || a.createdAt - b.createdAt);
    for (let i = 0; i + 1 < ordered.length; i++) {
      const older = ordered[i] as MemoryItem;
      const newer = ordered[i + 1] as MemoryItem;
      if (older.text.trim() !== newer.text.trim()) out.push({ older, newer, at: timeOf(newer) });
    }
  }
  return out;
}

/**
 * Pairs worth asking a language model about: related (a neighbour in the indexes, sharing content
 * words) but not duplicates, same owner, neither frozen, not events or tasks. At most `limit` pairs,
 * older first in each.
 */
export function contradictionCandidates(
  memories: readonly MemoryItem[],
  neighbours: (memory: MemoryItem) => readonly string[],
  limit: number,
  rule: DuplicateRule = DEFAULT_DUPLICATE_RULE,
): [MemoryItem, MemoryItem][] {
  const byId = new Map(memories.map((m) => [m.id, m]));
  const seen = new Set<string>();
  const pairs: [MemoryItem, MemoryItem][] = [];
  // Events and tasks change by nature (a new event does not contradict an old one).
  const kinds = new Set(['fact', 'preference', 'other']);
  for (const memory of memories) {
    if (!kinds.has(memory.semanticType) || memory.state === 'frozen') continue;
    for (const otherId of neighbours(memory)) {
      const other = byId.get(otherId);
      if (!other || other.id === memory.id || other.ownerId !== memory.ownerId || other.state === 'frozen' || !kinds.has(other.semanticType)) continue;
      const key = [memory.id, other.id].sort().join('|');
      if (seen.has(key)) continue;
      seen.add(key);
      const overlap = jaccard(memory.text, other.text);
      if (overlap >= rule.jaccard || overlap < 0.15) continue;
      pairs.push(timeOf(memory) <= timeOf(other) ? [memory, other] : [other, memory]);
      if (pairs.length >= limit) return pairs;
    }
  }
  return pairs;
}

/**
 * Pairs of relations that may contradict: the same owner says the same subject has the same predicate
 * with another object ("Ana lives in Madrid", later "Ana lives in Lisbon"). Whether they do is the
 * model's to judge (one lives in one city at a time, but may like many foods). Consecutive pairs in
 * time, older first, at most `limit`; frozen memories are left out.
 */
export function relationConflicts(memories: readonly MemoryItem[], limit: number): [MemoryItem, MemoryItem][] {
  const groups = new Map<string, MemoryItem[]>();
  for (const m of memories) {
    if (!m.relation || m.state === 'frozen') continue;
    const slot = `${m.ownerId}\u0000${entityKeyOf(m.relation.subject)}\u0000${foldWord(m.relation.predicate.trim())}`;
    groups.set(slot, [...(groups.get(slot) ?? []), m]);
  }
  const pairs: [MemoryItem, MemoryItem][] = [];
  for (const group of groups.values()) {
    const ordered = [...group].sort((a, b) => timeOf(a) - timeOf(b) || a.createdAt - b.createdAt);
    for (let i = 1; i < ordered.length; i++) {
      const [older, newer] = [ordered[i - 1]!, ordered[i]!];
      if (entityKeyOf(older.relation!.object) === entityKeyOf(newer.relation!.object)) continue;
      pairs.push([older, newer]);
      if (pairs.length >= limit) return pairs;
    }
  }
  return pairs;
}

/** The schema of the model's verdict on a pair. */
export const CONTRADICTION_SCHEMA = {
  type: 'object',
  properties: { contradicts: { type: 'boolean' } },
  required: ['contradicts'],
  additionalProperties: false,
} as const;

/** The messages that ask whether a newer statement contradicts an older one. */
export function contradictionQuestion(older: MemoryItem, newer: MemoryItem): { role: 'system' | 'user'; content: string }[] {
  const when = (m: MemoryItem) => new Date(timeOf(m)).toISOString().slice(0, 10);
  return [
    { role: 'system', content: 'Two things the user said. Do they contradict each other, so that both cannot be true at the same time? Answer with JSON.' },
    { role: 'user', content: `Earlier (${when(older)}): ${older.text}\nLater (${when(newer)}): ${newer.text}` },
  ];
}
