// Every view of the app at a phone width and a desktop width, in the light and the dark theme, with
// hostile content (a 5,000-letter word, a 10 KB memory, 32 tags, a long URL, a document with a long
// name): nothing may make the page scroll sideways, and every text keeps its contrast (contrast.ts).
// Screenshots of each view go to test-results/ for a person to look at.
import { describe, expect, inject, it } from 'vitest';
import { launchProfile, newProfileDir, storeName, watchErrors } from './browser';
import { remember } from './app-helpers';
import { lowContrast } from './contrast';

const TABS = ['Chat', 'Memories', 'Graph', 'Users & cubes', 'Models', 'Scheduler', 'Guided demo', 'Settings'];

describe('every view at every screen size', () => {
  it('fits 360 px and 1,280 px wide with hostile content in both themes, with no sideways scroll and readable text', { timeout: 180_000 }, async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${inject('baseUrl')}/?store=${storeName('sizes')}#memories`);
    await remember(page, `word ${'x'.repeat(5000)} end`);
    await remember(page, 'A long memory. '.repeat(700), Array.from({ length: 32 }, (_, i) => `tag-${i}-${'y'.repeat(20)}`).join(','));
    await remember(page, 'https://example.org/a/very/long/path/' + 'segment/'.repeat(60));
    const name = `${'minutes-of-the-annual-general-meeting-'.repeat(4)}final.md`;
    await page.locator('memos-documents #document-files').setInputFiles([{ name, mimeType: 'text/markdown', buffer: Buffer.from(`# ${'z'.repeat(3000)}\n\nAgreed.`) }]);
    await page.locator('memos-documents #documents tbody tr').waitFor();
    const overflows: string[] = [];
    const unreadable: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const width of [360, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        for (const tab of TABS) {
          await page.getByRole('tab', { name: tab }).click();
          await page.waitForTimeout(300);
          const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          if (wide > 1) overflows.push(`${tab} at ${width} px (${scheme}): ${wide} px too wide`);
          unreadable.push(...(await lowContrast(page)).map((p) => `${tab} at ${width} px (${scheme}) · ${p}`));
          await page.screenshot({ path: `test-results/size-${width}-${scheme}-${tab.replace(/\W+/g, '-').toLowerCase()}.png`, fullPage: true });
        }
      }
    }
    expect(overflows).toEqual([]);
    expect(unreadable).toEqual([]);
    errors.expectNone();
    await context.close();
  });
});
