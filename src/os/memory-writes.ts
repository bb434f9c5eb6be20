/**
 * What every write that changes memories shares: the stores such a write spans, and the version
 * records it adds (see docs/decisions/0021 for why a new memory's first version is derived).
 */
import { contentOf, firstVersionOf, type ChangeAction, type MemoryItem, type MemoryVersion } from '../core/memory-item';
import type { WriteTx } from '../storage/store';

/** The stores a memory-changing write spans. */
export const MEMORY_STORES: ('cubes' | 'memories' | 'versions' | 'audit' | 'blobs' | 'vectorBlocks' | 'activations')[] = [
  'cubes',
  'memories',
  'versions',
  'audit',
  'blobs',
  'vectorBlocks',
  'activations',
];

/** A transaction over {@link MEMORY_STORES}. */
export type MemoryTx = WriteTx<typeof MEMORY_STORES>;

/** The version record of a memory as it is now (after the change `action` made). */
export function versionRecord(item: MemoryItem, by: string, action: ChangeAction, reason: string | null, changes: MemoryVersion['changes']): MemoryVersion {
  return { memoryId: item.id, cubeId: item.cubeId, version: item.version, at: item.updatedAt, by, action, reason, changes, snapshot: contentOf(item) };
}

/**
 * Before a memory's first change: writes its version 1 record (adds leave it to be derived, see
 * firstVersionOf), unless one exists (memories made by a merge, or imported, have theirs).
 */
export async function keepFirstVersion(tx: MemoryTx, memory: MemoryItem): Promise<void> {
  if (memory.version !== 1) return;
  const versions = tx.objectStore('versions');
  if ((await versions.getKey([memory.id, 1])) === undefined) await versions.add(firstVersionOf(memory));
}
