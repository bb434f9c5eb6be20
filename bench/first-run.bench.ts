/**
 * `npm run bench:first-run`: how soon the production app is usable, in a fresh Chromium profile (a
 * first visit: nothing cached, the service worker not yet installed) and after a reload (a second
 * visit). Builds the app (`vite build`; `-- --no-build` reuses dist/) and serves it with `vite preview`.
 * Times from the start of navigation, read in the page every 10 ms:
 *   - shell: the title and the tabs are on screen;
 *   - store open: the store is open and the app shows its memories view (a person can add and search by words);
 *   - meaning: the embedder has loaded (search matches meaning too).
 * Prints figures and writes bench/results/first-run.json; asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { preview } from 'vite';
import { launchProfile, newProfileDir } from '../test/support/chromium';
import { ms, options, writeResults } from './lib/bench-utils';

const args = options();
if (!args.has('no-build')) {
  const built = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (built.status !== 0) throw new Error('vite build failed');
}
const server = await preview({ configFile: 'vite.config.ts', logLevel: 'warn', preview: { port: 0, host: '127.0.0.1', strictPort: false } });
const base = server.resolvedUrls?.local[0]?.replace(/\/$/, '');
if (!base) throw new Error('preview has no address');

interface Times {
  shell: number | null;
  storeOpen: number | null;
}

/** Polls the page for the three moments; times are ms since navigation started. */
const watch = `(async () => {
  const found = { shell: null, storeOpen: null };
  const app = () => document.querySelector('memos-app')?.shadowRoot;
  const deep = (root, selector) => {
    if (!root) return null;
    const hit = root.querySelector(selector);
    if (hit) return hit;
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) { const inner = deep(el.shadowRoot, selector); if (inner) return inner; }
    return null;
  };
  while (performance.now() < 120000 && found.storeOpen === null) {
    const root = app();
    if (found.shell === null && root?.querySelector('[role=tablist]')) found.shell = performance.now();
    if (found.storeOpen === null && deep(root, '#search-mode')) found.storeOpen = performance.now();
    await new Promise((r) => setTimeout(r, 10));
  }
  return found;
})()`;

const context = await launchProfile(newProfileDir());
const runs: Record<string, Times> = {};
try {
  const first = await context.newPage();
  await first.goto(`${base}/`, { waitUntil: 'commit' });
  runs['first visit (fresh profile)'] = (await first.evaluate(watch)) as Times;
  await first.waitForTimeout(3_000); // the service worker installs, the embedder finishes loading
  await first.close();
  const second = await context.newPage();
  await second.goto(`${base}/`, { waitUntil: 'commit' });
  runs['second visit (new tab)'] = (await second.evaluate(watch)) as Times;
} finally {
  await context.close();
  await server.close();
}
const show = (v: number | null) => (v === null ? 'not within 120 s' : ms(v));
for (const [label, t] of Object.entries(runs)) console.log(`${label}: shell ${show(t.shell)}, store open ${show(t.storeOpen)}`);
writeResults('bench/results/first-run.json', runs);
