/**
 * Word (.docx) documents: checked as a ZIP first (zip-guard), then converted to HTML by mammoth —
 * its headings come from the paragraph styles ("Heading 1" …) — and read as a page.
 */
import { MemosError } from '../../core/errors';
import type { DocumentText } from './document-text';
import { readHtml } from './html-text';
import { censusOfZip } from './zip-guard';

/** Limits on a Word file's container. */
export interface DocxLimits {
  /** Bytes its parts may inflate to in all. */
  readonly maxInflated: number;
}

/**
 * Reads a .docx file.
 * @throws {MemosError} DOCUMENT_INVALID (not a Word file, damaged), DOCUMENT_TOO_LARGE (inflates past the limit)
 */
export async function readDocx(bytes: Uint8Array, limits: DocxLimits): Promise<DocumentText> {
  const census = censusOfZip(bytes, { maxInflated: limits.maxInflated, maxEntries: 10_000 });
  if (!census.names.includes('word/document.xml')) throw new MemosError('DOCUMENT_INVALID', 'The file is a ZIP container but not a Word document (no word/document.xml).', { reason: 'not-docx' });
  const { default: mammoth } = await import('mammoth');
  const copy = bytes.slice().buffer;
  let html: string;
  try {
    // The browser build of mammoth reads `arrayBuffer`, the Node build `buffer`.
    const result = await mammoth.convertToHtml({ arrayBuffer: copy, buffer: copy } as unknown as { arrayBuffer: ArrayBuffer });
    html = result.value;
  } catch (error) {
    throw new MemosError('DOCUMENT_INVALID', `The Word document could not be read: ${String(error)}`, { reason: 'corrupt' });
  }
  return readHtml(html, 'docx');
}
