/// <reference lib="webworker" />
// The Chromium decode benchmark's worker: ORT from our own origin (public/ort), stories260K from
// public/models (copied from ../shared at install), the synthetic model built here.
import { expose } from 'comlink';
import { configureOrt } from '../src/inference/runtime/ort-runtime';
import type { DecodeWorkerApi } from './decode-page';
import { measureDecode, openBenchModel, storiesFromOrigin } from './lib/decode-run';

const api: DecodeWorkerApi = {
  async run(models, threads, options) {
    const applied = configureOrt({ threads, wasmBase: new URL('/ort/', self.location.origin).href });
    const rows = [];
    for (const model of models) {
      const stories = model === 'stories260K' ? await storiesFromOrigin() : undefined;
      const { decoder, parameters, loadMs } = await openBenchModel(model, stories);
      const vocab = model === 'stories260K' ? 512 : 12000;
      const figures = await measureDecode(decoder, { ...options, vocab });
      rows.push({ model, where: 'chromium-worker', threads: applied.threads ?? 1, parameters, promptTokens: options.promptTokens, newTokens: options.newTokens, loadMs, ...figures });
      console.log(`${model} · ${applied.threads} thread(s) · ${figures.tokensPerSecond.toFixed(1)} tokens/s · TTFT ${figures.ttftMs.toFixed(0)} ms`);
      await decoder.dispose();
    }
    return rows;
  },
};

expose(api);
