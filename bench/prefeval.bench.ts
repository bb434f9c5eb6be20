/**
 * `npm run bench:prefeval`: does a stated preference come back when a later question needs it? For each
 * explicit preference of PrefEval (Amazon, 2025) the user states it, then N filler conversations follow
 * (filtered_inter_turns.json), then the question is asked through `search`; we count how often the
 * preference is in the top 5 and top 10. Each preference gets a store of its own. Node, fake-indexeddb,
 * USE-lite. Prints figures; asserts nothing.
 *
 * Options: --data DIR (default ../shared/data/prefeval), --embedder use-lite|none, --runtime ort|tfjs,
 * --precision int8|float32, --threads N (bench/lib/use-lite-bench.ts), --fillers N,N
 * (default 10,24), --limit N (preferences, default all), --cache, --misses (print each preference not in
 * the top 5), --out PATH.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatMessage } from '../src/protocol/memory-types';
import { MemOS } from '../src/os/memos';
import { options, percentile, writeResults } from './lib/bench-utils';
import { benchUseLite } from './lib/use-lite-bench';
import { cachedEmbedder } from './lib/embedding-cache';

const opts = options();
const dir = opts.get('data') ?? '../shared/data/prefeval';
if (!existsSync(dir)) {
  console.log(`No PrefEval data at ${dir} (../shared absent?): nothing to measure.`);
  process.exit(0);
}
const fillerCounts = (opts.get('fillers') ?? '10,24').split(',').map(Number);
const useEmbedder = (opts.get('embedder') ?? 'use-lite') === 'use-lite';

interface Preference {
  topic: string;
  preference: string;
  question: string;
}
const preferences: Preference[] = readdirSync(join(dir, 'explicit_preference'))
  .filter((f) => f.endsWith('.json'))
  .sort()
  .flatMap((f) => (JSON.parse(readFileSync(join(dir, 'explicit_preference', f), 'utf8')) as Preference[]).map((p) => ({ ...p, topic: f.replace('.json', '') })))
  .slice(0, Number(opts.get('limit') ?? Infinity));
const fillers = (JSON.parse(readFileSync(join(dir, 'filtered_inter_turns.json'), 'utf8')) as { conversation: { role: string; content: string }[] }[]).map((c) =>
  c.conversation.map((m): ChatMessage => ({ role: m.role === 'assistant' ? 'assistant' : 'user', content: m.content })),
);

const chosen = useEmbedder ? await benchUseLite(opts) : undefined;
const loaded = chosen?.embedder;
const embedder = loaded && opts.has('cache') ? cachedEmbedder(loaded) : loaded;

const rows: { fillers: number; preferences: number; top5: number; top10: number; searchP50: number; searchP95: number }[] = [];
const byTopic: Record<string, Record<number, { n: number; top5: number }>> = {};
for (const count of fillerCounts) {
  let top5 = 0;
  let top10 = 0;
  const latencies: number[] = [];
  for (const [i, p] of preferences.entries()) {
    // A fresh store per preference: nothing of one case leaks into another.
    globalThis.indexedDB = new IDBFactory();
    const os = await MemOS.open({ name: `pref-${i}`, durability: 'relaxed', ...(embedder && { embedder }) });
    await os.createUser({ userId: 'u', name: 'user' });
    await os.createCube({ userId: 'u', cubeId: 'c', name: 'c' });
    await os.add({ userId: 'u', cubeId: 'c', sessionId: 'pref', messages: [{ role: 'user', content: p.preference, id: 'stated-preference' }] });
    for (let f = 0; f < count; f++) await os.add({ userId: 'u', cubeId: 'c', sessionId: `filler-${f}`, messages: fillers[f % fillers.length]! });
    const t0 = performance.now();
    const hits = await os.search({ userId: 'u', query: p.question, topK: 10, trackUsage: false });
    latencies.push(performance.now() - t0);
    // The preference counts as found when a hit holds the message that stated it.
    const rank = hits.findIndex((h) => h.memory.sourceRefs.some((r) => r.messageId === 'stated-preference'));
    if (rank >= 0 && rank < 5) top5++;
    else if (opts.has('misses')) console.log(`miss ${i} (rank ${rank}) · ${p.topic} · ${p.preference.slice(0, 80)} → ${p.question.slice(0, 80)}`);
    if (rank >= 0) top10++;
    const t = ((byTopic[p.topic] ??= {})[count] ??= { n: 0, top5: 0 });
    t.n++;
    if (rank >= 0 && rank < 5) t.top5++;
    os.close();
  }
  rows.push({
    fillers: count,
    preferences: preferences.length,
    top5: Number((top5 / preferences.length).toFixed(3)),
    top10: Number((top10 / preferences.length).toFixed(3)),
    searchP50: Number(percentile(latencies, 50).toFixed(1)),
    searchP95: Number(percentile(latencies, 95).toFixed(1)),
  });
}
if (embedder && 'save' in embedder) (embedder as { save(): void }).save();

console.log(`PrefEval explicit preferences — ${preferences.length} preferences, embedder ${chosen ? `use-lite (${chosen.runtime})` : 'none'}`);
console.table(rows);
console.table(Object.fromEntries(Object.entries(byTopic).map(([topic, r]) => [topic, Object.fromEntries(Object.entries(r).map(([k, v]) => [`top5@${k}`, Number((v.top5 / v.n).toFixed(2))]))])));
writeResults(opts.get('out') ?? 'bench/results/prefeval.json', { data: dir, embedder: embedder?.fingerprint ?? null, results: rows });
