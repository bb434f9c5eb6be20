// Progress and cancel across the worker: onProgress crosses as a proxy and an AbortSignal stops the
// call, for opening a store (MemosClient.open) and for an API call (importCube).
import { describe, expect, it } from 'vitest';
import type { TaskProgress } from '../../src/protocol/memory-types';
import { launchProfile, newProfileDir, openHarness, storeName, watchErrors } from './browser';

describe('long calls from the page', () => {
  it('report progress from the worker and stop when the page aborts them', async () => {
    const context = await launchProfile(newProfileDir());
    const store = storeName('progress');
    const page = await openHarness(context, store);
    const errors = watchErrors(page);
    const result = await page.evaluate(async (name) => {
      await window.memos.createUser({ userId: 'ana', name: 'Ana' });
      await window.memos.createCube({ userId: 'ana', cubeId: 'c1', name: 'notes' });
      await window.memos.add({ userId: 'ana', cubeId: 'c1', memories: Array.from({ length: 1_500 }, (_, i) => ({ text: `note ${i}` })) });
      const file = await window.memos.exportCube({ userId: 'ana', cubeId: 'c1' });

      // Importing: reports arrive from the worker; an abort as soon as the file is being checked keeps nothing.
      const controller = new AbortController();
      const stopped = await window.memos
        .importCube({ userId: 'ana', file, mode: 'copy' }, { signal: controller.signal, onProgress: () => controller.abort() })
        .then(() => 'stored', (e: { code?: string }) => e.code);
      const cubesAfterAbort = (await window.memos.listCubes({ userId: 'ana' })).length;
      const imports: TaskProgress[] = [];
      await window.memos.importCube({ userId: 'ana', file, mode: 'copy' }, { onProgress: (p) => imports.push(p) });
      await new Promise((done) => setTimeout(done, 100));

      // Opening a second client on the same store: the index rebuild reports; an abort stops the worker.
      const opening: TaskProgress[] = [];
      const second = await window.MemosClient.open({ name, embedder: 'none', reportIdle: false, onProgress: (p) => opening.push(p) });
      await new Promise((done) => setTimeout(done, 100));
      await second.close();
      const cancel = new AbortController();
      const cancelled = await window.MemosClient.open({ name, embedder: 'none', reportIdle: false, signal: cancel.signal, onProgress: () => cancel.abort() }).then(
        () => 'opened',
        (e: { code?: string }) => e.code,
      );
      return { stopped, cubesAfterAbort, imports, opening: opening.filter((p) => p.phase === 'index'), cancelled };
    }, store);
    expect(result.stopped).toBe('ABORTED');
    expect(result.cubesAfterAbort).toBe(1);
    expect(result.imports.map((p) => p.phase)).toEqual(['checking', 'storing', 'storing']);
    expect(result.imports.at(-1)).toMatchObject({ done: 1_500, total: 1_500 });
    expect(result.opening.at(-1)).toEqual({ phase: 'index', done: 3_000, total: 3_000, unit: 'items' });
    expect(result.cancelled).toBe('ABORTED');
    errors.expectNone();
    await context.close();
  });
});
