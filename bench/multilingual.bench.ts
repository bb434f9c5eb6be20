/**
 * `npm run bench:multilingual`: full-text recall in 14 languages and 8 scripts, on texts the benchmark
 * ships (bench/data/multilingual-corpus.ts). Every name is crossed with every thing (240 memories per
 * language); each memory is asked for once by a question that shares its name and thing. A third of the
 * questions are typed in lower case without diacritics. Text-only search (no embedder), top 5, first
 * with each language in its own cube (set to that language where the index has its stemmer), then with
 * every language in one cube left on the defaults (a mixed-language store).
 * Prints recall@5 per language; asserts nothing. Options: --out PATH (default bench/results/multilingual.json);
 * --embedder use-lite adds hybrid search with USE-lite (English-only) in each language's own cube, to
 * show what an embedder that does not know the language does to the ranking (vectors cached in
 * bench/.cache).
 */
import 'fake-indexeddb/auto';
import { TEXT_LANGUAGES, type TextLanguage } from '../src/core/cube';
import { seededRandom } from '../src/core/seeded-random';
import { MemOS } from '../src/os/memos';
import { cachedEmbedder } from './lib/embedding-cache';
import { CORPUS, type LanguageCorpus } from './data/multilingual-corpus';
import { options, percentile, writeResults } from './lib/bench-utils';
import { benchUseLite } from './lib/use-lite-bench';

const opts = options();
const random = seededRandom(2026);
const embedder = opts.get('embedder') === 'use-lite' ? cachedEmbedder((await benchUseLite(opts)).embedder) : undefined;
const os = await MemOS.open({ name: `multilingual-${Date.now()}`, scheduler: false, ...(embedder && { embedder }) });
await os.createUser({ userId: 'u', name: 'Bench' });

/** Lower case without the diacritics of Latin and Greek letters: how people often type a query. */
const typedPlainly = (text: string): string => text.toLowerCase().normalize('NFD').replace(/([\p{Script=Latin}\p{Script=Greek}])\p{M}+/gu, '$1').normalize('NFC');

interface Question {
  readonly language: string;
  readonly text: string;
  readonly plain: boolean;
  readonly memoryText: string;
}

async function load(cubeId: string, corpus: readonly LanguageCorpus[], language?: TextLanguage): Promise<Map<string, string>> {
  await os.createCube({ userId: 'u', cubeId, name: cubeId, ...(language && { policy: { redaction: 'redact', language } }) });
  const idOf = new Map<string, string>();
  for (const lang of corpus) {
    const texts: string[] = [];
    for (const name of lang.names) for (const thing of lang.things) texts.push(lang.memory(name, thing, lang.places[Math.floor(random() * lang.places.length)]!));
    const added = await os.add({ userId: 'u', cubeId, memories: texts.map((text) => ({ text })) });
    for (const m of added) idOf.set(`${lang.language}\u0000${m.text}`, m.id);
  }
  return idOf;
}

function questions(lang: LanguageCorpus, idOf: Map<string, string>): (Question & { id: string })[] {
  const out: (Question & { id: string })[] = [];
  for (const [key, id] of idOf) {
    const [language, memoryText] = key.split('\u0000') as [string, string];
    if (language !== lang.language) continue;
    const name = lang.names.find((n) => memoryText.includes(n))!;
    const thing = [...lang.things].sort((a, b) => b.length - a.length).find((t) => memoryText.includes(t))!;
    const plain = random() < 1 / 3;
    const text = lang.question(name, thing);
    out.push({ language, text: plain ? typedPlainly(text) : text, plain, memoryText, id });
  }
  return out;
}

async function recall(cubeId: string, asked: readonly (Question & { id: string })[], times: number[], mode: 'text' | 'hybrid' = 'text'): Promise<number> {
  let found = 0;
  for (const q of asked) {
    const t0 = performance.now();
    const hits = await os.search({ userId: 'u', query: q.text, cubeIds: [cubeId], topK: 5, mode, trackUsage: false });
    times.push(performance.now() - t0);
    if (hits.some((h) => h.memory.id === q.id)) found++;
  }
  return asked.length === 0 ? 0 : found / asked.length;
}

const rows: Record<string, unknown>[] = [];
const times: number[] = [];
const mixedIds = await load('mixed', CORPUS);
for (const lang of CORPUS) {
  // Each language's own cube is set to that language where the index knows it (as its user would).
  const known = TEXT_LANGUAGES.find((l) => l === lang.language.toLowerCase());
  const own = await load(`own-${lang.language}`, [lang], known);
  const asked = questions(lang, own);
  const mixedAsked = questions(lang, mixedIds);
  rows.push({
    language: lang.language,
    script: lang.script,
    memories: own.size,
    questions: asked.length,
    'R@5 own cube': Number((await recall(`own-${lang.language}`, asked, times)).toFixed(3)),
    'R@5 plain-typed': Number((await recall(`own-${lang.language}`, asked.filter((q) => q.plain), [])).toFixed(3)),
    'R@5 mixed store': Number((await recall('mixed', mixedAsked, times)).toFixed(3)),
    ...(embedder && { 'R@5 hybrid, USE-lite': Number((await recall(`own-${lang.language}`, asked, [], 'hybrid')).toFixed(3)) }),
  });
}
console.table(rows);
const lowest = Math.min(...rows.map((r) => r['R@5 own cube'] as number), ...rows.map((r) => r['R@5 mixed store'] as number));
console.log(`lowest recall@5 of any language: ${lowest.toFixed(3)} (target ≥ 0.95) · text search p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms over ${times.length} queries`);
writeResults(opts.get('out') ?? 'bench/results/multilingual.json', { rows, lowest, searchMs: { p50: percentile(times, 50), p95: percentile(times, 95) } });
embedder?.save();
os.close();
