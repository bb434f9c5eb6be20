import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemosError } from '../../src/core/errors';
import { signalForPort } from '../../src/protocol/abort-port';
import { emptyKvCache, truncateKvCache } from '../../src/inference/decoding/kv-cache';
import { llamaDecoderOnnx } from '../../src/inference/onnx/llama-decoder-graph';
import { readLlama2cCheckpoint } from '../../src/inference/onnx/llama2c-checkpoint';
import { SYNTHETIC_SHAPES } from '../../src/inference/onnx/synthetic-llama';
import { OrtDecoder } from '../../src/inference/decoding/ort-decoder';
import { llama2cToTokenizerJson, llama2cTokenizerConfig } from '../../src/inference/tokenizers/llama2c-tokenizer';
import { syntheticVocabulary } from '../../src/inference/onnx/synthetic-vocabulary';
import { TextTokenizer } from '../../src/inference/tokenizers/text-tokenizer';
import { maxAbsDiff, storiesDecoder, storiesTokenizer, syntheticDecoder } from '../support/decoders';
import { referenceLogits } from '../support/reference-llama';
import { HAS_STORIES, storiesFile, storiesReference } from '../support/shared-models';

const codeOf = async (promise: Promise<unknown>): Promise<string | undefined> => {
  try {
    await promise;
  } catch (error) {
    return error instanceof MemosError ? error.code : `not a MemosError: ${String(error)}`;
  }
  return undefined;
};

describe.skipIf(!HAS_STORIES)('OrtDecoder on the real stories260K weights (needs ../shared)', () => {
  let decoder: OrtDecoder;
  beforeAll(async () => {
    decoder = await storiesDecoder();
  });
  afterAll(() => decoder?.dispose());

  it('reads the KV layout from the model: 5 layers, 4 KV heads of size 8', () => {
    expect(decoder.kvLayout).toEqual({ layers: 5, kvHeads: 4, headDim: 8 });
  });

  it('reproduces the reference greedy decoding from BOS token for token, and streams the same text', async () => {
    const reference = storiesReference();
    const streamed: string[] = [];
    const result = await decoder.generate(
      { promptIds: reference.prompt_ids },
      { maxTokens: reference.greedy_ids.length - 1, onToken: (t) => streamed.push(t.text) },
    );
    expect([...reference.prompt_ids, ...result.tokenIds]).toEqual(reference.greedy_ids);
    expect(result.finishReason).toBe('length');
    expect(streamed.join('')).toBe(reference.text);
    expect(result.text).toBe(reference.text);
  });

  it('gives the same logits and cache for a prompt prefilled in one pass as fed token by token', async () => {
    const ids = storiesReference().greedy_ids.slice(0, 24);
    const whole = await decoder.forward(ids, undefined, true);
    let cache = emptyKvCache(decoder.kvLayout);
    for (let i = 0; i < ids.length; i++) {
      const step = await decoder.forward([ids[i] as number], cache);
      expect(maxAbsDiff(step.logits, whole.logits.subarray(i * 512, (i + 1) * 512))).toBeLessThan(1e-4);
      cache = step.cache;
    }
    for (let l = 0; l < 5; l++) expect(maxAbsDiff(cache.keys[l]!, whole.cache.keys[l]!)).toBeLessThan(1e-4);
  });

  it('continues from a read-out cache exactly as from the whole prompt, and never changes the stored cache', async () => {
    const prompt = storiesTokenizer().encode('Once upon a time, there was a little dog named Max.');
    const ids = [1, ...prompt];
    const prefix = (await decoder.forward(ids.slice(0, 8))).cache;
    const snapshot = prefix.keys.map((k) => k.slice());
    const resumed = await decoder.generate({ promptIds: ids.slice(8), prefix }, { maxTokens: 30 });
    const fresh = await decoder.generate({ promptIds: ids }, { maxTokens: 30 });
    expect(resumed.tokenIds).toEqual(fresh.tokenIds);
    expect(prefix.length).toBe(8);
    prefix.keys.forEach((k, l) => expect(k).toEqual(snapshot[l]));
    const again = await decoder.generate({ promptIds: ids.slice(8), prefix }, { maxTokens: 30 });
    expect(again.tokenIds).toEqual(fresh.tokenIds);
  });

  it('keeps a prefix of a cache with truncateKvCache that continues like the shorter prompt', async () => {
    const ids = storiesReference().greedy_ids.slice(0, 16);
    const long = await decoder.forward(ids);
    const short = await decoder.forward(ids.slice(0, 10));
    const cut = truncateKvCache(long.cache, 10);
    const a = await decoder.forward(ids.slice(10, 11), cut);
    const b = await decoder.forward(ids.slice(10, 11), short.cache);
    expect(maxAbsDiff(a.logits, b.logits)).toBeLessThan(1e-5);
  });

  it('is rebuilt from the llama2.c checkpoint by our own ONNX writer with the same logits', async () => {
    const { shape, weights } = readLlama2cCheckpoint(storiesFile('stories260K.bin'));
    const ours = await OrtDecoder.create({ id: 'ours', model: llamaDecoderOnnx(shape, weights), tokenizer: storiesTokenizer(), contextLength: 512 });
    const ids = storiesReference().greedy_ids.slice(0, 32);
    const a = await ours.forward(ids, undefined, true);
    const b = await decoder.forward(ids, undefined, true);
    expect(maxAbsDiff(a.logits, b.logits)).toBeLessThan(1e-4);
    await ours.dispose();
  });

  it('samples reproducibly: the same seed gives the same tokens, top-k 1 is greedy', async () => {
    const request = { promptIds: [1] };
    const a = await decoder.generate(request, { maxTokens: 40, temperature: 1, topP: 0.95, seed: 7 });
    const b = await decoder.generate(request, { maxTokens: 40, temperature: 1, topP: 0.95, seed: 7 });
    const c = await decoder.generate(request, { maxTokens: 40, temperature: 1, topP: 0.95, seed: 8 });
    const greedy = await decoder.generate(request, { maxTokens: 40 });
    const topOne = await decoder.generate(request, { maxTokens: 40, temperature: 1.5, topK: 1, seed: 3 });
    expect(a.tokenIds).toEqual(b.tokenIds);
    expect(a.tokenIds).not.toEqual(c.tokenIds);
    expect(topOne.tokenIds).toEqual(greedy.tokenIds);
  });

  it('stops at a stop string without returning or streaming it', async () => {
    const streamed: string[] = [];
    const result = await decoder.generate({ promptIds: [1] }, { maxTokens: 100, stop: ['Lily'], onToken: (t) => streamed.push(t.text) });
    expect(result.finishReason).toBe('stop');
    expect(result.text).toBe('Once upon a time, there was a little girl named ');
    expect(streamed.join('')).toBe(result.text);
  });

  it('rejects an aborted generation with ABORTED', async () => {
    const controller = new AbortController();
    const generation = decoder.generate({ promptIds: [1] }, {
      maxTokens: 200,
      signal: controller.signal,
      onToken: (t) => {
        if (t.index === 5) controller.abort();
      },
    });
    expect(await codeOf(generation)).toBe('ABORTED');
  });

  it('stops when the abort arrives as a message from another thread (the Stop button), not only from a callback', async () => {
    // The page's Stop reaches the inference worker as a message on a port: a task of the event loop,
    // which runs only if the token loop gives the loop a turn between tokens.
    const channel = new MessageChannel();
    const { signal, done } = signalForPort(channel.port2);
    let tokens = 0;
    const generation = decoder.generate({ promptIds: [1] }, {
      maxTokens: 400,
      ...(signal && { signal }),
      onToken: (t) => {
        tokens = t.index + 1;
        if (t.index === 2) channel.port1.postMessage('abort');
      },
    });
    expect(await codeOf(generation)).toBe('ABORTED');
    expect(tokens).toBeLessThan(40);
    done();
    channel.port1.close();
  });

  it('refuses a prompt longer than the context with CONTEXT_OVERFLOW, and a foreign cache with KV_INCOMPATIBLE', async () => {
    expect(await codeOf(decoder.forward(new Array(513).fill(5)))).toBe('CONTEXT_OVERFLOW');
    const foreign = emptyKvCache({ layers: 5, kvHeads: 2, headDim: 8 });
    expect(await codeOf(decoder.forward([1], foreign))).toBe('KV_INCOMPATIBLE');
  });
});

describe('OrtDecoder on a synthetic Llama built by the project (no ../shared needed)', () => {
  it('matches a plain TypeScript forward pass of the same weights (grouped-query attention, half-split RoPE)', async () => {
    const { decoder, model } = await syntheticDecoder(SYNTHETIC_SHAPES.tiny, 3);
    const ids = [1, 17, 230, 5, 399, 64, 64, 2, 300];
    const reference = referenceLogits(model.shape, model.weights, ids);
    const ours = await decoder.forward(ids, undefined, true);
    reference.forEach((row, i) => expect(maxAbsDiff(ours.logits.subarray(i * 400, (i + 1) * 400), row)).toBeLessThan(1e-4));
    await decoder.dispose();
  });

  it('matches the reference with interleaved RoPE and tied embeddings too', async () => {
    const shape = { ...SYNTHETIC_SHAPES.tiny, rope: 'interleaved', tiedEmbeddings: true, kvHeads: 1 } as const;
    const { decoder, model } = await syntheticDecoder(shape, 4);
    const ids = [1, 300, 42, 42, 7];
    const reference = referenceLogits(model.shape, model.weights, ids);
    const ours = await decoder.forward(ids, undefined, true);
    reference.forEach((row, i) => expect(maxAbsDiff(ours.logits.subarray(i * 400, (i + 1) * 400), row)).toBeLessThan(1e-4));
    await decoder.dispose();
  });

  it('gives the same greedy tokens from a prefilled cache as from the whole prompt', async () => {
    const { decoder } = await syntheticDecoder(SYNTHETIC_SHAPES.tiny, 5);
    const prompt = decoder.tokenizer.encode('the rain in spain stays mainly in the plain');
    const prefix = (await decoder.forward([1, ...prompt.slice(0, 6)])).cache;
    const resumed = await decoder.generate({ promptIds: prompt.slice(6), prefix }, { maxTokens: 20 });
    const whole = await decoder.generate({ promptIds: [1, ...prompt] }, { maxTokens: 20 });
    expect(resumed.tokenIds).toEqual(whole.tokenIds);
    await decoder.dispose();
  });

  it('refuses an ONNX file that is not a decoder with explicit KV, with MODEL_INVALID', async () => {
    expect(await codeOf(OrtDecoder.create({ id: 'x', model: new Uint8Array([1, 2, 3, 4]), tokenizer: storiesLessTokenizer() }))).toBe('MODEL_INVALID');
  });
});

function storiesLessTokenizer(): TextTokenizer {
  return new TextTokenizer(llama2cToTokenizerJson(syntheticVocabulary(400)), llama2cTokenizerConfig());
}
