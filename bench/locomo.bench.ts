/**
 * `npm run bench:locomo`: retrieval recall on LoCoMo. Every conversation goes into its own cube through
 * the public API (one memory per turn by default, with speaker, image caption and the session's real
 * time); every question of categories 1–4 is asked through `search`; recall is the share of a
 * question's evidence dia_ids found in the top k hits. Runs in Node (fake-indexeddb; USE-lite as the
 * memory worker runs it, int8 on onnxruntime-web — the same vectors as in Chromium). Prints figures;
 * asserts nothing.
 *
 * Options: --data PATH (default ../shared/data/locomo/locomo-dev.json), --embedder use-lite|none,
 * --runtime ort|tfjs (default ort), --precision int8|float32 (ort; default int8), --threads N (ort; default 2),
 * --window N (turns per memory, default 1), --rrf-k, --text-weight, --vector-weight, --speaker-weight, --session-weight, --neighbour-weight,
 * --graph-weight, --graph-hop-weight, --graph-seeds, --no-graph, --conversations 26,30,41 (a subset, for split-half checks), --no-stemming,
 * --no-stop-words, --cache (keep vectors in bench/.cache between runs, for tuning),
 * --out PATH (default bench/results/locomo.json). With an embedder it prints two ingest rates: searchable by words (the turns
 * into a store without vectors) and fully embedded (the measured store).
 */
import 'fake-indexeddb/auto';
import { existsSync } from 'node:fs';
import { MemOS } from '../src/os/memos';
import { DEFAULT_RANKING } from '../src/search/ranking';
import { options, percentile, writeResults } from './lib/bench-utils';
import { cachedEmbedder } from './lib/embedding-cache';
import { benchUseLite } from './lib/use-lite-bench';
import { locomoRecall, readLocomo } from './lib/locomo';

const opts = options();
const data = opts.get('data') ?? '../shared/data/locomo/locomo-dev.json';
if (!existsSync(data)) {
  console.log(`No LoCoMo data at ${data} (../shared absent?): nothing to measure.`);
  process.exit(0);
}
const useEmbedder = (opts.get('embedder') ?? 'use-lite') === 'use-lite';
const ranking = {
  ...DEFAULT_RANKING,
  ...(opts.has('rrf-k') && { rrfK: Number(opts.get('rrf-k')) }),
  ...(opts.has('text-weight') && { textWeight: Number(opts.get('text-weight')) }),
  ...(opts.has('vector-weight') && { vectorWeight: Number(opts.get('vector-weight')) }),
  ...(opts.has('speaker-weight') && { speakerWeight: Number(opts.get('speaker-weight')) }),
  ...(opts.has('session-weight') && { sessionWeight: Number(opts.get('session-weight')) }),
  ...(opts.has('neighbour-weight') && { neighbourWeight: Number(opts.get('neighbour-weight')) }),
  ...(opts.has('graph-weight') && { graphWeight: Number(opts.get('graph-weight')) }),
  ...(opts.has('graph-hop-weight') && { graphHopWeight: Number(opts.get('graph-hop-weight')) }),
  ...(opts.has('graph-seeds') && { graphSeeds: Number(opts.get('graph-seeds')) }),
};
const windowSize = Number(opts.get('window') ?? 1);

const chosen = useEmbedder ? await benchUseLite(opts) : undefined;
const loaded = chosen?.embedder;
// --cache keeps vectors on disk between runs (for tuning); ingest throughput is then not meaningful.
const embedder = loaded && opts.has('cache') ? cachedEmbedder(loaded) : loaded;

// --conversations 26,30,41: only those (by sample id, "conv-" optional) — to choose weights on one half and check on the other.
const only = opts.get('conversations')?.split(',').map((id) => (id.startsWith('conv-') ? id : `conv-${id}`));
const conversations = readLocomo(data).filter((c) => !only || only.includes(c.id));

/** Opens a store and adds every session, a session per call; returns it, the turns and the time taken. */
async function ingest(withEmbedder: boolean): Promise<{ os: MemOS; turns: number; ms: number }> {
  const os = await MemOS.open({
    name: `locomo-${Date.now()}-${withEmbedder ? 'hybrid' : 'words'}`,
    durability: 'relaxed',
    ranking,
    textIndex: { ...(opts.has('no-stemming') && { stemming: false }), ...(opts.has('no-stop-words') && { stopWords: [] }) },
    ...(withEmbedder && embedder && { embedder }),
    // The words-only store measures how soon turns are searchable; the graph reads them afterwards.
    entityGraph: withEmbedder && !opts.has('no-graph'),
  });
  await os.createUser({ userId: 'bench', name: 'bench' });
  let turns = 0;
  const started = performance.now();
  for (const c of conversations) {
    await os.createCube({ userId: 'bench', cubeId: c.id, name: c.id });
    for (const s of c.sessions) {
      await os.add({ userId: 'bench', cubeId: c.id, sessionId: s.sessionId, messages: s.messages, reader: { windowSize } });
      turns += s.messages.length;
    }
  }
  return { os, turns, ms: performance.now() - started };
}

// Searchable by words: the same turns into a store without an embedder (what a store does before its
// vectors catch up); then the measured store, fully embedded as it ingests.
const words = embedder ? await ingest(false) : undefined;
words?.os.close();
const { os, turns, ms: ingestMs } = await ingest(true);
const graphStarted = performance.now();
await os.graphSettled();
const graphMs = performance.now() - graphStarted;

const { table, latencies } = await locomoRecall(os, 'bench', conversations);
os.close();
if (embedder && 'save' in embedder) (embedder as { save(): void }).save();

const figures = {
  data,
  conversations: conversations.length,
  turns,
  embedder: embedder ? embedder.fingerprint : null,
  runtime: chosen?.runtime ?? null,
  windowSize,
  ranking,
  recall: table,
  ingestTurnsPerSecond: Math.round(turns / (ingestMs / 1000)),
  wordsSearchableTurnsPerSecond: words ? Math.round(words.turns / (words.ms / 1000)) : Math.round(turns / (ingestMs / 1000)),
  graphSettledMs: Math.round(graphMs),
  searchMs: { p50: Number(percentile(latencies, 50).toFixed(1)), p95: Number(percentile(latencies, 95).toFixed(1)) },
};
console.log(`LoCoMo retrieval — ${conversations.length} conversations, ${turns} turns, embedder ${embedder ? `use-lite (${figures.runtime})` : 'none'}, window ${windowSize}`);
console.table(table);
console.log(`ingest: searchable by words ${figures.wordsSearchableTurnsPerSecond} turns/s, fully embedded ${figures.ingestTurnsPerSecond} turns/s · search p50 ${figures.searchMs.p50} ms, p95 ${figures.searchMs.p95} ms (query embedding included) · graph settled ${figures.graphSettledMs} ms after ingest`);
writeResults(opts.get('out') ?? 'bench/results/locomo.json', figures);
