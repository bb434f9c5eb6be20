/**
 * The page's handle to memos-web: starts the memory worker, opens the store in it, and offers the
 * MemOS API with AbortSignal support. Errors arrive as MemosError with their code.
 *
 * @example
 * const memos = await MemosClient.open();
 * await memos.api.createUser({ userId: 'ana', name: 'Ana' });
 */
import { proxy, releaseProxy, transfer, wrap, type Remote } from 'comlink';
import { MemosError } from '../core/errors';
import { portForSignal } from '../protocol/abort-port';
import { installErrorTransfer } from '../protocol/error-transfer';
import { reportIdle } from './idle-reporter';
import { startClientWorker } from './worker-start';
import { runtimeFor } from './runtime-location';
import { API_METHODS, type ApiMethod, type MemoryWorkerApi, type MemosApi, type ParamsOf, type WorkerOpenOptions, type WorkerOpenResult } from '../protocol/memory-worker-api';
import type { CallOptions, ChatOptions, ChatParams, ChatResult, TaskProgress } from '../protocol/memory-types';

/** Options of {@link MemosClient.open}. */
export interface ClientOptions extends WorkerOpenOptions {
  /** A worker to use instead of starting one from the runtime folder (tests, custom builds). */
  readonly worker?: Worker;
  /** Where the runtime is served, for this client only (default: see {@link useRuntimeAt}). */
  readonly assets?: string | URL;
  /** Told how opening goes: "index" and "vectors" (records read). The shipped embedder loads after the store opens. */
  readonly onProgress?: ((progress: TaskProgress) => void) | undefined;
  /** Stops opening: the worker is stopped and `open` rejects with ABORTED. Nothing is written by opening but a schema upgrade, which is all-or-nothing. */
  readonly signal?: AbortSignal | undefined;
  /** Tell the worker when the user is idle or the tab hidden (default true): heavy jobs wait for it. */
  readonly reportIdle?: boolean;
}

/** A connection to the memory worker. */
export class MemosClient {
  /** Every MemOS method; each takes its params and an optional `{ signal }`. */
  readonly api: MemosApi;
  /** What the worker loaded: the embedder in use, or why it could not load one. */
  readonly opened: WorkerOpenResult;
  readonly #worker: Worker;
  readonly #remote: Remote<MemoryWorkerApi>;

  private constructor(worker: Worker, remote: Remote<MemoryWorkerApi>, opened: WorkerOpenResult) {
    this.#worker = worker;
    this.#remote = remote;
    this.opened = opened;
    const api: Partial<Record<ApiMethod, unknown>> = {};
    for (const method of API_METHODS) api[method] = (params: unknown, options?: CallOptions) => this.#invoke(method, params as ParamsOf<typeof method>, options);
    this.api = api as MemosApi;
  }

  /**
   * Starts the worker and opens the store.
   * @throws {MemosError} WORKER_FAILED when the worker cannot start; SCHEMA_TOO_NEW and storage errors from opening; ABORTED
   */
  static async open(options: ClientOptions = {}): Promise<MemosClient> {
    installErrorTransfer();
    if (options.signal?.aborted) throw new MemosError('ABORTED');
    const { worker, failed } = startClientWorker(options.worker, () => runtimeFor(options.assets).startMemoryWorker());
    const remote = wrap<MemoryWorkerApi>(worker);
    const openOptions: WorkerOpenOptions = {
      ...(options.name !== undefined && { name: options.name }),
      ...(options.durability !== undefined && { durability: options.durability }),
      ...(options.ranking !== undefined && { ranking: options.ranking }),
      ...(options.kvBudgetBytes !== undefined && { kvBudgetBytes: options.kvBudgetBytes }),
      ...(options.embedder !== undefined && { embedder: options.embedder }),
      ...(options.previousEmbedder !== undefined && { previousEmbedder: options.previousEmbedder }),
    };
    let opened: WorkerOpenResult;
    try {
      const aborted = new Promise<never>((_, reject) => options.signal?.addEventListener('abort', () => reject(new MemosError('ABORTED')), { once: true }));
      aborted.catch(() => undefined);
      const onProgress = options.onProgress ? proxy(options.onProgress) : undefined;
      opened = await Promise.race([remote.open(openOptions, onProgress), failed, aborted]);
    } catch (error) {
      worker.terminate();
      throw error;
    }
    const client = new MemosClient(worker, remote, opened);
    if (options.reportIdle !== false) client.#stopIdle = reportIdle((idle) => void client.api.setIdle({ idle }).catch(() => undefined));
    return client;
  }

  #stopIdle: () => void = () => undefined;

  async #invoke<M extends ApiMethod>(method: M, params: ParamsOf<M>, options?: CallOptions) {
    if (options?.signal?.aborted) throw new MemosError('ABORTED');
    const port = portForSignal(options?.signal);
    const onProgress = options?.onProgress ? proxy(options.onProgress) : undefined;
    return port ? this.#remote.invoke(method, params, transfer(port, [port]), onProgress) : this.#remote.invoke(method, params, undefined, onProgress);
  }

  /**
   * One chat turn with memory (see MemOS.chat). Needs a model: connect an {@link InferenceClient}
   * with `inference.connectMemory(this)` and load one.
   * @throws {MemosError} MODEL_NOT_LOADED, CONTEXT_OVERFLOW, ABORTED, INVALID_INPUT, FORBIDDEN
   */
  async chat(params: ChatParams, options: ChatOptions = {}): Promise<ChatResult> {
    if (options.signal?.aborted) throw new MemosError('ABORTED');
    const port = portForSignal(options.signal);
    const onToken = options.onToken ? proxy(options.onToken) : undefined;
    return port ? this.#remote.chat(params, onToken, transfer(port, [port])) : this.#remote.chat(params, onToken);
  }

  /** Hands the memory worker its end of a channel to the inference worker (used by InferenceClient). */
  async useInference(port: MessagePort | null): Promise<void> {
    await (port ? this.#remote.useInference(transfer(port, [port])) : this.#remote.useInference(null));
  }

  /** Closes the store and stops the worker. */
  async close(): Promise<void> {
    this.#stopIdle();
    try {
      await this.#remote.close();
    } finally {
      this.#remote[releaseProxy]();
      this.#worker.terminate();
    }
  }
}
