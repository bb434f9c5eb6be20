import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchProfile, newProfileDir, openHarness, storeName, watchErrors } from './browser';

describe('two tabs on one store', () => {
  it('lose nothing when both write at once, and each tab finds what the other wrote', async () => {
    const context = await launchProfile(newProfileDir());
    const store = storeName('tabs');
    const first = await openHarness(context, store);
    await first.evaluate(async () => {
      await window.memos.createUser({ userId: 'ana', name: 'Ana' });
      await window.memos.createCube({ userId: 'ana', cubeId: 'c1', name: 'shared' });
    });
    const second = await openHarness(context, store);
    const errors = [watchErrors(first), watchErrors(second)];
    const writeMany = async (tab: string) => {
      const ids: string[] = [];
      await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const [m] = await window.memos.add({ userId: 'ana', cubeId: 'c1', memory: { text: `${tab} wrote fact ${i}`, tags: [tab] } });
          ids.push(m!.id);
        }),
      );
      return ids;
    };
    const [a, b] = await Promise.all([first.evaluate(writeMany, 'tabone'), second.evaluate(writeMany, 'tabtwo')]);
    expect(new Set([...a, ...b]).size).toBe(60);

    // Each tab's worker has its own index; the other tab's writes reach it through BroadcastChannel.
    const seen = async (page: typeof first) =>
      page.evaluate(async () => {
        await window.memos.settled(undefined);
        const hits = await window.memos.search({ userId: 'ana', query: 'wrote fact', topK: 100, trackUsage: false });
        return hits.length;
      });
    await expect.poll(() => seen(first), { timeout: 10_000 }).toBe(60);
    await expect.poll(() => seen(second), { timeout: 10_000 }).toBe(60);
    const total = await first.evaluate(async () => (await window.memos.getAll({ userId: 'ana', cubeId: 'c1' })).total);
    expect(total).toBe(60);

    // An edit and a purge in one tab show up in the other's searches.
    await first.evaluate(async () => {
      const [hit] = await window.memos.search({ userId: 'ana', query: 'tabtwo fact 7', trackUsage: false });
      await window.memos.update({ userId: 'ana', memoryId: hit!.memory.id, patch: { text: 'renamed to zebra' } });
      const [other] = await window.memos.search({ userId: 'ana', query: 'tabone fact 3', trackUsage: false });
      await window.memos.purge({ userId: 'ana', memoryId: other!.memory.id });
    });
    await expect
      .poll(() => second.evaluate(async () => (await window.memos.search({ userId: 'ana', query: 'zebra', trackUsage: false })).length), { timeout: 10_000 })
      .toBe(1);
    await expect.poll(() => seen(second), { timeout: 10_000 }).toBe(58);
    for (const e of errors) e.expectNone();
    await context.close();
  });
});

describe('the scheduler across tabs', () => {
  it('has one leader per store; when its tab closes, the other tab leads and runs the queued jobs', async () => {
    const context = await launchProfile(newProfileDir());
    const store = storeName('leader');
    const first = await openHarness(context, store);
    const second = await openHarness(context, store);
    const leaderOf = (page: Page) => page.evaluate(async () => (await window.memos.schedulerStatus(undefined)).leader);
    await expect.poll(() => leaderOf(first), { timeout: 10_000 }).toBe(true);
    expect(await leaderOf(second)).toBe(false);
    await first.close();
    await expect.poll(() => leaderOf(second), { timeout: 10_000 }).toBe(true);
    const jobs = await second.evaluate(async () => {
      await window.memos.sweepExpired(undefined);
      return window.memos.listJobs({ states: ['done'] });
    });
    expect(jobs.some((j) => j.kind === 'ttl-sweep')).toBe(true);
    await context.close();
  });
});
