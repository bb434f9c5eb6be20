/**
 * The bodies of the scheduler's jobs that MemOS registers, written against the services that do the
 * work, and the maintenance jobs queued on a timer (each deduplicated: at most one waits at a time).
 */
import type { JobRecord } from '../core/job';
import type { JobHandler, MemScheduler } from '../scheduler/scheduler';

/** What the jobs call. */
export interface MaintenanceDeps {
  sweepExpired(): Promise<{ expired: number }>;
  /** Drops finished jobs past their keeping time; returns how many. */
  pruneJobs(): Promise<number>;
  /** Merges small vector blocks; returns how many were merged. */
  compactVectors(): Promise<number>;
  consolidate(cubeId: string): Promise<{ merged: number; archived: number; superseded: number }>;
  promoteToKv(userId: string, sessionId: string): Promise<string>;
  /** Builds a cube's topic tree again (once the graph has read what was written). */
  rebuildTopics(cubeId: string): Promise<{ topics: number; memories: number }>;
  /** Has a chat model title a cube's untitled topics (some of them: the rest are queued again). */
  titleTopics(cubeId: string, signal: AbortSignal): Promise<{ written: number; left: number }>;
  maintainKv(): Promise<string>;
  fineRead(job: JobRecord, signal: AbortSignal): Promise<string | { summary: string; result: unknown }>;
  proposeDistillation(): Promise<string | { summary: string; result: unknown }>;
}

/** The job handlers by kind: each returns a one-line summary of what it did. */
export function maintenanceJobs(deps: MaintenanceDeps): Record<string, JobHandler> {
  return {
    'ttl-sweep': async () => {
      const expired = (await deps.sweepExpired()).expired;
      // The queue's own history is kept a week (at least the newest 200 jobs), so it does not grow forever.
      const pruned = await deps.pruneJobs();
      const merged = await deps.compactVectors();
      return `${expired} memories expired, ${pruned} old jobs pruned, ${merged} small vector blocks merged`;
    },
    consolidate: async (job) => {
      const result = await deps.consolidate(String(job.payload['cubeId']));
      return `${result.merged} merges (${result.archived} archived), ${result.superseded} superseded`;
    },
    'promote-kv': async (job) => deps.promoteToKv(String(job.payload['userId']), String(job.payload['sessionId'])),
    topics: async (job) => {
      const built = await deps.rebuildTopics(String(job.payload['cubeId']));
      return `${built.topics} topics over ${built.memories} memories`;
    },
    'topic-titles': async (job, signal) => {
      const done = await deps.titleTopics(String(job.payload['cubeId']), signal);
      return `${done.written} topic titles written${done.left > 0 ? `, ${done.left} left for the next run` : ''}`;
    },
    'kv-maintenance': async () => deps.maintainKv(),
    'fine-read': async (job, signal) => deps.fineRead(job, signal),
    'propose-distill': async () => deps.proposeDistillation(),
  };
}

/** Job kinds that wait in the queue while no language model is loaded (instead of failing or skipping). */
export const JOBS_NEEDING_A_MODEL: readonly string[] = ['fine-read', 'promote-kv', 'topic-titles'];

/** Queues the periodic maintenance: the TTL sweep, KV upkeep, and (at idle time) distillation proposals. */
export function queueMaintenance(scheduler: MemScheduler): void {
  void scheduler.enqueue({ kind: 'ttl-sweep', priority: 'maintenance', dedupeKey: 'ttl-sweep' }).catch(() => undefined);
  void scheduler.enqueue({ kind: 'kv-maintenance', priority: 'maintenance', dedupeKey: 'kv-maintenance' }).catch(() => undefined);
  void scheduler.enqueue({ kind: 'propose-distill', priority: 'maintenance', dedupeKey: 'propose-distill', needsIdle: true }).catch(() => undefined);
}
