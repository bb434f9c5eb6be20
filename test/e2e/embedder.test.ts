import { describe, expect, it } from 'vitest';
import { harnessUrl, launchProfile, newProfileDir, storeName, watchErrors } from './browser';

describe('the offline embedder in the memory worker', () => {
  it('loads from our own origin with no other network, and finds a paraphrase through vectors', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    const origins = new Set<string>();
    page.on('request', (r) => origins.add(new URL(r.url()).origin));
    await page.goto(`${harnessUrl(storeName('embedder'))}&embedder=use-lite`);
    const result = await page.evaluate(async () => {
      await window.memosReady;
      await window.memos.createUser({ userId: 'ana', name: 'Ana' });
      await window.memos.createCube({ userId: 'ana', cubeId: 'c1', name: 'notes' });
      await window.memos.add({ userId: 'ana', cubeId: 'c1', memories: [{ text: 'A kitten rested on a rug by the fire' }, { text: 'Stock markets fell sharply' }] });
      const [hit] = await window.memos.search({ userId: 'ana', query: 'cat sleeping on a carpet', trackUsage: false });
      return { opened: window.memosClient.opened, text: hit?.memory.text, parts: hit?.parts, status: await window.memos.vectorStatus({}) };
    });
    expect(result.opened).toEqual({ embedder: 'use-lite', embedderError: null });
    expect(result.text).toBe('A kitten rested on a rug by the fire');
    expect(result.parts).toMatchObject({ bm25Rank: null, vectorRank: 1 });
    expect(result.status).toMatchObject({ embedded: 2, lastError: null });
    expect([...origins]).toEqual([new URL(page.url()).origin]);
    errors.expectNone();
    await context.close();
  });
});
