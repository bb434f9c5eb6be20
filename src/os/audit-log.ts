/** The audit log: appending inside the transaction of the change it records, and reading it back. */
import { AUDIT_ACTIONS, type AuditAction, type AuditEntry } from '../core/audit';
import { checkAgentLabel } from '../core/limits';
import type { AuditQuery } from '../protocol/memory-types';
import type { AnyWriteTx, Store } from '../storage/store';
import { cubeWithAccess } from './directory';
import { intInRange, optionalListOf, optionalTime, requireId, requireObject } from './validate';

export { SCHEDULER_ACTOR } from '../core/audit';

/** Adds one audit entry in `tx` (which must include the "audit" store). */
export async function appendAudit(
  tx: AnyWriteTx,
  at: number,
  userId: string,
  action: AuditAction,
  cubeId: string | null,
  memoryIds: readonly string[],
  details: AuditEntry['details'],
): Promise<void> {
  const entry: AuditEntry = { at, userId, action, cubeId, memoryIds: [...memoryIds], details };
  await tx.objectStore('audit').add(entry);
}

/** Reads the audit log (see MemoryApi.auditLog). @throws {MemosError} INVALID_INPUT, CUBE_NOT_FOUND, FORBIDDEN */
/**
 * Appends an "agent.call" entry to a cube's audit log (see MemoryApi.recordAgentCall).
 * @throws {MemosError} INVALID_INPUT, CUBE_NOT_FOUND, FORBIDDEN
 */
export async function recordAgentCall(store: Store, at: number, params: { userId: string; cubeId: string; agent: string; tool: string; memoryIds?: readonly string[] }): Promise<void> {
  requireObject(params, 'params');
  const userId = requireId(params.userId, 'userId');
  const cubeId = requireId(params.cubeId, 'cubeId');
  const agent = checkAgentLabel(params.agent, 'agent');
  const tool = checkAgentLabel(params.tool, 'tool');
  const memoryIds = (params.memoryIds ?? []).slice(0, 100).map((id) => requireId(id, 'memoryIds[]'));
  await store.write(['cubes', 'audit'], async (tx) => {
    await cubeWithAccess(tx, cubeId, userId, 'read');
    await appendAudit(tx, at, userId, 'agent.call', cubeId, memoryIds, { agent, tool, memories: memoryIds.length });
  });
}

export async function readAuditLog(store: Store, query: AuditQuery): Promise<AuditEntry[]> {
  requireObject(query, 'query');
  const userId = requireId(query.userId, 'userId');
  const limit = intInRange(query.limit, 'limit', 1, 1000, 100);
  if (query.cubeId !== undefined) requireId(query.cubeId, 'cubeId');
  if (query.memoryId !== undefined) requireId(query.memoryId, 'memoryId');
  const listed = optionalListOf(query.actions, 'actions', AUDIT_ACTIONS);
  const actions = listed ? new Set(listed) : undefined;
  const since = optionalTime(query.since, 'since') ?? 0;
  const until = optionalTime(query.until, 'until') ?? Number.MAX_SAFE_INTEGER;
  return store.read(['cubes', 'audit'], async (tx) => {
    let source;
    if (query.cubeId !== undefined) {
      await cubeWithAccess(tx, query.cubeId, userId, 'read');
      source = tx.objectStore('audit').index('byCube').openCursor(query.cubeId, 'prev');
    } else {
      source = tx.objectStore('audit').index('byUser').openCursor(userId, 'prev');
    }
    const out: AuditEntry[] = [];
    for (let cursor = await source; cursor && out.length < limit; cursor = await cursor.continue()) {
      const e = cursor.value;
      if (e.at < since || e.at > until) continue;
      if (actions && !actions.has(e.action)) continue;
      if (query.memoryId !== undefined && !e.memoryIds.includes(query.memoryId)) continue;
      out.push(e);
    }
    return out;
  });
}
