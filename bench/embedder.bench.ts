/**
 * `npm run bench:embedder`: how fast the shipped USE-lite embeds LoCoMo turns (as the store embeds them:
 * "Speaker: text") in a Chromium worker — on tfjs's wasm backend as shipped, and rewritten as ONNX on
 * onnxruntime-web in float32 and int8, with 1 and 2 threads, at 20 texts per call (a session's turns)
 * and 64 (the vector catch-up's batch). Prints the table and writes bench/results/embedder.json.
 * Options: --texts N (default 512), --variants tfjs,ort-float32,ort-int8, --threads 1,2, --per-call 20,64.
 */
import { existsSync } from 'node:fs';
import type { EmbedderRow, EmbedderVariant } from './embedder-page';
import { withBenchPage } from './lib/bench-browser';
import { options, writeResults } from './lib/bench-utils';
import { readLocomo } from './lib/locomo';

const opts = options();
const data = '../shared/data/locomo/locomo-dev.json';
if (!existsSync(data)) {
  console.log(`No LoCoMo data at ${data} (../shared absent?): nothing to measure.`);
  process.exit(0);
}
const count = Number(opts.get('texts') ?? 512);
const texts = readLocomo(data)
  .flatMap((c) => c.sessions.flatMap((s) => s.messages.map((m) => `${m.speaker}: ${m.content}`)))
  .slice(0, count);
const variants = (opts.get('variants') ?? 'tfjs,ort-float32,ort-int8').split(',') as EmbedderVariant[];
const threads = (opts.get('threads') ?? '1,2').split(',').map(Number);
const perCall = (opts.get('per-call') ?? '20,64').split(',').map(Number);

const rows = await withBenchPage('/bench/embedder.html', async (page) => {
  await page.waitForFunction(() => typeof window.runEmbedderInWorker === 'function');
  const out: EmbedderRow[] = [];
  for (const variant of variants) {
    for (const t of variant === 'tfjs' ? [1] : threads) {
      out.push(...(await page.evaluate(([v, n, list, calls]) => window.runEmbedderInWorker(v, n, list, calls), [variant, t, texts, perCall] as const)));
    }
  }
  return out;
});
console.log(`USE-lite in a Chromium worker, ${texts.length} LoCoMo turns`);
console.table(rows.map((r) => ({ runtime: r.variant, threads: r.threads, 'per call': r.perCall, 'texts/s': Number(r.textsPerSecond.toFixed(1)), 'load ms': Math.round(r.loadMs) })));
writeResults(opts.get('out') ?? 'bench/results/embedder.json', { texts: texts.length, rows });
