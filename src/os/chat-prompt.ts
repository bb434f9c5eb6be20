/**
 * How chat() puts memories in front of the model: a system block that lists each chosen memory with
 * its date and provenance, fitted to a token budget, then as much recent history as the context
 * window leaves. The template is versioned: a KV cache built from it records the version.
 */
import { words } from '../core/words';
import { MemosError } from '../core/errors';
import type { MemoryItem } from '../core/memory-item';
import type { TemplateMessage } from '../protocol/inference-types';
import { MEMORY_BLOCK_HEADER, MEMORY_TEMPLATE_VERSION, memoryBlock, memoryLine } from '../protocol/memory-block';

export { MEMORY_TEMPLATE_VERSION, memoryBlock, memoryLine };

/** What the prompt builder needs of a model. */
export interface PromptBudget {
  readonly contextLength: number;
  /** Tokens kept free for the answer. */
  readonly maxTokens: number;
  /** The most tokens the memory block may take. */
  readonly memoryTokens: number;
  /** Counts tokens of several texts at once. */
  readonly count: (texts: readonly string[]) => Promise<number[]>;
}

/** The prompt chat() sends, and what went into it. */
export interface BuiltPrompt {
  readonly messages: TemplateMessage[];
  /** Indexes (into the candidates) of the memories that fit the budget, in order. */
  readonly usedMemories: number[];
  readonly memoryTokens: number;
  /** Earlier messages left out because the window was full. */
  readonly droppedMessages: number;
}

/** Share of the shorter text's words both texts hold at which two memories count as one. */
export const NEAR_DUPLICATE = 0.8;

/** Tells whether two memories' word sets say nearly the same (one nearly contains the other). */
function nearDuplicate(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  if (small.size === 0) return false;
  let shared = 0;
  for (const w of small) if (large.has(w)) shared++;
  return shared / small.size >= NEAR_DUPLICATE;
}

/**
 * Builds the prompt: the caller's system text and the memory block as one system message, then the
 * most recent history that fits, ending with the user's message. Near-duplicate memories go in once.
 * @throws {MemosError} CONTEXT_OVERFLOW when even the last user message does not fit
 */
export async function buildChatPrompt(
  messages: readonly TemplateMessage[],
  candidates: readonly MemoryItem[],
  budget: PromptBudget,
): Promise<BuiltPrompt> {
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
  const turns = messages.filter((m) => m.role !== 'system');
  const lines = candidates.map((m, i) => memoryLine(m, i + 1));
  const [headerTokens = 0, systemTokens = 0, ...rest] = await budget.count([MEMORY_BLOCK_HEADER, system, ...lines, ...turns.map((t) => t.content)]);
  const lineTokens = rest.slice(0, lines.length);
  const turnTokens = rest.slice(lines.length);
  const used: number[] = [];
  const usedWords: Set<string>[] = [];
  let memoryTokens = 0;
  lineTokens.forEach((tokens, i) => {
    // A memory that repeats one already in the prompt (the turn window and the preference read from
    // it) would only spend the budget twice on the same words: the higher-ranked copy goes in.
    const wordsOf = new Set(words((candidates[i] as MemoryItem).text));
    if (usedWords.some((other) => nearDuplicate(wordsOf, other))) return;
    const cost = (used.length === 0 ? headerTokens : 0) + tokens + 1;
    if (memoryTokens + cost <= budget.memoryTokens) {
      used.push(i);
      usedWords.push(wordsOf);
      memoryTokens += cost;
    }
  });
  const block = memoryBlock(used.map((i, n) => memoryLine(candidates[i] as MemoryItem, n + 1)));
  const systemText = [system, block].filter(Boolean).join('\n\n');
  // A few tokens a message for the template's own markers.
  const overhead = 8;
  let room = budget.contextLength - budget.maxTokens - systemTokens - memoryTokens - overhead;
  const kept: TemplateMessage[] = [];
  for (let i = turns.length - 1; i >= 0; i--) {
    const cost = (turnTokens[i] ?? 0) + overhead;
    if (cost > room) break;
    room -= cost;
    kept.unshift(turns[i] as TemplateMessage);
  }
  if (kept.length === 0 || kept.at(-1) !== turns.at(-1)) {
    throw new MemosError('CONTEXT_OVERFLOW', 'The last message alone does not fit beside the answer budget.', {
      contextLength: budget.contextLength,
      maxTokens: budget.maxTokens,
    });
  }
  return {
    messages: [...(systemText ? [{ role: 'system' as const, content: systemText }] : []), ...kept],
    usedMemories: used,
    memoryTokens,
    droppedMessages: turns.length - kept.length,
  };
}
