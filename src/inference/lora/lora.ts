/**
 * LoRA adapters applied by merging: for each target weight W (stored [in, out], as the decoder's
 * MatMul reads it), W' = W + Σ weight·scale·(B·A)ᵀ, with A [rank, in] and B [out, rank] as PEFT saves
 * them and scale = alpha / rank (alpha / √rank with rsLoRA). The merge writes into a copy of the base
 * model's bytes (src/inference/onnx/onnx-initializers.ts), so removing every adapter gives back the
 * base file exactly. Targets are named like Hugging Face modules ("model.layers.3.self_attn.q_proj");
 * they are found in models written by our Llama builder and in llama2.c-style exports ("l3.wq").
 */
import { MemosError } from '../../core/errors';
import { ownValue } from '../../core/own-keys';
import { findInitializers, readInitializer, writeInitializer, type InitializerLocation } from '../onnx/onnx-initializers';
import type { AppliedLora, LoraWeights } from '../../protocol/inference-types';

const LLAMA2C_NAMES: Record<string, string> = {
  'self_attn.q_proj': 'wq',
  'self_attn.k_proj': 'wk',
  'self_attn.v_proj': 'wv',
  'self_attn.o_proj': 'wo',
  'mlp.gate_proj': 'w1',
  'mlp.down_proj': 'w2',
  'mlp.up_proj': 'w3',
};

const MODULE = /^model\.layers\.(\d+)\.((?:self_attn|mlp)\.\w+)$/;

/** The initialiser a module's weight is stored in, in the layouts we know ([in, out]). */
export function initializerFor(module: string, initializers: ReadonlyMap<string, InitializerLocation>): InitializerLocation | undefined {
  const direct = initializers.get(module);
  if (direct) return direct;
  const match = MODULE.exec(module);
  const short = match ? ownValue(LLAMA2C_NAMES, match[2]!) : undefined;
  return short ? initializers.get(`l${match![1]}.${short}`) : undefined;
}

/**
 * Checks that every target of the adapters has a weight of the right shape in the model (whose
 * initialisers may be given when already found).
 * @throws {MemosError} ADAPTER_INCOMPATIBLE naming the first target that does not fit
 */
export function checkLoraFits(model: Uint8Array, loras: readonly LoraWeights[], initializers: ReadonlyMap<string, InitializerLocation> = findInitializers(model)): void {
  for (const lora of loras) {
    for (const t of lora.targets) {
      const at = initializerFor(t.module, initializers);
      if (!at) throw new MemosError('ADAPTER_INCOMPATIBLE', `The model has no weight for ${t.module}.`, { adapter: lora.id, module: t.module });
      if (at.dims.length !== 2 || at.dims[0] !== t.inFeatures || at.dims[1] !== t.outFeatures) {
        throw new MemosError('ADAPTER_INCOMPATIBLE', `${t.module} is ${at.dims.join('×')} in the model, ${t.inFeatures}×${t.outFeatures} in the adapter.`, { adapter: lora.id, module: t.module });
      }
    }
  }
}

/**
 * The base model's bytes with the adapters merged in (a new array; `base` is not changed). With no
 * adapters it is a plain copy, equal to the base byte for byte.
 * @throws {MemosError} ADAPTER_INCOMPATIBLE when a target is missing or has another shape
 */
export function mergeLora(base: Uint8Array, applied: readonly AppliedLora[]): Uint8Array {
  // A copy (not base.slice(): on a Node Buffer that would be a view of the same bytes).
  const merged = new Uint8Array(base);
  if (applied.length === 0) return merged;
  const initializers = findInitializers(base);
  checkLoraFits(base, applied.map((a) => a.lora), initializers);
  const byLocation = new Map<InitializerLocation, Float32Array>();
  for (const { lora, weight } of applied) {
    const factor = weight * lora.scale;
    if (factor === 0) continue;
    for (const t of lora.targets) {
      const at = initializerFor(t.module, initializers)!;
      let w = byLocation.get(at);
      if (!w) byLocation.set(at, (w = readInitializer(base, at)));
      const { inFeatures: n, outFeatures: m, rank: r, a, b } = t;
      // W[i, o] += factor · Σ_k B[o, k] · A[k, i]
      for (let i = 0; i < n; i++) {
        const row = i * m;
        for (let o = 0; o < m; o++) {
          let s = 0;
          for (let k = 0; k < r; k++) s += b[o * r + k]! * a[k * n + i]!;
          w[row + o]! += factor * s;
        }
      }
    }
  }
  for (const [at, values] of byLocation) writeInitializer(merged, at, values);
  return merged;
}
