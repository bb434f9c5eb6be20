import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { launchProfile, newProfileDir, storeName, watchErrors } from './browser';

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
    await expect.poll(() => page.locator('#memories memos-memory-card').count()).toBe(1);
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
