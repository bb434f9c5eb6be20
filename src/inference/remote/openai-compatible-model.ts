/**
 * A language model on a server that speaks the OpenAI chat-completions protocol: OpenAI itself, or a
 * local Ollama, LM Studio, llama.cpp or vLLM server. It implements the same LanguageModel as the
 * in-tab engines, so chat(), the fine MemReader and consolidation's judge work with it unchanged.
 * Only what the caller sends leaves the device, and only to `baseURL`; the API key lives in this
 * object alone (never stored, logged, exported or put in an error).
 */
import { MemosError, type MemosErrorCode } from '../../core/errors';
import type { ModelServerConfig, TemplateMessage } from '../../protocol/inference-types';
import type { FinishReason, GenerateOptions, GenerateRequest, GenerateResult, LanguageModel, ModelInfo } from '../../protocol/language-model';
import { readServerSentEvents } from './server-sent-events';

/** A server's settings, plus the fetch to use (default: the global one). */
export interface OpenAICompatibleConfig extends ModelServerConfig {
  readonly fetch?: typeof fetch;
}

/** What the server said, reduced to what a caller can act on. */
interface ServerError {
  readonly status: number;
  readonly message: string;
  readonly code: string | undefined;
}

const DEFAULT_CONTEXT = 8192;

/**
 * A LanguageModel over an OpenAI-compatible server.
 * @throws {MemosError} INVALID_INPUT when the base URL is not http(s) or the model name is empty
 * @example
 * const model = openAICompatibleModel({ baseURL: 'http://localhost:11434/v1', model: 'llama3.2' });
 * os.setLanguageModel(model);
 */
export function openAICompatibleModel(config: OpenAICompatibleConfig): LanguageModel {
  const base = serverBase(config.baseURL);
  if (typeof config.model !== 'string' || config.model.trim() === '') throw new MemosError('INVALID_INPUT', 'Name the model.', { field: 'model' });
  return new OpenAICompatibleModel(base, config);
}

/**
 * A server's base address as a folder URL (a trailing slash added).
 * @throws {MemosError} INVALID_INPUT when it is not an http(s) address
 */
function serverBase(baseURL: string): URL {
  let base: URL;
  try {
    base = new URL(baseURL.endsWith('/') ? baseURL : `${baseURL}/`);
  } catch {
    throw new MemosError('INVALID_INPUT', 'baseURL is not an address.', { field: 'baseURL' });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new MemosError('INVALID_INPUT', 'baseURL must be http or https.', { field: 'baseURL' });
  return base;
}

/**
 * One request to the server at `base`, with the caller's headers and key; a refusal or no answer
 * becomes a MemosError with the server's words (never the key).
 * @throws {MemosError} ABORTED, MODEL_UNREACHABLE and the codes of errorFor
 */
async function callServer(
  config: Pick<OpenAICompatibleConfig, 'apiKey' | 'headers' | 'fetch'>,
  base: URL,
  path: string,
  request: { readonly accept: string; readonly body?: unknown },
  signal: AbortSignal | undefined,
): Promise<Response> {
  const headers: Record<string, string> = { ...(request.body !== undefined && { 'Content-Type': 'application/json' }), Accept: request.accept, ...config.headers };
  if (config.apiKey) headers['Authorization'] = `Bearer ${config.apiKey}`;
  const fetcher = config.fetch ?? ((input: URL, init: RequestInit) => globalThis.fetch(input, init));
  let response: Response;
  try {
    response = await fetcher(new URL(path, base), {
      headers,
      ...(request.body !== undefined && { method: 'POST', body: JSON.stringify(request.body) }),
      ...(signal && { signal }),
    });
  } catch (error) {
    if (signal?.aborted) throw new MemosError('ABORTED');
    throw new MemosError('MODEL_UNREACHABLE', `${base.origin}: ${error instanceof Error ? error.message : String(error)}`, { url: base.origin });
  }
  if (!response.ok) throw errorFor(await readServerError(response), base.origin);
  return response;
}

class OpenAICompatibleModel implements LanguageModel {
  readonly info: ModelInfo;
  readonly #base: URL;
  readonly #config: OpenAICompatibleConfig;

  constructor(base: URL, config: OpenAICompatibleConfig) {
    this.#base = base;
    this.#config = config;
    this.info = {
      id: `${config.model}@${base.host}`,
      engine: 'openai-compatible',
      device: 'server',
      contextLength: config.contextLength ?? DEFAULT_CONTEXT,
      // The server applies its own chat template; KV built here never mixes with it (there is no KV access).
      templateVersion: `server:${config.model}`,
      estimatedTokenCounts: true,
    };
  }

  /** An estimate (no tokenizer here): about 4 characters or 0.75 words per token, whichever says more. */
  async countTokens(texts: readonly string[]): Promise<number[]> {
    return texts.map(estimateTokens);
  }

  async generate(request: GenerateRequest, options: GenerateOptions = {}): Promise<GenerateResult> {
    if (options.signal?.aborted) throw new MemosError('ABORTED');
    if (request.prefix || options.returnPromptCache || options.constraint) {
      throw new MemosError('INVALID_INPUT', 'A model server keeps no KV cache and takes no token constraint: use a JSON schema, or an in-tab ORT model for activation memory.', { field: 'request' });
    }
    if ('promptIds' in request) throw new MemosError('INVALID_INPUT', 'A model server takes text, not token ids.', { field: 'promptIds' });
    const chat = 'messages' in request;
    const body: Record<string, unknown> = {
      model: this.#config.model,
      ...(chat ? { messages: request.messages.map(toWire) } : { prompt: request.prompt }),
      max_tokens: options.maxTokens ?? 256,
      temperature: options.temperature ?? 0,
      ...(options.topP !== undefined && { top_p: options.topP }),
      ...(options.seed !== undefined && { seed: options.seed }),
      ...(options.stop && options.stop.length > 0 && { stop: options.stop.slice(0, 4) }),
      ...(chat && this.#responseFormat(options.jsonSchema)),
    };
    const streaming = options.onToken !== undefined;
    if (streaming) Object.assign(body, { stream: true, stream_options: { include_usage: true } });
    const started = performance.now();
    const response = await this.#post(chat ? 'chat/completions' : 'completions', body, options.signal);
    const reply = streaming ? await this.#readStream(response, options, started) : await this.#readWhole(response, chat);
    const total = performance.now() - started;
    const firstTokenMs = reply.firstTokenMs ?? total;
    const tokens = reply.completionTokens ?? estimateTokens(reply.text);
    const decodeMs = Math.max(0, total - firstTokenMs);
    return {
      text: stopAt(reply.text, options.stop),
      tokenIds: [],
      promptTokens: reply.promptTokens ?? (chat ? estimateTokens(request.messages.map((m) => m.content).join('\n')) : estimateTokens(request.prompt)),
      finishReason: reply.finishReason,
      timings: { prefillMs: firstTokenMs, firstTokenMs, decodeMs, tokensPerSecond: tokens > 1 && decodeMs > 0 ? ((tokens - 1) * 1000) / decodeMs : 0 },
    };
  }

  async dispose(): Promise<void> {}

  #responseFormat(schema: unknown): Record<string, unknown> {
    if (schema === undefined) return {};
    const mode = this.#config.structuredOutput ?? 'json_schema';
    if (mode === 'none') return {};
    if (mode === 'json_object') return { response_format: { type: 'json_object' } };
    return { response_format: { type: 'json_schema', json_schema: { name: 'output', schema, strict: true } } };
  }

  #post(path: string, body: unknown, signal: AbortSignal | undefined): Promise<Response> {
    return callServer(this.#config, this.#base, path, { accept: 'application/json, text/event-stream', body }, signal);
  }

  async #readWhole(response: Response, chat: boolean): Promise<Reply> {
    const json = (await response.json().catch(() => null)) as CompletionBody | null;
    const choice = json?.choices?.[0];
    if (!choice) throw new MemosError('INFERENCE_FAILED', 'The server answered without a choice.', { url: this.#base.origin });
    return {
      text: (chat ? choice.message?.content : choice.text) ?? '',
      finishReason: finishOf(choice.finish_reason),
      promptTokens: json.usage?.prompt_tokens,
      completionTokens: json.usage?.completion_tokens,
      firstTokenMs: undefined,
    };
  }

  async #readStream(response: Response, options: GenerateOptions, started: number): Promise<Reply> {
    if (!response.body) throw new MemosError('INFERENCE_FAILED', 'The server sent no stream.', { url: this.#base.origin });
    let text = '';
    let index = 0;
    let finish: FinishReason = 'eos';
    let usage: CompletionBody['usage'];
    let firstTokenMs: number | undefined;
    try {
      for await (const data of readServerSentEvents(response.body, options.signal)) {
        if (data === '[DONE]') break;
        const chunk = JSON.parse(data) as CompletionBody & { error?: { message?: string } };
        if (chunk.error) throw new MemosError('INFERENCE_FAILED', `The server: ${chunk.error.message ?? 'error in the stream'}`, { url: this.#base.origin });
        if (chunk.usage) usage = chunk.usage;
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        const piece = choice.delta?.content ?? choice.text ?? '';
        if (piece) {
          firstTokenMs ??= performance.now() - started;
          text += piece;
          options.onToken?.({ id: -1, text: piece, index: index++ });
        }
        if (choice.finish_reason) finish = finishOf(choice.finish_reason);
      }
    } catch (error) {
      if (options.signal?.aborted) throw new MemosError('ABORTED');
      if (error instanceof MemosError) throw error;
      throw new MemosError('INFERENCE_FAILED', `The stream broke off: ${error instanceof Error ? error.message : String(error)}`, { url: this.#base.origin });
    }
    if (options.signal?.aborted) throw new MemosError('ABORTED');
    return { text, finishReason: finish, promptTokens: usage?.prompt_tokens, completionTokens: usage?.completion_tokens, firstTokenMs };
  }
}

/** One generation as read from the server. */
interface Reply {
  readonly text: string;
  readonly finishReason: FinishReason;
  readonly promptTokens: number | undefined;
  readonly completionTokens: number | undefined;
  readonly firstTokenMs: number | undefined;
}

/** The fields of a (streamed or whole) completion this reads. */
interface CompletionBody {
  readonly choices?: readonly {
    readonly message?: { readonly content?: string | null };
    readonly delta?: { readonly content?: string | null };
    readonly text?: string;
    readonly finish_reason?: string | null;
  }[];
  readonly usage?: { readonly prompt_tokens?: number; readonly completion_tokens?: number };
}

function toWire(message: TemplateMessage): { role: string; content: string } {
  return { role: message.role, content: message.content };
}

function finishOf(reason: string | null | undefined): FinishReason {
  return reason === 'length' ? 'length' : reason === 'content_filter' ? 'stop' : 'eos';
}

/** Servers that ignore `stop` (or take fewer than asked) still end where the caller asked. */
function stopAt(text: string, stop: readonly string[] | undefined): string {
  let end = text.length;
  for (const s of stop ?? []) {
    const at = s ? text.indexOf(s) : -1;
    if (at >= 0 && at < end) end = at;
  }
  return text.slice(0, end);
}

/** About 4 characters or 0.75 words per token, whichever says more (English-like text; CJK counts by character). */
export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  const words = text.split(/\s+/).filter(Boolean).length;
  return Math.max(1, Math.ceil(text.length / 4), Math.ceil(words / 0.75));
}

async function readServerError(response: Response): Promise<ServerError> {
  const raw = await response.text().catch(() => '');
  let message = raw.slice(0, 500);
  let code: string | undefined;
  try {
    const json = JSON.parse(raw) as { error?: { message?: string; code?: string | number; type?: string } | string; message?: string };
    if (typeof json.error === 'string') message = json.error;
    else if (json.error) {
      message = json.error.message ?? message;
      code = json.error.code !== undefined ? String(json.error.code) : json.error.type;
    } else if (json.message) message = json.message;
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, message, code };
}

/** The code for a refused request, with the server's own words kept. */
function errorFor(error: ServerError, origin: string): MemosError {
  const said = `The server (HTTP ${error.status}): ${error.message || 'no message'}`;
  const details = { url: origin, status: error.status, ...(error.code !== undefined && { serverCode: error.code }) };
  const overflow = error.code === 'context_length_exceeded' || /context (length|window)|too many tokens|maximum context/i.test(error.message);
  const code: MemosErrorCode =
    error.status === 401 || error.status === 403
      ? 'MODEL_AUTH_FAILED'
      : error.status === 429
        ? 'MODEL_RATE_LIMITED'
        : (error.status === 400 || error.status === 413) && overflow
          ? 'CONTEXT_OVERFLOW'
          : error.status === 404
            ? 'MODEL_UNREACHABLE'
            : 'INFERENCE_FAILED';
  return new MemosError(code, said, details);
}

/**
 * The models a server offers (`GET {baseURL}/models`), by id. Also a check that the server answers
 * and takes the key.
 * @throws {MemosError} INVALID_INPUT (not an http(s) address), MODEL_UNREACHABLE, MODEL_AUTH_FAILED, MODEL_RATE_LIMITED, INFERENCE_FAILED
 */
export async function listServerModels(config: Pick<OpenAICompatibleConfig, 'baseURL' | 'apiKey' | 'headers' | 'fetch'>, signal?: AbortSignal): Promise<string[]> {
  const response = await callServer(config, serverBase(config.baseURL), 'models', { accept: 'application/json' }, signal);
  const json = (await response.json().catch(() => null)) as { data?: readonly { id?: unknown }[] } | null;
  return (json?.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
}
