// The Graph view in a real Chromium: memories added in the app are read for entities in the memory
// worker; the view lists them and the cube's topics, draws a chosen entity with its memories and the
// other entities they name (nodes reachable by keyboard), lets a person rename an entity and add a
// name for it, opens a memory with the memories it is linked to and through what; a search says when a hit was linked through an entity; all of it after a reload.
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { launchProfile, newProfileDir, storeName, watchErrors } from './browser';
import { remember } from './app-helpers';

describe('the Graph view', () => {
  it('shows entities and topics, draws an entity’s links, opens a memory with what it is linked to, from the keyboard too', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${inject('baseUrl')}/?store=${storeName('app-graph')}`);
    await page.getByText('Memory mode').waitFor();
    await remember(page, 'My sister Lucia moved to Lisbon in March.');
    await remember(page, 'Lucia found a flat near the river in Alfama.');
    await remember(page, 'The pottery class meets on Thursday evenings.');

    await page.getByRole('tab', { name: 'Graph' }).click();
    const graph = page.locator('memos-graph');
    const lucia = graph.getByRole('list', { name: 'entities' }).getByRole('button', { name: /^Lucia/ });
    // The graph is read in the background: the view shows it once the worker has read the memories.
    // (It reads each memory once writes pause: Lucia may show with one memory before the second is read.)
    await expect.poll(() => lucia.textContent(), { timeout: 15_000 }).toContain('person · 2');
    expect(await graph.getByRole('list', { name: 'topics' }).locator(':scope > li').count()).toBeGreaterThan(0);

    await lucia.click();
    const drawing = graph.getByRole('group', { name: /Lucia: its memories/ });
    await drawing.waitFor();
    expect(await drawing.locator('g.memory').count()).toBe(2);
    expect(await drawing.locator('g.entity').count()).toBeGreaterThan(0);
    // From the keyboard: focus a memory node and press Enter.
    await drawing.locator('g.memory').first().focus();
    await page.keyboard.press('Enter');
    const linked = graph.getByRole('list', { name: 'linked memories' });
    await linked.waitFor();
    expect(await linked.textContent()).toMatch(/through .*Lucia/);
    expect(await graph.locator('memos-memory-detail p.text').textContent()).toMatch(/Lucia/);

    // Corrected by hand: a new name and another name for her; the drawing and the list follow.
    await graph.getByText('Correct this entity').click();
    const form = graph.getByRole('form', { name: 'correct Lucia' });
    await form.getByRole('textbox', { name: 'Name' }).fill('Lucia Moreno');
    await form.getByRole('textbox', { name: 'Also called' }).fill('Lu');
    await form.getByRole('button', { name: 'Save' }).click();
    await graph.getByRole('heading', { name: /^Lucia Moreno/ }).waitFor();
    expect(await graph.getByRole('list', { name: 'entities' }).textContent()).toContain('Lucia Moreno');
    expect(await graph.getByText(/Also called: .*lu/).count()).toBe(1);

    // Filters: by type, then by a name that matches nothing.
    await graph.getByRole('search', { name: 'filter entities' }).getByRole('combobox', { name: 'Type' }).selectOption('place');
    await expect.poll(() => graph.getByRole('list', { name: 'entities' }).textContent()).toContain('Lisbon');
    expect(await graph.getByRole('list', { name: 'entities' }).textContent()).not.toContain('Lucia');
    await page.screenshot({ path: 'test-results/app-graph.png', fullPage: true });

    // A search says when a hit was linked through an entity.
    await page.getByRole('tab', { name: 'Memories' }).click();
    await page.getByRole('searchbox', { name: 'search memories' }).fill('How is Lucia?');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.locator('#hits memos-memory-card').first().waitFor();
    expect(await page.locator('#hits memos-memory-card .why').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('linked through Lucia')]));

    // After a reload the graph is there at once (loaded from IndexedDB, not read again).
    await page.reload();
    await page.getByText('Memory mode').waitFor();
    await page.getByRole('tab', { name: 'Graph' }).click();
    await page.locator('memos-graph').getByRole('list', { name: 'entities' }).getByRole('button', { name: /^Lucia Moreno/ }).waitFor({ timeout: 10_000 });
    errors.expectNone();
    await context.close();
  });
});
