/**
 * `npm run bench:adapter`: distillation of memories into LoRA adapters on stories260K, through the
 * app's workers in headless Chromium: perplexity of the memory text and of held-out text before and
 * after, training time (per 1k token-steps of memory text; the replay text's cost is inside), adapter
 * size, and the time to merge an adapter into the model (activate) and to restore the base (deactivate).
 * Options: --data PATH (a JSON array of arrays of memory texts; default: the guided demo's statements),
 * --steps N (default 30), --budget-ms N (default 120000), --out PATH.
 */
import { existsSync, readFileSync } from 'node:fs';
import { DEMO_SESSIONS } from '../src/ui/demo-scenario';
import type { AdapterRow } from './adapter-page';
import { withBenchPage } from './lib/bench-browser';
import { options, writeResults } from './lib/bench-utils';

const opts = options();
if (!existsSync('public/models/stories260K/stories260K.onnx')) {
  console.error('bench:adapter needs stories260K (npm ci with ../shared beside the checkout copies it to public/models).');
  process.exit(1);
}
const statements = DEMO_SESSIONS.flatMap((s) => s.messages.filter((m) => m.role === 'user').map((m) => m.content));
const sets: string[][] = opts.has('data') ? (JSON.parse(readFileSync(opts.get('data')!, 'utf8')) as string[][]) : [statements.slice(0, 1), statements];
const settings = { maxSteps: Number(opts.get('steps') ?? 30), timeBudgetMs: Number(opts.get('budget-ms') ?? 120_000) };

console.log(`Chromium, workers (stories260K on wasm, tfjs CPU backend for training), ${sets.length} runs…`);
const rows: AdapterRow[] = await withBenchPage('/bench/adapter.html', (page) => page.evaluate(([s, o]) => window.runAdapterBench(s, o), [sets, settings] as const));
const f = (n: number) => n.toFixed(2);
console.log('| memories | tokens | steps (stop) | memory ppl before → after | held-out ppl before → after | train | per 1k token-steps | adapter | activate / deactivate |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(
    `| ${r.memories} | ${r.tokens} | ${r.steps} (${r.stopped}) | ${f(r.memoryPpl.before)} → ${f(r.memoryPpl.after)} | ${f(r.heldOutPpl.before)} → ${f(r.heldOutPpl.after)} | ${(r.trainMs / 1000).toFixed(1)} s | ${(r.msPer1kTokenSteps / 1000).toFixed(1)} s | ${(r.adapterBytes / 1024).toFixed(1)} KiB (rank ${r.rank}, ${r.targets} weights) | ${r.activateMs.toFixed(0)} / ${r.deactivateMs.toFixed(0)} ms |`,
  );
}
writeResults(opts.get('out') ?? 'bench/results/adapter.json', { settings, sets: sets.map((s) => s.length), rows });
