/**
 * Entities in a memory's text, without a model: people, places, organisations, dates and the things a
 * person talks about (noun phrases and activities), found by compromise's part-of-speech tagger
 * (decision 0034) — for English, and for French, German and Spanish by its ports (fr-, de- and
 * es-compromise), chosen by the cube's language. A memory in another language simply has no entities
 * and stays a plain memory. Each tagger (250–390 KB) is imported on first use, so a worker that never
 * reads a language pays nothing for it.
 */
import type { MemoryRelation } from '../../core/memory-item';
import { foldWord } from '../../core/words';
import type { EntityLink, EntityType } from '../../protocol/graph-types';

/** A language the graph reads entities in. */
type EntityLanguage = 'english' | 'french' | 'german' | 'spanish';

/** The taggers by cube language, each with the name links read by it record (another name: read again). */
const TAGGERS: Readonly<Record<EntityLanguage, { readonly extractor: string; load(): Promise<{ default: unknown }> }>> = {
  english: { extractor: 'compromise@14.20.0/4', load: () => import('compromise') },
  french: { extractor: 'fr-compromise@0.2.8/1', load: () => import('fr-compromise') },
  german: { extractor: 'de-compromise@0.0.10/1', load: () => import('de-compromise') },
  spanish: { extractor: 'es-compromise@0.2.11/1', load: () => import('es-compromise') },
};

/** The language a cube's policy names, when a tagger reads it. */
const taggedLanguage = (language: string): EntityLanguage | undefined => (Object.hasOwn(TAGGERS, language) ? (language as EntityLanguage) : undefined);

/** What reads a cube in this language: its extractor's name, or "none" where no tagger reads it. */
export function extractorFor(language: string): string {
  const tagged = taggedLanguage(language);
  return tagged ? TAGGERS[tagged].extractor : 'none';
}

/** What extraction needs of a memory. */
export interface ExtractionInput {
  readonly text: string;
  /** Who said it: a line that starts with "<speaker>: " is read without that prefix. */
  readonly speakers?: readonly string[];
  /** The typed relation the memory states: both its ends are entities of the memory. */
  readonly relation?: MemoryRelation;
}

interface Term {
  readonly text: string;
  readonly normal: string;
  readonly root?: string;
  readonly post: string;
  readonly tags: readonly string[];
}

type Tagger = (text: string) => { compute(step: string): void; json(options: object): { terms: Term[] }[] };

const taggers = new Map<EntityLanguage, Promise<Tagger>>();

/** Fetches and sets up a language's tagger ahead of its first use, if one reads it (see {@link extractEntities}). */
export async function preloadTagger(language: string): Promise<void> {
  const tagged = taggedLanguage(language);
  if (tagged) await loadTagger(tagged);
}

/** Loads a language's tagger once (a dynamic import: its own chunk in the browser); later calls share it. */
function loadTagger(language: EntityLanguage): Promise<Tagger> {
  let loading = taggers.get(language);
  if (!loading) {
    loading = TAGGERS[language].load().then((m) => {
      const nlp = m.default as Tagger;
      // The first reading sets up its lexicon: done here, not in the first real batch.
      nlp('Ana met Ben in Lisbon.').json({});
      return nlp;
    });
    taggers.set(language, loading);
  }
  return loading;
}

/** A longer "name" is no entity (a run-on token, a pasted hash); the words kept are cut here (cube files allow 400). */
const MAX_KEY = 60;
const MAX_WORDS = 200;

/** Nouns too general to connect memories by. */
const VAGUE = new Set([
  'thing', 'things', 'lot', 'lots', 'time', 'times', 'way', 'ways', 'day', 'days', 'stuff', 'bit', 'one', 'kind', 'sort', 'part',
  'anything', 'something', 'everything', 'nothing', 'someone', 'anyone', 'everyone', 'people', 'person', 'guy', 'guys', 'hey', 'hi',
  'thanks', 'thank', 'yeah', 'wow', 'lol', 'ok', 'okay', 'bye', 'idea', 'question', 'end', 'moment', 'place', 'week', 'year', 'month',
  'today', 'tomorrow', 'yesterday', 'tonight', 'morning', 'night', 'weekend', 'while', 'fun', 'chance', 'point', 'experience', 'feeling',
  'that', 'this', 'these', 'those', 'what', 'which', 'who', 'whom', 'it', 'its', 'kinda', 'sorta',
  // Gerunds of light verbs name no activity.
  'being', 'having', 'doing', 'going', 'getting', 'making', 'saying', 'taking', 'coming', 'looking', 'trying', 'thinking',
  'seeing', 'knowing', 'wanting', 'giving', 'telling', 'working', 'keeping', 'letting', 'putting', 'finding', 'starting',
]);

/** Whether a key can name an entity: two letters or more, not a run-on token, not too vague. */
const usable = (key: string) => key.length >= 2 && key.length <= MAX_KEY && !VAGUE.has(key);

/** Roles a speaker can give someone ("my sister Lucia"). */
const ROLES = new Set([
  'mother', 'mom', 'mum', 'father', 'dad', 'sister', 'brother', 'son', 'daughter', 'wife', 'husband', 'partner', 'boyfriend', 'girlfriend',
  'friend', 'cousin', 'aunt', 'uncle', 'grandma', 'grandmother', 'grandpa', 'grandfather', 'niece', 'nephew', 'boss', 'colleague',
  'coworker', 'neighbor', 'neighbour', 'teacher', 'doctor', 'therapist', 'roommate', 'fiance', 'fiancee', 'dog', 'cat', 'pet',
]);

const has = (term: Term, tag: string) => term.tags.includes(tag);
const capitalised = (term: Term) => /^\p{Lu}/u.test(term.text.replace(/^\W+/u, ''));
const isName = (term: Term) => capitalised(term) && (has(term, 'FirstName') || has(term, 'LastName') || (has(term, 'Person') && has(term, 'ProperNoun') && !has(term, 'Actor')));
// A month or a weekday is a date, whatever else the tagger thought it was.
const isPlace = (term: Term) => capitalised(term) && has(term, 'Place') && !has(term, 'Date');
const isOrganization = (term: Term) => capitalised(term) && has(term, 'Organization') && !has(term, 'Date');
const endsPhrase = (term: Term) => /[.,;:!?()"—–-]/u.test(term.post);
const keyOf = (words: string) => foldWord(words.replace(/['’]s$/u, '').replace(/[^\p{L}\p{N}' -]/gu, '').trim()).replace(/\s+/g, ' ');

/** The key an entity named this way has in the graph (a relation's end, a name someone asks about). */
export const entityKeyOf = (name: string): string => keyOf(name);

/** Strips a "<speaker>: " prefix from each line that has one. */
function withoutSpeakers(input: ExtractionInput): string {
  if (!input.speakers?.length) return input.text;
  return input.text
    .split('\n')
    .map((line) => {
      const speaker = input.speakers!.find((s) => line.startsWith(`${s}: `));
      return speaker === undefined ? line : line.slice(speaker.length + 2);
    })
    .join('\n');
}

/** Groups consecutive terms that pass `test` into runs, a run ending at punctuation. */
function runs(terms: readonly Term[], test: (t: Term) => boolean): { start: number; terms: Term[] }[] {
  const out: { start: number; terms: Term[] }[] = [];
  let current: Term[] = [];
  let start = 0;
  terms.forEach((term, i) => {
    if (test(term)) {
      if (current.length === 0) start = i;
      current.push(term);
      if (endsPhrase(term)) {
        out.push({ start, terms: current });
        current = [];
      }
    } else if (current.length > 0) {
      out.push({ start, terms: current });
      current = [];
    }
  });
  if (current.length > 0) out.push({ start, terms: current });
  return out;
}

const clean = (text: string) => text.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');

/** A text's sentences as the tagger reads them: each a list of tagged terms with their roots. */
function sentencesOf(nlp: Tagger, text: string): Term[][] {
  const doc = nlp(text);
  doc.compute('root');
  return doc.json({ terms: { tags: true, normal: true, root: true, post: true, text: true } }).map((sentence) => sentence.terms);
}

/** The entities of one sentence's terms. */
function sentenceEntities(terms: readonly Term[]): EntityLink[] {
  const out: EntityLink[] = [];
  const named = new Set<Term>();
  const thing = (key: string, words: string) => {
    if (usable(key)) out.push({ key, name: key, type: 'thing', words: words.slice(0, MAX_WORDS) });
  };
  const add = (type: EntityType, list: readonly Term[], role?: string, words?: string) => {
    const name = list.map((t) => clean(t.text)).join(' ');
    const key = keyOf(name);
    if (!usable(key)) return;
    for (const t of list) named.add(t);
    out.push({ key, name: name.replace(/['’]s$/u, ''), type, words: (words ?? name).slice(0, MAX_WORDS), ...(role !== undefined && { role }) });
  };
  for (const run of runs(terms, isName)) {
    // "my sister Lucia": the role before the name, said by the speaker about their own family or friends.
    const before = terms[run.start - 1];
    const possessive = terms[run.start - 2];
    const role = before && ROLES.has(before.normal) && possessive?.normal === 'my' ? before.normal : undefined;
    const words = role !== undefined ? `my ${before!.normal} ${run.terms.map((t) => clean(t.text)).join(' ')}` : undefined;
    add('person', run.terms, role, words);
  }
  for (const run of runs(terms, (t) => !named.has(t) && isPlace(t))) add('place', run.terms);
  for (const run of runs(terms, (t) => !named.has(t) && isOrganization(t))) add('organization', run.terms);
  for (const run of runs(terms, (t) => !named.has(t) && has(t, 'Date') && !has(t, 'Preposition'))) {
    const name = run.terms.map((t) => clean(t.text)).join(' ');
    if (/\p{L}/u.test(name) && /\d|\p{Lu}/u.test(name)) add('date', run.terms);
  }
  // Things: runs of common nouns (singular roots), as a phrase and by their head; activities (gerunds).
  const common = (t: Term) =>
    !named.has(t) && has(t, 'Noun') && !has(t, 'Pronoun') && !has(t, 'Possessive') && !has(t, 'Date') && !has(t, 'Value') && /\p{L}/u.test(t.normal);
  for (const run of runs(terms, common)) {
    const roots = run.terms.map((t) => keyOf(t.root ?? t.normal)).filter((w) => w.length > 1);
    if (roots.length === 0) continue;
    const words = run.terms.map((t) => clean(t.text)).join(' ');
    if (roots.length > 1) thing(roots.slice(-3).join(' '), words);
    thing(roots[roots.length - 1]!, words);
  }
  for (const term of terms) if (has(term, 'Gerund') && term.normal.length > 4) thing(term.normal, clean(term.text));
  return out;
}

/**
 * The distinct entities of texts in one language, read by its tagger (order kept; a key once per
 * text). A language without a tagger gives none.
 */
export async function extractEntities(inputs: readonly ExtractionInput[], language: string = 'english'): Promise<EntityLink[][]> {
  const tagged = taggedLanguage(language);
  if (!tagged) return inputs.map(() => []);
  const nlp = await loadTagger(tagged);
  return inputs.map((input) => {
    const text = withoutSpeakers(input);
    if (!/[A-Za-z]/.test(text)) return [];
    const seen = new Map<string, EntityLink>();
    for (const terms of sentencesOf(nlp, text)) {
      for (const mention of sentenceEntities(terms)) {
        const earlier = seen.get(mention.key);
        // A name beats a thing for the same key; a mention with a role keeps it.
        if (!earlier || (earlier.type === 'thing' && mention.type !== 'thing') || (mention.role !== undefined && earlier.role === undefined)) seen.set(mention.key, mention);
      }
    }
    if (input.relation) for (const end of relationEnds(nlp, input.relation)) if (!seen.has(end.key)) seen.set(end.key, end);
    return [...seen.values()];
  });
}

/**
 * A relation's subject and object as entities: typed by the tagger reading the name alone when it
 * knows it ("Boston": a place), else things; an end too long or too vague to be an entity is none.
 */
function relationEnds(nlp: Tagger, relation: MemoryRelation): EntityLink[] {
  return [relation.subject, relation.object].flatMap((name) => {
    const key = keyOf(name);
    if (!usable(key)) return [];
    const named = sentencesOf(nlp, name).flatMap(sentenceEntities).find((l) => l.key === key && l.type !== 'thing');
    return [{ key, name: named?.name ?? name.trim(), type: named?.type ?? 'thing', words: name.trim().slice(0, MAX_WORDS) }];
  });
}

