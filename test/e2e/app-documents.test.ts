// Documents in the app: pick a PDF, drop a Markdown file on the app, see each one's progress and
// result, find a passage with its citation, open a document's passages, remove it after confirming;
// a locked PDF is refused with the reason and leaves nothing.
import { describe, expect, it, inject } from 'vitest';
import { makeEncryptedPdf, makePdf } from '../support/document-files';
import { launchProfile, newProfileDir, storeName, watchErrors } from './browser';

describe('documents in the app', () => {
  it('adds picked and dropped files with progress, cites them in search, opens and removes them', async () => {
    const pdf = await makePdf(
      [
        { heading: 'Rent', paragraphs: ['The monthly rent is 870 euros, paid on the first working day of each month.'] },
        { heading: 'Deposit', paragraphs: ['The tenant pays a deposit of two months of rent, returned within thirty days.'] },
      ],
      'Lease of flat 3B',
    );
    const locked = await makeEncryptedPdf();
    const context = await launchProfile(newProfileDir());
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${inject('baseUrl')}/?store=${storeName('app-docs')}#memories`);
    await page.getByText('Memory mode').waitFor();
    const docs = page.locator('memos-documents');
    await docs.locator('#document-files').setInputFiles([
      { name: 'lease.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf) },
      { name: 'locked.pdf', mimeType: 'application/pdf', buffer: Buffer.from(locked) },
    ]);
    await docs.getByRole('status', { name: 'adding lease.pdf' }).getByText('2 passages from 2 pages').waitFor({ timeout: 30_000 });
    await docs.getByRole('status', { name: 'adding locked.pdf' }).getByText(/encrypted/).waitFor({ timeout: 30_000 });
    expect(await docs.locator('#documents tbody tr').count()).toBe(1);

    // Dropped on the app (from another tab): it lands in the open cube as well.
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.evaluate(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['# Plants\n\nThe fern by the window needs shade and rain water.'], 'plants.md', { type: 'text/markdown' }));
      document.querySelector('memos-app')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    });
    expect(await page.getByRole('tab', { name: 'Memories' }).getAttribute('aria-selected')).toBe('true');
    await docs.getByRole('status', { name: 'adding plants.md' }).getByText('1 passage').waitFor({ timeout: 30_000 });
    await expect.poll(() => docs.locator('#documents tbody tr').count()).toBe(2);

    await page.getByRole('searchbox', { name: 'search memories' }).fill('deposit returned');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const hit = page.locator('#hits memos-memory-card').first();
    await hit.waitFor();
    expect(await hit.locator('.citation').textContent()).toContain('lease.pdf, p. 2 · Deposit');

    await docs.getByRole('button', { name: 'open lease.pdf' }).click();
    await docs.locator('#document-chunks .chunk').first().waitFor();
    expect(await docs.locator('#document-chunks .chunk').count()).toBe(2);
    await page.screenshot({ path: 'test-results/app-documents.png', fullPage: true });

    await docs.getByRole('button', { name: 'remove lease.pdf' }).click();
    await docs.getByRole('alertdialog', { name: 'confirm removing lease.pdf' }).getByRole('button', { name: 'Yes, remove' }).click();
    await expect.poll(() => docs.locator('#documents tbody tr').count()).toBe(1);
    expect(await docs.locator('#document-chunks').count()).toBe(0);
    // Its passages are gone from the shown search results too.
    await expect.poll(() => page.locator('#hits memos-memory-card .citation').count()).toBe(0);
    errors.expectNone();
    await context.close();
  });
});
