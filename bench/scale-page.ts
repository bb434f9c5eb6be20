// The page of the Chromium scale run: starts the benchmark worker and hands its figures to the runner.
import { proxy, wrap } from 'comlink';
import type { ScaleRow } from './lib/scale-run';

declare global {
  interface Window {
    runScaleInWorker(sizes: number[]): Promise<ScaleRow[]>;
  }
}

window.runScaleInWorker = async (sizes) => {
  const worker = new Worker(new URL('./scale.worker.ts', import.meta.url), { type: 'module' });
  const api = wrap<{ run(sizes: number[], heapBytes: () => Promise<number>): Promise<ScaleRow[]> }>(worker);
  try {
    return await api.run(sizes, proxy(workerHeapBytes));
  } finally {
    worker.terminate();
  }
};

/**
 * The benchmark worker's JavaScript heap (typed arrays and WebAssembly memory included), as Chromium
 * measures it for a cross-origin-isolated page (immediately, with ForceEagerMeasureMemory).
 */
async function workerHeapBytes(): Promise<number> {
  const measure = (performance as unknown as { measureUserAgentSpecificMemory(): Promise<{ breakdown: { bytes: number; attribution: { url: string; scope: string }[] }[] }> }).measureUserAgentSpecificMemory;
  const result = await measure.call(performance);
  return result.breakdown.filter((b) => b.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope')).reduce((n, b) => n + b.bytes, 0);
}
