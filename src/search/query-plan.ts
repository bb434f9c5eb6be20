/**
 * The plan of one search, made from the query alone (no store): which words go to the full-text side,
 * which speakers the query names, whether it seeks advice, the time it names and what that does to the
 * filters, how many candidates each side brings, and which of its words a hit matched.
 */
import { rawWords, words } from '../core/words';
import type { SearchFilters } from '../protocol/search-types';
import { speakerKey } from './memory-index';
import { seeksAdvice } from './query-intent';
import { ENGLISH_STOP_WORDS } from './stop-words';
import { parseTimeRange, type TimeRange } from './time-expressions';

const STOP_WORDS = new Set(ENGLISH_STOP_WORDS);

/** The content words of a text, folded (core/words), without English stop words. */
export function contentWords(text: string): string[] {
  return words(text).filter((w) => !STOP_WORDS.has(w));
}

/** What planning a search needs beside the query. */
export interface QueryPlanInput {
  readonly query: string;
  readonly mode: 'hybrid' | 'text' | 'vector';
  /** What a time named in the query does: lift memories said then, keep only those, or nothing. */
  readonly timeInQuery: 'boost' | 'filter' | 'ignore';
  readonly filters: SearchFilters;
  readonly topK: number;
  /** How many candidates each side brings per requested hit (ranking option). */
  readonly candidatesPerHit: number;
  readonly now: number;
  /** Whether a name (as speakerKey gives it) is someone who said something in the store. */
  isSpeaker(name: string): boolean;
}

/** One search's plan. */
export interface QueryPlan {
  /** The query for the full-text side: the query without the speakers it names. */
  readonly textQuery: string;
  /** Whether the full-text side is skipped (vector mode, or a query of names alone). */
  readonly skipText: boolean;
  /** The speakers the query names, as speakerKey gives them. */
  readonly named: ReadonlySet<string>;
  /** Whether the query seeks advice, so the user's stated preferences are consulted as a side. */
  readonly advice: boolean;
  /** The time the query names, if any (and not ignored). */
  readonly namedTime: TimeRange | undefined;
  /** The filters, narrowed to the named time when the time is a filter. */
  readonly filters: SearchFilters;
  /** Candidates each side brings, so fusion and the expiry check still leave topK. */
  readonly pool: number;
  /** How many fused hits to keep before the expiry check. */
  readonly limit: number;
  /** The query's content words, for the terms each hit matched. */
  readonly queryWords: ReadonlySet<string>;
}

/** Plans a search from its query and options. */
export function planQuery(input: QueryPlanInput): QueryPlan {
  const { query } = input;
  const namedTime = input.timeInQuery === 'ignore' ? undefined : parseTimeRange(query, input.now);
  const given = input.filters;
  // A time the query names narrows the filter's range when asked to ("filter"); else it only lifts.
  const filters: SearchFilters =
    namedTime && input.timeInQuery === 'filter'
      ? { ...given, from: Math.max(given.from ?? 0, namedTime.from), to: Math.min(given.to ?? Number.MAX_SAFE_INTEGER, namedTime.to - 1) }
      : given;
  // Names of speakers in the query say whose words to look for; as words they match every line
  // addressed to that person, so the full-text side leaves them out.
  const queryTokens = rawWords(query);
  const tokenNames = queryTokens.map((t) => speakerKey(t));
  const named = new Set(tokenNames.filter((name) => input.isSpeaker(name)));
  const textQuery = named.size === 0 ? query : queryTokens.filter((_, i) => !named.has(tokenNames[i]!)).join(' ');
  return {
    textQuery,
    skipText: input.mode === 'vector' || (query.trim() !== '' && !textQuery.trim()),
    named,
    advice: seeksAdvice(query),
    namedTime,
    filters,
    pool: Math.max(50, input.topK * input.candidatesPerHit),
    limit: input.topK * 2 + 10,
    queryWords: new Set(contentWords(query)),
  };
}

/** The query's content words that a text holds, in the query's order. */
export function matchedTerms(plan: QueryPlan, text: string): string[] {
  const words = new Set(contentWords(text));
  return [...plan.queryWords].filter((w) => words.has(w));
}
