import { defaultClientConditions, defineConfig } from 'vite';

// Cross-origin isolation lets WASM use threads (SharedArrayBuffer); see ../shared/RECIPES.md.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // onnxruntime-web's "extern wasm" build loads its .mjs/.wasm from env.wasm.wasmPaths (public/ort,
  // copied at install) instead of bundling a second 28 MB copy; its thread workers then start from a
  // file of their own, which also avoids the production-chunk trap in RECIPES.md.
  // The bare "onnxruntime-web" is its plain wasm build in the browser (faster on wasm); the WebGPU-capable
  // JSEP build comes in as "onnxruntime-web/all" only when a model opens on webgpu (docs/decisions/0012).
  resolve: {
    conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions],
    alias: [{ find: /^onnxruntime-web$/, replacement: 'onnxruntime-web/wasm' }],
  },
  server: { headers: isolation, strictPort: false },
  preview: { headers: isolation },
  worker: { format: 'es' },
  // Pre-bundle every dependency the page and the workers import, so the dev server never discovers
  // one late and reloads the page in the middle of a test.
  optimizeDeps: {
    entries: ['index.html', 'test/e2e/harness.html', 'workers/*.ts'],
    include: [
      'comlink',
      'idb',
      '@orama/orama',
      'zod',
      'lit',
      'lit/decorators.js',
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-converter',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow-models/universal-sentence-encoder/dist/tokenizer',
      'onnxruntime-web/wasm',
      'onnxruntime-web/all',
      '@huggingface/tokenizers',
      '@huggingface/jinja',
      'protobufjs/minimal.js',
      '@mlc-ai/web-llm',
      '@mlc-ai/web-xgrammar',
    ],
  },
  build: { target: 'es2022', sourcemap: true },
});
