/**
 * The contract between the page (or the memory worker) and the inference worker
 * (workers/inference.worker.ts). Type-only: functions and AbortSignals do not cross a worker
 * boundary, so progress and tokens come back through comlink-proxied callbacks and aborts through a
 * MessagePort (see abort-port.ts).
 */
import type { AppliedLora, Capabilities, InferenceStatus, KvCache, LoadProgress, ModelEntry, ModelServerConfig, ModelView, OrtModelEntry, TemplateMessage, UserModelEntry } from './inference-types';
import type { ComputeDevice, DistillProgress, DistillRequest, DistillResult, GenerateOptions, GenerateRequest, GenerateResult, ModelInfo, TokenEvent } from './language-model';

/** Generation options that can cross the boundary. */
export type WireGenerateOptions = Omit<GenerateOptions, 'signal' | 'onToken' | 'constraint'>;

/** What the inference worker serves. */
export interface InferenceWorkerApi {
  capabilities(): Promise<Capabilities>;
  status(): Promise<InferenceStatus>;
  /** The loaded model, or null. */
  modelInfo(): Promise<ModelInfo | null>;
  /** Registry entries; with `catalogue`, web-llm's prebuilt models too (this loads web-llm). */
  listModels(options?: { catalogue?: boolean }): Promise<ModelView[]>;
  addModel(entry: UserModelEntry): Promise<ModelEntry>;
  addModelFiles(entry: Omit<OrtModelEntry, 'builtIn' | 'baseUrl'>, files: { name: string; data: Uint8Array }[]): Promise<ModelEntry>;
  evictModel(id: string): Promise<void>;
  removeModel(id: string): Promise<void>;
  storage(): Promise<{ modelBytes: number; usage: number | null; quota: number | null }>;
  load(id: string, options: { device?: ComputeDevice }, onProgress?: (p: LoadProgress) => void, abort?: MessagePort): Promise<ModelInfo>;
  unload(): Promise<void>;
  /** Uses a model on an OpenAI-compatible server (see InferenceService.useServer). */
  useServer(config: ModelServerConfig, abort?: MessagePort): Promise<ModelInfo>;
  /** The models a server offers. */
  listServerModels(config: Pick<ModelServerConfig, 'baseURL' | 'apiKey' | 'headers'>): Promise<string[]>;
  generate(request: GenerateRequest, options: WireGenerateOptions, onToken?: (t: TokenEvent) => void, abort?: MessagePort): Promise<GenerateResult>;
  countTokens(texts: string[]): Promise<number[]>;
  /** KV access of the loaded model (ORT engine): template rendering, tokenizing, prefill. */
  kvRenderChat(messages: TemplateMessage[], addGenerationPrompt: boolean): Promise<string>;
  kvEncode(text: string, withBos: boolean): Promise<number[]>;
  kvPrefill(ids: number[], prefix?: KvCache): Promise<KvCache>;
  /** Merges LoRA adapters into the loaded model's weights (an empty list restores the base). */
  applyAdapters(adapters: AppliedLora[]): Promise<void>;
  /** Trains a LoRA adapter on texts with the loaded model (see LanguageModel adapters.distill). */
  distillAdapter(request: DistillRequest, onProgress?: (p: DistillProgress) => void, abort?: MessagePort): Promise<DistillResult>;
  /** Serves this same API on another port (the memory worker's line to the model). */
  connect(port: MessagePort): void;
}
