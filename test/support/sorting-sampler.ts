// The reference sampler for tests: the straightforward version memos-web shipped before the sampler
// was rewritten to touch only the tokens that can matter (sorts a JavaScript array of every allowed
// token, every step). The new Sampler must pick what this one picks, seed for seed.
import { seededRandom } from '../../src/core/seeded-random';
import type { SamplingOptions } from '../../src/protocol/inference-types';

function argmaxOf(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/** The sampler as it was before the one-pass rewrite: sorts every allowed token each step. */
export class SortingSampler {
  readonly #options: SamplingOptions;
  readonly #random: () => number;

  constructor(options: SamplingOptions = {}) {
    this.#options = options;
    this.#random = seededRandom(options.seed ?? 0x5eed);
  }

  /**
   * Picks a token id from one position's logits. `allowed`, when given, masks the choice (grammar-
   * constrained decoding): a token whose bit is 0 is never chosen.
   */
  next(logits: Float32Array, allowed?: (id: number) => boolean): number {
    const temperature = this.#options.temperature ?? 0;
    const candidates: number[] = [];
    for (let i = 0; i < logits.length; i++) if (!allowed || allowed(i)) candidates.push(i);
    if (candidates.length === 0) return argmaxOf(logits);
    if (temperature <= 0) {
      let best = candidates[0] as number;
      for (const id of candidates) if ((logits[id] as number) > (logits[best] as number)) best = id;
      return best;
    }
    candidates.sort((a, b) => (logits[b] as number) - (logits[a] as number) || a - b);
    const topK = this.#options.topK ?? 0;
    const kept = topK > 0 ? candidates.slice(0, topK) : candidates;
    const max = logits[kept[0] as number] as number;
    const weights = kept.map((id) => Math.exp(((logits[id] as number) - max) / temperature));
    const total = weights.reduce((a, b) => a + b, 0);
    const topP = this.#options.topP ?? 1;
    let cumulative = 0;
    let cut = kept.length;
    for (let i = 0; i < kept.length; i++) {
      cumulative += (weights[i] as number) / total;
      if (cumulative >= topP) {
        cut = i + 1;
        break;
      }
    }
    const mass = weights.slice(0, cut).reduce((a, b) => a + b, 0);
    let draw = this.#random() * mass;
    for (let i = 0; i < cut; i++) {
      draw -= weights[i] as number;
      if (draw <= 0) return kept[i] as number;
    }
    return kept[cut - 1] as number;
  }
}
