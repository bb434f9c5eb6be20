/**
 * A seeded uniform generator (mulberry32): the same seed gives the same numbers on every platform.
 * Used for sampling with a seed and for synthetic model weights; never for anything secret.
 * @returns a function giving numbers in [0, 1)
 */
export function seededRandom(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
