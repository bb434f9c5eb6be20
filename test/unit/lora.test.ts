// LoRA adapters merged into a decoder's weights (src/inference/lora.ts) on the real ORT wasm runtime:
// the logits equal a plain-TypeScript forward pass over W + scale·(B·A)ᵀ; removing the adapters gives
// the base logits bit for bit; adapters mix by weight; PEFT safetensors round-trip; wrong shapes and
// malformed files are refused.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/core/seeded-random';
import { mergeLora } from '../../src/inference/lora/lora';
import { peftTensors, readPeftAdapter } from '../../src/inference/lora/peft-adapter';
import type { LoraWeights } from '../../src/protocol/inference-types';
import type { LlamaLayerWeights, LlamaShape, LlamaWeights } from '../../src/inference/onnx/llama-shape';
import { SYNTHETIC_SHAPES } from '../../src/inference/onnx/synthetic-llama';
import { readSafetensors, writeSafetensors } from '../../src/inference/lora/safetensors';
import { maxAbsDiff, storiesDecoder, syntheticDecoder } from '../support/decoders';
import { referenceLogits } from '../support/reference-llama';
import { HAS_STORIES, storiesFile } from '../support/shared-models';
import { errorOf } from './helpers';

const shape: LlamaShape = SYNTHETIC_SHAPES.tiny;
const d = shape.hidden / shape.heads;
const IDS = [1, 17, 42, 99, 7, 250, 3];

type Key = 'wq' | 'wk' | 'wv' | 'wo' | 'w1' | 'w2' | 'w3';
const MODULES: Record<Key, [string, number, number]> = {
  wq: ['self_attn.q_proj', shape.hidden, shape.heads * d],
  wk: ['self_attn.k_proj', shape.hidden, shape.kvHeads * d],
  wv: ['self_attn.v_proj', shape.hidden, shape.kvHeads * d],
  wo: ['self_attn.o_proj', shape.heads * d, shape.hidden],
  w1: ['mlp.gate_proj', shape.hidden, shape.intermediate],
  w2: ['mlp.down_proj', shape.intermediate, shape.hidden],
  w3: ['mlp.up_proj', shape.hidden, shape.intermediate],
};

/** A random adapter on some weights of some layers. */
function randomLora(id: string, seed: number, rank: number, alpha: number, where: readonly [number, Key][]): LoraWeights {
  const random = seededRandom(seed);
  const fill = (n: number) => Float32Array.from({ length: n }, () => (random() - 0.5) * 0.4);
  return {
    id,
    scale: alpha / rank,
    targets: where.map(([layer, key]) => {
      const [module, inFeatures, outFeatures] = MODULES[key];
      return { module: `model.layers.${layer}.${module}`, a: fill(rank * inFeatures), b: fill(outFeatures * rank), rank, inFeatures, outFeatures };
    }),
  };
}

/** The same merge, done on the weights the model was built from (the reference side). */
function mergedWeights(weights: LlamaWeights, applied: readonly { lora: LoraWeights; weight: number }[]): LlamaWeights {
  const layers = weights.layers.map((layer) => ({ ...layer }) as Record<Key, Float32Array> & LlamaLayerWeights);
  for (const { lora, weight } of applied) {
    for (const t of lora.targets) {
      const [, l, module] = /^model\.layers\.(\d+)\.(.+)$/.exec(t.module)!;
      const key = (Object.keys(MODULES) as Key[]).find((k) => MODULES[k][0] === module)!;
      const layer = layers[Number(l)]!;
      const w = Float32Array.from(layer[key]);
      for (let i = 0; i < t.inFeatures; i++)
        for (let o = 0; o < t.outFeatures; o++) {
          let s = 0;
          for (let k = 0; k < t.rank; k++) s += t.b[o * t.rank + k]! * t.a[k * t.inFeatures + i]!;
          w[i * t.outFeatures + o]! += weight * lora.scale * s;
        }
      (layer as Record<Key, Float32Array>)[key] = w;
    }
  }
  return { ...weights, layers };
}

describe('LoRA adapters merged into the decoder', () => {
  it('give the logits of the reference model with W + scale·(B·A)ᵀ, and the base logits bit for bit once removed', async () => {
    const { decoder, model } = await syntheticDecoder(shape, 3);
    const base = await decoder.forward(IDS, undefined, true);
    const lora = randomLora('a1', 11, 4, 8, [[0, 'wq'], [0, 'wv'], [1, 'w2'], [1, 'wo']]);
    await decoder.adapters.apply([{ lora, weight: 1 }]);
    expect(decoder.info.adapters?.applied).toEqual([{ id: 'a1', weight: 1 }]);
    expect(decoder.info.kvModel?.weightsHash).not.toBe(decoder.info.adapters?.baseWeightsHash);
    const adapted = await decoder.forward(IDS, undefined, true);
    const reference = referenceLogits(shape, mergedWeights(model.weights, [{ lora, weight: 1 }]), IDS);
    expect(maxAbsDiff(adapted.logits, Float64Array.from(reference.flatMap((row) => [...row])))).toBeLessThan(1e-4);
    expect(maxAbsDiff(adapted.logits, base.logits)).toBeGreaterThan(1e-2);

    await decoder.adapters.apply([]);
    const restored = await decoder.forward(IDS, undefined, true);
    expect(restored.logits).toEqual(base.logits);
    expect(decoder.info.kvModel?.weightsHash).toBe(decoder.info.adapters?.baseWeightsHash);
    await decoder.dispose();
  });

  it('mixes several adapters by their weights, and leaves the base bytes untouched', async () => {
    const { decoder, model } = await syntheticDecoder(shape, 4);
    const before = new Uint8Array(model.onnx);
    const one = randomLora('one', 21, 2, 4, [[0, 'wq'], [1, 'w3']]);
    const two = randomLora('two', 22, 8, 8, [[0, 'wq'], [0, 'w1']]);
    const applied = [{ lora: one, weight: 0.5 }, { lora: two, weight: 1.5 }];
    await decoder.adapters.apply(applied);
    const adapted = await decoder.forward(IDS, undefined, true);
    const reference = referenceLogits(shape, mergedWeights(model.weights, applied), IDS);
    expect(maxAbsDiff(adapted.logits, Float64Array.from(reference.flatMap((row) => [...row])))).toBeLessThan(1e-4);
    expect(new Uint8Array(model.onnx)).toEqual(before);
    expect(mergeLora(model.onnx, [])).toEqual(before);
    await decoder.dispose();
  });

  it('reads a PEFT adapter (safetensors + adapter_config.json) into the same weights', () => {
    const lora = randomLora('peft', 31, 4, 16, [[1, 'wk'], [0, 'w2']]);
    const file = writeSafetensors(peftTensors(lora), { format: 'pt' });
    expect(readSafetensors(file).metadata).toEqual({ format: 'pt' });
    const read = readPeftAdapter('peft', file, JSON.stringify({ r: 4, lora_alpha: 16, target_modules: ['k_proj', 'down_proj'], base_model_name_or_path: 'synthetic' }));
    expect(read.lora.scale).toBe(4);
    expect(read.lora.targets.map((t) => t.module).sort()).toEqual(lora.targets.map((t) => t.module).sort());
    const k = read.lora.targets.find((t) => t.module.endsWith('k_proj'))!;
    expect(k.a).toEqual(lora.targets.find((t) => t.module.endsWith('k_proj'))!.a);
    expect(readPeftAdapter('rs', file, JSON.stringify({ r: 4, lora_alpha: 16, use_rslora: true })).lora.scale).toBe(8);
  });

  it('refuses an adapter for other shapes (ADAPTER_INCOMPATIBLE) and malformed files (ADAPTER_INVALID)', async () => {
    const { decoder, model } = await syntheticDecoder(shape, 5);
    const wide = { id: 'wide', scale: 1, targets: [{ module: 'model.layers.0.self_attn.q_proj', a: new Float32Array(2 * 64), b: new Float32Array(32 * 2), rank: 2, inFeatures: 64, outFeatures: 32 }] };
    expect((await errorOf(() => decoder.adapters.apply([{ lora: wide, weight: 1 }]))).code).toBe('ADAPTER_INCOMPATIBLE');
    const missing = { ...wide, targets: [{ ...wide.targets[0]!, module: 'model.layers.9.self_attn.q_proj', inFeatures: 32 }] };
    expect((await errorOf(() => mergeLora(model.onnx, [{ lora: missing, weight: 1 }]))).code).toBe('ADAPTER_INCOMPATIBLE');
    // The refused apply left the model as it was.
    expect(decoder.info.adapters?.applied).toEqual([]);
    const good = writeSafetensors(peftTensors(randomLora('g', 1, 2, 2, [[0, 'wq']])));
    const config = JSON.stringify({ r: 2, lora_alpha: 2 });
    expect((await errorOf(() => readPeftAdapter('x', good.subarray(0, 20), config))).code).toBe('ADAPTER_INVALID');
    expect((await errorOf(() => readPeftAdapter('x', good, '{not json'))).code).toBe('ADAPTER_INVALID');
    expect((await errorOf(() => readPeftAdapter('x', good, JSON.stringify({ r: 3, lora_alpha: 2 })))).code).toBe('ADAPTER_INVALID');
    expect((await errorOf(() => readPeftAdapter('x', writeSafetensors(new Map()), config))).code).toBe('ADAPTER_INVALID');
    await decoder.dispose();
  });
});

describe.skipIf(!HAS_STORIES)('LoRA on stories260K (llama2.c weight names; needs ../shared)', () => {
  it('finds l{n}.wq-style weights, changes the logits, and restores them exactly', { timeout: 60_000 }, async () => {
    const decoder = await storiesDecoder();
    const base = await decoder.forward([1, 400, 300], undefined, true);
    const random = seededRandom(5);
    const fill = (n: number) => Float32Array.from({ length: n }, () => random() - 0.5);
    const lora = { id: 's', scale: 1, targets: [{ module: 'model.layers.2.self_attn.q_proj', a: fill(4 * 64), b: fill(64 * 4), rank: 4, inFeatures: 64, outFeatures: 64 }] };
    await decoder.adapters.apply([{ lora, weight: 1 }]);
    expect(maxAbsDiff((await decoder.forward([1, 400, 300], undefined, true)).logits, base.logits)).toBeGreaterThan(1e-3);
    await decoder.adapters.apply([]);
    expect((await decoder.forward([1, 400, 300], undefined, true)).logits).toEqual(base.logits);
    expect(mergeLora(storiesFile('stories260K.onnx'), [])).toEqual(new Uint8Array(storiesFile('stories260K.onnx')));
    await decoder.dispose();
  });
});
