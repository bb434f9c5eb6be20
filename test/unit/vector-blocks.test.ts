// Vectors are stored in blocks (many memories' vectors in one IndexedDB record). The embedder here is
// the seeded random-projection one of the benchmarks: it stands for a real model (same interface,
// deterministic vectors), wrapped to count what it is asked to embed.
import { describe, expect, it } from 'vitest';
import { projectionEmbedder } from '../../bench/lib/synthetic';
import { fingerprintKey, type Embedder } from '../../src/inference/embedders/embedder';
import { embeddingText } from '../../src/memory/vector-memory';
import { textHash } from '../../src/core/hash';
import { MemOS } from '../../src/os/memos';
import { MIGRATIONS, type VectorBlockRecord } from '../../src/storage/schema';
import { Store } from '../../src/storage/store';

function counted(inner: Embedder): { embedder: Embedder; texts: string[] } {
  const texts: string[] = [];
  return { texts, embedder: { ...inner, embed: (batch, signal) => (texts.push(...batch), inner.embed(batch, signal)) } };
}

async function blocksOf(name: string): Promise<VectorBlockRecord[]> {
  const store = await Store.open({ name });
  try {
    return await store.read(['vectorBlocks'], (tx) => tx.objectStore('vectorBlocks').getAll());
  } finally {
    store.close();
  }
}

async function openWithCube(name: string, embedder: Embedder): Promise<MemOS> {
  const os = await MemOS.open({ name, embedder });
  await os.createUser({ userId: 'ana', name: 'Ana' });
  await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'notes' });
  return os;
}

/** Reopened, the store's vectors come back from the blocks and nothing needs embedding again. */
async function expectVectorsKeptOnReopen(name: string, dimension: number, count: number): Promise<void> {
  const again = counted(projectionEmbedder(dimension));
  const reopened = await MemOS.open({ name, embedder: again.embedder });
  await reopened.vectorStatus({ wait: true });
  expect(again.texts).toEqual([]);
  expect((await reopened.vectorStatus())!.embedded).toBe(count);
  reopened.close();
}

describe('vectors in blocks', () => {
  it('writes one add as one block, and an edit or a purge takes the memory out of it', async () => {
    const name = `blocks-${Math.random()}`;
    const os = await openWithCube(name, projectionEmbedder(32));
    const added = await os.add({ userId: 'ana', cubeId: 'c1', memories: ['red kite over the hills', 'a green teapot', 'blue whales sing', 'a yellow tram'].map((text) => ({ text })) });
    let blocks = await blocksOf(name);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.memoryIds).toEqual(added.map((m) => m.id));
    expect(blocks[0]!.data).toHaveLength(4 * 32);
    const [kite, teapot] = added;
    await os.update({ userId: 'ana', memoryId: teapot!.id, patch: { text: 'a green teapot with a chipped spout' } });
    blocks = await blocksOf(name);
    // The edited memory's vector lives in a block of its own now; the first block kept the other three.
    expect(blocks.map((b) => b.memoryIds.length).sort()).toEqual([1, 3]);
    expect(blocks.flatMap((b) => b.memoryIds).filter((id) => id === teapot!.id)).toHaveLength(1);
    const moved = blocks.find((b) => b.memoryIds.includes(teapot!.id))!;
    expect(moved.textHashes[0]).toBe(textHash(embeddingText({ key: null, text: 'a green teapot with a chipped spout' })));
    await os.purge({ userId: 'ana', memoryId: kite!.id });
    await os.purge({ userId: 'ana', memoryId: teapot!.id });
    blocks = await blocksOf(name);
    // Purged means gone from the store, vectors included; an emptied block is deleted.
    expect(blocks.flatMap((b) => b.memoryIds).sort()).toEqual([added[2]!.id, added[3]!.id].sort());
    expect(blocks).toHaveLength(1);
    const [hit] = await os.search({ userId: 'ana', query: 'whales', mode: 'vector', trackUsage: false });
    expect(hit!.memory.id).toBe(added[2]!.id);
    os.close();
    await expectVectorsKeptOnReopen(name, 32, 2);
  });

  it('merges the small blocks of memories added one at a time when the sweep runs, keeping every vector', async () => {
    const name = `merge-${Math.random()}`;
    const os = await openWithCube(name, projectionEmbedder(16));
    const added = [];
    for (let i = 0; i < 70; i++) added.push(...(await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: `turn number ${i} about topic ${i % 7}` } })));
    await os.createCube({ userId: 'ana', cubeId: 'c2', name: 'other' });
    await os.add({ userId: 'ana', cubeId: 'c2', memory: { text: 'a lone memory in another cube' } });
    expect(await blocksOf(name)).toHaveLength(71);
    const before = await os.search({ userId: 'ana', query: 'turn number 33 about topic 5', mode: 'vector', trackUsage: false, cubeIds: ['c1'] });
    await os.scheduler.enqueue({ kind: 'ttl-sweep', priority: 'maintenance', dedupeKey: 'ttl-sweep' });
    await os.scheduler.settled();
    const jobs = await os.listJobs({ states: ['done'] });
    expect(jobs.find((j) => j.kind === 'ttl-sweep')?.summary).toContain('70 small vector blocks merged');
    const blocks = await blocksOf(name);
    // Blocks do not mix cubes: c1's 70 vectors in one block, c2's lone one left as it was.
    expect(blocks.map((b) => `${b.cubeId}:${b.memoryIds.length}`).sort()).toEqual(['c1:70', 'c2:1']);
    expect(new Set(blocks[0]!.memoryIds.concat(blocks[1]!.memoryIds)).size).toBe(71);
    const after = await os.search({ userId: 'ana', query: 'turn number 33 about topic 5', mode: 'vector', trackUsage: false, cubeIds: ['c1'] });
    expect(after.map((h) => [h.memory.id, h.score])).toEqual(before.map((h) => [h.memory.id, h.score]));
    await os.purge({ userId: 'ana', memoryId: added[33]!.id });
    expect((await blocksOf(name)).find((b) => b.cubeId === 'c1')!.memoryIds).toHaveLength(69);
    os.close();
    await expectVectorsKeptOnReopen(name, 16, 70);
  });

  it('moves the per-memory vectors of a version-5 database into blocks, keeping them', async () => {
    const name = `v5-${Math.random()}`;
    const model = projectionEmbedder(16);
    const v5 = await Store.open({ name, migrations: MIGRATIONS.slice(0, 5) });
    const texts = ['the old lighthouse', 'a paper boat', 'fresh bread at dawn'];
    const vectors = await model.embed(texts);
    await v5.write(['users', 'cubes', 'memories', 'vectors'], async (tx) => {
      await tx.objectStore('users').add({ userId: 'ana', name: 'Ana', createdAt: 1, registeredCubeIds: ['c1'] } as never);
      await tx.objectStore('cubes').add({ cubeId: 'c1', ownerId: 'ana', name: 'notes', createdAt: 1, sharedWith: [], shares: {}, policy: {} } as never);
      for (const [i, text] of texts.entries()) {
        const id = `mem_${i}`;
        await tx.objectStore('memories').add({
          id, cubeId: 'c1', ownerId: 'ana', text, key: null, semanticType: 'other', memoryType: 'long-term', tags: [], visibility: 'shared', expiresAt: null,
          priority: 5, sensitivity: [], state: 'generated', createdAt: 1, updatedAt: 1, source: 'user', sourceRefs: [], usage: { accessCount: 0, lastAccessAt: null, hits: [] }, version: 1, stateBefore: null,
        } as never);
        // The last one was stored without the hash of its text (as written before hashes were kept).
        await tx.objectStore('vectors').put({ memoryId: id, cubeId: 'c1', model: fingerprintKey(model.fingerprint), vector: vectors[i]!, ...(i < 2 && { textHash: textHash(text) }) } as never);
      }
    });
    v5.close();
    const watch = counted(projectionEmbedder(16));
    const os = await MemOS.open({ name, embedder: watch.embedder });
    await os.vectorStatus({ wait: true });
    const blocks = await blocksOf(name);
    expect(blocks.flatMap((b) => b.memoryIds).sort()).toEqual(['mem_0', 'mem_1', 'mem_2']);
    // Vectors with their hash were kept as they were; the one without was made again.
    expect(watch.texts).toEqual(['fresh bread at dawn']);
    const store = await Store.open({ name });
    expect([...store.db.objectStoreNames]).not.toContain('vectors');
    store.close();
    const [hit] = await os.search({ userId: 'ana', query: 'a paper boat', mode: 'vector', trackUsage: false });
    expect(hit!.memory.id).toBe('mem_1');
    expect(hit!.parts.vector).toBeCloseTo(1, 2);
    os.close();
  });
});
