import { describe, expect, it } from 'vitest';
import { DEFAULT_RANKING, fuse } from '../../src/search/ranking';

const base = { timeOf: () => 0, now: 0, limit: 10 };

describe('hybrid fusion', () => {
  it('ranks a memory found by both sides above ones found by one, with every score part', () => {
    const even = { ...DEFAULT_RANKING, rrfK: 60, vectorWeight: 1 };
    const ranked = fuse({ ...base, text: [{ id: 'a', score: 5 }, { id: 'b', score: 3 }], vector: [{ id: 'c', score: 0.9 }, { id: 'b', score: 0.8 }] }, even);
    expect(ranked.map((r) => r.id)).toEqual(['b', 'a', 'c']);
    expect(ranked[0]!.parts).toEqual({
      bm25: 3, bm25Rank: 2, vector: 0.8, vectorRank: 2, preferenceRank: null, graphRank: null, fused: 2 / 62, recency: 0, speaker: 0, time: 0, session: 0, neighbour: 0,
      contributions: { words: 1 / 62, meaning: 1 / 62, preference: 0, recency: 0, speaker: 0, time: 0, session: 0, neighbour: 0, graph: 0 },
    });
    // The contributions are what the plots show: they add up to the score.
    for (const r of ranked) expect(Object.values(r.parts.contributions).reduce((a, b) => a + b, 0)).toBeCloseTo(r.score, 12);
    expect(ranked[1]!.parts).toMatchObject({ bm25Rank: 1, vector: null, vectorRank: null });
  });

  it('fuses the graph side by its rank and carries the entities that led to each memory', () => {
    const input = { ...base, text: [{ id: 'a', score: 5 }], vector: [], graph: [{ id: 'g', score: 2, via: ['Lucia', 'Lisbon'] }, { id: 'a', score: 1, via: ['Lucia'] }] };
    const ranked = fuse(input, { ...DEFAULT_RANKING, rrfK: 60, graphWeight: 1 });
    expect(ranked.map((r) => r.id)).toEqual(['a', 'g']);
    expect(ranked[1]!.parts).toMatchObject({ graphRank: 1, bm25Rank: null, linkedVia: ['Lucia', 'Lisbon'], contributions: { graph: 1 / 61 } });
    expect(ranked[0]!.parts.contributions.graph).toBeCloseTo(1 / 62, 12);
    // Weight 0: the side is there but adds nothing.
    expect(fuse(input, { ...DEFAULT_RANKING, graphWeight: 0 }).find((r) => r.id === 'g')!.parts.contributions.graph).toBe(0);
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

  it('passes a share of a matching turn\'s score to the turns said next to it, which join the candidates', () => {
    const order = ['q1', 'a1', 'x', 'q2', 'a2'];
    const neighboursOf = (id: string) => {
      const i = order.indexOf(id);
      return [order[i - 1], order[i + 1]].filter((n): n is string => n !== undefined);
    };
    const input = { ...base, text: [{ id: 'q1', score: 5 }, { id: 'x', score: 1 }], vector: [], neighboursOf };
    expect(fuse(input, { ...DEFAULT_RANKING, neighbourWeight: 0 }).map((r) => r.id)).toEqual(['q1', 'x']);
    const ranked = fuse(input, { ...DEFAULT_RANKING, neighbourWeight: 0.5 });
    // a1 sits between q1 (rank 1) and x (rank 2): the better of the two is passed on, at half weight.
    const a1 = ranked.find((r) => r.id === 'a1')!;
    expect(a1.parts.neighbour).toBeCloseTo(0.5 / (DEFAULT_RANKING.rrfK + 1), 12);
    expect(a1.parts.bm25Rank).toBeNull();
    expect(ranked.map((r) => r.id)).not.toContain('a2');
    expect(ranked.map((r) => r.id).indexOf('a1')).toBeLessThan(ranked.map((r) => r.id).indexOf('q2'));
    for (const r of ranked) expect(Object.values(r.parts.contributions).reduce((a, b) => a + b, 0)).toBeCloseTo(r.score, 12);
  });

  it('stops at the limit', () => {
    expect(fuse({ ...base, limit: 1, text: [{ id: 'a', score: 1 }, { id: 'b', score: 1 }], vector: [] })).toHaveLength(1);
  });
});
