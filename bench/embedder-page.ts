// The page of the Chromium embedder run: one fresh worker per runtime and thread count (ORT reads its
// thread count once per worker), figures handed back to the runner.
import { wrap } from 'comlink';

/** Which USE-lite the worker times. */
export type EmbedderVariant = 'tfjs' | 'ort-float32' | 'ort-int8';

/** One measured row. */
export interface EmbedderRow {
  readonly variant: EmbedderVariant;
  readonly threads: number;
  /** Texts handed to one embed() call (a session's turns ≈ 20; the catch-up's batches are 64). */
  readonly perCall: number;
  readonly texts: number;
  readonly textsPerSecond: number;
  readonly loadMs: number;
}

/** What the embedder worker runs. */
export interface EmbedderWorkerApi {
  run(variant: EmbedderVariant, threads: number, texts: string[], perCall: number[]): Promise<EmbedderRow[]>;
}

declare global {
  interface Window {
    runEmbedderInWorker(variant: EmbedderVariant, threads: number, texts: string[], perCall: number[]): Promise<EmbedderRow[]>;
  }
}

window.runEmbedderInWorker = async (variant, threads, texts, perCall) => {
  const worker = new Worker(new URL('./embedder.worker.ts', import.meta.url), { type: 'module' });
  try {
    return await wrap<EmbedderWorkerApi>(worker).run(variant, threads, texts, perCall);
  } finally {
    worker.terminate();
  }
};
