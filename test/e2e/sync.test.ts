// Sync between two browser profiles through a CouchDB-protocol server (PouchDB Server in memory,
// started here): the cube written on one appears on the other, whole and searchable, once and then
// live; each profile's replica lives in its own IndexedDB, inside the memory worker. And an agent
// outside the browser: the MCP command (its own Node process, driven by the MCP client over stdio)
// answers with what the browser wrote, and what it remembers appears in the browser.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
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

  it('lets an agent over MCP search what the browser wrote, and shows the browser what the agent remembered', async () => {
    const database = `memos-e2e-mcp-${Date.now()}`;
    const passphrase = 'the agent and the browser share this one';
    const profile = await launchProfile(newProfileDir());
    const page = await openHarness(profile, storeName('sync-mcp'));
    const errors = watchErrors(page);
    await page.evaluate(async (config) => {
      await window.memos.createUser({ userId: 'ana', name: 'Ana' });
      await window.memos.createCube({ userId: 'ana', cubeId: 'desk', name: 'Desk' });
      await window.memos.add({ userId: 'ana', cubeId: 'desk', memory: { text: 'The project deadline moved to 20 March.' } });
      await window.memos.configureSync(config);
      await window.memos.startSync({ userId: 'ana', cubeId: 'desk', live: true });
    }, { userId: 'ana', cubeId: 'desk', url: couchUrl(), database, passphrase });
    const client = new Client({ name: 'e2e-agent', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: ['--import', 'tsx', 'src/mcp-cli.ts', 'mcp', '--url', couchUrl(), '--database', database, '--user', 'agent'], env: { ...process.env, MEMOS_SYNC_PASSPHRASE: passphrase } as Record<string, string>, stderr: 'pipe' }),
    );
    try {
      const found = (await client.callTool({ name: 'search_memories', arguments: { query: 'project deadline' } })) as { content: { text: string }[] };
      expect(found.content[0]!.text).toContain('20 March');
      await client.callTool({ name: 'remember', arguments: { text: 'The client prefers calls after 3 pm.' } });
      // The browser follows live: the agent's memory arrives without another call.
      await expect
        .poll(() => page.evaluate(async () => (await window.memos.search({ userId: 'ana', query: 'client calls', cubeIds: ['desk'] })).map((h) => h.memory.text)), { timeout: 30_000, interval: 500 })
        .toContain('The client prefers calls after 3 pm.');
      errors.expectNone();
    } finally {
      await client.close();
      await profile.close();
    }
  });

  it('keeps both sides of an edit made offline in two profiles, the same on both, and carries a purge; passes report their progress', async () => {
    const database = `memos-e2e-conflict-${Date.now()}`;
    const config = { userId: 'ana', cubeId: 'home', url: couchUrl(), database, passphrase: 'two browsers, one passphrase' };
    const [first, second] = [await launchProfile(newProfileDir()), await launchProfile(newProfileDir())];
    const a = await openHarness(first, storeName('conflict-a'));
    const b = await openHarness(second, storeName('conflict-b'));
    const errors = [watchErrors(a), watchErrors(b)];
    const ids = await a.evaluate(async (config) => {
      await window.memos.createUser({ userId: 'ana', name: 'Ana' });
      await window.memos.createCube({ userId: 'ana', cubeId: 'home', name: 'Home' });
      const [rent, bins] = await window.memos.add({ userId: 'ana', cubeId: 'home', memories: [{ text: 'Rent is 870 euros.' }, { text: 'Bins go out on Tuesday.' }] });
      await window.memos.configureSync(config);
      const phases: string[] = [];
      await window.memos.startSync({ userId: 'ana', cubeId: 'home' }, { onProgress: (p) => phases.push(p.phase) });
      return { rent: rent!.id, bins: bins!.id, phases };
    }, config);
    expect(ids.phases).toContain('sending');
    const receivedPhases = await b.evaluate(async (config) => {
      await window.memos.createUser({ userId: 'ana', name: 'Ana' });
      await window.memos.configureSync(config);
      const phases: string[] = [];
      await window.memos.startSync({ userId: 'ana', cubeId: 'home' }, { onProgress: (p) => phases.push(p.phase) });
      return phases;
    }, config);
    expect(receivedPhases).toContain('receiving');

    // Both profiles offline (the browser's network cut): each edits the rent; A purges the bins.
    await first.setOffline(true);
    await second.setOffline(true);
    await a.evaluate((id) => window.memos.update({ userId: 'ana', memoryId: id, patch: { text: 'Rent is 900 euros.' } }), ids.rent);
    await new Promise((r) => setTimeout(r, 20));
    await b.evaluate((id) => window.memos.update({ userId: 'ana', memoryId: id, patch: { text: 'Rent is 910 euros.' } }), ids.rent);
    await a.evaluate((id) => window.memos.purge({ userId: 'ana', memoryId: id }), ids.bins);
    const offline = await a.evaluate(() => window.memos.startSync({ userId: 'ana', cubeId: 'home' }).then(() => 'synced', (e: { code?: string }) => e.code));
    expect(offline).toBe('SYNC_UNREACHABLE');
    // Back online: passes both ways, in either order, settle on one result.
    await first.setOffline(false);
    await second.setOffline(false);
    for (const page of [a, b, a, b]) await page.evaluate(() => window.memos.startSync({ userId: 'ana', cubeId: 'home' }));
    const view = (page: typeof a) =>
      page.evaluate(async (ids) => ({
        text: (await window.memos.get({ userId: 'ana', memoryId: ids.rent })).text,
        history: (await window.memos.history({ userId: 'ana', memoryId: ids.rent })).map((v) => [v.snapshot.text, v.reason]),
        bins: await window.memos.get({ userId: 'ana', memoryId: ids.bins }).then(() => 'kept', (e: { code?: string }) => e.code),
      }), ids);
    const [onA, onB] = [await view(a), await view(b)];
    expect(onA).toEqual(onB);
    expect(onA).toEqual({ text: 'Rent is 910 euros.', history: [['Rent is 870 euros.', null], ['Rent is 900 euros.', 'sync conflict'], ['Rent is 910 euros.', null]], bins: 'MEMORY_NOT_FOUND' });
    for (const e of errors) e.expectNone();
    await first.close();
    await second.close();
  });
});
