/**
 * Builds a Llama decoder as an ONNX graph in the Optimum layout with explicit KV:
 * inputs `input_ids`, `attention_mask`, `position_ids` (int64) and `past_key_values.N.key/value`
 * (float32 [batch, kvHeads, past, headDim]); outputs `logits` and `present.N.key/value`.
 * Standard opset-17 operators only (RMSNorm, RoPE, grouped-query attention and SwiGLU are composed),
 * so the same file runs on onnxruntime-web's wasm and webgpu providers.
 */
import { GraphBuilder } from './graph-builder';
import { headDim, checkLlamaShape, type LlamaShape, type LlamaWeights } from './llama-shape';
import { encodeOnnxModel, type OnnxModel } from './onnx-proto';

const OPSET = 17;

/** The ONNX model of a Llama decoder with these weights. */
export function llamaDecoderModel(shape: LlamaShape, weights: LlamaWeights, name = 'llama'): OnnxModel {
  checkLlamaShape(shape);
  const g = new GraphBuilder();
  const d = headDim(shape);
  const half = d / 2;
  const groups = shape.heads / shape.kvHeads;

  const ids = g.input({ name: 'input_ids', type: 'int64', dims: ['batch_size', 'sequence_length'] });
  const mask = g.input({ name: 'attention_mask', type: 'int64', dims: ['batch_size', 'total_sequence_length'] });
  const positions = g.input({ name: 'position_ids', type: 'int64', dims: ['batch_size', 'sequence_length'] });
  const pastDims = ['batch_size', shape.kvHeads, 'past_sequence_length', d] as const;
  const past = Array.from({ length: shape.layers }, (_, l) => ({
    key: g.input({ name: `past_key_values.${l}.key`, type: 'float', dims: pastDims }),
    value: g.input({ name: `past_key_values.${l}.value`, type: 'float', dims: pastDims }),
  }));

  // RoPE tables, gathered by position: [batch, seq, half].
  const cosTable = new Float32Array(shape.maxPositions * half);
  const sinTable = new Float32Array(shape.maxPositions * half);
  for (let p = 0; p < shape.maxPositions; p++) {
    for (let i = 0; i < half; i++) {
      const angle = p * Math.pow(shape.ropeTheta, (-2 * i) / d);
      cosTable[p * half + i] = Math.cos(angle);
      sinTable[p * half + i] = Math.sin(angle);
    }
  }
  const axis0 = { axis: { kind: 'int', value: 0 } } as const;
  const cos = g.op('Gather', [g.constant('rope.cos', 'float', [shape.maxPositions, half], cosTable), positions], axis0);
  const sin = g.op('Gather', [g.constant('rope.sin', 'float', [shape.maxPositions, half], sinTable), positions], axis0);
  const interleaved = shape.rope === 'interleaved';
  const cosB = g.unsqueeze(cos, interleaved ? [1, 4] : [1]);
  const sinB = g.unsqueeze(sin, interleaved ? [1, 4] : [1]);

  /** Rotates x [batch, heads, seq, d] by position. */
  const rope = (x: string): string => {
    if (interleaved) {
      const pairs = g.reshape(x, [0, 0, 0, half, 2]);
      const [even, odd] = g.opN('Split', [pairs], 2, { axis: { kind: 'int', value: 4 } }) as [string, string];
      const newEven = g.sub(g.mul(even, cosB), g.mul(odd, sinB));
      const newOdd = g.add(g.mul(even, sinB), g.mul(odd, cosB));
      return g.reshape(g.concat([newEven, newOdd], 4), [0, 0, 0, d]);
    }
    const axis3 = g.ints([3]);
    const first = g.op('Slice', [x, g.ints([0]), g.ints([half]), axis3]);
    const second = g.op('Slice', [x, g.ints([half]), g.ints([d]), axis3]);
    return g.concat([g.sub(g.mul(first, cosB), g.mul(second, sinB)), g.add(g.mul(second, cosB), g.mul(first, sinB))], 3);
  };

  // Attention bias [batch, 1, 1, seq, total]: causal within the window and the caller's mask.
  const total = g.dim(mask, 1);
  const seq = g.dim(ids, 1);
  const one = g.int(1);
  const keyIndex = g.op('Range', [g.int(0), total, one]);
  const queryIndex = g.op('Range', [g.sub(total, seq), total, one]);
  const causal = g.op('LessOrEqual', [g.unsqueeze(keyIndex, [0]), g.unsqueeze(queryIndex, [1])]);
  const keep = g.op('Cast', [mask], { to: { kind: 'int', value: 9 } });
  const allowed = g.op('And', [causal, g.unsqueeze(keep, [1, 2, 3])]);
  const bias = g.op('Where', [allowed, g.float(0), g.float(-1e9)]);
  const scale = g.float(1 / Math.sqrt(d));
  const eps = g.float(shape.rmsEps);

  const rmsNorm = (x: string, weight: string): string => {
    const meanSquare = g.op('ReduceMean', [g.mul(x, x)], { axes: { kind: 'ints', value: [-1] }, keepdims: { kind: 'int', value: 1 } });
    return g.mul(g.op('Div', [x, g.op('Sqrt', [g.add(meanSquare, eps)])]), weight);
  };

  let x = g.op('Gather', [g.constant('model.embed_tokens.weight', 'float', [shape.vocab, shape.hidden], weights.embed), ids], axis0);
  weights.layers.forEach((w, l) => {
    const p = `model.layers.${l}`;
    const weight = (key: string, dims: number[], data: Float32Array): string => g.constant(`${p}.${key}`, 'float', dims, data);
    const h = rmsNorm(x, weight('input_layernorm.weight', [shape.hidden], w.attnNorm));
    const heads = (projection: string, count: number): string =>
      g.transpose(g.reshape(projection, [0, 0, count, d]), [0, 2, 1, 3]);
    const q = rope(heads(g.matmul(h, weight('self_attn.q_proj', [shape.hidden, shape.heads * d], w.wq)), shape.heads));
    const k = rope(heads(g.matmul(h, weight('self_attn.k_proj', [shape.hidden, shape.kvHeads * d], w.wk)), shape.kvHeads));
    const v = heads(g.matmul(h, weight('self_attn.v_proj', [shape.hidden, shape.kvHeads * d], w.wv)), shape.kvHeads);
    const layerPast = past[l] as { key: string; value: string };
    const keys = g.concat([layerPast.key, k], 2, `present.${l}.key`);
    const values = g.concat([layerPast.value, v], 2, `present.${l}.value`);
    // Grouped-query attention by broadcasting: q [b, kvHeads, groups, seq, d] against k [b, kvHeads, 1, total, d].
    const qGrouped = g.reshape(q, [0, shape.kvHeads, groups, -1, d]);
    const keysT = g.unsqueeze(g.transpose(keys, [0, 1, 3, 2]), [2]);
    const scores = g.add(g.mul(g.matmul(qGrouped, keysT), scale), bias);
    const probs = g.op('Softmax', [scores], { axis: { kind: 'int', value: -1 } });
    const attended = g.matmul(probs, g.unsqueeze(values, [2]));
    const merged = g.reshape(g.transpose(g.reshape(attended, [0, shape.heads, -1, d]), [0, 2, 1, 3]), [0, 0, shape.heads * d]);
    x = g.add(x, g.matmul(merged, weight('self_attn.o_proj', [shape.heads * d, shape.hidden], w.wo)));
    const f = rmsNorm(x, weight('post_attention_layernorm.weight', [shape.hidden], w.ffnNorm));
    const gate = g.matmul(f, weight('mlp.gate_proj', [shape.hidden, shape.intermediate], w.w1));
    const up = g.matmul(f, weight('mlp.up_proj', [shape.hidden, shape.intermediate], w.w3));
    const act = g.mul(g.mul(gate, g.op('Sigmoid', [gate])), up);
    x = g.add(x, g.matmul(act, weight('mlp.down_proj', [shape.intermediate, shape.hidden], w.w2)));
  });
  const normed = rmsNorm(x, g.constant('model.norm.weight', 'float', [shape.hidden], weights.finalNorm));
  const head = weights.lmHead
    ? g.constant('lm_head.weight', 'float', [shape.hidden, shape.vocab], weights.lmHead)
    : g.transpose('model.embed_tokens.weight', [1, 0]);
  const logits = g.matmul(normed, head);
  g.output(logits, { name: 'logits', type: 'float', dims: ['batch_size', 'sequence_length', shape.vocab] });
  const kvDims = ['batch_size', shape.kvHeads, 'total_sequence_length', d];
  for (let l = 0; l < shape.layers; l++) {
    g.output(`present.${l}.key`, { name: `present.${l}.key`, type: 'float', dims: kvDims });
    g.output(`present.${l}.value`, { name: `present.${l}.value`, type: 'float', dims: kvDims });
  }
  return g.build(name, OPSET, {
    'memos.shape': JSON.stringify(shape),
  });
}

/** The bytes of an .onnx file for a Llama decoder with these weights. */
export function llamaDecoderOnnx(shape: LlamaShape, weights: LlamaWeights, name?: string): Uint8Array {
  return encodeOnnxModel(llamaDecoderModel(shape, weights, name));
}
