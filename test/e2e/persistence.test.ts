import { describe, expect, it } from 'vitest';
import { launchProfile, newProfileDir, openHarness, storeName, watchErrors } from './browser';

describe('in a real Chromium with the real worker and IndexedDB', () => {
  it('keeps users, cubes, memories, history and the audit log across a relaunch of the browser', async () => {
    const profile = newProfileDir();
    const store = storeName('persist');
    let context = await launchProfile(profile);
    let page = await openHarness(context, store);
    const errors = watchErrors(page);
    const memoryId = await page.evaluate(async () => {
      await window.memos.createUser({ userId: 'ana', name: 'Ana' });
      await window.memos.createCube({ userId: 'ana', cubeId: 'c1', name: 'notes' });
      const [m] = await window.memos.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'The spare key is under the blue pot' } });
      await window.memos.update({ userId: 'ana', memoryId: m!.id, patch: { text: 'The spare key is under the red pot' }, reason: 'moved it' });
      return m!.id;
    });
    errors.expectNone();
    await context.close();

    context = await launchProfile(profile);
    page = await openHarness(context, store);
    const after = await page.evaluate(async (id) => {
      const hits = await window.memos.search({ userId: 'ana', query: 'spare key pot', trackUsage: false });
      const history = await window.memos.history({ userId: 'ana', memoryId: id });
      const audit = await window.memos.auditLog({ userId: 'ana', cubeId: 'c1' });
      return { texts: hits.map((h) => h.memory.text), history: history.map((v) => [v.version, v.action, v.reason]), audit: audit.map((e) => e.action) };
    }, memoryId);
    expect(after.texts).toEqual(['The spare key is under the red pot']);
    expect(after.history).toEqual([
      [1, 'create', null],
      [2, 'update', 'moved it'],
    ]);
    expect(after.audit).toEqual(['memory.update', 'memory.add', 'cube.create']);
    await context.close();
  });

  it('keeps the MemosError code across the worker boundary, and aborts a call from the page', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await openHarness(context, storeName('errors'));
    const result = await page.evaluate(async () => {
      await window.memos.createUser({ userId: 'ana', name: 'Ana' });
      await window.memos.createUser({ userId: 'ben', name: 'Ben' });
      await window.memos.createCube({ userId: 'ana', cubeId: 'c1', name: 'private' });
      const codeOf = async (p: Promise<unknown>) => {
        try {
          await p;
          return 'no error';
        } catch (e) {
          return e instanceof window.MemosError ? e.code : `not a MemosError: ${String(e)}`;
        }
      };
      const forbidden = await codeOf(window.memos.add({ userId: 'ben', cubeId: 'c1', memory: { text: 'x' } }));
      const invalid = await codeOf(window.memos.search({ userId: 'ana', query: 'x', topK: -1 }));
      const controller = new AbortController();
      const memories = Array.from({ length: 2000 }, (_, i) => ({ text: `bulk memory ${i} `.repeat(20) }));
      const pending = window.memos.add({ userId: 'ana', cubeId: 'c1', memories }, { signal: controller.signal });
      controller.abort();
      const aborted = await codeOf(pending);
      const left = await window.memos.getAll({ userId: 'ana', cubeId: 'c1' });
      return { forbidden, invalid, aborted, left: left.total };
    });
    expect(result).toEqual({ forbidden: 'FORBIDDEN', invalid: 'INVALID_INPUT', aborted: 'ABORTED', left: 0 });
    await context.close();
  });
});
