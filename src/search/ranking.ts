import type { ScoreParts } from '../protocol/search-types';
import type { RankingOptions } from '../protocol/search-types';
/**
 * Hybrid ranking: full-text (BM25) and vector candidates fused by weighted reciprocal rank, a recency
 * term, and near-duplicate removal. Nothing here knows about questions or datasets: the weights are
 * options with defaults tuned once on the LoCoMo dev conversations (bench/locomo.bench.ts).
 */

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
  graphWeight: 0.5,
  graphHopWeight: 0,
  graphSeeds: 5,
};

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
  /** Memories the entity graph reached, best first, with the entities that led there. */
  readonly graph?: readonly { id: string; score: number; via: readonly string[] }[];
  readonly limit: number;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Fuses full-text and vector candidates into one ranking with score parts. */
export function fuse(input: FusionInput, options: RankingOptions = DEFAULT_RANKING): RankedCandidate[] {
  type Row = { bm25: number; bm25Rank: number | null; vector: number | null; vectorRank: number | null; preferenceRank: number | null; graphRank: number | null };
  const empty: Row = { bm25: 0, bm25Rank: null, vector: null, vectorRank: null, preferenceRank: null, graphRank: null };
  const rows = new Map<string, Row>();
  input.text.forEach((hit, i) => rows.set(hit.id, { ...empty, bm25: hit.score, bm25Rank: i + 1 }));
  input.vector.forEach((hit, i) => rows.set(hit.id, { ...(rows.get(hit.id) ?? empty), vector: hit.score, vectorRank: i + 1 }));
  input.preferences?.forEach((hit, i) => rows.set(hit.id, { ...(rows.get(hit.id) ?? empty), preferenceRank: i + 1 }));
  const via = new Map<string, readonly string[]>();
  input.graph?.forEach((hit, i) => {
    rows.set(hit.id, { ...(rows.get(hit.id) ?? empty), graphRank: i + 1 });
    via.set(hit.id, hit.via);
  });
  const graphWeight = options.graphWeight ?? 0;
  const wordsOf = (row: Row) => (row.bm25Rank !== null ? options.textWeight / (options.rrfK + row.bm25Rank) : 0);
  const meaningOf = (row: Row) => (row.vectorRank !== null ? options.vectorWeight / (options.rrfK + row.vectorRank) : 0);
  const preferenceOf = (row: Row) => (row.preferenceRank !== null ? options.preferenceWeight / (options.rrfK + row.preferenceRank) : 0);
  const graphOf = (row: Row) => (row.graphRank !== null ? graphWeight / (options.rrfK + row.graphRank) : 0);
  const fusedOf = (row: Row) => wordsOf(row) + meaningOf(row) + preferenceOf(row) + graphOf(row);
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
    const contributions = { words: wordsOf(row), meaning: meaningOf(row), preference: preferenceOf(row), recency: recency / (options.rrfK + 1), speaker, time, session, neighbour, graph: graphOf(row) };
    const linkedVia = via.get(id);
    ranked.push({
      id,
      score: fused + contributions.recency + speaker + time + session + neighbour,
      parts: { ...row, fused, recency, speaker, time, session, neighbour, ...(linkedVia && { linkedVia }), contributions },
    });
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
