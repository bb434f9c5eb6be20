/// <reference lib="webworker" />
/**
 * The memory worker: hosts MemOS (IndexedDB store, search index, the offline embedder) off the page's
 * thread and serves it through comlink. Thin on purpose: everything it does lives in src/.
 */
import { expose, wrap } from 'comlink';
import { MemosError } from '../src/core/errors';
import { filesAtUrl, type Embedder } from '../src/inference/embedders/embedder';
import { DeferredEmbedder } from '../src/inference/embedders/deferred-embedder';
import { USE_LITE_FLOAT32_INFO, USE_LITE_INFO } from '../src/inference/embedders/use-lite-info';
import { CacheModelFileStore, MemoryModelFileStore } from '../src/inference/runtime/model-files';
import { MemOS } from '../src/os/memos';
import { signalForPort } from '../src/protocol/abort-port';
import type { CallOptions, TaskProgress } from '../src/protocol/memory-types';
import { installErrorTransfer } from '../src/protocol/error-transfer';
import type { InferenceWorkerApi } from '../src/protocol/inference-worker-api';
import { remoteModelSource } from '../src/protocol/remote-language-model';
import {
  API_METHODS,
  type ApiMethod,
  type MemoryWorkerApi,
  type ParamsOf,
  type ResultOf,
  type WorkerOpenOptions,
  type WorkerOpenResult,
} from '../src/protocol/memory-worker-api';

installErrorTransfer();

let os: MemOS | undefined;
const methods = new Set<string>(API_METHODS);

/** The runtime's files: served beside the page's entry (BASE_URL). */
const runtimeBase = (): URL => new URL(import.meta.env.BASE_URL, self.location.href);

/**
 * ORT's wasm threads in this worker: every core when the page is cross-origin isolated (embedding comes
 * in bursts — an import, the catch-up — and one more thread nearly doubles it), else one. Set once,
 * before the first session.
 */
async function ortInThisWorker(): Promise<void> {
  const { configureOrt } = await import('../src/inference/runtime/ort-runtime');
  const threads = self.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1;
  configureOrt({ threads, wasmBase: new URL('ort/', runtimeBase()).href });
}

/**
 * Loads the shipped embedder, USE-lite, from the runtime's files (models/use-lite: see
 * scripts/copy-model-assets.mjs), rewritten as ONNX and run on onnxruntime-web — int8 by default, or
 * float32 (the vectors of the tfjs embedder that earlier versions stored). ORT is fetched only here,
 * so a store opened without vectors never loads it.
 */
async function loadEmbedder(precision: 'int8' | 'float32' = 'int8'): Promise<Embedder> {
  await ortInThisWorker();
  const { UseLiteOrtEmbedder } = await import('../src/inference/embedders/use-lite-ort-embedder');
  return UseLiteOrtEmbedder.load({ files: filesAtUrl(new URL('models/use-lite/', runtimeBase())), precision });
}

const api: MemoryWorkerApi = {
  async open(options: WorkerOpenOptions, onProgress?: (progress: TaskProgress) => void): Promise<WorkerOpenResult> {
    if (os) throw new MemosError('INVALID_INPUT', 'This worker already has a store open.', { field: 'open' });
    let embedder: Embedder | undefined;
    let previousEmbedder: Embedder | undefined;
    let embedderError: string | null = null;
    const choice = options.embedder ?? 'use-lite';
    try {
      if (choice === 'use-lite') {
        // The store opens now; the model loads behind it (adds store at once, search waits for it).
        const deferred = new DeferredEmbedder(USE_LITE_INFO, () => loadEmbedder());
        void deferred.whenReady().catch(() => undefined);
        embedder = deferred;
        // Vectors stored by earlier versions (float32 USE-lite) serve search while the int8 ones are
        // made; the float32 model loads only if there are some and a query needs it.
        previousEmbedder = new DeferredEmbedder(USE_LITE_FLOAT32_INFO, () => loadEmbedder('float32'));
      }
      else if (choice !== 'none') {
        const [, { loadOnnxEmbedder }] = await Promise.all([ortInThisWorker(), import('../src/inference/embedders/onnx-embedder-loader')]);
        embedder = await loadOnnxEmbedder(choice, CacheModelFileStore.available() ? new CacheModelFileStore(self.location.origin) : new MemoryModelFileStore());
        if ((options.previousEmbedder ?? 'use-lite') === 'use-lite') previousEmbedder = new DeferredEmbedder(USE_LITE_INFO, () => loadEmbedder());
      }
    } catch (error) {
      // The store still opens: full-text search works without vectors, and the page is told why.
      embedderError = error instanceof Error ? error.message : String(error);
    }
    os = await MemOS.open({
      ...(options.name !== undefined && { name: options.name }),
      ...(options.durability !== undefined && { durability: options.durability }),
      ...(options.ranking !== undefined && { ranking: options.ranking }),
      ...(options.kvBudgetBytes !== undefined && { kvBudgetBytes: options.kvBudgetBytes }),
      ...(embedder && { embedder }),
      ...(previousEmbedder && { previousEmbedder }),
    }, onProgress ? { onProgress } : {});
    return { embedder: embedder ? embedder.fingerprint.modelId : null, embedderError };
  },
  async invoke<M extends ApiMethod>(method: M, params: ParamsOf<M>, abort?: MessagePort, onProgress?: (progress: TaskProgress) => void): Promise<ResultOf<M>> {
    if (!os) throw new MemosError('STORE_CLOSED', 'Call open() first.');
    if (!methods.has(method)) throw new MemosError('INVALID_INPUT', `Unknown method ${String(method)}.`, { field: 'method' });
    const { signal, done } = signalForPort(abort);
    try {
      const fn = os[method] as (p: unknown, o: CallOptions) => Promise<ResultOf<M>>;
      return await fn.call(os, params, { signal, ...(onProgress && { onProgress }) });
    } finally {
      done();
    }
  },
  async chat(params, onToken, abort) {
    if (!os) throw new MemosError('STORE_CLOSED', 'Call open() first.');
    const { signal, done } = signalForPort(abort);
    try {
      return await os.chat(params, { signal, onToken });
    } finally {
      done();
    }
  },
  async useInference(port) {
    if (!os) throw new MemosError('STORE_CLOSED', 'Call open() first.');
    os.setLanguageModel(port ? remoteModelSource(wrap<InferenceWorkerApi>(port)) : null);
  },
  async close() {
    os?.close();
    os = undefined;
  },
};

expose(api);
