/** How the app names the place a memory came from in a document: "lease.pdf, p. 2–3 · Rent › Deposit". */
import type { SourceRef } from '../core/memory-item';

/** The citation of a document chunk's source reference, or null when it is not from a document. */
export function citationOf(ref: SourceRef | undefined): string | null {
  if (!ref?.documentName) return null;
  const pages = ref.page === undefined ? '' : ref.pageEnd !== undefined && ref.pageEnd !== ref.page ? `, pp. ${ref.page}–${ref.pageEnd}` : `, p. ${ref.page}`;
  const headings = ref.headings && ref.headings.length > 0 ? ` · ${ref.headings.join(' › ')}` : '';
  return `${ref.documentName}${pages}${headings}`;
}
