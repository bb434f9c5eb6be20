// Words of every script in the real memory worker (Chromium's Intl.Segmenter and Unicode tables, real
// IndexedDB): memories in ten languages are found by a word of theirs, typed with or without
// diacritics, a cube read in German finds "Häuser" by "Haus", and all of it survives a reload.
import { describe, expect, it } from 'vitest';
import { SCRIPT_QUERIES, SCRIPT_SAMPLES } from '../support/script-samples';
import { harnessUrl, launchProfile, newProfileDir, storeName, watchErrors } from './browser';

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
      }, SCRIPT_QUERIES);
    await page.evaluate(async (memories) => {
      await window.memosReady;
      await window.memos.createUser({ userId: 'ana', name: 'Ana' });
      await window.memos.createCube({ userId: 'ana', cubeId: 'c1', name: 'everything' });
      await window.memos.createCube({ userId: 'ana', cubeId: 'de', name: 'Deutsch', policy: { redaction: 'redact', language: 'german' } });
      await window.memos.add({ userId: 'ana', cubeId: 'c1', memories: Object.values(memories).map((text) => ({ text })) });
      await window.memos.add({ userId: 'ana', cubeId: 'de', memory: { text: 'Die Häuser am See sind alt' } });
    }, SCRIPT_SAMPLES);
    const expected = { found: Object.fromEntries(SCRIPT_QUERIES.map(([q, lang]) => [q, SCRIPT_SAMPLES[lang]])), german: ['Die Häuser am See sind alt'] };
    expect(await ask()).toEqual(expected);
    await page.reload();
    expect(await ask()).toEqual(expected);
    errors.expectNone();
    await context.close();
  });
});
