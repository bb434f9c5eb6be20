// `npm run build:lib`: the installable package in dist-lib/ (docs/decisions/0026-package-layout.md).
//
//   dist-lib/index.js      `memos-web`           the page entry: clients, runtime location, MemosError
//   dist-lib/elements.js   `memos-web/elements`  the custom elements (Lit is the consumer's, a peer)
//   dist-lib/core.js       `memos-web/core`      MemOS for a worker of your own or Node
//   dist-lib/ai-sdk.js     `memos-web/ai-sdk`    the AI SDK middleware (the SDK is the consumer's)
//   dist-lib/langchain.js  `memos-web/langchain` a LangChain retriever and a LangGraph store (LangChain is the consumer's)
//   dist-lib/mem0.js       `memos-web/mem0`      a mem0-shaped Memory facade
//   dist-lib/memos-web.js  (no bundler)          page entry + elements + Lit in one module
//   dist-lib/cli/          `npx memos-web mcp`   the MCP server over a synced replica, for Node (its packages bundled)
//   dist-lib/runtime/      the two workers, their chunks and the files they load (ort/, models/);
//                          served from the consumer's origin by the Vite plugin or `memos-web-assets`
//   dist-lib/types/        declarations; dist-lib/custom-elements.json the elements' manifest
//
// Every dependency except Lit is bundled, so installing the package installs nothing else.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { build, mergeConfig, type InlineConfig, type Plugin } from 'vite';
import app from '../vite.config.ts';
import { tokenizerWithoutTfjs } from '../config/tokenizer-without-tfjs.ts';

const OUT = 'dist-lib';
const base: InlineConfig = { ...app, plugins: [], configFile: false, logLevel: 'warn', publicDir: false, mode: 'production' };

/** Each output chunk's static imports, dynamic imports and the packages its modules come from. */
interface ChunkReport {
  readonly imports: string[];
  readonly dynamicImports: string[];
  readonly packages: string[];
}
const report: Record<string, ChunkReport> = {};

/** Records the chunk graph of a build (under `prefix` in dist-lib/) for scripts/package-sizes.ts. */
function chunkGraph(prefix: string): Plugin {
  const packageOf = (id: string): string | undefined => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(id)?.[1];
  return {
    name: 'memos-chunk-graph',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        report[prefix + chunk.fileName] = {
          imports: chunk.imports.filter((f) => f in bundle).map((f) => prefix + f),
          dynamicImports: chunk.dynamicImports.filter((f) => f in bundle).map((f) => prefix + f),
          packages: [...new Set(chunk.moduleIds.map(packageOf).filter((p): p is string => p !== undefined))].sort(),
        };
      }
    },
  };
}

function config(prefix: string, extra: InlineConfig): InlineConfig {
  return mergeConfig({ ...base, plugins: [chunkGraph(prefix), tokenizerWithoutTfjs()] }, extra) as InlineConfig;
}

rmSync(OUT, { recursive: true, force: true });

// The workers, each built on its own with everything it imports (so neither starts with the other's
// code in a shared chunk); their entry files keep stable names so the page entry can start them from
// any folder they are copied to.
for (const worker of ['memory', 'inference']) {
  await build(
    config('runtime/', {
      base: './',
      build: {
        outDir: `${OUT}/runtime`,
        emptyOutDir: false,
        sourcemap: false,
        minify: true,
        lib: { entry: { [`${worker}.worker`]: `workers/${worker}.worker.ts` }, formats: ['es'], fileName: (_format, name) => `${name}.js` },
        rollupOptions: { output: { chunkFileNames: `chunks/${worker}/[name]-[hash].js`, minify: true } },
      },
    }),
  );
}
for (const folder of ['ort', 'models']) {
  if (!existsSync(`public/${folder}`)) throw new Error(`public/${folder} is missing: run npm ci (its prepare step copies the model files)`);
  cpSync(`public/${folder}`, `${OUT}/runtime/${folder}`, { recursive: true, dereference: true });
}

/** Builds page-side entries into dist-lib/ (minified, with source maps), their shared chunks in `chunkDir`. */
async function pageBuild(entry: Record<string, string>, chunkDir: string, external: RegExp[]): Promise<void> {
  await build(
    config('', {
      build: {
        outDir: OUT,
        emptyOutDir: false,
        sourcemap: true,
        minify: true,
        lib: { entry, formats: ['es'], fileName: (_format, name) => `${name}.js` },
        rollupOptions: { external, output: { chunkFileNames: `${chunkDir}/[name]-[hash].js`, minify: true } },
      },
    }),
  );
}

// The page entries and MemOS, for bundlers: Lit stays an import (a peer dependency).
await pageBuild(
  { index: 'src/index.ts', elements: 'src/elements.ts', core: 'src/core-entry.ts', 'ai-sdk': 'src/integrations/ai-sdk.ts', langchain: 'src/integrations/langchain.ts', mem0: 'src/integrations/mem0.ts' },
  'chunks',
  [/^lit($|\/)/, /^@lit\//, /^@ai-sdk\//, /^ai($|\/)/, /^@langchain\//],
);
// One module for plain pages, Lit inside.
await pageBuild({ 'memos-web': 'src/standalone.ts' }, 'standalone', []);

// The command for Node: `memos-web mcp` (src/mcp-cli.ts) with the MCP SDK, PouchDB and fake-indexeddb
// inside, so that `npx memos-web mcp` needs nothing installed beside it; its embedder's model and ORT's
// wasm are read from dist-lib/runtime/. The document readers (pdf.js, mammoth) stay out: the command
// never reads documents.
await build({
  configFile: false,
  logLevel: 'warn',
  publicDir: false,
  mode: 'production',
  ssr: { noExternal: true, target: 'node' },
  // The USE tokenizer's one tfjs-core import stands in as in the browser builds (the embedder needs no tfjs).
  plugins: [tokenizerWithoutTfjs()],
  build: {
    ssr: 'src/mcp-cli.ts',
    outDir: OUT,
    emptyOutDir: false,
    sourcemap: false,
    minify: true,
    target: 'node20',
    rollupOptions: {
      external: [/^pdfjs-dist/, /^mammoth/],
      output: { format: 'es', entryFileNames: 'cli/memos-web.js', chunkFileNames: 'cli/chunks/[name]-[hash].js', banner: '#!/usr/bin/env node' },
    },
  },
});

writeFileSync(`${OUT}/chunk-graph.json`, `${JSON.stringify(report, null, 1)}\n`);

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
}
mkdirSync(`${OUT}/types`, { recursive: true });
run('npx', ['tsc', '-p', 'tsconfig.lib.json']);
run('npx', ['cem', 'analyze', '--litelement', '--globs', 'src/ui/memos-*.ts', 'src/ui/memory-card.ts', 'src/ui/memory-detail.ts', 'src/ui/session-element.ts', '--outdir', OUT]);
console.log(`memos-web: package files written to ${OUT}/ (npm run sizes prints their sizes)`);
