// The page of `npm run bench:adapter`: the app's own path — MemosClient and InferenceClient with their
// real workers — distils memories into adapters with stories260K and times applying them.
import { InferenceClient } from '../src/client/inference-client';
import { MemosClient } from '../src/client/memos-client';

/** One distillation measured. */
export interface AdapterRow {
  readonly memories: number;
  readonly tokens: number;
  readonly steps: number;
  readonly stopped: string;
  readonly trainMs: number;
  readonly msPer1kTokenSteps: number;
  readonly memoryPpl: { before: number; after: number };
  readonly heldOutPpl: { before: number; after: number };
  readonly adapterBytes: number;
  readonly rank: number;
  readonly targets: number;
  readonly activateMs: number;
  readonly deactivateMs: number;
}

declare global {
  interface Window {
    runAdapterBench(sets: string[][], options: { maxSteps: number; timeBudgetMs: number }): Promise<AdapterRow[]>;
  }
}

window.runAdapterBench = async (sets, options) => {
  const memos = await MemosClient.open({ name: `adapter-bench-${Date.now()}`, embedder: 'none', reportIdle: false });
  const inference = await InferenceClient.open();
  await inference.connectMemory(memos);
  await inference.load('stories260K', { device: 'wasm' });
  const api = memos.api;
  await api.createUser({ userId: 'bench', name: 'Bench' });
  const cube = await api.createCube({ userId: 'bench', name: 'bench' });
  const rows: AdapterRow[] = [];
  for (const texts of sets) {
    const added = await api.add({ userId: 'bench', cubeId: cube.cubeId, memories: texts.map((text) => ({ text })) });
    const item = await api.distillAdapter({ userId: 'bench', cubeId: cube.cubeId, memoryIds: added.map((m) => m.id), options: { maxSteps: options.maxSteps, timeBudgetMs: options.timeBudgetMs, seed: 1 } });
    const t0 = performance.now();
    await api.activateAdapter({ userId: 'bench', adapterId: item.id });
    const t1 = performance.now();
    await api.deactivateAdapter({ userId: 'bench', adapterId: item.id });
    const t2 = performance.now();
    const r = item.training!;
    rows.push({
      memories: texts.length,
      tokens: r.tokens,
      steps: r.steps,
      stopped: r.stopped,
      trainMs: r.trainMs,
      msPer1kTokenSteps: (r.trainMs / Math.max(1, r.steps * r.tokens)) * 1000,
      memoryPpl: r.memoryPerplexity,
      heldOutPpl: r.heldOutPerplexity,
      adapterBytes: item.bytes,
      rank: item.rank,
      targets: item.targets.length,
      activateMs: t1 - t0,
      deactivateMs: t2 - t1,
    });
  }
  inference.close();
  await memos.close();
  return rows;
};
