/**
 * The in-memory full-text index over memories (Orama, BM25). Documents and their truth stay in
 * IndexedDB; this index holds only what search and filters need, and is rebuilt from the store when it
 * opens. Each hit carries the parts of its score so a UI can say why a memory was recalled.
 */
import { create, insertMultiple, remove, search, count, type AnyOrama } from '@orama/orama';
import { index as oramaIndex } from '@orama/orama/components';
import { LIVE_STATES, type LifecycleState } from '../core/lifecycle';
import type { MemoryItem, MemoryType, SemanticType } from '../core/memory-item';
import { ENGLISH_STOP_WORDS } from './stop-words';

const SCHEMA = {
  text: 'string',
  cubeId: 'enum',
  ownerId: 'enum',
  visibility: 'enum',
  memoryType: 'enum',
  semanticType: 'enum',
  state: 'enum',
  tags: 'enum[]',
  createdAt: 'number',
  updatedAt: 'number',
  spokenAt: 'number',
  speakers: 'enum[]',
} as const;

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
  /** When the thing was said (or, for memories without a time, created), epoch ms, inclusive. */
  readonly from?: number;
  readonly to?: number;
}

/** What a user may see of one cube: everything (owner) or only shared memories plus their own. */
export interface CubeScope {
  readonly cubeId: string;
  /** When set, only memories with visibility "shared" or written by this user are visible. */
  readonly restrictToViewer?: string;
}

/** One ranked hit of the full-text index: a memory id and its BM25 score. */
export interface IndexHit {
  readonly id: string;
  readonly score: number;
}

/** How the full-text index tokenises. */
export interface TextIndexOptions {
  /** Reduce words to their stem (English), so "running" finds "run". Default true. */
  readonly stemming?: boolean;
  /** Words left out of the index and of queries. Default: {@link ENGLISH_STOP_WORDS}. */
  readonly stopWords?: readonly string[];
}

interface IndexDoc {
  id: string;
  text: string;
  cubeId: string;
  ownerId: string;
  visibility: string;
  memoryType: string;
  semanticType: string;
  state: string;
  tags: string[];
  createdAt: number;
  updatedAt: number;
  spokenAt: number;
  speakers: string[];
}

/** A speaker's name as the index keeps it. */
export function speakerKey(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * The text the full-text index sees: the memory's key and text, with the "Speaker: " at the start of
 * each line left out when it names one of the memory's known speakers. Who said something is indexed
 * apart (the speakers field), so a question about Ana finds what Ana said rather than every line
 * where someone says "Ana".
 */
function indexedText(item: MemoryItem): string {
  const speakers = new Set(item.sourceRefs.map((r) => r.speaker).filter((s): s is string => !!s));
  const text = speakers.size === 0 ? item.text : item.text.split('\n').map((line) => {
    const colon = line.indexOf(': ');
    return colon > 0 && speakers.has(line.slice(0, colon)) ? line.slice(colon + 2) : line;
  }).join('\n');
  return item.key ? `${item.key}: ${text}` : text;
}

function toDoc(item: MemoryItem): IndexDoc {
  const spoken = item.sourceRefs.map((r) => r.spokenAt).filter((t): t is number => typeof t === 'number');
  return {
    id: item.id,
    text: indexedText(item),
    cubeId: item.cubeId,
    ownerId: item.ownerId,
    visibility: item.visibility,
    memoryType: item.memoryType,
    semanticType: item.semanticType,
    state: item.state,
    tags: [...item.tags],
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    spokenAt: spoken.length > 0 ? Math.min(...spoken) : item.createdAt,
    speakers: [...new Set(item.sourceRefs.map((r) => r.speaker).filter((s): s is string => !!s).map(speakerKey))],
  };
}

type Where = Record<string, unknown>;

/**
 * Orama's default index looks query words up as prefixes (type-ahead: "go" also finds "good" and
 * "gone"), which drowns BM25 in false matches. This index looks up whole words (after stemming) and
 * otherwise is Orama's own. Passing `exact: true` to Orama's search instead would also drop every
 * memory that lacks one of the query's words, case-sensitively.
 */
const defaultIndex = oramaIndex.createIndex();
const WHOLE_WORD_INDEX = {
  ...defaultIndex,
  search: (...args: Parameters<typeof defaultIndex.search>) => {
    const [index, term, tokenizer, language, properties, , , ...rest] = args;
    return defaultIndex.search(index, term, tokenizer, language, properties, true, 0, ...rest);
  },
};

// Orama evaluates a clause holding `and`, `or` or `not` by that operator alone and ignores its other
// keys, so every combination below is spelled out as an explicit `and` of single-purpose clauses.
function scopeClause(scope: CubeScope): Where {
  const cube = { cubeId: { eq: scope.cubeId } };
  if (!scope.restrictToViewer) return cube;
  return { and: [cube, { or: [{ visibility: { eq: 'shared' } }, { ownerId: { eq: scope.restrictToViewer } }] }] };
}

function filterClauses(filters: SearchFilters): Where[] {
  const clauses: Where[] = [{ state: { in: [...(filters.states ?? LIVE_STATES)] } }];
  if (filters.memoryTypes) clauses.push({ memoryType: { in: [...filters.memoryTypes] } });
  if (filters.semanticTypes) clauses.push({ semanticType: { in: [...filters.semanticTypes] } });
  if (filters.ownerIds) clauses.push({ ownerId: { in: [...filters.ownerIds] } });
  if (filters.tagsAny) clauses.push({ tags: { containsAny: [...filters.tagsAny] } });
  if (filters.tagsAll) clauses.push({ tags: { containsAll: [...filters.tagsAll] } });
  if (filters.from !== undefined || filters.to !== undefined) {
    clauses.push({ spokenAt: { between: [filters.from ?? 0, filters.to ?? Number.MAX_SAFE_INTEGER] } });
  }
  return clauses;
}

/** The full-text index of the memories of one store. */
export class MemoryIndex {
  #db: AnyOrama;
  readonly #docs = new Map<string, IndexDoc>();
  readonly #speakerCounts = new Map<string, number>();
  readonly #options: TextIndexOptions;

  constructor(options: TextIndexOptions = {}) {
    this.#options = options;
    this.#db = this.#create();
  }

  #create(): AnyOrama {
    return create({
      schema: SCHEMA,
      components: {
        tokenizer: { stemming: this.#options.stemming ?? true, stopWords: [...(this.#options.stopWords ?? ENGLISH_STOP_WORDS)] },
        index: WHOLE_WORD_INDEX,
      },
    });
  }

  /** The speakers of a memory (lower-case). */
  speakersOf(id: string): readonly string[] {
    return this.#docs.get(id)?.speakers ?? [];
  }

  /** Tells whether someone by this name (any case) speaks in some indexed memory. */
  isSpeaker(name: string): boolean {
    return (this.#speakerCounts.get(speakerKey(name)) ?? 0) > 0;
  }

  /** When the memory was said (or written), for recency; undefined when not indexed. */
  timeOf(id: string): number | undefined {
    return this.#docs.get(id)?.spokenAt;
  }

  /**
   * A predicate with the same meaning as the where-clause of {@link search}: true for memories in one of
   * the scopes that pass every filter. Used to filter vector candidates.
   */
  matcher(scopes: readonly CubeScope[], filters: SearchFilters): (id: string) => boolean {
    const byCube = new Map(scopes.map((s) => [s.cubeId, s]));
    const states = new Set<string>(filters.states ?? LIVE_STATES);
    const memoryTypes = filters.memoryTypes && new Set<string>(filters.memoryTypes);
    const semanticTypes = filters.semanticTypes && new Set<string>(filters.semanticTypes);
    const owners = filters.ownerIds && new Set(filters.ownerIds);
    const from = filters.from ?? 0;
    const to = filters.to ?? Number.MAX_SAFE_INTEGER;
    return (id) => {
      const doc = this.#docs.get(id);
      if (!doc) return false;
      const scope = byCube.get(doc.cubeId);
      if (!scope) return false;
      if (scope.restrictToViewer && doc.visibility !== 'shared' && doc.ownerId !== scope.restrictToViewer) return false;
      if (!states.has(doc.state)) return false;
      if (memoryTypes && !memoryTypes.has(doc.memoryType)) return false;
      if (semanticTypes && !semanticTypes.has(doc.semanticType)) return false;
      if (owners && !owners.has(doc.ownerId)) return false;
      if (filters.tagsAny && !filters.tagsAny.some((t) => doc.tags.includes(t))) return false;
      if (filters.tagsAll && !filters.tagsAll.every((t) => doc.tags.includes(t))) return false;
      return doc.spokenAt >= from && doc.spokenAt <= to;
    };
  }

  /** How many memories are indexed. */
  get size(): number {
    return count(this.#db);
  }

  /** Tells whether a memory is indexed. */
  has(id: string): boolean {
    return this.#docs.has(id);
  }

  /** Adds or replaces memories in the index. */
  async upsert(items: readonly MemoryItem[]): Promise<void> {
    for (const item of items) {
      if (this.#docs.has(item.id)) await this.remove([item.id]);
    }
    if (items.length === 0) return;
    const docs = items.map(toDoc);
    await insertMultiple(this.#db, docs as never[], 500);
    for (const doc of docs) {
      this.#docs.set(doc.id, doc);
      for (const sp of doc.speakers) this.#speakerCounts.set(sp, (this.#speakerCounts.get(sp) ?? 0) + 1);
    }
  }

  /** Removes memories from the index (purged ones, or ones the index must forget). */
  async remove(ids: Iterable<string>): Promise<void> {
    for (const id of ids) {
      const doc = this.#docs.get(id);
      if (!doc) continue;
      this.#docs.delete(id);
      for (const sp of doc.speakers) this.#speakerCounts.set(sp, (this.#speakerCounts.get(sp) ?? 1) - 1);
      await remove(this.#db, id);
    }
  }

  /** Forgets everything (before a rebuild). */
  clear(): void {
    this.#db = this.#create();
    this.#docs.clear();
    this.#speakerCounts.clear();
  }

  /**
   * Ranks the memories of the given cubes for a query by BM25, after filters.
   * @param query - free text; an empty query lists matching memories newest first
   */
  async search(query: string, scopes: readonly CubeScope[], filters: SearchFilters, limit: number): Promise<IndexHit[]> {
    if (scopes.length === 0 || limit <= 0) return [];
    const where: Where = { and: [...filterClauses(filters), { or: scopes.map(scopeClause) }] };
    const term = query.trim();
    const result = await search(this.#db, {
      term,
      where: where as never,
      limit,
      ...(term ? { properties: ['text'] } : { sortBy: { property: 'spokenAt', order: 'DESC' } }),
    });
    return result.hits.map((hit) => ({ id: String(hit.id), score: hit.score }));
  }
}
