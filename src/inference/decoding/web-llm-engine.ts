/**
 * A {@link LanguageModel} on @mlc-ai/web-llm, for users with a real GPU: its prebuilt catalogue plus
 * custom model records, streaming, and JSON-schema constrained output. web-llm is imported only when
 * such a model is loaded (it is ~6 MB), and only inside the inference worker. It keeps no KV that can
 * be read out, so activation memory uses the ORT decoder instead.
 */
import type { AppConfig, MLCEngine, ModelRecord } from '@mlc-ai/web-llm';
import { MemosError } from '../../core/errors';
import type { WebGpuSupport, WebLlmModelEntry } from '../../protocol/inference-types';
import type { GenerateOptions, GenerateRequest, GenerateResult, LanguageModel, ModelInfo } from '../../protocol/language-model';
import { webLlmError } from './web-llm-errors';

/** Load progress as web-llm reports it (0–1, with a line of text). */
export interface WebLlmProgress {
  readonly progress: number;
  readonly text: string;
}

/** Catalogue entries of web-llm's prebuilt list, as registry entries. */
export async function webLlmCatalogue(): Promise<WebLlmModelEntry[]> {
  const { prebuiltAppConfig } = await import('@mlc-ai/web-llm');
  return prebuiltAppConfig.model_list
    .filter((r) => (r.model_type ?? 0) === 0)
    .map((r) => ({
      id: `web-llm:${r.model_id}`,
      label: r.model_id,
      engine: 'web-llm' as const,
      webLlmModelId: r.model_id,
      contextLength: r.overrides?.context_window_size ?? 4096,
      needsShaderF16: r.model_id.includes('f16') || (r.required_features ?? []).includes('shader-f16'),
      ...(r.vram_required_MB !== undefined && { vramMB: r.vram_required_MB }),
      builtIn: true,
    }));
}

/**
 * The app config web-llm gets: its catalogue, plus the entry's own record when it has one.
 * @internal exported for tests
 */
export function webLlmAppConfig(catalogue: readonly ModelRecord[], entry: WebLlmModelEntry): AppConfig {
  if (!entry.record) return { model_list: [...catalogue] };
  const custom: ModelRecord = {
    model: entry.record.modelUrl,
    model_id: entry.webLlmModelId,
    model_lib: entry.record.modelLibUrl,
    overrides: { context_window_size: entry.contextLength },
    ...(entry.needsShaderF16 && { required_features: ['shader-f16'] }),
  };
  return { model_list: [...catalogue.filter((r) => r.model_id !== entry.webLlmModelId), custom] };
}

/**
 * Checks, before anything is downloaded, that the device can run the entry.
 * @throws {MemosError} WEBGPU_UNAVAILABLE; SHADER_F16_MISSING
 */
export function checkWebLlmDevice(entry: WebLlmModelEntry, webgpu: WebGpuSupport): void {
  if (!webgpu.available) throw new MemosError('WEBGPU_UNAVAILABLE', webgpu.reason, { modelId: entry.id });
  if (entry.needsShaderF16 && !webgpu.shaderF16) throw new MemosError('SHADER_F16_MISSING', undefined, { modelId: entry.id });
}

/** A web-llm model behind the LanguageModel interface. */
export class WebLlmEngine implements LanguageModel {
  readonly info: ModelInfo;
  readonly #engine: MLCEngine;

  private constructor(engine: MLCEngine, entry: WebLlmModelEntry) {
    this.#engine = engine;
    this.info = { id: entry.id, engine: 'web-llm', device: 'webgpu', contextLength: entry.contextLength, templateVersion: `web-llm-${entry.webLlmModelId}` };
  }

  /**
   * Loads a model (web-llm fetches and caches its files itself).
   * @throws {MemosError} WEBGPU_UNAVAILABLE, SHADER_F16_MISSING, MODEL_UNREACHABLE, GPU_OUT_OF_MEMORY, ABORTED
   */
  static async create(entry: WebLlmModelEntry, webgpu: WebGpuSupport, onProgress?: (p: WebLlmProgress) => void, signal?: AbortSignal): Promise<WebLlmEngine> {
    checkWebLlmDevice(entry, webgpu);
    const webllm = await import('@mlc-ai/web-llm');
    const engine = new webllm.MLCEngine({
      appConfig: webLlmAppConfig(webllm.prebuiltAppConfig.model_list, entry),
      logLevel: 'SILENT',
      ...(onProgress && { initProgressCallback: (r: { progress: number; text: string }) => onProgress({ progress: r.progress, text: r.text }) }),
    });
    const aborted = new Promise<never>((_, reject) => {
      signal?.addEventListener('abort', () => reject(new MemosError('ABORTED', 'Loading the model stopped.')), { once: true });
    });
    try {
      await Promise.race([engine.reload(entry.webLlmModelId), aborted]);
    } catch (error) {
      await engine.unload().catch(() => undefined);
      throw webLlmError(error);
    }
    return new WebLlmEngine(engine, entry);
  }

  /** An estimate (4 characters a token): web-llm exposes no tokenizer to count with. */
  async countTokens(texts: readonly string[]): Promise<number[]> {
    return texts.map((t) => Math.ceil(t.length / 4));
  }

  async generate(request: GenerateRequest, options: GenerateOptions = {}): Promise<GenerateResult> {
    if (!('messages' in request) || request.prefix) {
      throw new MemosError('INVALID_INPUT', 'web-llm takes chat messages only: raw token prompts and KV prefixes need the ORT engine.', { field: 'request' });
    }
    const started = performance.now();
    let first = 0;
    let text = '';
    let count = 0;
    let promptTokens = 0;
    let finish: GenerateResult['finishReason'] = 'length';
    try {
      const stream = await this.#engine.chat.completions.create({
        messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
        stream: true,
        stream_options: { include_usage: true },
        temperature: options.temperature ?? 0,
        top_p: options.topP ?? 1,
        max_tokens: options.maxTokens ?? 256,
        ...(options.stop && { stop: [...options.stop] }),
        ...(options.seed !== undefined && { seed: options.seed }),
        ...(options.jsonSchema !== undefined && { response_format: { type: 'json_object' as const, schema: JSON.stringify(options.jsonSchema) } }),
      });
      for await (const chunk of stream) {
        if (options.signal?.aborted) {
          this.#engine.interruptGenerate();
          throw new MemosError('ABORTED', 'Generation was stopped.');
        }
        const choice = chunk.choices[0];
        const delta = choice?.delta.content ?? '';
        if (delta) {
          if (count === 0) first = performance.now() - started;
          options.onToken?.({ id: -1, text: delta, index: count++ });
          text += delta;
        }
        if (choice?.finish_reason) finish = choice.finish_reason === 'length' ? 'length' : 'stop';
        if (chunk.usage) {
          promptTokens = chunk.usage.prompt_tokens;
          count = chunk.usage.completion_tokens;
        }
      }
    } catch (error) {
      throw webLlmError(error);
    }
    const total = performance.now() - started;
    return {
      text,
      tokenIds: [],
      promptTokens,
      finishReason: finish,
      timings: { prefillMs: first, firstTokenMs: first, decodeMs: total - first, tokensPerSecond: count > 1 ? ((count - 1) * 1000) / (total - first) : 0 },
    };
  }

  async dispose(): Promise<void> {
    await this.#engine.unload();
  }
}
