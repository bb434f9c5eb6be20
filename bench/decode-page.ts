// The page of the Chromium decode run: one fresh worker per thread count (ORT reads its thread count
// once per worker), figures handed back to the runner.
import { wrap } from 'comlink';
import type { BenchModel, DecodeRow } from './lib/decode-run';

/** What the decode worker runs. */
export interface DecodeWorkerApi {
  run(models: BenchModel[], threads: number, options: { promptTokens: number; newTokens: number; repeats: number }): Promise<DecodeRow[]>;
}

declare global {
  interface Window {
    runDecodeInWorker(models: BenchModel[], threads: number, options: { promptTokens: number; newTokens: number; repeats: number }): Promise<DecodeRow[]>;
  }
}

window.runDecodeInWorker = async (models, threads, options) => {
  const worker = new Worker(new URL('./decode.worker.ts', import.meta.url), { type: 'module' });
  try {
    return await wrap<DecodeWorkerApi>(worker).run(models, threads, options);
  } finally {
    worker.terminate();
  }
};
