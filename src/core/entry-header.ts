/**
 * The header every non-plaintext MemCube entry (KV caches, adapters) shares with memories: where it
 * lives, who owns it, when it was made and changed, its version, lifecycle state and usage.
 */
import type { LifecycleState } from './lifecycle';
import type { MemoryUsage } from './memory-item';

export interface EntryHeader {
  readonly id: string;
  readonly cubeId: string;
  readonly ownerId: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly version: number;
  readonly state: LifecycleState;
  readonly usage: MemoryUsage;
}

/** The header of a new entry: version 1, generated, never used. */
export function newEntryHeader(id: string, params: { readonly userId: string; readonly cubeId: string; readonly now: number }): EntryHeader {
  return {
    id,
    cubeId: params.cubeId,
    ownerId: params.userId,
    createdAt: params.now,
    updatedAt: params.now,
    version: 1,
    state: 'generated',
    usage: { accessCount: 0, lastAccessAt: null, hits: [] },
  };
}
