// A stand-in for an OpenAI-compatible model server (OpenAI, Ollama, LM Studio, llama.cpp, vLLM), started
// by tests on localhost: the wire protocol is real (HTTP, JSON, server-sent events, CORS), the "model"
// is a rule. It answers chat completions with "You said: <last user message>" a word per event, or,
// when asked for a JSON schema, with the JSON the test queued; it refuses by rules the tests use to
// check error mapping, and records each request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** What the stand-in received. */
export interface RecordedRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
}

/** A running stand-in. */
export interface OpenAIStandIn {
  /** e.g. http://127.0.0.1:PORT/v1 */
  readonly baseURL: string;
  readonly requests: RecordedRequest[];
  /** JSON texts answered, in order, to requests with a response_format. */
  readonly jsonReplies: string[];
  close(): Promise<void>;
}

/**
 * Starts the stand-in. `apiKey`: the key it requires (401 otherwise). Model names choose failures:
 * "busy" → 429, "broken" → 500, "missing" → 404, "slow" streams a word every 50 ms (for abort).
 * A prompt over 2,000 characters → 400 context_length_exceeded.
 */
export async function startOpenAIStandIn(options: { apiKey?: string } = {}): Promise<OpenAIStandIn> {
  const requests: RecordedRequest[] = [];
  const jsonReplies: string[] = [];
  const server: Server = createServer((req, res) => void handle(req, res));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'authorization, content-type, accept');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    requests.push({ path, headers: req.headers, body });
    const fail = (status: number, message: string, code?: string) =>
      void res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { message, type: 'invalid_request_error', ...(code && { code }) } }));
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) return fail(401, 'Incorrect API key provided.', 'invalid_api_key');
    if (req.method === 'GET' && path === '/v1/models') {
      return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: 'echo', object: 'model' }, { id: 'slow', object: 'model' }] }));
    }
    if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/v1/completions')) return fail(404, `No route ${path}`);
    const model = String(body['model']);
    if (model === 'busy') return fail(429, 'Rate limit reached for requests.', 'rate_limit_exceeded');
    if (model === 'broken') return fail(500, 'The model crashed.');
    if (model === 'missing') return fail(404, 'The model `missing` does not exist.', 'model_not_found');
    const chat = path === '/v1/chat/completions';
    const messages = (body['messages'] ?? []) as { role: string; content: string }[];
    const prompt = chat ? messages.map((m) => m.content).join('\n') : String(body['prompt']);
    if (prompt.length > 2000) return fail(400, "This model's maximum context length is 512 tokens.", 'context_length_exceeded');
    const lastUser = chat ? ([...messages].reverse().find((m) => m.role === 'user')?.content ?? '') : prompt;
    const text = body['response_format'] ? (jsonReplies.shift() ?? '{}') : `You said: ${lastUser}`;
    const words = text.split(/(?<= )/);
    const maxTokens = Number(body['max_tokens'] ?? 256);
    const answer = words.slice(0, maxTokens).join('');
    const finish = words.length > maxTokens ? 'length' : 'stop';
    const usage = { prompt_tokens: prompt.split(/\s+/).length, completion_tokens: Math.min(words.length, maxTokens), total_tokens: 0 };
    if (!body['stream']) {
      const choice = chat ? { index: 0, message: { role: 'assistant', content: answer }, finish_reason: finish } : { index: 0, text: answer, finish_reason: finish };
      return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ id: 'x', object: 'chat.completion', model, choices: [choice], usage }));
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    for (const word of words.slice(0, maxTokens)) {
      if (res.destroyed) return;
      send({ id: 'x', object: 'chat.completion.chunk', choices: [chat ? { index: 0, delta: { content: word }, finish_reason: null } : { index: 0, text: word, finish_reason: null }] });
      if (model === 'slow') await new Promise((done) => setTimeout(done, 50));
    }
    send({ id: 'x', choices: [{ index: 0, delta: {}, finish_reason: finish }] });
    if ((body['stream_options'] as { include_usage?: boolean } | undefined)?.include_usage) send({ id: 'x', choices: [], usage });
    res.end('data: [DONE]\n\n');
  }

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    baseURL: `http://127.0.0.1:${address.port}/v1`,
    requests,
    jsonReplies,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
