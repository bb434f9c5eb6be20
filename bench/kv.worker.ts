/// <reference lib="webworker" />
// The Chromium KV benchmark's worker: the model on ORT wasm, the cube in this origin's real IndexedDB.
import { expose } from 'comlink';
import { configureOrt } from '../src/inference/runtime/ort-runtime';
import { Store } from '../src/storage/store';
import type { KvWorkerApi } from './kv-page';
import { openBenchModel, storiesFromOrigin } from './lib/decode-run';
import { runKv } from './lib/kv-run';

const api: KvWorkerApi = {
  async run(options) {
    const applied = configureOrt({ threads: options.threads, wasmBase: new URL('/ort/', self.location.origin).href });
    const stories = options.model === 'stories260K' ? await storiesFromOrigin() : undefined;
    const { decoder } = await openBenchModel(options.model, stories);
    const store = await Store.open({ name: `kv-bench-${Date.now()}` });
    try {
      return await runKv(decoder, store, {
        ...options,
        where: 'chromium-worker',
        threads: applied.threads ?? 1,
        vocab: options.model === 'stories260K' ? 512 : 12000,
        log: (line) => console.log(line),
      });
    } finally {
      store.close();
      await decoder.dispose();
    }
  },
};

expose(api);
