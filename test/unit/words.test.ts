// The one word rule (core/words) and the index's terms (search/index-terms) in every script: words of
// scripts without spaces are segmented, compounds are kept whole with their parts, and folding makes
// "Zurich" find "Zürich" and "Zürich" find itself.
import { describe, expect, it } from 'vitest';
import { foldWord, scriptOf, words } from '../../src/core/words';
import { createTokenize } from '../../src/search/index-terms';
import { SCRIPT_QUERIES, SCRIPT_SAMPLES } from '../support/script-samples';
import { WordsIndex } from '../support/words-index';

describe('words of any script', () => {
  it('keeps letters outside ASCII inside their word', () => {
    expect(words('Zürich, São Paulo, Kraków and Reykjavík')).toEqual(['zurich', 'sao', 'paulo', 'krakow', 'and', 'reykjavik']);
  });

  it('splits Russian, Greek, Arabic, Hindi and Korean at spaces and punctuation', () => {
    expect(words('Привет, мир!')).toEqual(['привет', 'мир']);
    expect(words('Καλημέρα κόσμε.')).toEqual(['καλημερα', 'κοσμε']);
    expect(words('مرحبا بالعالم')).toEqual(['مرحبا', 'بالعالم']);
    // Devanagari vowel signs are marks that belong to the word: they are not stripped.
    expect(words('नमस्ते दुनिया')).toEqual(['नमस्ते', 'दुनिया']);
    expect(words('서울에 살아요')).toEqual(['서울에', '살아요']);
  });

  it('segments Chinese, Japanese and Thai, written without spaces, into dictionary words', () => {
    expect(words('我喜欢北京的烤鸭')).toEqual(['我', '喜欢', '北京', '的', '烤鸭']);
    expect(words('ผมชอบกินข้าวผัด')).toEqual(['ผม', 'ชอบ', 'กิน', 'ข้าว', 'ผัด']);
    expect(words('東京タワーに行った')[0]).toBe('東京タワー');
  });

  it('keeps ids, numbers, dates and addresses whole, followed by their parts', () => {
    expect(words('mem_abc-123')).toEqual(['mem_abc-123', 'mem', 'abc', '123']);
    expect(words('pi is 3.14')).toEqual(['pi', 'is', '3.14', '3', '14']);
    expect(words('ana@example.org on 2023-05-08')).toEqual(['ana@example.org', 'ana', 'example', 'org', 'on', '2023-05-08', '2023', '05', '08']);
    // A hyphenated word of letters is one word, not its parts.
    expect(words('a must-try, gluten-free dish')).toEqual(['a', 'must-try', 'gluten-free', 'dish']);
  });

  it('folds case, compatibility forms and Latin and Greek diacritics, ß, final sigma and ё', () => {
    expect(['Zürich', 'ZURICH', 'zurich'].map(foldWord)).toEqual(['zurich', 'zurich', 'zurich']);
    expect(foldWord('Straße')).toBe('strasse');
    expect(foldWord('ﬁne')).toBe('fine');
    expect(foldWord('Ｔｏｋｙｏ')).toBe('tokyo');
    expect(foldWord('ΆΣΟΣ')).toBe(foldWord('άσος'));
    expect(foldWord('Ёлка')).toBe('елка');
    expect(foldWord("Caroline’s")).toBe("caroline's");
  });

  it('drops a possessive ending, and tells the script of a word', () => {
    expect(words("Caroline's dog")).toEqual(['caroline', 'dog']);
    expect(['Zürich', 'мир', 'κόσμε', 'مرحبا', 'नमस्ते', '北京', 'ข้าว', '123'].map(scriptOf)).toEqual(['latin', 'cyrillic', 'greek', 'arabic', 'devanagari', 'cjk', 'thai', 'other']);
  });
});

describe('the terms of the full-text index', () => {
  const tokenize = createTokenize();

  it('stems each word in the language of its script and leaves that language’s stop words out', () => {
    expect(tokenize('The books were running')).toEqual(['book', 'run']);
    expect(tokenize('книги и книгу')).toEqual(['книг', 'книг']);
    expect(tokenize('الكتاب')).toEqual(['كتاب']);
  });

  it('reads a script in the language a store chooses', () => {
    const german = createTokenize({ languages: { latin: 'german' } });
    expect(german('die Häuser')).toEqual(['haus']);
    expect(() => createTokenize({ languages: { latin: 'klingon' as never } })).toThrow(/klingon/);
  });

  it('adds the character pairs of longer Chinese, Japanese and Korean words, so any cut of the query matches', () => {
    expect(tokenize('서울에')).toEqual(['서울에', '서울', '울에']);
    const index = new WordsIndex();
    index.upsert('a', '我喜欢北京的烤鸭');
    index.upsert('b', '김민준은 서울에 살아요');
    index.upsert('c', '東京タワーに行った');
    expect(index.search('北京烤鸭', 5).map((h) => h.id)).toEqual(['a']);
    expect(index.search('서울', 5).map((h) => h.id)).toEqual(['b']);
    expect(index.search('東京', 5).map((h) => h.id)).toEqual(['c']);
  });

  it('finds a memory in every script by a word of it, typed with or without diacritics', () => {
    const index = new WordsIndex();
    for (const [id, text] of Object.entries(SCRIPT_SAMPLES)) index.upsert(id, text);
    for (const [query, id] of SCRIPT_QUERIES) expect(index.search(query, 1).map((h) => h.id), query).toEqual([id]);
  });
});
