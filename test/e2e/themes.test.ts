// Light and dark: the app follows the device's colour scheme and the Settings choice (kept across a
// reload), and in both themes every visible piece of text in every tab keeps a contrast of at least
// 4.5:1 against what is behind it (3:1 for large text), as WCAG 2.1 AA asks. Disabled controls are
// exempt. Screenshots of both themes go to test-results/.
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchProfile, newProfileDir, storeName, watchErrors } from './browser';
import { remember } from './app-helpers';

const TABS = ['Chat', 'Memories', 'Users & cubes', 'Models', 'Scheduler', 'Settings', 'Guided demo'];

/** Every visible text whose contrast is below the AA minimum: "tab · text · ratio · colours". */
function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const parse = (value: string): number[] => (value.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r, g, b]: number[]): number =>
      [r!, g!, b!].map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4)).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i]!, 0);
    const parentOf = (el: Element): Element | null => el.parentElement ?? ((el.getRootNode() as ShadowRoot).host ?? null);
    const backgroundOf = (el: Element): number[] => {
      for (let at: Element | null = el; at; at = parentOf(at)) {
        const [r, g, b, a = 1] = parse(getComputedStyle(at).backgroundColor);
        if (a >= 0.5) return [r!, g!, b!];
      }
      return parse(getComputedStyle(document.body).backgroundColor);
    };
    const found: string[] = [];
    const visit = (root: Document | ShadowRoot): void => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) visit(el.shadowRoot);
        if (el.closest('svg') || el.closest('[hidden]') || (el as HTMLElement).closest?.(':disabled')) continue;
        const text = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent ?? '').join('').trim();
        if (!text || el.getClientRects().length === 0) continue;
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || Number(style.opacity) < 1) continue;
        const fg = parse(style.color);
        const bg = backgroundOf(el);
        const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
        const ratio = (hi! + 0.05) / (lo! + 0.05);
        const size = parseFloat(style.fontSize);
        const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
        if (ratio < (large ? 3 : 4.5)) found.push(`${text.slice(0, 40)} · ${ratio.toFixed(2)} · ${style.color} on rgb(${bg.join(', ')})`);
      }
    };
    visit(document);
    return found;
  });
}

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
