/**
 * PDF documents, read by pdf.js (`pdfjs-dist`, its legacy build, which runs in Node as in browsers).
 * pdf.js parses in the thread that calls it — the memory worker, never the page: its own worker module
 * is loaded into this thread as a module of our bundle (`globalThis.pdfjsWorker`), so nothing is
 * fetched from elsewhere and no second worker is started. Nothing in the PDF runs (no eval, no fonts,
 * no scripts).
 *
 * Lines come from pdf.js's text items; a line set in a font clearly larger than the body text is a
 * heading, and a vertical gap wider than a line starts a new paragraph. Pages with no text layer (scans)
 * are reported, not read.
 */
import { MemosError } from '../../core/errors';
import type { DocumentText, ReadProgress, TextBlock } from './document-text';
import { tidy } from './document-text';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

let loading: Promise<PdfJs> | undefined;

/** Loads pdf.js (once), with its worker module in this thread. */
function loadPdfJs(): Promise<PdfJs> {
  loading ??= (async () => {
    const g = globalThis as { pdfjsWorker?: unknown };
    // @ts-expect-error — the worker module ships without type declarations
    g.pdfjsWorker ??= await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
    return import('pdfjs-dist/legacy/build/pdf.mjs');
  })();
  return loading;
}

interface Line {
  readonly text: string;
  readonly height: number;
  readonly y: number;
  readonly page: number;
}

/** Limits and hooks of reading a PDF. */
export interface PdfReadOptions {
  readonly maxPages: number;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ReadProgress | undefined;
}

/**
 * Reads a PDF's text.
 * @throws {MemosError} DOCUMENT_UNSUPPORTED (needs a password), DOCUMENT_INVALID (damaged, truncated), DOCUMENT_TOO_LARGE (more pages than allowed), ABORTED
 */
export async function readPdf(bytes: Uint8Array, options: PdfReadOptions): Promise<DocumentText> {
  const pdfjs = await loadPdfJs();
  const task = pdfjs.getDocument({
    data: bytes.slice(),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: true,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  let pdf: Awaited<typeof task.promise>;
  try {
    pdf = await task.promise;
  } catch (error) {
    await task.destroy();
    const name = (error as { name?: string }).name;
    if (name === 'PasswordException') throw new MemosError('DOCUMENT_UNSUPPORTED', 'The PDF is encrypted with a password; memos-web does not read encrypted PDFs.', { reason: 'encrypted' });
    throw new MemosError('DOCUMENT_INVALID', `The PDF could not be read (damaged or truncated): ${(error as Error).message ?? String(error)}`, { reason: 'corrupt' });
  }
  try {
    if (pdf.numPages > options.maxPages) {
      throw new MemosError('DOCUMENT_TOO_LARGE', `The PDF has ${pdf.numPages} pages; the limit is ${options.maxPages}.`, { reason: 'pages', pages: pdf.numPages, limit: options.maxPages });
    }
    const lines: Line[] = [];
    const empty: number[] = [];
    for (let p = 1; p <= pdf.numPages; p++) {
      if (options.signal?.aborted) throw new MemosError('ABORTED');
      const page = await pdf.getPage(p);
      const content = await page.getTextContent();
      const before = lines.length;
      let text = '';
      let height = 0;
      let y = 0;
      const endLine = () => {
        const t = tidy(text);
        if (t !== '') lines.push({ text: t, height, y, page: p });
        text = '';
        height = 0;
      };
      for (const item of content.items) {
        if (!('str' in item)) continue;
        if (item.str !== '') {
          if (text === '') y = item.transform[5] as number;
          text += item.str;
          height = Math.max(height, item.height);
        }
        if (item.hasEOL) endLine();
      }
      endLine();
      if (lines.length === before) empty.push(p);
      page.cleanup();
      options.onProgress?.(p, pdf.numPages);
    }
    const metadata = await pdf.getMetadata().catch(() => null);
    const metaTitle = tidy(String((metadata?.info as { Title?: unknown } | undefined)?.Title ?? ''));
    const blocks = linesToBlocks(lines);
    const title = metaTitle || (blocks.find((b) => b.kind === 'heading')?.text ?? null);
    return { type: 'pdf', title, blocks, pageCount: pdf.numPages, pagesWithoutText: empty };
  } catch (error) {
    if (error instanceof MemosError) throw error;
    throw new MemosError('DOCUMENT_INVALID', `The PDF could not be read (damaged or truncated): ${(error as Error).message ?? String(error)}`, { reason: 'corrupt' });
  } finally {
    await task.destroy();
  }
}

/** Groups lines into headings and paragraphs by their size and the gaps between them. */
function linesToBlocks(lines: readonly Line[]): TextBlock[] {
  // The body size: the line height that carries the most characters.
  const weight = new Map<number, number>();
  for (const l of lines) weight.set(Math.round(l.height), (weight.get(Math.round(l.height)) ?? 0) + l.text.length);
  const body = [...weight.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
  const blocks: TextBlock[] = [];
  let paragraph: string[] = [];
  let paragraphPage = 1;
  let previous: Line | undefined;
  const flush = () => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', level: 0, text: joinLines(paragraph), page: paragraphPage });
    paragraph = [];
  };
  for (const line of lines) {
    const isHeading = body > 0 && line.height >= body * 1.25 && line.text.length <= 200;
    if (isHeading) {
      flush();
      const level = line.height >= body * 1.6 ? 1 : 2;
      const last = blocks[blocks.length - 1];
      // A heading set on two lines is one heading.
      if (last?.kind === 'heading' && last.level === level && last.page === line.page && previous !== undefined && Math.abs(previous.y - line.y) <= line.height * 1.6) {
        blocks[blocks.length - 1] = { ...last, text: `${last.text} ${line.text}` };
      } else blocks.push({ kind: 'heading', level, text: line.text, page: line.page });
    } else {
      const gap = previous === undefined || previous.page !== line.page ? 0 : Math.abs(previous.y - line.y);
      const wideGap = gap > 0 && gap > Math.max(line.height, previous!.height) * 1.6;
      // A paragraph runs on over a page break unless the last line ended a sentence.
      const pageTurned = previous?.page !== line.page && endsSentence(paragraph[paragraph.length - 1] ?? '.');
      const newParagraph = paragraph.length === 0 || wideGap || pageTurned;
      if (newParagraph) {
        flush();
        paragraphPage = line.page;
      }
      paragraph.push(line.text);
    }
    previous = line;
  }
  flush();
  return blocks;
}

function endsSentence(text: string): boolean {
  return /[.!?:;"”)\]]$/u.test(text);
}

/** Joins the lines of a paragraph, mending words hyphenated at a line's end. */
function joinLines(lines: readonly string[]): string {
  let out = '';
  for (const line of lines) {
    if (out.endsWith('-') && /^\p{Ll}/u.test(line)) out = out.slice(0, -1) + line;
    else out += (out === '' ? '' : ' ') + line;
  }
  return out;
}
