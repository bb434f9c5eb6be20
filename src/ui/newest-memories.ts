/**
 * The newest memories of a cube, for the views: getAll pages oldest first, so the total (in the same
 * states) comes first and the last page is read.
 */
import type { LifecycleState } from '../core/lifecycle';
import type { MemoryItem } from '../core/memory-item';
import type { MemosApi } from '../protocol/memory-worker-api';

/** What the views show by default: memories in use, frozen ones included. */
export const SHOWN_STATES: readonly LifecycleState[] = ['generated', 'activated', 'merged', 'frozen'];

/** Up to `limit` (≤ 1000) newest memories in the given states (all states when none are given), newest first, and how many there are. */
export async function newestMemories(
  api: MemosApi,
  userId: string,
  cubeId: string,
  limit: number,
  states?: readonly LifecycleState[],
): Promise<{ items: MemoryItem[]; total: number }> {
  const filter = states ? { states } : {};
  const { total } = await api.getAll({ userId, cubeId, limit: 1, ...filter });
  const page = await api.getAll({ userId, cubeId, limit: Math.min(1000, limit), offset: Math.max(0, total - limit), ...filter });
  return { items: [...page.items].reverse(), total };
}
