/**
 * Distillation of plaintext into parametric memory: trains a LoRA adapter on the token sequences of
 * chosen memories with tfjs's autograd and Adam (base weights frozen; B starts at zero, so training
 * starts from the base model exactly), within a step, time and token budget, with progress and abort.
 * It also measures perplexity before and after on the memory text and on held-out text, with the same
 * forward pass. Runs on tfjs's CPU backend (pure JavaScript: every kernel and gradient exists there).
 */
import type * as Tf from '@tensorflow/tfjs-core';
import type { DistillationReport } from '../../../core/adapter-item';
import { MemosError } from '../../../core/errors';
import { seededRandom } from '../../../core/seeded-random';
import type { DistillOptions, DistillResult, LoraTarget } from '../../../protocol/inference-types';
import type { LlamaShape, LlamaWeights } from '../../onnx/llama-shape';
import { tfLlama, tfLogits, tfNll, type TfLora } from './tf-llama';

type TfModule = typeof Tf;

/** Loads tfjs with its CPU backend and gradients (once). */
export async function loadTrainingTf(): Promise<TfModule> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-core/dist/register_all_gradients');
  await import('@tensorflow/tfjs-backend-cpu');
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  await tf.ready();
  return tf;
}

function perplexity(tf: TfModule, model: ReturnType<typeof tfLlama>, sequences: readonly number[][], lora?: TfLora): number {
  let nll = 0;
  let tokens = 0;
  for (const ids of sequences) {
    if (ids.length < 2) continue;
    const value = tf.tidy(() => tfNll(tf, model, ids, lora)).dataSync()[0]!;
    nll += value * (ids.length - 1);
    tokens += ids.length - 1;
  }
  return tokens ? Math.exp(nll / tokens) : NaN;
}

/**
 * Trains a LoRA adapter so that the model predicts `sequences` (token ids, BOS first) better.
 * @throws {MemosError} INVALID_INPUT when there is nothing to train on; ABORTED only before the first step
 */
export async function distillLora(
  tf: TfModule,
  shape: LlamaShape,
  weights: LlamaWeights,
  sequences: readonly number[][],
  heldOut: readonly number[][],
  id: string,
  options: DistillOptions = {},
): Promise<DistillResult> {
  const rank = options.rank ?? 4;
  const alpha = options.alpha ?? 2 * rank;
  const modules = options.modules ?? ['self_attn.q_proj', 'self_attn.v_proj'];
  const budget = options.maxTokens ?? 4096;
  const train: number[][] = [];
  let used = 0;
  for (const ids of sequences) {
    const take = Math.min(ids.length, budget - used);
    if (take >= 2) train.push(ids.slice(0, take));
    used += Math.max(0, take);
    if (used >= budget) break;
  }
  if (train.length === 0) throw new MemosError('INVALID_INPUT', 'No text to distil (each memory needs at least two tokens).', { field: 'memoryIds' });
  if (options.signal?.aborted) throw new MemosError('ABORTED', 'Distillation was stopped before it began.');
  const model = tfLlama(tf, shape, weights);
  const d = shape.hidden / shape.heads;
  const dims: Record<string, [number, number]> = {
    'self_attn.q_proj': [shape.hidden, shape.heads * d],
    'self_attn.k_proj': [shape.hidden, shape.kvHeads * d],
    'self_attn.v_proj': [shape.hidden, shape.kvHeads * d],
    'self_attn.o_proj': [shape.heads * d, shape.hidden],
    'mlp.gate_proj': [shape.hidden, shape.intermediate],
    'mlp.up_proj': [shape.hidden, shape.intermediate],
    'mlp.down_proj': [shape.intermediate, shape.hidden],
  };
  const random = seededRandom(options.seed ?? 1);
  const targets = new Map<string, { a: Tf.Variable; b: Tf.Variable; inFeatures: number; outFeatures: number }>();
  for (let l = 0; l < shape.layers; l++) {
    for (const m of modules) {
      const [inFeatures, outFeatures] = dims[m] ?? [];
      if (!inFeatures || !outFeatures) throw new MemosError('INVALID_INPUT', `Unknown module ${m}.`, { field: 'modules' });
      // A ~ U(-1/√in, 1/√in) as PEFT's Kaiming init gives; B = 0 so the adapter starts as a no-op.
      const bound = 1 / Math.sqrt(inFeatures);
      const a = tf.variable(tf.tensor2d(Float32Array.from({ length: rank * inFeatures }, () => (random() * 2 - 1) * bound), [rank, inFeatures]));
      const b = tf.variable(tf.zeros([outFeatures, rank]));
      targets.set(`model.layers.${l}.${m}`, { a, b, inFeatures, outFeatures });
    }
  }
  const lora: TfLora = { scale: alpha / rank, targets };
  const variables = [...targets.values()].flatMap((t) => [t.a, t.b]);
  try {
    const before = { memory: perplexity(tf, model, train), heldOut: perplexity(tf, model, heldOut) };
    const optimizer = tf.train.adam(options.learningRate ?? 5e-3);
    const maxSteps = options.maxSteps ?? 200;
    const budgetMs = options.timeBudgetMs ?? 60_000;
    const started = performance.now();
    let steps = 0;
    let stopped: DistillationReport['stopped'] = 'done';
    const tokens = train.reduce((n, ids) => n + ids.length - 1, 0);
    const replay = (options.replay ?? []).filter((ids) => ids.length >= 2);
    const replayTokens = replay.reduce((n, ids) => n + ids.length - 1, 0);
    const replayWeight = options.replayWeight ?? 4;
    // The base model's log-probabilities on the replay text, fixed targets for the KL term.
    const baseLogProbs = replay.map((ids) => tf.keep(tf.tidy(() => tf.logSoftmax(tfLogits(tf, model, ids)))));
    const startLoss = Math.log(before.memory);
    const targetLoss = startLoss * (options.targetLossRatio ?? 0.3);
    while (steps < maxSteps) {
      if (options.signal?.aborted) {
        stopped = 'aborted';
        break;
      }
      if (performance.now() - started > budgetMs) {
        stopped = 'time-budget';
        break;
      }
      // Loss: the memory text's mean NLL, plus the replay text's (weighted) when there is some.
      let memoryLoss = 0;
      const cost = optimizer.minimize(
        () => {
          const memory = tf.addN(train.map((ids) => tf.mul(tfNll(tf, model, ids, lora), (ids.length - 1) / tokens))) as Tf.Scalar;
          memoryLoss = memory.dataSync()[0]!;
          if (replay.length === 0) return memory;
          const kl = replay.map((ids, i) => {
            const base = baseLogProbs[i]!;
            const adapted = tf.logSoftmax(tfLogits(tf, model, ids, lora));
            // KL(base ‖ adapted) per position, summed over positions, weighted by the sequence's share.
            return tf.mul(tf.sum(tf.mul(tf.exp(base), tf.sub(base, adapted))), replayWeight / replayTokens);
          });
          return tf.add(memory, tf.addN(kl)) as Tf.Scalar;
        },
        true,
        variables,
      );
      cost!.dispose();
      steps++;
      options.onProgress?.({ step: steps, loss: memoryLoss, elapsedMs: performance.now() - started });
      if (memoryLoss <= targetLoss) break;
      // Let the worker answer messages (progress, abort) between steps.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const trainMs = performance.now() - started;
    optimizer.dispose();
    tf.dispose(baseLogProbs);
    const after = { memory: perplexity(tf, model, train, lora), heldOut: perplexity(tf, model, heldOut, lora) };
    const out: LoraTarget[] = [...targets].map(([module, t]) => ({ module, a: t.a.dataSync() as Float32Array, b: t.b.dataSync() as Float32Array, rank, inFeatures: t.inFeatures, outFeatures: t.outFeatures }));
    return {
      lora: { id, scale: alpha / rank, targets: out },
      alpha,
      report: {
        steps,
        tokens,
        trainMs,
        memoryPerplexity: { before: before.memory, after: after.memory },
        heldOutPerplexity: { before: before.heldOut, after: after.heldOut },
        stopped,
      },
    };
  } finally {
    tf.dispose(variables);
    model.dispose();
  }
}
