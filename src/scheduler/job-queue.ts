/**
 * The scheduler's persistent queue: jobs in the `jobs` store, taken highest priority first (then
 * oldest), each state change its own committed transaction. A job left `running` by a tab that died
 * is queued again when a new leader starts (up to a retry limit, then failed with that reason).
 */
import { MemosError } from '../core/errors';
import { newId } from '../core/ids';
import { JOB_PRIORITIES, type JobPriority, type JobRecord, type JobState } from '../core/job';
import type { Store } from '../storage/store';

/** What a caller gives to enqueue a job. */
export interface JobRequest {
  readonly kind: string;
  readonly priority: JobPriority;
  readonly payload?: Readonly<Record<string, unknown>>;
  readonly dedupeKey?: string;
  readonly needsIdle?: boolean;
}

/** Attempts before a job that keeps dying with its tab is failed. */
export const MAX_ATTEMPTS = 3;

const rank = (p: JobPriority): number => JOB_PRIORITIES.indexOf(p);
let sequence = 0;

/** The queue over one store. */
export class JobQueue {
  readonly #store: Store;
  readonly #clock: () => number;

  constructor(store: Store, clock: () => number) {
    this.#store = store;
    this.#clock = clock;
  }

  /**
   * Adds a job, or returns the queued or running one with the same dedupe key.
   * @throws {MemosError} INVALID_INPUT for an unknown priority
   */
  async enqueue(request: JobRequest): Promise<JobRecord> {
    if (!JOB_PRIORITIES.includes(request.priority)) throw new MemosError('INVALID_INPUT', 'Unknown job priority.', { field: 'priority' });
    return this.#store.write(['jobs'], async (tx) => {
      if (request.dedupeKey) {
        const same = await tx.objectStore('jobs').index('byDedupe').getAll(request.dedupeKey);
        const live = same.find((j) => j.state === 'queued' || j.state === 'running');
        if (live) return live;
      }
      const job: JobRecord = {
        id: newId('job'),
        kind: request.kind,
        priority: request.priority,
        state: 'queued',
        payload: request.payload ?? {},
        dedupeKey: request.dedupeKey ?? null,
        needsIdle: request.needsIdle ?? false,
        attempts: 0,
        createdAt: this.#clock(),
        seq: ++sequence,
        startedAt: null,
        finishedAt: null,
        reason: null,
        summary: null,
      };
      await tx.objectStore('jobs').add(job);
      return job;
    });
  }

  /**
   * Takes the next job to run and marks it running (one transaction, so two takers never get the
   * same job). Jobs that need idle time are skipped unless `idle`; jobs of the `waiting` kinds are skipped.
   */
  async take(idle: boolean, waiting: readonly string[] = []): Promise<JobRecord | undefined> {
    return this.#store.write(['jobs'], async (tx) => {
      const queued = await tx.objectStore('jobs').index('byState').getAll('queued');
      const next = queued
        .filter((j) => (idle || !j.needsIdle) && !waiting.includes(j.kind))
        .sort((a, b) => rank(a.priority) - rank(b.priority) || a.createdAt - b.createdAt || a.seq - b.seq)[0];
      if (!next) return undefined;
      const running: JobRecord = { ...next, state: 'running', attempts: next.attempts + 1, startedAt: this.#clock() };
      await tx.objectStore('jobs').put(running);
      return running;
    });
  }

  /** Records how a job ended. */
  async finish(job: JobRecord, outcome: { state: 'done'; summary: string; result?: unknown } | { state: 'failed'; reason: string }): Promise<JobRecord> {
    const ended: JobRecord = {
      ...job,
      ...(outcome.state === 'done' && outcome.result !== undefined && { result: outcome.result }),
      state: outcome.state,
      finishedAt: this.#clock(),
      summary: outcome.state === 'done' ? outcome.summary : null,
      reason: outcome.state === 'failed' ? outcome.reason : null,
    };
    await this.#store.write(['jobs'], async (tx) => {
      await tx.objectStore('jobs').put(ended);
    });
    return ended;
  }

  /**
   * Puts jobs a dead leader left running back in the queue, or fails them after {@link MAX_ATTEMPTS}.
   * Call only as the new leader.
   */
  async recover(): Promise<{ requeued: number; failed: number }> {
    return this.#store.write(['jobs'], async (tx) => {
      let requeued = 0;
      let failed = 0;
      for (const job of await tx.objectStore('jobs').index('byState').getAll('running')) {
        if (job.attempts >= MAX_ATTEMPTS) {
          await tx.objectStore('jobs').put({ ...job, state: 'failed', finishedAt: this.#clock(), reason: `stopped ${job.attempts} times with its tab` });
          failed++;
        } else {
          await tx.objectStore('jobs').put({ ...job, state: 'queued' });
          requeued++;
        }
      }
      return { requeued, failed };
    });
  }

  /** One job. */
  async get(id: string): Promise<JobRecord | undefined> {
    return this.#store.read(['jobs'], (tx) => tx.objectStore('jobs').get(id));
  }

  /** Replaces a finished job's result and summary (e.g. once its proposals were accepted). */
  async settle(id: string, summary: string, result: unknown): Promise<void> {
    await this.#store.write(['jobs'], async (tx) => {
      const job = await tx.objectStore('jobs').get(id);
      if (job) await tx.objectStore('jobs').put({ ...job, summary, result });
    });
  }

  /** Jobs in some states, newest first, at most `limit`. */
  async list(states: readonly JobState[], limit: number): Promise<JobRecord[]> {
    return this.#store.read(['jobs'], async (tx) => {
      const all = (await Promise.all(states.map((s) => tx.objectStore('jobs').index('byState').getAll(s)))).flat();
      return all.sort((a, b) => (b.finishedAt ?? b.startedAt ?? b.createdAt) - (a.finishedAt ?? a.startedAt ?? a.createdAt)).slice(0, limit);
    });
  }

  /**
   * Deletes finished jobs that ended before `before`, except the newest `keep` of them and jobs whose
   * result still waits for the user (proposals of fine-read). Returns how many were deleted.
   */
  async prune(before: number, keep: number): Promise<number> {
    return this.#store.write(
      ['jobs'],
      async (tx) => {
        const store = tx.objectStore('jobs');
        const finished = (await Promise.all((['done', 'failed'] as const).map((s) => store.index('byState').getAll(s)))).flat();
        finished.sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0));
        let deleted = 0;
        for (const job of finished.slice(keep)) {
          if ((job.finishedAt ?? 0) >= before) continue;
          if (job.kind === 'fine-read' && job.result !== undefined && job.result !== null) continue;
          await store.delete(job.id);
          deleted++;
        }
        return deleted;
      },
      { durability: 'relaxed' },
    );
  }

  /** How many jobs are in each state. */
  async counts(): Promise<Record<JobState, number>> {
    return this.#store.read(['jobs'], async (tx) => {
      const index = tx.objectStore('jobs').index('byState');
      const [queued, running, done, failed] = await Promise.all((['queued', 'running', 'done', 'failed'] as const).map((s) => index.count(s)));
      return { queued, running, done, failed } as Record<JobState, number>;
    });
  }
}
