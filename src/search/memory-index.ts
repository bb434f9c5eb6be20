/**
 * The in-memory index over memories: what filters need (cube, owner, visibility, types, state, tags,
 * time, speakers), a BM25 text index, and each memory's record as last written, so that search
 * hands out hits without reading IndexedDB. The truth stays in IndexedDB; this index is rebuilt from
 * the store when it opens and follows every committed write (this tab's, and other tabs' through the
 * change feed). See docs/decisions/0020-search-without-reads.md.
 */
import { foldWord } from '../core/words';
import { LIVE_STATES } from '../core/lifecycle';
import type { MemoryItem } from '../core/memory-item';
import { createTokenize, TERMS_VERSION, type Tokenize, type TokenizerOptions } from './index-terms';
import { isLanguageName, LANGUAGE_SCRIPTS, type LanguageName } from './languages';
import { TextIndex, type TextIndexState } from './text-index';
import type { SearchFilters } from '../protocol/search-types';

/** What a user may see of one cube: everything (owner) or only shared memories plus their own. */
export interface CubeScope {
  readonly cubeId: string;
  /** When set, only memories with visibility "shared" or written by this user are visible. */
  readonly restrictToViewer?: string;
}

/** The scope a user reads a cube in: the owner sees all of it, anyone else what is shared and their own. */
export function scopeOf(cube: { readonly cubeId: string; readonly ownerId: string }, userId: string): CubeScope {
  return cube.ownerId === userId ? { cubeId: cube.cubeId } : { cubeId: cube.cubeId, restrictToViewer: userId };
}

/** One ranked hit of the full-text index: a memory id and its BM25 score. */
export interface IndexHit {
  readonly id: string;
  readonly score: number;
}

/** How the full-text index tokenises (stemming, stop words). */
export type TextIndexOptions = TokenizerOptions;

interface IndexDoc {
  /** The record as last written (search hands it out without reading IndexedDB). */
  item: MemoryItem;
  id: string;
  cubeId: string;
  ownerId: string;
  visibility: string;
  memoryType: string;
  semanticType: string;
  state: string;
  tags: readonly string[];
  createdAt: number;
  updatedAt: number;
  spokenAt: number;
  validFrom: number;
  validTo: number | null;
  speakers: string[];
  sessionId: string | undefined;
}

/**
 * The index as data to keep in IndexedDB (see os/index-snapshot.ts): the records, the words' posting
 * lists and the cubes' languages, so that opening a store restores it without tokenizing every memory.
 */
export interface MemoryIndexSnapshot {
  /** The word rules and options that made the terms; a snapshot made under others is not restored. */
  readonly termsKey: string;
  readonly cubeLanguages: readonly (readonly [string, string])[];
  readonly records: readonly MemoryItem[];
  readonly text: TextIndexState;
}

/** A speaker's name as the index keeps it (folded: "José" and "jose" are one speaker). */
export function speakerKey(name: string): string {
  return foldWord(name.trim());
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
    item,
    id: item.id,
    cubeId: item.cubeId,
    ownerId: item.ownerId,
    visibility: item.visibility,
    memoryType: item.memoryType,
    semanticType: item.semanticType,
    state: item.state,
    tags: item.tags,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    spokenAt: spoken.length > 0 ? Math.min(...spoken) : item.createdAt,
    validFrom: item.validFrom ?? (spoken.length > 0 ? Math.min(...spoken) : item.createdAt),
    validTo: item.validTo ?? null,
    speakers: [...new Set(item.sourceRefs.map((r) => r.speaker).filter((s): s is string => !!s).map(speakerKey))],
    // Session ids are per cube: two cubes may both have a "chat-1".
    sessionId: item.sourceRefs[0]?.sessionId !== undefined ? `${item.cubeId}\u0000${item.sourceRefs[0].sessionId}` : undefined,
  };
}

/** Whether two docs of one memory index the same: same words, same filtered fields. */
function indexedAlike(a: IndexDoc, b: IndexDoc): boolean {
  const sameList = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return (
    a.cubeId === b.cubeId && a.ownerId === b.ownerId && a.visibility === b.visibility && a.memoryType === b.memoryType &&
    a.semanticType === b.semanticType && a.state === b.state && a.createdAt === b.createdAt && a.updatedAt === b.updatedAt &&
    a.spokenAt === b.spokenAt && a.validFrom === b.validFrom && a.validTo === b.validTo && a.sessionId === b.sessionId &&
    sameList(a.tags, b.tags) && sameList(a.speakers, b.speakers) && indexedText(a.item) === indexedText(b.item)
  );
}

/** Turn order within a session: when said, then when written, then id. */
function saidBefore(a: IndexDoc, b: IndexDoc): boolean {
  if (a.spokenAt !== b.spokenAt) return a.spokenAt < b.spokenAt;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt;
  return a.id < b.id;
}

/** Where a doc is (or would go) in a session's turns, by binary search. */
function positionIn(turns: readonly IndexDoc[], doc: IndexDoc): number {
  let lo = 0;
  let hi = turns.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (saidBefore(turns[mid]!, doc)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The full-text index of the memories of one store. */
export class MemoryIndex {
  readonly #text = new TextIndex();
  readonly #options: TextIndexOptions;
  /** One tokenizer per cube language in use ("" for the store's defaults). */
  readonly #tokenizers = new Map<string, Tokenize>();
  /** Cubes whose words are read in a language of their own (their policy's `language`). */
  readonly #cubeLanguages = new Map<string, LanguageName>();
  readonly #docs = new Map<string, IndexDoc>();
  readonly #speakerCounts = new Map<string, number>();
  /** Each session's memories in the order they were said. */
  readonly #sessions = new Map<string, IndexDoc[]>();

  constructor(options: TextIndexOptions = {}) {
    this.#options = options;
  }

  #tokenizer(cubeId: string): Tokenize {
    const language = this.#cubeLanguages.get(cubeId);
    const key = language ?? '';
    let tokenize = this.#tokenizers.get(key);
    if (!tokenize) {
      const languages = language ? { ...this.#options.languages, [LANGUAGE_SCRIPTS[language]]: language } : this.#options.languages;
      tokenize = createTokenize({ ...this.#options, ...(languages && { languages }) });
      this.#tokenizers.set(key, tokenize);
    }
    return tokenize;
  }

  /** Puts a memory's words into the word index, read in its cube's language. */
  #indexWords(doc: IndexDoc): void {
    this.#text.upsert(doc.id, this.#tokenizer(doc.cubeId)(indexedText(doc.item)));
  }

  /**
   * Learns the languages cubes want their words read in (from their policies). A cube whose language
   * changed has its memories indexed again, in the new language. Called with the cubes a search reads,
   * before it ranks, so whatever tab changed a policy, every search reads each cube in its language.
   */
  useCubeLanguages(cubes: readonly { readonly cubeId: string; readonly policy?: { readonly language?: string } | undefined }[]): void {
    for (const cube of cubes) {
      const wanted = isLanguageName(cube.policy?.language) ? cube.policy.language : undefined;
      if (this.#cubeLanguages.get(cube.cubeId) === wanted) continue;
      if (wanted) this.#cubeLanguages.set(cube.cubeId, wanted);
      else this.#cubeLanguages.delete(cube.cubeId);
      for (const doc of this.#docs.values()) if (doc.cubeId === cube.cubeId) this.#indexWords(doc);
    }
  }

  /** How many memories are indexed. */
  get size(): number {
    return this.#docs.size;
  }

  /** Tells whether a memory is indexed. */
  has(id: string): boolean {
    return this.#docs.has(id);
  }

  /** The speakers of a memory (lower-case). */
  speakersOf(id: string): readonly string[] {
    return this.#docs.get(id)?.speakers ?? [];
  }

  /** Tells whether someone by this name (any case) speaks in some indexed memory. */
  isSpeaker(name: string): boolean {
    return (this.#speakerCounts.get(speakerKey(name)) ?? 0) > 0;
  }

  /** The conversation session a memory came from (scoped to its cube), if any. */
  sessionOf(id: string): string | undefined {
    return this.#docs.get(id)?.sessionId;
  }

  /**
   * The memories said just before and just after this one in its session (none outside a session):
   * a question usually matches one turn while its answer is in the reply.
   */
  neighboursOf(id: string): string[] {
    const doc = this.#docs.get(id);
    const turns = doc?.sessionId !== undefined ? this.#sessions.get(doc.sessionId) : undefined;
    if (!doc || !turns) return [];
    const at = positionIn(turns, doc);
    const out: string[] = [];
    if (at > 0) out.push(turns[at - 1]!.id);
    if (at + 1 < turns.length) out.push(turns[at + 1]!.id);
    return out;
  }

  /** When the memory was said (or written), for recency; undefined when not indexed. */
  timeOf(id: string): number | undefined {
    return this.#docs.get(id)?.spokenAt;
  }

  /** A predicate: true for memories in one of the scopes that pass every filter. */
  matcher(scopes: readonly CubeScope[], filters: SearchFilters): (id: string) => boolean {
    const byCube = new Map(scopes.map((s) => [s.cubeId, s]));
    const states = new Set<string>(filters.states ?? LIVE_STATES);
    const asOf = filters.asOf;
    const memoryTypes = filters.memoryTypes && new Set<string>(filters.memoryTypes);
    const semanticTypes = filters.semanticTypes && new Set<string>(filters.semanticTypes);
    const owners = filters.ownerIds && new Set(filters.ownerIds);
    const sessions = filters.sessionIds && new Set(filters.sessionIds);
    const metadata = filters.metadata && Object.entries(filters.metadata);
    const from = filters.from ?? 0;
    const to = filters.to ?? Number.MAX_SAFE_INTEGER;
    const docs = this.#docs;
    // The common case — one cube seen whole, no filter but the live states — is checked on its own:
    // the vector side asks about a thousand rows per search.
    const only = scopes.length === 1 && !scopes[0]!.restrictToViewer ? scopes[0]!.cubeId : undefined;
    const unfiltered = asOf === undefined && !memoryTypes && !semanticTypes && !owners && !sessions && !filters.tagsAny && !filters.tagsAll && !metadata;
    if (only !== undefined && unfiltered && from === 0 && to === Number.MAX_SAFE_INTEGER) {
      return (id) => {
        const doc = docs.get(id);
        return doc !== undefined && doc.cubeId === only && states.has(doc.state);
      };
    }
    return (id) => {
      const doc = docs.get(id);
      if (!doc) return false;
      const scope = byCube.get(doc.cubeId);
      if (!scope) return false;
      if (scope.restrictToViewer && doc.visibility !== 'shared' && doc.ownerId !== scope.restrictToViewer) return false;
      if (asOf !== undefined) {
        // Superseded facts were archived but were true in their time.
        if (doc.validFrom > asOf || (doc.validTo !== null && doc.validTo <= asOf)) return false;
        if (!states.has(doc.state) && !(doc.state === 'archived' && doc.validTo !== null)) return false;
      } else if (!states.has(doc.state)) return false;
      if (memoryTypes && !memoryTypes.has(doc.memoryType)) return false;
      if (semanticTypes && !semanticTypes.has(doc.semanticType)) return false;
      if (owners && !owners.has(doc.ownerId)) return false;
      // The index keys sessions by cube ("cube\0session"); the filter names the caller's session ids.
      if (sessions && !(doc.sessionId !== undefined && sessions.has(doc.sessionId.slice(doc.cubeId.length + 1)))) return false;
      if (filters.tagsAny && !filters.tagsAny.some((t) => doc.tags.includes(t))) return false;
      if (filters.tagsAll && !filters.tagsAll.every((t) => doc.tags.includes(t))) return false;
      if (metadata && !metadata.every(([key, value]) => doc.item.metadata !== undefined && Object.hasOwn(doc.item.metadata, key) && doc.item.metadata[key] === value)) return false;
      return doc.spokenAt >= from && doc.spokenAt <= to;
    };
  }

  /** Which word rules and options make this index's terms (see MemoryIndexSnapshot.termsKey). */
  get termsKey(): string {
    return JSON.stringify({ version: TERMS_VERSION, options: this.#options });
  }

  /**
   * The index as data (see MemoryIndexSnapshot). The records are the index's own: serialize them at
   * once (an IndexedDB put does), before the index changes again.
   */
  exportSnapshot(): MemoryIndexSnapshot {
    return {
      termsKey: this.termsKey,
      cubeLanguages: [...this.#cubeLanguages],
      records: [...this.#docs.values()].map((doc) => doc.item),
      text: this.#text.exportState(),
    };
  }

  /**
   * Replaces everything with a snapshot from {@link MemoryIndex.exportSnapshot}; the index then owns
   * its records.
   * @throws {RangeError} when the snapshot was made under other word rules or does not hold together
   *   (the index is then left empty)
   */
  importSnapshot(snapshot: MemoryIndexSnapshot): void {
    this.clear();
    if (snapshot.termsKey !== this.termsKey) throw new RangeError('The snapshot was made under other word rules.');
    try {
      this.#cubeLanguages.clear();
      for (const [cubeId, language] of snapshot.cubeLanguages) if (isLanguageName(language)) this.#cubeLanguages.set(cubeId, language);
      this.#text.importState(snapshot.text);
      for (const item of snapshot.records) this.#add(toDoc(item), false);
      if (this.#docs.size !== snapshot.text.ids.length || !snapshot.text.ids.every((id) => this.#docs.has(id))) {
        throw new RangeError('The snapshot\'s records and words disagree.');
      }
    } catch (error) {
      this.clear();
      this.#cubeLanguages.clear();
      throw error instanceof RangeError ? error : new RangeError(`The snapshot does not hold together: ${String(error)}`);
    }
  }

  /** Adds or replaces memories in the index. */
  upsert(items: readonly MemoryItem[]): void {
    for (const item of items) {
      const doc = toDoc(item);
      const old = this.#docs.get(item.id);
      if (old && indexedAlike(old, doc)) {
        // Only what the index does not look at changed (usage counters): keep the record, skip the words.
        old.item = item;
        continue;
      }
      if (old) this.remove([item.id]);
      this.#add(doc, true);
    }
  }

  /** Adds a memory not yet indexed; its words too unless they are already in the text index. */
  #add(doc: IndexDoc, words: boolean): void {
    this.#docs.set(doc.id, doc);
    if (words) this.#indexWords(doc);
    if (doc.sessionId !== undefined) {
      const turns = this.#sessions.get(doc.sessionId);
      if (!turns) this.#sessions.set(doc.sessionId, [doc]);
      else if (saidBefore(turns[turns.length - 1]!, doc)) turns.push(doc);
      else turns.splice(positionIn(turns, doc), 0, doc);
    }
    for (const sp of doc.speakers) this.#speakerCounts.set(sp, (this.#speakerCounts.get(sp) ?? 0) + 1);
  }

  /** Every indexed memory's record as last written (the index's own: do not change them). */
  *records(): IterableIterator<MemoryItem> {
    for (const doc of this.#docs.values()) yield doc.item;
  }

  /** The record of an indexed memory as last written, or undefined when not indexed. */
  record(id: string): MemoryItem | undefined {
    return this.#docs.get(id)?.item;
  }

  /**
   * Removes memories from the index (purged ones, or ones the index must forget). Removing many at
   * once (a deleted cube, a reset) rebuilds the word index from what stays instead of editing its
   * posting lists one memory at a time.
   */
  remove(ids: Iterable<string>): void {
    const list = [...ids];
    const many = list.length > 1000 && list.length * 10 > this.#docs.size;
    for (const id of list) {
      const doc = this.#docs.get(id);
      if (!doc) continue;
      this.#docs.delete(id);
      if (!many) this.#text.remove(id);
      const turns = doc.sessionId !== undefined ? this.#sessions.get(doc.sessionId) : undefined;
      if (turns) {
        const at = positionIn(turns, doc);
        if (turns[at] === doc) turns.splice(at, 1);
        if (turns.length === 0) this.#sessions.delete(doc.sessionId!);
      }
      for (const sp of doc.speakers) this.#speakerCounts.set(sp, (this.#speakerCounts.get(sp) ?? 1) - 1);
    }
    if (many) {
      this.#text.clear();
      for (const doc of this.#docs.values()) this.#indexWords(doc);
    }
  }

  /** Forgets everything (before a rebuild). */
  clear(): void {
    this.#docs.clear();
    this.#text.clear();
    this.#sessions.clear();
    this.#speakerCounts.clear();
  }

  /**
   * Ranks the memories of the given cubes for a query by BM25, after filters.
   * @param query - free text; an empty query lists matching memories newest first
   */
  search(query: string, scopes: readonly CubeScope[], filters: SearchFilters, limit: number): IndexHit[] {
    if (scopes.length === 0 || limit <= 0) return [];
    const allow = this.matcher(scopes, filters);
    if (query.trim()) {
      // The query in every language the searched cubes read their words in.
      const tokenizers = new Set(scopes.map((scope) => this.#tokenizer(scope.cubeId)));
      return this.#text.search([...tokenizers].flatMap((tokenize) => tokenize(query)), limit, allow);
    }
    const listed: IndexDoc[] = [];
    for (const doc of this.#docs.values()) if (allow(doc.id)) listed.push(doc);
    listed.sort((a, b) => b.spokenAt - a.spokenAt);
    return listed.slice(0, limit).map((doc) => ({ id: doc.id, score: 0 }));
  }
}
