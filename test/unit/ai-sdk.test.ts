// The AI SDK middleware with the SDK itself (ai 6: wrapLanguageModel, generateText, streamText) and its
// own mock model (MockLanguageModelV3, which stands for a provider's model): memories reach the model
// as a system message, the exchange is remembered after the answer, an aborted stream stores nothing.
import { generateText, streamText, wrapLanguageModel } from 'ai';
import { MockLanguageModelV3, simulateReadableStream } from 'ai/test';
import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { beforeEach, describe, expect, it } from 'vitest';
import { memoryMiddleware } from '../../src/integrations/ai-sdk';
import type { MemOS } from '../../src/os/memos';
import { openTestOs } from './helpers';

const usage = { inputTokens: { total: 3, noCache: 3, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 2, text: 2, reasoning: undefined } };
const finish = { unified: 'stop' as const, raw: 'stop' };

function systemText(call: LanguageModelV3CallOptions): string {
  return call.prompt.flatMap((m) => (m.role === 'system' ? [m.content] : [])).join('\n');
}

function streamOf(words: string[], delayMs = 0): ReadableStream<LanguageModelV3StreamPart> {
  return simulateReadableStream<LanguageModelV3StreamPart>({
    chunks: [
      { type: 'stream-start', warnings: [] },
      { type: 'text-start', id: 't' },
      ...words.map((delta): LanguageModelV3StreamPart => ({ type: 'text-delta', id: 't', delta })),
      { type: 'text-end', id: 't' },
      { type: 'finish', finishReason: finish, usage },
    ],
    chunkDelayInMs: delayMs,
  });
}

let os: MemOS;
beforeEach(async () => {
  ({ os } = await openTestOs());
  await os.createUser({ userId: 'ana', name: 'Ana' });
  await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'notes' });
  await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'Ana is vegetarian and loves Thai food.' } });
});

describe('memoryMiddleware with the AI SDK', () => {
  it('puts recalled memories in a system message after the caller’s own, and remembers the exchange (generateText)', async () => {
    const model = new MockLanguageModelV3({ doGenerate: { content: [{ type: 'text', text: 'Try a green curry with tofu.' }], finishReason: finish, usage, warnings: [] } });
    const wrapped = wrapLanguageModel({ model, middleware: memoryMiddleware({ memos: os, userId: 'ana', sessionId: 'sdk' }) });
    const { text } = await generateText({ model: wrapped, system: 'You are a cook.', prompt: 'What vegetarian dinner should I cook?' });
    expect(text).toBe('Try a green curry with tofu.');
    const call = model.doGenerateCalls[0]!;
    expect(call.prompt[0]).toEqual({ role: 'system', content: 'You are a cook.' });
    expect(call.prompt[1]?.role).toBe('system');
    expect(systemText(call)).toMatch(/\[1\] \d{4}-\d{2}-\d{2}: Ana is vegetarian and loves Thai food\./);
    const stored = await os.getAll({ userId: 'ana', cubeId: 'c1', limit: 10 });
    const turn = stored.items.find((m) => m.text.includes('What vegetarian dinner should I cook?'));
    expect(turn?.text).toContain('Try a green curry with tofu.');
    expect(turn?.sourceRefs[0]?.sessionId).toBe('sdk');
  });

  it('streams unchanged and remembers only after the stream finished (streamText); remember "user" keeps the answer out', async () => {
    const model = new MockLanguageModelV3({ doStream: { stream: streamOf(['Pad ', 'thai ', 'without egg.']) } });
    const wrapped = wrapLanguageModel({ model, middleware: memoryMiddleware({ memos: os, userId: 'ana', cubeIds: ['c1'], remember: 'user' }) });
    const result = streamText({ model: wrapped, prompt: 'Any quick Thai dish?' });
    let streamed = '';
    for await (const piece of result.textStream) streamed += piece;
    expect(streamed).toBe('Pad thai without egg.');
    expect(systemText(model.doStreamCalls[0]!)).toContain('Thai food');
    await expect.poll(async () => (await os.getAll({ userId: 'ana', cubeId: 'c1', limit: 10 })).total).toBe(2);
    const turn = (await os.getAll({ userId: 'ana', cubeId: 'c1', limit: 10 })).items.find((m) => m.text.includes('Any quick Thai dish?'));
    expect(turn?.text).not.toContain('Pad thai');
  });

  it('stores nothing when the stream is aborted or the model fails', async () => {
    const slow = new MockLanguageModelV3({ doStream: { stream: streamOf(['one ', 'two ', 'three ', 'four ', 'five'], 30) } });
    const controller = new AbortController();
    const wrapped = wrapLanguageModel({ model: slow, middleware: memoryMiddleware({ memos: os, userId: 'ana' }) });
    const result = streamText({ model: wrapped, prompt: 'Count for me', abortSignal: controller.signal, onError: () => undefined });
    let seen = 0;
    try {
      for await (const _ of result.textStream) if (++seen === 2) controller.abort();
    } catch {
      // The SDK may end the loop with the abort.
    }
    const failing = new MockLanguageModelV3({ doGenerate: async () => { throw new Error('provider down'); } });
    await expect(generateText({ model: wrapLanguageModel({ model: failing, middleware: memoryMiddleware({ memos: os, userId: 'ana' }) }), prompt: 'Hello?', maxRetries: 0 })).rejects.toThrow('provider down');
    await new Promise((done) => setTimeout(done, 200));
    const texts = (await os.getAll({ userId: 'ana', cubeId: 'c1', limit: 10 })).items.map((m) => m.text);
    expect(texts).toEqual(['Ana is vegetarian and loves Thai food.']);
  });

  it('recalls only, with remember: false, and writes to a cube of its own when the user has none', async () => {
    await os.createUser({ userId: 'bo', name: 'Bo' });
    const model = new MockLanguageModelV3({ doGenerate: { content: [{ type: 'text', text: 'Noted.' }], finishReason: finish, usage, warnings: [] } });
    await generateText({ model: wrapLanguageModel({ model, middleware: memoryMiddleware({ memos: os, userId: 'ana', remember: false }) }), prompt: 'I moved to Porto.' });
    expect((await os.getAll({ userId: 'ana', cubeId: 'c1', limit: 10 })).total).toBe(1);
    await generateText({ model: wrapLanguageModel({ model, middleware: memoryMiddleware({ memos: os, userId: 'bo' }) }), prompt: 'My cat is called Miso.' });
    const [cube] = await os.listCubes({ userId: 'bo' });
    expect(cube?.cube.name).toBe('Agent memories');
    const hits = await os.search({ userId: 'bo', query: 'cat name', mode: 'text' });
    expect(hits[0]?.memory.text).toContain('Miso');
  });
});
