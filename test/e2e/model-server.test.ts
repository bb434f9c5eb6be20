// A model on an OpenAI-compatible server, used from the page: the inference worker talks to a server
// the test starts on localhost (test/support/openai-server.ts), the memory worker's chat() recalls
// memories, sends them to that server only, streams the answer back and stores the user's turn.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harnessUrl, launchProfile, newProfileDir, storeName, watchErrors } from './browser';
import { startOpenAIStandIn, type OpenAIStandIn } from '../support/openai-server';

let server: OpenAIStandIn;
beforeAll(async () => {
  server = await startOpenAIStandIn({ apiKey: 'sk-page' });
});
afterAll(() => server.close());

describe('a model server from the page', () => {
  it('lists its models, refuses a wrong key by code, and chats with memory through it, streaming', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${harnessUrl(storeName('server'))}&inference=1`);
    await page.evaluate(() => window.memosReady);
    const result = await page.evaluate(async (baseURL) => {
      const models = await window.inference.listServerModels({ baseURL, apiKey: 'sk-page' });
      const refused = await window.inference.useServer({ baseURL, model: 'echo', apiKey: 'wrong' }).then(() => 'used', (e: { code?: string }) => e.code);
      const info = await window.inference.useServer({ baseURL, model: 'echo', apiKey: 'sk-page' });
      await window.memos.createUser({ userId: 'ana', name: 'Ana' });
      await window.memos.createCube({ userId: 'ana', cubeId: 'c1', name: 'notes' });
      await window.memos.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'Ana is allergic to peanuts.' } });
      const pieces: string[] = [];
      const reply = await window.memosClient.chat({ userId: 'ana', cubeIds: ['c1'], sessionId: 's1', messages: [{ role: 'user', content: 'What am I allergic to?' }] }, { onToken: (t) => pieces.push(t.text) });
      await new Promise((done) => setTimeout(done, 50));
      const stored = await window.memos.search({ userId: 'ana', query: 'allergic', mode: 'text' });
      return { models, refused, info, answer: reply.answer, streamed: pieces.join(''), recalled: reply.memories.map((h) => h.memory.text), stored: stored.map((h) => h.memory.text) };
    }, server.baseURL);
    expect(result.models).toEqual(['echo', 'slow']);
    expect(result.refused).toBe('MODEL_AUTH_FAILED');
    expect(result.info).toMatchObject({ engine: 'openai-compatible', device: 'server' });
    expect(result.answer).toBe('You said: What am I allergic to?');
    expect(result.streamed).toBe(result.answer);
    expect(result.recalled).toContain('Ana is allergic to peanuts.');
    expect(result.stored.some((t) => t.includes('What am I allergic to?'))).toBe(true);
    const chatRequest = server.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!;
    expect(JSON.stringify(chatRequest.body['messages'])).toContain('Ana is allergic to peanuts.');
    expect(chatRequest.headers.authorization).toBe('Bearer sk-page');
    errors.expectNone();
    await context.close();
  });
});
