// The scheduler's jobs here are small functions that record what ran: they stand for real work
// (sweeps, consolidation, KV builds), which has tests of its own.
import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/core/job';
import { JobQueue, MAX_ATTEMPTS } from '../../src/scheduler/job-queue';
import { MemScheduler, type JobHandler } from '../../src/scheduler/scheduler';
import { Store } from '../../src/storage/store';
import { openTestOs } from './helpers';

let n = 0;
const freshStore = () => Store.open({ name: `sched-${process.pid}-${++n}` });
const clock = () => Date.now();

function recorder(): { ran: string[]; handler: JobHandler } {
  const ran: string[] = [];
  return { ran, handler: async (job) => (ran.push(String(job.payload['name'] ?? job.kind)), 'ok') };
}

describe('the MemScheduler', () => {
  it('runs queued jobs highest priority first, then oldest first', async () => {
    const store = await freshStore();
    const { ran, handler } = recorder();
    const scheduler = new MemScheduler({ store, clock, handlers: { work: handler } });
    for (const [name, priority] of [['m', 'maintenance'], ['o', 'organise'], ['a1', 'add'], ['q', 'query'], ['a2', 'add'], ['ans', 'answer']] as const) {
      await scheduler.enqueue({ kind: 'work', priority, payload: { name } });
    }
    scheduler.start();
    await scheduler.settled();
    expect(ran).toEqual(['q', 'ans', 'a1', 'a2', 'o', 'm']);
    expect((await scheduler.status()).counts).toEqual({ queued: 0, running: 0, done: 6, failed: 0 });
    scheduler.stop();
    store.close();
  });

  it('keeps one job per dedupe key while it waits, and ends every job in done or failed with a reason', async () => {
    const store = await freshStore();
    const scheduler = new MemScheduler({
      store,
      clock,
      handlers: { ok: async () => 'fine', boom: async () => Promise.reject(new Error('disk on fire')) },
    });
    const a = await scheduler.enqueue({ kind: 'ok', priority: 'add', dedupeKey: 'same' });
    const b = await scheduler.enqueue({ kind: 'ok', priority: 'add', dedupeKey: 'same' });
    expect(b.id).toBe(a.id);
    await scheduler.enqueue({ kind: 'boom', priority: 'query' });
    await scheduler.enqueue({ kind: 'nobody-handles-this', priority: 'query' });
    scheduler.start();
    await scheduler.settled();
    const jobs = await scheduler.queue.list(['done', 'failed'], 10);
    const byKind = Object.fromEntries(jobs.map((j) => [j.kind, [j.state, j.reason ?? j.summary]]));
    expect(byKind).toEqual({ ok: ['done', 'fine'], boom: ['failed', 'disk on fire'], 'nobody-handles-this': ['failed', 'no handler for jobs of kind "nobody-handles-this"'] });
    scheduler.stop();
    store.close();
  });

  it('holds heavy jobs until the page says the user is idle', async () => {
    const store = await freshStore();
    const { ran, handler } = recorder();
    const scheduler = new MemScheduler({ store, clock, handlers: { work: handler } });
    scheduler.start();
    await scheduler.enqueue({ kind: 'work', priority: 'organise', needsIdle: true, payload: { name: 'heavy' } });
    await scheduler.enqueue({ kind: 'work', priority: 'maintenance', payload: { name: 'light' } });
    await scheduler.settled();
    expect(ran).toEqual(['light']);
    scheduler.setIdle(true);
    await scheduler.settled();
    expect(ran).toEqual(['light', 'heavy']);
    scheduler.stop();
    store.close();
  });

  it('keeps jobs that need a model queued (not failed) while none is loaded, and runs them once one is', async () => {
    const store = await freshStore();
    const { ran, handler } = recorder();
    let loaded = false;
    const scheduler = new MemScheduler({ store, clock, handlers: { 'fine-read': handler, work: handler }, needsModel: ['fine-read'], modelReady: () => loaded });
    scheduler.start();
    await scheduler.enqueue({ kind: 'fine-read', priority: 'organise', payload: { name: 'extract' } });
    await scheduler.enqueue({ kind: 'work', priority: 'maintenance', payload: { name: 'sweep' } });
    await scheduler.settled();
    expect(ran).toEqual(['sweep']);
    expect(await scheduler.queue.counts()).toMatchObject({ queued: 1, failed: 0 });
    loaded = true;
    scheduler.modelChanged();
    await scheduler.settled();
    expect(ran).toEqual(['sweep', 'extract']);
    scheduler.stop();
    store.close();
  });

  it('resumes a job its tab died in the middle of, and fails it after repeated deaths', async () => {
    const store = await freshStore();
    const started: number[] = [];
    const hang: JobHandler = (job) => {
      started.push(job.attempts);
      return new Promise(() => undefined); // the tab dies before this ends
    };
    for (let life = 1; life <= MAX_ATTEMPTS; life++) {
      const scheduler = new MemScheduler({ store, clock, handlers: { long: hang } });
      if (life === 1) await scheduler.enqueue({ kind: 'long', priority: 'add' });
      scheduler.start();
      await expect.poll(() => started.length, { timeout: 10_000 }).toBe(life);
      expect((await scheduler.queue.list(['running'], 5))[0]?.attempts).toBe(life);
      scheduler.stop(); // the tab goes away with the job running
    }
    const finisher = new MemScheduler({ store, clock, handlers: { long: async () => 'too late' } });
    finisher.start();
    await finisher.settled();
    const [job] = await finisher.queue.list(['failed', 'done'], 1);
    expect(job).toMatchObject({ state: 'failed', reason: `stopped ${MAX_ATTEMPTS} times with its tab` } satisfies Partial<JobRecord>);
    finisher.stop();
    store.close();
  });

  it('has one leader per store: a second instance only enqueues, and takes over when the first stops', async () => {
    const store = await freshStore();
    const { ran, handler } = recorder();
    const first = new MemScheduler({ store, clock, handlers: { work: handler } });
    const second = new MemScheduler({ store, clock, handlers: { work: handler } });
    first.start();
    await expect.poll(async () => (await first.status()).leader, { timeout: 10_000 }).toBe(true);
    second.start();
    first.stop();
    await expect.poll(async () => (await second.status()).leader, { timeout: 10_000 }).toBe(true);
    await second.enqueue({ kind: 'work', priority: 'add', payload: { name: 'after hand-over' } });
    await second.settled();
    expect(ran).toEqual(['after hand-over']);
    expect((await first.status()).leader).toBe(true); // it stays marked as it was; it runs nothing more
    second.stop();
    store.close();
  });
});

describe('TTL sweeps', () => {
  it('expire live memories past their time as a scheduler version, leave frozen ones alone, and run as a job', async () => {
    const { os, clock: time } = await openTestOs();
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c', name: 'c' });
    const [short, frozen, forever] = await os.add({
      userId: 'ana',
      cubeId: 'c',
      memories: [{ text: 'parking spot 42 today', ttlMs: 3_600_000 }, { text: 'frozen note', ttlMs: 1000 }, { text: 'birthday in May' }],
    });
    await os.freeze({ userId: 'ana', memoryId: frozen!.id });
    time.now += 2 * 3_600_000;
    expect(await os.sweepExpired()).toEqual({ expired: 1 });
    expect((await os.get({ userId: 'ana', memoryId: short!.id })).state).toBe('expired');
    expect((await os.get({ userId: 'ana', memoryId: frozen!.id })).state).toBe('frozen');
    expect((await os.get({ userId: 'ana', memoryId: forever!.id })).state).toBe('generated');
    const [last] = (await os.history({ userId: 'ana', memoryId: short!.id })).slice(-1);
    expect(last).toMatchObject({ action: 'expire', by: 'system:scheduler' });
    expect(await os.sweepExpired()).toEqual({ expired: 0 });
    await os.scheduler.enqueue({ kind: 'ttl-sweep', priority: 'maintenance', dedupeKey: 'ttl-sweep' });
    await os.scheduler.settled();
    const jobs = await os.listJobs({ states: ['done'] });
    expect(jobs.some((j) => j.kind === 'ttl-sweep' && j.summary === '0 memories expired, 0 old jobs pruned, 0 small vector blocks merged')).toBe(true);
    os.close();
  });
});

describe('the job history', () => {
  it('keeps a week of finished jobs (at least the newest ones) and proposals that wait for the user', async () => {
    const store = await freshStore();
    let now = 1_000_000_000_000;
    const queue = new JobQueue(store, () => now);
    const finishAt = async (kind: string, at: number, result?: unknown) => {
      now = at;
      const job = await queue.enqueue({ kind, priority: 'maintenance' });
      const taken = await queue.take(true);
      expect(taken?.id).toBe(job.id);
      await queue.finish(taken!, { state: 'done', summary: 'ok', ...(result !== undefined && { result }) });
    };
    const day = 86_400_000;
    await finishAt('fine-read', 1_000_000_000_000 - 10, { proposals: [{ key: 'k' }] });
    for (let i = 0; i < 5; i++) await finishAt('old', 1_000_000_000_000 + i);
    await finishAt('recent', 1_000_000_000_000 + 10 * day);
    now = 1_000_000_000_000 + 10 * day;
    // The newest 2 stay whatever their age ("recent" and the newest "old"); 4 old ones go; the
    // fine-read proposals are older still, but wait for the user, so they stay.
    expect(await queue.prune(now - 7 * day, 2)).toBe(4);
    const left = await queue.list(['done', 'failed'], 100);
    expect(left.map((j) => j.kind).sort()).toEqual(['fine-read', 'old', 'recent']);
    store.close();
  });
});
