// The examples keep working: the AI SDK page (examples/ai-sdk-chat.html) streams an answer from an
// OpenAI-compatible server through the SDK's own provider, with memoryMiddleware adding the user's
// memories and remembering the exchange; the server is a stand-in the test starts on localhost.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchProfile, newProfileDir, watchErrors } from './browser';
import { startOpenAIStandIn, type OpenAIStandIn } from '../support/openai-server';

let server: OpenAIStandIn;
beforeAll(async () => {
  server = await startOpenAIStandIn();
});
afterAll(() => server.close());

describe('examples/ai-sdk-chat.html', () => {
  it('streams answers through the AI SDK and remembers, so the next prompt carries the memory', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${inject('baseUrl')}/examples/ai-sdk-chat.html?embedder=none`);
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
    await page.locator('#server').fill(server.baseURL);
    await page.locator('#model').fill('echo');
    await page.locator('#message').fill('I am vegetarian and I love Thai food.');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.locator('#answer').textContent()).toBe('You said: I am vegetarian and I love Thai food.');
    await expect.poll(() => page.locator('#memories li').count()).toBeGreaterThan(0);
    await page.locator('#message').fill('Suggest a Thai dinner.');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.locator('#answer').textContent()).toBe('You said: Suggest a Thai dinner.');
    const last = server.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!;
    const messages = last.body['messages'] as { role: string; content: string }[];
    expect(messages[0]!.role).toBe('system');
    expect(messages[0]!.content).toContain('I am vegetarian and I love Thai food.');
    errors.expectNone();
    await context.close();
  });
});
