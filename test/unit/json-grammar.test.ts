import '../support/xgrammar-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrtDecoder } from '../../src/inference/decoding/ort-decoder';
import { SYNTHETIC_SHAPES } from '../../src/inference/onnx/synthetic-llama';
import { storiesDecoder, syntheticDecoder } from '../support/decoders';
import { HAS_STORIES } from '../support/shared-models';

const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 20 },
    age: { type: 'integer', minimum: 0, maximum: 120 },
    likes: { type: 'array', items: { type: 'string', maxLength: 12 }, maxItems: 3 },
  },
  required: ['name', 'age', 'likes'],
  additionalProperties: false,
};

describe.skipIf(!HAS_STORIES)('JSON-schema constrained decoding on the ORT engine (needs ../shared stories260K)', () => {
  let decoder: OrtDecoder;
  beforeAll(async () => {
    decoder = await storiesDecoder();
  });
  afterAll(() => decoder?.dispose());

  it('makes a children’s-story model emit JSON that parses and fits the schema, greedy and sampled', async () => {
    for (const options of [{}, { temperature: 1, topP: 0.95, seed: 4 }]) {
      const result = await decoder.generate({ prompt: 'Once upon a time' }, { ...options, jsonSchema: schema, maxTokens: 200 });
      const value = JSON.parse(result.text) as { name: unknown; age: unknown; likes: unknown };
      expect(Object.keys(value).sort()).toEqual(['age', 'likes', 'name']);
      expect(typeof value.name).toBe('string');
      expect(Number.isInteger(value.age)).toBe(true);
      expect(Array.isArray(value.likes) && value.likes.length <= 3).toBe(true);
      expect(['constraint', 'eos']).toContain(result.finishReason);
    }
  });
});

describe('JSON-schema constrained decoding on a synthetic model (no ../shared needed)', () => {
  it('holds even with random weights', async () => {
    const { decoder } = await syntheticDecoder(SYNTHETIC_SHAPES.tiny, 12);
    const result = await decoder.generate({ prompt: 'x' }, { jsonSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false }, maxTokens: 60 });
    expect(typeof (JSON.parse(result.text) as { ok: unknown }).ok).toBe('boolean');
    await decoder.dispose();
  });
});
