/**
 * The MCP server outside the browser (src/mcp-cli.ts), run as its own Node process
 * on stdio and driven by the official MCP client, over a replica it pulls from a real CouchDB-protocol
 * server (PouchDB Server in memory, started here). The other device is a MemOS store in this process on
 * fake-indexeddb, standing in for the browser (test/e2e/app-sync.test.ts covers a real browser with the
 * same server).
 */
import { execFile } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { describe, expect, it } from 'vitest';
import type { MemOS } from '../../src/os/memos';
import { couchServerForFile } from '../support/couch-for-tests';
import { openTestOs } from './helpers';

const server = couchServerForFile();

const PASSPHRASE = 'a passphrase the agent gets from its environment';
// MEMOS_MCP_CLI: a built command to drive instead of the source (e.g. dist-lib/cli/memos-web.js).
const CLI = process.env['MEMOS_MCP_CLI'] ? [process.env['MEMOS_MCP_CLI'], 'mcp'] : ['--import', 'tsx', 'src/mcp-cli.ts', 'mcp'];

type ToolAnswer = { content: { type: string; text: string }[]; structuredContent?: Record<string, unknown>; isError?: boolean };

async function browserDevice(database: string): Promise<MemOS> {
  const { os } = await openTestOs({ syncAdapter: 'memory', scheduler: false, clock: () => Date.now() });
  await os.createUser({ userId: 'ana', name: 'Ana' });
  await os.createCube({ userId: 'ana', cubeId: 'home', name: 'Home' });
  await os.add({ userId: 'ana', cubeId: 'home', memories: [{ text: 'The spare key is under the blue flowerpot.' }, { text: 'The plumber is called Ines.' }] });
  await os.configureSync({ userId: 'ana', cubeId: 'home', url: server.url, database, passphrase: PASSPHRASE });
  await os.startSync({ userId: 'ana', cubeId: 'home' });
  return os;
}

describe('the MCP server over a synced replica', () => {
  it('answers a search with what the other device wrote, and what the agent adds or changes reaches that device', async () => {
    const database = `memos-mcp-${Date.now()}`;
    const browser = await browserDevice(database);
    const client = new Client({ name: 'test-agent', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [...CLI, '--url', server.url, '--database', database, '--user', 'coder'], env: { ...process.env, MEMOS_SYNC_PASSPHRASE: PASSPHRASE } as Record<string, string>, stderr: 'pipe' }));
    try {
      const tools = await client.listTools();
      expect(tools.tools.map((t) => t.name).sort()).toEqual(['forget', 'get_memory', 'list_cubes', 'remember', 'search_memories', 'update_memory']);
      const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as ToolAnswer;

      const found = await call('search_memories', { query: 'where is the spare key' });
      expect(found.isError).toBeFalsy();
      expect(found.content[0]!.text).toContain('blue flowerpot');
      // By meaning too (the replica runs the browser's embedder): no word of the question is in the memory.
      const byMeaning = (await call('search_memories', { query: 'who fixes leaking pipes?' })).structuredContent!['memories'] as { text: string }[];
      expect(byMeaning[0]!.text).toBe('The plumber is called Ines.');
      expect((await call('list_cubes', {})).structuredContent).toEqual({ cubes: [{ id: 'home', name: 'Home', access: 'owner' }] });

      const added = await call('remember', { text: 'The boiler was serviced in March.', tags: ['house'] });
      const addedId = added.structuredContent!['id'] as string;
      const [plumber] = (await call('search_memories', { query: 'plumber' })).structuredContent!['memories'] as { id: string }[];
      expect((await call('update_memory', { memoryId: plumber!.id, text: 'The plumber is called Ines; her number is in the fridge note.' })).isError).toBeFalsy();
      expect((await call('get_memory', { memoryId: plumber!.id })).structuredContent).toMatchObject({ version: 2 });
      // A bad call is an answer the agent can read, not a crash of the server.
      const missing = await call('get_memory', { memoryId: 'no-such-memory' });
      expect(missing.isError).toBe(true);
      expect(missing.content[0]!.text).toMatch(/^MEMORY_NOT_FOUND/);

      // The browser catches up through the server: the agent's new memory and its edit.
      await expect
        .poll(async () => {
          await browser.startSync({ userId: 'ana', cubeId: 'home' });
          return (await browser.getAll({ userId: 'ana', cubeId: 'home' })).items.map((m) => m.text).sort();
        }, { timeout: 20_000, interval: 500 })
        .toEqual(['The boiler was serviced in March.', 'The plumber is called Ines; her number is in the fridge note.', 'The spare key is under the blue flowerpot.']);
      expect((await browser.get({ userId: 'ana', memoryId: addedId })).ownerId).toBe('coder'); // who wrote it, as the agent named itself
      expect((await browser.history({ userId: 'ana', memoryId: plumber!.id })).map((v) => v.snapshot.text)).toEqual(['The plumber is called Ines.', 'The plumber is called Ines; her number is in the fridge note.']);
    } finally {
      await client.close();
      browser.close();
      await browser.whenClosed();
    }
  }, 90_000);

  it('refuses to start with a wrong passphrase or without one, saying why on stderr', async () => {
    const database = `memos-mcp-${Date.now()}-wrong`;
    const browser = await browserDevice(database);
    const run = (env: Record<string, string | undefined>) =>
      new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
        const child = execFile(process.execPath, [...CLI, '--url', server.url, '--database', database], { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => resolve({ code: child.exitCode ?? (error as { code?: number } | null)?.code ?? null, stderr, stdout }));
        child.stdin?.end();
      });
    const wrong = await run({ MEMOS_SYNC_PASSPHRASE: 'not the passphrase at all' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('SYNC_KEY_INVALID');
    expect(wrong.stdout).toBe('');
    const none = await run({ MEMOS_SYNC_PASSPHRASE: '' });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('MEMOS_SYNC_PASSPHRASE');
    browser.close();
    await browser.whenClosed();
  }, 90_000);
});
