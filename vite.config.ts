import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { contentSecurityPolicy, modelHosts } from './config/csp.ts';
import { tokenizerWithoutTfjs } from './config/tokenizer-without-tfjs.ts';

// Cross-origin isolation lets WASM use threads (SharedArrayBuffer); see ../shared/RECIPES.md.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// connect-src: this origin plus the model hosts the deployment lists (config/csp.ts, decision 0016).
const csp = contentSecurityPolicy(modelHosts(process.env['MEMOS_MODEL_HOSTS']));

/** Writes the policy into index.html's meta tag. */
function cspMeta(): Plugin {
  return {
    name: 'memos-csp-meta',
    transformIndexHtml: (html) => html.replace(/(<meta http-equiv="Content-Security-Policy" content=")[^"]*(")/, `$1${csp}$2`),
  };
}

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
  plugins: [
    cspMeta(),
    tokenizerWithoutTfjs(),
    // The offline PWA (decision 0017): the service worker precaches the app, ORT's plain wasm build
    // and the shipped embedder's files (run on ORT: decision 0032), so the app starts and searches offline. ORT's WebGPU build
    // is cached the first time it is used. Models users download live in the inference worker's own
    // Cache Storage and are left alone here.
    VitePWA({
      registerType: 'autoUpdate',
      includeManifestIcons: false,
      injectRegister: null,
      manifest: {
        name: 'memos-web',
        short_name: 'memos',
        description: 'A memory for your assistant that stays in this browser: memories, search and chat, offline.',
        theme_color: '#2f5bd3',
        background_color: '#ffffff',
        display: 'standalone',
        start_url: '.',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        // The app's own OpenAI-compatible endpoint (v1/models, v1/chat/completions), answered by an open tab.
        importScripts: ['memos-openai-sw.js'],
        globPatterns: ['**/*.{js,mjs,css,html,svg,png,webmanifest}', 'ort/ort-wasm-simd-threaded.{mjs,wasm}', 'models/use-lite/*'],
        globIgnores: ['**/ort.all*.js', 'ort/*.jsep.*', 'models/stories260K/**'],
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        navigateFallback: 'index.html',
        runtimeCaching: [
          {
            urlPattern: ({ url, sameOrigin }) => sameOrigin && (/\/ort\/.*jsep/.test(url.pathname) || /\/ort\.all/.test(url.pathname)),
            handler: 'CacheFirst',
            options: { cacheName: 'memos-ort-webgpu' },
          },
        ],
      },
    }),
  ],
  server: { headers: isolation, strictPort: false },
  preview: { headers: { ...isolation, 'Content-Security-Policy': csp } },
  // The workers are bundled on their own: the embedder's chunk is in the memory worker's build.
  worker: { format: 'es', plugins: () => [tokenizerWithoutTfjs()] },
  // Pre-bundle every dependency the page and the workers import, so the dev server never discovers
  // one late and reloads the page in the middle of a test.
  optimizeDeps: {
    entries: ['index.html', 'test/e2e/harness.html', 'examples/ai-sdk-chat.html', 'workers/*.ts'],
    include: [
      'comlink',
      'idb',
      '@orama/stemmers/arabic',
      '@orama/stemmers/armenian',
      '@orama/stemmers/bulgarian',
      '@orama/stemmers/danish',
      '@orama/stemmers/dutch',
      '@orama/stemmers/english',
      '@orama/stemmers/finnish',
      '@orama/stemmers/french',
      '@orama/stemmers/german',
      '@orama/stemmers/greek',
      '@orama/stemmers/indian',
      '@orama/stemmers/hungarian',
      '@orama/stemmers/indonesian',
      '@orama/stemmers/italian',
      '@orama/stemmers/norwegian',
      '@orama/stemmers/portuguese',
      '@orama/stemmers/romanian',
      '@orama/stemmers/russian',
      '@orama/stemmers/spanish',
      '@orama/stemmers/swedish',
      '@orama/stemmers/tamil',
      '@orama/stemmers/turkish',
      '@orama/stemmers/ukrainian',
      '@orama/stopwords/arabic',
      '@orama/stopwords/bulgarian',
      '@orama/stopwords/danish',
      '@orama/stopwords/dutch',
      '@orama/stopwords/finnish',
      '@orama/stopwords/french',
      '@orama/stopwords/german',
      '@orama/stopwords/greek',
      '@orama/stopwords/indian',
      '@orama/stopwords/hungarian',
      '@orama/stopwords/indonesian',
      '@orama/stopwords/italian',
      '@orama/stopwords/norwegian',
      '@orama/stopwords/portuguese',
      '@orama/stopwords/romanian',
      '@orama/stopwords/russian',
      '@orama/stopwords/spanish',
      '@orama/stopwords/swedish',
      '@orama/stopwords/tamil',
      '@orama/stopwords/turkish',
      '@orama/stopwords/ukrainian',
      'zod',
      'lit',
      'lit/decorators.js',
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-converter',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-core/dist/register_all_gradients',
      '@tensorflow-models/universal-sentence-encoder/dist/tokenizer',
      'onnxruntime-web/wasm',
      'onnxruntime-web/all',
      '@huggingface/tokenizers',
      '@huggingface/jinja',
      'protobufjs/minimal.js',
      '@mlc-ai/web-llm',
      '@mlc-ai/web-xgrammar',
      'workbox-window',
      'ai',
      '@ai-sdk/openai-compatible',
      'pdfjs-dist/legacy/build/pdf.mjs',
      'pdfjs-dist/legacy/build/pdf.worker.mjs',
      'mammoth',
      'htmlparser2',
      'marked',
      'fflate',
      'pouchdb-core',
      'pouchdb-adapter-http',
      'pouchdb-adapter-indexeddb',
      'pouchdb-replication',
      'events',
    ],
  },
  // No source maps in the shipped app (30 MB of the build); MEMOS_SOURCEMAP=1 npm run build adds them.
  build: { target: 'es2022', sourcemap: process.env['MEMOS_SOURCEMAP'] === '1' },
});
