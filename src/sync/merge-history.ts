/**
 * Merging what two devices know of one memory, so that nothing is lost and every device ends with the
 * same result whatever order the copies meet in. A memory travels with its whole version chain; a
 * version is known by what it says (who, when, which action, the content after it), not by its number.
 * The merge is the union of both chains, ordered by time (then by identity), numbered again from 1; the
 * latest version's content is the memory's. When the chains had diverged (both devices changed the
 * memory apart), the versions of the side that did not make the latest change keep their place in the
 * history with the reason "sync conflict". Merging is commutative, associative and idempotent
 * (test/unit/sync-merge.test.ts checks it with random histories).
 */
import { contentOf, firstVersionOf, type MemoryItem, type MemoryVersion } from '../core/memory-item';
import { canonicalJson } from '../core/canonical-json';
import { sha256Hex } from '../core/hash';

/** A memory with its whole version chain (version 1 included), as it travels. */
export interface MemoryHistory {
  readonly memory: MemoryItem;
  readonly versions: readonly MemoryVersion[];
}

/** The reason a version of the side that lost a conflict carries. */
export const CONFLICT_REASON = 'sync conflict';

/** The version chain of a memory as stored: version 1 derived when it was never written. */
export function fullChain(memory: MemoryItem, stored: readonly MemoryVersion[]): MemoryVersion[] {
  if (stored.length === 0 && memory.version === 1) return [firstVersionOf(memory)];
  return [...stored].sort((a, b) => a.version - b.version);
}

/** What a version says, apart from its number and reason: its identity across devices. */
async function identityOf(v: MemoryVersion): Promise<string> {
  return sha256Hex(new TextEncoder().encode(canonicalJson({ at: v.at, by: v.by, action: v.action, snapshot: v.snapshot })));
}

const isConflictMark = (v: MemoryVersion): boolean => v.reason !== null && v.reason.startsWith(CONFLICT_REASON);

/**
 * Merges two histories of one memory. Returns the merged history and whether it differs from `local`
 * (so that nothing is written when a device hears back what it sent).
 */
export async function mergeHistories(local: MemoryHistory, remote: MemoryHistory): Promise<{ merged: MemoryHistory; changed: boolean }> {
  const localIds = await Promise.all(local.versions.map(identityOf));
  const remoteIds = await Promise.all(remote.versions.map(identityOf));
  const byId = new Map<string, MemoryVersion>();
  const add = (v: MemoryVersion, id: string) => {
    const seen = byId.get(id);
    // The same version met twice: the copy marked as a conflict's loser wins, so every device agrees.
    if (!seen || (!isConflictMark(seen) && isConflictMark(v))) byId.set(id, v);
  };
  local.versions.forEach((v, i) => add(v, localIds[i]!));
  remote.versions.forEach((v, i) => add(v, remoteIds[i]!));
  // Time orders the versions; at equal times, the lowest number any copy had (so a chain's own order
  // holds, whatever the clocks), then the identity.
  const lowest = new Map<string, number>();
  const note = (v: MemoryVersion, id: string) => lowest.set(id, Math.min(lowest.get(id) ?? Infinity, v.version));
  local.versions.forEach((v, i) => note(v, localIds[i]!));
  remote.versions.forEach((v, i) => note(v, remoteIds[i]!));
  const order = [...byId.keys()].sort((a, b) => byId.get(a)!.at - byId.get(b)!.at || lowest.get(a)! - lowest.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
  const last = order[order.length - 1]!;
  // Diverged: neither chain holds the other. The chain with the latest version wins; the other side's
  // own versions are marked.
  const localSet = new Set(localIds);
  const remoteSet = new Set(remoteIds);
  const diverged = !localIds.every((id) => remoteSet.has(id)) && !remoteIds.every((id) => localSet.has(id));
  const winner = localSet.has(last) ? localSet : remoteSet;
  const versions = order.map((id, i): MemoryVersion => {
    const v = byId.get(id)!;
    const lost = diverged && !winner.has(id) && !isConflictMark(v);
    return { ...v, version: i + 1, ...(lost && { reason: v.reason === null ? CONFLICT_REASON : `${CONFLICT_REASON}: ${v.reason}` }) };
  });
  const head = versions[versions.length - 1]!;
  const base = localSet.has(last) ? local.memory : remote.memory;
  const updatedAt = Math.max(local.memory.updatedAt, remote.memory.updatedAt);
  // The content is the head version's (metadata and relation included: absent there means none).
  const { metadata: _dropped, relation: _droppedRelation, ...rest } = base;
  const memory: MemoryItem = { ...rest, ...contentOf(head.snapshot), version: versions.length, updatedAt, usage: local.memory.usage };
  const changed = versions.length !== local.versions.length || versions.some((v, i) => canonicalJson(v) !== canonicalJson(local.versions[i])) || canonicalJson({ ...memory, usage: null }) !== canonicalJson({ ...local.memory, usage: null });
  return { merged: { memory, versions }, changed };
}
