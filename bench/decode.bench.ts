/**
 * `npm run bench:decode`: time to first token and decode speed of the ORT decoder for stories260K and
 * a synthetic ~30M-parameter Llama, on wasm with 1 and 2 threads, in Node and in a Chromium worker.
 * Options: --models stories260K,synthetic-30m --threads 1,2 --only node|chromium --prompt 64 --new 64
 * --repeats 3 --out PATH. Node runs each thread count in a child process (ORT reads it once).
 * First it prints the sampler's cost per token at 32k and 152k vocabularies (--sampling-only stops there).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { configureOrt } from '../src/inference/runtime/ort-runtime';
import { withBenchPage } from './lib/bench-browser';
import { options, storiesFromDisk, writeResults } from './lib/bench-utils';
import { measureDecode, openBenchModel, type BenchModel, type DecodeRow } from './lib/decode-run';
import { measureSampling } from './lib/sampling-run';

const opts = options();
const sampling = opts.has('child') ? [] : measureSampling([32_000, 152_000]);
if (!opts.has('child')) {
  console.log('Sampling one token (Node, one thread): ms per token, and the sorting sampler it replaced');
  console.table(sampling);
  if (opts.has('sampling-only')) {
    writeResults(opts.get('out') ?? 'bench/results/sampling.json', { sampling });
    process.exit(0);
  }
}
const storiesDir = '../shared/models/stories260K';
const hasStories = existsSync(`${storiesDir}/stories260K.onnx`);
const models = (opts.get('models') ?? 'stories260K,synthetic-30m').split(',').filter((m) => m !== 'stories260K' || hasStories) as BenchModel[];
const threads = (opts.get('threads') ?? '1,2').split(',').map(Number);
const settings = { promptTokens: Number(opts.get('prompt') ?? 64), newTokens: Number(opts.get('new') ?? 64), repeats: Number(opts.get('repeats') ?? 3) };

async function runInThisProcess(threadCount: number): Promise<DecodeRow[]> {
  const applied = configureOrt({ threads: threadCount });
  const rows: DecodeRow[] = [];
  for (const model of models) {
    const stories = model === 'stories260K' ? storiesFromDisk(storiesDir) : undefined;
    const { decoder, parameters, loadMs } = await openBenchModel(model, stories);
    const figures = await measureDecode(decoder, { ...settings, vocab: model === 'stories260K' ? 512 : 12000 });
    rows.push({ model, where: 'node', threads: applied.threads ?? 1, parameters, ...settings, loadMs, ...figures });
    await decoder.dispose();
  }
  return rows;
}

if (opts.has('child')) {
  // A child run: print the rows as one JSON line for the parent.
  console.log(`ROWS ${JSON.stringify(await runInThisProcess(Number(opts.get('threads'))))}`);
} else {
  if (!hasStories) console.log(`(${storiesDir} is absent: stories260K is left out)`);
  const rows: DecodeRow[] = [];
  if (opts.get('only') !== 'chromium') {
    for (const t of threads) {
      const args = ['tsx', 'bench/decode.bench.ts', '--child', '--threads', String(t), '--models', models.join(','), '--prompt', String(settings.promptTokens), '--new', String(settings.newTokens), '--repeats', String(settings.repeats)];
      const output = execFileSync('npx', args, { encoding: 'utf8', maxBuffer: 1 << 24 });
      const line = output.split('\n').find((l) => l.startsWith('ROWS '));
      if (!line) throw new Error(`child run printed no rows:\n${output}`);
      rows.push(...(JSON.parse(line.slice(5)) as DecodeRow[]));
      console.log(`node · ${t} thread(s) done`);
    }
  }
  if (opts.get('only') !== 'node') {
    await withBenchPage('/bench/decode.html', async (page) => {
      for (const t of threads) rows.push(...(await page.evaluate(({ m, t, s }) => window.runDecodeInWorker(m, t, s), { m: models, t, s: settings })));
    });
  }
  console.table(rows.map((r) => ({ model: r.model, where: r.where, threads: r.threads, 'load ms': Math.round(r.loadMs), 'TTFT ms': Math.round(r.ttftMs), 'tokens/s': Number(r.tokensPerSecond.toFixed(1)) })));
  writeResults(opts.get('out') ?? 'bench/results/decode.json', { settings, rows, sampling });
}
