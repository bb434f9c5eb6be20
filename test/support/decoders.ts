// Decoders for node tests: the real stories260K from ../shared, and synthetic ones built here.
import { llama2cToTokenizerJson, llama2cTokenizerConfig, parseLlama2cTokenizer } from '../../src/inference/tokenizers/llama2c-tokenizer';
import { OrtDecoder } from '../../src/inference/decoding/ort-decoder';
import { buildSyntheticLlama, type SyntheticLlama } from '../../src/inference/onnx/synthetic-llama';
import type { LlamaShape } from '../../src/inference/onnx/llama-shape';
import { TextTokenizer } from '../../src/inference/tokenizers/text-tokenizer';
import { storiesFile } from './shared-models';

/** The stories260K tokenizer, converted from its llama2.c file. */
export function storiesTokenizer(): TextTokenizer {
  return new TextTokenizer(llama2cToTokenizerJson(parseLlama2cTokenizer(storiesFile('tok512.bin'), 512)), llama2cTokenizerConfig());
}

/** stories260K on the wasm provider (context 512). */
export function storiesDecoder(): Promise<OrtDecoder> {
  return OrtDecoder.create({
    id: 'stories260K',
    model: storiesFile('stories260K.onnx'),
    tokenizer: storiesTokenizer(),
    contextLength: 512,
    rope: { theta: 10000, layout: 'interleaved' },
  });
}

/** A synthetic decoder and what it was built from. */
export async function syntheticDecoder(shape: LlamaShape, seed = 1): Promise<{ decoder: OrtDecoder; model: SyntheticLlama }> {
  const model = buildSyntheticLlama(shape, seed);
  const decoder = await OrtDecoder.create({
    id: `synthetic-${seed}`,
    model: model.onnx,
    tokenizer: new TextTokenizer(model.tokenizerJson, model.tokenizerConfig),
    contextLength: shape.maxPositions,
    rope: { theta: shape.ropeTheta, layout: shape.rope },
  });
  return { decoder, model };
}

/** The largest absolute difference between two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}
