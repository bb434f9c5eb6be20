// The first run: the app's title, tabs and an "opening" status show at once, before the memory worker
// has even loaded (held back here by 1.5 s); the memories view follows when the store is open.
import { describe, expect, it, inject } from 'vitest';
import { launchProfile, newProfileDir, storeName, watchErrors } from './browser';

describe('the app on a first run', () => {
  it('shows its shell and tabs while the store opens, then the memories view', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    let held = 0;
    await page.route(/memory\.worker/, async (route) => {
      held++;
      await new Promise((done) => setTimeout(done, 1_500));
      await route.continue();
    });
    await page.goto(`${inject('baseUrl')}/?store=${storeName('first-run')}`);
    const opening = page.locator('#opening');
    await opening.waitFor();
    expect(await opening.textContent()).toContain('Opening your memory store');
    expect(await page.getByRole('tab').count()).toBe(8);
    expect(await page.getByRole('tab', { name: 'Memories' }).getAttribute('aria-selected')).toBe('true');
    // The memories view is not there yet: the worker is still held back.
    expect(await page.locator('#search-mode').count()).toBe(0);
    await page.locator('#search-mode').waitFor({ timeout: 30_000 });
    expect(held).toBeGreaterThan(0);
    expect(await opening.count()).toBe(0);
    expect(await page.getByText('Memory mode').count()).toBe(1);
    errors.expectNone();
    await context.close();
  });
});
