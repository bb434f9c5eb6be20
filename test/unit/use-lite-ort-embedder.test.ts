// USE-lite written as ONNX from the tfjs weights and run on onnxruntime-web (real weights from the npm
// package), checked against the tfjs graph it replaces.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dot, type ModelFiles } from '../../src/inference/embedders/embedder';
import { readTfjsWeights } from '../../src/inference/embedders/tfjs-weights';
import { USE_LITE_FINGERPRINT, USE_LITE_INT8_FINGERPRINT } from '../../src/inference/embedders/use-lite-info';
import { loadUseLiteOrtInNode } from '../../src/inference/embedders/use-lite-node';
import type { UseLiteOrtEmbedder } from '../../src/inference/embedders/use-lite-ort-embedder';
import { filesInFolder } from '../../src/inference/runtime/node-model-files';
import { DeferredEmbedder } from '../../src/inference/embedders/deferred-embedder';
import { USE_LITE_FLOAT32_INFO, USE_LITE_INFO } from '../../src/inference/embedders/use-lite-info';
import { errorOf, openTestOs } from './helpers';
import { USE_MODEL_DIR, useLite } from './use-lite';

const LOCOMO = join(__dirname, '../../../shared/data/locomo/locomo-dev.json');

/** Varied texts: short, long (past the 128 tokens the model reads), empty, numbers, other scripts, odd spacing. */
const TEXTS = [
  'The cat sat on the mat',
  'A kitten rested on a rug',
  'Stock markets fell sharply',
  '',
  '   ',
  'I adopted two dogs in 2021 and named them Oscar and Luna.',
  'word '.repeat(200),
  'Ünïcødé café naïve résumé — 漢字 and Кириллица ✓ 🙂',
  'A\nmulti-line\ttext  with   gaps.',
  '12345 67890 3.14159',
  'What did Melanie paint last summer? A sunset over the lake, she said, for her kids.',
];

function locomoTurns(count: number): string[] {
  if (!existsSync(LOCOMO)) return [];
  const turns: string[] = [];
  for (const conversation of JSON.parse(readFileSync(LOCOMO, 'utf8')) as Record<string, unknown>[]) {
    const c = (conversation['conversation'] ?? conversation) as Record<string, unknown>;
    for (const value of Object.values(c)) if (Array.isArray(value)) for (const t of value as { text?: string }[]) if (t.text) turns.push(t.text);
  }
  return turns.filter((_, i) => i % 7 === 0).slice(0, count);
}

let float32: UseLiteOrtEmbedder;
let int8: UseLiteOrtEmbedder;
beforeAll(async () => {
  [float32, int8] = await Promise.all([loadUseLiteOrtInNode({ precision: 'float32' }), loadUseLiteOrtInNode({ precision: 'int8' })]);
}, 120_000);

describe('USE-lite on onnxruntime-web', () => {
  it('float32 gives the tfjs graph\'s vectors (cosine ≥ 0.9999 on every text) under the same fingerprint', async () => {
    const texts = [...TEXTS, ...locomoTurns(150)];
    const [reference, ours] = await Promise.all([useLite().then((e) => e.embed(texts)), float32.embed(texts)]);
    expect(float32.fingerprint).toEqual(USE_LITE_FINGERPRINT);
    texts.forEach((_, i) => {
      expect(ours[i]).toHaveLength(512);
      expect(dot(ours[i]!, ours[i]!)).toBeCloseTo(1, 5);
      expect(dot(ours[i]!, reference[i]!), `text ${i}`).toBeGreaterThanOrEqual(0.9999);
    });
  }, 120_000);

  it('int8 stays within cosine 0.99 of float32, ranks neighbours alike and says so in its fingerprint', async () => {
    const texts = [...TEXTS, ...locomoTurns(150)];
    const [exact, quantized] = await Promise.all([float32.embed(texts), int8.embed(texts)]);
    expect(int8.fingerprint).toEqual(USE_LITE_INT8_FINGERPRINT);
    expect(int8.fingerprint.revision).not.toBe(USE_LITE_FINGERPRINT.revision);
    const cosines = texts.map((_, i) => dot(exact[i]!, quantized[i]!));
    expect(Math.min(...cosines)).toBeGreaterThanOrEqual(0.99);
    expect(cosines.reduce((a, b) => a + b, 0) / cosines.length).toBeGreaterThanOrEqual(0.998);
    // The cat's nearest neighbour among the rest is the kitten with both.
    const nearest = (vectors: Float32Array[]): number => [1, 2, 5, 9].reduce((best, j) => (dot(vectors[0]!, vectors[j]!) > dot(vectors[0]!, vectors[best]!) ? j : best), 1);
    expect(nearest(exact)).toBe(1);
    expect(nearest(quantized)).toBe(1);
  }, 120_000);

  it('gives the same vector to a text alone and inside a batch of other lengths', async () => {
    const batch = await int8.embed(TEXTS);
    for (const i of [0, 6, 10]) {
      const [alone] = await int8.embed([TEXTS[i]!]);
      // Batched rows are padded: the padding must change nothing (int8 activations are scaled per pass, so not bit for bit).
      expect(dot(alone!, batch[i]!)).toBeGreaterThan(0.998);
    }
    const [alone] = await float32.embed([TEXTS[10]!]);
    expect(dot(alone!, (await float32.embed(TEXTS))[10]!)).toBeCloseTo(1, 6);
  }, 60_000);

  it('reads only the first 128 tokens, as the tfjs graph does', async () => {
    const base = 'word '.repeat(200);
    const [a, b] = await float32.embed([base, `${base} and then a whole different ending about volcanoes`]);
    expect(dot(a!, b!)).toBeCloseTo(1, 6);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await errorOf(() => int8.embed(['a', 'b'], controller.signal))).code).toBe('ABORTED');
    expect((await errorOf(() => loadUseLiteOrtInNode({ signal: controller.signal }))).code).toBe('ABORTED');
  });

  it('says MODEL_UNREACHABLE for a folder without the model, MODEL_INVALID for damaged weights', async () => {
    expect((await errorOf(() => loadUseLiteOrtInNode({ files: filesInFolder(join(USE_MODEL_DIR, 'nope')) }))).code).toBe('MODEL_UNREACHABLE');
    const real = filesInFolder(USE_MODEL_DIR);
    const json = JSON.parse(new TextDecoder().decode(await real.read('model.json'))) as { weightsManifest: { paths: string[]; weights: Record<string, unknown>[] }[] };
    const firstShard = json.weightsManifest[0]!.paths[0]!;
    const truncated: ModelFiles = { location: 'truncated', read: async (name) => (name === firstShard ? (await real.read(name)).slice(0, 1000) : real.read(name)) };
    const error = await errorOf(() => loadUseLiteOrtInNode({ files: truncated }));
    expect(error.code).toBe('MODEL_INVALID');
    const quantized: ModelFiles = {
      location: 'quantized',
      read: async (name) => {
        if (name !== 'model.json') return real.read(name);
        json.weightsManifest[0]!.weights[0]!['quantization'] = { dtype: 'uint8', scale: 1, min: 0 };
        return new TextEncoder().encode(JSON.stringify(json)).buffer;
      },
    };
    expect((await errorOf(() => readTfjsWeights(quantized))).message).toMatch(/quantized/);
    const notJson: ModelFiles = { location: 'garbage', read: async () => new TextEncoder().encode('{not json').buffer };
    expect((await errorOf(() => readTfjsWeights(notJson))).code).toBe('MODEL_INVALID');
  }, 60_000);

  it('upgrades a store of float32 vectors (earlier versions) to int8 in the background, as the memory worker opens it', async () => {
    // Earlier versions stored float32 USE-lite vectors (the tfjs embedder; UseLiteOrtEmbedder float32 gives the same).
    const first = await openTestOs({ embedder: float32 });
    await first.os.createUser({ userId: 'ana', name: 'Ana' });
    await first.os.createCube({ userId: 'ana', cubeId: 'c', name: 'c' });
    await first.os.add({ userId: 'ana', cubeId: 'c', memories: [{ text: 'A kitten rested on a rug by the fire' }, { text: 'Stock markets fell sharply' }, { text: 'Rain is forecast for Tuesday' }] });
    first.os.close();

    // As workers/memory.worker.ts opens it: int8 now, float32 deferred as the previous model.
    let float32Loads = 0;
    const previous = new DeferredEmbedder(USE_LITE_FLOAT32_INFO, async () => (float32Loads++, float32));
    const current = new DeferredEmbedder(USE_LITE_INFO, async () => int8);
    const { os } = await openTestOs({ name: first.name, embedder: current, previousEmbedder: previous });
    const [hit] = await os.search({ userId: 'ana', query: 'cat sleeping on a carpet', mode: 'vector', trackUsage: false });
    expect(hit?.memory.text).toBe('A kitten rested on a rug by the fire');
    expect(float32Loads).toBe(1); // the query was embedded for the float32 vectors that served it
    const after = await os.vectorStatus({ wait: true });
    expect(after).toMatchObject({ model: USE_LITE_INT8_FINGERPRINT, serving: USE_LITE_INT8_FINGERPRINT, embedded: 3, lastError: null });
    const [again] = await os.search({ userId: 'ana', query: 'cat sleeping on a carpet', mode: 'vector', trackUsage: false });
    expect(again?.memory.text).toBe('A kitten rested on a rug by the fire');
    os.close();

    // A store that never held float32 vectors never loads the float32 model.
    const fresh = new DeferredEmbedder(USE_LITE_FLOAT32_INFO, async () => (float32Loads += 100, float32));
    const { os: other } = await openTestOs({ embedder: new DeferredEmbedder(USE_LITE_INFO, async () => int8), previousEmbedder: fresh });
    await other.createUser({ userId: 'bo', name: 'Bo' });
    await other.createCube({ userId: 'bo', cubeId: 'c', name: 'c' });
    await other.add({ userId: 'bo', cubeId: 'c', memories: [{ text: 'Stock markets fell sharply' }] });
    const [found] = await other.search({ userId: 'bo', query: 'shares dropped', mode: 'vector', trackUsage: false });
    expect(found?.memory.text).toBe('Stock markets fell sharply');
    expect(float32Loads).toBeLessThan(100);
    other.close();
  }, 120_000);
});
