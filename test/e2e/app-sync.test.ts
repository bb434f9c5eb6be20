// Settings → Sync in the app: one profile sends its cube through PouchDB Server (started here), a second
// profile enters the same server and passphrase and gets the memory; the header says the cube syncs;
// a wrong passphrase is shown with its code and changes nothing. The first profile chose to remember
// the key: after a reload it syncs again, live, without being asked, and gets what the second wrote.
import { describe, expect, it, inject } from 'vitest';
import type { Page } from 'playwright-core';
import { couchForBrowsers } from './couch-for-browsers';
import { remember } from './app-helpers';
import { launchProfile, newProfileDir, storeName, watchErrors } from './browser';

const couchUrl = couchForBrowsers();

async function fillSync(page: Page, database: string, passphrase: string, rememberKey = false): Promise<void> {
  await page.getByRole('tab', { name: 'Settings' }).click();
  const form = page.locator('memos-sync form[aria-label="sync settings"]');
  // (Once, in a full run, the form was not there for 30 s: say what the page showed instead.)
  await form.waitFor({ timeout: 30_000 }).catch(async (error: unknown) => {
    await page.screenshot({ path: 'test-results/app-sync-no-form.png', fullPage: true }).catch(() => undefined);
    const selected = await page.getByRole('tab', { selected: true }).allTextContents().catch(() => []);
    const shown = (await page.locator('memos-app').innerText().catch(() => '')).slice(0, 400);
    throw new Error(`No sync form at ${page.url()} (tab ${selected.join(', ')}): ${shown}`, { cause: error });
  });
  if (rememberKey) await form.getByLabel(/remember on this device/).check();
  await form.getByLabel('Server', { exact: true }).fill(couchUrl());
  await form.getByLabel('Database').fill(database);
  await form.getByLabel('Passphrase').fill(passphrase);
  await form.getByRole('button', { name: 'Sync now' }).click();
}

describe('sync in the app', () => {
  it('sends a cube from one profile and receives it on another, with status and errors shown', async () => {
    const database = `memos-app-${Date.now()}`;
    const first = await launchProfile(newProfileDir());
    const a = await first.newPage();
    const errorsA = watchErrors(a);
    await a.goto(`${inject('baseUrl')}/?store=${storeName('app-sync-a')}#memories`);
    await a.getByText('Memory mode').waitFor();
    await remember(a, 'The shed key hangs behind the kitchen door.');
    await fillSync(a, database, 'our family passphrase', true);
    await a.locator('memos-sync #sync-status').getByText(/sent 1/).waitFor({ timeout: 30_000 });
    await a.locator('memos-sync #sync-status').getByText(/key remembered on this device/).waitFor();
    await a.locator('#sync-chip').getByText('sync live').waitFor({ timeout: 10_000 });

    const second = await launchProfile(newProfileDir());
    const b = await second.newPage();
    const errorsB = watchErrors(b);
    await b.goto(`${inject('baseUrl')}/?store=${storeName('app-sync-b')}#memories`);
    await b.getByText('Memory mode').waitFor();
    await fillSync(b, database, 'not the passphrase');
    expect(await b.locator('memos-sync [role=alert]').textContent()).toContain('SYNC_KEY_INVALID');
    // The default cube of this profile is another cube: its memories come with the cube of the first.
    await fillSync(b, database, 'our family passphrase');
    await b.locator('memos-sync #sync-status').getByText(/received 1/).waitFor({ timeout: 30_000 });
    await b.getByRole('tab', { name: 'Memories' }).click();
    await b.getByRole('searchbox', { name: 'search memories' }).fill('shed key');
    await b.getByRole('button', { name: 'Search', exact: true }).click();
    await b.locator('#hits memos-memory-card').first().waitFor({ timeout: 10_000 });

    // B writes; A reloads, and its remembered sync resumes live by itself and brings B's memory.
    await remember(b, 'The ladder is in the garage loft.');
    await a.reload();
    await a.getByText('Memory mode').waitFor();
    await a.locator('#sync-chip').getByText('sync live').waitFor({ timeout: 30_000 });
    await a.getByRole('tab', { name: 'Memories' }).click();
    await expect
      .poll(async () => {
        await a.getByRole('searchbox', { name: 'search memories' }).fill('ladder garage');
        await a.getByRole('button', { name: 'Search', exact: true }).click();
        return a.locator('#hits memos-memory-card').filter({ hasText: 'garage loft' }).count();
      }, { timeout: 30_000, interval: 1_000 })
      .toBeGreaterThan(0);
    errorsA.expectNone();
    errorsB.expectNone();
    await first.close();
    await second.close();
  });
});
