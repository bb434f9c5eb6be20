/**
 * MemScheduler: one per store across tabs. The tab that holds the store's scheduler lock (Web Locks;
 * an in-process queue in Node) is the leader and runs jobs from the persistent queue; other tabs only
 * enqueue — into the same IndexedDB queue — and nudge the leader over a BroadcastChannel. When the
 * leader's tab closes, the lock passes on and the new leader first recovers the jobs left running.
 */
import type { JobRecord } from '../core/job';
import type { Store } from '../storage/store';
import { defaultLockRunner, type LockRunner } from '../storage/write-lock';
import { JobQueue, type JobRequest } from './job-queue';
import type { SchedulerStatus } from '../protocol/memory-types';

/**
 * Runs one job; resolves with a one-line summary (or a summary and plain-data result), rejects with
 * the reason it failed.
 */
export type JobHandler = (job: JobRecord, signal: AbortSignal) => Promise<string | { summary: string; result: unknown }>;

/** Options of {@link MemScheduler}. */
export interface SchedulerOptions {
  readonly store: Store;
  readonly clock: () => number;
  readonly handlers: Readonly<Record<string, JobHandler>>;
  /** Lock runner (default: Web Locks, else in-process). */
  readonly lock?: LockRunner;
  /**
   * Job kinds that need a language model: while `modelReady` says there is none they stay queued
   * (not failed) and other jobs run; they run once a model is there (see {@link MemScheduler.modelChanged}).
   */
  readonly needsModel?: readonly string[];
  /** Whether a language model is loaded now (default: always). */
  readonly modelReady?: () => boolean | Promise<boolean>;
}

/** The scheduler of one store. */
export class MemScheduler {
  readonly queue: JobQueue;
  readonly #options: SchedulerOptions;
  readonly #stop = new AbortController();
  readonly #channel: BroadcastChannel | undefined;
  #leader = false;
  #idle = false;
  #running: JobRecord | null = null;
  #wake: (() => void) | undefined;
  #nudged = false;
  #loop: Promise<void> | undefined;
  #settledWaiters: (() => void)[] = [];
  #leadership: Promise<void> | undefined;
  #becomeLeader: (() => void) | undefined;

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.queue = new JobQueue(options.store, options.clock);
    this.#channel = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(`memos-scheduler:${options.store.name}`);
    if (this.#channel) this.#channel.onmessage = () => this.#nudge();
  }

  /** Starts competing for leadership; resolves at once (leadership may come later). */
  start(): void {
    const lock = this.#options.lock ?? defaultLockRunner();
    this.#leadership = new Promise<void>((resolve) => (this.#becomeLeader = resolve));
    void lock(`memos-scheduler:${this.#options.store.name}`, async () => {
      if (this.#stop.signal.aborted) return;
      this.#leader = true;
      this.#becomeLeader?.();
      await this.queue.recover();
      this.#loop = this.#run();
      await this.#loop;
    }).catch(() => undefined);
  }

  /** Adds a job (deduplicated by key) and wakes the leader, here or in another tab. */
  async enqueue(request: JobRequest): Promise<JobRecord> {
    const job = await this.queue.enqueue(request);
    this.#nudge();
    this.#channel?.postMessage('job');
    return job;
  }

  /** A model was loaded or let go: jobs that wait for one are looked at again. */
  modelChanged(): void {
    this.#nudge();
  }

  /** The page tells whether the user is idle or the tab hidden; heavy jobs wait for it. */
  setIdle(idle: boolean): void {
    this.#idle = idle;
    this.#nudge();
  }

  async status(): Promise<SchedulerStatus> {
    return { leader: this.#leader, idle: this.#idle, running: this.#running, counts: await this.queue.counts() };
  }

  /**
   * Resolves when this leader has nothing it may run now (the queue is empty, or holds only jobs
   * that wait for idle time). For tests and for callers that want their job's outcome.
   */
  async settled(): Promise<void> {
    // Leadership comes a moment after start() when no other tab holds it; a follower returns after 2 s.
    if (!this.#leader && this.#leadership) await Promise.race([this.#leadership, new Promise((r) => setTimeout(r, 2000))]);
    if (!this.#leader || this.#stop.signal.aborted) return;
    await new Promise<void>((resolve) => {
      this.#settledWaiters.push(resolve);
      this.#nudge();
    });
  }

  /** Stops running jobs (the running one is aborted and will be recovered by the next leader). */
  stop(): void {
    this.#stop.abort();
    this.#nudge();
    this.#channel?.close();
  }

  #nudge(): void {
    this.#nudged = true;
    this.#wake?.();
  }

  async #modelReady(): Promise<boolean> {
    try {
      return (await this.#options.modelReady?.()) ?? true;
    } catch {
      return false;
    }
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      this.#nudged = false;
      let job: JobRecord | undefined;
      try {
        const waiting = this.#options.needsModel?.length && !(await this.#modelReady()) ? this.#options.needsModel : [];
        job = await this.queue.take(this.#idle, waiting);
      } catch {
        return; // the store closed
      }
      if (!job) {
        for (const resolve of this.#settledWaiters.splice(0)) resolve();
        if (!this.#nudged) await new Promise<void>((resolve) => {
          this.#wake = resolve;
          setTimeout(resolve, 30_000);
        });
        this.#wake = undefined;
        continue;
      }
      this.#running = job;
      const handler = this.#options.handlers[job.kind];
      try {
        if (!handler) throw new Error(`no handler for jobs of kind "${job.kind}"`);
        // Stopping does not wait for a handler that ignores its signal: the job stays "running" in
        // the queue and the next leader recovers it, as after a tab crash.
        const stopped = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true }));
        stopped.catch(() => undefined);
        const outcome = await Promise.race([handler(job, signal), stopped]);
        if (signal.aborted) return;
        await this.queue.finish(job, typeof outcome === 'string' ? { state: 'done', summary: outcome } : { state: 'done', ...outcome });
      } catch (error) {
        if (signal.aborted) return;
        await this.queue.finish(job, { state: 'failed', reason: error instanceof Error ? error.message : String(error) }).catch(() => undefined);
      } finally {
        this.#running = null;
      }
    }
  }
}
