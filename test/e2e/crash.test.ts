import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { harnessUrl, launchProfile, newProfileDir, openHarness, spawnKillable, storeName } from './browser';

/** Counts the ids the page acknowledges through window.ack. */
async function collectAcks(context: BrowserContext): Promise<string[]> {
  const acked: string[] = [];
  await context.exposeFunction('ack', (id: string) => {
    acked.push(id);
  });
  return acked;
}

/** Creates Ana's cube, then starts an endless series of adds; each acknowledged id goes to window.ack. */
async function startAdding(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await window.memosReady;
    await window.memos.createUser({ userId: 'ana', name: 'Ana' });
    await window.memos.createCube({ userId: 'ana', cubeId: 'c1', name: 'crash' });
  });
  await page.evaluate(() => {
    void (async () => {
      for (let i = 0; ; i++) {
        const memories = Array.from({ length: 5 }, (_, j) => ({ text: `crash memory ${i}.${j} ${'detail '.repeat(50)}` }));
        const added = await window.memos.add({ userId: 'ana', cubeId: 'c1', memories });
        for (const m of added) await window.ack!(m.id);
      }
    })();
  });
}

/** Checks a store read back after the crash against the ids acknowledged before it. */
function expectWhole(after: Awaited<ReturnType<typeof inspect>>, acknowledged: readonly string[]): void {
  expect(after.broken).toEqual([]);
  expect(after.partial).toEqual([]);
  const stored = new Set(after.ids);
  expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
}

/** Reads back the store and checks that every memory is whole: its versions and its audit entry. */
async function inspect(page: Page) {
  return page.evaluate(async () => {
    const items = [];
    for (let offset: number | null = 0; offset !== null; ) {
      const page = await window.memos.getAll({ userId: 'ana', cubeId: 'c1', offset, limit: 1000 });
      items.push(...page.items);
      offset = page.nextOffset;
    }
    const audit = await window.memos.auditLog({ userId: 'ana', cubeId: 'c1', actions: ['memory.add'], limit: 1000 });
    const audited = new Set(audit.flatMap((e) => e.memoryIds));
    const broken: string[] = [];
    for (const m of items) {
      const history = await window.memos.history({ userId: 'ana', memoryId: m.id });
      if (history.length !== 1 || history[0]!.snapshot.text !== m.text) broken.push(`${m.id}: history`);
      if (!audited.has(m.id)) broken.push(`${m.id}: audit`);
      if (!/^crash memory \d+\.\d (detail ){49}detail$/.test(m.text)) broken.push(`${m.id}: text`);
    }
    const batches = new Map<string, number>();
    for (const m of items) {
      const batch = /^crash memory (\d+)\./.exec(m.text)![1]!;
      batches.set(batch, (batches.get(batch) ?? 0) + 1);
    }
    const partial = [...batches].filter(([, n]) => n !== 5).map(([b]) => b);
    return { ids: items.map((m) => m.id), broken, partial };
  });
}

describe('a crash in the middle of a batch of adds', () => {
  it('keeps every acknowledged add whole after the browser is killed (SIGKILL), and nothing half written', async () => {
    const profile = newProfileDir();
    const store = storeName('crash');
    const killable = await spawnKillable(profile);
    const context = killable.browser.contexts()[0]!;
    const acked = await collectAcks(context);
    const page = await context.newPage();
    await page.goto(harnessUrl(store));
    await startAdding(page);
    await expect.poll(() => acked.length, { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual(60);
    await killable.kill();
    const ackedAtKill = [...acked];

    const relaunched = await launchProfile(profile);
    expectWhole(await inspect(await openHarness(relaunched, store)), ackedAtKill);
    await relaunched.close();
  });

  it('keeps every acknowledged add whole when the page is closed mid-batch', async () => {
    const context = await launchProfile(newProfileDir());
    const store = storeName('close');
    const acked = await collectAcks(context);
    const page = await openHarness(context, store);
    await startAdding(page);
    await expect.poll(() => acked.length, { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual(40);
    await page.close();
    const ackedAtClose = [...acked];
    expectWhole(await inspect(await openHarness(context, store)), ackedAtClose);
    await context.close();
  });
});
