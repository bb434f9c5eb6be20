/**
 * Choosing the next token from logits: greedy (temperature 0) or sampled with temperature, top-k and
 * top-p (nucleus), with a seed so a sampled run can be repeated exactly.
 *
 * Sampling touches only the tokens that can matter: one pass over the logits finds the largest allowed
 * one and keeps the tokens within `TAIL_LOGITS × temperature` of it (each weighs at least e^-20,
 * about 2e-9, of the top token), and only those get a weight and are sorted. With a language model's
 * logits that is tens to hundreds of tokens instead of the whole vocabulary (bench:decode prints the
 * cost per token). What is dropped is at most vocabulary × e^-20 of the probability (3e-4 at 152k if
 * every token sat just below the line; with real logits, far less), so the draw is the one the full
 * sort would make except with about that probability.
 */
import { seededRandom } from '../../core/seeded-random';
import type { SamplingOptions } from '../../protocol/inference-types';

/** Tokens further than this many temperatures below the top logit are left out of sampling. */
const TAIL_LOGITS = 20;

/** The index of the largest value (the first one on ties). */
export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/** The index of the largest allowed value (the first one on ties), or -1 when none is allowed. */
function bestAllowed(values: Float32Array, allowed: (id: number) => boolean): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) if ((best < 0 || values[i]! > values[best]!) && allowed(i)) best = i;
  return best;
}

/** A stateful sampler: one per generation, so its random stream is reproducible. */
export class Sampler {
  readonly #options: SamplingOptions;
  readonly #random: () => number;
  /** Reused between steps: the ids kept for sampling. */
  #kept = new Int32Array(1024);

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
    if (temperature <= 0) {
      const best = allowed ? bestAllowed(logits, allowed) : argmax(logits);
      return best < 0 ? argmax(logits) : best;
    }
    const window = TAIL_LOGITS * temperature;
    let max = -Infinity;
    let n = 0;
    // One pass: the largest allowed logit so far, and every token within the window below it then
    // (a later, larger maximum leaves some of them below the line: they are dropped after the pass).
    for (let i = 0; i < logits.length; i++) {
      const value = logits[i]!;
      if (value < max - window || (allowed && !allowed(i))) continue;
      if (value > max) max = value;
      if (n === this.#kept.length) this.#grow();
      this.#kept[n++] = i;
    }
    if (n === 0) return argmax(logits);
    const floor = max - window;
    let m = 0;
    for (let j = 0; j < n; j++) if (logits[this.#kept[j]!]! >= floor) this.#kept[m++] = this.#kept[j]!;
    n = m;
    const kept = this.#kept.subarray(0, n).sort((a, b) => logits[b]! - logits[a]! || a - b);
    const topK = this.#options.topK ?? 0;
    const count = topK > 0 ? Math.min(topK, n) : n;
    const weights = new Float64Array(count);
    let total = 0;
    for (let i = 0; i < count; i++) total += weights[i] = Math.exp((logits[kept[i]!]! - max) / temperature);
    const topP = this.#options.topP ?? 1;
    let cumulative = 0;
    let cut = count;
    for (let i = 0; i < count; i++) {
      cumulative += weights[i]! / total;
      if (cumulative >= topP) {
        cut = i + 1;
        break;
      }
    }
    let mass = 0;
    for (let i = 0; i < cut; i++) mass += weights[i]!;
    let draw = this.#random() * mass;
    for (let i = 0; i < cut; i++) {
      draw -= weights[i]!;
      if (draw <= 0) return kept[i]!;
    }
    return kept[cut - 1]!;
  }

  #grow(): void {
    const grown = new Int32Array(this.#kept.length * 2);
    grown.set(this.#kept);
    this.#kept = grown;
  }
}
