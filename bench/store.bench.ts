/**
 * `npm run bench:store`: the storage and search layer in a real Chromium (real worker, real
 * IndexedDB with strict durability), on LoCoMo turn text when ../shared is present (else generated
 * sentences). Full-text search only (the harness opens the store without the embedder), so these are
 * the costs of the store itself. Prints figures and writes bench/results/store.json; asserts nothing.
 *
 * Options: --memories N (default 10000), --queries N (default 200).
 */
import { existsSync, readFileSync } from 'node:fs';
import { withBenchPage } from './lib/bench-browser';
import { ms, options, percentile, writeResults } from './lib/bench-utils';

const args = options();
const TOTAL = Number(args.get('memories') ?? 10_000);
const QUERIES = Number(args.get('queries') ?? 200);
const LOCOMO = '../shared/data/locomo/locomo-dev.json';

interface LocomoConversation {
  conversation: Record<string, unknown>;
  qa: { question: string }[];
}

function corpus(): { texts: string[]; queries: string[]; source: string } {
  if (existsSync(LOCOMO)) {
    const data = JSON.parse(readFileSync(LOCOMO, 'utf8')) as LocomoConversation[];
    const texts: string[] = [];
    for (const c of data) {
      for (const [key, value] of Object.entries(c.conversation)) {
        if (!/^session_\d+$/.test(key) || !Array.isArray(value)) continue;
        for (const turn of value as { speaker: string; text: string }[]) texts.push(`${turn.speaker}: ${turn.text}`);
      }
    }
    return { texts, queries: data.flatMap((c) => c.qa.map((q) => q.question)), source: `LoCoMo dev (${texts.length} turns, cycled)` };
  }
  const words = 'garden trip sister coffee painting marathon guitar school dog recipe concert camping museum novel job'.split(' ');
  const sentence = (i: number) => `Someone mentioned the ${words[i % words.length]} and the ${words[(i * 7) % words.length]} on day ${i}.`;
  return { texts: Array.from({ length: 2000 }, (_, i) => sentence(i)), queries: words.map((w) => `what about the ${w}`), source: 'generated sentences (../shared absent)' };
}


const { texts, queries, source } = corpus();
const { result, reopenMs, snapshotReopenMs, version } = await withBenchPage('/test/e2e/harness.html?store=bench', async (page) => {
  await page.evaluate(() => window.memosReady);
  const result = await page.evaluate(
    async ({ texts, queries, total }) => {
      const api = window.memos;
      await api.createUser({ userId: 'u', name: 'Bench' });
      await api.createCube({ userId: 'u', cubeId: 'c', name: 'bench' });
      const single: number[] = [];
      for (let i = 0; i < 200; i++) {
        const t0 = performance.now();
        await api.add({ userId: 'u', cubeId: 'c', memory: { text: texts[i % texts.length]! } });
        single.push(performance.now() - t0);
      }
      const t1 = performance.now();
      for (let done = 200; done < total; done += 100) {
        const n = Math.min(100, total - done);
        await api.add({ userId: 'u', cubeId: 'c', memories: Array.from({ length: n }, (_, j) => ({ text: texts[(done + j) % texts.length]! })) });
      }
      const batchMs = performance.now() - t1;
      const search: number[] = [];
      for (let i = 0; i < queries.length; i++) {
        const t0 = performance.now();
        await api.search({ userId: 'u', query: queries[i]!, topK: 10, trackUsage: false });
        search.push(performance.now() - t0);
      }
      const tracked: number[] = [];
      for (let i = 0; i < Math.min(50, queries.length); i++) {
        const t0 = performance.now();
        await api.search({ userId: 'u', query: queries[i]!, topK: 10, trackUsage: true });
        tracked.push(performance.now() - t0);
      }
      const t2 = performance.now();
      const file = await api.exportCube({ userId: 'u', cubeId: 'c' });
      const exportMs = performance.now() - t2;
      const t3 = performance.now();
      await api.importCube({ userId: 'u', file, mode: 'copy' });
      const importMs = performance.now() - t3;
      const estimate = await navigator.storage.estimate();
      return { single, batchMs, batchCount: total - 200, search, tracked, exportMs, importMs, fileBytes: file.length, usage: estimate.usage ?? 0 };
    },
    { texts, queries: queries.slice(0, QUERIES), total: TOTAL },
  );

  // Reopen right after the writes: the tab never went idle, so the worker rebuilds its index from
  // IndexedDB (both cubes: 2 × TOTAL memories).
  let t0 = performance.now();
  await page.reload();
  await page.evaluate(() => window.memosReady);
  const reopenMs = performance.now() - t0;
  // Reopen after the tab went idle once (as when it is hidden): the index snapshot is restored.
  await page.evaluate(() => window.memos.setIdle({ idle: true }));
  t0 = performance.now();
  await page.reload();
  await page.evaluate(() => window.memosReady);
  const snapshotReopenMs = performance.now() - t0;
  return { result, reopenMs, snapshotReopenMs, version: page.context().browser()?.version() ?? '(persistent profile)' };
});

const rows: [string, string][] = [
  ['corpus', source],
  ['single add (1 memory, strict durability) p50 / p95', `${ms(percentile(result.single, 50))} / ${ms(percentile(result.single, 95))}`],
  [`batched add (${result.batchCount} memories, 100 per call)`, `${Math.round(result.batchCount / (result.batchMs / 1000))} memories/s`],
  [`search over ${TOTAL} memories, top 10, p50 / p95`, `${ms(percentile(result.search, 50))} / ${ms(percentile(result.search, 95))}`],
  ['search with usage tracking p50', ms(percentile(result.tracked, 50))],
  [`export ${TOTAL} memories`, `${ms(result.exportMs)}, ${(result.fileBytes / 1e6).toFixed(1)} MB`],
  [`import ${TOTAL} memories (one transaction)`, ms(result.importMs)],
  [`reopen + index rebuild (${2 * TOTAL} memories)`, ms(reopenMs)],
  [`reopen from the index snapshot (${2 * TOTAL} memories)`, ms(snapshotReopenMs)],
  ['origin storage used', `${(result.usage / 1e6).toFixed(1)} MB`],
];
console.log(`memos-web store benchmark — Chromium ${version}, ${new Date().toISOString().slice(0, 10)}`);
for (const [k, v] of rows) console.log(`${k.padEnd(58)} ${v}`);
writeResults(args.get('out') ?? 'bench/results/store.json', { corpus: source, memories: TOTAL, figures: Object.fromEntries(rows) });
