/// <reference lib="webworker" />
/**
 * The memory worker: hosts MemOS (IndexedDB store, search index) off the page's thread and serves it
 * through comlink. Thin on purpose: everything it does lives in src/.
 */
import { expose } from 'comlink';
import { MemosError } from '../src/core/errors';
import { MemOS } from '../src/os/memos';
import { signalForPort } from '../src/protocol/abort-port';
import { installErrorTransfer } from '../src/protocol/error-transfer';
import { API_METHODS, type ApiMethod, type MemoryWorkerApi, type ParamsOf, type ResultOf, type WorkerOpenOptions } from '../src/protocol/memory-worker-api';

installErrorTransfer();

let os: MemOS | undefined;
const methods = new Set<string>(API_METHODS);

const api: MemoryWorkerApi = {
  async open(options: WorkerOpenOptions) {
    if (os) throw new MemosError('INVALID_INPUT', 'This worker already has a store open.', { field: 'open' });
    os = await MemOS.open({ ...(options.name !== undefined && { name: options.name }), ...(options.durability !== undefined && { durability: options.durability }) });
  },
  async invoke<M extends ApiMethod>(method: M, params: ParamsOf<M>, abort?: MessagePort): Promise<ResultOf<M>> {
    if (!os) throw new MemosError('STORE_CLOSED', 'Call open() first.');
    if (!methods.has(method)) throw new MemosError('INVALID_INPUT', `Unknown method ${String(method)}.`, { field: 'method' });
    const { signal, done } = signalForPort(abort);
    try {
      const fn = os[method] as (p: unknown, o: { signal: AbortSignal | undefined }) => Promise<ResultOf<M>>;
      return await fn.call(os, params, { signal });
    } finally {
      done();
    }
  },
  async close() {
    os?.close();
    os = undefined;
  },
};

expose(api);
