// The production builds in a real Chromium: the app as an offline PWA (service worker, precache),
// its Content-Security-Policy, no network request after load except model downloads, and the
// library build embedded in a plain HTML page (examples/embed-chat.html).
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preview, type PreviewServer } from 'vite';
import type { Page } from 'playwright-core';
import { launchProfile, newProfileDir, storeName, watchErrors } from './browser';
import { serveFolder } from '../support/static-server';
import { HAS_STORIES } from '../support/shared-models';
import { loadStories, remember } from './app-helpers';

let server: PreviewServer | undefined;
let appUrl = '';

function run(command: string, args: string[]): void {
  // Vitest sets NODE_ENV=test, which would make Vite build in development mode (no service worker, Lit's dev build).
  const result = spawnSync(command, args, { stdio: 'pipe', encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
}

beforeAll(async () => {
  run('npx', ['vite', 'build', '--logLevel', 'warn']);
  // The openai package, served beside the app so a page of the app can import it (the endpoint test).
  cpSync('node_modules/openai', 'dist/test-openai', { recursive: true });
  server = await preview({ configFile: 'vite.config.ts', logLevel: 'warn', preview: { port: 0, host: '127.0.0.1', strictPort: false } });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('preview has no address');
  appUrl = url.replace(/\/$/, '');
}, 120_000);

afterAll(async () => {
  await server?.close();
  // The build stays as `npm run build` makes it: the test's copy of the openai package goes.
  rmSync('dist/test-openai', { recursive: true, force: true });
});

async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((done) => navigator.serviceWorker.addEventListener('controllerchange', done, { once: true }));
  });
}

describe('the production app', () => {
  it('works offline after one visit: reload, add, search by meaning, export', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    const url = `${appUrl}/?store=${storeName('pwa')}#memories`;
    await page.goto(url);
    await page.getByText('Memory mode').waitFor();
    await waitForServiceWorker(page);
    const manifest = await page.evaluate(async () => (await fetch('manifest.webmanifest')).json());
    expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));

    await context.setOffline(true);
    await page.reload();
    await page.getByText('Memory mode').waitFor();
    expect(await page.locator('#search-mode').textContent()).toContain('words and meaning (use-lite');
    await page.getByRole('textbox', { name: 'memory text' }).fill('Our wifi password hint: the name of the first cat.');
    await page.getByRole('button', { name: 'Remember' }).click();
    await expect.poll(() => page.locator('#memories memos-memory-card').count(), { timeout: 15_000 }).toBe(1);
    await page.getByRole('searchbox', { name: 'search memories' }).fill('internet router login');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.locator('#hits memos-memory-card').first().waitFor();
    expect(await page.locator('#hits memos-memory-card .why').first().textContent()).toMatch(/meaning #1/);
    await page.getByRole('tab', { name: 'Users & cubes' }).click();
    const download = page.waitForEvent('download');
    await page.locator('memos-cubes').getByRole('button', { name: /^export / }).click();
    const file = readFileSync((await (await download).path())!, 'utf8');
    expect(file).toContain('first cat');
    await page.screenshot({ path: 'test-results/pwa-offline.png', fullPage: true });
    errors.expectNone();
    await context.close();
  });

  it('sends a CSP that allows connections only to its own origin, and makes no request after load while memories are used', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    const response = await page.goto(`${appUrl}/?store=${storeName('quiet')}#memories`);
    const policy = response?.headers()['content-security-policy'] ?? '';
    expect(policy).toContain("connect-src 'self';");
    expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).toBe(policy);
    await page.getByText('Memory mode').waitFor();
    expect(await page.locator('#search-mode').textContent()).toContain('use-lite');
    // Loading includes installing the app: the service worker precaches its own files from this origin.
    await waitForServiceWorker(page);
    await page.waitForLoadState('networkidle');

    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    context.on('request', (r) => requests.push(r.url()));
    await page.getByRole('textbox', { name: 'memory text' }).fill('The dentist appointment is on Tuesday at 9.');
    await page.getByRole('button', { name: 'Remember' }).click();
    await expect.poll(() => page.locator('#memories memos-memory-card').count(), { timeout: 15_000 }).toBe(1);
    await page.getByRole('searchbox', { name: 'search memories' }).fill('dentist');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.locator('#hits memos-memory-card').first().waitFor();
    await page.locator('#memories memos-memory-card').first().getByRole('button', { name: 'details and history' }).click();
    await page.locator('memos-memory-detail #versions li').first().waitFor();
    for (const tab of ['Scheduler', 'Settings', 'Users & cubes', 'Guided demo', 'Memories']) await page.getByRole('tab', { name: tab }).click();
    await page.waitForTimeout(1000);
    expect(requests).toEqual([]);

    // A connection to anywhere else is refused by the browser.
    const blocked = await page.evaluate(async () => {
      const violation = new Promise<string>((done) => document.addEventListener('securitypolicyviolation', (e) => done(e.violatedDirective), { once: true }));
      const outcome = await fetch('https://example.org/').then(() => 'fetched', () => 'refused');
      return { outcome, directive: await violation };
    });
    expect(blocked).toEqual({ outcome: 'refused', directive: 'connect-src' });
    errors.errors.splice(0, errors.errors.length, ...errors.errors.filter((e) => !/Content Security Policy|example\.org/.test(e)));
    errors.expectNone();
    await context.close();
  });
});

describe.skipIf(!HAS_STORIES)('the guided demo (needs ../shared stories260K)', () => {
  it('plays the conversations, answers citing them, and still does after a reload with the network off', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    const ask = async (question: string, expects: string) => {
      await page.getByRole('tab', { name: 'Guided demo' }).click();
      const demo = page.locator('memos-demo');
      const before = await demo.locator('#demo-results .box').count();
      await demo.getByRole('button', { name: question }).click();
      await expect.poll(() => demo.locator('#demo-results .box').count(), { timeout: 60_000 }).toBe(before + 1);
      const box = demo.locator('#demo-results .box').last();
      expect((await box.locator('.answer').textContent())?.trim().length).toBeGreaterThan(0);
      expect(await box.getByRole('list', { name: 'memories cited' }).textContent()).toContain(expects);
      expect(await box.textContent()).toContain(`Recalled what you said about "${expects}"`);
    };
    await page.goto(`${appUrl}/?store=${storeName('demo')}#demo`);
    await page.getByText('Memory mode').waitFor();
    await waitForServiceWorker(page);
    await page.locator('#demo-play').click();
    await page.locator('#demo-ready').waitFor({ timeout: 30_000 });
    expect(await page.locator('#demo-played').textContent()).toMatch(/memories stored\. The open cube is now "Guided demo"\./);
    // Playing again stores nothing twice, and says so.
    await page.locator('#demo-play').click();
    await expect.poll(() => page.locator('#demo-played').textContent()).toContain('nothing was added twice');
    await loadStories(page);
    await ask('Can you suggest a dinner I could cook for Ana and me on Saturday?', 'vegetarian');

    await context.setOffline(true);
    await page.reload();
    await page.getByText('Memory mode').waitFor();
    await loadStories(page);
    await page.getByRole('tab', { name: 'Guided demo' }).click();
    await page.locator('#demo-ready').waitFor();
    await ask('What would be a good birthday present for my sister?', 'hiking');
    await ask('Can you suggest a dinner I could cook for Ana and me on Saturday?', 'vegetarian');
    await page.screenshot({ path: 'test-results/demo-offline.png', fullPage: true });
    errors.expectNone();
    await context.close();
  });
});

describe.skipIf(!HAS_STORIES)("the app's own OpenAI endpoint (needs ../shared stories260K)", () => {
  it('answers the openai package on the page from the in-tab model with memory, whole and streamed', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${appUrl}/?store=${storeName('endpoint')}#memories`);
    await page.getByText('Memory mode').waitFor();
    await waitForServiceWorker(page);
    await remember(page, 'My sister Mia lives in Lisbon.');
    await loadStories(page);
    const result = (await page.evaluate(`(async () => {
      const { default: OpenAI } = await import('/test-openai/index.mjs');
      const client = new OpenAI({ baseURL: location.origin + '/v1', apiKey: 'not-needed', dangerouslyAllowBrowser: true });
      const models = (await client.models.list()).data.map((m) => m.id);
      const whole = await client.chat.completions.create({ model: 'stories260K', messages: [{ role: 'user', content: 'Where does my sister Mia live?' }], max_tokens: 12 });
      const stream = await client.chat.completions.create({ model: 'stories260K', messages: [{ role: 'user', content: 'Tell me about Mia.' }], max_tokens: 12, stream: true });
      let streamed = '';
      let chunks = 0;
      for await (const chunk of stream) { streamed += chunk.choices[0]?.delta?.content ?? ''; chunks += 1; }
      let refused = '';
      try { await fetch('/v1/embeddings', { method: 'POST' }).then((r) => { refused = String(r.status); }); } catch (e) { refused = String(e); }
      return { models, answer: whole.choices[0].message.content, finish: whole.choices[0].finish_reason, usage: whole.usage, memos: whole.memos, streamed, chunks, refused };
    })()`)) as { models: string[]; answer: string; finish: string; usage: { prompt_tokens: number; completion_tokens: number }; memos: { memories: string[]; stored: string[] }; streamed: string; chunks: number; refused: string };
    expect(result.models).toEqual(['stories260K']);
    expect(result.answer.length).toBeGreaterThan(0);
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
    expect(result.usage.completion_tokens).toBeGreaterThan(0);
    // Memory: Mia's memory was recalled into the prompt, and the user's turn was remembered.
    expect(result.memos.memories.length).toBeGreaterThan(0);
    expect(result.memos.stored.length).toBeGreaterThan(0);
    expect(result.streamed.length).toBeGreaterThan(0);
    expect(result.chunks).toBeGreaterThan(2);
    expect(result.refused).toBe('404');
    await page.getByRole('tab', { name: 'Memories' }).click();
    await expect.poll(() => page.locator('#memories memos-memory-card').count()).toBeGreaterThan(1);
    // The one 404 asked for above is logged by the browser; nothing else may be.
    errors.errors.splice(0, errors.errors.length, ...errors.errors.filter((e) => !/status of 404/.test(e)));
    errors.expectNone();
    await context.close();
  });
});

describe('the library build', () => {
  it('embeds <memos-chat> and <memos-inspector> in a plain page, themed through custom properties and parts', async () => {
    run('npm', ['run', '--silent', 'build:lib']);
    const manifest = JSON.parse(readFileSync('dist-lib/custom-elements.json', 'utf8')) as { modules: { declarations?: { tagName?: string; cssParts?: { name: string }[] }[] }[] };
    const chat = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'memos-chat');
    expect(chat?.cssParts?.map((p) => p.name)).toEqual(expect.arrayContaining(['chat', 'sessions', 'memory-chip']));
    const site = await serveFolder('.');
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    try {
      await page.goto(`${site.url}/examples/embed-chat.html`);
      await page.locator('memos-chat').getByRole('button', { name: 'New chat' }).waitFor({ timeout: 30_000 });
      expect(await page.locator('memos-chat').getByRole('combobox', { name: 'Model' }).count()).toBe(1);
      const accent = await page.locator('memos-chat').getByRole('button', { name: 'New chat' }).evaluate((b) => getComputedStyle(b).backgroundColor);
      expect(accent).toBe('rgb(15, 118, 110)');
      await page.getByText('What it remembers').click();
      const inspector = page.locator('memos-inspector');
      await inspector.getByRole('textbox', { name: 'memory text' }).fill('Embedded pages keep memories too.');
      await inspector.getByRole('button', { name: 'Remember' }).click();
      await expect.poll(() => inspector.locator('#memories memos-memory-card').count(), { timeout: 30_000 }).toBe(1);
      expect(await inspector.locator('#search-mode').textContent()).toContain('use-lite');
      // Moved elsewhere in the page, it keeps following the shared session.
      await page.evaluate(() => document.body.append(document.querySelector('memos-inspector')!));
      await inspector.getByRole('textbox', { name: 'memory text' }).fill('Moved elements keep listening.');
      await inspector.getByRole('button', { name: 'Remember' }).click();
      await expect.poll(() => inspector.locator('#memories memos-memory-card').count(), { timeout: 30_000 }).toBe(2);
      await page.screenshot({ path: 'test-results/embed-example.png', fullPage: true });
      errors.expectNone();
    } finally {
      await context.close();
      await site.close();
    }
  }, 180_000);
});
