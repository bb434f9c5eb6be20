/**
 * `npm run bench:scale`: add throughput and search latency at 1k, 10k and 100k memories with 384-d
 * vectors (seeded synthetic text and a random-projection embedder, so the model's cost is left out),
 * in Node (fake-indexeddb) and in headless Chromium inside a worker (real IndexedDB).
 * Options: --sizes 1000,10000,100000 --only node|chromium --out PATH.
 */
import 'fake-indexeddb/auto';
import { createServer } from 'vite';
import { launchProfile, newProfileDir } from '../test/support/chromium';
import { options, writeResults } from './lib/bench-utils';
import { runScale, type ScaleRow } from './lib/scale-run';

const opts = options();
const sizes = (opts.get('sizes') ?? '1000,10000,100000').split(',').map(Number);
const only = opts.get('only');
const results: Record<string, ScaleRow[]> = {};

if (only !== 'chromium') {
  console.log('Node (fake-indexeddb):');
  results['node'] = await runScale(sizes, { name: 'scale-node', durability: 'relaxed' }, (l) => console.log(`  ${l}`));
}
if (only !== 'node') {
  console.log('Chromium (worker, real IndexedDB, strict durability):');
  const server = await createServer({ configFile: 'vite.config.ts', logLevel: 'error', server: { port: 0, host: '127.0.0.1', hmr: false, watch: null } });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const context = await launchProfile(newProfileDir());
  const page = await context.newPage();
  page.on('console', (m) => console.log(`  ${m.text()}`));
  await page.goto(`http://127.0.0.1:${address.port}/bench/scale.html`);
  results['chromium'] = await page.evaluate((s) => window.runScaleInWorker(s), sizes);
  await context.close();
  await server.close();
}
for (const [where, rows] of Object.entries(results)) {
  console.log(where);
  console.table(rows);
}
writeResults(opts.get('out') ?? 'bench/results/scale.json', { sizes, dimension: 384, results });
