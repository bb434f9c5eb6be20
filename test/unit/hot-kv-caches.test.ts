import { describe, expect, it } from 'vitest';
import { HotKvCaches, kvCacheBytes } from '../../src/memory/activation/hot-kv-caches';
import type { KvCache } from '../../src/protocol/inference-types';

/** A cache of `length` positions, 1 layer, 1 head of 4: 2 × 4 × length float32 values. */
const cacheOf = (length: number): KvCache => ({ layers: 1, kvHeads: 1, headDim: 4, length, keys: [new Float32Array(4 * length)], values: [new Float32Array(4 * length)] });

describe('decoded KV caches kept in memory', () => {
  it('keeps the most recently used within the byte budget and lets the oldest go', () => {
    expect(kvCacheBytes(cacheOf(10))).toBe(320);
    const hot = new HotKvCaches(1000);
    hot.put('a', cacheOf(10));
    hot.put('b', cacheOf(10));
    hot.put('c', cacheOf(10));
    expect(hot.bytes).toBe(960);
    expect(hot.get('a')).toBeDefined(); // a is now the most recent
    hot.put('d', cacheOf(10)); // 1,280 bytes: b, the least recently used, goes
    expect(hot.ids()).toEqual(['c', 'a', 'd']);
    expect(hot.get('b')).toBeUndefined();
    expect(hot.bytes).toBe(960);
  });

  it('never keeps a cache larger than the budget, replaces one put twice, and drops on request', () => {
    const hot = new HotKvCaches(500);
    hot.put('big', cacheOf(100));
    expect(hot.ids()).toEqual([]);
    hot.put('a', cacheOf(5));
    hot.put('a', cacheOf(10));
    expect(hot.bytes).toBe(320);
    hot.drop('a');
    hot.drop('missing');
    expect(hot.bytes).toBe(0);
    expect(new HotKvCaches(0).ids()).toEqual([]);
  });
});
