/** The audit log: one entry per change or sensitive read, written in the same transaction as the change. */

/** Who the scheduler's own changes are by, in versions and the audit log. */
export const SCHEDULER_ACTOR = 'system:scheduler';

/** What an audit entry records. */
export const AUDIT_ACTIONS = [
  'user.create',
  'user.consent',
  'user.delete',
  'cube.create',
  'cube.register',
  'cube.unregister',
  'cube.share',
  'cube.unshare',
  'cube.export',
  'cube.import',
  'cube.policy',
  'cube.delete',
  'store.reset',
  'memory.add',
  'memory.update',
  'memory.archive',
  'memory.restore',
  'memory.freeze',
  'memory.unfreeze',
  'memory.rollback',
  'memory.purge',
  'memory.expire',
  'memory.merge',
  'memory.supersede',
  'document.add',
  'sync.configure',
  'sync.grant',
  'sync.forget',
  'memory.sync',
  'cube.sync',
  'document.delete',
  'activation.build',
  'activation.activate',
  'activation.deactivate',
  'activation.evict',
  'activation.sync',
  'adapter.import',
  'adapter.distill',
  'adapter.activate',
  'adapter.deactivate',
  'adapter.delete',
  'adapter.sync',
  'agent.call',
  'entity.edit',
] as const;
/** What an audit entry records. */
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One audit entry. It never holds memory text, so purging a memory leaves no copy of it here. */
export interface AuditEntry {
  /** Assigned by the store, increasing. */
  readonly seq?: number;
  readonly at: number;
  readonly userId: string;
  readonly action: AuditAction;
  readonly cubeId: string | null;
  readonly memoryIds: readonly string[];
  readonly details: Readonly<Record<string, string | number | boolean | null>>;
}
