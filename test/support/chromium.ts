// Debian's Chromium for browser tests and benchmarks: its path, the flags that work on these machines
// (../shared/DESIGN.md), and a persistent profile launcher. Never a downloaded browser.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Flags that work headless on these machines. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium binary: CHROME_PATH, else Debian's /usr/bin/chromium. */
export function chromiumPath(): string {
  const path = process.env['CHROME_PATH'] ?? '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`No Chromium at ${path}. Install it (apt-get install -y chromium) or set CHROME_PATH.`);
  return path;
}

/** A new, empty profile folder. */
export function newProfileDir(): string {
  // The browser tests' global setup names a folder for the run's profiles and removes it afterwards.
  return mkdtempSync(join(process.env['MEMOS_PROFILE_ROOT'] ?? tmpdir(), 'memos-profile-'));
}

/** Launches Chromium on a profile folder (IndexedDB persists between launches on the same folder). */
export async function launchProfile(profileDir: string, extraArgs: readonly string[] = []): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, { executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_FLAGS, ...extraArgs] });
}
