// Documents in the real memory worker of Chromium: a PDF read by pdf.js inside the worker, a Word file
// by mammoth, a hostile HTML page, embedded by USE-lite and found by meaning; a bad file refused; all of
// it still there after a reload.
import { describe, expect, it } from 'vitest';
import { HOSTILE_HTML, makeDocx, makeEncryptedPdf, makePdf } from '../support/document-files';
import { harnessUrl, launchProfile, newProfileDir, storeName, watchErrors } from './browser';

describe('documents in the browser', () => {
  it('reads PDF, Word and HTML files in the worker into cited, searchable memories that survive a reload', async () => {
    const pdf = await makePdf(
      [
        { heading: 'Rent', paragraphs: ['The monthly rent is 870 euros, paid on the first working day of each month.'] },
        { heading: 'Heating', paragraphs: ['The boiler is serviced every autumn by the landlord, who pays for the gas safety check.'] },
        { heading: 'Pets', paragraphs: ['One cat or one small dog is allowed with the written consent of the landlord.'] },
      ],
      'Lease',
    );
    const docx = await makeDocx([{ heading: 'Minutes', paragraphs: ['The committee agreed to repaint the stairwell in spring.'] }]);
    const locked = await makeEncryptedPdf();
    const context = await launchProfile(newProfileDir());
    const store = storeName('documents');
    const url = `${harnessUrl(store)}&embedder=use-lite`;
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url);
    await page.evaluate(() => window.memosReady);
    const result = await page.evaluate(
      async ({ pdf, docx, locked, html }) => {
        const memos = window.memos;
        await memos.createUser({ userId: 'ana', name: 'Ana' });
        await memos.createCube({ userId: 'ana', cubeId: 'home', name: 'Home' });
        // Adding never waits for the embedder to load (its chunks would get vectors in the background);
        // a search does, so once it answers the first document is embedded before it is stored. On a
        // slow machine the model is still loading when the page is ready.
        await memos.search({ userId: 'ana', query: 'warm up the embedder', cubeIds: ['home'], trackUsage: false });
        const phases = new Set<string>();
        const file = (bytes: number[], name: string, type: string) => new File([new Uint8Array(bytes)], name, { type });
        const lease = await memos.addDocument({ userId: 'ana', cubeId: 'home', file: file(pdf, 'lease.pdf', 'application/pdf') }, { onProgress: (p) => phases.add(p.phase) });
        const minutes = await memos.addDocument({ userId: 'ana', cubeId: 'home', file: file(docx, 'minutes.docx', '') });
        const garden = await memos.addDocument({ userId: 'ana', cubeId: 'home', file: { name: 'garden.html', type: 'text/html', bytes: new TextEncoder().encode(html) } });
        const refused = await memos.addDocument({ userId: 'ana', cubeId: 'home', file: file(locked, 'locked.pdf', 'application/pdf') }).then(
          () => 'stored',
          (e: { code?: string }) => e.code,
        );
        // Meaning, not words: "radiator" and "warm" appear nowhere in the lease.
        const byMeaning = await memos.search({ userId: 'ana', query: 'who looks after the radiators and keeping the flat warm', cubeIds: ['home'], topK: 1 });
        return {
          types: [lease.document.type, minutes.document.type, garden.document.type],
          phases: [...phases],
          refused,
          top: byMeaning[0]?.memory.sourceRefs[0],
          gardenText: (await memos.getDocument({ userId: 'ana', documentId: garden.document.documentId })).chunks.map((c) => c.text).join('\n'),
          ran: (globalThis as { __ran?: boolean }).__ran ?? false,
        };
      },
      { pdf: [...pdf], docx: [...docx], locked: [...locked], html: HOSTILE_HTML },
    );
    expect(result.types).toEqual(['pdf', 'docx', 'html']);
    expect(result.phases).toEqual(['reading', 'embedding', 'storing']);
    expect(result.refused).toBe('DOCUMENT_UNSUPPORTED');
    expect(result.top).toMatchObject({ documentName: 'lease.pdf', page: 2, headings: ['Heating'] });
    expect(result.gardenText).toContain('third of May');
    expect(result.gardenText).not.toMatch(/evil|injected|secret/);
    expect(result.ran).toBe(false);

    await page.reload();
    await page.evaluate(() => window.memosReady);
    const after = await page.evaluate(async () => ({
      documents: (await window.memos.listDocuments({ userId: 'ana', cubeId: 'home' })).map((d) => d.name).sort(),
      stairs: (await window.memos.search({ userId: 'ana', query: 'repaint stairwell', cubeIds: ['home'], topK: 1 }))[0]?.memory.sourceRefs[0]?.documentName,
    }));
    expect(after).toEqual({ documents: ['garden.html', 'lease.pdf', 'minutes.docx'], stairs: 'minutes.docx' });
    errors.expectNone();
    await context.close();
  });
});
