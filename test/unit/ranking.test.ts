import { describe, expect, it } from 'vitest';
import { DEFAULT_RANKING, fuse } from '../../src/search/ranking';

const base = { timeOf: () => 0, now: 0, limit: 10 };

describe('hybrid fusion', () => {
  it('ranks a memory found by both sides above ones found by one, with every score part', () => {
    const even = { ...DEFAULT_RANKING, rrfK: 60, vectorWeight: 1 };
    const ranked = fuse({ ...base, text: [{ id: 'a', score: 5 }, { id: 'b', score: 3 }], vector: [{ id: 'c', score: 0.9 }, { id: 'b', score: 0.8 }] }, even);
    expect(ranked.map((r) => r.id)).toEqual(['b', 'a', 'c']);
    expect(ranked[0]!.parts).toEqual({
      bm25: 3, bm25Rank: 2, vector: 0.8, vectorRank: 2, preferenceRank: null, fused: 2 / 62, recency: 0, speaker: 0, time: 0, session: 0,
      contributions: { words: 1 / 62, meaning: 1 / 62, preference: 0, recency: 0, speaker: 0, time: 0, session: 0 },
    });
    // The contributions are what the plots show: they add up to the score.
    for (const r of ranked) expect(Object.values(r.parts.contributions).reduce((a, b) => a + b, 0)).toBeCloseTo(r.score, 12);
    expect(ranked[1]!.parts).toMatchObject({ bm25Rank: 1, vector: null, vectorRank: null });
  });

  it('follows the side weights', () => {
    const input = { ...base, text: [{ id: 'a', score: 5 }], vector: [{ id: 'c', score: 0.9 }] };
    expect(fuse(input, { ...DEFAULT_RANKING, textWeight: 1, vectorWeight: 2 })[0]!.id).toBe('c');
    expect(fuse(input, { ...DEFAULT_RANKING, textWeight: 2 })[0]!.id).toBe('a');
  });

  it('lifts recent memories when recency has weight, and not otherwise', () => {
    const day = 864e5;
    const input = { text: [{ id: 'old', score: 2 }, { id: 'new', score: 1 }], vector: [], timeOf: (id: string) => (id === 'new' ? 100 * day : 0), now: 100 * day, limit: 10 };
    expect(fuse(input).map((r) => r.id)).toEqual(['old', 'new']);
    const ranked = fuse(input, { ...DEFAULT_RANKING, rrfK: 60, recencyWeight: 1, recencyHalfLifeMs: 7 * day });
    expect(ranked.map((r) => r.id)).toEqual(['new', 'old']);
    expect(ranked[0]!.parts.recency).toBeCloseTo(1);
  });

  it('drops near-duplicates of a better hit', () => {
    const v = (x: number) => Float32Array.from([x, Math.sqrt(1 - x * x)]);
    const vectors: Record<string, Float32Array> = { a: v(1), b: v(0.999), c: v(0) };
    const ranked = fuse({ ...base, text: [{ id: 'a', score: 3 }, { id: 'b', score: 2 }, { id: 'c', score: 1 }], vector: [], vectorOf: (id) => vectors[id] });
    expect(ranked.map((r) => r.id)).toEqual(['a', 'c']);
  });

  it('lifts what was said by someone the query names', () => {
    const input = { ...base, text: [{ id: 'addressed', score: 2 }, { id: 'said', score: 1 }], vector: [] };
    expect(fuse(input).map((r) => r.id)).toEqual(['addressed', 'said']);
    const ranked = fuse({ ...input, saidByNamed: (id) => id === 'said' });
    expect(ranked.map((r) => r.id)).toEqual(['said', 'addressed']);
    expect(ranked[0]!.parts.speaker).toBeCloseTo(1 / (DEFAULT_RANKING.rrfK + 1));
  });

  it('lifts memories of the session that matches best as a whole', () => {
    const sessions: Record<string, string> = { a: 's1', b: 's2', c: 's2', d: 's2' };
    const input = { ...base, text: [{ id: 'a', score: 3 }, { id: 'b', score: 2 }, { id: 'c', score: 1 }, { id: 'd', score: 1 }], vector: [] };
    expect(fuse(input).map((r) => r.id)[0]).toBe('a');
    const ranked = fuse({ ...input, sessionOf: (id) => sessions[id] }, { ...DEFAULT_RANKING, sessionWeight: 1 });
    expect(ranked[0]!.id).toBe('b');
    expect(ranked[0]!.parts.session).toBeCloseTo(1 / (DEFAULT_RANKING.rrfK + 1));
    expect(ranked.find((r) => r.id === 'a')!.parts.session).toBeLessThan(ranked[0]!.parts.session);
  });

  it('stops at the limit', () => {
    expect(fuse({ ...base, limit: 1, text: [{ id: 'a', score: 1 }, { id: 'b', score: 1 }], vector: [] })).toHaveLength(1);
  });
});
