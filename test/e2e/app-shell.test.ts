// The app (<memos-app>) in a real Chromium against the dev server: memory mode without a model, the
// inspector's details (edit, diff, rollback, purge), users and cubes (share, export, import, a bad
// file), and chat with stories260K (chips with why, KV cube, scheduler view). Screenshots go to
// test-results/ to be looked at.
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { launchProfile, newProfileDir, storeName, watchErrors } from './browser';
import { HAS_STORIES } from '../support/shared-models';
import { loadStories, remember } from './app-helpers';
import { seededRandom } from '../../src/core/seeded-random';
import { peftTensors } from '../../src/inference/lora/peft-adapter';
import { writeSafetensors } from '../../src/inference/lora/safetensors';

const HOSTILE = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> [click](javascript:alert(1))`;

describe('the app in memory mode', () => {
  it('adds, finds and keeps memories across a reload, showing hostile text as text', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${inject('baseUrl')}/?store=${storeName('app')}`);
    await page.getByText('Memory mode').waitFor();
    // Without a model the app opens on the memories.
    expect(await page.getByRole('tab', { name: 'Memories' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('#search-mode').textContent()).toContain('words and meaning (use-lite');
    await remember(page, `Favourite tea is genmaicha ${HOSTILE}`, 'tea, drinks');
    const card = page.locator('#memories memos-memory-card').first();
    expect(await card.locator('.text').textContent()).toBe(`Favourite tea is genmaicha ${HOSTILE}`);
    expect(await card.locator('img').count()).toBe(0);
    expect(await page.locator('svg[aria-label="memories over time by type"] rect').count()).toBeGreaterThan(0);

    await page.getByRole('searchbox', { name: 'search memories' }).fill('genmaicha');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.locator('#hits memos-memory-card').first().waitFor();
    expect(await page.locator('#hits memos-memory-card .why').first().textContent()).toMatch(/words #1 .*matched: genmaicha/);
    await page.screenshot({ path: 'test-results/app-memories.png', fullPage: true });
    // The details view and the version history show it as text too.
    await page.locator('#memories memos-memory-card').first().getByRole('button', { name: 'details and history' }).click();
    const detail = page.locator('memos-memory-detail');
    expect(await detail.locator('p.text').textContent()).toBe(`Favourite tea is genmaicha ${HOSTILE}`);
    expect(await detail.locator('img, script, a').count()).toBe(0);

    await page.reload();
    await page.locator('#memories memos-memory-card').first().waitFor();
    expect(await page.locator('#memories memos-memory-card .text').first().textContent()).toContain('genmaicha');
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    errors.expectNone();
    await context.close();
  });

  it('edits a memory, shows the change as a diff, rolls it back, and purges only after asking', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${inject('baseUrl')}/?store=${storeName('app-detail')}#memories`);
    await remember(page, 'The spare key is under the blue flowerpot.');
    await page.locator('#memories memos-memory-card').first().getByRole('button', { name: 'details and history' }).click();
    const detail = page.locator('memos-memory-detail');
    await detail.getByRole('button', { name: 'Edit' }).click();
    await detail.getByRole('textbox', { name: 'Text' }).fill('The spare key is under the red flowerpot.');
    await detail.getByRole('button', { name: 'Save as v2' }).click();
    await detail.locator('li[data-version="2"]').waitFor();
    expect(await detail.locator('li[data-version="2"] del').textContent()).toContain('blue');
    expect(await detail.locator('li[data-version="2"] ins').textContent()).toContain('red');
    await expect.poll(() => page.locator('#memories memos-memory-card .text').first().textContent()).toContain('red flowerpot');
    await page.screenshot({ path: 'test-results/app-detail.png', fullPage: true });

    await detail.getByRole('button', { name: 'roll back to version 1' }).click();
    await detail.locator('li[data-version="3"]').waitFor();
    expect(await detail.locator('p.text').textContent()).toBe('The spare key is under the blue flowerpot.');
    await expect.poll(() => page.locator('#memories memos-memory-card .text').first().textContent()).toContain('blue flowerpot');

    await detail.getByRole('button', { name: 'Purge' }).click();
    await detail.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.locator('#memories memos-memory-card').count()).toBe(1);
    await detail.getByRole('button', { name: 'Purge' }).click();
    await detail.getByRole('button', { name: 'Yes, purge' }).click();
    await expect.poll(() => page.locator('#memories memos-memory-card').count()).toBe(0);
    errors.expectNone();
    await context.close();
  });

  it('keeps shown search hits true to the store after an edit and a purge', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${inject('baseUrl')}/?store=${storeName('app-hits')}#memories`);
    await remember(page, 'The spare key is under the blue flowerpot.');
    await remember(page, 'The flowerpot on the balcony needs water.');
    await remember(page, 'Stock markets fell sharply on Monday.');
    const box = page.getByRole('searchbox', { name: 'search memories' });
    await box.fill('flowerpot');
    await box.press('Enter');
    const hits = page.locator('#hits memos-memory-card');
    await expect.poll(() => hits.count()).toBe(2);
    // A memory that shares no word and little meaning is never listed among the matches.
    expect((await hits.locator('.text').allTextContents()).join(' | ')).not.toContain('Stock markets');
    const keyCard = hits.filter({ hasText: 'spare key' });
    await keyCard.getByRole('button', { name: 'details and history' }).click();
    const detail = page.locator('memos-memory-detail');
    await detail.getByRole('button', { name: 'Edit' }).click();
    await detail.getByRole('textbox', { name: 'Text' }).fill('The spare key is under the red flowerpot.');
    await detail.getByRole('button', { name: 'Save as v2' }).click();
    const texts = () => hits.locator('.text').allTextContents().then((t) => t.join(' | '));
    await expect.poll(texts).toContain('red flowerpot');
    expect(await texts()).not.toContain('blue flowerpot');
    await detail.getByRole('button', { name: 'Purge' }).click();
    await detail.getByRole('button', { name: 'Yes, purge' }).click();
    await expect.poll(() => hits.count()).toBe(1);
    expect(await texts()).toContain('balcony');
    errors.expectNone();
    await context.close();
  });

  it('creates users and cubes, shares a cube, exports it and imports it back, and refuses a bad file', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${inject('baseUrl')}/?store=${storeName('app-cubes')}#memories`);
    await remember(page, 'Rent is due on the first of the month.');
    await page.getByRole('tab', { name: 'Users & cubes' }).click();
    const cubes = page.locator('memos-cubes');
    // A second user, then back to "me" to share the cube with them.
    await cubes.getByRole('textbox', { name: 'New user id' }).fill('sam');
    await cubes.getByRole('button', { name: 'Create user' }).click();
    await expect.poll(() => cubes.locator('#user').inputValue()).toBe('sam');
    // The switch is said, not silent.
    await cubes.getByText('Created sam; you now act as sam').waitFor();
    await cubes.locator('#user').selectOption('me');
    await expect.poll(() => cubes.locator('#cube-list tbody tr').count()).toBe(1);
    await cubes.getByRole('button', { name: 'Share', exact: true }).click();
    await cubes.getByText('Shared with sam (read).').waitFor();
    await expect.poll(() => cubes.locator('#cube-list').textContent()).toContain('sam: read');

    const download = page.waitForEvent('download');
    await cubes.getByRole('button', { name: /^export / }).click();
    const file = await (await download).path();
    expect(file).toBeTruthy();

    await cubes.locator('#import').setInputFiles({ name: 'broken.memos.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "memos-cube", "version": 1, "memories": [') });
    await cubes.getByRole('alert').waitFor();
    expect(await cubes.getByRole('alert').textContent()).toMatch(/^INVALID_FILE|^[A-Z_]+:/);
    expect(await cubes.locator('#cube-list tbody tr').count()).toBe(1);

    await cubes.locator('#import').setInputFiles(file!);
    await expect.poll(() => cubes.locator('#cube-list tbody tr').count()).toBe(2);
    await expect.poll(() => cubes.getByRole('status').textContent()).toMatch(/imported as a copy with new ids/);
    await page.getByRole('tab', { name: 'Memories' }).click();
    await expect.poll(() => page.locator('#memories memos-memory-card .text').first().textContent()).toContain('Rent is due');
    await page.getByRole('tab', { name: 'Users & cubes' }).click();
    await page.screenshot({ path: 'test-results/app-cubes.png', fullPage: true });

    // Deleting the imported copy asks first, then removes it; Cancel keeps it.
    await cubes.getByRole('button', { name: /^delete / }).nth(1).click();
    await cubes.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await cubes.locator('#cube-list tbody tr').count()).toBe(2);
    await cubes.getByRole('button', { name: /^delete / }).nth(1).click();
    await cubes.getByRole('alertdialog').getByRole('button', { name: 'Delete for good' }).click();
    await expect.poll(() => cubes.locator('#cube-list tbody tr').count()).toBe(1);
    // Forgetting sam removes sam and what was shared with sam; the app acts as another user.
    await cubes.locator('#user').selectOption('sam');
    await cubes.getByRole('button', { name: 'forget user sam' }).click();
    await cubes.getByRole('alertdialog').getByRole('button', { name: 'Forget sam for good' }).click();
    await cubes.getByText('Forgot sam; you now act as me.').waitFor();
    expect(await cubes.locator('#user option').allTextContents()).not.toContain('sam (sam)');
    await expect.poll(() => cubes.locator('#cube-list').textContent()).not.toContain('sam: read');
    errors.expectNone();
    await context.close();
  });
});

describe('a cube shared to read', () => {
  it('shows as read-only: a badge, no way to add, no change buttons on its memories', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${inject('baseUrl')}/?store=${storeName('app-readonly')}#memories`);
    await page.getByText('Memory mode').waitFor();
    await remember(page, 'The team meets on Mondays.');
    await page.getByRole('tab', { name: 'Users & cubes' }).click();
    const cubes = page.locator('memos-cubes');
    await cubes.getByRole('textbox', { name: 'New user id' }).fill('sam');
    await cubes.getByRole('button', { name: 'Create user' }).click();
    await cubes.getByText('Created sam; you now act as sam').waitFor();
    await cubes.locator('#user').selectOption('me');
    await expect.poll(() => cubes.locator('#cube-list tbody tr').count()).toBe(1);
    await cubes.getByRole('button', { name: 'Share', exact: true }).click();
    await cubes.getByText('Shared with sam (read).').waitFor();
    await cubes.locator('#user').selectOption('sam');
    await cubes.getByRole('button', { name: 'open My memories' }).click();
    await page.getByRole('tab', { name: 'Memories' }).click();
    const inspector = page.locator('memos-inspector');
    await inspector.locator('#read-only').waitFor();
    expect(await inspector.locator('#read-only').textContent()).toContain('me shared this cube with you to read');
    expect(await inspector.getByRole('button', { name: 'Remember' }).count()).toBe(0);
    const card = inspector.locator('#memories memos-memory-card').first();
    await card.waitFor();
    expect(await card.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    expect(await card.getByRole('button', { name: 'details and history' }).count()).toBe(1);
    errors.expectNone();
    await context.close();
  });
});

/** Counts, through every shadow root, elements that hostile text would have made if it were parsed as markup. */
function markupFromText(page: import('playwright-core').Page): Promise<number> {
  return page.evaluate(() => {
    let found = 0;
    const visit = (root: Document | ShadowRoot) => {
      found += root.querySelectorAll('[onerror], [onmouseover], img[src="x"], a[href^="javascript:"], b.pwn').length;
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot);
    };
    visit(document);
    return found;
  });
}

describe('hostile text in every view', () => {
  it('shows hostile memory text, tags, user and cube names, model labels and error messages as text', async () => {
    const NAME = `<b class="pwn" onmouseover="window.__pwned=4">Eve</b><img src=x onerror="window.__pwned=5">`;
    const TAG = '<img src=x onerror=window.__pwned=3>';
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${inject('baseUrl')}/?store=${storeName('app-hostile')}#memories`);
    await page.getByText('Memory mode').waitFor();
    await remember(page, `Notes ${HOSTILE}`, `${TAG}, plain`);
    const card = page.locator('#memories memos-memory-card').first();
    expect(await card.locator('.chip').allTextContents()).toContain(`#${TAG}`);

    await page.getByRole('tab', { name: 'Users & cubes' }).click();
    const cubes = page.locator('memos-cubes');
    await cubes.getByRole('textbox', { name: 'New user id' }).fill('eve');
    await cubes.getByRole('textbox', { name: 'Name' }).fill(NAME);
    await cubes.getByRole('button', { name: 'Create user' }).click();
    await expect.poll(() => cubes.locator('#user').inputValue()).toBe('eve');
    expect(await cubes.locator('#user option:checked').textContent()).toBe(`${NAME} (eve)`);
    await cubes.getByRole('form', { name: 'create a cube' }).getByRole('textbox').fill(`Cube ${NAME}`);
    await cubes.getByRole('form', { name: 'create a cube' }).getByRole('button').click();
    await expect.poll(() => cubes.locator('#cube-list').textContent()).toContain(`Cube ${NAME}`);
    // An error message that quotes the file's own words shows them as text.
    await cubes.locator('#import').setInputFiles({ name: 'hostile.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ format: 'memos-web.cube', formatVersion: NAME })) });
    await cubes.getByRole('alert').waitFor();
    expect(await cubes.getByRole('alert').textContent()).toContain(NAME);

    await page.getByRole('tab', { name: 'Models' }).click();
    const models = page.locator('#panel-models memos-models');
    const add = models.getByRole('form', { name: 'add a model by URL' });
    await add.getByRole('textbox', { name: 'Id' }).fill('hostile-model');
    await add.getByRole('textbox', { name: 'Label' }).fill(NAME);
    await add.getByRole('textbox', { name: 'Folder URL' }).fill(`${inject('baseUrl')}/no-such-model/`);
    await add.getByRole('button').click();
    await expect.poll(() => models.locator('#catalogue').textContent()).toContain(NAME);
    await page.screenshot({ path: 'test-results/app-hostile.png', fullPage: true });

    expect(await markupFromText(page)).toBe(0);
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    errors.expectNone();
    await context.close();
  });
});

describe.skipIf(!HAS_STORIES)('the app with a model (needs ../shared stories260K)', () => {
  it('loads stories260K, streams an answer whose memory chips explain themselves, keeps a KV cube and shows the scheduler', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${inject('baseUrl')}/?store=${storeName('app-chat')}#memories`);
    await page.getByText('Memory mode').waitFor();
    await remember(page, 'My sister Mia lives in Lisbon.');
    await loadStories(page);
    const models = page.locator('#panel-models memos-models');
    await page.getByText('Chat mode: stories260K').waitFor();
    await expect.poll(() => models.locator('#catalogue tr[data-model="stories260K"]').textContent()).toMatch(/yes/);
    await page.getByRole('tab', { name: 'Chat' }).click();
    const chat = page.locator('memos-chat');
    // The built-in model is said to be what it is.
    expect(await chat.locator('#toy-model').textContent()).toMatch(/follows no instructions/);
    await chat.getByRole('textbox', { name: 'Message' }).fill('Where does my sister Mia live?');
    await chat.getByRole('button', { name: 'Send' }).click();
    await chat.locator('.used').waitFor({ timeout: 30_000 });
    expect(await chat.locator('.used').textContent()).toContain('used 1 memories: “My sister Mia lives in Lisbon.”');
    expect((await chat.locator('.a').textContent())?.trim().length).toBeGreaterThan(0);
    await chat.locator('.chip').first().click();
    expect(await chat.locator('.why').textContent()).toMatch(/score [\s\S]* written/);
    expect(await chat.locator('.why svg[aria-label="score breakdown"] rect').count()).toBe(9);
    // The session list now has this conversation.
    await expect.poll(() => chat.locator('nav li').count(), { timeout: 15_000 }).toBe(1);

    await chat.getByRole('button', { name: 'Keep as KV cube' }).click();
    await chat.getByText(/is active in this chat/).waitFor({ timeout: 30_000 });
    await chat.getByRole('textbox', { name: 'Message' }).fill('And where does Mia live?');
    await chat.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => chat.locator('.used').count(), { timeout: 30_000 }).toBe(2);
    expect(await chat.locator('.used').nth(1).textContent()).toMatch(/^started from KV cube kv_/);
    // The chat says a cube answers (and that what it lacks is still searched); turning it off brings the whole search back.
    expect(await chat.locator('#active-kv').textContent()).toMatch(/not read again\); memories it lacks are still searched/);
    await chat.locator('#active-kv-memories summary').click();
    expect(await chat.locator('#active-kv-memories li').count()).toBeGreaterThan(0);
    await page.screenshot({ path: 'test-results/app-chat.png', fullPage: true });
    await chat.getByRole('button', { name: 'Turn off KV cube' }).click();
    await chat.getByText(/KV cube turned off/).waitFor();
    expect(await chat.locator('#active-kv').count()).toBe(0);
    await chat.getByRole('textbox', { name: 'Message' }).fill('Where does Mia live?');
    await chat.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => chat.locator('.used').count(), { timeout: 30_000 }).toBe(3);
    expect(await chat.locator('.used').nth(2).textContent()).toMatch(/^used \d+ memories/);

    await page.getByRole('tab', { name: 'Scheduler' }).click();
    const scheduler = page.locator('memos-scheduler');
    await scheduler.locator('#kv-savings').waitFor({ timeout: 15_000 });
    expect(await scheduler.locator('#kv-savings tbody tr').first().textContent()).toMatch(/\d+ ms[\s\S]*\d+ ms[\s\S]*\d+ ms/);
    await expect.poll(() => scheduler.locator('#jobs').textContent()).toMatch(/Runs in this tab/);
    expect(await scheduler.locator('#working li').count()).toBeGreaterThan(0);
    await page.screenshot({ path: 'test-results/app-scheduler.png', fullPage: true });

    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.locator('#redaction').selectOption('tag');
    await page.locator('#consent').selectOption('manual');
    errors.expectNone();
    await context.close();
  });
});

describe.skipIf(!HAS_STORIES)('loading the last model on start (needs ../shared stories260K)', () => {
  it('loads it again after a reload when the setting is on, with no click', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${inject('baseUrl')}/?store=${storeName('app-on-start')}#settings`);
    await page.locator('memos-settings #model-on-start').check();
    await loadStories(page);
    await page.getByText('Chat mode: stories260K').waitFor();
    await page.reload();
    await page.getByText('Chat mode: stories260K').waitFor({ timeout: 30_000 });
    // Off again: the next start stays in memory mode.
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.locator('memos-settings #model-on-start').uncheck();
    await page.reload();
    await page.getByText('Memory mode').waitFor();
    errors.expectNone();
    await context.close();
  });
});

describe('the app for keyboard and screen-reader users', () => {
  it('moves between tabs with the arrow keys, and every control in every tab has an accessible name', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${inject('baseUrl')}/?store=${storeName('a11y')}#memories`);
    await page.getByText('Memory mode').waitFor();
    // One main landmark holds the tab panels; the tab bar is one row.
    expect(await page.getByRole('main').count()).toBe(1);
    expect(await page.getByRole('main').getByRole('tabpanel').count()).toBe(1);
    const tabTops = await page.getByRole('tab').evaluateAll((tabs) => new Set(tabs.map((t) => Math.round(t.getBoundingClientRect().top))).size);
    expect(tabTops).toBe(1);
    // A first-time user is pointed to the guided demo.
    expect(await page.locator('memos-app #first-run').textContent()).toContain('Try the guided demo');
    // Without a model, Send is off, and Chat says where models come from and opens Models.
    await page.getByRole('tab', { name: 'Chat' }).click();
    expect(await page.locator('memos-chat').getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    expect(await page.locator('memos-chat #model-routes').textContent()).toMatch(/model server[\s\S]*model files from disk/);
    await page.locator('memos-chat').getByRole('button', { name: 'Open Models' }).click();
    expect(await page.getByRole('tab', { name: 'Models' }).getAttribute('aria-selected')).toBe('true');
    await page.getByRole('tab', { name: 'Memories' }).click();
    await remember(page, 'Keyboard users can reach everything.');
    // With a memory, the pointer goes.
    await expect.poll(() => page.locator('memos-app #first-run').count()).toBe(0);
    await page.locator('#memories memos-memory-card').first().getByRole('button', { name: 'details and history' }).click();
    await page.locator('memos-memory-detail #versions li').first().waitFor();
    await page.getByRole('tab', { name: 'Memories' }).focus();
    const tabs = ['Graph', 'Users & cubes', 'Models', 'Scheduler', 'Settings', 'Guided demo', 'Chat', 'Memories'];
    const unnamed: string[] = [];
    const check = async (where: string) => {
      // Controls the accessibility tree shows without a name: "- button", "- textbox", "- combobox [disabled]"…
      const snapshot = await page.locator('memos-app').ariaSnapshot();
      for (const line of snapshot.split('\n')) {
        if (/^\s*- (button|textbox|combobox|checkbox|searchbox|spinbutton|slider|radio|tab|link)( \[[^\]]*\])*:?\s*$/.test(line)) unnamed.push(`${where}: ${line.trim()}`);
      }
    };
    await check('Memories');
    for (const tab of tabs) {
      await page.keyboard.press('ArrowRight');
      const focused = await page.evaluate(() => document.querySelector('memos-app')?.shadowRoot?.activeElement?.textContent?.trim());
      expect(focused).toBe(tab);
      expect(await page.getByRole('tab', { name: tab }).getAttribute('aria-selected')).toBe('true');
      await page.waitForTimeout(300);
      await check(tab);
    }
    await page.keyboard.press('End');
    expect(await page.getByRole('tab', { name: 'Guided demo' }).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Home');
    expect(await page.getByRole('tab', { name: 'Chat' }).getAttribute('aria-selected')).toBe('true');
    expect(unnamed).toEqual([]);
    errors.expectNone();
    await context.close();
  });
});

describe.skipIf(!HAS_STORIES)('parametric memory in the app (needs ../shared stories260K)', () => {
  it('imports a PEFT adapter, merges it into the loaded model, chats with it, and restores the base', async () => {
    const random = seededRandom(4);
    const fill = (n: number) => Float32Array.from({ length: n }, () => (random() - 0.5) * 2);
    const lora = { id: 'x', scale: 4, targets: [0, 1, 2, 3, 4].map((l) => ({ module: `model.layers.${l}.self_attn.v_proj`, a: fill(4 * 64), b: fill(32 * 4), rank: 4, inFeatures: 64, outFeatures: 32 })) };
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${inject('baseUrl')}/?store=${storeName('app-adapter')}#memories`);
    await page.getByText('Memory mode').waitFor();
    await loadStories(page);
    const status = page.locator('#panel-models memos-models #model-status');
    const ask = async () => {
      await page.getByRole('tab', { name: 'Chat' }).click();
      const chat = page.locator('memos-chat');
      const before = await chat.locator('.used').count();
      await chat.getByRole('textbox', { name: 'Message' }).fill('Tell me a story.');
      await chat.getByRole('button', { name: 'Send' }).click();
      await expect.poll(() => chat.locator('.used').count(), { timeout: 30_000 }).toBe(before + 1);
      return (await chat.locator('.a').last().textContent()) ?? '';
    };
    await page.getByRole('tab', { name: 'Memories' }).click();
    const adapters = page.locator('memos-adapters');
    await adapters.locator('input[type=file]').setInputFiles([
      { name: 'adapter_model.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(writeSafetensors(peftTensors(lora))) },
      { name: 'adapter_config.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ r: 4, lora_alpha: 16, target_modules: ['v_proj'] })) },
    ]);
    await adapters.locator('#adapters tbody tr').waitFor({ timeout: 15_000 });
    expect(await adapters.locator('#adapters tbody tr').textContent()).toMatch(/stories260K[\s\S]*4 · 5 · [\s\S]*imported[\s\S]*inactive/);
    await adapters.getByRole('button', { name: /^activate / }).click();
    await adapters.getByText('active (weight 1)').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator('#adapter-summary').textContent()).toContain('1 active');
    await page.screenshot({ path: 'test-results/app-adapters.png', fullPage: true });
    expect((await ask()).trim().length).toBeGreaterThan(0);
    await page.getByRole('tab', { name: 'Models' }).click();
    await expect.poll(() => status.textContent()).toContain('1 adapter merged');
    await page.getByRole('tab', { name: 'Memories' }).click();
    await adapters.getByRole('button', { name: /^deactivate / }).click();
    await adapters.getByText('inactive').waitFor({ timeout: 15_000 });
    await page.getByRole('tab', { name: 'Models' }).click();
    // Until the element has asked the worker, it says it is checking; then the base model, no adapter.
    await expect.poll(async () => /Loaded: stories260K/.test((await status.textContent()) ?? '') && !(await status.textContent())?.includes('adapter merged'), { timeout: 15_000 }).toBe(true);
    errors.expectNone();
    await context.close();
  });
});
