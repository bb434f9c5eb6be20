/**
 * Words of any language: the one rule by which memos-web splits text into words (the search index,
 * query planning, the fast reader, consolidation and working memory all use it). Scripts written
 * without spaces (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) are segmented by `Intl.Segmenter`
 * (dictionary-based in every browser and Node 20); other text is split at anything not a letter, mark
 * or digit, which for space-separated scripts gives the same words at a twentieth of the cost.
 * Compounds joined by `_ - . : @ +` are kept whole; those with a digit or a joiner other than the
 * hyphen (ids, numbers, dates, e-mail addresses) give their parts as words too, while a hyphenated
 * word of letters ("must-try") stays one word. Folding: compatibility forms, case, and the diacritics of Latin and Greek
 * letters ("Zürich" → "zurich"), ß → ss, final ς → σ, ё → е.
 */

/** The writing systems words are told apart by (each has its own stemmer and stop words). */
export type Script = 'latin' | 'cyrillic' | 'greek' | 'arabic' | 'hebrew' | 'devanagari' | 'armenian' | 'tamil' | 'cjk' | 'thai' | 'other';

/** Scripts written without spaces between words. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
/** A word of a spaced script: letters, marks and digits, joined into compounds by `_ - . : @ +` and apostrophes. */
const WORD = /[\p{L}\p{M}\p{N}]+(?:['’_\-.:@+][\p{L}\p{M}\p{N}]+)*/gu;
const JOINERS = /[_\-.:@+]/;
const PARTS = /[\p{L}\p{M}\p{N}']+/gu;
/** What makes a compound technical: a digit or a joiner other than the hyphen. */
const TECHNICAL = /[\p{N}_.:@+]/u;
/** A possessive ending, dropped: "Caroline's" is a word about Caroline. */
const POSSESSIVE = /['’]s$/u;
const MARK_AFTER_LATIN_OR_GREEK = /([\p{Script=Latin}\p{Script=Greek}])\p{M}+/gu;

let segmenter: Intl.Segmenter | undefined;

/** Folds a word for matching: compatibility forms, lower case, Latin and Greek diacritics, ß, ς, ё. */
export function foldWord(word: string): string {
  let w = word.normalize('NFKC').toLowerCase();
  // Only when a mark is there to strip (most words have none): decompose, strip, recompose.
  if (/[^\u0000-\u007f]/.test(w)) {
    w = w.normalize('NFD').replace(MARK_AFTER_LATIN_OR_GREEK, '$1').normalize('NFC');
    w = w.replace(/ß/g, 'ss').replace(/ς/g, 'σ').replace(/ё/g, 'е').replace(/’/g, "'");
  }
  return w;
}

/** The script of a word, from its first letter. */
export function scriptOf(word: string): Script {
  const letter = /\p{L}/u.exec(word)?.[0];
  if (letter === undefined) return 'other';
  if (/\p{Script=Latin}/u.test(letter)) return 'latin';
  if (/\p{Script=Cyrillic}/u.test(letter)) return 'cyrillic';
  if (/\p{Script=Greek}/u.test(letter)) return 'greek';
  if (/\p{Script=Arabic}/u.test(letter)) return 'arabic';
  if (/\p{Script=Hebrew}/u.test(letter)) return 'hebrew';
  if (/\p{Script=Devanagari}/u.test(letter)) return 'devanagari';
  if (/\p{Script=Armenian}/u.test(letter)) return 'armenian';
  if (/\p{Script=Tamil}/u.test(letter)) return 'tamil';
  if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(letter)) return 'cjk';
  if (/[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u.test(letter)) return 'thai';
  return 'other';
}

/** The words of a text as written (not folded), in order, with compounds followed by their parts. */
export function rawWords(text: string): string[] {
  const out: string[] = [];
  const push = (word: string) => {
    const w = word.replace(POSSESSIVE, '');
    out.push(w);
    // Ids, numbers, dates and addresses are found by their parts too; a hyphenated word of letters
    // ("must-try", "gluten-free") is a word of its own, not its parts.
    if (JOINERS.test(w) && TECHNICAL.test(w)) for (const part of w.match(PARTS) ?? []) out.push(part);
  };
  if (!UNSPACED.test(text)) {
    for (const m of text.matchAll(WORD)) push(m[0]);
    return out;
  }
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' });
  for (const s of segmenter.segment(text)) {
    if (!s.isWordLike) continue;
    // The segmenter splits compounds at some joiners; a segment of a spaced script is re-split by WORD.
    if (UNSPACED.test(s.segment)) out.push(s.segment);
    else for (const m of s.segment.matchAll(WORD)) push(m[0]);
  }
  return out;
}

/** The folded words of a text, in order (duplicates kept). */
export function words(text: string): string[] {
  return rawWords(text).map(foldWord);
}
