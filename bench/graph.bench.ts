/**
 * `npm run bench:graph`: the entity graph and topic tree at 10k memories, in Node (fake-indexeddb).
 * The memories are LoCoMo's dev turns, three times over with the people renamed in each copy (so each
 * copy's people are other people): 10,305 real conversational lines.
 * Prints: the tagger's throughput alone (memories/s); the graph keeper's throughput through MemOS (read,
 * stored in IndexedDB, held in memory: from the adds to a settled graph); the graph's size (entities,
 * links, stored bytes); the topic tree's build time at 10k, by words alone and with 512-d vectors
 * (seeded random unit vectors: the cost, not the quality); search latency with the graph side and
 * without. Asserts nothing.
 * Options: --data PATH (default ../shared/data/locomo/locomo-dev.json), --out PATH (default bench/results/graph.json).
 */
import 'fake-indexeddb/auto';
import { existsSync } from 'node:fs';
import { seededRandom } from '../src/core/seeded-random';
import { extractEntities } from '../src/memory/graph/entity-extraction';
import { MemOS } from '../src/os/memos';
import { buildTopicTree } from '../src/search/topic-tree';
import { options, percentile, writeResults } from './lib/bench-utils';
import { readLocomo } from './lib/locomo';

const opts = options();
const data = opts.get('data') ?? '../shared/data/locomo/locomo-dev.json';
if (!existsSync(data)) {
  console.log(`No LoCoMo data at ${data} (../shared absent?): nothing to measure.`);
  process.exit(0);
}
const conversations = readLocomo(data);
const RENAMES = [{}, { a: 'Beatrice', b: 'Dolores' }, { a: 'Octavia', b: 'Rosalind' }] as const;

/** The turns of every conversation, once per copy, its two people renamed in the copies. */
const lines: { text: string; speaker: string; sessionId: string }[] = [];
RENAMES.forEach((rename, copy) => {
  for (const c of conversations) {
    const people = [...new Set(c.sessions.flatMap((s) => s.messages.map((m) => m.speaker ?? '')))].filter(Boolean);
    const names = new Map<string, string>(people.map((p, i) => [p, (i === 0 ? (rename as { a?: string }).a : (rename as { b?: string }).b) ?? p]));
    const swap = (text: string) => people.reduce((t, p) => t.replaceAll(p, names.get(p)!), text);
    for (const s of c.sessions) for (const m of s.messages) lines.push({ text: `${names.get(m.speaker!)}: ${swap(m.content)}`, speaker: names.get(m.speaker!)!, sessionId: `${copy}/${s.sessionId}` });
  }
});
console.log(`${lines.length} memories (LoCoMo dev turns ×${RENAMES.length}, people renamed per copy)`);

// 1. The tagger alone, in batches of 100 as the keeper reads them.
let started = performance.now();
let linksFound = 0;
for (let i = 0; i < lines.length; i += 100) {
  const found = await extractEntities(lines.slice(i, i + 100).map((l) => ({ text: l.text, speakers: [l.speaker] })));
  linksFound += found.reduce((n, f) => n + f.length, 0);
}
const taggerMs = performance.now() - started;

// 2. Through MemOS: adds (words only), then the keeper reads, stores and holds every memory.
const os = await MemOS.open({ name: `graph-bench-${Date.now()}`, durability: 'relaxed', scheduler: false });
await os.createUser({ userId: 'bench', name: 'bench' });
await os.createCube({ userId: 'bench', cubeId: 'c', name: 'c' });
started = performance.now();
for (let i = 0; i < lines.length; i += 500) {
  await os.add({ userId: 'bench', cubeId: 'c', memories: lines.slice(i, i + 500).map((l) => ({ text: l.text, sessionId: l.sessionId })) });
}
const addMs = performance.now() - started;
const status = await os.graphStatus({ wait: true });
const linkedMs = performance.now() - started;
const entities = await os.entities({ userId: 'bench', cubeId: 'c', limit: 1000 });
const all = await os.entities({ userId: 'bench', cubeId: 'c', limit: 1000, types: ['person', 'place', 'organization', 'date'] });

// Stored size: the entityLinks records as JSON (what IndexedDB keeps, near enough).
const db = await new Promise<IDBDatabase>((resolve, reject) => {
  const r = indexedDB.open(os.storeName);
  r.onsuccess = () => resolve(r.result);
  r.onerror = () => reject(r.error);
});
const records = await new Promise<unknown[]>((resolve, reject) => {
  const r = db.transaction('entityLinks').objectStore('entityLinks').getAll();
  r.onsuccess = () => resolve(r.result);
  r.onerror = () => reject(r.error);
});
db.close();
const storedBytes = records.reduce<number>((n, r) => n + JSON.stringify(r).length, 0);
const links = (records as { links: unknown[] }[]).reduce((n, r) => n + r.links.length, 0);
const distinct = new Set((records as { links: { key: string }[] }[]).flatMap((r) => r.links.map((l) => l.key))).size;

// 3. The topic tree at 10k: through the API (words: no embedder here), and by itself with 512-d vectors.
started = performance.now();
const topics = await os.topics({ userId: 'bench', cubeId: 'c' });
const topicsWordsMs = performance.now() - started;
const random = seededRandom(11);
const keysOf = (records as { memoryId: string; links: { key: string; type: string }[] }[]).map((r) => ({ id: r.memoryId, keys: r.links.filter((l) => l.type !== 'date').map((l) => l.key) }));
const withVectors = keysOf.map((k) => {
  const v = Float32Array.from({ length: 512 }, () => random() - 0.5);
  const n = Math.hypot(...v);
  return { ...k, vector: v.map((x) => x / n) };
});
started = performance.now();
const vectorTree = buildTopicTree(withVectors, (k) => k).tree;
const topicsVectorsMs = performance.now() - started;

// 4. Search with the graph side and without (the same store, the same queries: LoCoMo's questions).
const questions = conversations.flatMap((c) => c.questions.map((q) => q.question)).slice(0, 400);
const latency = async (graphWeight: number) => {
  const timed = await MemOS.open({ name: os.storeName, durability: 'relaxed', scheduler: false, ranking: { graphWeight } });
  await timed.graphStatus({ wait: true });
  const times: number[] = [];
  for (const query of questions) {
    const t0 = performance.now();
    await timed.search({ userId: 'bench', query, cubeIds: ['c'], topK: 10 });
    times.push(performance.now() - t0);
  }
  timed.close();
  return { p50: Number(percentile(times, 50).toFixed(2)), p95: Number(percentile(times, 95).toFixed(2)) };
};
os.close();
const searchWithout = await latency(0);
const searchWith = await latency(0.5);

const figures = {
  memories: lines.length,
  tagger: { memoriesPerSecond: Math.round(lines.length / (taggerMs / 1000)), links: linksFound },
  keeper: { addMs: Math.round(addMs), linkedMs: Math.round(linkedMs), memoriesPerSecond: Math.round(lines.length / (linkedMs / 1000)), status },
  graph: { entities: distinct, namedEntities: all.length > 999 ? '≥1000' : all.length, links, linksPerMemory: Number((links / lines.length).toFixed(2)), storedBytes, bytesPerMemory: Math.round(storedBytes / lines.length), mostLinked: entities.slice(0, 5).map((e) => `${e.name} (${e.memoryCount})`) },
  topics: { wordsMs: Math.round(topicsWordsMs), topLevel: topics.length, withVectorsMs: Math.round(topicsVectorsMs), topLevelWithVectors: vectorTree.length, labels: topics.slice(0, 6).map((t) => `${t.label} (${t.memoryCount})`) },
  searchMs: { withoutGraph: searchWithout, withGraph: searchWith },
};
console.log(`tagger: ${figures.tagger.memoriesPerSecond} memories/s (${linksFound} links)`);
console.log(`graph keeper through MemOS: adds ${figures.keeper.addMs} ms, every memory linked and stored at ${figures.keeper.linkedMs} ms (${figures.keeper.memoriesPerSecond} memories/s)`);
console.log(`graph at ${lines.length}: ${distinct} entities, ${links} links (${figures.graph.linksPerMemory}/memory), ${(storedBytes / 1e6).toFixed(1)} MB stored (${figures.graph.bytesPerMemory} B/memory); most linked: ${figures.graph.mostLinked.join(', ')}`);
console.log(`topic tree at ${lines.length}: ${figures.topics.wordsMs} ms by words (${topics.length} topics: ${figures.topics.labels.join('; ')}), ${figures.topics.withVectorsMs} ms with 512-d vectors (${vectorTree.length} topics)`);
console.log(`search over ${lines.length} (words only), ${questions.length} LoCoMo questions: p50/p95 ${searchWithout.p50}/${searchWithout.p95} ms without the graph, ${searchWith.p50}/${searchWith.p95} ms with it`);
writeResults(opts.get('out') ?? 'bench/results/graph.json', figures);
