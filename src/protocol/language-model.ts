/**
 * The one interface both engines (the ORT decoder and web-llm) offer: load once, generate with
 * streaming and abort, count tokens.
 */
import type { KvModelFingerprint } from '../core/activation-item';
import type { AppliedLora, DistillOptions, DistillResult, KvCache, KvLayout, SamplingOptions, TemplateMessage } from './inference-types';

/** Which runtime runs a model, and on what. */
export type EngineKind = 'ort' | 'web-llm' | 'openai-compatible';
/** Where the model's math runs. */
export type ComputeDevice = 'wasm' | 'webgpu';

/** What a loaded model is. */
export interface ModelInfo {
  readonly id: string;
  readonly engine: EngineKind;
  /** Where it runs: in this tab ("wasm", "webgpu") or on a model server the user chose ("server"). */
  readonly device: ComputeDevice | 'server';
  /** True when countTokens estimates (a server whose tokenizer this tab does not have). */
  readonly estimatedTokenCounts?: boolean;
  /** The most token positions a sequence may hold (prompt + output). */
  readonly contextLength: number;
  /** The KV layout, for engines whose cache can be read out (ORT). */
  readonly kvLayout?: KvLayout;
  /** The chat template's version: KV built from rendered prompts records it. */
  readonly templateVersion: string;
  /** Present when the model's KV cache can be read out and fed back in (activation memory). */
  readonly kvModel?: KvModelFingerprint;
  /**
   * Present when adapters can be merged into the weights (parametric memory): the base model they must
   * belong to, and those applied now. With adapters applied, `kvModel.weightsHash` is that of the
   * merged weights, so KV caches never mix the two.
   */
  readonly adapters?: { readonly baseWeightsHash: string; readonly applied: readonly { readonly id: string; readonly weight: number }[] };
}

/** Progress of a distillation: the step, the memory text's loss, the time so far. */
export interface DistillProgress {
  readonly step: number;
  readonly loss: number;
  readonly elapsedMs: number;
}

export type { DistillResult };

/** What parametric memory needs of a model: replacing the adapters merged into its weights. */
export interface AdapterAccess {
  /**
   * Merges these adapters (each with its weight) into the base weights, replacing what was applied
   * before; an empty list gives back the base weights exactly.
   * @throws {MemosError} ADAPTER_INCOMPATIBLE when a target weight is missing or has another shape
   */
  apply(adapters: readonly AppliedLora[]): Promise<void>;
  /**
   * Trains a LoRA adapter on texts (distillation of plaintext memories), on the base weights, with
   * model-written replay text so that it does not forget; reports perplexity before and after on the
   * texts and on `heldOut`. Engines that cannot train leave it out.
   * @throws {MemosError} MODEL_INVALID (not a Llama decoder with known weights or RoPE), INVALID_INPUT
   */
  distill?(request: DistillRequest, onProgress?: (p: DistillProgress) => void, signal?: AbortSignal): Promise<DistillResult>;
}

/** What to distil. */
export interface DistillRequest {
  readonly id: string;
  readonly texts: readonly string[];
  readonly heldOut: readonly string[];
  readonly options?: Omit<DistillOptions, 'signal' | 'onProgress' | 'replay'>;
}

/** What activation memory needs of a model whose KV cache is explicit. */
export interface KvAccess {
  /** Renders messages with the model's chat template. */
  renderChat(messages: readonly TemplateMessage[], addGenerationPrompt: boolean): Promise<string>;
  /** Token ids of a text, with BOS first when asked. */
  encode(text: string, withBos: boolean): Promise<number[]>;
  /** Runs `ids` after `prefix` and returns the cache that results (a new one; `prefix` is untouched). */
  prefill(ids: readonly number[], prefix?: KvCache): Promise<KvCache>;
}

/** What to generate from: chat messages (rendered with the model's template) or raw prompt text. */
export type GenerateRequest =
  | { readonly messages: readonly TemplateMessage[]; readonly prefix?: KvCache }
  | { readonly prompt: string; readonly prefix?: KvCache; readonly addBos?: boolean }
  | { readonly promptIds: readonly number[]; readonly prefix?: KvCache };

/** One streamed token. */
export interface TokenEvent {
  /** The token id. */
  readonly id: number;
  /** The text it completes (may be empty while a multi-byte character is unfinished). */
  readonly text: string;
  /** 0 for the first generated token. */
  readonly index: number;
}

/** How to generate. Temperature 0 (default) is greedy. */
export interface GenerateOptions extends SamplingOptions {
  /** The most tokens to generate (default 256). */
  readonly maxTokens?: number;
  /** Stop when the output contains one of these; the stop text is not returned. */
  readonly stop?: readonly string[];
  /** Extra token ids that end generation (the model's EOS always does). */
  readonly stopTokenIds?: readonly number[];
  /** Aborts between tokens; the call then rejects with MemosError ABORTED. */
  readonly signal?: AbortSignal;
  /** Called for every generated token, in order. */
  readonly onToken?: (event: TokenEvent) => void;
  /** Return the KV cache after the prompt (ORT only), to store as activation memory. */
  readonly returnPromptCache?: boolean;
  /**
   * Restricts which token may come next (grammar-constrained decoding); told each accepted token.
   * Generation ends when it reports `done`.
   */
  readonly constraint?: TokenConstraint;
  /**
   * A JSON schema the output must follow: web-llm enforces it itself, the ORT engine by
   * grammar-constrained decoding (@mlc-ai/web-xgrammar).
   */
  readonly jsonSchema?: unknown;
}

/** A per-step token mask, e.g. from a JSON-schema grammar. */
export interface TokenConstraint {
  allowed(): Promise<(id: number) => boolean> | ((id: number) => boolean);
  accept(id: number): void;
  done(): boolean;
}

/** Why generation ended. */
export type FinishReason = 'eos' | 'stop' | 'length' | 'constraint';

/** Timings of one generation, in milliseconds. */
export interface GenerateTimings {
  /** Prompt processing (one forward pass over the prompt). */
  readonly prefillMs: number;
  /** From the call to the first generated token. */
  readonly firstTokenMs: number;
  /** Generating the remaining tokens. */
  readonly decodeMs: number;
  /** Generated tokens per second after the first. */
  readonly tokensPerSecond: number;
}

/** The result of a generation. */
export interface GenerateResult {
  readonly text: string;
  readonly tokenIds: readonly number[];
  readonly promptTokens: number;
  readonly finishReason: FinishReason;
  readonly timings: GenerateTimings;
  /** The cache after the prompt, when asked for with `returnPromptCache`. */
  readonly promptCache?: KvCache;
}

/** A loaded language model. */
export interface LanguageModel {
  readonly info: ModelInfo;
  /** KV access, for engines that have it (the ORT decoder). */
  readonly kv?: KvAccess;
  /** Adapter access, for engines that can merge LoRA weights (the ORT decoder). */
  readonly adapters?: AdapterAccess;
  /** Tokens each text takes with this model's tokenizer (batched: it may cross a worker boundary). */
  countTokens(texts: readonly string[]): Promise<number[]>;
  /** Generates a continuation. @throws {MemosError} ABORTED, CONTEXT_OVERFLOW, INFERENCE_FAILED */
  generate(request: GenerateRequest, options?: GenerateOptions): Promise<GenerateResult>;
  /** Frees the model's memory. */
  dispose(): Promise<void>;
}

/** The version of the plain chat template (src/inference/tokenizers/text-tokenizer.ts), as models report it in ModelInfo.templateVersion. */
export const PLAIN_CHAT_TEMPLATE_VERSION = 'plain-1';
