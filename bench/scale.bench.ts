/**
 * `npm run bench:scale`: add throughput, search latency and the vector side's recall@10 (against an
 * exact scan) at 1k, 10k and 100k memories with 384-d
 * vectors (seeded synthetic text and a random-projection embedder, so the model's cost is left out),
 * in Node (fake-indexeddb) and in headless Chromium inside a worker (real IndexedDB); at each size also
 * search with usage tracking, a reopen of the store until its first search answers, and (Chromium) the
 * worker's heap after the reopen.
 * Options: --sizes 1000,10000,100000 --only node|chromium --out PATH.
 */
import 'fake-indexeddb/auto';
import { withBenchPage } from './lib/bench-browser';
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
  results['chromium'] = await withBenchPage('/bench/scale.html', (page) => page.evaluate((s) => window.runScaleInWorker(s), sizes), ['--enable-blink-features=ForceEagerMeasureMemory']);
}
for (const [where, rows] of Object.entries(results)) {
  console.log(where);
  console.table(rows);
}
writeResults(opts.get('out') ?? 'bench/results/scale.json', { sizes, dimension: 384, results });
