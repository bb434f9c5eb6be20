/**
 * Cuts a document's blocks into chunks for memory: within a section (the text under one heading path),
 * whole sentences are packed up to a token budget; when a section needs several chunks, each begins
 * with the last sentences of the one before (the overlap), so a fact cut at a boundary is whole in one
 * of them. A chunk never spans two sections. Tokens are words as the one word rule counts them
 * (core/words.ts). Each chunk cites its place: heading path, first and last page, and character
 * offsets into the document's text (the blocks joined by blank lines).
 */
import { rawWords } from '../../core/words';
import type { DocumentText } from './document-text';

/** How chunks are cut. */
export interface ChunkOptions {
  /** The most tokens (words) of passage per chunk. */
  readonly chunkTokens: number;
  /** Tokens a chunk repeats from the one before it in the same section. */
  readonly overlapTokens: number;
}

/** The defaults: about a paragraph or two. */
export const DEFAULT_CHUNKING: ChunkOptions = { chunkTokens: 180, overlapTokens: 30 };

/** A piece of a document, ready to be a memory. */
export interface DocumentChunk {
  /** What the memory holds: the heading path on a first line (when there is one), then the passage. */
  readonly text: string;
  /** The passage as it stands in the document's text. */
  readonly passage: string;
  readonly headings: readonly string[];
  readonly page: number | null;
  readonly pageEnd: number | null;
  /** Offsets of the passage in the document's text. */
  readonly charStart: number;
  readonly charEnd: number;
}

/** What chunking gives: the chunks and the length of the document's text. */
export interface Chunking {
  readonly chunks: readonly DocumentChunk[];
  readonly chars: number;
}

interface Unit {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly page: number | null;
  readonly headings: readonly string[];
  readonly section: number;
  /** The first unit of a paragraph (joined to the one before by a blank line). */
  readonly opensParagraph: boolean;
  readonly tokens: number;
}

/** The longest piece of text one unit holds (a "word" of thousands of letters is cut). */
const MAX_UNIT_CHARS = 4_000;
/** The longest passage of a chunk, whatever its tokens. */
const MAX_CHUNK_CHARS = 6_000;
const BLOCK_SEPARATOR = '\n\n';

let sentences: Intl.Segmenter | undefined;

/** Cuts a document into chunks. */
export function chunkDocument(document: DocumentText, options: ChunkOptions = DEFAULT_CHUNKING): Chunking {
  const units: Unit[] = [];
  const path: { level: number; text: string }[] = [];
  let section = 0;
  let offset = 0;
  for (const block of document.blocks) {
    const start = offset;
    offset += block.text.length + BLOCK_SEPARATOR.length;
    if (block.kind === 'heading') {
      while (path.length > 0 && path[path.length - 1]!.level >= block.level) path.pop();
      path.push({ level: block.level, text: block.text });
      section++;
      continue;
    }
    const headings = path.map((h) => h.text);
    let first = true;
    for (const piece of pieces(block.text, options.chunkTokens)) {
      units.push({ ...piece, start: start + piece.start, end: start + piece.end, page: block.page, headings, section, opensParagraph: first });
      first = false;
    }
  }
  const chars = Math.max(0, offset - BLOCK_SEPARATOR.length);
  return { chunks: pack(units, options), chars };
}

/** A paragraph's sentences, each cut further when longer than the budget. */
function pieces(text: string, budget: number): { text: string; start: number; end: number; tokens: number }[] {
  sentences ??= new Intl.Segmenter(undefined, { granularity: 'sentence' });
  const out: { text: string; start: number; end: number; tokens: number }[] = [];
  for (const s of sentences.segment(text)) {
    const trimmed = s.segment.trimEnd();
    if (trimmed.trim() === '') continue;
    const lead = trimmed.length - trimmed.trimStart().length;
    const sentence = { text: trimmed.trimStart(), start: s.index + lead };
    const tokens = rawWords(sentence.text).length;
    if (tokens <= budget && sentence.text.length <= MAX_UNIT_CHARS) {
      out.push({ ...sentence, end: sentence.start + sentence.text.length, tokens });
      continue;
    }
    // Too long: windows of `budget` space-separated words (and of at most MAX_UNIT_CHARS characters).
    const spans = [...sentence.text.matchAll(/\S+/g)].flatMap((m) => {
      const parts: { start: number; end: number }[] = [];
      for (let at = 0; at < m[0].length; at += MAX_UNIT_CHARS) parts.push({ start: m.index + at, end: m.index + Math.min(m[0].length, at + MAX_UNIT_CHARS) });
      return parts;
    });
    let i = 0;
    while (i < spans.length) {
      let j = i;
      while (j + 1 < spans.length && j + 1 - i < budget && spans[j + 1]!.end - spans[i]!.start <= MAX_UNIT_CHARS) j++;
      const start = spans[i]!.start;
      const end = spans[j]!.end;
      const piece = sentence.text.slice(start, end);
      out.push({ text: piece, start: sentence.start + start, end: sentence.start + end, tokens: Math.max(1, rawWords(piece).length) });
      i = j + 1;
    }
  }
  return out;
}

function pack(units: readonly Unit[], options: ChunkOptions): DocumentChunk[] {
  const chunks: DocumentChunk[] = [];
  let current: Unit[] = [];
  let tokens = 0;
  let chars = 0;
  for (const unit of units) {
    const sameSection = current.length > 0 && current[0]!.section === unit.section;
    if (current.length > 0 && (!sameSection || tokens + unit.tokens > options.chunkTokens || chars + unit.text.length > MAX_CHUNK_CHARS)) {
      chunks.push(chunkOf(current));
      const carry: Unit[] = [];
      if (sameSection) {
        let carried = 0;
        for (let k = current.length - 1; k > 0; k--) {
          const u = current[k]!;
          if (carried + u.tokens > options.overlapTokens || carried + u.tokens + unit.tokens > options.chunkTokens || u.text.length + unit.text.length > MAX_CHUNK_CHARS) break;
          carry.unshift(u);
          carried += u.tokens;
        }
      }
      current = carry;
      tokens = carry.reduce((n, u) => n + u.tokens, 0);
      chars = carry.reduce((n, u) => n + u.text.length + 2, 0);
    }
    current.push(unit);
    tokens += unit.tokens;
    chars += unit.text.length + 2;
  }
  if (current.length > 0) chunks.push(chunkOf(current));
  return chunks;
}

function chunkOf(units: readonly Unit[]): DocumentChunk {
  let passage = '';
  units.forEach((u, i) => (passage += i === 0 ? u.text : (u.opensParagraph ? BLOCK_SEPARATOR : ' ') + u.text));
  const first = units[0]!;
  const last = units[units.length - 1]!;
  const headings = first.headings;
  return {
    text: headings.length > 0 ? `${headings.join(' › ')}\n${passage}` : passage,
    passage,
    headings,
    page: first.page,
    pageEnd: last.page,
    charStart: first.start,
    charEnd: last.end,
  };
}
