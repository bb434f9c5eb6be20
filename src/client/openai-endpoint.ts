/**
 * The page's half of the app's own OpenAI-compatible endpoint: the service worker (public/
 * memos-openai-sw.js) answers `GET v1/models` and `POST v1/chat/completions` on the app's origin by
 * asking this tab, which runs the request as `chat()` — the loaded in-tab model with the user's
 * memories recalled before and the user's turn remembered after — and streams the answer back as
 * server-sent events. So an OpenAI client library on the page gets private memory with no server.
 */
import { isMemosError } from '../core/errors';
import type { ChatTurn } from '../protocol/memory-types';
import type { InferenceClient } from './inference-client';
import type { MemosClient } from './memos-client';

/** Options of {@link serveOpenAIEndpoint}. */
export interface OpenAIEndpointOptions {
  readonly memos: MemosClient;
  readonly inference: InferenceClient;
  /** The memory user a request without `user` acts as. */
  readonly userId: () => string;
  /** The session the endpoint's turns are remembered in (default "openai-endpoint"). */
  readonly sessionId?: string;
  /** Called after a request stored memories (e.g. to refresh a view). */
  readonly onStored?: () => void;
}

/** What the service worker sends. */
interface EndpointRequest {
  readonly type: 'memos-openai';
  readonly method: 'models' | 'chat';
  readonly body: Record<string, unknown> | null;
}

const STATUS: Readonly<Record<string, number>> = { INVALID_INPUT: 400, FORBIDDEN: 403, USER_NOT_FOUND: 404, CUBE_NOT_FOUND: 404, MODEL_NOT_LOADED: 503, CONTEXT_OVERFLOW: 400, ABORTED: 499 };

function errorBody(error: unknown): { status: number; body: unknown } {
  const code = isMemosError(error) ? error.code : 'INFERENCE_FAILED';
  const message = error instanceof Error ? error.message : String(error);
  return { status: STATUS[code] ?? 500, body: { error: { message, type: code.toLowerCase(), code } } };
}

function turnsOf(messages: unknown): ChatTurn[] {
  if (!Array.isArray(messages)) return [];
  return messages.flatMap((m) => {
    const role = (m as { role?: unknown }).role;
    const content = (m as { content?: unknown }).content;
    const text = typeof content === 'string' ? content : Array.isArray(content) ? content.map((p) => (p as { text?: unknown }).text).filter((t) => typeof t === 'string').join('\n') : '';
    return role === 'user' || role === 'assistant' || role === 'system' ? [{ role, content: text } as ChatTurn] : [];
  });
}

/**
 * Answers the service worker's endpoint requests in this tab. Returns a function that stops it.
 * Does nothing where there is no service worker.
 */
export function serveOpenAIEndpoint(options: OpenAIEndpointOptions): () => void {
  const container = globalThis.navigator?.serviceWorker;
  if (!container) return () => undefined;
  const onMessage = (event: MessageEvent): void => {
    const data = event.data as EndpointRequest | undefined;
    const port = event.ports[0];
    if (data?.type !== 'memos-openai' || !port) return;
    void answer(options, data, port);
  };
  container.addEventListener('message', onMessage);
  // Messages from the service worker wait until the page says it listens.
  container.startMessages?.();
  return () => container.removeEventListener('message', onMessage);
}

async function answer(options: OpenAIEndpointOptions, request: EndpointRequest, port: MessagePort): Promise<void> {
  const created = Math.floor(Date.now() / 1000);
  try {
    const status = await options.inference.status();
    const model = status.state === 'ready' ? status.model.id : null;
    if (request.method === 'models') {
      port.postMessage({ type: 'json', status: 200, body: { object: 'list', data: model ? [{ id: model, object: 'model', created, owned_by: 'memos-web' }] : [] } });
      return;
    }
    const body = request.body ?? {};
    const messages = turnsOf(body['messages']);
    const user = typeof body['user'] === 'string' && body['user'] ? body['user'] : options.userId();
    const num = (key: string): number | undefined => (typeof body[key] === 'number' ? (body[key] as number) : undefined);
    const stop = typeof body['stop'] === 'string' ? [body['stop']] : Array.isArray(body['stop']) ? (body['stop'] as unknown[]).filter((s): s is string => typeof s === 'string') : undefined;
    const temperature = num('temperature');
    const topP = num('top_p');
    const seed = num('seed');
    const maxTokens = num('max_tokens');
    const sampling = { ...(temperature !== undefined && { temperature }), ...(topP !== undefined && { topP }), ...(seed !== undefined && { seed }) };
    const id = `chatcmpl-${crypto.randomUUID()}`;
    const name = String(body['model'] ?? model ?? 'memos-web');
    const abort = new AbortController();
    port.onmessage = ({ data }) => {
      if ((data as { type?: string }).type === 'cancel') abort.abort();
    };
    const streaming = body['stream'] === true;
    if (streaming) port.postMessage({ type: 'stream-start' });
    const chunk = (delta: Record<string, unknown>, finish: string | null): string =>
      JSON.stringify({ id, object: 'chat.completion.chunk', created, model: name, choices: [{ index: 0, delta, finish_reason: finish }] });
    if (streaming) port.postMessage({ type: 'event', data: chunk({ role: 'assistant', content: '' }, null) });
    let generated = 0;
    const result = await options.memos.chat(
      {
        userId: user,
        sessionId: options.sessionId ?? 'openai-endpoint',
        messages,
        ...(maxTokens !== undefined && { maxTokens }),
        ...(Object.keys(sampling).length > 0 && { sampling }),
        ...(stop && { stop }),
      },
      {
        signal: abort.signal,
        onToken: (t) => {
          generated += 1;
          if (streaming) port.postMessage({ type: 'event', data: chunk({ content: t.text }, null) });
        },
      },
    );
    if (result.stored.length > 0) options.onStored?.();
    const finish = result.finishReason === 'length' ? 'length' : 'stop';
    const usage = { prompt_tokens: result.promptTokens, completion_tokens: generated, total_tokens: result.promptTokens + generated };
    if (streaming) {
      port.postMessage({ type: 'event', data: chunk({}, finish) });
      port.postMessage({ type: 'end' });
    } else {
      port.postMessage({ type: 'json', status: 200, body: { id, object: 'chat.completion', created, model: name, choices: [{ index: 0, message: { role: 'assistant', content: result.answer }, finish_reason: finish }], usage, memos: { memories: result.memories.map((h) => h.memory.id), stored: result.stored.map((m) => m.id) } } });
    }
  } catch (error) {
    const { status, body } = errorBody(error);
    port.postMessage({ type: 'error', status, body });
  }
}
