// Words of every script in the real memory worker (Chromium's Intl.Segmenter and Unicode tables, real
// IndexedDB): memories in ten languages are found by a word of theirs, typed with or without
// diacritics, a cube read in German finds "Häuser" by "Haus", and all of it survives a reload.
import { describe, expect, it } from 'vitest';
import { harnessUrl, launchProfile, newProfileDir, storeName, watchErrors } from './browser';

const MEMORIES: Record<string, string> = {
  de: 'Jürgen wohnt in Zürich',
  ru: 'Алёна хранит паспорт в шкафу',
  el: 'Η Αθηνά μένει στη Θεσσαλονίκη',
  ar: 'يحتفظ أحمد بجواز السفر في المكتب',
  hi: 'अमित अपना छाता अटारी में रखते हैं',
  zh: '王伟把护照放在抽屉里',
  ja: '佐藤さんは傘を屋根裏にしまっています',
  ko: '이서연은 여권을 서랍에 보관한다',
  th: 'สมชายเก็บร่มไว้ในห้องใต้หลังคา',
  fr: 'Hélène aime le café',
};
const QUERIES: [string, string][] = [
  ['zurich', 'de'],
  ['алена паспорт', 'ru'],
  ['Αθηνα', 'el'],
  ['أحمد', 'ar'],
  ['छाता', 'hi'],
  ['护照', 'zh'],
  ['佐藤', 'ja'],
  ['여권', 'ko'],
  ['ร่ม', 'th'],
  ['helene cafe', 'fr'],
];

describe('memories in every script, in the browser', () => {
  it('are found by a word of theirs, in a cube of their own language too, after a reload', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    const url = harnessUrl(storeName('languages'));
    await page.goto(url);
    const ask = () =>
      page.evaluate(async (queries) => {
        await window.memosReady;
        const found: Record<string, string | undefined> = {};
        for (const [query] of queries) found[query] = (await window.memos.search({ userId: 'ana', query, cubeIds: ['c1'], topK: 1, trackUsage: false }))[0]?.memory.text;
        const german = await window.memos.search({ userId: 'ana', query: 'Haus', cubeIds: ['de'], trackUsage: false });
        return { found, german: german.map((h) => h.memory.text) };
      }, QUERIES);
    await page.evaluate(async (memories) => {
      await window.memosReady;
      await window.memos.createUser({ userId: 'ana', name: 'Ana' });
      await window.memos.createCube({ userId: 'ana', cubeId: 'c1', name: 'everything' });
      await window.memos.createCube({ userId: 'ana', cubeId: 'de', name: 'Deutsch', policy: { redaction: 'redact', language: 'german' } });
      await window.memos.add({ userId: 'ana', cubeId: 'c1', memories: Object.values(memories).map((text) => ({ text })) });
      await window.memos.add({ userId: 'ana', cubeId: 'de', memory: { text: 'Die Häuser am See sind alt' } });
    }, MEMORIES);
    const expected = { found: Object.fromEntries(QUERIES.map(([q, lang]) => [q, MEMORIES[lang]])), german: ['Die Häuser am See sind alt'] };
    expect(await ask()).toEqual(expected);
    await page.reload();
    expect(await ask()).toEqual(expected);
    errors.expectNone();
    await context.close();
  });
});
