/**
 * Cube access rules. A user reads and writes the cubes they own; others only as the owner shared it
 * ("read" or "write"). Within a shared cube, a memory marked private is seen only by the cube's owner
 * and the memory's author.
 *
 * Users are local personas of one device, not authenticated accounts: these rules keep apps and
 * people on a shared device apart; they are not a defence against code running in the same origin.
 */
import { MemosError } from '../core/errors';
import type { CubeAccess, CubeRecord } from '../core/cube';
import type { MemoryItem } from '../core/memory-item';
import { ownValue } from '../core/own-keys';

/** The access a user has to a cube: owner, write, read, or none. */
export function accessOf(cube: CubeRecord, userId: string): 'owner' | CubeAccess | 'none' {
  if (cube.ownerId === userId) return 'owner';
  // Own keys only: a user named after an Object.prototype member finds no share that was not given.
  const access = ownValue(cube.shares, userId);
  return access === 'read' || access === 'write' ? access : 'none';
}

/**
 * Checks that a user may read or write a cube.
 * @throws {MemosError} FORBIDDEN when they may not
 */
export function requireAccess(cube: CubeRecord, userId: string, need: 'read' | 'write' | 'owner'): void {
  const has = accessOf(cube, userId);
  const ok = has === 'owner' || (need === 'read' && has !== 'none') || (need === 'write' && has === 'write');
  if (!ok) {
    // Named as people know it (its name), with the id for anyone who needs to look it up.
    const what = need === 'read' ? 'read' : need === 'write' ? 'change' : 'manage (owner only)';
    throw new MemosError('FORBIDDEN', `${userId} may not ${what} cube "${cube.name}" (${cube.cubeId}); it is ${has === 'none' ? 'not shared with them' : `shared with them to ${has}`}.`, {
      userId,
      cubeId: cube.cubeId,
      need,
      has,
    });
  }
}

/** Tells whether a user who may read the cube may also see this memory (private memories). */
export function canSeeMemory(cube: CubeRecord, memory: MemoryItem, userId: string): boolean {
  return memory.visibility === 'shared' || memory.ownerId === userId || cube.ownerId === userId;
}
