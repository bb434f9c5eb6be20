/**
 * Text → the terms the full-text index stores and looks up: the project's words (core/words), folded,
 * stop words left out and the rest stemmed in the language of their script (see languages.ts).
 * Words of Chinese, Japanese and Korean longer than two characters also give their character pairs,
 * so a query matches however the segmenter cut the memory's text ("北京烤鸭" finds "北京的烤鸭").
 */
import { foldWord, rawWords, scriptOf, type Script } from '../core/words';
import { DEFAULT_LANGUAGES, LANGUAGES, type LanguageName } from './languages';

/**
 * The version of the rules in this module and core/words: bump it whenever the terms a text gives
 * change (a new rule, a stemmer upgrade), so that saved index snapshots made under the old rules are
 * rebuilt instead of restored.
 */
export const TERMS_VERSION = 1;

/** How the index turns text into terms. */
export interface TokenizerOptions {
  /** Reduce words to their stem. Default true. */
  readonly stemming?: boolean;
  /** Stop words of Latin-script text, replacing its language's list (e.g. [] to keep every word). */
  readonly stopWords?: readonly string[];
  /** The language each script is read in, over {@link DEFAULT_LANGUAGES} (e.g. `{ latin: 'german' }`). */
  readonly languages?: Readonly<Partial<Record<Script, LanguageName>>>;
}

/** A text → terms function (duplicates kept, for term frequencies). */
export type Tokenize = (text: string) => string[];

interface ScriptRules {
  readonly stops: ReadonlySet<string>;
  readonly stem: ((word: string) => string) | undefined;
}

/** Makes the tokenizer. @throws {Error} on a language name the index does not know */
export function createTokenize(options: TokenizerOptions = {}): Tokenize {
  const chosen = { ...DEFAULT_LANGUAGES, ...options.languages };
  const rules = new Map<Script, ScriptRules>();
  for (const [script, name] of Object.entries(chosen) as [Script, LanguageName][]) {
    const language = LANGUAGES[name];
    if (!language) throw new Error(`No stemmer for the language "${String(name)}"`);
    const stops = script === 'latin' && options.stopWords ? options.stopWords : language.stopWords;
    rules.set(script, { stops: new Set(stops.map(foldWord)), stem: options.stemming === false ? undefined : language.stem });
  }
  return (text) => {
    const out: string[] = [];
    for (const raw of rawWords(text)) {
      const script = scriptOf(raw);
      const folded = foldWord(raw);
      const rule = rules.get(script);
      if (rule?.stops.has(folded)) continue;
      if (script === 'cjk') {
        out.push(folded);
        if (folded.length > 2) for (let i = 0; i + 2 <= folded.length; i++) out.push(folded.slice(i, i + 2));
        continue;
      }
      // Folded first, then stemmed: "camara" typed plainly must stem as "cámara" does.
      out.push(rule?.stem ? rule.stem(folded) : folded);
    }
    return out;
  };
}
