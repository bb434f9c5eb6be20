import { describe, expect, it } from 'vitest';
import { BM25, TextIndex } from '../../src/search/text-index';
import { WordsIndex } from '../support/words-index';

function index(docs: Record<string, string>): WordsIndex {
  const t = new WordsIndex();
  for (const [id, text] of Object.entries(docs)) t.upsert(id, text);
  return t;
}

describe('the BM25 text index', () => {
  it('scores by the Okapi BM25 formula', () => {
    const t = index({ a: 'green tea with lemon', b: 'black coffee', c: 'green garden' });
    const [hit] = t.search('lemon', 5);
    // One document of three holds "lemon" once; it has 3 words ("with" is a stop word); 7 words in all.
    const idf = Math.log(1 + (3 - 1 + 0.5) / (1 + 0.5));
    const expected = (idf * 1 * (BM25.k1 + 1)) / (1 + BM25.k1 * (1 - BM25.b + (BM25.b * 3) / (7 / 3)));
    expect(hit!.id).toBe('a');
    expect(hit!.score).toBeCloseTo(expected, 5);
  });

  it('matches whole words after stemming, never prefixes, and ignores stop words', () => {
    const t = index({ a: 'she was running in the park', b: 'a good runner', c: 'gone to the shop' });
    expect(t.search('run', 5).map((h) => h.id)).toEqual(['a']);
    expect(t.search('go', 5)).toEqual([]);
    expect(t.search('the was in', 5)).toEqual([]);
  });

  it('ranks rarer words higher and respects the filter and k', () => {
    const t = index({ a: 'tea tea', b: 'tea lemon', c: 'tea', d: 'coffee lemon' });
    expect(t.search('tea lemon', 2).map((h) => h.id)).toEqual(['b', 'd']);
    expect(t.search('tea lemon', 5, (id) => id !== 'b').map((h) => h.id)[0]).toBe('d');
  });

  it('keeps scores right after removals and replacements', () => {
    const t = index({ a: 'alpha beta', b: 'beta gamma', c: 'gamma delta' });
    t.remove('a');
    expect(t.size).toBe(2);
    expect(t.search('alpha', 5)).toEqual([]);
    t.upsert('c', 'alpha');
    expect(t.search('alpha', 5).map((h) => h.id)).toEqual(['c']);
    expect(t.search('delta', 5)).toEqual([]);
    expect(t.search('gamma', 5).map((h) => h.id)).toEqual(['b']);
    const fresh = index({ b: 'beta gamma', c: 'alpha' });
    expect(t.search('beta alpha gamma', 5)).toEqual(fresh.search('beta alpha gamma', 5));
  });

  it('skips words found in over a quarter of the documents when the query has rarer ones', () => {
    const docs: Record<string, string> = {};
    for (let i = 0; i < 8; i++) docs[`d${i}`] = i === 7 ? 'common zebra' : 'common filler';
    const t = index(docs);
    const [hit] = t.search('common zebra', 3);
    expect(hit!.id).toBe('d7');
    // "common" alone still finds everything: it is the only word there is.
    expect(t.search('common', 10)).toHaveLength(8);
    // When "zebra" alone finds k documents, "common" is not even read; when it does not, it is.
    expect(t.search('common zebra', 1).map((h) => h.id)).toEqual(['d7']);
    expect(t.search('common zebra', 10)).toHaveLength(8);
  });

  it('never drops a match of the allowed rows because a rarer word is frequent in rows it does not allow', () => {
    // 100 rows: "apple" is in 40 (common: over a quarter), "zebra" in 10 (rare), all of them in cube B.
    // The one row of cube A holds only "apple". Counting B's "zebra" rows would skip "apple" and lose it.
    const docs: Record<string, string> = { 'a:only': 'apple pie recipe' };
    for (let i = 0; i < 39; i++) docs[`b:apple${i}`] = `apple orchard number ${i}`;
    for (let i = 0; i < 10; i++) docs[`b:zebra${i}`] = `zebra crossing number ${i}`;
    for (let i = 0; i < 50; i++) docs[`b:other${i}`] = `quiet street number ${i}`;
    const t = index(docs);
    const inA = (id: string) => id.startsWith('a:');
    expect(t.search('apple', 5, inA).map((h) => h.id)).toEqual(['a:only']);
    expect(t.search('zebra apple', 5, inA).map((h) => h.id)).toEqual(['a:only']);
    // Without a filter the shortcut still applies: the rare word's rows fill k, the common word is skipped.
    expect(t.search('zebra apple', 5).every((h) => h.id.startsWith('b:zebra'))).toBe(true);
  });
});

describe('a text index saved as data', () => {
  const docs: [string, string[]][] = [
    ['a', ['cat', 'sofa', 'cat']],
    ['b', ['tea', 'morning']],
    ['c', ['cat', 'garden', 'mouse']],
    ['d', ['report', 'friday', 'tea']],
  ];
  const queries = [['cat'], ['tea'], ['cat', 'mouse'], ['friday', 'tea', 'sofa']];

  it('restores to the same rankings, and keeps changing as the original would', () => {
    const original = new TextIndex();
    for (const [id, tokens] of docs) original.upsert(id, tokens);
    original.remove('b');
    const state = original.exportState();
    const restored = new TextIndex();
    restored.importState(state);
    expect(restored.size).toBe(original.size);
    for (const q of queries) expect(restored.search(q, 10)).toEqual(original.search(q, 10));
    for (const index of [original, restored]) {
      index.remove('a');
      index.upsert('e', ['cat', 'tea', 'tea']);
    }
    for (const q of queries) expect(restored.search(q, 10)).toEqual(original.search(q, 10));
    // The state is a copy: changing the original later does not change it.
    expect(state.ids).toEqual(['a', 'd', 'c']);
  });

  it('refuses a state that does not hold together, and is left empty', () => {
    const index = new TextIndex();
    index.upsert('x', ['one']);
    const good = (() => {
      const source = new TextIndex();
      for (const [id, tokens] of docs) source.upsert(id, tokens);
      return source.exportState();
    })();
    expect(() => index.importState({ ...good, rows: good.rows.map((r) => r + 100) })).toThrow(RangeError);
    expect(index.size).toBe(0);
    expect(() => index.importState({ ...good, lengths: new Float32Array(1) })).toThrow(RangeError);
    expect(() => index.importState({ ...good, ids: ['a', 'a', 'b', 'c'] })).toThrow(RangeError);
    expect(() => index.importState({ ...good, wordEnds: good.wordEnds.map(() => 0) })).toThrow(RangeError);
    expect(index.search(['cat'], 10)).toEqual([]);
  });
});
