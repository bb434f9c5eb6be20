import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { launchProfile, newProfileDir, storeName, watchErrors } from './browser';
import { HAS_STORIES } from '../support/shared-models';

const HOSTILE = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> [click](javascript:alert(1))`;

describe('the app shell in memory mode', () => {
  it('adds, finds and keeps memories across a reload, showing hostile text as text', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    const url = `${inject('baseUrl')}/?store=${storeName('app')}`;
    await page.goto(url);
    await page.getByText('Memory mode').waitFor();
    expect(await page.locator('#search-mode').textContent()).toContain('words and meaning (use-lite');
    await page.locator('textarea[name=text]').fill(`Favourite tea is genmaicha ${HOSTILE}`);
    await page.locator('input[name=tags]').fill('tea, drinks');
    await page.getByRole('button', { name: 'Remember' }).click();
    await page.locator('memos-memory-card').first().waitFor();
    await expect.poll(() => page.locator('#memories memos-memory-card').count(), { timeout: 10_000 }).toBe(1);
    const card = page.locator('#memories memos-memory-card').first();
    expect(await card.locator('.text').textContent()).toBe(`Favourite tea is genmaicha ${HOSTILE}`);
    expect(await card.locator('img').count()).toBe(0);

    await page.locator('input[type=search]').fill('genmaicha');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('#hits memos-memory-card').first().waitFor();
    expect(await page.locator('#hits memos-memory-card .why').first().textContent()).toMatch(/words #1 .*matched: genmaicha/);
    await page.screenshot({ path: 'test-results/app-shell.png', fullPage: true });

    await page.reload();
    await page.locator('#memories memos-memory-card').first().waitFor();
    expect(await page.locator('#memories memos-memory-card .text').first().textContent()).toContain('genmaicha');
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    errors.expectNone();
    await context.close();
  });
});

describe.skipIf(!HAS_STORIES)('the app shell with a model (needs ../shared stories260K)', () => {
  it('loads stories260K from the chat panel, streams an answer that used a memory, and switches to chat mode', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${inject('baseUrl')}/?store=${storeName('app-chat')}`);
    await page.getByText('Memory mode').waitFor();
    await page.locator('textarea[name=text]').fill('My sister Mia lives in Lisbon.');
    await page.getByRole('button', { name: 'Remember' }).click();
    await expect.poll(() => page.locator('#memories memos-memory-card').count(), { timeout: 10_000 }).toBe(1);
    await page.locator('#model').selectOption('stories260K');
    await page.locator('#device').selectOption('wasm');
    await page.getByRole('button', { name: 'Load' }).click();
    await page.getByText('Loaded: stories260K').waitFor();
    await page.getByText('Chat mode: stories260K').waitFor();
    await page.locator('textarea[name=message]').fill('Where does my sister Mia live?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.used').waitFor({ timeout: 30_000 });
    expect(await page.locator('.used').textContent()).toContain('used 1 memories: “My sister Mia lives in Lisbon.”');
    expect((await page.locator('.a').textContent())?.trim().length).toBeGreaterThan(0);
    await expect.poll(() => page.locator('#memories memos-memory-card').count(), { timeout: 30_000 }).toBeGreaterThan(1);
    // Keep what the answer used as a KV cube: the next answer starts from it instead of re-reading.
    await page.getByRole('button', { name: 'Keep as KV cube' }).click();
    await page.locator('#kv').getByText('active').waitFor({ timeout: 30_000 });
    await page.locator('textarea[name=message]').fill('And where does Mia live?');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.locator('.used').count(), { timeout: 30_000 }).toBe(2);
    expect(await page.locator('.used').nth(1).textContent()).toMatch(/^started from KV cube kv_/);
    await page.locator('#redaction').selectOption('tag');
    await page.locator('#consent').selectOption('manual');
    await page.screenshot({ path: 'test-results/app-chat.png', fullPage: true });
    errors.expectNone();
    await context.close();
  });
});
