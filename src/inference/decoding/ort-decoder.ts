/**
 * A decoder-only language model on onnxruntime-web with an explicit KV cache: any decoder exported in
 * the Optimum layout (`input_ids`, `attention_mask`, optional `position_ids`,
 * `past_key_values.N.key/value` → `logits`, `present.N.key/value`). The cache is read out after each
 * forward pass and fed back in, so a prompt's attention state can be stored and resumed exactly.
 */
import { MemosError, isMemosError } from '../../core/errors';
import { emptyKvCache, sameKvLayout } from './kv-cache';
import type { AppliedLora, KvCache, KvLayout } from '../../protocol/inference-types';
import { sha256Hex } from '../../core/hash';
import type { RopeSpec } from './rope';
import type {
  AdapterAccess,
  ComputeDevice,
  KvAccess,
  FinishReason,
  GenerateOptions,
  GenerateRequest,
  GenerateResult,
  LanguageModel,
  ModelInfo,
} from '../../protocol/language-model';
import { createOrtSession, type InferenceSession, type Ort, type Tensor } from '../runtime/ort-runtime';
import { nextTask } from './next-task';
import { Sampler } from './sampling';
import { mergeLora } from '../lora/lora';
import { PLAIN_CHAT_TEMPLATE_VERSION, type TextTokenizer } from '../tokenizers/text-tokenizer';

/** What it takes to open a decoder. */
export interface OrtDecoderOptions {
  readonly id: string;
  /** The .onnx file's bytes. */
  readonly model: Uint8Array;
  readonly tokenizer: TextTokenizer;
  readonly device?: ComputeDevice;
  /** Context window; default: what the model config says, else 2048. */
  readonly contextLength?: number;
  /** Token ids that end generation besides the tokenizer's EOS. */
  readonly eosIds?: readonly number[];
  /** Version of the chat template (the model's own, or the plain one). */
  readonly templateVersion?: string;
  /** How the model applies RoPE, when known (lets stored caches be composed). */
  readonly rope?: RopeSpec;
}

/** The output of one forward pass. */
export interface ForwardResult {
  /** Logits of the last position, or of every position when asked ([positions × vocab]). */
  readonly logits: Float32Array;
  /** The cache after the pass (a new object; the input cache is untouched). */
  readonly cache: KvCache;
}

const PAST = /^past_key_values\.(\d+)\.key$/;

const now = (): number => performance.now();

/** A decoder with explicit KV on onnxruntime-web. */
export class OrtDecoder implements LanguageModel {
  readonly tokenizer: TextTokenizer;
  readonly #ort: Ort;
  #session: InferenceSession;
  #info: ModelInfo;
  readonly #options: OrtDecoderOptions;
  readonly #baseHash: string;
  readonly #layout: KvLayout;
  readonly #vocab: number;
  readonly #hasPositions: boolean;
  readonly #eos: ReadonlySet<number>;

  readonly kv: KvAccess;
  readonly adapters: AdapterAccess;

  private constructor(ort: Ort, session: InferenceSession, options: OrtDecoderOptions, layout: KvLayout, vocab: number, weightsHash: string) {
    this.#ort = ort;
    this.#session = session;
    this.#options = options;
    this.#baseHash = weightsHash;
    this.#layout = layout;
    this.#vocab = vocab;
    this.tokenizer = options.tokenizer;
    this.#hasPositions = session.inputNames.includes('position_ids');
    const eos = new Set(options.eosIds ?? []);
    if (options.tokenizer.eosId !== undefined) eos.add(options.tokenizer.eosId);
    this.#eos = eos;
    const templateVersion = options.templateVersion ?? PLAIN_CHAT_TEMPLATE_VERSION;
    this.#info = {
      id: options.id,
      engine: 'ort',
      device: options.device ?? 'wasm',
      contextLength: options.contextLength ?? 2048,
      kvLayout: layout,
      templateVersion,
      kvModel: { modelId: options.id, weightsHash, dtype: 'float32', ...layout, rope: options.rope ?? null, templateVersion },
      adapters: { baseWeightsHash: weightsHash, applied: [] },
    };
    this.adapters = {
      apply: (adapters) => this.#applyAdapters(adapters),
      // Training code loads only when asked for (see distill-from-decoder.ts).
      distill: async (request, onProgress, signal) => {
        const { distillFromDecoder } = await import('../lora/distill/distill-from-decoder');
        const base = { model: options.model, layout: this.#layout, rope: options.rope, tokenizer: this.tokenizer, generate: (r: GenerateRequest, o: GenerateOptions) => this.generate(r, o) };
        return distillFromDecoder(base, request, onProgress, signal);
      },
    };
    const tokenizer = options.tokenizer;
    this.kv = {
      renderChat: async (messages, addGenerationPrompt) => tokenizer.renderChat(messages, addGenerationPrompt),
      encode: async (text, withBos) => (withBos && tokenizer.bosId !== undefined ? [tokenizer.bosId, ...tokenizer.encode(text)] : tokenizer.encode(text)),
      prefill: async (ids, prefix) => (await this.forward(ids, prefix)).cache,
    };
  }

  /**
   * Opens a decoder: creates the ORT session and reads the KV layout from the model's inputs.
   * @throws {MemosError} MODEL_INVALID when the file is not an Optimum-layout decoder; WEBGPU_UNAVAILABLE
   */
  static async create(options: OrtDecoderOptions): Promise<OrtDecoder> {
    const weightsHash = await sha256Hex(options.model);
    const { ort, session } = await createOrtSession(options.model, options.device ?? 'wasm');
    try {
      const layout = readLayout(session);
      const logits = session.outputMetadata.find((m) => m.name === 'logits');
      const vocab = logits && logits.isTensor ? logits.shape.at(-1) : undefined;
      return new OrtDecoder(ort, session, options, layout, typeof vocab === 'number' ? vocab : 0, weightsHash);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  /** What the model is, with the adapters applied now. */
  get info(): ModelInfo {
    return this.#info;
  }

  /**
   * Rebuilds the session from the base weights with these adapters merged in (decision 0019). The
   * base bytes are kept, so an empty list restores them exactly. Calls must not overlap a generation
   * (the device queue of the inference worker runs them one at a time).
   */
  async #applyAdapters(adapters: readonly AppliedLora[]): Promise<void> {
    const active = adapters.filter((a) => a.weight !== 0);
    const bytes = active.length === 0 ? this.#options.model : mergeLora(this.#options.model, active);
    const weightsHash = active.length === 0 ? this.#baseHash : await sha256Hex(bytes);
    const { session } = await createOrtSession(bytes, this.#options.device ?? 'wasm');
    const old = this.#session;
    this.#session = session;
    this.#info = {
      ...this.#info,
      kvModel: { ...this.#info.kvModel!, weightsHash },
      adapters: { baseWeightsHash: this.#baseHash, applied: active.map((a) => ({ id: a.lora.id, weight: a.weight })) },
    };
    await old.release();
  }

  /** The KV layout this model reads and writes. */
  get kvLayout(): KvLayout {
    return this.#layout;
  }

  async countTokens(texts: readonly string[]): Promise<number[]> {
    return texts.map((text) => this.tokenizer.encode(text).length);
  }

  /**
   * Runs the model over `ids` after `past` (positions continue at `past.length`).
   * @param allLogits - return logits of every position (default: the last only)
   * @throws {MemosError} KV_INCOMPATIBLE when `past` has another layout; CONTEXT_OVERFLOW; INFERENCE_FAILED
   */
  async forward(ids: readonly number[], past: KvCache = emptyKvCache(this.#layout), allLogits = false): Promise<ForwardResult> {
    if (!sameKvLayout(past, this.#layout)) {
      throw new MemosError('KV_INCOMPATIBLE', 'The cache layout differs from the model.', { cache: layoutOf(past), model: this.#layout });
    }
    if (ids.length === 0) throw new MemosError('INVALID_INPUT', 'A forward pass needs at least one token.', { field: 'ids' });
    const total = past.length + ids.length;
    if (total > this.info.contextLength) {
      throw new MemosError('CONTEXT_OVERFLOW', undefined, { tokens: total, contextLength: this.info.contextLength });
    }
    const { kvHeads, headDim, layers } = this.#layout;
    const ort = this.#ort;
    const feeds: Record<string, Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (id) => BigInt(id)), [1, ids.length]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
    };
    if (this.#hasPositions) {
      feeds['position_ids'] = new ort.Tensor('int64', BigInt64Array.from(ids, (_, i) => BigInt(past.length + i)), [1, ids.length]);
    }
    for (let l = 0; l < layers; l++) {
      feeds[`past_key_values.${l}.key`] = new ort.Tensor('float32', past.keys[l] as Float32Array, [1, kvHeads, past.length, headDim]);
      feeds[`past_key_values.${l}.value`] = new ort.Tensor('float32', past.values[l] as Float32Array, [1, kvHeads, past.length, headDim]);
    }
    let outputs: InferenceSession.ReturnType;
    try {
      outputs = await this.#session.run(feeds);
    } catch (error) {
      throw new MemosError('INFERENCE_FAILED', String(error instanceof Error ? error.message : error).slice(0, 300), undefined, { cause: error });
    }
    const logitsTensor = outputs['logits'] as Tensor;
    const all = logitsTensor.data as Float32Array;
    const vocab = (logitsTensor.dims.at(-1) as number) || this.#vocab;
    const logits = allLogits ? all : all.slice(all.length - vocab);
    const keys: Float32Array[] = [];
    const values: Float32Array[] = [];
    for (let l = 0; l < layers; l++) {
      keys.push((outputs[`present.${l}.key`] as Tensor).data as Float32Array);
      values.push((outputs[`present.${l}.value`] as Tensor).data as Float32Array);
    }
    return { logits, cache: { ...this.#layout, length: total, keys, values } };
  }

  /** Token ids of a request's prompt. */
  promptIds(request: GenerateRequest): number[] {
    if ('promptIds' in request) return [...request.promptIds];
    if ('messages' in request) return this.tokenizer.encodeChat(request.messages);
    const ids = this.tokenizer.encode(request.prompt);
    const bos = this.tokenizer.bosId;
    return (request.addBos ?? true) && bos !== undefined && !request.prefix ? [bos, ...ids] : ids;
  }

  async generate(request: GenerateRequest, options: GenerateOptions = {}): Promise<GenerateResult> {
    const started = now();
    const signal = options.signal;
    const checkAbort = (): void => {
      if (signal?.aborted) throw new MemosError('ABORTED', 'Generation was stopped.', { reason: String(signal.reason ?? '') });
    };
    checkAbort();
    const prompt = this.promptIds(request);
    if (options.jsonSchema !== undefined && !options.constraint) {
      // A schema alone: build the grammar here, use it for this generation, free it after.
      const { jsonSchemaConstraint } = await import('./json-grammar');
      const vocab = this.#vocab || this.tokenizer.vocabulary().size;
      const constraint = await jsonSchemaConstraint(this.tokenizer, vocab, options.jsonSchema, [...this.#eos, ...(options.stopTokenIds ?? [])]);
      try {
        return await this.generate(request, { ...options, constraint });
      } finally {
        constraint.dispose();
      }
    }
    const prefix = request.prefix ?? emptyKvCache(this.#layout);
    const maxTokens = Math.max(0, Math.min(options.maxTokens ?? 256, this.info.contextLength - prefix.length - prompt.length));
    if (prompt.length === 0) {
      throw new MemosError('INVALID_INPUT', 'The prompt is empty: give at least one new token, also after a prefix.', { field: 'prompt' });
    }
    const stopIds = new Set([...this.#eos, ...(options.stopTokenIds ?? [])]);
    const stops = (options.stop ?? []).filter((s) => s.length > 0);
    const holdBack = stops.reduce((n, s) => Math.max(n, s.length - 1), 0);
    const sampler = new Sampler(options);
    const stream = this.tokenizer.streamDecoder();
    const generated: number[] = [];
    let emitted = 0;
    let finish: FinishReason = 'length';
    let text = '';

    try {
      const prefillStart = now();
      let step = await this.forward(prompt, prefix);
      const prefillMs = now() - prefillStart;
      const promptCache = options.returnPromptCache ? step.cache : undefined;
      let firstTokenMs = 0;
      let decodeStart = now();
      while (generated.length < maxTokens) {
        // Let a Stop that arrived as a message run before the next token.
        if (signal) await nextTask();
        checkAbort();
        const allowed = await options.constraint?.allowed();
        const id = sampler.next(step.logits, allowed);
        if (generated.length === 0) {
          firstTokenMs = now() - started;
          decodeStart = now();
        }
        if (stopIds.has(id)) {
          options.constraint?.accept(id);
          finish = 'eos';
          break;
        }
        generated.push(id);
        options.constraint?.accept(id);
        stream.push(id);
        text = stream.text();
        const hit = earliestStop(text, stops);
        if (hit >= 0) {
          text = text.slice(0, hit);
          finish = 'stop';
        }
        const ready = finish === 'stop' ? text.length : Math.max(emitted, text.endsWith('\uFFFD') ? emitted : text.length - holdBack);
        const fresh = text.slice(emitted, ready);
        emitted = Math.max(emitted, ready);
        options.onToken?.({ id, text: fresh, index: generated.length - 1 });
        if (finish === 'stop') break;
        if (options.constraint?.done()) {
          finish = 'constraint';
          break;
        }
        if (generated.length >= maxTokens) break;
        step = await this.forward([id], step.cache);
      }
      if (finish !== 'stop' && emitted < text.length && options.onToken && generated.length > 0) {
        options.onToken({ id: generated.at(-1) as number, text: text.slice(emitted), index: generated.length - 1 });
      }
      const decodeMs = generated.length > 0 ? now() - decodeStart : 0;
      const result: GenerateResult = {
        text: finish === 'stop' ? text : this.tokenizer.decode(generated),
        tokenIds: generated,
        promptTokens: prefix.length + prompt.length,
        finishReason: finish,
        timings: {
          prefillMs,
          firstTokenMs: generated.length > 0 ? firstTokenMs : now() - started,
          decodeMs,
          tokensPerSecond: generated.length > 1 && decodeMs > 0 ? ((generated.length - 1) * 1000) / decodeMs : 0,
        },
      };
      return promptCache ? { ...result, promptCache } : result;
    } catch (error) {
      if (isMemosError(error)) throw error;
      throw new MemosError('INFERENCE_FAILED', String(error).slice(0, 300), undefined, { cause: error });
    }
  }

  async dispose(): Promise<void> {
    await this.#session.release();
  }
}

/** Where the first stop string starts in a text, or -1. */
function earliestStop(text: string, stops: readonly string[]): number {
  let best = -1;
  for (const stop of stops) {
    const at = text.indexOf(stop);
    if (at >= 0 && (best < 0 || at < best)) best = at;
  }
  return best;
}

function layoutOf(cache: KvLayout): KvLayout {
  return { layers: cache.layers, kvHeads: cache.kvHeads, headDim: cache.headDim };
}

/** Reads layers, KV heads and head size from the `past_key_values.N.key` inputs. */
function readLayout(session: InferenceSession): KvLayout {
  const pasts = session.inputMetadata.filter((m) => PAST.test(m.name));
  const first = pasts[0];
  const required = ['input_ids', 'attention_mask'];
  if (!first || !first.isTensor || required.some((name) => !session.inputNames.includes(name)) || !session.outputNames.includes('logits')) {
    throw new MemosError('MODEL_INVALID', 'The model is not a decoder with explicit KV in the Optimum layout (input_ids, attention_mask, past_key_values.N.key/value → logits, present.N.key/value).', {
      inputs: session.inputNames.slice(0, 8),
    });
  }
  const [, kvHeads, , headDim] = first.shape;
  if (typeof kvHeads !== 'number' || typeof headDim !== 'number') {
    throw new MemosError('MODEL_INVALID', 'The KV inputs do not declare fixed head counts and sizes.', { shape: first.shape.map(String) });
  }
  return { layers: pasts.length, kvHeads, headDim };
}
