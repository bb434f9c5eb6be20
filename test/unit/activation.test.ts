import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyKvCache } from '../../src/inference/decoding/kv-cache';
import type { OrtDecoder } from '../../src/inference/decoding/ort-decoder';
import { concatCaches, shiftKeys } from '../../src/inference/decoding/rope';
import { decodeCache, encodeCache } from '../../src/memory/activation/activation-store';
import { decodeTensor, encodeTensor, fromHalf, toHalf } from '../../src/memory/activation/kv-codec';
import { activationPrompt, idsAfterPrefix, usableCache } from '../../src/os/activations';
import { memoryBlock, memoryLine } from '../../src/protocol/memory-block';
import type { MemOS } from '../../src/os/memos';
import { SYNTHETIC_SHAPES } from '../../src/inference/onnx/synthetic-llama';
import { maxAbsDiff, storiesDecoder, syntheticDecoder } from '../support/decoders';
import { HAS_STORIES } from '../support/shared-models';
import { errorOf, openTestOs } from './helpers';

describe('the KV tensor codec', () => {
  it('converts to and from half precision with round-to-nearest-even, infinities and subnormals', () => {
    for (const v of [0, 1, -2.5, 65504, 1e-7, 3.14159, -0.000061035]) expect(Math.abs(fromHalf(toHalf(v)) - v)).toBeLessThanOrEqual(Math.abs(v) * 1e-3 + 6e-8);
    expect(fromHalf(toHalf(1e6))).toBe(Infinity);
    expect(toHalf(1 + 2 ** -11)).toBe(toHalf(1)); // a tie rounds to even
  });

  it('round-trips fp32 exactly and keeps fp16 and int8 within their precision', () => {
    const shape = { kvHeads: 2, length: 5, headDim: 4 };
    const tensor = Float32Array.from({ length: 40 }, (_, i) => Math.sin(i) * (i % 4 === 0 ? 10 : 1));
    expect(decodeTensor(encodeTensor(tensor, 'fp32', shape), 'fp32', shape)).toEqual(tensor);
    expect(maxAbsDiff(decodeTensor(encodeTensor(tensor, 'fp16', shape), 'fp16', shape), tensor)).toBeLessThan(0.01);
    expect(maxAbsDiff(decodeTensor(encodeTensor(tensor, 'int8', shape), 'int8', shape), tensor)).toBeLessThan(10 / 127);
    expect(encodeTensor(tensor, 'int8', shape).byteLength).toBe(8 * 4 + 40);
    expect(() => decodeTensor(new Uint8Array(7), 'fp32', shape)).toThrow(expect.objectContaining({ code: 'KV_CORRUPT' }));
  });
});

describe('moving keys with RoPE', () => {
  it('undoes a shift with the opposite shift, and leaves values alone', () => {
    const cache = { layers: 1, kvHeads: 2, headDim: 8, length: 3, keys: [Float32Array.from({ length: 48 }, (_, i) => Math.cos(i))], values: [Float32Array.from({ length: 48 }, (_, i) => i)] };
    for (const layout of ['interleaved', 'half'] as const) {
      const there = shiftKeys(cache, 37, { theta: 10000, layout });
      expect(maxAbsDiff(there.keys[0]!, cache.keys[0]!)).toBeGreaterThan(0.01);
      expect(there.values[0]).toBe(cache.values[0]);
      expect(maxAbsDiff(shiftKeys(there, -37, { theta: 10000, layout }).keys[0]!, cache.keys[0]!)).toBeLessThan(1e-5);
    }
  });
});

describe.skipIf(!HAS_STORIES)('activation memory on stories260K (needs ../shared)', () => {
  let decoder: OrtDecoder;
  beforeAll(async () => {
    decoder = await storiesDecoder();
  });
  afterAll(() => decoder?.dispose());

  const seed = async () => {
    const opened = await openTestOs();
    const { os } = opened;
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'life', name: 'Life' });
    const memories = await os.add({
      userId: 'ana',
      cubeId: 'life',
      memories: [{ text: 'Lily has a red ball.' }, { text: 'Tom likes the park.' }, { text: 'The cat is named Max.' }],
    });
    os.setLanguageModel(decoder);
    return { ...opened, memories };
  };

  it('injects exactly: logits after the stored prefix equal the full prompt prefilled from scratch, and greedy output is identical', async () => {
    const { os, memories, name } = await seed();
    const item = await os.buildActivation({ userId: 'ana', cubeId: 'life', memoryIds: memories.map((m) => m.id) });
    expect(item).toMatchObject({ encoding: 'fp32', staleReason: null, positions: { start: 0 }, model: { modelId: 'stories260K', layers: 5, kvHeads: 4, headDim: 8 } });
    expect(item.sources.map((s) => s.memoryId)).toEqual(memories.map((m) => m.id));
    expect(item.text).toContain('Lily has a red ball.');
    os.close();
    // Reopen (a reload): the cache comes back from IndexedDB.
    const { os: reopened } = await openTestOs({ name });
    reopened.setLanguageModel(decoder);
    const [stored] = await reopened.listActivations({ userId: 'ana', cubeId: 'life' });
    expect(stored?.id).toBe(item.id);
    const query = decoder.tokenizer.encode('User: Who has a red ball?\nAssistant:');
    const prefix = await loadCache(reopened, item.id, decoder);
    expect(prefix.length).toBe(item.tokenIds.length);
    const injected = await decoder.forward(query, prefix, true);
    const scratch = await decoder.forward([...item.tokenIds, ...query], undefined, true);
    expect(maxAbsDiff(injected.logits, scratch.logits.subarray(item.tokenIds.length * 512))).toBeLessThanOrEqual(1e-4);
    const a = await decoder.generate({ promptIds: query, prefix }, { maxTokens: 40 });
    const b = await decoder.generate({ promptIds: [...item.tokenIds, ...query] }, { maxTokens: 40 });
    expect(a.tokenIds).toEqual(b.tokenIds);
    reopened.close();
  });

  it('measures what fp16 and int8 storage do to the logits', async () => {
    const { os, memories } = await seed();
    const prompt = await activationPrompt(decoder, memories);
    const cache = await decoder.kv.prefill(prompt.tokenIds);
    const query = decoder.tokenizer.encode('User: Who likes the park?\nAssistant:');
    const exact = await decoder.forward(query, cache);
    const errors: Record<string, number> = {};
    for (const encoding of ['fp16', 'int8'] as const) {
      const item = { id: 'x', model: { layers: 5, kvHeads: 4, headDim: 8 }, positions: { start: 0, end: cache.length }, encoding } as never;
      const roundTrip = await decodeCache(item, (await encodeCache(cache, encoding, 'x', 'life')).blobs);
      errors[encoding] = maxAbsDiff((await decoder.forward(query, roundTrip)).logits, exact.logits);
    }
    console.info(`max |Δlogit| after storage: fp16 ${errors['fp16']!.toExponential(2)}, int8 ${errors['int8']!.toExponential(2)}`);
    expect(errors['fp16']).toBeLessThan(0.01);
    expect(errors['int8']).toBeLessThan(0.5);
    os.close();
  });

  it('refuses a damaged cache with KV_CORRUPT and another model’s with KV_INCOMPATIBLE; chat says why and pastes the text instead', async () => {
    const { os, memories, name } = await seed();
    const item = await os.buildActivation({ userId: 'ana', cubeId: 'life', memoryIds: memories.map((m) => m.id) });
    await os.activate({ userId: 'ana', activationId: item.id, sessionId: 's1' });
    const { decoder: other } = await syntheticDecoder(SYNTHETIC_SHAPES.tiny, 2);
    os.setLanguageModel(other);
    const reply = await os.chat({ userId: 'ana', sessionId: 's1', messages: [{ role: 'user', content: 'Who has a red ball?' }], maxTokens: 4, memoryTokens: 200, writeCubeId: null });
    expect(reply.activation).toMatchObject({ id: item.id, used: false });
    expect(reply.activation?.reason).toMatch(/^KV_INCOMPATIBLE/);
    expect(reply.memories.length).toBeGreaterThan(0);
    await other.dispose();
    os.setLanguageModel(decoder);
    // Flip one byte of one stored chunk, as a disk error would.
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('blobs', 'readwrite');
      const store = tx.objectStore('blobs');
      const get = store.get(`${item.id}/kv/0`);
      get.onsuccess = () => {
        const blob = get.result as { data: ArrayBuffer };
        const bytes = new Uint8Array(blob.data);
        bytes[3] = (bytes[3] as number) ^ 0xff;
        store.put(blob);
      };
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    // The copy this instance read and checked when the cube was activated stays in its memory; the
    // damage is found where the chunks are read again: after a reload.
    os.close();
    const { os: reloaded } = await openTestOs({ name });
    reloaded.setLanguageModel(decoder);
    const damaged = await reloaded.chat({ userId: 'ana', sessionId: 's1', messages: [{ role: 'user', content: 'Who has a red ball?' }], maxTokens: 4, writeCubeId: null });
    expect(damaged.activation?.reason).toMatch(/^KV_CORRUPT/);
    expect(reloaded.kvMemoryStatus().activationIds).toEqual([]);
    reloaded.close();
  });

  it('keeps an activated cube decoded in memory: later turns skip reading and checking its chunks, and answer as a cold start does', async () => {
    const { os, memories, name } = await seed();
    const item = await os.buildActivation({ userId: 'ana', cubeId: 'life', memoryIds: memories.map((m) => m.id), encoding: 'fp16' });
    await os.activate({ userId: 'ana', activationId: item.id, sessionId: 'hot' });
    await expect.poll(() => os.kvMemoryStatus().activationIds).toEqual([item.id]); // warmed when activated
    expect(os.kvMemoryStatus().bytes).toBe(2 * 5 * 4 * 8 * item.tokenIds.length * 4); // float32 keys and values, 5 layers
    const ask = (target: MemOS) => target.chat({ userId: 'ana', sessionId: 'hot', messages: [{ role: 'user', content: 'Who has a red ball?' }], maxTokens: 12, writeCubeId: null });
    const first = await ask(os);
    const second = await ask(os);
    expect(first.activation).toEqual({ id: item.id, used: true, reason: null });
    expect(second.answer).toBe(first.answer);
    os.close();
    // A cold start (a reload, nothing in memory until the first turn reads the chunks) answers the same.
    const { os: cold } = await openTestOs({ name });
    cold.setLanguageModel(decoder);
    expect(cold.kvMemoryStatus().activationIds).toEqual([]);
    expect((await ask(cold)).answer).toBe(first.answer);
    expect(cold.kvMemoryStatus().activationIds).toEqual([item.id]);
    await cold.evictActivation({ userId: 'ana', activationId: item.id });
    expect(cold.kvMemoryStatus()).toEqual({ bytes: 0, activationIds: [] });
    cold.close();
  });

  it('chat starts from the active KV cube instead of pasting its memories, and a changed source makes it stale', async () => {
    const { os, memories } = await seed();
    const item = await os.buildActivation({ userId: 'ana', cubeId: 'life', query: 'ball park cat', encoding: 'fp16' });
    await os.activate({ userId: 'ana', activationId: item.id, sessionId: 's2' });
    const reply = await os.chat({ userId: 'ana', sessionId: 's2', messages: [{ role: 'user', content: 'Who has a red ball?' }], maxTokens: 20 });
    expect(reply.activation).toEqual({ id: item.id, used: true, reason: null });
    expect(reply.memories).toEqual([]);
    const [used] = await os.listActivations({ userId: 'ana', cubeId: 'life' });
    expect(used?.usage).toMatchObject({ accessCount: 1, hits: [{ by: 'chat' }] });
    expect(reply.memoryTokens).toBe(item.tokenIds.length);
    expect(reply.answer.length).toBeGreaterThan(0);
    await os.update({ userId: 'ana', memoryId: memories[0]!.id, patch: { text: 'Lily has a blue ball.' } });
    const [stale] = await os.listActivations({ userId: 'ana', cubeId: 'life' });
    expect(stale?.staleReason).toContain(memories[0]!.id);
    const after = await os.chat({ userId: 'ana', sessionId: 's2', messages: [{ role: 'user', content: 'Who has a ball?' }], maxTokens: 4, writeCubeId: null });
    expect(after.activation).toMatchObject({ used: false });
    expect((await errorOf(() => os.activate({ userId: 'ana', activationId: item.id, sessionId: 's3' }))).code).toBe('INVALID_INPUT');
    await os.evictActivation({ userId: 'ana', activationId: item.id });
    expect(await os.listActivations({ userId: 'ana', cubeId: 'life' })).toEqual([]);
    expect((await os.auditLog({ userId: 'ana', cubeId: 'life', actions: ['activation.build', 'activation.activate', 'activation.evict'] })).map((e) => e.action).sort()).toEqual(['activation.activate', 'activation.build', 'activation.evict']);
    os.close();
  });

  it('recalls what the active KV cube lacks after its prefix, numbered after its memories, and answers as from the whole text', async () => {
    const { os, memories } = await seed();
    const item = await os.buildActivation({ userId: 'ana', cubeId: 'life', memoryIds: [memories[0]!.id, memories[1]!.id] });
    await os.activate({ userId: 'ana', activationId: item.id, sessionId: 'k' });
    const [kite] = await os.add({ userId: 'ana', cubeId: 'life', memory: { text: 'Sam flies a green kite.' } });
    const question = [{ role: 'user' as const, content: 'Who flies a green kite?' }];
    const reply = await os.chat({ userId: 'ana', sessionId: 'k', messages: question, maxTokens: 12, writeCubeId: null, sampling: { temperature: 0 } });
    expect(reply.activation).toEqual({ id: item.id, used: true, reason: null });
    // The cube's own memories are never pasted again; the kite (added since) and the cat (not in the cube) follow it.
    const recalled = reply.memories.map((h) => h.memory.id);
    expect(recalled).toContain(kite!.id);
    expect(recalled).not.toContain(memories[0]!.id);
    expect(recalled).not.toContain(memories[1]!.id);
    expect(reply.memoryTokens).toBeGreaterThan(item.tokenIds.length);
    // Exactly what decoding the whole text from scratch gives: the cube's tokens, then the block of the rest and the question.
    const block = memoryBlock(reply.memories.map((h, i) => memoryLine(h.memory, item.sources.length + i + 1)));
    const after = await idsAfterPrefix(decoder, item, [{ role: 'system', content: block }, ...question]);
    const scratch = await decoder.generate({ promptIds: [...item.tokenIds, ...after!] }, { maxTokens: 12, temperature: 0 });
    expect(reply.answer).toBe(scratch.text.trim());
    os.close();
  });

  it('composes two stored cubes into one on request, with keys moved and both sources recorded', async () => {
    const { os, memories } = await seed();
    const a = await os.buildActivation({ userId: 'ana', cubeId: 'life', memoryIds: [memories[0]!.id] });
    const b = await os.buildActivation({ userId: 'ana', cubeId: 'life', memoryIds: [memories[1]!.id] });
    const joined = await os.composeActivations({ userId: 'ana', cubeId: 'life', activationIds: [a.id, b.id] });
    expect(joined.composedFrom).toEqual([a.id, b.id]);
    expect(joined.positions.end).toBe(a.tokenIds.length + b.tokenIds.length - 1);
    expect(joined.sourceIds).toEqual([memories[0]!.id, memories[1]!.id]);
    await os.activate({ userId: 'ana', activationId: joined.id, sessionId: 'both' });
    const reply = await os.chat({ userId: 'ana', sessionId: 'both', messages: [{ role: 'user', content: 'Who likes the park?' }], maxTokens: 8, writeCubeId: null });
    expect(reply.activation).toMatchObject({ id: joined.id, used: true });
    expect((await errorOf(() => os.composeActivations({ userId: 'ana', cubeId: 'life', activationIds: [a.id] }))).code).toBe('INVALID_INPUT');
    os.close();
  });

  it('measures how far two separately built caches, composed with moved keys, drift from a joint prefill', async () => {
    const [first, second] = [decoder.tokenizer.encode(' Lily has a red ball.'), decoder.tokenizer.encode(' Tom likes the park.')];
    const a = await decoder.kv.prefill([1, ...first!]);
    const b = await decoder.kv.prefill([1, ...second!]);
    const composed = concatCaches([a, b], { theta: 10000, layout: 'interleaved' });
    expect(composed.length).toBe(1 + first!.length + second!.length);
    const query = decoder.tokenizer.encode(' Who likes the park?');
    const joint = await decoder.forward([1, ...first!, ...second!, ...query]);
    const viaComposed = await decoder.forward(query, composed);
    const drift = maxAbsDiff(viaComposed.logits, joint.logits);
    console.info(`composition drift, max |Δlogit| vs joint prefill: ${drift.toFixed(3)}`);
    // The second part never attended to the first: it is an approximation, not an identity...
    expect(drift).toBeGreaterThan(1e-3);
    // ...while composing a cache with nothing is exact.
    expect(maxAbsDiff((await decoder.forward(query, concatCaches([a], { theta: 10000, layout: 'interleaved' }))).logits, (await decoder.forward([1, ...first!, ...query])).logits)).toBeLessThan(1e-4);
    expect(emptyKvCache(decoder.kvLayout).length).toBe(0);
  });
});

/** Reads an activation's cache back from IndexedDB, through the checks chat() uses. */
async function loadCache(os: MemOS, id: string, model: OrtDecoder) {
  const [item] = (await os.listActivations({ userId: 'ana', cubeId: 'life' })).filter((i) => i.id === id);
  const blobs = await new Promise<unknown[]>((resolve, reject) => {
    const request = indexedDB.open(os.storeName);
    request.onsuccess = () => {
      const get = request.result.transaction('blobs').objectStore('blobs').index('byMemory').getAll(id);
      get.onsuccess = () => {
        request.result.close();
        resolve(get.result);
      };
      get.onerror = () => reject(get.error);
    };
    request.onerror = () => reject(request.error);
  });
  return usableCache(item!, blobs as never, model);
}

describe('activation memory on a synthetic Llama (no ../shared needed)', () => {
  it('stores and injects a cache exactly: same logits as the full prompt, same greedy tokens', async () => {
    const { decoder } = await syntheticDecoder(SYNTHETIC_SHAPES.tiny, 9);
    const prefixIds = await decoder.kv.encode('the memory block of the synthetic model', true);
    const cache = await decoder.kv.prefill(prefixIds);
    const item = { id: 'syn', model: { layers: 2, kvHeads: 2, headDim: 8 }, positions: { start: 0, end: cache.length }, encoding: 'fp32' } as never;
    const stored = await decodeCache(item, (await encodeCache(cache, 'fp32', 'syn', 'c')).blobs);
    const query = decoder.tokenizer.encode('and then a question');
    const injected = await decoder.forward(query, stored, true);
    const scratch = await decoder.forward([...prefixIds, ...query], undefined, true);
    expect(maxAbsDiff(injected.logits, scratch.logits.subarray(prefixIds.length * 400))).toBeLessThanOrEqual(1e-4);
    const a = await decoder.generate({ promptIds: query, prefix: stored }, { maxTokens: 20 });
    const b = await decoder.generate({ promptIds: [...prefixIds, ...query] }, { maxTokens: 20 });
    expect(a.tokenIds).toEqual(b.tokenIds);
    await decoder.dispose();
  });
});
