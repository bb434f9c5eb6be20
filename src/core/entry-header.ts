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
