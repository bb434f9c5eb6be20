/**
 * Llama-shaped decoders with seeded random weights, built in-process: tests run without ../shared,
 * and benchmarks time realistic shapes. Their output is gibberish by design.
 */
import { llama2cToTokenizerJson, llama2cTokenizerConfig, type TokenizerJson } from '../tokenizers/llama2c-tokenizer';
import { llamaDecoderOnnx } from './llama-decoder-graph';
import { syntheticLlamaWeights, type LlamaShape, type LlamaWeights } from './llama-shape';
import { syntheticVocabulary } from './synthetic-vocabulary';

/** Named shapes used by tests and benchmarks. */
export const SYNTHETIC_SHAPES = {
  /** A few thousand parameters: for exactness tests against the TypeScript reference. */
  tiny: {
    layers: 2, hidden: 32, intermediate: 48, heads: 4, kvHeads: 2, vocab: 400, maxPositions: 256,
    ropeTheta: 10000, rmsEps: 1e-5, rope: 'half', tiedEmbeddings: false,
  },
  /** About 29M parameters (8 layers, width 512, 8 heads over 4 KV heads, vocab 12k): the "~30M" of the benchmarks. */
  '30m': {
    layers: 8, hidden: 512, intermediate: 1376, heads: 8, kvHeads: 4, vocab: 12000, maxPositions: 4096,
    ropeTheta: 10000, rmsEps: 1e-5, rope: 'half', tiedEmbeddings: true,
  },
} as const satisfies Record<string, LlamaShape>;

/** A synthetic model: its ONNX bytes, tokenizer files and the weights it was built from. */
export interface SyntheticLlama {
  readonly shape: LlamaShape;
  readonly weights: LlamaWeights;
  readonly onnx: Uint8Array;
  readonly tokenizerJson: TokenizerJson;
  readonly tokenizerConfig: Record<string, unknown>;
}

/** Builds a synthetic decoder of a shape; the same seed gives the same bytes. */
export function buildSyntheticLlama(shape: LlamaShape, seed = 1): SyntheticLlama {
  const weights = syntheticLlamaWeights(shape, seed);
  return {
    shape,
    weights,
    onnx: llamaDecoderOnnx(shape, weights, `synthetic-llama-${seed}`),
    tokenizerJson: llama2cToTokenizerJson(syntheticVocabulary(shape.vocab)),
    tokenizerConfig: llama2cTokenizerConfig(),
  };
}
