import { describe, expect, it } from 'vitest';
import { dot } from '../../src/inference/embedders/embedder';
import { OrtEmbedder } from '../../src/inference/embedders/ort-embedder';
import { TextTokenizer } from '../../src/inference/tokenizers/text-tokenizer';
import { maxAbsDiff } from '../support/decoders';
import { tinyBertOnnx, tinyBertReference, tinyBertTokenizerJson, tinyBertWeights } from '../support/tiny-bert';
import { errorOf } from './helpers';

const weights = tinyBertWeights(7);
const model = tinyBertOnnx(weights);
const tokenizer = new TextTokenizer(tinyBertTokenizerJson(), { cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]' });

const pooled = (states: Float64Array[], pooling: 'mean' | 'cls'): Float64Array => {
  const v = pooling === 'cls' ? Float64Array.from(states[0]!) : states.reduce((acc, s) => acc.map((a, i) => a + (s[i] as number) / states.length), new Float64Array(states[0]!.length));
  const n = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
  return v.map((x) => x / n);
};

describe('the ONNX sentence encoder (a tiny BERT the test builds, checked against a TypeScript reference)', () => {
  it('tokenizes with [CLS] … [SEP] and matches the reference with mean and CLS pooling', async () => {
    const texts = ['The cat sat on the mat', 'Stock markets fell sharply', 'zebra'];
    for (const pooling of ['mean', 'cls'] as const) {
      const embedder = await OrtEmbedder.create({ modelId: 'tiny-bert', revision: '7', model, tokenizer, pooling });
      expect(embedder.fingerprint).toEqual({ modelId: 'tiny-bert', revision: '7', dimension: 32 });
      const vectors = await embedder.embed(texts);
      texts.forEach((text, i) => {
        const ids = tokenizer.encodeWithSpecialTokens(text);
        expect(ids[0]).toBe(2);
        expect(ids.at(-1)).toBe(3);
        expect(maxAbsDiff(vectors[i]!, pooled(tinyBertReference(weights, ids), pooling))).toBeLessThan(1e-4);
      });
      embedder.dispose();
    }
  });

  it('gives the same vector for a text alone as inside a padded batch, and unit length', async () => {
    const embedder = await OrtEmbedder.create({ modelId: 'tiny-bert', revision: '7', model, tokenizer, pooling: 'mean', batchSize: 3 });
    const [alone] = await embedder.embed(['a kitten rested on a rug']);
    const batch = await embedder.embed(['rain', 'a kitten rested on a rug', 'the dog sat by the fire on tuesday']);
    expect(maxAbsDiff(alone!, batch[1]!)).toBeLessThan(1e-5);
    expect(Math.abs(dot(batch[2]!, batch[2]!) - 1)).toBeLessThan(1e-5);
  });

  it('cuts long texts to maxTokens and keeps the closing [SEP]', async () => {
    const embedder = await OrtEmbedder.create({ modelId: 'tiny-bert', revision: '7', model, tokenizer, pooling: 'mean', maxTokens: 8 });
    const long = 'the cat sat on the mat by the fire on tuesday';
    const ids = tokenizer.encodeWithSpecialTokens(long);
    const cut = [...ids.slice(0, 7), 3];
    const [vector] = await embedder.embed([long]);
    expect(maxAbsDiff(vector!, pooled(tinyBertReference(weights, cut), 'mean'))).toBeLessThan(1e-4);
  });

  it('stops between batches on abort, and refuses a model without encoder inputs', async () => {
    const embedder = await OrtEmbedder.create({ modelId: 'tiny-bert', revision: '7', model, tokenizer, pooling: 'mean', batchSize: 1 });
    const controller = new AbortController();
    controller.abort();
    expect((await errorOf(() => embedder.embed(['a', 'b'], controller.signal))).code).toBe('ABORTED');
    expect((await errorOf(() => OrtEmbedder.create({ modelId: 'x', revision: '1', model: new Uint8Array([9, 9, 9]), tokenizer, pooling: 'mean' }))).code).toBe('MODEL_INVALID');
  });
});
