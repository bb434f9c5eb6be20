/**
 * Tells a document's format from its bytes (and, for text, its name and media type) and reads it with
 * the reader for that format. Formats: PDF, Word (.docx), HTML, Markdown, plain text. Each reader (and
 * the library it uses) is loaded when the first document of its format comes, not with the worker.
 */
import type { DocumentType } from '../../core/document-item';
import { MemosError } from '../../core/errors';
import type { DocumentText, ReadProgress } from './document-text';

/** What reading needs to know besides the bytes. */
export interface ReadDocumentOptions {
  readonly name: string;
  /** The media type as given (a File's `type`), possibly empty. */
  readonly mediaType: string;
  readonly maxPages: number;
  /** Bytes a Word file's parts may inflate to. */
  readonly maxInflated: number;
  readonly signal?: AbortSignal | undefined;
  /** Pages read so far (PDF). */
  readonly onProgress?: ReadProgress | undefined;
}

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

function startsWith(bytes: Uint8Array, magic: readonly number[], within = 0): boolean {
  for (let at = 0; at <= within && at + magic.length <= bytes.length; at++) {
    if (magic.every((b, i) => bytes[at + i] === b)) return true;
  }
  return false;
}

/**
 * The format of a document. The bytes decide for PDF and ZIP containers; text formats go by the
 * media type, then the name's extension, then what the text looks like.
 * @throws {MemosError} DOCUMENT_UNSUPPORTED for anything else (images, other binary files, other ZIPs)
 */
export function documentTypeOf(bytes: Uint8Array, name: string, mediaType: string): DocumentType {
  // PDF readers accept the header within the first kilobyte.
  if (startsWith(bytes, PDF_MAGIC, 1024)) return 'pdf';
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  const media = mediaType.toLowerCase().split(';')[0]!.trim();
  if (startsWith(bytes, ZIP_MAGIC)) {
    if (extension === 'docx' || media === 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' || extension === '') return 'docx';
    throw new MemosError('DOCUMENT_UNSUPPORTED', `"${name}" is a ZIP container memos-web does not read (it reads Word .docx files).`, { reason: 'type' });
  }
  if (extension === 'pdf' || media === 'application/pdf') throw new MemosError('DOCUMENT_INVALID', `"${name}" is named a PDF but does not start like one.`, { reason: 'corrupt' });
  if (extension === 'docx') throw new MemosError('DOCUMENT_INVALID', `"${name}" is named a Word file but is not a ZIP container.`, { reason: 'corrupt' });
  if (!looksLikeText(bytes)) throw new MemosError('DOCUMENT_UNSUPPORTED', `"${name}" is not a format memos-web reads (PDF, Word .docx, HTML, Markdown, plain text).`, { reason: 'type' });
  if (media === 'text/html' || media === 'application/xhtml+xml' || ['html', 'htm', 'xhtml'].includes(extension)) return 'html';
  if (media === 'text/markdown' || ['md', 'markdown', 'mdown', 'mkd'].includes(extension)) return 'markdown';
  const head = new TextDecoder().decode(bytes.subarray(0, 512)).trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return 'html';
  return 'text';
}

/** Text has no NUL bytes and decodes as UTF-8 (a byte-order mark allowed). */
function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.subarray(0, 8192).includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads a document of any supported format into blocks.
 * @throws {MemosError} DOCUMENT_UNSUPPORTED, DOCUMENT_INVALID, DOCUMENT_TOO_LARGE, ABORTED
 */
export async function readDocument(bytes: Uint8Array, options: ReadDocumentOptions): Promise<DocumentText> {
  const type = documentTypeOf(bytes, options.name, options.mediaType);
  switch (type) {
    case 'pdf': {
      const { readPdf } = await import('./pdf-text');
      return readPdf(bytes, options);
    }
    case 'docx': {
      const { readDocx } = await import('./docx-text');
      return readDocx(bytes, { maxInflated: options.maxInflated });
    }
    case 'html':
      return (await import('./html-text')).readHtml(new TextDecoder().decode(bytes));
    case 'markdown':
      return (await import('./plain-text')).readMarkdown(new TextDecoder().decode(bytes));
    case 'text':
      return (await import('./plain-text')).readPlainText(new TextDecoder().decode(bytes));
  }
}
