/**
 * Documents as memory, through the readers and through the API on fake-indexeddb (standing in for the
 * browser's IndexedDB; test/e2e/documents.test.ts runs the same calls in Chromium's worker).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { chunkDocument } from '../../src/memory/documents/chunker';
import { readDocument } from '../../src/memory/documents/read-document';
import { readHtml } from '../../src/memory/documents/html-text';
import { readMarkdown } from '../../src/memory/documents/plain-text';
import type { DocumentText } from '../../src/memory/documents/document-text';
import type { MemOS } from '../../src/os/memos';
import { HOSTILE_HTML, makeDocx, makeEncryptedPdf, makePdf, makePlainZip, makeZipBomb } from '../support/document-files';
import { errorOf, openTestOs } from './helpers';

const READ = { name: 'x', mediaType: '', maxPages: 1000, maxInflated: 64 * 1024 * 1024 };

/** The document's text as the chunker counts offsets in it: blocks joined by blank lines. */
function fullText(doc: DocumentText): string {
  return doc.blocks.map((b) => b.text).join('\n\n');
}

const LEASE_PAGES = [
  { heading: 'Rent', paragraphs: ['The monthly rent is 870 euros, paid on the first working day of each month by bank transfer.', 'Late payment adds a fee of 25 euros.'] },
  { heading: 'Deposit', paragraphs: ['The tenant pays a deposit of two months of rent, returned within thirty days after the keys are handed back.'] },
  { paragraphs: [] },
  { heading: 'Pets', paragraphs: ['One cat or one small dog is allowed with the written consent of the landlord.'] },
];

describe('reading documents', () => {
  it('reads a PDF page by page, with headings from the larger font, its title, and pages without text', async () => {
    const doc = await readDocument(await makePdf(LEASE_PAGES, 'Lease of flat 3B'), { ...READ, name: 'lease.pdf' });
    expect(doc.type).toBe('pdf');
    expect(doc.title).toBe('Lease of flat 3B');
    expect(doc.pageCount).toBe(4);
    expect(doc.pagesWithoutText).toEqual([3]);
    expect(doc.blocks.filter((b) => b.kind === 'heading').map((b) => [b.text, b.page])).toEqual([['Rent', 1], ['Deposit', 2], ['Pets', 4]]);
    const rent = doc.blocks.find((b) => b.text.startsWith('The monthly rent'))!;
    expect(rent).toMatchObject({ kind: 'paragraph', page: 1 });
    // Two lines of the PDF, one paragraph; the next paragraph (after a blank line) is its own.
    expect(rent.text).toBe('The monthly rent is 870 euros, paid on the first working day of each month by bank transfer.');
    expect(doc.blocks.some((b) => b.text === 'Late payment adds a fee of 25 euros.')).toBe(true);
  });

  it('chunks cite page, heading path and the passage\'s offsets in the text', async () => {
    const doc = await readDocument(await makePdf(LEASE_PAGES), { ...READ, name: 'lease.pdf' });
    const { chunks, chars } = chunkDocument(doc);
    const text = fullText(doc);
    expect(chars).toBe(text.length);
    expect(chunks.map((c) => [c.headings, c.page])).toEqual([[['Rent'], 1], [['Deposit'], 2], [['Pets'], 4]]);
    for (const c of chunks) {
      expect(text.slice(c.charStart, c.charEnd)).toBe(c.passage);
      expect(c.text).toBe(`${c.headings.join(' › ')}\n${c.passage}`);
    }
  });

  it('packs sentences to the budget with overlap, never across sections, and cuts endless words', () => {
    const sentences = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} talks about item ${i}.`);
    const doc: DocumentText = {
      type: 'text',
      title: null,
      pageCount: null,
      pagesWithoutText: [],
      blocks: [
        { kind: 'heading', level: 1, text: 'A', page: null },
        { kind: 'paragraph', level: 0, text: sentences.join(' '), page: null },
        { kind: 'heading', level: 2, text: 'B', page: null },
        { kind: 'paragraph', level: 0, text: 'x'.repeat(9_000), page: null },
      ],
    };
    const { chunks } = chunkDocument(doc, { chunkTokens: 40, overlapTokens: 8 });
    const inA = chunks.filter((c) => c.headings.length === 1);
    expect(inA.length).toBeGreaterThan(3);
    for (const c of inA) expect(c.passage.split(' ').length).toBeLessThanOrEqual(40);
    // Each chunk after the first repeats the last sentence of the one before.
    for (let i = 1; i < inA.length; i++) {
      const lastBefore = /Sentence number \d+ talks about item \d+\.$/.exec(inA[i - 1]!.passage)![0];
      expect(inA[i]!.passage.startsWith(lastBefore)).toBe(true);
    }
    // Every sentence is in some chunk.
    for (const s of sentences) expect(inA.some((c) => c.passage.includes(s))).toBe(true);
    const inB = chunks.filter((c) => c.headings.join('/') === 'A/B');
    expect(inB.map((c) => c.passage.replace(/ /g, '').length)).toEqual([4_000, 5_000]);
    for (const c of chunks) expect(c.passage.length).toBeLessThanOrEqual(6_000);
  });

  it('reads HTML as text: no script, style, navigation, hidden part or footer, and nothing runs', () => {
    const doc = readHtml(HOSTILE_HTML);
    const text = fullText(doc);
    expect(doc.title).toBe('Garden log');
    expect(text).toContain('The tomatoes were planted on the third of May in the south bed.');
    expect(text).toContain('photo of the south bed');
    expect(text).toContain('Water the courgettes every second evening & never at noon.');
    for (const word of ['evil', 'injected', 'secret', 'Home', 'Copyright', 'color']) expect(text).not.toContain(word);
    expect((globalThis as { __ran?: boolean }).__ran).toBeUndefined();
    expect(doc.blocks.filter((b) => b.kind === 'heading').map((b) => [b.level, b.text])).toEqual([[1, 'Garden log'], [2, 'Watering']]);
  });

  it('reads Word headings from their styles, and Markdown headings', async () => {
    const docx = await readDocument(await makeDocx([{ heading: 'Minutes', paragraphs: ['Present: Ana, Ben.'] }, { heading: 'Budget', level: 2, paragraphs: ['The budget grows by 4 percent.'] }]), { ...READ, name: 'minutes.docx' });
    expect(docx.type).toBe('docx');
    expect(chunkDocument(docx).chunks.map((c) => [c.headings, c.passage])).toEqual([[['Minutes'], 'Present: Ana, Ben.'], [['Minutes', 'Budget'], 'The budget grows by 4 percent.']]);
    const md = readMarkdown('# Trip\n\nWe fly on *Friday*.\n\n## Hotel\n\nThe hotel is near the <script>alert(1)</script>station.\n');
    expect(chunkDocument(md).chunks.map((c) => [c.headings, c.passage])).toEqual([[['Trip'], 'We fly on Friday.'], [['Trip', 'Hotel'], 'The hotel is near the station.']]);
  });

  it('tells formats by their bytes and refuses what it does not read', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect((await errorOf(() => readDocument(png, { ...READ, name: 'photo.png' }))).code).toBe('DOCUMENT_UNSUPPORTED');
    expect((await errorOf(() => readDocument(makePlainZip(), { ...READ, name: 'notes.zip' }))).code).toBe('DOCUMENT_UNSUPPORTED');
    expect((await errorOf(() => readDocument(new TextEncoder().encode('hello'), { ...READ, name: 'fake.pdf' }))).code).toBe('DOCUMENT_INVALID');
    // A PDF under a .txt name is still a PDF.
    expect((await readDocument(await makePdf(LEASE_PAGES), { ...READ, name: 'lease.txt' })).type).toBe('pdf');
  });
});

describe('documents through the API', () => {
  let os: MemOS;
  let clock: { now: number };
  beforeEach(async () => {
    ({ os, clock } = await openTestOs());
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createUser({ userId: 'ben', name: 'Ben' });
    await os.createCube({ userId: 'ana', cubeId: 'home', name: 'Home' });
  });

  async function counts() {
    const memories = (await os.getAll({ userId: 'ana', cubeId: 'home' })).total;
    const audit = (await os.auditLog({ userId: 'ana', cubeId: 'home', limit: 1000 })).length;
    const documents = (await os.listDocuments({ userId: 'ana', cubeId: 'home', includeSuperseded: true })).length;
    return { memories, audit, documents };
  }

  it('adds a PDF as cited chunks in one audited write, finds them by words, and lists the document', async () => {
    const bytes = await makePdf(LEASE_PAGES, 'Lease of flat 3B');
    const progress: string[] = [];
    const { document, unchanged, superseded } = await os.addDocument(
      { userId: 'ana', cubeId: 'home', file: { name: 'lease.pdf', type: 'application/pdf', bytes } },
      { onProgress: (p) => progress.push(`${p.phase}:${p.done}/${p.total}`) },
    );
    expect(unchanged).toBe(false);
    expect(superseded).toBeNull();
    expect(document).toMatchObject({ name: 'lease.pdf', title: 'Lease of flat 3B', type: 'pdf', pageCount: 4, pagesWithoutText: [3], version: 1, addedBy: 'ana', original: null });
    expect(document.chunkIds).toHaveLength(3);
    expect(progress).toContain('reading:4/4');
    expect(progress[progress.length - 1]).toBe('storing:3/3');
    const hits = await os.search({ userId: 'ana', query: 'how much is the deposit', cubeIds: ['home'] });
    expect(hits[0]!.memory.source).toBe('document');
    expect(hits[0]!.memory.sourceRefs[0]).toMatchObject({ documentId: document.documentId, documentName: 'lease.pdf', page: 2, headings: ['Deposit'] });
    const audit = await os.auditLog({ userId: 'ana', cubeId: 'home' });
    expect(audit[0]).toMatchObject({ action: 'document.add', memoryIds: document.chunkIds, details: { chunks: 3, pages: 4, type: 'pdf' } });
    // No text in the audit log (ids are hex: a short number could appear in one by chance, so words are looked for).
    expect(JSON.stringify(audit)).not.toMatch(/monthly|euros|Deposit/);
    expect((await os.listDocuments({ userId: 'ana', cubeId: 'home' })).map((d) => d.documentId)).toEqual([document.documentId]);
    const { chunks } = await os.getDocument({ userId: 'ana', documentId: document.documentId });
    expect(chunks.map((c) => c.sourceRefs[0]!.page)).toEqual([1, 2, 4]);
  });

  it('changes nothing when the same bytes come again, under any name', async () => {
    const bytes = await makePdf(LEASE_PAGES);
    const first = await os.addDocument({ userId: 'ana', cubeId: 'home', file: { name: 'lease.pdf', bytes } });
    const before = await counts();
    const again = await os.addDocument({ userId: 'ana', cubeId: 'home', file: { name: 'lease copy.pdf', bytes: bytes.slice() } });
    expect(again.unchanged).toBe(true);
    expect(again.document.documentId).toBe(first.document.documentId);
    expect(await counts()).toEqual(before);
  });

  it('a new version of the same name supersedes the old chunks, which a search asOf earlier still finds', async () => {
    const v1 = await os.addDocument({ userId: 'ana', cubeId: 'home', file: { name: 'lease.pdf', bytes: await makePdf(LEASE_PAGES) } });
    const before = clock.now;
    clock.now += 60_000;
    const pages = [{ heading: 'Rent', paragraphs: ['The monthly rent is 910 euros from July.'] }];
    const v2 = await os.addDocument({ userId: 'ana', cubeId: 'home', file: { name: 'lease.pdf', bytes: await makePdf(pages) } });
    expect(v2.superseded?.documentId).toBe(v1.document.documentId);
    expect(v2.document).toMatchObject({ version: 2, previousId: v1.document.documentId });
    const now = await os.search({ userId: 'ana', query: 'monthly rent euros', cubeIds: ['home'] });
    expect(now.map((h) => h.memory.text)).toEqual([expect.stringContaining('910')]);
    const then = await os.search({ userId: 'ana', query: 'monthly rent euros', cubeIds: ['home'], filters: { asOf: before } });
    expect(then[0]!.memory.text).toContain('870');
    const old = await os.getDocument({ userId: 'ana', documentId: v1.document.documentId });
    expect(old.document.supersededBy).toBe(v2.document.documentId);
    expect(old.chunks.every((c) => c.state === 'archived' && c.validTo === clock.now)).toBe(true);
    expect((await os.history({ userId: 'ana', memoryId: old.chunks[0]!.id })).map((v) => v.action)).toEqual(['create', 'supersede']);
    expect((await os.listDocuments({ userId: 'ana', cubeId: 'home' })).map((d) => d.version)).toEqual([2]);
    expect((await os.listDocuments({ userId: 'ana', cubeId: 'home', includeSuperseded: true })).map((d) => d.version)).toEqual([2, 1]);
  });

  it('deletes a document with every version, chunk and kept byte in one write', async () => {
    const bytes = await makePdf(LEASE_PAGES);
    const v1 = await os.addDocument({ userId: 'ana', cubeId: 'home', file: { name: 'lease.pdf', bytes }, options: { keepOriginal: true } });
    expect(await os.documentFile({ userId: 'ana', documentId: v1.document.documentId })).toEqual(bytes);
    const v2 = await os.addDocument({ userId: 'ana', cubeId: 'home', file: { name: 'lease.pdf', bytes: await makePdf(LEASE_PAGES.slice(0, 2)) } });
    await os.add({ userId: 'ana', cubeId: 'home', memory: { text: 'The rent talk with the landlord went well.' } });
    expect(await os.documentFile({ userId: 'ana', documentId: v2.document.documentId })).toBeNull();
    const removed = await os.deleteDocument({ userId: 'ana', documentId: v2.document.documentId, reason: 'moved out' });
    expect(removed).toEqual({ documents: 2, chunks: 5 });
    expect(await counts()).toMatchObject({ memories: 1, documents: 0 });
    expect((await errorOf(() => os.getDocument({ userId: 'ana', documentId: v1.document.documentId }))).code).toBe('DOCUMENT_NOT_FOUND');
    expect((await errorOf(() => os.history({ userId: 'ana', memoryId: v1.document.chunkIds[0]! }))).code).toBe('MEMORY_NOT_FOUND');
    expect((await os.search({ userId: 'ana', query: 'rent', cubeIds: ['home'] })).map((h) => h.memory.source)).toEqual(['user']);
    const [entry] = await os.auditLog({ userId: 'ana', cubeId: 'home', actions: ['document.delete'] });
    expect(entry).toMatchObject({ details: { documents: 2, chunks: 5, reason: 'moved out' } });
  });

  it('refuses bad files cleanly and keeps nothing of them', async () => {
    const good = await makePdf(LEASE_PAGES);
    const cases: [string, Uint8Array, string, object?][] = [
      ['truncated.pdf', good.slice(0, Math.floor(good.length / 2)), 'DOCUMENT_INVALID'],
      ['locked.pdf', await makeEncryptedPdf(), 'DOCUMENT_UNSUPPORTED'],
      ['long.pdf', good, 'DOCUMENT_TOO_LARGE', { maxPages: 3 }],
      ['big.pdf', good, 'DOCUMENT_TOO_LARGE', { maxBytes: 1000 }],
      ['bomb.docx', makeZipBomb(20), 'DOCUMENT_TOO_LARGE', { maxBytes: 1024 * 1024 }],
      ['photo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]), 'DOCUMENT_UNSUPPORTED'],
      ['broken.docx', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6]), 'DOCUMENT_INVALID'],
    ];
    const before = await counts();
    for (const [name, bytes, code, options] of cases) {
      const error = await errorOf(() => os.addDocument({ userId: 'ana', cubeId: 'home', file: { name, bytes }, ...(options && { options }) }));
      expect([name, error.code]).toEqual([name, code]);
    }
    expect(await counts()).toEqual(before);
  });

  it('refuses a zip bomb at the default limits after unpacking 256 MiB at most', async () => {
    const bomb = makeZipBomb(300);
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const error = await errorOf(() => os.addDocument({ userId: 'ana', cubeId: 'home', file: { name: 'report.docx', bytes: bomb } }));
    expect(error).toMatchObject({ code: 'DOCUMENT_TOO_LARGE', details: { reason: 'inflated' } });
  }, 30_000);

  it('checks access and arguments before reading, and an abort keeps nothing', async () => {
    const bytes = await makePdf(LEASE_PAGES);
    expect((await errorOf(() => os.addDocument({ userId: 'ben', cubeId: 'home', file: { name: 'lease.pdf', bytes } }))).code).toBe('FORBIDDEN');
    expect((await errorOf(() => os.addDocument({ userId: 'ana', cubeId: 'home', file: new Blob([bytes as Uint8Array<ArrayBuffer>]) }))).code).toBe('INVALID_INPUT');
    expect((await errorOf(() => os.addDocument({ userId: 'ana', cubeId: 'home', file: { name: 'x.pdf', bytes: 'text' as never } }))).code).toBe('INVALID_INPUT');
    expect((await errorOf(() => os.addDocument({ userId: 'ana', cubeId: 'home', file: { name: 'x.pdf', bytes }, options: { chunkTokens: 5 } }))).code).toBe('INVALID_INPUT');
    const before = await counts();
    const controller = new AbortController();
    const error = await errorOf(() =>
      os.addDocument({ userId: 'ana', cubeId: 'home', file: { name: 'lease.pdf', bytes } }, { signal: controller.signal, onProgress: (p) => p.phase === 'reading' && p.done === 2 && controller.abort() }),
    );
    expect(error.code).toBe('ABORTED');
    expect(await counts()).toEqual(before);
    // A File (a Blob with a name) works as well as bytes.
    const added = await os.addDocument({ userId: 'ana', cubeId: 'home', file: new File([bytes as Uint8Array<ArrayBuffer>], 'lease.pdf', { type: 'application/pdf' }) });
    expect(added.document.name).toBe('lease.pdf');
  });

  it('a shared reader sees documents but may not add or delete them; deleting the cube removes them', async () => {
    const { document } = await os.addDocument({ userId: 'ana', cubeId: 'home', file: { name: 'notes.md', bytes: new TextEncoder().encode('# Plants\n\nThe fern needs shade.') } });
    await os.shareCube({ userId: 'ana', cubeId: 'home', targetUserId: 'ben', access: 'read' });
    expect((await os.getDocument({ userId: 'ben', documentId: document.documentId })).chunks.map((c) => c.text)).toEqual(['Plants\nThe fern needs shade.']);
    expect((await errorOf(() => os.deleteDocument({ userId: 'ben', documentId: document.documentId }))).code).toBe('FORBIDDEN');
    await os.deleteCube({ userId: 'ana', cubeId: 'home' });
    expect((await errorOf(() => os.getDocument({ userId: 'ana', documentId: document.documentId }))).code).toBe('DOCUMENT_NOT_FOUND');
  });

  it('keeps acknowledged documents across a reopen', async () => {
    const { os: first, name } = await openTestOs();
    await first.createUser({ userId: 'ana', name: 'Ana' });
    await first.createCube({ userId: 'ana', cubeId: 'c', name: 'C' });
    const { document } = await first.addDocument({ userId: 'ana', cubeId: 'c', file: { name: 'lease.pdf', bytes: await makePdf(LEASE_PAGES) } });
    await first.close();
    const { os: second } = await openTestOs({ name });
    expect((await second.listDocuments({ userId: 'ana', cubeId: 'c' })).map((d) => d.documentId)).toEqual([document.documentId]);
    expect((await second.search({ userId: 'ana', query: 'cat dog landlord consent', cubeIds: ['c'] }))[0]!.memory.sourceRefs[0]).toMatchObject({ page: 4 });
    await second.close();
  });
});
