/**
 * Forgetting on request: a cube with everything in it, a user with everything of theirs, or a whole
 * store. Each is one transaction (all of it or nothing), goes through the one write path for memory
 * records, and leaves an audit entry with counts and ids only (the audit log never holds memory text).
 */
import { MemosError } from '../core/errors';
import type { Clock } from '../core/ids';
import { recordOf } from '../core/own-keys';
import type { MemosStoreName } from '../storage/schema';
import type { ChangeSet, Store, WriteTx } from '../storage/store';
import { appendAudit } from './audit-log';
import { cubeWithAccess, userIn } from './directory';
import { removeCubeContents, removeMemory, type MemoryTx } from './memory-writes';
import { requireId, requireObject } from './validate';

/** Every store a deletion may touch. */
const ALL_STORES: MemosStoreName[] = ['users', 'cubes', 'memories', 'versions', 'audit', 'blobs', 'vectorBlocks', 'activations', 'jobs', 'adapters', 'documents', 'secrets', 'entityLinks'];

/** The words `reset` must be given, so that no stray call empties a store. */
export const RESET_CONFIRMATION = 'delete everything';

/** Takes deleted cubes out of every user's registrations (but `except`'s, whose record goes too). */
async function unregisterEverywhere(tx: WriteTx<MemosStoreName[]>, changes: ChangeSet, gone: ReadonlySet<string>, except?: string): Promise<void> {
  for (const user of await tx.objectStore('users').getAll()) {
    if (user.userId === except || !user.registeredCubeIds.some((id) => gone.has(id))) continue;
    await tx.objectStore('users').put({ ...user, registeredCubeIds: user.registeredCubeIds.filter((id) => !gone.has(id)) });
    changes.userIds.add(user.userId);
  }
}

/** What forgetting needs of MemOS. */
export interface ForgettingDeps {
  readonly store: Store;
  readonly clock: Clock;
}

/** deleteCube, deleteUser and reset (see MemoryApi). */
export class Forgetting {
  readonly #deps: ForgettingDeps;

  constructor(deps: ForgettingDeps) {
    this.#deps = deps;
  }

  /** See MemoryApi.deleteCube. */
  async deleteCube(params: { userId: string; cubeId: string }): Promise<{ memories: number }> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const cubeId = requireId(params.cubeId, 'cubeId');
    return this.#deps.store.write(ALL_STORES, async (tx, changes) => {
      await cubeWithAccess(tx, cubeId, userId, 'owner');
      const removed = await removeCubeContents(tx, changes, cubeId);
      await tx.objectStore('cubes').delete(cubeId);
      // A sync key this device remembered for it goes too.
      await tx.objectStore('secrets').delete(`sync:${cubeId}`);
      await unregisterEverywhere(tx, changes, new Set([cubeId]));
      await appendAudit(tx, this.#deps.clock(), userId, 'cube.delete', cubeId, [], { ...removed });
      return { memories: removed.memories };
    });
  }

  /** See MemoryApi.deleteUser. */
  async deleteUser(params: { userId: string }): Promise<{ cubes: number; memories: number }> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const now = this.#deps.clock();
    return this.#deps.store.write(ALL_STORES, async (tx, changes) => {
      await userIn(tx, userId);
      const cubes = tx.objectStore('cubes');
      const owned = await cubes.index('byOwner').getAll(userId);
      let memories = 0;
      for (const cube of owned) {
        memories += (await removeCubeContents(tx, changes, cube.cubeId)).memories;
        await cubes.delete(cube.cubeId);
      }
      // What they wrote into cubes shared with them goes; so do the shares.
      for (const cube of await cubes.index('bySharedWith').getAll(userId)) {
        for (const memory of await tx.objectStore('memories').index('byCube').getAll(cube.cubeId)) {
          if (memory.ownerId !== userId) continue;
          // (The transaction spans every store, those of a memory write among them.)
          await removeMemory(tx as unknown as MemoryTx, changes, memory, now);
          memories++;
        }
        // Documents they added there go with their chunks (whose memories they wrote).
        for (const document of await tx.objectStore('documents').index('byCube').getAll(cube.cubeId)) {
          if (document.addedBy === userId) await tx.objectStore('documents').delete(document.documentId);
        }
        const shares = recordOf(Object.entries(cube.shares).filter(([id]) => id !== userId));
        await cubes.put({ ...cube, shares, sharedWith: cube.sharedWith.filter((id) => id !== userId) });
        changes.cubeIds.add(cube.cubeId);
      }
      await unregisterEverywhere(tx, changes, new Set(owned.map((c) => c.cubeId)), userId);
      await tx.objectStore('users').delete(userId);
      // Their sync identity and the sync keys remembered for them.
      for (const key of await tx.objectStore('secrets').index('byUser').getAllKeys(userId)) await tx.objectStore('secrets').delete(key);
      changes.userIds.add(userId);
      await appendAudit(tx, now, userId, 'user.delete', null, [], { cubes: owned.length, memories });
      return { cubes: owned.length, memories };
    });
  }

  /** See MemoryApi.reset. */
  async reset(params: { confirm: string; userId?: string }): Promise<void> {
    requireObject(params, 'params');
    const by = params.userId === undefined ? 'store' : requireId(params.userId, 'userId');
    if (params.confirm !== RESET_CONFIRMATION) {
      throw new MemosError('INVALID_INPUT', `reset deletes every user, cube and memory of the store; pass confirm: "${RESET_CONFIRMATION}".`, { field: 'confirm' });
    }
    await this.#deps.store.write(ALL_STORES, async (tx, changes) => {
      let cursor = await tx.objectStore('memories').index('byCube').openKeyCursor();
      while (cursor) {
        changes.removed(cursor.key, cursor.primaryKey);
        cursor = await cursor.continue();
      }
      for (const user of await tx.objectStore('users').getAllKeys()) changes.userIds.add(user);
      for (const cube of await tx.objectStore('cubes').getAllKeys()) changes.cubeIds.add(cube);
      for (const name of ALL_STORES) await tx.objectStore(name).clear();
      await appendAudit(tx, this.#deps.clock(), by, 'store.reset', null, [], {});
    });
  }
}
