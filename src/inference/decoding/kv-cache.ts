import type { KvCache, KvLayout } from '../../protocol/inference-types';
/**
 * An explicit attention cache (activation memory): per layer, keys and values of shape
 * [1, kvHeads, length, headDim] as float32. Read out of a decoder after a prefill, stored, and fed
 * back in to continue from exactly that state. A cache is never changed in place: continuing from it
 * makes a new one (copy on use), so a stored cache can serve any number of generations.
 */

/** An empty cache for a layout. */
export function emptyKvCache(layout: KvLayout): KvCache {
  const none = (): Float32Array[] => Array.from({ length: layout.layers }, () => new Float32Array(0));
  return { ...layout, length: 0, keys: none(), values: none() };
}

/** The bytes a cache's tensors take. */
export function kvCacheBytes(cache: KvCache): number {
  return cache.layers * 2 * cache.kvHeads * cache.length * cache.headDim * 4;
}

/** Whether two layouts are the same. */
export function sameKvLayout(a: KvLayout, b: KvLayout): boolean {
  return a.layers === b.layers && a.kvHeads === b.kvHeads && a.headDim === b.headDim;
}

/** Positions [from, to) of a cache, as a new cache (the source is untouched). */
export function sliceKvCache(cache: KvCache, from: number, to: number): KvCache {
  const start = Math.max(0, from);
  const end = Math.min(cache.length, to);
  const length = Math.max(0, end - start);
  const cut = (tensor: Float32Array): Float32Array => {
    const out = new Float32Array(cache.kvHeads * length * cache.headDim);
    for (let h = 0; h < cache.kvHeads; h++) {
      const base = (h * cache.length + start) * cache.headDim;
      out.set(tensor.subarray(base, base + length * cache.headDim), h * length * cache.headDim);
    }
    return out;
  };
  return { ...cache, length, keys: cache.keys.map(cut), values: cache.values.map(cut) };
}

/** The first `length` positions of a cache: drops a generated tail and keeps the prefix. */
export function truncateKvCache(cache: KvCache, length: number): KvCache {
  return sliceKvCache(cache, 0, length);
}
