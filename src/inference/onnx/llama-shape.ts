/**
 * The shape and weights of a Llama-family decoder, as this project's ONNX builder takes them.
 * Matrices are stored (in, out) row-major, the layout ONNX `MatMul(x, W)` wants.
 */
import { MemosError } from '../../core/errors';
import { seededRandom } from '../../core/seeded-random';

/** The hyperparameters of a Llama decoder. */
export interface LlamaShape {
  readonly layers: number;
  readonly hidden: number;
  readonly intermediate: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly vocab: number;
  readonly maxPositions: number;
  readonly ropeTheta: number;
  readonly rmsEps: number;
  /** `interleaved`: rotate pairs (x[2i], x[2i+1]) as llama2.c does; `half`: (x[i], x[i+d/2]) as HF Llama does. */
  readonly rope: 'interleaved' | 'half';
  readonly tiedEmbeddings: boolean;
}

/** The weights of one transformer layer. */
export interface LlamaLayerWeights {
  readonly attnNorm: Float32Array;
  readonly wq: Float32Array;
  readonly wk: Float32Array;
  readonly wv: Float32Array;
  readonly wo: Float32Array;
  readonly ffnNorm: Float32Array;
  readonly w1: Float32Array;
  readonly w2: Float32Array;
  readonly w3: Float32Array;
}

/** All weights of a decoder. `lmHead` is absent when the embeddings are tied. */
export interface LlamaWeights {
  readonly embed: Float32Array;
  readonly layers: readonly LlamaLayerWeights[];
  readonly finalNorm: Float32Array;
  readonly lmHead?: Float32Array;
}

/** Head size of a shape. */
export function headDim(shape: LlamaShape): number {
  return shape.hidden / shape.heads;
}

/** The number of parameters of a shape (tied embeddings counted once). */
export function parameterCount(shape: LlamaShape): number {
  const d = headDim(shape);
  const perLayer =
    2 * shape.hidden +
    shape.hidden * shape.heads * d * 2 +
    shape.hidden * shape.kvHeads * d * 2 +
    shape.hidden * shape.intermediate * 3;
  return shape.vocab * shape.hidden * (shape.tiedEmbeddings ? 1 : 2) + shape.layers * perLayer + shape.hidden;
}

/**
 * Checks that a shape is one the builder can express.
 * @throws {MemosError} INVALID_INPUT naming the first broken rule
 */
export function checkLlamaShape(shape: LlamaShape): void {
  const rules: [boolean, string][] = [
    [Number.isInteger(shape.layers) && shape.layers > 0, 'layers must be a positive integer'],
    [Number.isInteger(shape.heads) && shape.heads > 0, 'heads must be a positive integer'],
    [shape.hidden % shape.heads === 0, 'hidden must be a multiple of heads'],
    [headDim(shape) % 2 === 0, 'the head size must be even (RoPE rotates pairs)'],
    [shape.kvHeads > 0 && shape.heads % shape.kvHeads === 0, 'heads must be a multiple of kvHeads'],
    [shape.vocab > 0 && shape.intermediate > 0 && shape.maxPositions > 0, 'vocab, intermediate and maxPositions must be positive'],
  ];
  for (const [ok, rule] of rules) {
    if (!ok) throw new MemosError('INVALID_INPUT', `Llama shape: ${rule}.`, { shape: { ...shape } });
  }
}

/**
 * Seeded random weights for a shape: uniform with the spread of a standard initialisation
 * (±½·√(3/fan_in); embeddings ±√(3/(hidden/4))), norms at 1, so activations and logits stay in a realistic range.
 */
export function syntheticLlamaWeights(shape: LlamaShape, seed = 1): LlamaWeights {
  checkLlamaShape(shape);
  const next = seededRandom(seed);
  const d = headDim(shape);
  const matrix = (rows: number, cols: number, fanIn = rows): Float32Array => {
    const out = new Float32Array(rows * cols);
    const spread = 0.5 * Math.sqrt(3 / fanIn);
    for (let i = 0; i < out.length; i++) out[i] = (next() * 2 - 1) * spread;
    return out;
  };
  const ones = (n: number): Float32Array => new Float32Array(n).fill(1);
  const layers = Array.from({ length: shape.layers }, () => ({
    attnNorm: ones(shape.hidden),
    wq: matrix(shape.hidden, shape.heads * d),
    wk: matrix(shape.hidden, shape.kvHeads * d),
    wv: matrix(shape.hidden, shape.kvHeads * d),
    wo: matrix(shape.heads * d, shape.hidden),
    ffnNorm: ones(shape.hidden),
    w1: matrix(shape.hidden, shape.intermediate),
    w2: matrix(shape.intermediate, shape.hidden),
    w3: matrix(shape.hidden, shape.intermediate),
  }));
  const embed = matrix(shape.vocab, shape.hidden, shape.hidden / 4);
  const base = { embed, layers, finalNorm: ones(shape.hidden) };
  return shape.tiedEmbeddings ? base : { ...base, lmHead: matrix(shape.hidden, shape.vocab) };
}
