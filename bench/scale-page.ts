// The page of the Chromium scale run: starts the benchmark worker and hands its figures to the runner.
import { wrap } from 'comlink';
import type { ScaleRow } from './lib/scale-run';

declare global {
  interface Window {
    runScaleInWorker(sizes: number[]): Promise<ScaleRow[]>;
  }
}

window.runScaleInWorker = async (sizes) => {
  const worker = new Worker(new URL('./scale.worker.ts', import.meta.url), { type: 'module' });
  const api = wrap<{ run(sizes: number[]): Promise<ScaleRow[]> }>(worker);
  try {
    return await api.run(sizes);
  } finally {
    worker.terminate();
  }
};
