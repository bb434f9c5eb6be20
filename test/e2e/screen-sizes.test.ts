// Every view of the app at a phone width and a desktop width, with hostile content (a 5,000-letter
// word, a 10 KB memory, 32 tags, a long cube name): nothing may make the page scroll sideways.
// Screenshots of each view go to test-results/ for a person to look at.
import { describe, expect, inject, it } from 'vitest';
import { launchProfile, newProfileDir, storeName, watchErrors } from './browser';
import { remember } from './app-helpers';

const TABS = ['Chat', 'Memories', 'Users & cubes', 'Models', 'Scheduler', 'Guided demo', 'Settings'];

describe('every view at every screen size', () => {
  it('fits 360 px and 1,280 px wide with hostile content, with no sideways scroll', { timeout: 120_000 }, async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${inject('baseUrl')}/?store=${storeName('sizes')}#memories`);
    await remember(page, `word ${'x'.repeat(5000)} end`);
    await remember(page, 'A long memory. '.repeat(700), Array.from({ length: 32 }, (_, i) => `tag-${i}-${'y'.repeat(20)}`).join(','));
    await remember(page, 'https://example.org/a/very/long/path/' + 'segment/'.repeat(60));
    const overflows: string[] = [];
    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      for (const tab of TABS) {
        await page.getByRole('tab', { name: tab }).click();
        await page.waitForTimeout(300);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (wide > 1) overflows.push(`${tab} at ${width} px: ${wide} px too wide`);
        await page.screenshot({ path: `test-results/size-${width}-${tab.replace(/\W+/g, '-').toLowerCase()}.png`, fullPage: true });
      }
    }
    expect(overflows).toEqual([]);
    errors.expectNone();
    await context.close();
  });
});
