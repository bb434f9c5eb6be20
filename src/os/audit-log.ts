/** Appending to the audit log inside the transaction of the change it records. */
import type { AuditAction, AuditEntry } from '../core/audit';
import type { AnyWriteTx } from '../storage/store';

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
