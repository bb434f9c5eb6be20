/**
 * What the inference worker serves: capabilities, the model registry, one loaded model at a time,
 * and generation — every job that touches the model through one {@link DeviceQueue}, so a failed
 * or aborted job never stops the ones after it.
 */
import { MemosError, isMemosError } from '../core/errors';
import { detectCapabilities } from './runtime/capabilities';
import type { AppliedLora, Capabilities, InferenceStatus, KvCache, LoadProgress, ModelEntry, ModelView, OrtModelEntry, TemplateMessage, UserModelEntry } from '../protocol/inference-types';
import { DeviceQueue } from './runtime/device-queue';
import type { ComputeDevice, DistillProgress, DistillRequest, DistillResult, GenerateOptions, GenerateRequest, GenerateResult, LanguageModel, ModelInfo } from '../protocol/language-model';
import type { DownloadProgress, ModelFileStore } from './runtime/model-files';
import { ModelRegistry } from './runtime/model-registry';
import type { OrtSettings } from './runtime/ort-runtime';
import type { OpenAICompatibleConfig } from './remote/openai-compatible-model';

/** Options of {@link InferenceService.load}. */
export interface LoadOptions {
  /** Where to run an ORT model; default: webgpu on a real (non-fallback) GPU, else wasm. */
  readonly device?: ComputeDevice;
  readonly onProgress?: (p: LoadProgress) => void;
  readonly signal?: AbortSignal;
}

/** Options of {@link InferenceService.create}. */
export interface InferenceServiceOptions {
  readonly store: ModelFileStore;
  readonly builtIns: readonly ModelEntry[];
  /** Folder URL of ORT's wasm files on this origin (browser); absent in Node. */
  readonly ortWasmBase?: string;
  /** Wasm threads; default from the capabilities. */
  readonly threads?: number;
  /** Capabilities to assume instead of probing (tests). */
  readonly capabilities?: Capabilities;
}

/** The inference side of memos-web. */
export class InferenceService {
  readonly registry: ModelRegistry;
  readonly #queue = new DeviceQueue();
  readonly #capabilities: Capabilities;
  #model: LanguageModel | undefined;
  #status: InferenceStatus = { state: 'idle' };

  readonly #ortSettings: OrtSettings;

  private constructor(registry: ModelRegistry, capabilities: Capabilities, ortSettings: OrtSettings) {
    this.registry = registry;
    this.#capabilities = capabilities;
    this.#ortSettings = ortSettings;
  }

  /**
   * Probes the device and opens the registry. onnxruntime-web (and the tokenizers) load with the
   * first ONNX model, configured then with these settings.
   */
  static async create(options: InferenceServiceOptions): Promise<InferenceService> {
    const capabilities = options.capabilities ?? (await detectCapabilities());
    const ortSettings: OrtSettings = {
      threads: options.threads ?? capabilities.wasmThreads,
      ...(options.ortWasmBase !== undefined && { wasmBase: options.ortWasmBase }),
    };
    return new InferenceService(new ModelRegistry(options.store, options.builtIns), capabilities, ortSettings);
  }

  /** What this device can run. */
  capabilities(): Capabilities {
    return this.#capabilities;
  }

  /** The current status. */
  status(): InferenceStatus {
    // The model's info changes when adapters are merged: report it as it is now.
    return this.#status.state === 'ready' && this.#model ? { state: 'ready', model: this.#model.info } : this.#status;
  }

  /** The loaded model, if any. */
  get model(): LanguageModel | undefined {
    return this.#model;
  }

  /** Registry entries; with `catalogue`, web-llm's prebuilt models too (this imports web-llm). */
  async listModels(options: { catalogue?: boolean } = {}): Promise<ModelView[]> {
    const views = await this.registry.list();
    if (!options.catalogue) return views;
    const catalogue = (await this.#catalogue()).map((entry) => ({ entry, storedBytes: 0, cached: false }));
    return [...views, ...catalogue];
  }

  async #catalogue(): Promise<ModelEntry[]> {
    const { webLlmCatalogue } = await import('./decoding/web-llm-engine');
    return webLlmCatalogue();
  }

  /** A registry entry, or a web-llm catalogue entry (ids "web-llm:…"). */
  async #entry(id: string): Promise<ModelEntry> {
    if (id.startsWith('web-llm:')) {
      const entry = (await this.#catalogue()).find((e) => e.id === id);
      if (entry) return entry;
    }
    return this.registry.get(id);
  }

  addModel(entry: UserModelEntry): Promise<ModelEntry> {
    return this.registry.add(entry);
  }

  addModelFiles(entry: Omit<OrtModelEntry, 'builtIn' | 'baseUrl'>, files: readonly { name: string; data: Uint8Array }[]): Promise<ModelEntry> {
    return this.registry.addFiles(entry, files);
  }

  /** Deletes a model's stored files; unloads it first if it is the loaded one. */
  async evictModel(id: string): Promise<void> {
    if (this.#model?.info.id === id) await this.unload();
    await this.registry.evict(id);
  }

  async removeModel(id: string): Promise<void> {
    if (this.#model?.info.id === id) await this.unload();
    await this.registry.remove(id);
  }

  /** Bytes of model files stored, and the browser's own estimate of usage and quota when it has one. */
  async storage(): Promise<{ modelBytes: number; usage: number | null; quota: number | null }> {
    const modelBytes = await this.registry.storedBytes();
    const estimate = await globalThis.navigator?.storage?.estimate?.().catch(() => undefined);
    return { modelBytes, usage: estimate?.usage ?? null, quota: estimate?.quota ?? null };
  }

  /**
   * Loads a model, replacing the loaded one.
   * @throws {MemosError} MODEL_UNREACHABLE, MODEL_INVALID, WEBGPU_UNAVAILABLE, SHADER_F16_MISSING, ABORTED
   */
  load(id: string, options: LoadOptions = {}): Promise<ModelInfo> {
    return this.#queue.run(async () => {
      const entry = await this.#entry(id);
      this.#status = { state: 'loading', modelId: id, file: '', loaded: 0, total: null };
      try {
        await this.#disposeModel();
        const model = entry.engine === 'ort' ? await this.#loadOrt(entry, options) : await this.#loadWebLlm(entry, options);
        if (options.signal?.aborted) {
          await model.dispose();
          throw new MemosError('ABORTED', 'Loading the model stopped.');
        }
        this.#model = model;
        this.#status = { state: 'ready', model: model.info };
        return model.info;
      } catch (error) {
        const failure = isMemosError(error) ? error : new MemosError('MODEL_INVALID', String(error), undefined, { cause: error });
        this.#status = { state: 'failed', modelId: id, error: failure.toData() };
        throw failure;
      }
    }, options.signal);
  }

  /**
   * Uses a model on an OpenAI-compatible server instead of one in this tab, replacing the loaded
   * model, after checking that the server answers and takes the key (its model list). The key stays
   * in this worker's memory only.
   * @throws {MemosError} INVALID_INPUT, MODEL_UNREACHABLE, MODEL_AUTH_FAILED, MODEL_RATE_LIMITED, ABORTED
   */
  useServer(config: OpenAICompatibleConfig, signal?: AbortSignal): Promise<ModelInfo> {
    return this.#queue.run(async () => {
      const { openAICompatibleModel, listServerModels } = await import('./remote/openai-compatible-model');
      const model = openAICompatibleModel(config);
      await listServerModels(config, signal);
      await this.#disposeModel();
      this.#model = model;
      this.#status = { state: 'ready', model: model.info };
      return model.info;
    }, signal);
  }

  async #loadOrt(entry: OrtModelEntry, options: LoadOptions): Promise<LanguageModel> {
    const progress = (p: DownloadProgress): void => {
      this.#status = { state: 'loading', modelId: entry.id, ...p };
      options.onProgress?.({ phase: 'download', ...p });
    };
    const files = await this.registry.files(entry, progress, options.signal);
    const device = options.device ?? (this.#capabilities.webgpu.available && !this.#capabilities.webgpu.fallback ? 'webgpu' : 'wasm');
    const [{ configureOrt }, { openOrtModel }] = await Promise.all([import('./runtime/ort-runtime'), import('./runtime/ort-model-loader')]);
    configureOrt(this.#ortSettings);
    return openOrtModel(entry, files, device);
  }

  async #loadWebLlm(entry: Extract<ModelEntry, { engine: 'web-llm' }>, options: LoadOptions): Promise<LanguageModel> {
    const { WebLlmEngine } = await import('./decoding/web-llm-engine');
    return WebLlmEngine.create(
      entry,
      this.#capabilities.webgpu,
      (p) => options.onProgress?.({ phase: 'compile', ...p }),
      options.signal,
    );
  }

  /** Unloads the model (after the jobs queued before). */
  unload(): Promise<void> {
    return this.#queue.run(async () => {
      await this.#disposeModel();
      this.#status = { state: 'idle' };
    });
  }

  async #disposeModel(): Promise<void> {
    const model = this.#model;
    this.#model = undefined;
    await model?.dispose();
  }

  /**
   * Generates with the loaded model, in queue order.
   * @throws {MemosError} MODEL_NOT_LOADED; the model's own errors
   */
  generate(request: GenerateRequest, options: GenerateOptions = {}): Promise<GenerateResult> {
    return this.#queue.run(async () => {
      if (!this.#model) throw new MemosError('MODEL_NOT_LOADED');
      return this.#model.generate(request, options);
    }, options.signal);
  }

  #kv(): NonNullable<LanguageModel['kv']> {
    if (!this.#model) throw new MemosError('MODEL_NOT_LOADED');
    if (!this.#model.kv) throw new MemosError('INVALID_INPUT', 'The loaded engine keeps no readable KV cache.', { field: 'model' });
    return this.#model.kv;
  }

  /** Renders messages with the loaded model's template. @throws {MemosError} MODEL_NOT_LOADED */
  renderChat(messages: readonly TemplateMessage[], addGenerationPrompt: boolean): Promise<string> {
    return this.#kv().renderChat(messages, addGenerationPrompt);
  }

  /** Token ids of a text with the loaded model's tokenizer. @throws {MemosError} MODEL_NOT_LOADED */
  encode(text: string, withBos: boolean): Promise<number[]> {
    return this.#kv().encode(text, withBos);
  }

  /** Prefills ids after a prefix, in queue order, and returns the cache. @throws {MemosError} MODEL_NOT_LOADED */
  prefill(ids: readonly number[], prefix?: KvCache): Promise<KvCache> {
    return this.#queue.run(async () => this.#kv().prefill(ids, prefix));
  }

  /**
   * Merges LoRA adapters into the loaded model's weights (replacing those merged before), in queue
   * order so no generation sees half-changed weights.
   * @throws {MemosError} MODEL_NOT_LOADED, INVALID_INPUT (engine without adapters), ADAPTER_INCOMPATIBLE
   */
  applyAdapters(adapters: readonly AppliedLora[]): Promise<void> {
    return this.#queue.run(async () => {
      if (!this.#model) throw new MemosError('MODEL_NOT_LOADED');
      if (!this.#model.adapters) throw new MemosError('INVALID_INPUT', 'The loaded engine cannot merge adapters: parametric memory needs the ORT engine.', { field: 'model' });
      await this.#model.adapters.apply(adapters);
    });
  }

  /**
   * Trains a LoRA adapter on texts with the loaded model (in queue order: no generation runs meanwhile).
   * @throws {MemosError} MODEL_NOT_LOADED, INVALID_INPUT (engine that cannot train), MODEL_INVALID, ABORTED
   */
  distill(request: DistillRequest, onProgress?: (p: DistillProgress) => void, signal?: AbortSignal): Promise<DistillResult> {
    return this.#queue.run(async () => {
      const distill = this.#model?.adapters?.distill;
      if (!this.#model) throw new MemosError('MODEL_NOT_LOADED');
      if (!distill) throw new MemosError('INVALID_INPUT', 'The loaded engine cannot train adapters: distillation needs the ORT engine.', { field: 'model' });
      return distill(request, onProgress, signal);
    }, signal);
  }

  /** Token counts with the loaded model's tokenizer. @throws {MemosError} MODEL_NOT_LOADED */
  async countTokens(texts: readonly string[]): Promise<number[]> {
    if (!this.#model) throw new MemosError('MODEL_NOT_LOADED');
    return this.#model.countTokens(texts);
  }
}
