/**
 * The languages the full-text index stems and filters stop words for: Snowball stemmers from
 * @orama/stemmers and stop-word lists from @orama/stopwords (decision 0025). Which language a word is
 * read in comes from its script (see core/words' scriptOf): by default Latin words are English,
 * Cyrillic Russian, Greek Greek, Arabic Arabic, Devanagari Hindi, Armenian Armenian, Tamil Tamil; Chinese,
 * Japanese, Korean and Thai are not stemmed. A store can read a script in another language
 * (`textIndex.languages`, e.g. Latin as German).
 */
import { stemmer as arabic } from '@orama/stemmers/arabic';
import { stemmer as armenian } from '@orama/stemmers/armenian';
import { stemmer as bulgarian } from '@orama/stemmers/bulgarian';
import { stemmer as danish } from '@orama/stemmers/danish';
import { stemmer as dutch } from '@orama/stemmers/dutch';
import { stemmer as english } from '@orama/stemmers/english';
import { stemmer as finnish } from '@orama/stemmers/finnish';
import { stemmer as french } from '@orama/stemmers/french';
import { stemmer as german } from '@orama/stemmers/german';
import { stemmer as greek } from '@orama/stemmers/greek';
import { stemmer as hindi } from '@orama/stemmers/indian';
import { stemmer as hungarian } from '@orama/stemmers/hungarian';
import { stemmer as indonesian } from '@orama/stemmers/indonesian';
import { stemmer as italian } from '@orama/stemmers/italian';
import { stemmer as norwegian } from '@orama/stemmers/norwegian';
import { stemmer as portuguese } from '@orama/stemmers/portuguese';
import { stemmer as romanian } from '@orama/stemmers/romanian';
import { stemmer as russian } from '@orama/stemmers/russian';
import { stemmer as spanish } from '@orama/stemmers/spanish';
import { stemmer as swedish } from '@orama/stemmers/swedish';
import { stemmer as tamil } from '@orama/stemmers/tamil';
import { stemmer as turkish } from '@orama/stemmers/turkish';
import { stemmer as ukrainian } from '@orama/stemmers/ukrainian';
import { stopwords as arabicStops } from '@orama/stopwords/arabic';
import { stopwords as bulgarianStops } from '@orama/stopwords/bulgarian';
import { stopwords as danishStops } from '@orama/stopwords/danish';
import { stopwords as dutchStops } from '@orama/stopwords/dutch';
import { stopwords as finnishStops } from '@orama/stopwords/finnish';
import { stopwords as frenchStops } from '@orama/stopwords/french';
import { stopwords as germanStops } from '@orama/stopwords/german';
import { stopwords as greekStops } from '@orama/stopwords/greek';
import { stopwords as hindiStops } from '@orama/stopwords/indian';
import { stopwords as hungarianStops } from '@orama/stopwords/hungarian';
import { stopwords as indonesianStops } from '@orama/stopwords/indonesian';
import { stopwords as italianStops } from '@orama/stopwords/italian';
import { stopwords as norwegianStops } from '@orama/stopwords/norwegian';
import { stopwords as portugueseStops } from '@orama/stopwords/portuguese';
import { stopwords as romanianStops } from '@orama/stopwords/romanian';
import { stopwords as russianStops } from '@orama/stopwords/russian';
import { stopwords as spanishStops } from '@orama/stopwords/spanish';
import { stopwords as swedishStops } from '@orama/stopwords/swedish';
import { stopwords as tamilStops } from '@orama/stopwords/tamil';
import { stopwords as turkishStops } from '@orama/stopwords/turkish';
import { stopwords as ukrainianStops } from '@orama/stopwords/ukrainian';
import { TEXT_LANGUAGES, type TextLanguage } from '../core/cube';
import type { Script } from '../core/words';
import { ENGLISH_STOP_WORDS } from './stop-words';

/** A language the index can stem: its stemmer and its stop words (as written; folded on use). */
export interface Language {
  readonly stem: (word: string) => string;
  readonly stopWords: readonly string[];
}

/** The languages, by name. */
export const LANGUAGES: Readonly<Record<TextLanguage, Language>> = {
  arabic: { stem: arabic, stopWords: arabicStops },
  armenian: { stem: armenian, stopWords: [] },
  bulgarian: { stem: bulgarian, stopWords: bulgarianStops },
  danish: { stem: danish, stopWords: danishStops },
  dutch: { stem: dutch, stopWords: dutchStops },
  english: { stem: english, stopWords: ENGLISH_STOP_WORDS },
  finnish: { stem: finnish, stopWords: finnishStops },
  french: { stem: french, stopWords: frenchStops },
  german: { stem: german, stopWords: germanStops },
  greek: { stem: greek, stopWords: greekStops },
  hindi: { stem: hindi, stopWords: hindiStops },
  hungarian: { stem: hungarian, stopWords: hungarianStops },
  indonesian: { stem: indonesian, stopWords: indonesianStops },
  italian: { stem: italian, stopWords: italianStops },
  norwegian: { stem: norwegian, stopWords: norwegianStops },
  portuguese: { stem: portuguese, stopWords: portugueseStops },
  romanian: { stem: romanian, stopWords: romanianStops },
  russian: { stem: russian, stopWords: russianStops },
  spanish: { stem: spanish, stopWords: spanishStops },
  swedish: { stem: swedish, stopWords: swedishStops },
  tamil: { stem: tamil, stopWords: tamilStops },
  turkish: { stem: turkish, stopWords: turkishStops },
  ukrainian: { stem: ukrainian, stopWords: ukrainianStops },
};

/** A language name the index knows. */
export type LanguageName = TextLanguage;

/** The script each language is written in: a cube set to the language reads that script in it. */
export const LANGUAGE_SCRIPTS: Readonly<Record<LanguageName, Script>> = {
  arabic: 'arabic',
  armenian: 'armenian',
  bulgarian: 'cyrillic',
  danish: 'latin',
  dutch: 'latin',
  english: 'latin',
  finnish: 'latin',
  french: 'latin',
  german: 'latin',
  greek: 'greek',
  hindi: 'devanagari',
  hungarian: 'latin',
  indonesian: 'latin',
  italian: 'latin',
  norwegian: 'latin',
  portuguese: 'latin',
  romanian: 'latin',
  russian: 'cyrillic',
  spanish: 'latin',
  swedish: 'latin',
  tamil: 'tamil',
  turkish: 'latin',
  ukrainian: 'cyrillic',
};

/** The language names the index knows, sorted. */
export const LANGUAGE_NAMES: readonly LanguageName[] = TEXT_LANGUAGES;

/** Tells whether a string names a language the index knows. */
export function isLanguageName(value: unknown): value is LanguageName {
  return typeof value === 'string' && Object.hasOwn(LANGUAGES, value);
}

/** Which language each script's words are read in, by default. */
export const DEFAULT_LANGUAGES: Readonly<Partial<Record<Script, LanguageName>>> = {
  latin: 'english',
  cyrillic: 'russian',
  greek: 'greek',
  arabic: 'arabic',
  devanagari: 'hindi',
  armenian: 'armenian',
  tamil: 'tamil',
};
