// Launching Debian's Chromium for the browser tests: a persistent profile (to test what survives a
// relaunch), or a raw process we can kill with SIGKILL (to test a crash), never a downloaded browser.
import { spawn, type ChildProcess } from 'node:child_process';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { CHROMIUM_FLAGS, chromiumPath } from '../support/chromium';

export { launchProfile, newProfileDir } from '../support/chromium';

/** A unique store name, so tests sharing a profile never see each other's data. */
export function storeName(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The harness page address for a store. */
export function harnessUrl(store: string): string {
  return `${inject('baseUrl')}/test/e2e/harness.html?store=${encodeURIComponent(store)}`;
}

/** Page errors collected for a test; `expectNone` fails the test if any happened. */
export function watchErrors(page: Page): { errors: string[]; expectNone: () => void } {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  return { errors, expectNone: () => expect(errors).toEqual([]) };
}

/** Opens the harness on a store and waits for the client to be ready. */
export async function openHarness(context: BrowserContext, store: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(harnessUrl(store));
  await page.evaluate(() => window.memosReady);
  return page;
}

/** A Chromium process started by hand, so a test can kill it like a crash would. */
export interface KillableBrowser {
  readonly browser: Browser;
  readonly process: ChildProcess;
  kill(): Promise<void>;
}

/** Starts Chromium with remote debugging on a profile and connects to it. */
export async function spawnKillable(profileDir: string): Promise<KillableBrowser> {
  const child = spawn(chromiumPath(), ['--headless', ...CHROMIUM_FLAGS, `--user-data-dir=${profileDir}`, '--remote-debugging-port=0', 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const wsUrl = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start: ${buffered}`)), 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(buffered);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`Chromium exited with ${code}: ${buffered}`)));
  });
  const browser = await chromium.connectOverCDP(wsUrl);
  return {
    browser,
    process: child,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
