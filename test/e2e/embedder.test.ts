import { describe, expect, it } from 'vitest';
import { harnessUrl, launchProfile, newProfileDir, storeName, watchErrors } from './browser';
import { tinyBertOnnx, tinyBertTokenizerJson, tinyBertWeights } from '../support/tiny-bert';

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
    // USE-lite runs on onnxruntime-web with int8 weights (decision 0032).
    expect(result.status).toMatchObject({ model: { modelId: 'use-lite', revision: 'energetic-ai-0.2.0+int8' }, embedded: 2, lastError: null });
    expect([...origins]).toEqual([new URL(page.url()).origin]);
    errors.expectNone();
    await context.close();
  });
});

describe('an ONNX sentence encoder as the embedder', () => {
  it('loads from a URL once, embeds in the memory worker, and loads again with that URL unreachable', async () => {
    const files = new Map<string, Buffer>([
      ['model.onnx', Buffer.from(tinyBertOnnx(tinyBertWeights(7)))],
      ['tokenizer.json', Buffer.from(JSON.stringify(tinyBertTokenizerJson()))],
    ]);
    const context = await launchProfile(newProfileDir());
    let served = true;
    await context.route((url) => url.pathname.startsWith('/tiny-encoder/'), (route) => {
      const body = files.get(new URL(route.request().url()).pathname.split('/').pop() ?? '');
      if (!served) return route.abort('internetdisconnected');
      return body ? route.fulfill({ status: 200, body, contentType: 'application/octet-stream' }) : route.fulfill({ status: 404, body: '' });
    });
    const store = storeName('onnx-embedder');
    const url = `${harnessUrl(store)}&embedder=onnx&embedderBase=/tiny-encoder/`;
    let page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url);
    const first = await page.evaluate(async () => {
      await window.memosReady;
      await window.memos.createUser({ userId: 'ana', name: 'Ana' });
      await window.memos.createCube({ userId: 'ana', cubeId: 'c1', name: 'notes' });
      await window.memos.add({ userId: 'ana', cubeId: 'c1', memories: [{ text: 'the cat sat on the mat' }, { text: 'stock markets fell sharply' }] });
      const [hit] = await window.memos.search({ userId: 'ana', query: 'stock markets fell sharply', mode: 'vector', trackUsage: false });
      return { opened: window.memosClient.opened, text: hit?.memory.text, status: await window.memos.vectorStatus({ wait: true }) };
    });
    expect(first.opened).toEqual({ embedder: 'tiny-bert', embedderError: null });
    expect(first.text).toBe('stock markets fell sharply');
    expect(first.status).toMatchObject({ model: { modelId: 'tiny-bert', dimension: 32 }, embedded: 2 });
    errors.expectNone();
    await page.close();
    served = false;
    page = await context.newPage();
    await page.goto(url);
    const second = await page.evaluate(async () => {
      await window.memosReady;
      return window.memosClient.opened;
    });
    expect(second).toEqual({ embedder: 'tiny-bert', embedderError: null });
    await context.close();
  });
});
