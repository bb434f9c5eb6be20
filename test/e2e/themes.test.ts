// Light and dark: the app follows the device's colour scheme and the Settings choice (kept across a
// reload), and in both themes every visible piece of text in every tab keeps a contrast of at least
// 4.5:1 against what is behind it (3:1 for large text), as WCAG 2.1 AA asks. Disabled controls are
// exempt. Screenshots of both themes go to test-results/.
import { describe, expect, inject, it } from 'vitest';
import { launchProfile, newProfileDir, storeName, watchErrors } from './browser';
import { remember } from './app-helpers';
import { lowContrast } from './contrast';

const TABS = ['Chat', 'Memories', 'Graph', 'Users & cubes', 'Models', 'Scheduler', 'Settings', 'Guided demo'];

describe('themes', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`keeps every text readable in the ${scheme} theme, in every tab`, async () => {
      const context = await launchProfile(newProfileDir());
      const page = await context.newPage();
      await page.emulateMedia({ colorScheme: scheme });
      const errors = watchErrors(page);
      await page.goto(`${inject('baseUrl')}/?store=${storeName(`theme-${scheme}`)}#memories`);
      await page.getByText('Memory mode').waitFor();
      expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe(scheme);
      await remember(page, 'A memory to look at in both themes.', 'colours');
      const problems: string[] = [];
      for (const tab of TABS) {
        await page.getByRole('tab', { name: tab }).click();
        await page.waitForTimeout(300);
        problems.push(...(await lowContrast(page)).map((p) => `${tab} · ${p}`));
      }
      await page.getByRole('tab', { name: 'Memories' }).click();
      await page.screenshot({ path: `test-results/theme-${scheme}.png`, fullPage: true });
      expect(problems).toEqual([]);
      // The check itself can fail: grey on grey is caught.
      await page.evaluate(() => document.body.append(Object.assign(document.createElement('p'), { textContent: 'grey on grey', style: 'color: #777; background: #888' })));
      expect((await lowContrast(page)).some((p) => p.startsWith('grey on grey'))).toBe(true);
      errors.expectNone();
      await context.close();
    });
  }

  it('lets the user choose a theme in Settings, kept across a reload, and go back to the device’s', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${inject('baseUrl')}/?store=${storeName('theme-choice')}#settings`);
    await page.locator('memos-settings #theme').selectOption('dark');
    expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    await page.reload();
    await page.locator('memos-settings #theme').waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    await page.locator('memos-settings #theme').selectOption('system');
    expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    await context.close();
  });
});
