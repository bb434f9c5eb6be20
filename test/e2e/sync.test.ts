// Sync between two browser profiles through a CouchDB-protocol server (PouchDB Server in memory,
// started here): the cube written on one appears on the other, whole and searchable, once and then
// live; each profile's replica lives in its own IndexedDB, inside the memory worker.
import { describe, expect, it } from 'vitest';
import { couchForBrowsers } from './couch-for-browsers';
import { launchProfile, newProfileDir, openHarness, storeName, watchErrors } from './browser';

const couchUrl = couchForBrowsers();

describe('sync between two browsers', () => {
  it('sends a cube from one profile to another, then follows new writes live', async () => {
    const database = `memos-e2e-${Date.now()}`;
    const config = { userId: 'ana', cubeId: 'notes', url: couchUrl(), database, passphrase: 'a long enough passphrase' };
    const [first, second] = [await launchProfile(newProfileDir()), await launchProfile(newProfileDir())];
    const a = await openHarness(first, storeName('sync-a'));
    const b = await openHarness(second, storeName('sync-b'));
    const errors = [watchErrors(a), watchErrors(b)];
    const sent = await a.evaluate(async (config) => {
      await window.memos.createUser({ userId: 'ana', name: 'Ana' });
      await window.memos.createCube({ userId: 'ana', cubeId: 'notes', name: 'Notes' });
      await window.memos.add({ userId: 'ana', cubeId: 'notes', memories: [{ text: 'The spare key is under the blue pot.' }, { text: 'Dentist on the 14th at 9.' }] });
      await window.memos.configureSync(config);
      return window.memos.startSync({ userId: 'ana', cubeId: 'notes', live: true });
    }, config);
    expect(sent).toMatchObject({ state: 'live', sent: 2, lastError: null });
    const received = await b.evaluate(async (config) => {
      await window.memos.createUser({ userId: 'ana', name: 'Ana' });
      await window.memos.configureSync(config);
      const status = await window.memos.startSync({ userId: 'ana', cubeId: 'notes', live: true });
      const hits = await window.memos.search({ userId: 'ana', query: 'spare key', cubeIds: ['notes'] });
      return { status, texts: hits.map((h) => h.memory.text) };
    }, config);
    expect(received.status).toMatchObject({ state: 'live', received: 2, refused: 0 });
    expect(received.texts[0]).toBe('The spare key is under the blue pot.');
    await a.evaluate(() => window.memos.add({ userId: 'ana', cubeId: 'notes', memory: { text: 'The plumber comes on Monday.' } }));
    await expect
      .poll(() => b.evaluate(async () => (await window.memos.search({ userId: 'ana', query: 'plumber', cubeIds: ['notes'] })).length), { timeout: 20_000 })
      .toBe(1);
    for (const e of errors) e.expectNone();
    await first.close();
    await second.close();
  });
});
