// Seeded synthetic data for scale benchmarks: Zipf-distributed words, and an embedder that makes
// vectors by random projection of the words (texts sharing words get similar vectors) at almost no
// cost, so that timings measure memos-web and not a model. Never used by the product.
import { seededRandom } from '../../src/core/seeded-random';
import { normalize, type Embedder } from '../../src/inference/embedders/embedder';

/** A seeded uniform generator (mulberry32). */
export const rng = seededRandom;

/** Makes texts of 8–20 words drawn from a Zipf-like vocabulary of `vocabulary` made-up words. */
export function zipfTexts(count: number, seed: number, vocabulary = 5000): string[] {
  const next = rng(seed);
  const words = Array.from({ length: vocabulary }, (_, i) => `w${i.toString(36)}${'aeiou'[i % 5]}`);
  // Inverse-CDF sampling of rank ∝ 1/r.
  const harmonic = Array.from({ length: vocabulary }, (_, i) => 1 / (i + 1));
  const total = harmonic.reduce((a, b) => a + b, 0);
  const cdf: number[] = [];
  harmonic.reduce((acc, h, i) => (cdf[i] = acc + h / total), 0);
  const pick = () => {
    const u = next();
    let lo = 0;
    let hi = vocabulary - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return words[lo]!;
  };
  return Array.from({ length: count }, () => Array.from({ length: 8 + Math.floor(next() * 13) }, pick).join(' '));
}

/** An embedder that sums a seeded random vector per word and normalises the sum. */
export function projectionEmbedder(dimension = 384, seed = 7): Embedder {
  const cache = new Map<string, Float32Array>();
  const wordVector = (word: string) => {
    let v = cache.get(word);
    if (!v) {
      let h = seed;
      for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
      const next = rng(h);
      v = Float32Array.from({ length: dimension }, () => next() * 2 - 1);
      cache.set(word, v);
    }
    return v;
  };
  const fingerprint = { modelId: 'synthetic-projection', revision: String(seed), dimension };
  return {
    fingerprint,
    async embed(texts) {
      return texts.map((t) => {
        const out = new Float32Array(dimension);
        for (const w of t.split(/\s+/)) {
          if (!w) continue;
          const v = wordVector(w);
          for (let i = 0; i < dimension; i++) out[i]! += v[i]!;
        }
        return normalize(out);
      });
    },
    dispose() {
      cache.clear();
    },
  };
}

