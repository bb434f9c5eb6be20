/**
 * `npm run bench:kv`: time to first token from a stored KV MemCube (loaded from IndexedDB, checked and
 * decoded) against prefilling the same memory + query, with identical greedy output checked; cube
 * size, store and load MB/s, raw IndexedDB read MB/s. In a Chromium worker (real IndexedDB) and in
 * Node (fake-indexeddb).
 * Options: --models synthetic-30m,stories260K (synthetic-30m-8k for --memory 4096) --memory 256,1024,2048 --query 32,128 --threads 2
 * --encoding fp16 --repeats 3 --only node|chromium --out PATH.
 * Any Optimum-layout decoder (Node): --onnx PATH/model.onnx [--tokenizer PATH/tokenizer.json] --vocab N
 * --context N (without a tokenizer, random token ids are used and output text is not decoded).
 */
import 'fake-indexeddb/auto';
import { existsSync, readFileSync } from 'node:fs';
import { llama2cToTokenizerJson, llama2cTokenizerConfig } from '../src/inference/tokenizers/llama2c-tokenizer';
import { syntheticVocabulary } from '../src/inference/onnx/synthetic-vocabulary';
import { OrtDecoder } from '../src/inference/decoding/ort-decoder';
import { configureOrt } from '../src/inference/runtime/ort-runtime';
import { TextTokenizer } from '../src/inference/tokenizers/text-tokenizer';
import { Store } from '../src/storage/store';
import type { KvBenchOptions } from './kv-page';
import { withBenchPage } from './lib/bench-browser';
import { options, storiesFromDisk, writeResults } from './lib/bench-utils';
import { openBenchModel } from './lib/decode-run';
import { runKv, type KvRow } from './lib/kv-run';

const opts = options();
const storiesDir = '../shared/models/stories260K';
const hasStories = existsSync(`${storiesDir}/stories260K.onnx`);
const models = (opts.get('models') ?? 'synthetic-30m,stories260K').split(',').filter((m) => m !== 'stories260K' || hasStories) as KvBenchOptions['model'][];
const list = (name: string, fallback: string) => (opts.get(name) ?? fallback).split(',').map(Number);
const settings = {
  threads: Number(opts.get('threads') ?? 2),
  memory: list('memory', '256,1024,2048'),
  query: list('query', '32,128'),
  repeats: Number(opts.get('repeats') ?? 3),
  encoding: (opts.get('encoding') ?? 'fp16') as KvBenchOptions['encoding'],
};
const rows: KvRow[] = [];

if (opts.has('onnx')) {
  // A decoder of the user's: Node only, with its own tokenizer when given (else a made-up one of its vocabulary size).
  const applied = configureOrt({ threads: settings.threads });
  const vocab = Number(opts.get('vocab') ?? 32000);
  const tokenizerPath = opts.get('tokenizer');
  const tokenizer = tokenizerPath
    ? new TextTokenizer(JSON.parse(readFileSync(tokenizerPath, 'utf8')) as object, {})
    : new TextTokenizer(llama2cToTokenizerJson(syntheticVocabulary(vocab)), llama2cTokenizerConfig());
  const decoder = await OrtDecoder.create({ id: opts.get('onnx') as string, model: new Uint8Array(readFileSync(opts.get('onnx') as string)), tokenizer, contextLength: Number(opts.get('context') ?? 4096) });
  const store = await Store.open({ name: 'kv-bench-node-onnx' });
  rows.push(...(await runKv(decoder, store, { ...settings, model: opts.get('onnx') as string, where: 'node', threads: applied.threads ?? 1, vocab, log: (l) => console.log(`  ${l}`) })));
  store.close();
  await decoder.dispose();
  models.length = 0;
}
if (opts.get('only') !== 'node' && models.length > 0) {
  console.log('Chromium (worker, real IndexedDB):');
  await withBenchPage('/bench/kv.html', async (page) => {
    for (const model of models) rows.push(...(await page.evaluate((o) => window.runKvInWorker(o), { ...settings, model })));
  });
}
if (opts.get('only') !== 'chromium') {
  console.log('Node (fake-indexeddb):');
  const applied = configureOrt({ threads: settings.threads });
  for (const model of models) {
    const stories = model === 'stories260K' ? storiesFromDisk(storiesDir) : undefined;
    const { decoder } = await openBenchModel(model, stories);
    const store = await Store.open({ name: `kv-bench-node-${model}` });
    rows.push(...(await runKv(decoder, store, { ...settings, model, where: 'node', threads: applied.threads ?? 1, vocab: model === 'stories260K' ? 512 : 12000, log: (l) => console.log(`  ${l}`) })));
    store.close();
    await decoder.dispose();
  }
}
console.table(
  rows.map((r) => ({
    model: r.model, where: r.where, 'memory+query': `${r.memoryTokens}+${r.queryTokens}`, 'prefill TTFT': Math.round(r.prefillTtftMs), 'KV TTFT': Math.round(r.kvTtftMs),
    'of which load': Math.round(r.loadMs), reduction: `${(r.reduction * 100).toFixed(1)}%`, 'in memory ms': Math.round(r.hotTtftMs), 'reduction in memory': `${(r.hotReduction * 100).toFixed(1)}%`, same: r.sameOutput, 'cube MB': (r.cubeBytes / 1e6).toFixed(2),
    'store MB/s': Math.round(r.storeMBps), 'load MB/s': Math.round(r.loadMBps), 'raw read MB/s': Math.round(r.rawReadMBps),
  })),
);
writeResults(opts.get('out') ?? 'bench/results/kv.json', { settings, rows });
