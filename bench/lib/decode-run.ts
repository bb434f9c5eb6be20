// The decode benchmark's measurement, shared by the Node child processes and the Chromium worker:
// open a model (stories260K from its files, or the ~30M synthetic Llama built in-process), then time
// load, time to first token and decode speed with greedy generation.
import { seededRandom } from '../../src/core/seeded-random';
import { llama2cToTokenizerJson, llama2cTokenizerConfig, parseLlama2cTokenizer } from '../../src/inference/tokenizers/llama2c-tokenizer';
import { buildSyntheticLlama, SYNTHETIC_SHAPES } from '../../src/inference/onnx/synthetic-llama';
import { parameterCount } from '../../src/inference/onnx/llama-shape';
import { OrtDecoder } from '../../src/inference/decoding/ort-decoder';
import { TextTokenizer } from '../../src/inference/tokenizers/text-tokenizer';
import { percentile } from './stats';

/** One row of results. */
export interface DecodeRow {
  readonly model: string;
  readonly where: string;
  readonly threads: number;
  readonly parameters: number;
  readonly promptTokens: number;
  readonly newTokens: number;
  /** Building (synthetic) or reading the files, plus creating the ORT session. */
  readonly loadMs: number;
  /** Median time from the call to the first generated token (prefill of the prompt included). */
  readonly ttftMs: number;
  /** Median generated tokens per second after the first. */
  readonly tokensPerSecond: number;
}

/** stories260K's files, as the benchmarks open it. */
export interface StoriesFiles {
  readonly onnx: Uint8Array;
  readonly tokenizer: Uint8Array;
}

/** stories260K's files from this origin (public/models, copied from ../shared at install): for workers. */
export async function storiesFromOrigin(): Promise<StoriesFiles> {
  const get = async (name: string) => new Uint8Array(await (await fetch(`/models/stories260K/${name}`)).arrayBuffer());
  return { onnx: await get('stories260K.onnx'), tokenizer: await get('tok512.bin') };
}

/** The models the benchmark knows; "synthetic-30m-8k" is the same model with room for 8,192 positions (KV at 4k memory). */
export type BenchModel = 'stories260K' | 'synthetic-30m' | 'synthetic-30m-8k';

/** Opens a model; `stories` gives stories260K's files (the .onnx and tok512.bin). */
export async function openBenchModel(model: BenchModel, stories?: StoriesFiles): Promise<{ decoder: OrtDecoder; parameters: number; loadMs: number }> {
  const started = performance.now();
  if (model === 'stories260K') {
    if (!stories) throw new Error('stories260K needs its files');
    const tokenizer = new TextTokenizer(llama2cToTokenizerJson(parseLlama2cTokenizer(stories.tokenizer, 512)), llama2cTokenizerConfig());
    const decoder = await OrtDecoder.create({ id: model, model: stories.onnx, tokenizer, contextLength: 512 });
    return { decoder, parameters: 260_000, loadMs: performance.now() - started };
  }
  const shape = model === 'synthetic-30m-8k' ? { ...SYNTHETIC_SHAPES['30m'], maxPositions: 8192 } : SYNTHETIC_SHAPES['30m'];
  const built = buildSyntheticLlama(shape, 11);
  const decoder = await OrtDecoder.create({
    id: model,
    model: built.onnx,
    tokenizer: new TextTokenizer(built.tokenizerJson, built.tokenizerConfig),
    contextLength: shape.maxPositions,
  });
  return { decoder, parameters: parameterCount(shape), loadMs: performance.now() - started };
}

/** Times greedy generation: `repeats` runs after one warm-up, medians reported. */
export async function measureDecode(
  decoder: OrtDecoder,
  options: { promptTokens: number; newTokens: number; repeats: number; vocab: number },
): Promise<{ ttftMs: number; tokensPerSecond: number }> {
  const random = seededRandom(5);
  // Ids from 259 up avoid the special and byte pieces; the EOS id 2 is never in the prompt.
  const prompt = [1, ...Array.from({ length: options.promptTokens - 1 }, () => 259 + Math.floor(random() * (options.vocab - 259)))];
  const ttft: number[] = [];
  const speed: number[] = [];
  for (let run = 0; run <= options.repeats; run++) {
    const result = await decoder.generate({ promptIds: prompt }, { maxTokens: options.newTokens });
    if (run === 0) continue;
    ttft.push(result.timings.firstTokenMs);
    speed.push(result.timings.tokensPerSecond);
  }
  return { ttftMs: percentile(ttft, 50), tokensPerSecond: percentile(speed, 50) };
}
