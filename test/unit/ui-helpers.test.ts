// The app's pure helpers: the word diff of the version history, the chat sessions read back from
// stored memories, and the per-day counts of the memories-over-time plot.
import { describeProgress } from '../../src/ui/running-task';
import { describe, expect, it } from 'vitest';
import type { MemoryItem } from '../../src/core/memory-item';
import { groupSessions } from '../../src/ui/chat-sessions';
import { countsByDay } from '../../src/ui/plots';
import { formatTime } from '../../src/ui/styles';
import { isMatch, WEAK_MEANING } from '../../src/ui/relevance';
import type { SearchHit } from '../../src/protocol/search-types';
import { diffWords } from '../../src/ui/text-diff';

const join = (parts: ReturnType<typeof diffWords>, keep: 'removed' | 'added') => parts.filter((p) => p.kind === 'same' || p.kind === keep).map((p) => p.text).join('');

function memory(id: string, text: string, at: number, sessionId?: string, semanticType: MemoryItem['semanticType'] = 'fact'): MemoryItem {
  return {
    id, text, cubeId: 'c', ownerId: 'u', createdAt: at, updatedAt: at, source: sessionId ? 'conversation' : 'user',
    sourceRefs: sessionId ? [{ sessionId, spokenAt: at, speaker: 'user' }] : [], usage: { accessCount: 0, lastAccessAt: null, hits: [] },
    version: 1, stateBefore: null, key: null, semanticType, memoryType: 'long-term', tags: [], visibility: 'shared', expiresAt: null,
    priority: 5, sensitivity: [], state: 'generated',
  } as MemoryItem;
}

describe('the word diff', () => {
  it('marks only the changed word, and its runs rebuild both texts', () => {
    const before = 'The spare key is under the blue flowerpot.';
    const after = 'The spare key is under the red flowerpot, by the door.';
    const parts = diffWords(before, after);
    expect(parts.filter((p) => p.kind === 'removed').map((p) => p.text.trim())).toEqual(['blue']);
    expect(parts.filter((p) => p.kind === 'added').map((p) => p.text.trim()).join(' ')).toContain('red');
    expect(join(parts, 'removed')).toBe(before);
    expect(join(parts, 'added')).toBe(after);
  });

  it('shows huge texts as replaced rather than diffing them', () => {
    const big = 'word '.repeat(5000);
    expect(diffWords(big, `${big}more`).map((p) => p.kind)).toEqual(['removed', 'added']);
    expect(diffWords('same', 'same')).toEqual([{ kind: 'same', text: 'same' }]);
  });
});

describe('chat sessions from memories', () => {
  it('groups conversation memories by session, newest session first, turns oldest first', () => {
    const sessions = groupSessions([
      memory('a', 'user: hello there', 1000, 's1'),
      memory('b', 'user: later in s1', 3000, 's1'),
      memory('c', 'user: in s2', 2000, 's2'),
      memory('d', 'a note with no session', 4000),
    ]);
    expect(sessions.map((s) => s.sessionId)).toEqual(['s1', 's2']);
    expect(sessions[0]!.memories.map((m) => m.id)).toEqual(['a', 'b']);
    expect(sessions[0]!.title).toBe('user: hello there');
    expect([sessions[0]!.firstAt, sessions[0]!.lastAt]).toEqual([1000, 3000]);
  });
});

describe('memories over time', () => {
  it('counts per day and type, by when a memory was said', () => {
    const day = 86_400_000;
    const days = countsByDay([memory('a', 'x', 0), memory('b', 'y', 10), memory('c', 'z', day + 5, 's', 'preference')]);
    expect(days.map((d) => d.day)).toEqual(['1970-01-01', '1970-01-02']);
    expect(days[0]!.counts.fact).toBe(2);
    expect(days[1]!.counts.preference).toBe(1);
  });
});

describe('times shown to people', () => {
  it('are stored in UTC and shown in the reader’s time zone and locale', () => {
    const at = Date.UTC(2023, 4, 8, 14, 30);
    const tokyo = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', dateStyle: 'medium', timeStyle: 'short' });
    const newYork = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', dateStyle: 'medium', timeStyle: 'short' });
    expect(formatTime(at, tokyo)).toBe('8 May 2023, 23:30');
    // (ICU versions differ in the space before AM: any space will do.)
    expect(formatTime(at, newYork).replace(/\s/g, ' ')).toBe('May 8, 2023, 10:30 AM');
    // By default: the browser's own locale and zone.
    expect(formatTime(at)).toBe(new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(at)));
    expect([null, undefined, Number.NaN].map((v) => formatTime(v))).toEqual(['—', '—', '—']);
  });
});

describe('what the app shows as a match', () => {
  const hit = (parts: Partial<SearchHit['parts']>) => ({ parts: { bm25Rank: null, preferenceRank: null, vector: null, ...parts } }) as unknown as SearchHit;

  it('is a hit sharing a word, a consulted preference, or one close enough in meaning; the rest is weak', () => {
    expect(isMatch(hit({ bm25Rank: 3, vector: 0.05 }))).toBe(true);
    expect(isMatch(hit({ preferenceRank: 1, vector: 0.1 }))).toBe(true);
    expect(isMatch(hit({ vector: WEAK_MEANING }))).toBe(true);
    expect(isMatch(hit({ vector: WEAK_MEANING - 0.01 }))).toBe(false);
    expect(isMatch(hit({}))).toBe(false);
  });
});

describe('describeProgress', () => {
  it('says what a long call is doing in words, with counts, sizes and notes', () => {
    expect(describeProgress({ phase: 'storing', done: 1200, total: 3000, unit: 'items' })).toBe('storing 1,200 / 3,000');
    expect(describeProgress({ phase: 'training', done: 12, total: 200, unit: 'steps', note: 'loss 2.310' })).toBe('training 12 / 200 steps · loss 2.310');
    expect(describeProgress({ phase: 'embedder', done: 12_345_678, unit: 'bytes' })).toBe('embedder 12.3 MB');
    expect(describeProgress({ phase: 'index', done: 0, total: 0, unit: 'items' })).toBe('index 0');
  });
});
