/**
 * The Llama forward pass in tfjs ops, with LoRA on chosen weights, so that adapters can be trained
 * with tfjs's autograd (the base weights are constants; only A and B are variables). Same equations
 * as the ONNX graph and the TypeScript reference: RMSNorm, RoPE (interleaved or half), grouped-query
 * causal attention, SwiGLU, tied or separate output head.
 */
import type * as Tf from '@tensorflow/tfjs-core';
import type { LlamaShape, LlamaWeights } from '../../onnx/llama-shape';

type TfModule = typeof Tf;

/** One layer's weights as tfjs constants. */
export type TfLayer = Record<'attnNorm' | 'ffnNorm', Tf.Tensor1D> & Record<'wq' | 'wk' | 'wv' | 'wo' | 'w1' | 'w2' | 'w3', Tf.Tensor2D>;

/** The weights as tfjs constants. */
export interface TfLlama {
  readonly shape: LlamaShape;
  readonly embed: Tf.Tensor2D;
  readonly layers: readonly TfLayer[];
  readonly finalNorm: Tf.Tensor1D;
  /** [hidden, vocab] */
  readonly head: Tf.Tensor2D;
  dispose(): void;
}

/** LoRA factors per module ("model.layers.0.self_attn.q_proj"): A [rank, in], B [out, rank]. */
export interface TfLora {
  readonly scale: number;
  readonly targets: ReadonlyMap<string, { readonly a: Tf.Variable; readonly b: Tf.Variable }>;
}

const MODULE_OF = { wq: 'self_attn.q_proj', wk: 'self_attn.k_proj', wv: 'self_attn.v_proj', wo: 'self_attn.o_proj', w1: 'mlp.gate_proj', w2: 'mlp.down_proj', w3: 'mlp.up_proj' } as const;

/** Puts the weights into tfjs constants. */
export function tfLlama(tf: TfModule, shape: LlamaShape, weights: LlamaWeights): TfLlama {
  const d = shape.hidden / shape.heads;
  const m2 = (data: Float32Array, rows: number, cols: number) => tf.tensor2d(data, [rows, cols]);
  const layers = weights.layers.map((w) => ({
    attnNorm: tf.tensor1d(w.attnNorm),
    ffnNorm: tf.tensor1d(w.ffnNorm),
    wq: m2(w.wq, shape.hidden, shape.heads * d),
    wk: m2(w.wk, shape.hidden, shape.kvHeads * d),
    wv: m2(w.wv, shape.hidden, shape.kvHeads * d),
    wo: m2(w.wo, shape.heads * d, shape.hidden),
    w1: m2(w.w1, shape.hidden, shape.intermediate),
    w2: m2(w.w2, shape.intermediate, shape.hidden),
    w3: m2(w.w3, shape.hidden, shape.intermediate),
  }));
  const embed = m2(weights.embed, shape.vocab, shape.hidden);
  const head = weights.lmHead ? m2(weights.lmHead, shape.hidden, shape.vocab) : (tf.transpose(embed) as Tf.Tensor2D);
  const finalNorm = tf.tensor1d(weights.finalNorm);
  return {
    shape,
    embed,
    layers,
    finalNorm,
    head,
    dispose: () => tf.dispose([embed, head, finalNorm, ...layers.flatMap((l) => Object.values(l))]),
  };
}

/** Logits [seq, vocab] of every position of `ids` (teacher forcing, no cache). Call inside tf.tidy. */
export function tfLogits(tf: TfModule, model: TfLlama, ids: readonly number[], lora?: TfLora): Tf.Tensor2D {
  const { shape } = model;
  const n = ids.length;
  const d = shape.hidden / shape.heads;
  const groups = shape.heads / shape.kvHeads;
  const half = d / 2;
  // RoPE angles [n, 1, d/2].
  const freqs = tf.pow(tf.scalar(shape.ropeTheta), tf.div(tf.mul(tf.range(0, half, 1, 'float32'), -2), d)) as Tf.Tensor1D;
  const angles = tf.expandDims(tf.outerProduct(tf.range(0, n, 1, 'float32') as Tf.Tensor1D, freqs), 1);
  const cos = tf.cos(angles);
  const sin = tf.sin(angles);
  const rope = (x: Tf.Tensor, heads: number): Tf.Tensor => {
    // x [n, heads, d]
    if (shape.rope === 'interleaved') {
      const pairs = tf.reshape(x, [n, heads, half, 2]);
      const [x0, x1] = tf.split(pairs, 2, 3).map((t) => tf.squeeze(t, [3]));
      return tf.reshape(tf.stack([tf.sub(tf.mul(x0!, cos), tf.mul(x1!, sin)), tf.add(tf.mul(x0!, sin), tf.mul(x1!, cos))], 3), [n, heads, d]);
    }
    const [x0, x1] = tf.split(x, 2, 2);
    return tf.concat([tf.sub(tf.mul(x0!, cos), tf.mul(x1!, sin)), tf.add(tf.mul(x1!, cos), tf.mul(x0!, sin))], 2);
  };
  const rms = (x: Tf.Tensor2D, w: Tf.Tensor1D): Tf.Tensor2D => tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), shape.rmsEps))), w) as Tf.Tensor2D;
  const project = (x: Tf.Tensor2D, w: Tf.Tensor2D, layer: number, key: keyof typeof MODULE_OF): Tf.Tensor2D => {
    const y = tf.matMul(x, w);
    const adapter = lora?.targets.get(`model.layers.${layer}.${MODULE_OF[key]}`);
    if (!adapter) return y as Tf.Tensor2D;
    return tf.add(y, tf.mul(tf.matMul(tf.matMul(x, adapter.a as Tf.Tensor2D, false, true), adapter.b as Tf.Tensor2D, false, true), lora!.scale)) as Tf.Tensor2D;
  };
  const mask = tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([n, n]), -1, 0)), -1e9);
  let x = tf.gather(model.embed, tf.tensor1d([...ids], 'int32')) as Tf.Tensor2D;
  model.layers.forEach((w, l) => {
    const h = rms(x, w.attnNorm);
    const q = tf.transpose(rope(tf.reshape(project(h, w.wq, l, 'wq'), [n, shape.heads, d]), shape.heads), [1, 0, 2]);
    const k = tf.transpose(rope(tf.reshape(project(h, w.wk, l, 'wk'), [n, shape.kvHeads, d]), shape.kvHeads), [1, 0, 2]);
    const v = tf.transpose(tf.reshape(project(h, w.wv, l, 'wv'), [n, shape.kvHeads, d]), [1, 0, 2]);
    // Each KV head serves `groups` query heads, in order.
    const expand = (t: Tf.Tensor) => tf.reshape(tf.tile(tf.expandDims(t, 1), [1, groups, 1, 1]), [shape.heads, n, d]);
    const scores = tf.add(tf.div(tf.matMul(q as Tf.Tensor3D, expand(k) as Tf.Tensor3D, false, true), Math.sqrt(d)), mask);
    const attended = tf.matMul(tf.softmax(scores), expand(v) as Tf.Tensor3D);
    const merged = tf.reshape(tf.transpose(attended, [1, 0, 2]), [n, shape.heads * d]) as Tf.Tensor2D;
    x = tf.add(x, project(merged, w.wo, l, 'wo')) as Tf.Tensor2D;
    const f = rms(x, w.ffnNorm);
    const gate = project(f, w.w1, l, 'w1');
    const act = tf.mul(tf.mul(gate, tf.sigmoid(gate)), project(f, w.w3, l, 'w3')) as Tf.Tensor2D;
    x = tf.add(x, project(act, w.w2, l, 'w2')) as Tf.Tensor2D;
  });
  return tf.matMul(rms(x, model.finalNorm), model.head);
}

/** Mean negative log-likelihood of each next token of `ids` (a scalar). Call inside tf.tidy. */
export function tfNll(tf: TfModule, model: TfLlama, ids: readonly number[], lora?: TfLora): Tf.Scalar {
  const logits = tfLogits(tf, model, ids.slice(0, -1), lora);
  const labels = tf.oneHot(tf.tensor1d(ids.slice(1), 'int32'), model.shape.vocab);
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), labels), 1))) as Tf.Scalar;
}
