/** The parameter and result types of search (MemoryApi.search), shared with the worker contract. */
import type { MemoryItem, MemoryType, SemanticType } from '../core/memory-item';
import type { LifecycleState } from '../core/lifecycle';

/** Parameters of `search`. */
export interface SearchParams {
  readonly userId: string;
  readonly query: string;
  /** Cubes to search; the user's registered cubes by default, else every cube they can read. */
  readonly cubeIds?: readonly string[];
  /** How many hits, 1–1000; 10 by default. */
  readonly topK?: number;
  readonly filters?: SearchFilters;
  /**
   * Whether hits count as uses in the memories' usage header. Default false: a hit is not a use —
   * chat counts the memories it puts into a prompt, and `get({ trackUsage: true })` a memory a person
   * opens (usage drives working memory and distillation proposals).
   */
  readonly trackUsage?: boolean;
  /** "hybrid" (default: words and meaning), "text" (words only) or "vector" (meaning only). */
  readonly mode?: 'hybrid' | 'text' | 'vector';
  /**
   * What a time named in the query does ("last week", "in May 2023", "before March"): "boost" (default)
   * lifts memories said then; "filter" keeps only those; "ignore" does nothing.
   */
  readonly timeInQuery?: 'boost' | 'filter' | 'ignore';
}

/** One search result, with why it was recalled. */
export interface SearchHit {
  readonly memory: MemoryItem;
  /** The final score the ranking used. */
  readonly score: number;
  /** The parts the score was made of. */
  readonly parts: ScoreParts;
  /** The query words found in the memory. */
  readonly matchedTerms: readonly string[];
}

/** The filters a search can apply. Every given filter must hold (AND). */
export interface SearchFilters {
  readonly memoryTypes?: readonly MemoryType[];
  readonly semanticTypes?: readonly SemanticType[];
  /** Lifecycle states to include; the live states (generated, activated, merged) by default. */
  readonly states?: readonly LifecycleState[];
  /** Memories that carry at least one of these tags. */
  readonly tagsAny?: readonly string[];
  /** Memories that carry all of these tags. */
  readonly tagsAll?: readonly string[];
  /** Only memories written by these users. */
  readonly ownerIds?: readonly string[];
  /** Only memories from these conversation sessions (e.g. one chat). */
  readonly sessionIds?: readonly string[];
  /**
   * What was true at this time (epoch ms): memories valid then — said by then and not yet
   * superseded — including ones archived since because a newer fact replaced them.
   */
  readonly asOf?: number;
  /** When the thing was said (or, for memories without a time, created), epoch ms, inclusive. */
  readonly from?: number;
  readonly to?: number;
  /**
   * Memories whose metadata has each of these top-level keys with exactly this value (strings,
   * numbers, booleans or null; at most 16 keys): how an app finds the memories of its own records.
   */
  readonly metadata?: Readonly<Record<string, string | number | boolean | null>>;
}

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
  /** Rank among the memories the entity graph reached, or null (absent from older results). */
  readonly graphRank?: number | null;
  /**
   * The entities that linked the memory to the query or to a better hit, strongest first ("Melanie",
   * "kid"): how recall followed the graph to it.
   */
  readonly linkedVia?: readonly string[];
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
  /** The entity graph's side (0 without a graph). */
  readonly graph?: number;
}

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
  /**
   * Weight of the entity graph's side: memories that name the query's entities, or share a specific
   * entity with the best hits, ranked by how specific those entities are and fused by reciprocal rank
   * (see docs/decisions/0034-entity-graph.md). 0 turns it off.
   */
  readonly graphWeight?: number;
  /** How much a hit's entities pass on to other memories that name them, against a query entity's 1. */
  readonly graphHopWeight?: number;
  /** How many of the best hits pass their entities on. */
  readonly graphSeeds?: number;
}
