// The page of the Chromium KV run: one worker per model setting, figures handed back to the runner.
import { wrap } from 'comlink';
import type { BenchModel } from './lib/decode-run';
import type { KvRow } from './lib/kv-run';

/** What the KV worker runs. */
export interface KvWorkerApi {
  run(options: KvBenchOptions): Promise<KvRow[]>;
}

/** Settings of one run. */
export interface KvBenchOptions {
  readonly model: BenchModel;
  readonly threads: number;
  readonly memory: number[];
  readonly query: number[];
  readonly repeats: number;
  readonly encoding: 'fp32' | 'fp16' | 'int8';
}

declare global {
  interface Window {
    runKvInWorker(options: KvBenchOptions): Promise<KvRow[]>;
  }
}

window.runKvInWorker = async (options) => {
  const worker = new Worker(new URL('./kv.worker.ts', import.meta.url), { type: 'module' });
  try {
    return await wrap<KvWorkerApi>(worker).run(options);
  } finally {
    worker.terminate();
  }
};
