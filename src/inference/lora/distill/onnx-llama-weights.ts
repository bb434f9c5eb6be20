/**
 * A Llama decoder's weights and shape read back from its .onnx file, for training adapters on it:
 * from models our builder writes (Hugging Face names) and llama2.c-style exports (tok_emb, l0.wq…).
 * The shape comes from the weights' sizes and the KV layout (heads = hidden / head size).
 */
import { MemosError } from '../../../core/errors';
import type { KvLayout } from '../../../protocol/inference-types';
import { initializerFor } from '../lora';
import type { LlamaLayerWeights, LlamaShape, LlamaWeights } from '../../onnx/llama-shape';
import { findInitializers, readInitializer, type InitializerLocation } from '../../onnx/onnx-initializers';
import type { RopeSpec } from '../../decoding/rope';

/** Reads the weights and shape. @throws {MemosError} MODEL_INVALID when a weight cannot be found */
export function llamaFromOnnx(model: Uint8Array, layout: KvLayout, rope: RopeSpec, rmsEps = 1e-5): { shape: LlamaShape; weights: LlamaWeights } {
  const all = findInitializers(model);
  const find = (...names: string[]): InitializerLocation => {
    for (const name of names) {
      const at = all.get(name);
      if (at) return at;
    }
    throw new MemosError('MODEL_INVALID', `The model has no weight named ${names.join(' or ')}: adapters can be trained only on Llama decoders with known weight names.`);
  };
  const read = (at: InitializerLocation): Float32Array => readInitializer(model, at);
  const embed = find('model.embed_tokens.weight', 'tok_emb');
  const [vocab, hidden] = embed.dims as [number, number];
  const layers: LlamaLayerWeights[] = [];
  let intermediate = 0;
  for (let l = 0; l < layout.layers; l++) {
    const module = (m: string): Float32Array => {
      const at = initializerFor(`model.layers.${l}.${m}`, all);
      if (!at) throw new MemosError('MODEL_INVALID', `The model has no weight for model.layers.${l}.${m}.`);
      if (m === 'mlp.gate_proj') intermediate = at.dims[1] ?? 0;
      return read(at);
    };
    layers.push({
      attnNorm: read(find(`model.layers.${l}.input_layernorm.weight`, `l${l}.rms_att`)),
      wq: module('self_attn.q_proj'),
      wk: module('self_attn.k_proj'),
      wv: module('self_attn.v_proj'),
      wo: module('self_attn.o_proj'),
      ffnNorm: read(find(`model.layers.${l}.post_attention_layernorm.weight`, `l${l}.rms_ffn`)),
      w1: module('mlp.gate_proj'),
      w2: module('mlp.down_proj'),
      w3: module('mlp.up_proj'),
    });
  }
  const head = all.get('lm_head.weight') ?? all.get('wcls');
  const shape: LlamaShape = {
    layers: layout.layers,
    hidden,
    intermediate,
    heads: hidden / layout.headDim,
    kvHeads: layout.kvHeads,
    vocab,
    maxPositions: 1 << 20,
    ropeTheta: rope.theta,
    rmsEps,
    rope: rope.layout,
    tiedEmbeddings: !head,
  };
  return { shape, weights: { embed: read(embed), layers, finalNorm: read(find('model.norm.weight', 'rms_final')), ...(head && { lmHead: read(head) }) } };
}
