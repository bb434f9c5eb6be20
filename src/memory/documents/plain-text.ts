/** Plain text and Markdown documents. Markdown is rendered to HTML by marked and read as a page. */
import { marked } from 'marked';
import type { DocumentText, TextBlock } from './document-text';
import { tidy } from './document-text';
import { readHtml } from './html-text';

/** Reads plain text: paragraphs are separated by blank lines; there are no headings. */
export function readPlainText(text: string): DocumentText {
  const blocks: TextBlock[] = text
    .split(/\r?\n[\t \u00a0]*\r?\n/)
    .map(tidy)
    .filter((t) => t !== '')
    .map((t) => ({ kind: 'paragraph', level: 0, text: t, page: null }));
  return { type: 'text', title: null, blocks, pageCount: null, pagesWithoutText: [] };
}

/** Reads Markdown: its headings become the heading path of what follows them. */
export function readMarkdown(text: string): DocumentText {
  const html = marked.parse(text, { async: false, gfm: true });
  return readHtml(html, 'markdown');
}
