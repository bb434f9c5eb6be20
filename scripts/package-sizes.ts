// `npm run sizes`: what each entry of the package costs a page, and the budgets of issue 19, from the
// chunk graph `npm run build:lib` records (dist-lib/chunk-graph.json). An entry's cost is its file
// and every chunk it imports statically (what loads before it runs), gzipped; dynamic imports load
// later, when used. Exits 1 when a budget is exceeded or model-sized code loads before it is needed.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const OUT = 'dist-lib';
interface ChunkReport {
  readonly imports: string[];
  readonly dynamicImports: string[];
  readonly packages: string[];
}
const graph = JSON.parse(readFileSync(`${OUT}/chunk-graph.json`, 'utf8')) as Record<string, ChunkReport>;

/** The entry and every chunk it imports statically, transitively. */
function closure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const chunk = graph[file];
    if (!chunk) throw new Error(`${file} is not in the chunk graph: run npm run build:lib`);
    seen.add(file);
    chunk.imports.forEach(visit);
  };
  visit(entry);
  return [...seen];
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
function measure(files: readonly string[]): { raw: number; gz: number } {
  let raw = 0;
  let gz = 0;
  for (const file of files) {
    const bytes = readFileSync(`${OUT}/${file}`);
    raw += bytes.length;
    gz += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gz };
}

/** Packages whose code is model-sized: none may load before a vector or a model is needed. */
const HEAVY = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-converter', '@tensorflow/tfjs-backend-wasm', 'onnxruntime-web', '@mlc-ai/web-llm', '@mlc-ai/web-xgrammar', '@huggingface/tokenizers'];

const rows: { entry: string; what: string; budgetKb?: number }[] = [
  { entry: 'index.js', what: '`memos-web` (page entry)', budgetKb: 40 },
  { entry: 'elements.js', what: '`memos-web/elements`, without Lit (the consumer has it)' },
  { entry: 'memos-web.js', what: '`memos-web/elements` with Lit and the page entry (dist-lib/memos-web.js)', budgetKb: 70 },
  { entry: 'core.js', what: '`memos-web/core` (MemOS, for workers of your own and Node)' },
  { entry: 'ai-sdk.js', what: '`memos-web/ai-sdk` (the AI SDK middleware)' },
  { entry: 'mem0.js', what: '`memos-web/mem0` (the mem0-shaped facade)' },
  { entry: 'langchain.js', what: '`memos-web/langchain` (retriever and LangGraph store; LangChain not included)' },
  { entry: 'runtime/memory.worker.js', what: 'memory worker at start (no embedder loaded)' },
  { entry: 'runtime/inference.worker.js', what: 'inference worker at start (no model loaded)' },
];

let failed = false;
console.log('| entry | loads at start (min) | gzip | budget (gzip) |');
console.log('| --- | ---: | ---: | ---: |');
for (const row of rows) {
  const files = closure(row.entry);
  const { raw, gz } = measure(files);
  const over = row.budgetKb !== undefined && gz > row.budgetKb * 1024;
  failed ||= over;
  console.log(`| ${row.what} | ${kb(raw)} | ${kb(gz)} | ${row.budgetKb === undefined ? '—' : `${row.budgetKb} KB${over ? ' **EXCEEDED**' : ''}`} |`);
  if (row.entry.startsWith('runtime/')) {
    const heavy = [...new Set(files.flatMap((f) => graph[f]!.packages.filter((p) => HEAVY.includes(p))))];
    if (heavy.length > 0) {
      failed = true;
      console.log(`  ${row.entry} loads ${heavy.join(', ')} before it is needed`);
    }
  }
}
const lazy = Object.entries(graph).filter(([file, chunk]) => file.startsWith('runtime/') && chunk.packages.some((p) => HEAVY.includes(p)));
console.log(`\nloaded when first used (runtime/, gzip): ${kb(measure(lazy.map(([f]) => f)).gz)} in ${lazy.length} chunks (${[...new Set(lazy.flatMap(([, c]) => c.packages.filter((p) => HEAVY.includes(p))))].join(', ')})`);
console.log(failed ? 'budgets: FAILED' : 'budgets: met');
process.exit(failed ? 1 : 0);
