/** The parameter and result types of the document calls of the MemOS API (addDocument and those after it). */
import type { DocumentRecord } from '../core/document-item';
import type { MemoryItem } from '../core/memory-item';

export type { DocumentRecord, DocumentType, DocumentOriginal } from '../core/document-item';

/** A document's bytes with its name (when there is no File to give). */
export interface DocumentBytes {
  /** The file name; versions of one document share it. */
  readonly name: string;
  /** Its media type, if known (e.g. "application/pdf"); the bytes decide for PDF and Word files. */
  readonly type?: string;
  readonly bytes: ArrayBuffer | Uint8Array;
}

/** How a document is read and kept. */
export interface DocumentOptions {
  /** Keep the original bytes (as blobs, readable with documentFile). Off by default. */
  readonly keepOriginal?: boolean;
  /** The most bytes kept as the original (16 MiB by default); larger files are read but not kept. */
  readonly maxOriginalBytes?: number;
  /** The largest file read, in bytes (64 MiB by default, at most 512 MiB). */
  readonly maxBytes?: number;
  /** The most pages of a PDF (1,000 by default). */
  readonly maxPages?: number;
  /** Passage tokens (words) per chunk, 16–2,000 (180 by default). */
  readonly chunkTokens?: number;
  /** Tokens a chunk repeats from the one before it in the same section, up to half of chunkTokens (30 by default). */
  readonly overlapTokens?: number;
  /** Tags every chunk gets. */
  readonly tags?: readonly string[];
  /**
   * Whether the call embeds the chunks before it stores them (true, the default: searchable by meaning
   * when it resolves) or stores them at once and leaves the vectors to the background catch-up.
   */
  readonly embed?: boolean;
}

/** Parameters of `addDocument`. */
export interface AddDocumentParams {
  readonly userId: string;
  readonly cubeId: string;
  /** A File or Blob (a Blob needs `name`), or the bytes with a name. */
  readonly file: Blob | DocumentBytes;
  /** The name, when `file` is a Blob without one (or to rename a File). */
  readonly name?: string;
  readonly options?: DocumentOptions;
}

/** What `addDocument` did. */
export interface AddDocumentResult {
  /** The document's record (the existing one when nothing changed). */
  readonly document: DocumentRecord;
  /** True when the same bytes were already there: nothing was stored. */
  readonly unchanged: boolean;
  /** The version this one superseded (same name, other bytes), or null. */
  readonly superseded: DocumentRecord | null;
}

/** Parameters of `listDocuments`. */
export interface ListDocumentsParams {
  readonly userId: string;
  readonly cubeId: string;
  /** Include versions a newer one superseded. */
  readonly includeSuperseded?: boolean;
}

/** A document with its chunks, in reading order. */
export interface DocumentWithChunks {
  readonly document: DocumentRecord;
  readonly chunks: readonly MemoryItem[];
}

/** What `deleteDocument` removed. */
export interface DeletedDocument {
  /** Versions of the document removed (the one named and those it superseded). */
  readonly documents: number;
  /** Chunk memories purged. */
  readonly chunks: number;
}
