/// <reference lib="webworker" />
// The Chromium embedder benchmark's worker: USE-lite's files and ORT's wasm from our own origin
// (public/, copied at install), as the memory worker loads them; tfjs's wasm (the runtime before
// decision 0032, kept for this comparison) straight from node_modules through the dev server.
import { expose } from 'comlink';
import { filesAtUrl, type Embedder } from '../src/inference/embedders/embedder';
import { configureOrt } from '../src/inference/runtime/ort-runtime';
import type { EmbedderWorkerApi } from './embedder-page';

const api: EmbedderWorkerApi = {
  async run(variant, threads, texts, perCall) {
    const files = filesAtUrl(new URL('/models/use-lite/', self.location.origin));
    const t0 = performance.now();
    let embedder: Embedder;
    if (variant === 'tfjs') {
      const { UseLiteEmbedder } = await import('../src/inference/embedders/use-lite-embedder');
      embedder = await UseLiteEmbedder.load({ files, wasmPath: new URL('/node_modules/@tensorflow/tfjs-backend-wasm/dist/', self.location.origin).href });
    } else {
      configureOrt({ threads, wasmBase: new URL('/ort/', self.location.origin).href });
      const { UseLiteOrtEmbedder } = await import('../src/inference/embedders/use-lite-ort-embedder');
      embedder = await UseLiteOrtEmbedder.load({ files, precision: variant === 'ort-int8' ? 'int8' : 'float32' });
    }
    const loadMs = performance.now() - t0;
    await embedder.embed(texts.slice(0, 32)); // warm-up
    const rows = [];
    for (const n of perCall) {
      const start = performance.now();
      for (let i = 0; i < texts.length; i += n) await embedder.embed(texts.slice(i, i + n));
      const seconds = (performance.now() - start) / 1000;
      rows.push({ variant, threads: variant === 'tfjs' ? 1 : threads, perCall: n, texts: texts.length, textsPerSecond: texts.length / seconds, loadMs });
      console.log(`${variant} · ${variant === 'tfjs' ? 1 : threads} thread(s) · ${n} per call · ${(texts.length / seconds).toFixed(1)} texts/s`);
    }
    embedder.dispose();
    return rows;
  },
};

expose(api);
