/**
 * The types of the inference side that cross to the page or to the memory worker: capabilities,
 * status and progress, model entries and views, generation requests and results, KV caches, LoRA and
 * distillation. src/inference implements them; the client, the UI and the memory side import them
 * from here (docs/architecture.md).
 */
import type { DistillationReport } from '../core/adapter-item';
import type { MemosErrorData } from '../core/errors';
import type { ModelInfo } from './language-model';

/** How to train. */
export interface DistillOptions {
  /** LoRA rank (default 4) and alpha (default 2 × rank). */
  readonly rank?: number;
  readonly alpha?: number;
  /** Modules to adapt in every layer (default the attention query and value projections, as PEFT does). */
  readonly modules?: readonly string[];
  readonly learningRate?: number;
  readonly maxSteps?: number;
  /** Stop after this long (default 60 s). */
  readonly timeBudgetMs?: number;
  /**
   * Text the base model wrote itself (e.g. a few sampled continuations). On it the adapted model is
   * held to the base model's next-token distributions (a KL term), so that it learns the memories
   * without forgetting how it writes in general.
   */
  readonly replay?: readonly number[][];
  /** How much the replay KL term counts against the memories' loss (default 4). */
  readonly replayWeight?: number;
  /** Stop once the memory text's loss has fallen to this fraction of where it started (default 0.3). */
  readonly targetLossRatio?: number;
  /** At most this many training tokens in all (the memory budget; texts beyond it are cut). Default 4096. */
  readonly maxTokens?: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: { step: number; loss: number; elapsedMs: number }) => void;
}

/** The layout a cache must match to be fed to a model. */
export interface KvLayout {
  readonly layers: number;
  readonly kvHeads: number;
  readonly headDim: number;
}

/** A cache for one sequence (batch 1). */
export interface KvCache extends KvLayout {
  /** How many token positions the cache holds. */
  readonly length: number;
  /** keys[l] and values[l]: [1, kvHeads, length, headDim] row-major. */
  readonly keys: readonly Float32Array[];
  readonly values: readonly Float32Array[];
}

/** One adapted weight. */
export interface LoraTarget {
  /** The module, Hugging Face style: "model.layers.{l}.self_attn.q_proj", "…mlp.down_proj". */
  readonly module: string;
  /** [rank, in] */
  readonly a: Float32Array;
  /** [out, rank] */
  readonly b: Float32Array;
  readonly rank: number;
  readonly inFeatures: number;
  readonly outFeatures: number;
}

/** An adapter's weights and its scale (alpha / rank). */
export interface LoraWeights {
  readonly id: string;
  readonly scale: number;
  readonly targets: readonly LoraTarget[];
}

/** An adapter to apply, with how strongly (1 = as trained). */
export interface AppliedLora {
  readonly lora: LoraWeights;
  readonly weight: number;
}

/** What training returns: the adapter and the report. */
export interface DistillResult {
  readonly lora: LoraWeights;
  readonly alpha: number;
  readonly report: DistillationReport;
}

/** How the next token is chosen. Temperature 0 (the default) is greedy. */
export interface SamplingOptions {
  readonly temperature?: number;
  /** Keep only the k most likely tokens (0 or absent: all). */
  readonly topK?: number;
  /** Keep the smallest set of tokens whose probability reaches p (1 or absent: all). */
  readonly topP?: number;
  /** Seed of the random generator (default: a fixed seed, so runs repeat). */
  readonly seed?: number;
}

/** A message of a chat, as a chat template sees it. */
export interface TemplateMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** The WebGPU part of the capabilities. */
export type WebGpuSupport =
  | { readonly available: false; readonly reason: string }
  | {
      readonly available: true;
      /** True for a software adapter (SwiftShader): correct but far too slow for real models. */
      readonly fallback: boolean;
      readonly shaderF16: boolean;
      readonly vendor: string;
      readonly architecture: string;
      readonly maxBufferSize: number;
    };

/** What the runtime offers for inference. */
export interface Capabilities {
  readonly webgpu: WebGpuSupport;
  readonly crossOriginIsolated: boolean;
  readonly hardwareConcurrency: number;
  /** Wasm threads worth using: 1 without isolation, else up to 4 and one core left free. */
  readonly wasmThreads: number;
  /** The engines that can run here. */
  readonly engines: { readonly ort: readonly ('wasm' | 'webgpu')[]; readonly webLlm: boolean };
}

/** Where the service stands (a discriminated union: narrow on `state`). */
export type InferenceStatus =
  | { readonly state: 'idle' }
  | { readonly state: 'loading'; readonly modelId: string; readonly file: string; readonly loaded: number; readonly total: number | null }
  | { readonly state: 'ready'; readonly model: ModelInfo }
  | { readonly state: 'failed'; readonly modelId: string; readonly error: MemosErrorData };

/** Progress of a load, as the caller is told. */
export type LoadProgress =
  | { readonly phase: 'download'; readonly file: string; readonly loaded: number; readonly total: number | null }
  | { readonly phase: 'compile'; readonly progress: number; readonly text: string };

/** A decoder run by onnxruntime-web (Optimum layout). */
export interface OrtModelEntry {
  readonly id: string;
  readonly label: string;
  readonly engine: 'ort';
  /** Folder URL the files come from (ending in '/'), or null for files picked from disk. */
  readonly baseUrl: string | null;
  /** File names: the .onnx decoder, the tokenizer, and optionally tokenizer_config.json. */
  readonly files: { readonly model: string; readonly tokenizer: string; readonly tokenizerConfig?: string };
  /** "tokenizer.json" (Hugging Face) or "llama2c" (a llama2.c tokenizer.bin, converted on load). */
  readonly tokenizerFormat: 'tokenizer.json' | 'llama2c';
  /** Vocabulary size, needed for llama2c tokenizers. */
  readonly vocabSize?: number;
  readonly contextLength: number;
  /** How the model applies RoPE, when known: lets stored KV caches be composed. */
  readonly rope?: { readonly theta: number; readonly layout: 'interleaved' | 'half' };
  readonly builtIn: boolean;
  readonly description?: string;
  readonly license?: string;
}

/** A model compiled for web-llm (MLC), from its prebuilt catalogue or a custom record. */
export interface WebLlmModelEntry {
  readonly id: string;
  readonly label: string;
  readonly engine: 'web-llm';
  /** The model id in web-llm's catalogue, or of the custom record. */
  readonly webLlmModelId: string;
  /** A custom record: where the weights and the compiled library are. Absent for catalogue models. */
  readonly record?: { readonly modelUrl: string; readonly modelLibUrl: string };
  readonly contextLength: number;
  readonly needsShaderF16: boolean;
  readonly vramMB?: number;
  readonly builtIn: boolean;
  readonly description?: string;
}

/** Any model entry. */
export type ModelEntry = OrtModelEntry | WebLlmModelEntry;

/** An entry with what is stored of it. */
export interface ModelView {
  readonly entry: ModelEntry;
  /** Bytes of its files in the store. */
  readonly storedBytes: number;
  /** Whether every file is stored (it loads offline). Always false for web-llm (web-llm keeps its own cache). */
  readonly cached: boolean;
}

/** A user-supplied entry without the `builtIn` flag (the registry sets it). */
export type UserModelEntry = Omit<OrtModelEntry, 'builtIn'> | Omit<WebLlmModelEntry, 'builtIn'>;

/** An ONNX sentence encoder to use as the embedder. */
export interface OnnxEmbedderSpec {
  readonly kind: 'onnx';
  /** Recorded with every vector (e.g. "all-MiniLM-L6-v2"). */
  readonly modelId: string;
  /** A new revision re-embeds every memory. */
  readonly revision: string;
  /** Folder URL of the files (ending in '/'); optional when `files` holds them all. */
  readonly baseUrl?: string;
  /** The files' bytes, when the user picked them (stored, then used like fetched ones). */
  readonly files?: readonly { readonly name: string; readonly data: Uint8Array }[];
  /** File names; defaults: model.onnx, tokenizer.json, tokenizer_config.json (optional). */
  readonly names?: { readonly model?: string; readonly tokenizer?: string; readonly tokenizerConfig?: string };
  readonly pooling: 'mean' | 'cls';
  readonly maxTokens?: number;
}

/** Where an OpenAI-compatible model server is and how to talk to it (see openAICompatibleModel). */
export interface ModelServerConfig {
  /** The API's base address, up to and including its version (e.g. "http://localhost:11434/v1"). */
  readonly baseURL: string;
  /** The model name the server knows (e.g. "gpt-4o-mini", "llama3.2"). */
  readonly model: string;
  /** Sent as `Authorization: Bearer …` when given. */
  readonly apiKey?: string;
  /** Extra request headers (e.g. an organisation or project id). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The model's context window in tokens, for prompt budgeting (default 8,192). */
  readonly contextLength?: number;
  /**
   * How to ask for JSON that follows a schema: "json_schema" (default; OpenAI, vLLM, llama.cpp,
   * LM Studio, Ollama ≥ 0.5), "json_object" (valid JSON only), or "none".
   */
  readonly structuredOutput?: 'json_schema' | 'json_object' | 'none';
}
