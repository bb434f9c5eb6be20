/**
 * A job of the MemScheduler: stored in IndexedDB so it survives a reload, run at most once at a time,
 * and always ending in `done` or `failed` with a reason — nothing is dropped silently.
 */

/** Priority classes, highest first. */
export const JOB_PRIORITIES = ['query', 'answer', 'add', 'organise', 'maintenance'] as const;
/** A priority class. */
export type JobPriority = (typeof JOB_PRIORITIES)[number];

/** Where a job stands. */
export type JobState = 'queued' | 'running' | 'done' | 'failed';

/** One job. */
export interface JobRecord {
  readonly id: string;
  /** What to do: the name of a registered handler (e.g. "ttl-sweep"). */
  readonly kind: string;
  readonly priority: JobPriority;
  readonly state: JobState;
  /** Plain data for the handler. */
  readonly payload: Readonly<Record<string, unknown>>;
  /** Jobs with the same key are one job while queued or running (enqueueing again returns it). */
  readonly dedupeKey: string | null;
  /** Heavy jobs wait until the page says the user is idle or the tab is hidden. */
  readonly needsIdle: boolean;
  readonly attempts: number;
  readonly createdAt: number;
  /** Orders jobs enqueued by one tab in the same millisecond (ties between tabs are arbitrary). */
  readonly seq: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  /** Why it failed, when it did. */
  readonly reason: string | null;
  /** What it did, in a line (counts, ids), when it is done. */
  readonly summary: string | null;
  /** Plain data a finished job hands back (e.g. proposals awaiting the user's consent). */
  readonly result?: unknown;
}
