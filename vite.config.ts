import { defineConfig } from 'vite';

// Cross-origin isolation lets WASM use threads (SharedArrayBuffer); see ../shared/RECIPES.md.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
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
      'onnxruntime-web',
      '@huggingface/tokenizers',
      '@huggingface/jinja',
      'protobufjs/minimal.js',
      '@mlc-ai/web-llm',
    ],
  },
  build: { target: 'es2022', sourcemap: true },
});
