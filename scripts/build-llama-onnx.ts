/**
 * `npm run build:llama-onnx -- [options]`: writes a Llama-shaped ONNX decoder (Optimum layout, explicit
 * KV) with its tokenizer.json, tokenizer_config.json and config.json into a folder, ready to load as a
 * model from files or a URL.
 *
 *   Synthetic (seeded random weights, any size):
 *     --layers 8 --hidden 512 --intermediate 1376 --heads 8 --kv-heads 4 --vocab 12000
 *     --max-positions 4096 --rope half|interleaved --tied --seed 1 --out models/synthetic
 *   Or a shape by name: --shape tiny|30m
 *   From a llama2.c checkpoint: --llama2c path/model.bin --tokenizer path/tokenizer.bin --out DIR
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { llama2cToTokenizerJson, llama2cTokenizerConfig, parseLlama2cTokenizer } from '../src/inference/tokenizers/llama2c-tokenizer';
import { llamaDecoderOnnx } from '../src/inference/onnx/llama-decoder-graph';
import { readLlama2cCheckpoint } from '../src/inference/onnx/llama2c-checkpoint';
import { checkLlamaShape, parameterCount, syntheticLlamaWeights, type LlamaShape, type LlamaWeights } from '../src/inference/onnx/llama-shape';
import { SYNTHETIC_SHAPES } from '../src/inference/onnx/synthetic-llama';
import { syntheticVocabulary } from '../src/inference/onnx/synthetic-vocabulary';
import { options } from '../bench/lib/bench-utils';

const opts = options();
const out = opts.get('out') ?? 'models/synthetic';
const number = (name: string, fallback: number): number => Number(opts.get(name) ?? fallback);

let shape: LlamaShape;
let weights: LlamaWeights;
let tokenizerJson;
if (opts.has('llama2c')) {
  ({ shape, weights } = readLlama2cCheckpoint(new Uint8Array(readFileSync(opts.get('llama2c') as string))));
  const tokenizerPath = opts.get('tokenizer');
  if (!tokenizerPath) throw new Error('--tokenizer path/tokenizer.bin is needed with --llama2c');
  tokenizerJson = llama2cToTokenizerJson(parseLlama2cTokenizer(new Uint8Array(readFileSync(tokenizerPath)), shape.vocab));
} else {
  const named = opts.get('shape') as keyof typeof SYNTHETIC_SHAPES | undefined;
  const base: LlamaShape = named ? SYNTHETIC_SHAPES[named] : SYNTHETIC_SHAPES['30m'];
  shape = {
    layers: number('layers', base.layers),
    hidden: number('hidden', base.hidden),
    intermediate: number('intermediate', base.intermediate),
    heads: number('heads', base.heads),
    kvHeads: number('kv-heads', base.kvHeads),
    vocab: number('vocab', base.vocab),
    maxPositions: number('max-positions', base.maxPositions),
    ropeTheta: number('rope-theta', base.ropeTheta),
    rmsEps: base.rmsEps,
    rope: (opts.get('rope') as LlamaShape['rope'] | undefined) ?? base.rope,
    tiedEmbeddings: opts.has('tied') || base.tiedEmbeddings,
  };
  checkLlamaShape(shape);
  weights = syntheticLlamaWeights(shape, number('seed', 1));
  tokenizerJson = llama2cToTokenizerJson(syntheticVocabulary(shape.vocab));
}

mkdirSync(out, { recursive: true });
const onnx = llamaDecoderOnnx(shape, weights);
writeFileSync(join(out, 'model.onnx'), onnx);
writeFileSync(join(out, 'tokenizer.json'), JSON.stringify(tokenizerJson));
writeFileSync(join(out, 'tokenizer_config.json'), JSON.stringify(llama2cTokenizerConfig(), null, 2));
writeFileSync(
  join(out, 'config.json'),
  JSON.stringify(
    {
      model_type: 'llama',
      hidden_size: shape.hidden,
      intermediate_size: shape.intermediate,
      num_hidden_layers: shape.layers,
      num_attention_heads: shape.heads,
      num_key_value_heads: shape.kvHeads,
      vocab_size: shape.vocab,
      max_position_embeddings: shape.maxPositions,
      rope_theta: shape.ropeTheta,
      rms_norm_eps: shape.rmsEps,
      tie_word_embeddings: shape.tiedEmbeddings,
      memos_rope_layout: shape.rope,
    },
    null,
    2,
  ),
);
console.log(`${out}/model.onnx: ${(onnx.byteLength / 1e6).toFixed(1)} MB, ${(parameterCount(shape) / 1e6).toFixed(2)}M parameters`);
