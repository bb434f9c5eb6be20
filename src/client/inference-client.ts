/**
 * The page's handle to the inference worker: capabilities, the model registry, loading with
 * progress, and generation with streaming and abort. Connect it to a {@link MemosClient} so that
 * chat() in the memory worker uses the loaded model.
 *
 * @example
 * const inference = await InferenceClient.open();
 * await inference.connectMemory(memos);
 * await inference.load('stories260K', { onProgress: (p) => console.log(p) });
 * const reply = await memos.chat({ userId: 'ana', sessionId: 's1', messages: [{ role: 'user', content: 'Hi' }] });
 */
import { proxy, releaseProxy, transfer, wrap, type Remote } from 'comlink';
import { MemosError } from '../core/errors';
import type { Capabilities, InferenceStatus, LoadProgress, ModelEntry, ModelServerConfig, ModelView, OrtModelEntry, UserModelEntry } from '../protocol/inference-types';
import type { ComputeDevice, GenerateOptions, GenerateRequest, GenerateResult, ModelInfo } from '../protocol/language-model';
import { portForSignal } from '../protocol/abort-port';
import { installErrorTransfer } from '../protocol/error-transfer';
import type { InferenceWorkerApi } from '../protocol/inference-worker-api';
import type { MemosClient } from './memos-client';
import { startClientWorker } from './worker-start';
import { runtimeFor } from './runtime-location';

/** A connection to the inference worker. */
export class InferenceClient {
  readonly #worker: Worker;
  readonly #remote: Remote<InferenceWorkerApi>;

  private constructor(worker: Worker, remote: Remote<InferenceWorkerApi>) {
    this.#worker = worker;
    this.#remote = remote;
  }

  /**
   * Starts the inference worker (it probes the device on its first call).
   * @throws {MemosError} WORKER_FAILED when the worker cannot start
   */
  static async open(options: { worker?: Worker; assets?: string | URL } = {}): Promise<InferenceClient> {
    installErrorTransfer();
    const { worker, failed } = startClientWorker(options.worker, () => runtimeFor(options.assets).startInferenceWorker());
    const client = new InferenceClient(worker, wrap<InferenceWorkerApi>(worker));
    try {
      await Promise.race([client.#remote.status(), failed]);
    } catch (error) {
      worker.terminate();
      throw error;
    }
    return client;
  }

  /** What this device can run (WebGPU, shader-f16, isolation, threads). */
  capabilities(): Promise<Capabilities> {
    return this.#remote.capabilities();
  }

  /** Idle, loading (with bytes), ready (with the model) or failed (with the error). */
  status(): Promise<InferenceStatus> {
    return this.#remote.status();
  }

  /** The models the user can load; `catalogue: true` adds web-llm's prebuilt list. */
  listModels(options: { catalogue?: boolean } = {}): Promise<ModelView[]> {
    return this.#remote.listModels(options);
  }

  /** Adds a model by URL (or a web-llm record). @throws {MemosError} INVALID_INPUT */
  addModel(entry: UserModelEntry): Promise<ModelEntry> {
    return this.#remote.addModel(entry);
  }

  /**
   * Adds a model from files the user picked (no network): every file the entry names is stored.
   * @throws {MemosError} INVALID_INPUT, QUOTA_EXCEEDED
   */
  async addModelFiles(entry: Omit<OrtModelEntry, 'builtIn' | 'baseUrl'>, files: readonly File[]): Promise<ModelEntry> {
    const data = await Promise.all(files.map(async (f) => ({ name: f.name, data: new Uint8Array(await f.arrayBuffer()) })));
    return this.#remote.addModelFiles(entry, transfer(data, data.map((d) => d.data.buffer as ArrayBuffer)));
  }

  /** Frees a model's stored files. */
  evictModel(id: string): Promise<void> {
    return this.#remote.evictModel(id);
  }

  /** Removes a user-added model and its files. */
  removeModel(id: string): Promise<void> {
    return this.#remote.removeModel(id);
  }

  /** Bytes of model files stored, with the browser's usage and quota. */
  storage(): Promise<{ modelBytes: number; usage: number | null; quota: number | null }> {
    return this.#remote.storage();
  }

  /**
   * Loads a model (downloading and caching its files the first time).
   * @throws {MemosError} MODEL_UNREACHABLE, MODEL_INVALID, WEBGPU_UNAVAILABLE, SHADER_F16_MISSING, ABORTED
   */
  load(id: string, options: { device?: ComputeDevice; onProgress?: (p: LoadProgress) => void; signal?: AbortSignal } = {}): Promise<ModelInfo> {
    if (options.signal?.aborted) return Promise.reject(new MemosError('ABORTED'));
    const port = portForSignal(options.signal);
    const wire = options.device ? { device: options.device } : {};
    const progress = options.onProgress ? proxy(options.onProgress) : undefined;
    return port ? this.#remote.load(id, wire, progress, transfer(port, [port])) : this.#remote.load(id, wire, progress);
  }

  unload(): Promise<void> {
    return this.#remote.unload();
  }

  /**
   * Uses a model on an OpenAI-compatible server (OpenAI, Ollama, LM Studio, llama.cpp, vLLM) instead of
   * one in this tab: chat() then sends the prompt — with the memories recalled for it — to that
   * server, and to no other. The key is kept in the inference worker's memory only.
   * @throws {MemosError} INVALID_INPUT, MODEL_UNREACHABLE, MODEL_AUTH_FAILED, MODEL_RATE_LIMITED, ABORTED
   * @example
   * await inference.useServer({ baseURL: 'http://localhost:11434/v1', model: 'llama3.2' });
   */
  useServer(config: ModelServerConfig, options: { signal?: AbortSignal } = {}): Promise<ModelInfo> {
    if (options.signal?.aborted) return Promise.reject(new MemosError('ABORTED'));
    const port = portForSignal(options.signal);
    return port ? this.#remote.useServer(config, transfer(port, [port])) : this.#remote.useServer(config);
  }

  /** The models an OpenAI-compatible server offers (`GET /models`). @throws {MemosError} MODEL_UNREACHABLE, MODEL_AUTH_FAILED */
  listServerModels(config: Pick<ModelServerConfig, 'baseURL' | 'apiKey' | 'headers'>): Promise<string[]> {
    return this.#remote.listServerModels(config);
  }

  /**
   * Generates with the loaded model, streaming through `onToken`.
   * @throws {MemosError} MODEL_NOT_LOADED, ABORTED, CONTEXT_OVERFLOW, INFERENCE_FAILED
   */
  generate(request: GenerateRequest, options: GenerateOptions = {}): Promise<GenerateResult> {
    if (options.signal?.aborted) return Promise.reject(new MemosError('ABORTED'));
    const { signal, onToken, constraint: _constraint, ...wire } = options;
    const port = portForSignal(signal);
    const callback = onToken ? proxy(onToken) : undefined;
    return port ? this.#remote.generate(request, wire, callback, transfer(port, [port])) : this.#remote.generate(request, wire, callback);
  }

  /** Gives the memory worker a line to this worker, so chat() uses the loaded model. */
  async connectMemory(memos: MemosClient): Promise<void> {
    const channel = new MessageChannel();
    await this.#remote.connect(transfer(channel.port1, [channel.port1]));
    await memos.useInference(channel.port2);
  }

  /** Stops the worker (the loaded model is freed). */
  close(): void {
    this.#remote[releaseProxy]();
    this.#worker.terminate();
  }
}
