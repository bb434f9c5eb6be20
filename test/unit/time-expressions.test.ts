import { describe, expect, it } from 'vitest';
import { parseTimeRange } from '../../src/search/time-expressions';

// Asked on Wednesday 2026-11-25, 15:00 UTC.
const NOW = Date.UTC(2026, 10, 25, 15);
const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);

describe('reading times in queries', () => {
  it.each([
    ['what did I eat yesterday?', day(2026, 11, 24), day(2026, 11, 25), 'yesterday'],
    ['anything planned for today', day(2026, 11, 25), day(2026, 11, 26), 'today'],
    ['the film we saw last week', day(2026, 11, 16), day(2026, 11, 23), 'last week'],
    ['notes from this week', day(2026, 11, 23), day(2026, 11, 30), 'this week'],
    ['my trip last month', day(2026, 10, 1), day(2026, 11, 1), 'last month'],
    ['what happened in May', day(2026, 5, 1), day(2026, 6, 1), 'in May'],
    ['what happened last May', day(2026, 5, 1), day(2026, 6, 1), 'last May'],
    ['gifts from last December', day(2025, 12, 1), day(2026, 1, 1), 'last December'],
    ['the party in May 2023', day(2023, 5, 1), day(2023, 6, 1), 'May 2023'],
    ['the talk on 8 May 2023', day(2023, 5, 8), day(2023, 5, 9), '8 May 2023'],
    ['the talk on May 8, 2023', day(2023, 5, 8), day(2023, 5, 9), 'May 8, 2023'],
    ['projects in 2024', day(2024, 1, 1), day(2025, 1, 1), 'in 2024'],
    ['what did we do last year', day(2025, 1, 1), day(2026, 1, 1), 'last year'],
    ['what did I say the day before yesterday', day(2026, 11, 23), day(2026, 11, 24), 'the day before yesterday'],
    ['things I bought before March', 0, day(2026, 3, 1), 'before March'],
    ['since December', day(2025, 12, 1), NOW, 'since December'],
  ])('"%s" → its range', (query, from, to, phrase) => {
    expect(parseTimeRange(query, NOW)).toEqual({ from, to, phrase });
  });

  it('reads "N units ago" as a span around that moment', () => {
    const r = parseTimeRange('the hike two weeks ago', NOW)!;
    expect(r.phrase).toBe('two weeks ago');
    expect(r.from).toBeLessThanOrEqual(NOW - 14 * 864e5);
    expect(r.to).toBeGreaterThan(NOW - 14 * 864e5);
    expect(r.to - r.from).toBeLessThanOrEqual(9 * 864e5);
    expect(parseTimeRange('3 days ago', NOW)!.from).toBeLessThan(NOW - 3 * 864e5);
  });

  it('opens the range for before, after and since', () => {
    expect(parseTimeRange('everything before March 2024', NOW)).toEqual({ from: 0, to: day(2024, 3, 1), phrase: 'before March 2024' });
    expect(parseTimeRange('what changed after May 2023', NOW)).toEqual({ from: day(2023, 6, 1), to: NOW, phrase: 'after May 2023' });
    expect(parseTimeRange('since last month', NOW)).toEqual({ from: day(2026, 10, 1), to: NOW, phrase: 'since last month' });
  });

  it('finds nothing where no time is said, and does not take "may" the verb for the month', () => {
    expect(parseTimeRange('What did Caroline research?', NOW)).toBeUndefined();
    expect(parseTimeRange('You may like this book', NOW)).toBeUndefined();
  });

  it.each(['two weeks before the trip', 'two weeks before last May', 'a day after yesterday', 'three days before 8 May 2023', 'since last summer', 'the week before last', 'the weekend after this week'])(
    'ignores "%s" (an offset or a time it does not know) instead of widening the search',
    (query) => {
      expect(parseTimeRange(query, NOW)).toBeUndefined();
    },
  );
});
