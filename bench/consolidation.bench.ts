/**
 * `npm run bench:consolidation`: consolidation on the LoCoMo dev data. Every conversation in its own
 * cube (one memory per turn), recall measured, then each cube consolidated (near-duplicates merged,
 * same-key facts superseded), recall measured again. Prints memories before and after, merges, and
 * recall@k before and after — consolidation must not lower it.
 * Options: --data PATH, --embedder use-lite|none (default use-lite), --cache (reuse vectors), --out PATH.
 */
import 'fake-indexeddb/auto';
import { MemOS } from '../src/os/memos';
import { options, writeResults } from './lib/bench-utils';
import { benchUseLite } from './lib/use-lite-bench';
import { cachedEmbedder } from './lib/embedding-cache';
import { locomoRecall, readLocomo } from './lib/locomo';

const opts = options();
const data = opts.get('data') ?? '../shared/data/locomo/locomo-dev.json';
const loaded = (opts.get('embedder') ?? 'use-lite') === 'use-lite' ? (await benchUseLite(opts)).embedder : undefined;
const embedder = loaded && opts.has('cache') ? cachedEmbedder(loaded) : loaded;
const os = await MemOS.open({ name: `consolidation-${Date.now()}`, durability: 'relaxed', scheduler: false, ...(embedder && { embedder }) });
await os.createUser({ userId: 'bench', name: 'bench' });
const conversations = readLocomo(data);
for (const c of conversations) {
  await os.createCube({ userId: 'bench', cubeId: c.id, name: c.id });
  for (const s of c.sessions) await os.add({ userId: 'bench', cubeId: c.id, sessionId: s.sessionId, messages: s.messages, reader: { windowSize: 1 } });
}
const live = async (): Promise<number> => {
  let n = 0;
  for (const c of conversations) n += (await os.getAll({ userId: 'bench', cubeId: c.id, states: ['generated', 'activated', 'merged'], limit: 1 })).total;
  return n;
};
const before = { memories: await live(), recall: (await locomoRecall(os, 'bench', conversations)).table };
const started = performance.now();
let merged = 0;
let archived = 0;
let superseded = 0;
for (const c of conversations) {
  const result = await os.consolidate({ userId: 'bench', cubeId: c.id, limit: 5000 });
  merged += result.merged;
  archived += result.archived;
  superseded += result.superseded;
}
const consolidateMs = performance.now() - started;
const after = { memories: await live(), recall: (await locomoRecall(os, 'bench', conversations)).table };
os.close();
if (embedder && 'save' in embedder) (embedder as { save(): void }).save();

const overall = (table: Record<string, number | string>[]) => table.find((r) => r['category'] === 'overall') ?? {};
console.log(`LoCoMo consolidation — ${conversations.length} conversations, embedder ${embedder ? 'use-lite' : 'none'}`);
console.log(`memories ${before.memories} → ${after.memories} · ${merged} merges (${archived} archived) · ${superseded} superseded · ${(consolidateMs / 1000).toFixed(1)} s`);
console.table([
  { when: 'before', ...overall(before.recall) },
  { when: 'after', ...overall(after.recall) },
]);
writeResults(opts.get('out') ?? 'bench/results/consolidation.json', {
  data,
  embedder: embedder ? embedder.fingerprint : null,
  before,
  after,
  merged,
  archived,
  superseded,
  consolidateSeconds: Number((consolidateMs / 1000).toFixed(1)),
});
