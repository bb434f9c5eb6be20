// Steps the app tests share: add a memory through the inspector, load stories260K from the Models tab.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Adds a memory in the Memories tab and waits for its card. */
export async function remember(page: Page, text: string, tags = ''): Promise<void> {
  const before = await page.locator('#memories memos-memory-card').count();
  await page.getByRole('textbox', { name: 'memory text' }).fill(text);
  if (tags) await page.getByRole('textbox', { name: 'tags' }).fill(tags);
  await page.getByRole('button', { name: 'Remember' }).click();
  await expect.poll(() => page.locator('#memories memos-memory-card').count(), { timeout: 15_000 }).toBe(before + 1);
}

/** Loads the built-in stories260K on wasm from the Models tab and waits until it is ready. */
export async function loadStories(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Models' }).click();
  const models = page.locator('#panel-models memos-models');
  await models.locator('#model').selectOption('stories260K');
  await models.locator('#device').selectOption('wasm');
  await models.locator('#load').click();
  await models.getByText('Loaded: stories260K').waitFor({ timeout: 30_000 });
}
