/**
 * What a document reader gives: the document's text as a run of blocks (headings and paragraphs) in
 * reading order, each with its page when the format has pages. The chunker turns blocks into memories.
 */
import type { DocumentType } from '../../core/document-item';

/** A heading or a paragraph of a document. */
export interface TextBlock {
  readonly kind: 'heading' | 'paragraph';
  /** 1 (top) to 6, for headings; 0 for paragraphs. */
  readonly level: number;
  readonly text: string;
  /** 1-based page, or null for formats without pages. */
  readonly page: number | null;
}

/** A document read into text. */
export interface DocumentText {
  readonly type: DocumentType;
  /** A title found in the document, if any. */
  readonly title: string | null;
  readonly blocks: readonly TextBlock[];
  /** Pages (PDF); null for formats without pages. */
  readonly pageCount: number | null;
  /** Pages with no text at all (PDF scans). */
  readonly pagesWithoutText: readonly number[];
}

/** How far reading has got (pages of a PDF). */
export type ReadProgress = (done: number, total: number) => void;

/** Collapses runs of white space and trims: what a block's text holds. */
export function tidy(text: string): string {
  return text.replace(/[\s\u00a0]+/gu, ' ').trim();
}
