/**
 * Cost of choosing one token from a vocabulary's logits, with the sampler and with the sorting
 * reference it replaced (test/support/sorting-sampler.ts), on logits shaped like a language model's.
 */
import { seededRandom } from '../../src/core/seeded-random';
import { Sampler } from '../../src/inference/decoding/sampling';
import { SortingSampler } from '../../test/support/sorting-sampler';
import { percentile } from './stats';

/** One row of the sampling table. */
export interface SamplingRow {
  readonly vocab: number;
  readonly settings: string;
  readonly msPerToken: number;
  readonly p95Ms: number;
  readonly sortingMsPerToken: number;
}

/** Logits shaped like a decoder's: the vocabulary around 0 (σ ≈ 2), a few dozen tokens 10–25 above. */
function lmLogits(vocab: number, random: () => number): Float32Array {
  const logits = new Float32Array(vocab);
  for (let i = 0; i < vocab; i++) logits[i] = (random() + random() + random() - 1.5) * 4;
  for (let j = 0; j < 40; j++) logits[Math.floor(random() * vocab)] = 10 + random() * 15;
  return logits;
}

/** Times `steps` tokens at each vocabulary size (greedy, temperature, and top-k + top-p). */
export function measureSampling(vocabs: readonly number[], steps = 200): SamplingRow[] {
  const rows: SamplingRow[] = [];
  const settings = [
    { label: 'temperature 0.8', options: { temperature: 0.8 } },
    { label: 'temperature 0.7, top-k 40, top-p 0.9', options: { temperature: 0.7, topK: 40, topP: 0.9 } },
  ];
  for (const vocab of vocabs) {
    const random = seededRandom(vocab);
    const inputs = Array.from({ length: 20 }, () => lmLogits(vocab, random));
    for (const { label, options } of settings) {
      const time = (sampler: { next(l: Float32Array): number }, n: number): number[] => {
        const times: number[] = [];
        for (let i = 0; i < n; i++) {
          const t0 = performance.now();
          sampler.next(inputs[i % inputs.length]!);
          times.push(performance.now() - t0);
        }
        return times;
      };
      time(new Sampler(options), 20);
      const fast = time(new Sampler(options), steps);
      const sorting = time(new SortingSampler(options), Math.max(10, steps / 10));
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      rows.push({ vocab, settings: label, msPerToken: Number(mean(fast).toFixed(3)), p95Ms: Number(percentile(fast, 95).toFixed(3)), sortingMsPerToken: Number(mean(sorting).toFixed(2)) });
    }
  }
  return rows;
}
