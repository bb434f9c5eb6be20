/**
 * Training a LoRA adapter for a loaded ONNX decoder (decision 0019): the decoder lends its weights,
 * tokenizer and sampler; the training itself runs on tfjs, loaded only when asked for. Kept apart from
 * the decoder so that decoding never pulls training code in.
 */
import { MemosError } from '../../../core/errors';
import type { KvLayout } from '../../../protocol/inference-types';
import type { DistillProgress, DistillRequest, DistillResult, GenerateOptions, GenerateRequest, GenerateResult } from '../../../protocol/language-model';
import type { RopeSpec } from '../../decoding/rope';
import type { TextTokenizer } from '../../tokenizers/text-tokenizer';

/** What training needs of the decoder it adapts. */
export interface DistillBase {
  /** The .onnx file's bytes (the base weights are read out of it). */
  readonly model: Uint8Array;
  readonly layout: KvLayout;
  /** How the model applies RoPE; training refuses without it. */
  readonly rope: RopeSpec | undefined;
  readonly tokenizer: TextTokenizer;
  generate(request: GenerateRequest, options: GenerateOptions): Promise<GenerateResult>;
}

/**
 * Trains an adapter on `request.texts`, checked on `request.heldOut`. Replay text: two continuations
 * the base model writes from BOS (greedy and sampled), so the adapter keeps its general behaviour.
 * @throws {MemosError} MODEL_INVALID when the model entry does not say how it applies RoPE
 */
export async function distillFromDecoder(base: DistillBase, request: DistillRequest, onProgress?: (p: DistillProgress) => void, signal?: AbortSignal): Promise<DistillResult> {
  const rope = base.rope;
  if (!rope) throw new MemosError('MODEL_INVALID', 'Training needs to know how the model applies RoPE (the model entry has no rope field).');
  const { distillLora, loadTrainingTf } = await import('./distill-lora');
  const { llamaFromOnnx } = await import('./onnx-llama-weights');
  const { shape, weights } = llamaFromOnnx(base.model, base.layout, rope);
  const tokenizer = base.tokenizer;
  const bos = tokenizer.bosId;
  const encode = (text: string): number[] => (bos !== undefined ? [bos, ...tokenizer.encode(text)] : tokenizer.encode(text));
  const replay: number[][] = [];
  for (const temperature of [0, 0.8]) {
    const generated = await base.generate({ promptIds: bos !== undefined ? [bos] : [tokenizer.encode(' ')[0] ?? 0] }, { maxTokens: 96, temperature, seed: 7 });
    replay.push(encode(generated.text));
  }
  const tf = await loadTrainingTf();
  return distillLora(tf, shape, weights, request.texts.map(encode), request.heldOut.map(encode), request.id, {
    ...request.options,
    replay,
    ...(signal && { signal }),
    ...(onProgress && { onProgress }),
  });
}
