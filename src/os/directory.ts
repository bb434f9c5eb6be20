/**
 * Users and cubes: creating them, registering cubes for a user, sharing, and which cubes a user may
 * read (kept between searches while no user or cube record changes; decision 0020). MemOS delegates
 * its users-and-cubes methods here; access rules themselves live in governance/access.ts.
 */
import { isLanguageName, LANGUAGE_NAMES } from '../search/languages';
import type { AuditAction } from '../core/audit';
import { CUBE_SCHEMA_VERSION, type CubeAccess, type CubePolicy, type CubeRecord, type UserRecord } from '../core/cube';
import { MemosError } from '../core/errors';
import { newId, type Clock } from '../core/ids';
import { recordOf } from '../core/own-keys';
import { accessOf, requireAccess } from '../governance/access';
import { DEFAULT_REDACTION } from '../governance/redaction';
import type { AnyWriteTx, Store } from '../storage/store';
import type { CubeView } from '../protocol/memory-types';
import { appendAudit } from './audit-log';
import { idList, oneOf, requireId, requireName, requireObject } from './validate';


/** What reading a user or a cube needs of a transaction, read-only or not. */
interface RecordReader<Name extends 'users' | 'cubes', Value> {
  objectStore(name: Name): { get(key: string): Promise<Value | undefined> };
}

/** Reads a user inside a transaction. @throws {MemosError} USER_NOT_FOUND */
export async function userIn(tx: RecordReader<'users', UserRecord>, userId: string): Promise<UserRecord> {
  const user = await tx.objectStore('users').get(userId);
  if (!user) throw new MemosError('USER_NOT_FOUND', undefined, { userId });
  return user;
}

/** Reads a cube inside a transaction. @throws {MemosError} CUBE_NOT_FOUND */
export async function cubeIn(tx: RecordReader<'cubes', CubeRecord>, cubeId: string): Promise<CubeRecord> {
  const cube = await tx.objectStore('cubes').get(cubeId);
  if (!cube) throw new MemosError('CUBE_NOT_FOUND', undefined, { cubeId });
  return cube;
}

/** Reads a cube inside a transaction and checks that the user has `need` on it. @throws {MemosError} CUBE_NOT_FOUND, FORBIDDEN */
export async function cubeWithAccess(tx: RecordReader<'cubes', CubeRecord>, cubeId: string, userId: string, need: 'read' | 'write' | 'owner'): Promise<CubeRecord> {
  const cube = await cubeIn(tx, cubeId);
  requireAccess(cube, userId, need);
  return cube;
}

/** A cube policy from the caller, checked; the default when none is given. */
export function checkPolicy(policy: unknown): CubePolicy {
  if (policy === undefined) return { redaction: DEFAULT_REDACTION };
  requireObject(policy, 'policy');
  const { redaction, language } = policy as { redaction?: unknown; language?: unknown };
  if (language !== undefined && language !== null && !isLanguageName(language)) {
    throw new MemosError('INVALID_INPUT', `policy.language must be one of ${LANGUAGE_NAMES.join(', ')}.`, { field: 'policy.language' });
  }
  return {
    redaction: oneOf(redaction, 'policy.redaction', ['redact', 'tag', 'keep'] as const, DEFAULT_REDACTION),
    ...(isLanguageName(language) && { language }),
  };
}

/** The users and cubes of one store (see MemOS for each method's contract). */
export class Directory {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #readable = new Map<string, { version: number; cubes: CubeRecord[] }>();

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async createUser(params: { userId?: string; name: string }): Promise<UserRecord> {
    requireObject(params, 'params');
    const userId = params.userId === undefined ? newId('user') : requireId(params.userId, 'userId');
    const name = requireName(params.name, 'name');
    const user: UserRecord = { userId, name, createdAt: this.#clock(), registeredCubeIds: [] };
    await this.#store.write(['users', 'audit'], async (tx, changes) => {
      if (await tx.objectStore('users').get(userId)) throw new MemosError('USER_EXISTS', undefined, { userId });
      await tx.objectStore('users').add(user);
      await this.#audit(tx, userId, 'user.create', null, { name });
      changes.userIds.add(userId);
    });
    return user;
  }

  listUsers(): Promise<UserRecord[]> {
    return this.#store.read(['users'], (tx) => tx.objectStore('users').getAll());
  }

  async getUser(userId: string): Promise<UserRecord> {
    requireId(userId, 'userId');
    const user = await this.#store.read(['users'], (tx) => tx.objectStore('users').get(userId));
    if (!user) throw new MemosError('USER_NOT_FOUND', undefined, { userId });
    return user;
  }

  async createCube(params: { userId: string; name: string; cubeId?: string; policy?: CubePolicy }): Promise<CubeRecord> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const name = requireName(params.name, 'name');
    const cubeId = params.cubeId === undefined ? newId('cube') : requireId(params.cubeId, 'cubeId');
    const policy = checkPolicy(params.policy);
    const cube: CubeRecord = {
      policy,
      cubeId,
      name,
      ownerId: userId,
      schemaVersion: CUBE_SCHEMA_VERSION,
      createdAt: this.#clock(),
      embedder: null,
      shares: recordOf([]),
      sharedWith: [],
    };
    await this.#store.write(['users', 'cubes', 'audit'], async (tx, changes) => {
      const user = await userIn(tx, userId);
      if (await tx.objectStore('cubes').get(cubeId)) throw new MemosError('CUBE_EXISTS', undefined, { cubeId });
      await tx.objectStore('cubes').add(cube);
      await tx.objectStore('users').put({ ...user, registeredCubeIds: [...user.registeredCubeIds, cubeId] });
      await this.#audit(tx, userId, 'cube.create', cubeId, { name });
      changes.cubeIds.add(cubeId);
      changes.userIds.add(userId);
    });
    return cube;
  }

  async listCubes(params: { userId: string }): Promise<CubeView[]> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    return this.#store.read(['users', 'cubes'], async (tx) => {
      const user = await tx.objectStore('users').get(userId);
      if (!user) throw new MemosError('USER_NOT_FOUND', undefined, { userId });
      const owned = await tx.objectStore('cubes').index('byOwner').getAll(userId);
      const shared = await tx.objectStore('cubes').index('bySharedWith').getAll(userId);
      return [...owned, ...shared].map((cube) => ({
        cube,
        access: accessOf(cube, userId) as 'owner' | CubeAccess,
        registered: user.registeredCubeIds.includes(cube.cubeId),
      }));
    });
  }

  async setRegistration(params: { userId: string; cubeId: string }, register: boolean): Promise<void> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const cubeId = requireId(params.cubeId, 'cubeId');
    await this.#store.write(['users', 'cubes', 'audit'], async (tx, changes) => {
      const user = await userIn(tx, userId);
      const cube = await cubeIn(tx, cubeId);
      if (register) requireAccess(cube, userId, 'read');
      const others = user.registeredCubeIds.filter((id) => id !== cubeId);
      await tx.objectStore('users').put({ ...user, registeredCubeIds: register ? [...others, cubeId] : others });
      await this.#audit(tx, userId, register ? 'cube.register' : 'cube.unregister', cubeId, {});
      changes.userIds.add(userId);
    });
  }

  shareCube(params: { userId: string; cubeId: string; targetUserId: string; access: CubeAccess }): Promise<CubeRecord> {
    requireObject(params, 'params');
    const access = oneOf(params.access, 'access', ['read', 'write'] as const, 'read');
    if (params.access === undefined) throw new MemosError('INVALID_INPUT', 'access must be read or write.', { field: 'access' });
    return this.#changeShares(params, (shares, target) => recordOf([...Object.entries(shares), [target, access]]), 'cube.share', { access });
  }

  unshareCube(params: { userId: string; cubeId: string; targetUserId: string }): Promise<CubeRecord> {
    requireObject(params, 'params');
    return this.#changeShares(
      params,
      (shares, target) => recordOf(Object.entries(shares).filter(([id]) => id !== target)),
      'cube.unshare',
      {},
    );
  }

  async #changeShares(
    params: { userId: string; cubeId: string; targetUserId: string },
    change: (shares: Readonly<Record<string, CubeAccess>>, target: string) => Record<string, CubeAccess>,
    action: AuditAction,
    details: Record<string, string>,
  ): Promise<CubeRecord> {
    const userId = requireId(params.userId, 'userId');
    const cubeId = requireId(params.cubeId, 'cubeId');
    const target = requireId(params.targetUserId, 'targetUserId');
    return this.#store.write(['users', 'cubes', 'audit'], async (tx, changes) => {
      const cube = await cubeWithAccess(tx, cubeId, userId, 'owner');
      const targetUser = await userIn(tx, target);
      if (target === cube.ownerId) throw new MemosError('INVALID_INPUT', 'The owner already has full access.', { field: 'targetUserId' });
      const shares = change(cube.shares, target);
      const updated: CubeRecord = { ...cube, shares, sharedWith: Object.keys(shares) };
      await tx.objectStore('cubes').put(updated);
      if (action === 'cube.unshare' && targetUser.registeredCubeIds.includes(cubeId)) {
        await tx.objectStore('users').put({ ...targetUser, registeredCubeIds: targetUser.registeredCubeIds.filter((id) => id !== cubeId) });
      }
      await this.#audit(tx, userId, action, cubeId, { ...details, targetUserId: target });
      changes.cubeIds.add(cubeId);
      return updated;
    });
  }

  /**
   * The cubes a search reads, as records: the given ones (each must be readable), else the user's
   * registered cubes they can still read, else every cube they own or was shared with them. Kept
   * between calls until a user or cube record changes (here or in another tab:
   * Store.directoryVersion), which saves a transaction per search.
   */
  async readableCubes(userId: string, cubeIds: readonly string[] | undefined): Promise<CubeRecord[]> {
    const explicit = cubeIds === undefined ? undefined : (idList(cubeIds, 'cubeIds', 1000) ?? []);
    const key = explicit === undefined ? userId : `${userId}\u0000${explicit.join('\u0000')}`;
    const version = this.#store.directoryVersion;
    const known = this.#readable.get(key);
    if (known?.version === version) return known.cubes;
    const cubes = await this.#readCubes(userId, explicit);
    if (this.#readable.size >= 64) this.#readable.clear();
    if (this.#store.directoryVersion === version) this.#readable.set(key, { version, cubes });
    return cubes;
  }

  async #readCubes(userId: string, explicit: readonly string[] | undefined): Promise<CubeRecord[]> {
    return this.#store.read(['users', 'cubes'], async (tx) => {
      const user = await tx.objectStore('users').get(userId);
      if (!user) throw new MemosError('USER_NOT_FOUND', undefined, { userId });
      let ids = explicit ?? user.registeredCubeIds;
      if (ids.length === 0 && explicit === undefined) {
        const owned = await tx.objectStore('cubes').index('byOwner').getAllKeys(userId);
        const shared = await tx.objectStore('cubes').index('bySharedWith').getAllKeys(userId);
        ids = [...owned, ...shared];
      }
      const cubes: CubeRecord[] = [];
      for (const id of ids) {
        const cube = await cubeIn(tx, id);
        // A registered cube whose share was taken back is skipped; an explicitly named one is refused.
        if (explicit === undefined && accessOf(cube, userId) === 'none') continue;
        requireAccess(cube, userId, 'read');
        cubes.push(cube);
      }
      return cubes;
    });
  }

  #audit(tx: AnyWriteTx, userId: string, action: AuditAction, cubeId: string | null, details: Record<string, string>): Promise<void> {
    return appendAudit(tx, this.#clock(), userId, action, cubeId, [], details);
  }
}
