/**
 * What every agent-stack plug does with memos-web: recall the memories for a message as a memory
 * block, and remember an exchange in the user's cube. The plugs (AI SDK, LangChain, mem0 shape) are
 * thin layers over these and over the public API; they work with a page's `MemosClient.api` or a
 * worker's `MemOS` alike.
 */
import { MemosError } from '../core/errors';
import type { MemoryApi } from '../protocol/memory-api';
import { memoryBlock, memoryLine } from '../protocol/memory-block';
import type { SearchHit } from '../protocol/search-types';

/** The calls a plug makes: any `MemoryApi`, such as `MemosClient.api` or `MemOS`. */
export type MemoryCalls = Pick<MemoryApi, 'search' | 'add' | 'listCubes' | 'createCube'>;

/** Whose memory a plug uses, and how. */
export interface MemoryLinkOptions {
  readonly memos: MemoryCalls;
  readonly userId: string;
  /** The cubes to recall from (default: every cube the user can read). */
  readonly cubeIds?: readonly string[];
  /** Where new memories go (default: the first of `cubeIds`, else the user's first own cube, else a new one). */
  readonly writeCubeId?: string;
  /** How many memories to recall (default 5). */
  readonly topK?: number;
  /** The session the remembered turns belong to (default "agent"). */
  readonly sessionId?: string;
}

/** The memories recalled for a text, and the block to put in front of a model (empty when none). */
export async function recall(link: MemoryLinkOptions, query: string, signal?: AbortSignal): Promise<{ hits: SearchHit[]; block: string }> {
  if (query.trim() === '') return { hits: [], block: '' };
  const hits = await link.memos.search(
    { userId: link.userId, query, topK: link.topK ?? 5, trackUsage: true, ...(link.cubeIds && { cubeIds: [...link.cubeIds] }) },
    { signal },
  );
  return { hits, block: memoryBlock(hits.map((h, i) => memoryLine(h.memory, i + 1))) };
}

/** The cube new memories go to (see MemoryLinkOptions.writeCubeId); made when the user owns none. */
export async function writeCube(link: MemoryLinkOptions): Promise<string> {
  if (link.writeCubeId) return link.writeCubeId;
  if (link.cubeIds?.[0]) return link.cubeIds[0];
  const own = (await link.memos.listCubes({ userId: link.userId })).find((c) => c.access === 'owner');
  if (own) return own.cube.cubeId;
  return (await link.memos.createCube({ userId: link.userId, name: 'Agent memories' })).cubeId;
}

/** Stores a user turn (and the answer, when given) as memories of the session. */
export async function rememberTurn(link: MemoryLinkOptions, user: string, answer: string | null): Promise<void> {
  if (user.trim() === '' && !answer) return;
  if (typeof link.userId !== 'string') throw new MemosError('INVALID_INPUT', 'Name the user.', { field: 'userId' });
  const cubeId = await writeCube(link);
  const messages = [{ role: 'user' as const, content: user }, ...(answer ? [{ role: 'assistant' as const, content: answer }] : [])];
  await link.memos.add({ userId: link.userId, cubeId, sessionId: link.sessionId ?? 'agent', messages, reader: { windowSize: messages.length } });
}
