/**
 * What one synced cube's documents hold, before encryption: a memory with its whole history, the mark
 * a purge leaves, or the cube's manifest. Read back with checks: a payload that opens but is not one of
 * these is refused like a tampered one.
 */
import { MemosError } from '../core/errors';
import type { MemoryHistory } from './merge-history';

/** The id of the document that holds the cube's wrapped key (the only readable id in the database). */
export const KEY_DOC_ID = 'memos-key';

/** The body of a document, decrypted. */
export type SyncPayload =
  | { readonly kind: 'memory'; readonly history: MemoryHistory }
  | { readonly kind: 'purged'; readonly memoryId: string }
  | { readonly kind: 'cube'; readonly cubeId: string; readonly name: string };

/** What a document's opaque id is computed from. */
export const docName = {
  memory: (memoryId: string): string => `memory:${memoryId}`,
  cube: (): string => 'cube',
};

/**
 * Checks a decrypted payload's shape.
 * @throws {MemosError} SYNC_TAMPERED when it is not a payload memos-web writes
 */
export function checkPayload(value: unknown, docId: string): SyncPayload {
  const bad = () => new MemosError('SYNC_TAMPERED', `Document ${docId} does not hold what memos-web writes.`, { docId });
  if (typeof value !== 'object' || value === null) throw bad();
  const v = value as Record<string, unknown>;
  if (v['kind'] === 'purged' && typeof v['memoryId'] === 'string') return { kind: 'purged', memoryId: v['memoryId'] };
  if (v['kind'] === 'cube' && typeof v['name'] === 'string' && typeof v['cubeId'] === 'string') return { kind: 'cube', cubeId: v['cubeId'], name: v['name'] };
  if (v['kind'] === 'memory') {
    const h = v['history'] as Partial<MemoryHistory> | undefined;
    if (h && typeof h.memory === 'object' && h.memory !== null && typeof h.memory.id === 'string' && Array.isArray(h.versions) && h.versions.length > 0) return { kind: 'memory', history: h as MemoryHistory };
  }
  throw bad();
}
