/**
 * PEFT's LoRA adapter files (adapter_model.safetensors + adapter_config.json): reading them into
 * LoraWeights and writing LoraWeights back under PEFT's tensor names. Kept apart from the merge
 * (lora.ts) so the memory worker can import and export adapter cubes without the ONNX code.
 */
import { MemosError } from '../../core/errors';
import { readSafetensors, type FloatTensor } from './safetensors';
import type { LoraTarget, LoraWeights } from '../../protocol/inference-types';

/** PEFT's adapter_config.json, the fields we use. */
export interface PeftConfig {
  readonly r: number;
  readonly lora_alpha: number;
  readonly use_rslora?: boolean;
  readonly base_model_name_or_path?: string | null;
  readonly target_modules?: readonly string[] | string | null;
}

const PEFT_KEY = /^(?:base_model\.model\.)?(model\.layers\.\d+\.(?:self_attn|mlp)\.\w+)\.lora_([AB])(?:\.default)?\.weight$/;

function invalid(message: string): MemosError {
  return new MemosError('ADAPTER_INVALID', message, { field: 'adapter' });
}

/**
 * Reads a PEFT LoRA adapter: adapter_model.safetensors and adapter_config.json.
 * @throws {MemosError} ADAPTER_INVALID
 */
export function readPeftAdapter(id: string, safetensors: Uint8Array, configJson: string): { lora: LoraWeights; config: PeftConfig } {
  let config: PeftConfig;
  try {
    config = JSON.parse(configJson) as PeftConfig;
  } catch {
    throw invalid('adapter_config.json is not JSON.');
  }
  if (!(Number.isInteger(config.r) && config.r > 0) || !(typeof config.lora_alpha === 'number' && config.lora_alpha > 0)) {
    throw invalid('adapter_config.json needs a positive integer "r" and a positive "lora_alpha".');
  }
  const { tensors } = readSafetensors(safetensors);
  const pairs = new Map<string, { a?: FloatTensor; b?: FloatTensor }>();
  for (const [name, tensor] of tensors) {
    const match = PEFT_KEY.exec(name);
    if (!match) continue;
    const pair = pairs.get(match[1]!) ?? {};
    if (match[2] === 'A') pair.a = tensor;
    else pair.b = tensor;
    pairs.set(match[1]!, pair);
  }
  if (pairs.size === 0) throw invalid('The safetensors file has no LoRA weights (…lora_A.weight / …lora_B.weight of model.layers.N modules).');
  const targets: LoraTarget[] = [];
  for (const [module, { a, b }] of [...pairs].sort(([x], [y]) => (x < y ? -1 : 1))) {
    if (!a || !b) throw invalid(`${module} has only one of lora_A and lora_B.`);
    const [rank, inFeatures] = a.shape as [number, number];
    const [outFeatures, rankB] = b.shape as [number, number];
    if (a.shape.length !== 2 || b.shape.length !== 2 || rank !== rankB || rank !== config.r) {
      throw invalid(`${module}: lora_A ${a.shape.join('×')} and lora_B ${b.shape.join('×')} do not fit rank ${config.r}.`);
    }
    targets.push({ module, a: a.data, b: b.data, rank, inFeatures, outFeatures });
  }
  const scale = config.use_rslora ? config.lora_alpha / Math.sqrt(config.r) : config.lora_alpha / config.r;
  return { lora: { id, scale, targets }, config };
}

/** The tensors of an adapter under PEFT's names, for writing it as safetensors. */
export function peftTensors(lora: LoraWeights): Map<string, FloatTensor> {
  const out = new Map<string, FloatTensor>();
  for (const t of lora.targets) {
    out.set(`base_model.model.${t.module}.lora_A.weight`, { shape: [t.rank, t.inFeatures], data: t.a });
    out.set(`base_model.model.${t.module}.lora_B.weight`, { shape: [t.outFeatures, t.rank], data: t.b });
  }
  return out;
}
