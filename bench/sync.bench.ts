/**
 * `npm run bench:sync`: two Chromium profiles (real workers, real IndexedDB) and PouchDB Server in
 * memory on localhost. Device A sends a cube of N memories (LoCoMo turns when ../shared is there, else
 * generated sentences), embedded with the app's embedder (USE-lite, int8 on onnxruntime-web) so that
 * their vectors travel beside them; a fresh device B with the same embedder receives and applies them
 * (searchable by their words when startSync resolves) and its vectors are complete (timed until
 * vectorStatus says every memory has one — with --no-vectors-sent, A has no embedder and B embeds
 * everything itself, in the background after the pass); bytes
 * on the server per memory; then both live, and the time from a write on A until B holds it (p50/p95
 * over --writes). Prints figures and writes bench/results/sync.json.
 *
 * Options: --memories N (default 10000), --writes N (default 30), --no-vectors (neither has an
 * embedder), --no-vectors-sent (only B has one).
 */
import { existsSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { CHROMIUM_FLAGS, chromiumPath } from '../test/support/chromium';
import { allowBrowsers, startCouchServer } from '../test/support/couch-server';
import { ms, options, writeResults } from './lib/bench-utils';
import { percentile } from './lib/stats';

const args = options();
const TOTAL = Number(args.get('memories') ?? 10_000);
const WRITES = Number(args.get('writes') ?? 30);
const VECTORS = !args.has('no-vectors');
const SEND_VECTORS = VECTORS && !args.has('no-vectors-sent');
const LOCOMO = '../shared/data/locomo/locomo-dev.json';

function texts(): string[] {
  if (existsSync(LOCOMO)) {
    const data = JSON.parse(readFileSync(LOCOMO, 'utf8')) as { conversation: Record<string, unknown> }[];
    const out: string[] = [];
    for (const c of data) for (const [k, v] of Object.entries(c.conversation)) if (/^session_\d+$/.test(k) && Array.isArray(v)) for (const t of v as { speaker: string; text: string }[]) out.push(`${t.speaker}: ${t.text}`);
    return out;
  }
  return Array.from({ length: 2000 }, (_, i) => `Someone mentioned item ${i} and the garden on day ${i % 97}.`);
}

const corpus = texts();
const couch = await startCouchServer();
await allowBrowsers(couch.url);
const vite = await createServer({ configFile: 'vite.config.ts', logLevel: 'error', server: { port: 0, host: '127.0.0.1', hmr: false, watch: null } });
await vite.listen();
const base = `http://127.0.0.1:${(vite.httpServer!.address() as { port: number }).port}`;
const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_FLAGS] });
try {
  const database = `memos-bench-${Date.now()}`;
  const config = { userId: 'u', cubeId: 'c', url: couch.url, database, passphrase: 'benchmark passphrase' };
  const open = async (store: string, embedder = false) => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base}/test/e2e/harness.html?store=${store}${embedder ? '&embedder=use-lite' : ''}`);
    await page.evaluate(() => window.memosReady);
    await page.evaluate('window.__name = (f) => f');
    return page;
  };
  const a = await open(`sync-bench-a-${Date.now()}`, SEND_VECTORS);
  const b = await open(`sync-bench-b-${Date.now()}`, VECTORS);
  const send = await a.evaluate(
    async ({ config, texts, total }) => {
      const api = window.memos;
      await api.createUser({ userId: 'u', name: 'Bench' });
      await api.createCube({ userId: 'u', cubeId: 'c', name: 'bench' });
      for (let done = 0; done < total; done += 1000) {
        await api.add({ userId: 'u', cubeId: 'c', memories: Array.from({ length: Math.min(1000, total - done) }, (_, j) => ({ text: texts[(done + j) % texts.length]! })) });
      }
      // Every memory embedded before the sync starts (so that its vector goes with it).
      await api.vectorStatus({ wait: true });
      const t0 = performance.now();
      await api.configureSync(config);
      const configureMs = performance.now() - t0;
      const t1 = performance.now();
      const status = await api.startSync({ userId: 'u', cubeId: 'c' });
      return { configureMs, sendMs: performance.now() - t1, sent: status.sent };
    },
    { config, texts: corpus, total: TOTAL },
  );
  const all = (await (await fetch(`${couch.url}/${database}/_all_docs?include_docs=true`)).json()) as { rows: unknown[] };
  const serverBytes = JSON.stringify(all.rows).length;
  const probe = corpus[0]!.split(/\W+/).filter((w) => w.length > 4)[0] ?? 'garden';
  const receive = await b.evaluate(async ({ config, probe, vectors }) => {
    const api = window.memos;
    await api.createUser({ userId: 'u', name: 'Bench' });
    const t0 = performance.now();
    await api.configureSync(config);
    const status = await api.startSync({ userId: 'u', cubeId: 'c' });
    const receiveMs = performance.now() - t0;
    const hits = await api.search({ userId: 'u', query: probe, cubeIds: ['c'], topK: 3 });
    let vectorsMs: number | null = null;
    if (vectors) {
      // The catch-up runs in the background from the first arrivals on; timed from the pass's start.
      for (;;) {
        const v = await api.vectorStatus({ wait: false });
        if (v && !v.syncing && v.embedded >= status.received) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      vectorsMs = performance.now() - t0;
    }
    return { receiveMs, vectorsMs, received: status.received, searchable: hits.length > 0 };
  }, { config, probe, vectors: VECTORS });
  await a.evaluate(() => window.memos.startSync({ userId: 'u', cubeId: 'c', live: true }));
  await b.evaluate(() => window.memos.startSync({ userId: 'u', cubeId: 'c', live: true }));
  const delays: number[] = [];
  for (let i = 0; i < WRITES; i++) {
    const t0 = Date.now();
    const [m] = await a.evaluate((i) => window.memos.add({ userId: 'u', cubeId: 'c', memory: { text: `live write ${i}` } }), i);
    await b.waitForFunction(async (id) => (await window.memos.get({ userId: 'u', memoryId: id }).catch(() => null)) !== null, m!.id, { polling: 10, timeout: 30_000 });
    delays.push(Date.now() - t0);
  }
  const figures = {
    memories: TOTAL,
    configureMs: send.configureMs,
    sendMs: send.sendMs,
    receiveMs: receive.receiveMs,
    receivedAndSearchable: receive.searchable,
    vectorsSent: SEND_VECTORS,
    vectorsCompleteMs: receive.vectorsMs,
    bytesPerMemory: serverBytes / TOTAL,
    liveP50Ms: percentile(delays, 50),
    liveP95Ms: percentile(delays, 95),
  };
  console.log(`${TOTAL} memories, Chromium worker ↔ PouchDB Server (in memory) on localhost; vectors ${SEND_VECTORS ? 'sent beside the memories (same model on both)' : VECTORS ? 'made on B' : 'none'}:`);
  console.log(`  configure (PBKDF2 600k, key on the server): ${ms(send.configureMs)}`);
  console.log(`  device A sends: ${ms(send.sendMs)} (${send.sent} documents)`);
  console.log(`  a fresh device B receives and applies: ${ms(receive.receiveMs)} (${receive.received} memories, searchable by words: ${receive.searchable})`);
  if (receive.vectorsMs !== null) console.log(`  …and its vectors (USE-lite int8) complete: ${ms(receive.vectorsMs)} after the pass began (${(receive.received / (receive.vectorsMs / 1000)).toFixed(0)} memories/s)`);
  console.log(`  on the server: ${(serverBytes / TOTAL).toFixed(0)} bytes per memory (ciphertext and revision data)`);
  console.log(`  live, a write on A until B holds it: p50 ${ms(figures.liveP50Ms)}, p95 ${ms(figures.liveP95Ms)} over ${WRITES} writes`);
  writeResults('bench/results/sync.json', figures);
} finally {
  await browser.close();
  await vite.close();
  await couch.stop();
}
