// Runs a benchmark page in headless Chromium against a Vite dev server started here (COOP/COEP on,
// so wasm threads work), relaying the page's console to ours.
import { createServer } from 'vite';
import type { Page } from 'playwright-core';
import { launchProfile, newProfileDir } from '../../test/support/chromium';

/** Opens `path` (e.g. "/bench/scale.html") and hands the page to `fn`. */
export async function withBenchPage<T>(path: string, fn: (page: Page) => Promise<T>, chromiumArgs: readonly string[] = []): Promise<T> {
  const server = await createServer({ configFile: 'vite.config.ts', logLevel: 'error', server: { port: 0, host: '127.0.0.1', hmr: false, watch: null } });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const context = await launchProfile(newProfileDir(), chromiumArgs);
  try {
    const page = await context.newPage();
    page.on('console', (m) => console.log(`  ${m.text()}`));
    await page.goto(`http://127.0.0.1:${address.port}${path}`);
    return await fn(page);
  } finally {
    await context.close();
    await server.close();
  }
}
