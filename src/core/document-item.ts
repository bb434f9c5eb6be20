/**
 * A document kept as memory (a PDF, a Word file, a web page, notes): its record, which says what was
 * read, and the chunks, which are ordinary memories of source "document" whose source references cite
 * the place they came from (page, heading path, character offsets).
 */

/** The formats a document may be in. */
export const DOCUMENT_TYPES = ['pdf', 'docx', 'html', 'markdown', 'text'] as const;
/** The format of a document. */
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** The bytes of a document as given, kept only when the user asks for it (as blobs). */
export interface DocumentOriginal {
  readonly blobIds: readonly string[];
  readonly bytes: number;
}

/**
 * One version of a document in a cube. A new version (same name, other bytes) supersedes the previous
 * one: the old record stays, marked superseded, and its chunks are archived with their validity end, so
 * a search `asOf` a time before finds them.
 */
export interface DocumentRecord {
  readonly documentId: string;
  readonly cubeId: string;
  /** The file name as given (versions of a document share it). */
  readonly name: string;
  /** The title found in the document (its metadata, first heading or `<title>`), else the name. */
  readonly title: string;
  readonly type: DocumentType;
  /** A hex SHA-256 of the bytes: the same bytes added again change nothing. */
  readonly sha256: string;
  /** Size of the bytes. */
  readonly bytes: number;
  /** Pages (PDF); null for formats without pages. */
  readonly pageCount: number | null;
  /** PDF pages with no text layer (scans): reported, not read (no OCR). */
  readonly pagesWithoutText: readonly number[];
  /** Characters of text read. */
  readonly chars: number;
  /** The chunk memories, in reading order. */
  readonly chunkIds: readonly string[];
  readonly addedBy: string;
  readonly addedAt: number;
  /** 1 for the first version of this name in the cube. */
  readonly version: number;
  /** The version this one superseded, if any. */
  readonly previousId: string | null;
  /** When a newer version superseded this one, and which; null while current. */
  readonly supersededAt: number | null;
  readonly supersededBy: string | null;
  /** The original bytes, when kept. */
  readonly original: DocumentOriginal | null;
}
