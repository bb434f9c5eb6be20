// Changing the embedding model: the new model re-embeds in the background while search keeps using
// the old vectors. The two "models" are seeded random-projection embedders (bench/lib/synthetic.ts):
// they stand for two real models with different fingerprints, at no cost.
import { describe, expect, it } from 'vitest';
import { fingerprintKey, type Embedder } from '../../src/inference/embedders/embedder';
import { projectionEmbedder } from '../../bench/lib/synthetic';
import { openTestOs } from './helpers';

/** An embedder whose batch embeddings wait until `release()` (its one-text query calls do not). */
function gated(inner: Embedder): { embedder: Embedder; release: () => void; batches: () => number } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let batches = 0;
  return {
    embedder: {
      fingerprint: inner.fingerprint,
      async embed(texts, signal) {
        if (texts.length > 1) {
          batches++;
          await gate;
        }
        return inner.embed(texts, signal);
      },
      dispose: () => inner.dispose(),
    },
    release,
    batches: () => batches,
  };
}

/** How many vector blocks of a model a store holds, read straight from IndexedDB. */
async function blocksOf(storeName: string, model: string): Promise<number> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(storeName);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    return await new Promise<number>((resolve, reject) => {
      const request = db.transaction('vectorBlocks').objectStore('vectorBlocks').index('byModel').count(model);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

describe('changing the embedding model', () => {
  it('keeps serving the old vectors until the new model has re-embedded every memory, then switches', async () => {
    const oldModel = projectionEmbedder(64, 1);
    const first = await openTestOs({ embedder: oldModel });
    await first.os.createUser({ userId: 'ana', name: 'Ana' });
    await first.os.createCube({ userId: 'ana', cubeId: 'c', name: 'c' });
    await first.os.add({ userId: 'ana', cubeId: 'c', memories: [{ text: 'the cat sat on the mat' }, { text: 'stock markets fell sharply' }, { text: 'rain is forecast for tuesday' }] });
    first.os.close();

    const newModel = gated(projectionEmbedder(64, 2));
    const { os } = await openTestOs({ name: first.name, embedder: newModel.embedder, previousEmbedder: projectionEmbedder(64, 1) });
    const during = await os.vectorStatus();
    expect(during).toMatchObject({ model: { revision: '2' }, serving: { revision: '1' }, embedded: 0, syncing: true });
    const [hit] = await os.search({ userId: 'ana', query: 'cat mat', mode: 'vector', trackUsage: false });
    expect(hit?.memory.text).toBe('the cat sat on the mat');

    newModel.release();
    const after = await os.vectorStatus({ wait: true });
    expect(after).toMatchObject({ model: { revision: '2' }, serving: { revision: '2' }, embedded: 3, syncing: false, lastError: null });
    const [again] = await os.search({ userId: 'ana', query: 'markets fell', mode: 'vector', trackUsage: false });
    expect(again?.memory.text).toBe('stock markets fell sharply');
    expect(newModel.batches()).toBeGreaterThan(0);
    // The old model's vectors are then deleted from the store too (they would only take room).
    const oldKey = fingerprintKey(projectionEmbedder(64, 1).fingerprint);
    await expect.poll(() => blocksOf(first.name, oldKey)).toBe(0);
    expect(await blocksOf(first.name, fingerprintKey(projectionEmbedder(64, 2).fingerprint))).toBeGreaterThan(0);
    os.close();
    const { os: reopened } = await openTestOs({ name: first.name, embedder: projectionEmbedder(64, 2), previousEmbedder: projectionEmbedder(64, 1) });
    expect(await reopened.vectorStatus()).toMatchObject({ serving: { revision: '2' }, embedded: 3 });
    reopened.close();
  });
});
