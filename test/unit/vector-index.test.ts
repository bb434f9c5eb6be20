import { describe, expect, it } from 'vitest';
import { dot, normalize } from '../../src/inference/embedders/embedder';
import { VectorIndex } from '../../src/search/vector-index';

/** A seeded generator (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomVectors(n: number, d: number, seed: number): Float32Array[] {
  const next = rng(seed);
  return Array.from({ length: n }, () => normalize(Float32Array.from({ length: d }, () => next() * 2 - 1)));
}

function bruteForce(vectors: Float32Array[], query: Float32Array, k: number): string[] {
  return vectors
    .map((v, i) => ({ id: `m${i}`, s: dot(v, query) }))
    .sort((a, b) => b.s - a.s)
    .slice(0, k)
    .map((x) => x.id);
}

describe('the vector index', () => {
  it('finds exactly the nearest vectors in a small collection, with cosine scores', () => {
    const vectors = randomVectors(500, 32, 1);
    const index = new VectorIndex(32);
    vectors.forEach((v, i) => index.upsert(`m${i}`, v));
    const query = vectors[7]!;
    const hits = index.search(query, { k: 5 });
    expect(hits.map((h) => h.id)).toEqual(bruteForce(vectors, query, 5));
    // Rows are kept as int8 with a scale: a cosine comes back within a few thousandths.
    expect(hits[0]).toEqual({ id: 'm7', score: expect.closeTo(1, 2) });
  });

  it('keeps rows as int8 whose cosines stay within 2e-3 of the floats, on SIMD and in JavaScript alike', () => {
    const vectors = randomVectors(2_000, 384, 11);
    const queries = randomVectors(20, 384, 12);
    for (const simd of [true, false]) {
      const index = new VectorIndex(384, { simd });
      vectors.forEach((v, i) => index.upsert(`m${i}`, v));
      let worst = 0;
      for (const q of queries) {
        for (const hit of index.search(q, { k: 50, exactUpTo: Number.MAX_SAFE_INTEGER })) {
          worst = Math.max(worst, Math.abs(hit.score - dot(vectors[Number(hit.id.slice(1))]!, q)));
        }
      }
      expect(worst).toBeLessThan(2e-3);
    }
    expect(new VectorIndex(384).bytes).toBeGreaterThan(0);
  });

  it('respects the allow filter', () => {
    const vectors = randomVectors(100, 16, 2);
    const index = new VectorIndex(16);
    vectors.forEach((v, i) => index.upsert(`m${i}`, v));
    const hits = index.search(vectors[3]!, { k: 10, allow: (id) => Number(id.slice(1)) % 2 === 0 });
    expect(hits).toHaveLength(10);
    expect(hits.every((h) => Number(h.id.slice(1)) % 2 === 0)).toBe(true);
    expect(hits.map((h) => h.id)).not.toContain('m3');
  });

  it('replaces and removes vectors, keeping the others findable', () => {
    const vectors = randomVectors(50, 8, 3);
    const index = new VectorIndex(8);
    vectors.forEach((v, i) => index.upsert(`m${i}`, v));
    index.remove(['m0', 'm10', 'missing']);
    expect(index.size).toBe(48);
    expect(index.has('m0')).toBe(false);
    expect(index.search(vectors[49]!, { k: 1 })[0]!.id).toBe('m49');
    index.upsert('m49', vectors[5]!);
    expect(index.search(vectors[5]!, { k: 2 }).map((h) => h.id).sort()).toEqual(['m49', 'm5']);
    // The row as kept: each value within half a step (max |v| / 254) of what was given.
    const kept = index.get('m49')!;
    const step = Math.max(...vectors[5]!.map(Math.abs)) / 127;
    kept.forEach((x, i) => expect(Math.abs(x - vectors[5]![i]!)).toBeLessThanOrEqual(step / 2 + 1e-7));
  });

  it('keeps most of the exact top 10 when the sign-bit prefilter is used on a large collection', () => {
    const vectors = randomVectors(6000, 64, 4);
    const index = new VectorIndex(64);
    vectors.forEach((v, i) => index.upsert(`m${i}`, v));
    const queries = randomVectors(20, 64, 5);
    let found = 0;
    for (const q of queries) {
      const truth = new Set(bruteForce(vectors, q, 10));
      found += index.search(q, { k: 10, exactUpTo: 1000 }).filter((h) => truth.has(h.id)).length;
    }
    // Random vectors are the prefilter's worst case (no structure); real embeddings do better.
    expect(found / (queries.length * 10)).toBeGreaterThan(0.8);
  });

  it('gives the same hits and scores on WebAssembly SIMD as in JavaScript, through growth and removal', () => {
    // 70 dimensions: neither a multiple of 4 (float padding) nor of 128 (bit padding).
    const vectors = randomVectors(9000, 70, 6);
    const simd = new VectorIndex(70);
    const plain = new VectorIndex(70, { simd: false });
    expect(simd.simd).toBe(true);
    expect(plain.simd).toBe(false);
    for (const index of [simd, plain]) {
      vectors.forEach((v, i) => index.upsert(`m${i}`, v));
      index.remove(['m1', 'm500', 'm8999']);
      index.upsert('m2', vectors[3]!);
    }
    expect(simd.get('m8998')).toEqual(plain.get('m8998'));
    const allowEven = (id: string) => Number(id.slice(1)) % 2 === 0;
    // A filter that lets few rows through takes the path that ranks the allowed rows only.
    const allowFew = (id: string) => Number(id.slice(1)) % 97 === 0;
    for (const q of randomVectors(15, 70, 7)) {
      for (const allow of [undefined, allowEven, allowFew]) {
        const a = simd.search(q, { k: 20, ...(allow && { allow }) });
        const b = plain.search(q, { k: 20, ...(allow && { allow }) });
        expect(a.map((h) => h.id)).toEqual(b.map((h) => h.id));
        a.forEach((h, i) => expect(h.score).toBeCloseTo(b[i]!.score, 5));
      }
    }
  });

  it('runs the kernels that kernels.wat assembles to (npm run build:wasm)', async () => {
    const { wasmModuleSource } = await import('../../scripts/wasm-source');
    const { readFileSync } = await import('node:fs');
    expect(readFileSync('src/search/wasm/kernels-wasm.ts', 'utf8')).toBe(await wasmModuleSource('src/search/wasm/kernels.wat'));
  });

  it('refuses a vector of the wrong dimension', () => {
    expect(() => new VectorIndex(4).upsert('x', new Float32Array(3))).toThrow(RangeError);
  });
});
