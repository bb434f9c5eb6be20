// The OpenAI-compatible model against a server on localhost (test/support/openai-server.ts): streaming
// and whole answers, sampling settings and stop strings on the wire, JSON schemas, usage, abort, errors
// mapped to codes with the server's words kept, and chat() with memory over it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAICompatibleModel } from '../../src/inference/remote/openai-compatible-model';
import type { TokenEvent } from '../../src/protocol/language-model';
import { startOpenAIStandIn, type OpenAIStandIn } from '../support/openai-server';
import { errorOf, openTestOs } from './helpers';

let server: OpenAIStandIn;
beforeAll(async () => {
  server = await startOpenAIStandIn({ apiKey: 'sk-test' });
});
afterAll(() => server.close());

const model = (name = 'echo', extra: Partial<Parameters<typeof openAICompatibleModel>[0]> = {}) =>
  openAICompatibleModel({ baseURL: server.baseURL, model: name, apiKey: 'sk-test', ...extra });

describe('openAICompatibleModel', () => {
  it('answers whole, sending the settings, the key and the messages, and reads usage', async () => {
    const m = model();
    expect(m.info).toMatchObject({ engine: 'openai-compatible', device: 'server', contextLength: 8192, estimatedTokenCounts: true });
    const result = await m.generate(
      { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'I like tea' }] },
      { maxTokens: 20, temperature: 0.7, topP: 0.9, seed: 7, stop: ['never'] },
    );
    expect(result.text).toBe('You said: I like tea');
    expect(result.finishReason).toBe('eos');
    expect(result.promptTokens).toBe(5);
    const sent = server.requests.at(-1)!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe('Bearer sk-test');
    expect(sent.body).toEqual({
      model: 'echo',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'I like tea' }],
      max_tokens: 20,
      temperature: 0.7,
      top_p: 0.9,
      seed: 7,
      stop: ['never'],
    });
  });

  it('streams over server-sent events, token by token, with usage and the length limit', async () => {
    const tokens: TokenEvent[] = [];
    const result = await model().generate({ messages: [{ role: 'user', content: 'one two three four' }] }, { maxTokens: 3, onToken: (t) => tokens.push(t) });
    expect(tokens.map((t) => t.text)).toEqual(['You ', 'said: ', 'one ']);
    expect(tokens.map((t) => t.index)).toEqual([0, 1, 2]);
    expect(result).toMatchObject({ text: 'You said: one ', finishReason: 'length', promptTokens: 4 });
    expect(server.requests.at(-1)!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('cuts at stop strings even when the server does not, and completes raw prompts', async () => {
    const stopped = await model().generate({ messages: [{ role: 'user', content: 'red green blue' }] }, { stop: ['green'] });
    expect(stopped.text).toBe('You said: red ');
    const raw = await model().generate({ prompt: 'Once upon' });
    expect(raw.text).toBe('You said: Once upon');
    expect(server.requests.at(-1)!.path).toBe('/v1/completions');
  });

  it('asks for JSON that follows a schema, as json_schema or json_object', async () => {
    const schema = { type: 'object', properties: { memories: { type: 'array' } }, required: ['memories'] };
    server.jsonReplies.push('{"memories":[]}');
    const result = await model().generate({ messages: [{ role: 'user', content: 'extract' }] }, { jsonSchema: schema });
    expect(JSON.parse(result.text)).toEqual({ memories: [] });
    expect(server.requests.at(-1)!.body['response_format']).toEqual({ type: 'json_schema', json_schema: { name: 'output', schema, strict: true } });
    server.jsonReplies.push('{}');
    await model('echo', { structuredOutput: 'json_object' }).generate({ messages: [{ role: 'user', content: 'x' }] }, { jsonSchema: schema });
    expect(server.requests.at(-1)!.body['response_format']).toEqual({ type: 'json_object' });
  });

  it('stops a stream when aborted', async () => {
    const controller = new AbortController();
    const tokens: string[] = [];
    const error = await errorOf(() =>
      model('slow').generate({ messages: [{ role: 'user', content: 'a b c d e f g h i j k l m n o p' }] }, { signal: controller.signal, onToken: (t) => { tokens.push(t.text); if (tokens.length === 2) controller.abort(); } }),
    );
    expect(error.code).toBe('ABORTED');
    expect(tokens.length).toBeLessThan(5);
  });

  it('maps refusals to codes and keeps what the server said', async () => {
    const cases: [string, Partial<Parameters<typeof openAICompatibleModel>[0]>, string, RegExp][] = [
      ['echo', { apiKey: 'wrong' }, 'MODEL_AUTH_FAILED', /Incorrect API key/],
      ['busy', {}, 'MODEL_RATE_LIMITED', /Rate limit/],
      ['broken', {}, 'INFERENCE_FAILED', /The model crashed/],
      ['missing', {}, 'MODEL_UNREACHABLE', /does not exist/],
    ];
    for (const [name, extra, code, said] of cases) {
      const error = await errorOf(() => model(name, extra).generate({ messages: [{ role: 'user', content: 'hi' }] }));
      expect(error.code, name).toBe(code);
      expect(error.message, name).toMatch(said);
      expect(error.message, name).not.toContain('sk-test');
    }
    const overflow = await errorOf(() => model().generate({ messages: [{ role: 'user', content: 'x'.repeat(2_500) }] }));
    expect(overflow.code).toBe('CONTEXT_OVERFLOW');
    const unreachable = await errorOf(() => openAICompatibleModel({ baseURL: 'http://127.0.0.1:9/v1', model: 'x' }).generate({ messages: [{ role: 'user', content: 'hi' }] }));
    expect(unreachable.code).toBe('MODEL_UNREACHABLE');
    expect((await errorOf(() => openAICompatibleModel({ baseURL: 'ftp://x', model: 'x' }))).code).toBe('INVALID_INPUT');
    expect((await errorOf(() => model().generate({ promptIds: [1, 2] }))).code).toBe('INVALID_INPUT');
  });

  it('estimates token counts (it has no tokenizer) on the side of too many', async () => {
    const [short, long] = await model().countTokens(['hello', 'the quick brown fox jumps over the lazy dog']);
    expect(short).toBe(2);
    expect(long).toBeGreaterThanOrEqual(11);
  });

  it('serves chat() with memory: recalled memories go in the prompt, the user turn is remembered', async () => {
    const { os } = await openTestOs();
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'notes' });
    await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'Ana is allergic to peanuts.' } });
    os.setLanguageModel(model());
    const reply = await os.chat({ userId: 'ana', cubeIds: ['c1'], sessionId: 's1', messages: [{ role: 'user', content: 'What am I allergic to?' }] });
    expect(reply.answer).toBe('You said: What am I allergic to?');
    expect(reply.memories.map((h) => h.memory.text)).toContain('Ana is allergic to peanuts.');
    const sent = server.requests.at(-1)!.body['messages'] as { role: string; content: string }[];
    expect(sent.map((m) => m.content).join('\n')).toContain('Ana is allergic to peanuts.');
    os.close();
  });
});
