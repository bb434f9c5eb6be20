/**
 * Readable text of an HTML page (also what Word files and Markdown become): headings and paragraphs,
 * with the parts people do not read as the page's content left out (scripts, styles, navigation,
 * forms, hidden elements). The page is only tokenized by htmlparser2: nothing in it runs, nothing it
 * links to is fetched.
 */
import { Parser } from 'htmlparser2';
import type { DocumentText, TextBlock } from './document-text';
import { tidy } from './document-text';

/** Elements whose content is never the page's text. */
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'embed', 'canvas', 'nav', 'aside', 'footer', 'form', 'button', 'select', 'textarea', 'head']);
/** Elements that end a paragraph (their start and their end). */
const BLOCKS = new Set([
  'p', 'div', 'section', 'article', 'main', 'header', 'li', 'ul', 'ol', 'dl', 'dt', 'dd', 'table', 'tr', 'td', 'th', 'thead', 'tbody',
  'blockquote', 'pre', 'figure', 'figcaption', 'br', 'hr', 'address', 'details', 'summary', 'caption', 'body', 'html',
]);
/** Void elements: no end tag, so they are never "open". */
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
const HEADING = /^h([1-6])$/;

/** Reads an HTML document into blocks. `type` says what the blocks came from (Word and Markdown pass through here). */
export function readHtml(html: string, type: DocumentText['type'] = 'html'): DocumentText {
  const blocks: TextBlock[] = [];
  let title: string | null = null;
  let inTitle = false;
  let titleText = '';
  /** Depth inside skipped elements (their nesting counted, so that a nested one closes correctly). */
  let skipDepth = 0;
  const skipStack: string[] = [];
  let heading = 0;
  let text = '';
  const flush = () => {
    const t = tidy(text);
    text = '';
    if (t === '') return;
    blocks.push(heading > 0 ? { kind: 'heading', level: heading, text: t, page: null } : { kind: 'paragraph', level: 0, text: t, page: null });
  };
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'title' && title === null && (skipDepth === 0 || skipStack[skipStack.length - 1] === 'head')) inTitle = true;
        const hidden = attributes['hidden'] !== undefined || attributes['aria-hidden'] === 'true' || /display\s*:\s*none/i.test(attributes['style'] ?? '');
        if (skipDepth > 0 || SKIPPED.has(name) || hidden) {
          if (!VOID.has(name)) {
            skipDepth++;
            skipStack.push(name);
          }
          return;
        }
        const h = HEADING.exec(name);
        if (h) {
          flush();
          heading = Number(h[1]);
        } else if (BLOCKS.has(name)) flush();
        else if (name === 'img' && attributes['alt']) text += ` ${attributes['alt']} `;
      },
      ontext(chunk) {
        if (inTitle) titleText += chunk;
        if (skipDepth === 0) text += chunk;
      },
      onclosetag(name) {
        if (name === 'title' && inTitle) {
          inTitle = false;
          title = tidy(titleText) || null;
        }
        if (skipDepth > 0) {
          if (skipStack[skipStack.length - 1] === name) {
            skipStack.pop();
            skipDepth--;
          }
          return;
        }
        if (HEADING.test(name)) {
          flush();
          heading = 0;
        } else if (BLOCKS.has(name)) flush();
      },
    },
    { decodeEntities: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  flush();
  const firstHeading = blocks.find((b) => b.kind === 'heading')?.text ?? null;
  return { type, title: title ?? firstHeading, blocks, pageCount: null, pagesWithoutText: [] };
}
