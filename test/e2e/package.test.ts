// The package as a web developer gets it: `npm pack`, install the tarball into a fresh Vite +
// TypeScript project (test/fixtures/consumer-app, copied to a temporary folder) from the npm cache
// (the registry only for metadata the cache lacks), type-check it with skipLibCheck off (every type the package exposes must resolve, the
// agent-stack plugs' too, with the AI SDK and LangChain installed beside it), build
// it with the package's Vite plugin, serve the output like any static host, and in Chromium add and
// search memories through `memos-web` and render <memos-chat> from `memos-web/elements`. A file missing
// from the tarball, a type that does not resolve, or an install script in the package fails it.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
// IndexedDB in this process, for the device that fills the database the installed command reads.
import 'fake-indexeddb/auto';
import { launchProfile, newProfileDir, watchErrors } from './browser';
import { MemOS } from '../../src/os/memos';
import { startCouchServer } from '../support/couch-server';
import { serveFolder } from '../support/static-server';

const ROOT = resolve(import.meta.dirname, '../..');
const ours = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };
let work = '';
let app = '';

function run(command: string, args: string[], cwd: string): string {
  // Vitest sets NODE_ENV=test, which would make Vite build in development mode.
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' }, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'memos-consumer-'));
  // prepack builds the package (npm run build:lib) and checks its size budgets (npm run sizes).
  run('npm', ['pack', '--pack-destination', work], ROOT);
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack wrote no tarball');
  app = join(work, 'app');
  cpSync(join(ROOT, 'test/fixtures/consumer-app'), app, { recursive: true });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'consumer-app',
      private: true,
      type: 'module',
      dependencies: {
        'memos-web': `file:../${tarball}`,
        lit: ours.devDependencies['lit'],
        // The agent-stack plugs' peers, as an app using them has them.
        ai: ours.devDependencies['ai'],
        '@langchain/core': ours.devDependencies['@langchain/core'],
        '@langchain/langgraph': ours.devDependencies['@langchain/langgraph'],
      },
      devDependencies: { vite: ours.devDependencies['vite'], typescript: ours.devDependencies['typescript'], '@types/node': ours.devDependencies['@types/node'] },
    }),
  );
  // Tarballs come from the npm cache that npm ci filled; only the packages' metadata may need the registry.
  run('npm', ['install', '--prefer-offline', '--include=dev', '--no-audit', '--no-fund'], app);
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the installed package', () => {
  it('has no install scripts and every entry its exports name', () => {
    const installed = JSON.parse(readFileSync(join(app, 'node_modules/memos-web/package.json'), 'utf8')) as { version: string; scripts?: Record<string, string>; exports: Record<string, string | Record<string, string>> };
    expect(installed.version).toBe(ours.version);
    for (const hook of ['preinstall', 'install', 'postinstall']) expect(installed.scripts?.[hook]).toBeUndefined();
    const targets = Object.values(installed.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)));
    expect(targets.filter((t) => !existsSync(join(app, 'node_modules/memos-web', t)))).toEqual([]);
    // Nothing but the peer it shares with the app: the package brings no dependencies of its own.
    expect(readdirSync(join(app, 'node_modules')).filter((d) => !d.startsWith('.'))).not.toContain('onnxruntime-web');
    expect(existsSync(join(app, 'node_modules/@tensorflow'))).toBe(false);
  });

  it('type-checks with skipLibCheck off, builds with the Vite plugin, and works in Chromium', async () => {
    run('npx', ['tsc', '-p', 'tsconfig.json'], app);
    run('npx', ['tsc', '-p', 'tsconfig.node.json'], app);
    // The plugs with the AI SDK and LangChain installed (their own declarations want Node's types and ESNext).
    run('npx', ['tsc', '-p', 'tsconfig.agents.json'], app);
    run('npx', ['vite', 'build', '--logLevel', 'warn'], app);
    expect(existsSync(join(app, 'dist/memos-web/memory.worker.js'))).toBe(true);
    expect(existsSync(join(app, 'dist/memos-web/models/use-lite/model.json'))).toBe(true);
    const site = await serveFolder(join(app, 'dist'));
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    try {
      await page.goto(`${site.url}/`);
      await expect.poll(() => page.locator('#result').textContent(), { timeout: 60_000 }).not.toBe('working…');
      const result = JSON.parse((await page.locator('#result').textContent()) ?? '') as { embedder: string; top: string; metadata: unknown; code: string };
      expect(result).toEqual({ embedder: 'use-lite', top: 'Ana is allergic to peanuts.', metadata: { appId: 'note-7' }, code: 'FORBIDDEN' });
      await page.locator('memos-chat').getByRole('button', { name: 'New chat' }).waitFor({ timeout: 30_000 });
      errors.expectNone();
    } finally {
      await context.close();
      await site.close();
    }
  }, 240_000);

  it('runs `npx memos-web mcp` from the install alone: an agent searches by meaning what another device synced', async () => {
    const couch = await startCouchServer();
    // The other device: a MemOS in this process (fake-indexeddb standing in for a browser's IndexedDB).
    const device = await MemOS.open({ name: `package-mcp-${Date.now()}`, syncAdapter: 'memory', scheduler: false });
    const database = `memos-package-${Date.now()}`;
    const passphrase = 'the agent reads this from its environment';
    const client = new Client({ name: 'package-test', version: '1.0.0' });
    try {
      await device.createUser({ userId: 'ana', name: 'Ana' });
      await device.createCube({ userId: 'ana', cubeId: 'home', name: 'Home' });
      await device.add({ userId: 'ana', cubeId: 'home', memories: [{ text: 'Dinner with the Okafors is at eight on Saturday.' }, { text: 'The bike lock code is 3141.' }, { text: 'The boiler was serviced in March.' }] });
      await device.configureSync({ userId: 'ana', cubeId: 'home', url: couch.url, database, passphrase });
      await device.startSync({ userId: 'ana', cubeId: 'home' });
      await client.connect(
        new StdioClientTransport({ command: 'npx', args: ['--no-install', 'memos-web', 'mcp', '--url', couch.url, '--database', database], cwd: app, env: { ...process.env, MEMOS_SYNC_PASSPHRASE: passphrase } as Record<string, string>, stderr: 'pipe' }),
      );
      // By meaning (no word in common): the command runs the browser's embedder from the package's own files.
      const found = (await client.callTool({ name: 'search_memories', arguments: { query: 'bicycle padlock combination' } })) as { structuredContent?: { memories: { text: string }[] }; isError?: boolean };
      expect(found.isError).toBeFalsy();
      expect(found.structuredContent!.memories[0]!.text).toBe('The bike lock code is 3141.');
    } finally {
      await client.close();
      device.close();
      await device.whenClosed();
      await couch.stop();
    }
  }, 120_000);
});
