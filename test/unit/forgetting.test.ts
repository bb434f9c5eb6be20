// Forgetting on request: deleteCube, deleteUser and reset remove everything they name in one
// transaction (a failure keeps all of it), leave only counts in the audit log, and every instance's
// index drops what went — including a big cube, whose removal rebuilds the word index.
import { IDBObjectStore as FakeObjectStore } from 'fake-indexeddb';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MemOS } from '../../src/os/memos';
import { errorOf, openTestOs } from './helpers';

let opened: MemOS[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const os of opened) os.close();
  opened = [];
});

/** How many records of a cube each store holds, read from IndexedDB itself. */
async function stored(name: string, cubeId: string): Promise<Record<string, number>> {
  const db = await openDB(name);
  const counts: Record<string, number> = {};
  for (const store of ['memories', 'versions', 'blobs', 'activations', 'adapters'] as const) {
    counts[store] = (await db.getAllFromIndex(store as never, 'byCube' as never, cubeId as never)).length;
  }
  counts['cube'] = (await db.get('cubes', cubeId)) ? 1 : 0;
  db.close();
  return counts;
}

async function setUp() {
  const first = await openTestOs({ scheduler: false });
  const other = (await openTestOs({ name: first.name, scheduler: false, clock: () => first.clock.now })).os;
  opened = [first.os, other];
  const os = first.os;
  await os.createUser({ userId: 'ana', name: 'Ana' });
  await os.createUser({ userId: 'ben', name: 'Ben' });
  await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'Ana' });
  await os.createCube({ userId: 'ben', cubeId: 'c2', name: 'Ben' });
  await os.shareCube({ userId: 'ana', cubeId: 'c1', targetUserId: 'ben', access: 'write' });
  await os.shareCube({ userId: 'ben', cubeId: 'c2', targetUserId: 'ana', access: 'read' });
  await os.registerCube({ userId: 'ana', cubeId: 'c2' });
  await os.registerCube({ userId: 'ben', cubeId: 'c1' });
  const [note] = await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'The spare key is under the blue flowerpot' } });
  await os.update({ userId: 'ana', memoryId: note!.id, patch: { text: 'The spare key is under the red flowerpot' } });
  await os.add({ userId: 'ben', cubeId: 'c1', memory: { text: 'Ben parked the van behind the garage' } });
  await os.add({ userId: 'ben', cubeId: 'c2', memory: { text: 'Ben keeps the garage remote in the van' } });
  return { os, other, name: first.name };
}

const texts = async (os: MemOS, userId: string, query: string) => (await os.search({ userId, query, mode: 'text', trackUsage: false })).map((h) => h.memory.text).sort();

describe('deleting a cube', () => {
  it('removes its memories, versions, shares and registrations in every instance, and audits counts only', async () => {
    const { os, other, name } = await setUp();
    expect(await texts(os, 'ana', 'garage')).toEqual(['Ben keeps the garage remote in the van', 'Ben parked the van behind the garage']);
    // Only the owner may.
    expect((await errorOf(() => os.deleteCube({ userId: 'ben', cubeId: 'c1' }))).code).toBe('FORBIDDEN');
    expect(await os.deleteCube({ userId: 'ana', cubeId: 'c1' })).toEqual({ memories: 2 });
    expect(await stored(name, 'c1')).toEqual({ memories: 0, versions: 0, blobs: 0, activations: 0, adapters: 0, cube: 0 });
    expect(await texts(os, 'ben', 'garage')).toEqual(['Ben keeps the garage remote in the van']);
    expect((await os.getUser('ben')).registeredCubeIds).toEqual(['c2']);
    expect((await os.listCubes({ userId: 'ben' })).map((v) => v.cube.cubeId)).toEqual(['c2']);
    await other.settled();
    expect(await texts(other, 'ana', 'flowerpot key')).toEqual([]);
    const [entry] = await os.auditLog({ userId: 'ana', actions: ['cube.delete'] });
    expect(entry).toMatchObject({ cubeId: 'c1', memoryIds: [], details: { memories: 2, activations: 0, adapters: 0 } });
    expect(JSON.stringify(await os.auditLog({ userId: 'ana' }))).not.toContain('flowerpot');
    expect((await errorOf(() => os.deleteCube({ userId: 'ana', cubeId: 'c1' }))).code).toBe('CUBE_NOT_FOUND');
  });

  it('keeps everything when the deletion fails part-way (the transaction aborts)', async () => {
    const { os, name } = await setUp();
    const remove = FakeObjectStore.prototype.delete;
    vi.spyOn(FakeObjectStore.prototype, 'delete').mockImplementation(function (this: InstanceType<typeof FakeObjectStore>, ...args: Parameters<typeof remove>) {
      if (this.name === 'cubes') throw new DOMException('disk gone', 'UnknownError');
      return remove.apply(this, args);
    });
    expect((await errorOf(() => os.deleteCube({ userId: 'ana', cubeId: 'c1' }))).code).toBe('STORAGE_FAILED');
    vi.restoreAllMocks();
    expect(await stored(name, 'c1')).toMatchObject({ memories: 2, versions: 2, cube: 1 });
    expect(await texts(os, 'ana', 'flowerpot')).toEqual(['The spare key is under the red flowerpot']);
  });

  it('drops a big cube from the index at once, and what stays is still ranked right', async () => {
    const { os } = await openTestOs({ scheduler: false });
    opened = [os];
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'big', name: 'big' });
    await os.createCube({ userId: 'ana', cubeId: 'small', name: 'small' });
    await os.add({ userId: 'ana', cubeId: 'big', memories: Array.from({ length: 1500 }, (_, i) => ({ text: `garden note ${i} about tomatoes` })) });
    await os.add({ userId: 'ana', cubeId: 'small', memories: [{ text: 'tomatoes in the garden' }, { text: 'the garden shed' }] });
    await os.deleteCube({ userId: 'ana', cubeId: 'big' });
    expect(await texts(os, 'ana', 'garden tomatoes')).toEqual(['the garden shed', 'tomatoes in the garden']);
    const [best] = await os.search({ userId: 'ana', query: 'tomatoes', mode: 'text', trackUsage: false });
    expect(best!.memory.text).toBe('tomatoes in the garden');
  });
});

describe('deleting a user', () => {
  it('removes their cubes, what they wrote into cubes shared with them, and their shares', async () => {
    const { os, other } = await setUp();
    expect(await os.deleteUser({ userId: 'ben' })).toEqual({ cubes: 1, memories: 2 });
    expect((await errorOf(() => os.getUser('ben'))).code).toBe('USER_NOT_FOUND');
    expect(await texts(os, 'ana', 'garage van flowerpot')).toEqual(['The spare key is under the red flowerpot']);
    const [c1] = await os.listCubes({ userId: 'ana' });
    expect(c1!.cube).toMatchObject({ cubeId: 'c1', sharedWith: [] });
    expect(Object.keys(c1!.cube.shares)).toEqual([]);
    expect((await os.getUser('ana')).registeredCubeIds).toEqual(['c1']);
    await other.settled();
    expect(await texts(other, 'ana', 'garage van')).toEqual([]);
    expect(await os.auditLog({ userId: 'ben', actions: ['user.delete'] })).toMatchObject([{ details: { cubes: 1, memories: 2 } }]);
  });
});

describe('resetting a store', () => {
  it('refuses without the confirmation, and with it empties every store in every instance', async () => {
    const { os, other } = await setUp();
    for (const confirm of [undefined, '', 'yes', 'DELETE EVERYTHING']) {
      expect((await errorOf(() => os.reset({ confirm } as never))).code).toBe('INVALID_INPUT');
    }
    expect(await os.listUsers()).toHaveLength(2);
    await os.reset({ confirm: 'delete everything', userId: 'ana' });
    expect(await os.listUsers()).toEqual([]);
    expect((await os.auditLog({ userId: 'ana' })).map((e) => e.action)).toEqual(['store.reset']);
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'again' });
    expect(await texts(os, 'ana', 'garage flowerpot')).toEqual([]);
    await other.settled();
    expect(await texts(other, 'ana', 'garage flowerpot')).toEqual([]);
  });
});
