/**
 * Moving cached keys to new positions. Rotary position embedding rotates each pair of a key's
 * dimensions by an angle proportional to its position, and rotations compose: a key cached at
 * position p becomes the key at p + Δ by one more rotation by Δ. Values carry no position.
 */
import { MemosError } from '../../core/errors';
import { sliceKvCache } from './kv-cache';
import type { KvCache } from '../../protocol/inference-types';

/** How a model applies RoPE. */
export interface RopeSpec {
  /** The base of the frequencies (10000 for Llama 1/2, 500000 for Llama 3). */
  readonly theta: number;
  /** "interleaved": pairs (x[2i], x[2i+1]) (llama2.c, Meta's code); "half": (x[i], x[i + d/2]) (HF Llama). */
  readonly layout: 'interleaved' | 'half';
}

/**
 * A copy of `cache` whose keys sit `delta` positions later (negative moves them earlier).
 * @throws {MemosError} INVALID_INPUT when the head size is odd
 */
export function shiftKeys(cache: KvCache, delta: number, rope: RopeSpec): KvCache {
  if (delta === 0) return cache;
  const d = cache.headDim;
  if (d % 2 !== 0) throw new MemosError('INVALID_INPUT', 'RoPE needs an even head size.', { headDim: d });
  const half = d / 2;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let i = 0; i < half; i++) {
    const angle = delta * Math.pow(rope.theta, (-2 * i) / d);
    cos[i] = Math.cos(angle);
    sin[i] = Math.sin(angle);
  }
  const rotate = (keys: Float32Array): Float32Array => {
    const out = new Float32Array(keys.length);
    for (let row = 0; row < keys.length; row += d) {
      for (let i = 0; i < half; i++) {
        const [a, b] = rope.layout === 'interleaved' ? [row + 2 * i, row + 2 * i + 1] : [row + i, row + i + half];
        const x0 = keys[a] as number;
        const x1 = keys[b] as number;
        out[a] = x0 * (cos[i] as number) - x1 * (sin[i] as number);
        out[b] = x0 * (sin[i] as number) + x1 * (cos[i] as number);
      }
    }
    return out;
  };
  return { ...cache, keys: cache.keys.map(rotate) };
}

/**
 * Joins caches into one prefix: the first as it is, each next one without its first `dropFirst`
 * positions (e.g. its own BOS) and with its keys moved to follow the ones before. Attention across
 * the parts is missing (each was computed alone), so the result only approximates a joint prefill.
 * @throws {MemosError} KV_INCOMPATIBLE when the layouts differ
 */
export function concatCaches(parts: readonly KvCache[], rope: RopeSpec, dropFirst = 1): KvCache {
  const first = parts[0];
  if (!first) throw new MemosError('INVALID_INPUT', 'Nothing to compose.', { field: 'parts' });
  const pieces: KvCache[] = [first];
  let offset = first.length;
  for (const part of parts.slice(1)) {
    if (part.layers !== first.layers || part.kvHeads !== first.kvHeads || part.headDim !== first.headDim) {
      throw new MemosError('KV_INCOMPATIBLE', 'Caches of different layouts cannot be joined.');
    }
    const kept = sliceKvCache(part, dropFirst, part.length);
    pieces.push(shiftKeys(kept, offset - dropFirst, rope));
    offset += kept.length;
  }
  const join = (pick: (c: KvCache) => readonly Float32Array[], l: number): Float32Array => {
    const { kvHeads, headDim } = first;
    const out = new Float32Array(kvHeads * offset * headDim);
    for (let h = 0; h < kvHeads; h++) {
      let at = 0;
      for (const piece of pieces) {
        const source = pick(piece)[l] as Float32Array;
        const rows = piece.length * headDim;
        out.set(source.subarray(h * rows, (h + 1) * rows), (h * offset + at) * headDim);
        at += piece.length;
      }
    }
    return out;
  };
  const layers = Array.from({ length: first.layers }, (_, l) => l);
  return { ...first, length: offset, keys: layers.map((l) => join((c) => c.keys, l)), values: layers.map((l) => join((c) => c.values, l)) };
}
