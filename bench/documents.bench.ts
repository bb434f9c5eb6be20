/**
 * `npm run bench:documents`: a 100-page PDF (bench/lib/document-corpus.ts, written by pdf-lib) added
 * in a real Chromium through the memory worker — read by pdf.js, chunked, stored in IndexedDB — first
 * readable by words only (no embedder), then with USE-lite embedding every chunk; then a question per
 * page, and whether a passage of that page is among the top 5 hits (words only, and words + meaning).
 * Prints figures and writes bench/results/documents.json; asserts nothing.
 *
 * Options: --pages N (default 100).
 */
import { makePdf } from '../test/support/document-files';
import { withBenchPage } from './lib/bench-browser';
import { ms, options, writeResults } from './lib/bench-utils';
import { syntheticReport } from './lib/document-corpus';

const args = options();
const PAGES = Number(args.get('pages') ?? 100);
const report = syntheticReport(PAGES);
const pdf = await makePdf(report.map((p) => ({ heading: p.heading, paragraphs: p.paragraphs })), 'District services report');
const questions = report.map((p, i) => ({ question: p.question, page: i + 1 }));

interface Run {
  totalMs: number;
  readMs: number;
  embedMs: number;
  storeMs: number;
  chunks: number;
  pages: number;
  recall5: number;
  recall5Halves: [number, number];
  misses: { question: string; page: number; got: (number | null)[] }[];
}

const runs = await withBenchPage('/test/e2e/harness.html?store=bench-docs-words', async (page) => {
  const out: Record<string, Run> = {};
  for (const [label, embedder] of [['words', 'none'], ['words + meaning (USE-lite)', 'use-lite']] as const) {
    await page.goto(new URL(`/test/e2e/harness.html?store=bench-docs-${embedder}-${Date.now()}&embedder=${embedder}`, page.url()).href);
    await page.evaluate(() => window.memosReady);
    // tsx names functions passed as properties (keepNames); the page needs the helper it calls.
    await page.evaluate('window.__name = (f) => f');
    out[label] = await page.evaluate(
      async ({ bytes, questions }) => {
        const api = window.memos;
        await api.createUser({ userId: 'u', name: 'Bench' });
        await api.createCube({ userId: 'u', cubeId: 'c', name: 'documents' });
        const marks: Record<string, number> = {};
        const t0 = performance.now();
        const { document } = await api.addDocument(
          { userId: 'u', cubeId: 'c', file: { name: 'report.pdf', type: 'application/pdf', bytes: new Uint8Array(bytes) } },
          { onProgress: (p) => (marks[`${p.phase}:${p.done === 0 ? 'start' : p.done === p.total ? 'end' : 'mid'}`] ??= performance.now()) },
        );
        const totalMs = performance.now() - t0;
        await new Promise((done) => setTimeout(done, 50)); // the last progress reports
        const got: (number | null)[][] = [];
        let found = 0;
        const halves: [number, number] = [0, 0];
        for (const q of questions) {
          const hits = await api.search({ userId: 'u', query: q.question, cubeIds: ['c'], topK: 5 });
          const pages = hits.map((h) => h.memory.sourceRefs[0]?.page ?? null);
          const hit = hits.some((h) => {
            const r = h.memory.sourceRefs[0];
            return r?.page !== undefined && r.page <= q.page && (r.pageEnd ?? r.page) >= q.page;
          });
          got.push(pages);
          if (hit) {
            found++;
            halves[q.page % 2 === 1 ? 0 : 1] += 1;
          }
        }
        const readEnd = marks['reading:end'] ?? t0;
        const storeStart = marks['storing:start'] ?? readEnd;
        return {
          totalMs,
          readMs: readEnd - t0,
          embedMs: marks['embedding:end'] !== undefined ? marks['embedding:end'] - readEnd : 0,
          storeMs: t0 + totalMs - storeStart,
          chunks: document.chunkIds.length,
          pages: document.pageCount ?? 0,
          recall5: found / questions.length,
          recall5Halves: [halves[0] / Math.ceil(questions.length / 2), halves[1] / Math.floor(questions.length / 2)] as [number, number],
          misses: questions.map((q, i) => ({ ...q, got: got[i]! })).filter((_, i) => !got[i]!.some((p) => p === questions[i]!.page)).slice(0, 5),
        };
      },
      { bytes: [...pdf], questions },
    );
  }
  return out;
});

console.log(`A ${PAGES}-page PDF (${(pdf.length / 1024).toFixed(0)} KB), Chromium worker, real IndexedDB:`);
for (const [label, r] of Object.entries(runs)) {
  console.log(`  ${label}:`);
  console.log(`    added in ${ms(r.totalMs)}: read ${r.pages} pages in ${ms(r.readMs)} (${(r.pages / (r.readMs / 1000)).toFixed(0)} pages/s)${r.embedMs > 0 ? `, embedded ${r.chunks} chunks in ${ms(r.embedMs)} (${(r.chunks / (r.embedMs / 1000)).toFixed(0)} chunks/s)` : ''}, stored in ${ms(r.storeMs)}`);
  console.log(`    ${r.chunks} chunks searchable ${ms(r.totalMs)} after the call: ${(r.chunks / (r.totalMs / 1000)).toFixed(0)} chunks/s end to end`);
  console.log(`    questions' page in the top 5: ${r.recall5.toFixed(3)} (odd pages ${r.recall5Halves[0].toFixed(3)}, even pages ${r.recall5Halves[1].toFixed(3)})`);
  for (const m of r.misses) console.log(`      missed p. ${m.page}: "${m.question}" → pages ${m.got.join(', ')}`);
}
writeResults('bench/results/documents.json', { pages: PAGES, pdfBytes: pdf.length, runs });
