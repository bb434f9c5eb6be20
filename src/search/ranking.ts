/**
 * Hybrid ranking: full-text (BM25) and vector candidates fused by weighted reciprocal rank, a recency
 * term, and near-duplicate removal. Nothing here knows about questions or datasets: the weights are
 * options with defaults tuned once on the LoCoMo dev conversations (bench/locomo.bench.ts).
 */

/** How candidates are fused. */
export interface RankingOptions {
  /** The k of reciprocal-rank fusion: larger flattens the rank curve. Default 20. */
  readonly rrfK: number;
  /** Weight of the full-text rank. Default 1. */
  readonly textWeight: number;
  /** Weight of the vector rank. Default 0.75. */
  readonly vectorWeight: number;
  /** Weight of recency, added as weight × 0.5^(age / half-life). Default 0 (off). */
  readonly recencyWeight: number;
  /** Half-life of recency in ms. Default 30 days. */
  readonly recencyHalfLifeMs: number;
  /** A hit whose vector is at least this similar to a better hit is dropped as a near-duplicate. Default 0.97. */
  readonly duplicateCosine: number;
  /** How many candidates each side contributes per requested hit (at least 50). Default 5. */
  readonly candidatesPerHit: number;
  /**
   * Weight of "said by someone the query names" ("What did Ana research?" → what Ana said), added like
   * a rank-1 vote of that size. Default 1.
   */
  readonly speakerWeight: number;
  /**
   * Weight of the preferences list: for advice-seeking queries, the user's stated preferences ranked
   * by similarity to the query, fused like a third side. Default 1.
   */
  readonly preferenceWeight: number;
  /** Weight of "said within the time the query names" ("last week", "in May 2023"). Default 1. */
  readonly timeWeight: number;
  /**
   * Weight of the session as a second granularity: candidates of a session whose turns match well
   * together are lifted, in proportion to the session's summed score (the best session gets the full
   * weight). Default 0.75.
   */
  readonly sessionWeight: number;
  /**
   * Weight of the neighbouring turns: a memory said right before or after a candidate gets this
   * share of that candidate's fused score (the best neighbour counts), and joins the candidates if
   * it was not one — a question tends to match one turn while the answer is in the reply. Default 0.5.
   */
  readonly neighbourWeight: number;
}

/** The defaults (see docs/decisions/0008-hybrid-ranking.md for how they were chosen). */
export const DEFAULT_RANKING: RankingOptions = {
  rrfK: 20,
  textWeight: 1,
  vectorWeight: 0.75,
  recencyWeight: 0,
  recencyHalfLifeMs: 30 * 24 * 3600 * 1000,
  duplicateCosine: 0.97,
  candidatesPerHit: 5,
  speakerWeight: 1,
  preferenceWeight: 1,
  timeWeight: 1,
  sessionWeight: 0.75,
  neighbourWeight: 0.5,
};

/** Why a hit ranks where it does. */
export interface ScoreParts {
  /** BM25 relevance (0 when the text did not match). */
  readonly bm25: number;
  /** Rank among full-text candidates (1 = best), or null. */
  readonly bm25Rank: number | null;
  /** Cosine similarity of the memory's vector to the query's, or null without vectors. */
  readonly vector: number | null;
  /** Rank among vector candidates, or null. */
  readonly vectorRank: number | null;
  /** The fused reciprocal-rank score. */
  readonly fused: number;
  /** The recency term. */
  readonly recency: number;
  /** The speaker term: non-zero when the memory was said by someone the query names. */
  readonly speaker: number;
  /** Rank among the user's preferences consulted for an advice-seeking query, or null. */
  readonly preferenceRank: number | null;
  /** The time term: non-zero when the memory was said within the time the query names. */
  readonly time: number;
  /** The session term: how well the memory's session as a whole matches. */
  readonly session: number;
  /** The neighbour term: what the best-matching turn next to this memory passes on. */
  readonly neighbour: number;
  /** What each signal added to the final score (they sum to it), for plots and explanations. */
  readonly contributions: ScoreContributions;
}

/** The final score split by signal. */
export interface ScoreContributions {
  readonly words: number;
  readonly meaning: number;
  readonly preference: number;
  readonly recency: number;
  readonly speaker: number;
  readonly time: number;
  readonly session: number;
  readonly neighbour: number;
}

/** A fused candidate. */
export interface RankedCandidate {
  readonly id: string;
  readonly score: number;
  readonly parts: ScoreParts;
}

/** The input of {@link fuse}. */
export interface FusionInput {
  readonly text: readonly { id: string; score: number }[];
  readonly vector: readonly { id: string; score: number }[];
  /** Preferences to consult (advice-seeking queries), best first. */
  readonly preferences?: readonly { id: string; score: number }[];
  /** When each candidate was said or written (epoch ms), for recency. */
  readonly timeOf: (id: string) => number;
  readonly now: number;
  /** Vectors of candidates, for near-duplicate removal. */
  readonly vectorOf?: (id: string) => Float32Array | undefined;
  /** Whether a candidate was said by someone the query names. */
  readonly saidByNamed?: (id: string) => boolean;
  /** Whether a candidate was said within the time the query names. */
  readonly inNamedTime?: (id: string) => boolean;
  /** The conversation session of a candidate, if it has one. */
  readonly sessionOf?: (id: string) => string | undefined;
  /** The memories said right before and after a candidate in its session. */
  readonly neighboursOf?: (id: string) => readonly string[];
  readonly limit: number;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Fuses full-text and vector candidates into one ranking with score parts. */
export function fuse(input: FusionInput, options: RankingOptions = DEFAULT_RANKING): RankedCandidate[] {
  type Row = { bm25: number; bm25Rank: number | null; vector: number | null; vectorRank: number | null; preferenceRank: number | null };
  const empty: Row = { bm25: 0, bm25Rank: null, vector: null, vectorRank: null, preferenceRank: null };
  const rows = new Map<string, Row>();
  input.text.forEach((hit, i) => rows.set(hit.id, { ...empty, bm25: hit.score, bm25Rank: i + 1 }));
  input.vector.forEach((hit, i) => rows.set(hit.id, { ...(rows.get(hit.id) ?? empty), vector: hit.score, vectorRank: i + 1 }));
  input.preferences?.forEach((hit, i) => rows.set(hit.id, { ...(rows.get(hit.id) ?? empty), preferenceRank: i + 1 }));
  const wordsOf = (row: Row) => (row.bm25Rank !== null ? options.textWeight / (options.rrfK + row.bm25Rank) : 0);
  const meaningOf = (row: Row) => (row.vectorRank !== null ? options.vectorWeight / (options.rrfK + row.vectorRank) : 0);
  const preferenceOf = (row: Row) => (row.preferenceRank !== null ? options.preferenceWeight / (options.rrfK + row.preferenceRank) : 0);
  const fusedOf = (row: Row) => wordsOf(row) + meaningOf(row) + preferenceOf(row);
  const sessionTotals = new Map<string, number>();
  if (input.sessionOf && options.sessionWeight > 0) {
    for (const [id, row] of rows) {
      const session = input.sessionOf(id);
      if (session !== undefined) sessionTotals.set(session, (sessionTotals.get(session) ?? 0) + fusedOf(row));
    }
  }
  const bestSession = Math.max(0, ...sessionTotals.values());
  // What each memory's neighbours pass on: the best fused score among the candidates next to it.
  const passedOn = new Map<string, number>();
  if (input.neighboursOf && options.neighbourWeight > 0) {
    for (const [id, row] of [...rows]) {
      const fused = fusedOf(row);
      for (const next of input.neighboursOf(id)) {
        if (fused > (passedOn.get(next) ?? 0)) passedOn.set(next, fused);
        if (!rows.has(next)) rows.set(next, empty);
      }
    }
  }
  const ranked: RankedCandidate[] = [];
  for (const [id, row] of rows) {
    const fused = fusedOf(row);
    const sessionId = sessionTotals.size > 0 ? input.sessionOf?.(id) : undefined;
    const session = sessionId !== undefined && bestSession > 0 ? (options.sessionWeight * (sessionTotals.get(sessionId) ?? 0)) / bestSession / (options.rrfK + 1) : 0;
    const age = Math.max(0, input.now - input.timeOf(id));
    const recency = options.recencyWeight > 0 ? options.recencyWeight * 0.5 ** (age / options.recencyHalfLifeMs) : 0;
    const speaker = input.saidByNamed?.(id) ? options.speakerWeight / (options.rrfK + 1) : 0;
    const time = input.inNamedTime?.(id) ? options.timeWeight / (options.rrfK + 1) : 0;
    const neighbour = options.neighbourWeight * (passedOn.get(id) ?? 0);
    const contributions = { words: wordsOf(row), meaning: meaningOf(row), preference: preferenceOf(row), recency: recency / (options.rrfK + 1), speaker, time, session, neighbour };
    ranked.push({ id, score: fused + contributions.recency + speaker + time + session + neighbour, parts: { ...row, fused, recency, speaker, time, session, neighbour, contributions } });
  }
  ranked.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  if (!input.vectorOf || options.duplicateCosine >= 1) return ranked.slice(0, input.limit);
  const kept: RankedCandidate[] = [];
  const keptVectors: Float32Array[] = [];
  for (const candidate of ranked) {
    if (kept.length >= input.limit) break;
    const v = input.vectorOf(candidate.id);
    if (v && keptVectors.some((k) => cosine(k, v) >= options.duplicateCosine)) continue;
    kept.push(candidate);
    if (v) keptVectors.push(v);
  }
  return kept;
}
