/**
 * Which search hits the app shows as matches and which as weak: a display rule only (search itself
 * ranks every candidate, and the benchmarks measure that ranking). A hit is a match when it shares a
 * word with the query, is one of the user's preferences consulted for advice, or its meaning is at
 * least {@link WEAK_MEANING} similar to the query's (cosine); anything else is weak.
 */
import type { SearchHit } from '../protocol/search-types';

/** Cosine similarity below which a hit that shares no word is shown as weak. */
export const WEAK_MEANING = 0.3;

/** Tells whether the app shows a hit as a match (else it goes under "weak matches"). */
export function isMatch(hit: SearchHit): boolean {
  return hit.parts.bm25Rank !== null || hit.parts.preferenceRank !== null || (hit.parts.vector ?? 0) >= WEAK_MEANING;
}
