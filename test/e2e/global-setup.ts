// Starts the Vite dev server once for all browser tests and hands its address to them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createServer, type ViteDevServer } from 'vite';
import { launchProfile, newProfileDir } from '../support/chromium';

let server: ViteDevServer | undefined;
/** Where this run's browser profiles go (each is hundreds of MB with its IndexedDB): removed at the end. */
let profiles: string | undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

export async function setup(project: TestProject): Promise<void> {
  profiles = mkdtempSync(join(tmpdir(), 'memos-run-'));
  process.env['MEMOS_PROFILE_ROOT'] = profiles;
  server = await createServer({ configFile: 'vite.config.ts', logLevel: 'warn', server: { port: 0, host: '127.0.0.1', hmr: false, watch: null } });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('The dev server has no port');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  project.provide('baseUrl', baseUrl);
  await warmUp(baseUrl);
}

/**
 * Opens the app once before the tests, so the dev server has pre-bundled the dependencies and
 * transformed the page and both workers. On a fresh clone that first load takes tens of seconds on two
 * cores, and would otherwise fall on whichever test happens to run first.
 */
async function warmUp(baseUrl: string): Promise<void> {
  const context = await launchProfile(newProfileDir());
  try {
    const page = await context.newPage();
    await page.goto(`${baseUrl}/?store=warm-up`);
    await page.getByText('Memory mode').waitFor({ timeout: 240_000 });
  } finally {
    await context.close();
  }
}

export async function teardown(): Promise<void> {
  await server?.close();
  if (profiles) rmSync(profiles, { recursive: true, force: true });
}
