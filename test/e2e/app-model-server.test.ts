// The app with a model server: Models → "Use a model server" lists the server's models, says before
// any chat what will leave the browser and to where, keeps the key out of localStorage unless asked,
// and chat then answers through the server with the user's memories in the prompt. The server is a
// stand-in the test starts on localhost (test/support/openai-server.ts).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchProfile, newProfileDir, storeName, watchErrors } from './browser';
import { remember } from './app-helpers';
import { startOpenAIStandIn, type OpenAIStandIn } from '../support/openai-server';

let server: OpenAIStandIn;
beforeAll(async () => {
  server = await startOpenAIStandIn({ apiKey: 'sk-app' });
});
afterAll(() => server.close());

describe('the app with a model server', () => {
  it('uses a server the user names, says what leaves the browser, and chats with memory through it', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${inject('baseUrl')}/?store=${storeName('app-server')}#memories`);
    await page.getByText('Memory mode').waitFor();
    await remember(page, 'My sister Mia lives in Lisbon.');
    await page.getByRole('tab', { name: 'Models' }).click();
    const form = page.locator('memos-model-server');
    await form.getByRole('textbox', { name: 'Server address' }).fill(server.baseURL);
    await form.getByLabel('API key (if it needs one)').fill('sk-app');
    expect(await form.getByRole('note').textContent()).toContain(`sent to ${new URL(server.baseURL).host}`);
    await form.getByRole('button', { name: 'List its models' }).click();
    await form.getByText(`${new URL(server.baseURL).host} offers 2 models.`).waitFor();
    expect(await form.getByRole('combobox', { name: 'Model' }).inputValue()).toBe('echo');
    await form.getByRole('button', { name: 'Use this server' }).click();
    await form.getByText(/Chat now uses echo@/).waitFor();
    // The address and model are remembered; the key is not (the box was not ticked).
    const saved = await page.evaluate(() => localStorage.getItem('memos-web:model-server'));
    expect(saved).toContain(server.baseURL);
    expect(saved).not.toContain('sk-app');

    await expect.poll(() => page.locator('memos-app .mode').textContent()).toContain(`runs on ${new URL(server.baseURL).host}, the server you chose`);
    await page.getByRole('tab', { name: 'Chat' }).click();
    const chat = page.locator('memos-chat');
    // A server keeps no KV cache this tab can read: no "Keep as KV cube".
    await expect.poll(() => chat.locator('#keep-kv').count()).toBe(0);
    await chat.getByRole('textbox', { name: 'Message' }).fill('Where does my sister Mia live?');
    await chat.getByRole('button', { name: 'Send' }).click();
    await chat.locator('.used').waitFor({ timeout: 30_000 });
    expect(await chat.locator('.a').first().textContent()).toContain('You said: Where does my sister Mia live?');
    const sent = server.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!;
    expect(JSON.stringify(sent.body['messages'])).toContain('My sister Mia lives in Lisbon.');
    await page.screenshot({ path: 'test-results/app-model-server.png', fullPage: true });
    errors.expectNone();
    await context.close();
  });
});
