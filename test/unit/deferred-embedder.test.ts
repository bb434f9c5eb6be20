// A store that opens before its embedding model has loaded (DeferredEmbedder, as the memory worker
// opens with the shipped USE-lite): adding does not wait for the model, a search waits for it and for
// the vectors of memories added meanwhile, and a model that never loads leaves search to words alone.
// The model is the real USE-lite; the test holds its load back with a gate.
import { describe, expect, it } from 'vitest';
import { DeferredEmbedder } from '../../src/inference/embedders/deferred-embedder';
import type { Embedder } from '../../src/inference/embedders/embedder';
import { USE_LITE_FLOAT32_INFO } from '../../src/inference/embedders/use-lite-info';
import { openTestOs } from './helpers';
import { useLite } from './use-lite';

function gated(load: () => Promise<Embedder>): { embedder: DeferredEmbedder; open: () => void } {
  let open!: () => void;
  const gate = new Promise<void>((done) => (open = done));
  return { embedder: new DeferredEmbedder(USE_LITE_FLOAT32_INFO, async () => (await gate, load())), open };
}

describe('a store whose embedder is still loading', () => {
  it('takes memories at once, and finds them by meaning once the model is there', async () => {
    const { embedder, open } = gated(() => useLite());
    const { os } = await openTestOs({ embedder });
    expect(embedder.ready).toBe(false);
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'notes' });
    // The add returns while the model is held back.
    await os.add({ userId: 'ana', cubeId: 'c1', memories: [{ text: 'A kitten rested on a rug by the fire' }, { text: 'Stock markets fell sharply' }] });
    expect(embedder.ready).toBe(false);
    const searching = os.search({ userId: 'ana', query: 'cat sleeping on a carpet' });
    open();
    const [hit] = await searching;
    expect(hit?.memory.text).toBe('A kitten rested on a rug by the fire');
    expect(hit?.parts.vectorRank).toBe(1);
    await expect(os.vectorStatus({})).resolves.toMatchObject({ embedded: 2, lastError: null });
    os.close();
  });

  it('finds memories added while loading when the model arrives between the add and the search', async () => {
    // The race CI caught: the model loaded after the add, its catch-up still running when the search came.
    const { embedder, open } = gated(() => useLite());
    const { os } = await openTestOs({ embedder });
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'notes' });
    await os.add({ userId: 'ana', cubeId: 'c1', memories: [{ text: 'A kitten rested on a rug by the fire' }, { text: 'Stock markets fell sharply' }] });
    open();
    await embedder.whenReady();
    expect(embedder.ready).toBe(true);
    const [hit] = await os.search({ userId: 'ana', query: 'cat sleeping on a carpet', trackUsage: false });
    expect(hit?.memory.text).toBe('A kitten rested on a rug by the fire');
    expect(hit?.parts.vectorRank).toBe(1);
    os.close();
  });

  it('answers by words when the model never loads, and keeps every memory', async () => {
    const { embedder, open } = gated(() => Promise.reject(new Error('weights missing')));
    const { os } = await openTestOs({ embedder });
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'notes' });
    await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'The kitten sleeps on the rug' } });
    open();
    const hits = await os.search({ userId: 'ana', query: 'kitten' });
    expect(hits.map((h) => h.memory.text)).toEqual(['The kitten sleeps on the rug']);
    expect(hits[0]?.parts.vectorRank).toBeNull();
    expect(embedder.failed).toBe(true);
    expect((await os.vectorStatus({}))?.lastError ?? '').toMatch(/weights missing/);
    os.close();
  });
});
