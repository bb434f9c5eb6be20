/**
 * Rule-based reading of times in a query, anchored on the time the query is asked: "yesterday",
 * "last week", "three days ago", "in May", "last May", "May 2023", "8 May 2023", "in 2023",
 * "before March", "since last month", "the day before yesterday". The result is a time range that
 * search uses to lift memories said within it (and, if asked, to filter). An expression it does not
 * understand whole ("two weeks before the trip", "since last summer") is ignored, never guessed.
 * English only; no LLM.
 */

/** A range of time found in a query. */
export interface TimeRange {
  /** Start, inclusive (epoch ms, UTC). */
  readonly from: number;
  /** End, exclusive (epoch ms, UTC). */
  readonly to: number;
  /** The words of the query that said it. */
  readonly phrase: string;
}

const DAY = 86_400_000;
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_RE = '(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)';
const NUMBERS = new Map(Object.entries({ a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, couple: 2, few: 3 }));

function monthIndex(name: string): number {
  const n = name.toLowerCase();
  return MONTHS.findIndex((m) => m.startsWith(n.slice(0, 3)));
}

function startOfDay(t: number): number {
  return Math.floor(t / DAY) * DAY;
}

function startOfWeek(t: number): number {
  const day = new Date(t).getUTCDay(); // 0 = Sunday; weeks start on Monday
  return startOfDay(t) - ((day + 6) % 7) * DAY;
}

function monthRange(year: number, month: number): [number, number] {
  return [Date.UTC(year, month, 1), Date.UTC(year, month + 1, 1)];
}

function shift(t: number, amount: number, unit: string): number {
  const d = new Date(t);
  if (unit.startsWith('day')) return t + amount * DAY;
  if (unit.startsWith('week')) return t + amount * 7 * DAY;
  if (unit.startsWith('month')) return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + amount, d.getUTCDate());
  return Date.UTC(d.getUTCFullYear() + amount, d.getUTCMonth(), d.getUTCDate());
}

/** Text that ends in a span of time ("two weeks ", "the day "): what comes next is an offset. */
const OFFSET_ENDS = /\b(?:days?|nights?|mornings?|evenings?|hours?|weeks?|weekends?|months?|years?)\s+$/i;

type Rule = { re: RegExp; range: (m: RegExpExecArray, now: number) => [number, number] | undefined };

// The first rule that matches wins, so the more specific come first.
const RULES: readonly Rule[] = [
  {
    // 8 May 2023, May 8, 2023, 8th of May 2023
    re: new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?(?: of)? ${MONTH_RE},? (\\d{4})\\b|\\b${MONTH_RE} (\\d{1,2})(?:st|nd|rd|th)?,? (\\d{4})\\b`, 'i'),
    range: (m) => {
      const [day, month, year] = m[1] ? [Number(m[1]), monthIndex(m[2]!), Number(m[3])] : [Number(m[5]), monthIndex(m[4]!), Number(m[6])];
      const start = Date.UTC(year, month, day);
      return [start, start + DAY];
    },
  },
  { re: new RegExp(`\\b${MONTH_RE},? (\\d{4})\\b`, 'i'), range: (m) => monthRange(Number(m[2]), monthIndex(m[1]!)) },
  {
    // last May: the most recent May before this month; in May / this May: this year's
    re: new RegExp(`\\b(last|this|in|during) ${MONTH_RE}\\b`, 'i'),
    range: (m, now) => {
      const month = monthIndex(m[2]!);
      const d = new Date(now);
      const year = m[1]!.toLowerCase() === 'last' && month >= d.getUTCMonth() ? d.getUTCFullYear() - 1 : d.getUTCFullYear();
      return monthRange(year, month);
    },
  },
  { re: /\b(?:in|during|of) (\d{4})\b/i, range: (m) => [Date.UTC(Number(m[1]), 0, 1), Date.UTC(Number(m[1]) + 1, 0, 1)] },
  {
    re: /\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|couple|few)(?: of)? (days?|weeks?|months?|years?) ago\b/i,
    range: (m, now) => {
      const n = Number.isNaN(Number(m[1])) ? NUMBERS.get(m[1]!.toLowerCase())! : Number(m[1]);
      const unit = m[2]!.toLowerCase();
      const at = shift(now, -n, unit);
      // "three weeks ago" means around then: the unit's span centred on that moment
      const half = (unit.startsWith('day') ? DAY : unit.startsWith('week') ? 7 * DAY : unit.startsWith('month') ? 30 * DAY : 365 * DAY) / 2;
      return [startOfDay(at - half), startOfDay(at + half) + DAY];
    },
  },
  {
    // before March, since June: the most recent such month (this year's, or last year's if it is still to come)
    re: new RegExp(`(?<=\\b(?:before|after|since|until|prior to)\\s+)${MONTH_RE}\\b`, 'i'),
    range: (m, now) => {
      const month = monthIndex(m[1]!);
      const d = new Date(now);
      return monthRange(month > d.getUTCMonth() ? d.getUTCFullYear() - 1 : d.getUTCFullYear(), month);
    },
  },
  { re: /\bthe day before yesterday\b/i, range: (_m, now) => [startOfDay(now) - 2 * DAY, startOfDay(now) - DAY] },
  { re: /\byesterday\b/i, range: (_m, now) => [startOfDay(now) - DAY, startOfDay(now)] },
  { re: /\b(?:today|this morning|this afternoon|this evening|tonight)\b/i, range: (_m, now) => [startOfDay(now), startOfDay(now) + DAY] },
  { re: /\blast night\b/i, range: (_m, now) => [startOfDay(now) - DAY, startOfDay(now)] },
  { re: /\blast week(?:end)?\b/i, range: (_m, now) => [startOfWeek(now) - 7 * DAY, startOfWeek(now)] },
  { re: /\bthis week\b/i, range: (_m, now) => [startOfWeek(now), startOfWeek(now) + 7 * DAY] },
  {
    re: /\blast month\b/i,
    range: (_m, now) => {
      const d = new Date(now);
      return monthRange(d.getUTCFullYear(), d.getUTCMonth() - 1);
    },
  },
  {
    re: /\bthis month\b/i,
    range: (_m, now) => {
      const d = new Date(now);
      return monthRange(d.getUTCFullYear(), d.getUTCMonth());
    },
  },
  { re: /\blast year\b/i, range: (_m, now) => [Date.UTC(new Date(now).getUTCFullYear() - 1, 0, 1), Date.UTC(new Date(now).getUTCFullYear(), 0, 1)] },
  { re: /\bthis year\b/i, range: (_m, now) => [Date.UTC(new Date(now).getUTCFullYear(), 0, 1), Date.UTC(new Date(now).getUTCFullYear() + 1, 0, 1)] },
];

/**
 * Finds the first time expression of a query and the range it means, anchored on `now`.
 * "before X" keeps everything up to X's start; "after X" / "since X" everything from X's end
 * (since: from its start) up to now.
 */
export function parseTimeRange(query: string, now: number): TimeRange | undefined {
  for (const rule of RULES) {
    const m = rule.re.exec(query);
    if (!m) continue;
    const range = rule.range(m, now);
    if (!range || !(range[0] < range[1])) continue;
    const before = query.slice(0, m.index);
    const said = /\b(before|after|since|until|prior to)\s+(?:the\s+)?$/i.exec(before);
    const relation = said?.[1]?.toLowerCase();
    // "two weeks before last May", "the day after yesterday": an offset from the time, which this
    // reader does not compute. Ignored, never widened to everything before or after it.
    if (said && OFFSET_ENDS.test(before.slice(0, said.index))) return undefined;
    const phrase = relation ? `${relation} ${m[0]}` : m[0];
    if (relation === 'before' || relation === 'until' || relation === 'prior to') return { from: 0, to: range[0], phrase };
    if (relation === 'after') return { from: range[1], to: Math.max(range[1] + 1, now), phrase };
    if (relation === 'since') return { from: range[0], to: Math.max(range[0] + 1, now), phrase };
    return { from: range[0], to: range[1], phrase };
  }
  return undefined;
}
