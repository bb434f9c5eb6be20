/**
 * How memories are put in front of a model: a block that lists each memory with its date and
 * provenance. chat() and the KV cubes use it, and so do the agent-stack plugs (src/integrations), so a
 * model sees memories worded one way wherever they come from. Versioned: a KV cache records it.
 */
import type { MemoryItem } from '../core/memory-item';

/** The version of the memory block's wording. */
export const MEMORY_TEMPLATE_VERSION = 'memory-block-1';

/** The first line of every memory block. */
export const MEMORY_BLOCK_HEADER = 'Memories from earlier chats with the user (date · speaker · session: what was said). Use them when they help; never invent others.';

/** One line of the memory block for a memory: `[n] 2023-05-08 · Caroline · session s3: text`. */
export function memoryLine(memory: MemoryItem, n: number): string {
  const ref = memory.sourceRefs[0];
  const when = new Date(ref?.spokenAt ?? memory.createdAt).toISOString().slice(0, 10);
  const who = ref?.speaker ? ` · ${ref.speaker}` : '';
  const session = ref?.sessionId ? ` · session ${ref.sessionId}` : '';
  return `[${n}] ${when}${who}${session}: ${memory.text.replace(/\s+/g, ' ').trim()}`;
}

/** The memory block for these lines (empty when there are none). */
export function memoryBlock(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${MEMORY_BLOCK_HEADER}\n${lines.join('\n')}`;
}
