/**
 * The fast MemReader: turns a conversation into memories with no LLM, as MemOS's "fast" mode does.
 * Consecutive turns are grouped into windows; each window becomes one memory whose text keeps who said
 * what, and whose source references keep every message's id, speaker and time.
 */
import { MemosError } from '../core/errors';
import { checkReference, LIMITS } from '../core/limits';
import type { SourceRef } from '../core/memory-item';
import { statesPreference } from './preference-rules';
import type { ChatMessage, FastReaderOptions } from '../protocol/memory-types';

/** A memory the reader proposes, before it gets ids and a header. */
export interface MemoryDraft {
  readonly text: string;
  readonly sourceRefs: readonly SourceRef[];
  /** Set when the draft is a preference the user stated (see preference-rules.ts). */
  readonly semanticType?: 'preference';
  /** "extracted" for a preference taken out of a longer window (the window stays too). */
  readonly source?: 'extracted';
}

/** Reads a timestamp as epoch ms. */
export function parseTimestamp(value: number | string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' && typeof value !== 'string') throw new MemosError('INVALID_INPUT', `${field} must be epoch ms or an ISO-8601 string.`, { field });
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new MemosError('INVALID_INPUT', `${field} is not a valid time.`, { field });
  return ms;
}

function checkMessage(message: unknown, index: number): asserts message is ChatMessage {
  const field = `messages[${index}]`;
  if (typeof message !== 'object' || message === null) throw new MemosError('INVALID_INPUT', `${field} is not an object.`, { field });
  const m = message as Record<string, unknown>;
  if (m['role'] !== 'user' && m['role'] !== 'assistant' && m['role'] !== 'system') {
    throw new MemosError('INVALID_INPUT', `${field}.role must be user, assistant or system.`, { field: `${field}.role` });
  }
  if (typeof m['content'] !== 'string' || m['content'].length > LIMITS.textLength) {
    throw new MemosError('INVALID_INPUT', `${field}.content must be a string of at most ${LIMITS.textLength} characters.`, { field: `${field}.content` });
  }
  // A blank speaker falls back to the role, as before; anything else follows the reference rule.
  if (m['speaker'] !== undefined && !(typeof m['speaker'] === 'string' && m['speaker'].trim() === '')) checkReference(m['speaker'], `${field}.speaker`);
  if (m['id'] !== undefined) checkReference(m['id'], `${field}.id`);
}

/**
 * Splits a conversation into memory drafts.
 * @throws {MemosError} INVALID_INPUT when a message is malformed or the options are out of range
 */
export function readConversation(messages: readonly unknown[], sessionId: string | undefined, options: FastReaderOptions = {}): MemoryDraft[] {
  if (!Array.isArray(messages)) throw new MemosError('INVALID_INPUT', 'messages must be an array.', { field: 'messages' });
  if (messages.length > LIMITS.messagesPerCall) throw new MemosError('INVALID_INPUT', `messages may hold at most ${LIMITS.messagesPerCall} messages; add them in batches.`, { field: 'messages' });
  const windowSize = options.windowSize ?? 2;
  const overlap = options.overlap ?? 0;
  if (!Number.isInteger(windowSize) || windowSize < 1) throw new MemosError('INVALID_INPUT', 'windowSize must be a whole number ≥ 1.', { field: 'windowSize' });
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= windowSize) {
    throw new MemosError('INVALID_INPUT', 'overlap must be a whole number below windowSize.', { field: 'overlap' });
  }
  const turns: { line: string; ref: SourceRef; preference: boolean }[] = [];
  Array.from(messages as unknown[]).forEach((message, index) => {
    checkMessage(message, index);
    if (message.role === 'system' && !options.includeSystem) return;
    const content = message.content.trim();
    if (!content) return;
    const speaker = message.speaker?.trim() || message.role;
    const spokenAt = parseTimestamp(message.timestamp, `messages[${index}].timestamp`);
    turns.push({
      preference: message.role === 'user' && statesPreference(content),
      line: `${speaker}: ${content}`,
      ref: {
        ...(sessionId !== undefined && { sessionId }),
        ...(message.id !== undefined && { messageId: message.id }),
        speaker,
        ...(spokenAt !== undefined && { spokenAt }),
      },
    });
  });
  const drafts: MemoryDraft[] = [];
  const alone = new Set<(typeof turns)[number]>();
  const step = windowSize - overlap;
  for (let start = 0; start < turns.length; start += step) {
    const window = turns.slice(start, start + windowSize);
    const single = window.length === 1 && window[0]!.preference;
    if (single) alone.add(window[0]!);
    drafts.push({ text: window.map((t) => t.line).join('\n'), sourceRefs: window.map((t) => t.ref), ...(single && { semanticType: 'preference' as const }) });
    if (start + windowSize >= turns.length) break;
  }
  // A preference the user stated inside a longer window also becomes a memory of its own, so that it
  // can be found and ranked as a preference; the window keeps the conversation around it.
  for (const t of turns) {
    if (t.preference && !alone.has(t)) drafts.push({ text: t.line, sourceRefs: [t.ref], semanticType: 'preference', source: 'extracted' });
  }
  return drafts;
}
