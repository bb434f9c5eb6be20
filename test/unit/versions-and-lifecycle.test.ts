import { beforeEach, describe, expect, it } from 'vitest';
import type { MemoryItem } from '../../src/core/memory-item';
import type { MemOS } from '../../src/os/memos';
import { Store } from '../../src/storage/store';
import { errorOf, openTestOs } from './helpers';

let os: MemOS;
let clock: { now: number };
let memory: MemoryItem;
let name: string;

beforeEach(async () => {
  ({ os, clock, name } = await openTestOs());
  await os.createUser({ userId: 'ana', name: 'Ana' });
  await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'notes' });
  [memory] = (await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'Lives in Porto', tags: ['home'] } })) as [MemoryItem];
});

describe('versions', () => {
  it('writes a new version per update with what changed, when, by whom and why', async () => {
    clock.now += 1000;
    const v2 = await os.update({ userId: 'ana', memoryId: memory.id, patch: { text: 'Lives in Lisbon' }, reason: 'moved' });
    clock.now += 1000;
    const v3 = await os.update({ userId: 'ana', memoryId: memory.id, patch: { tags: ['home', 'city'], priority: 7 } });
    expect([v2.version, v3.version]).toEqual([2, 3]);
    const history = await os.history({ userId: 'ana', memoryId: memory.id });
    expect(history.map((v) => [v.version, v.action, v.reason])).toEqual([
      [1, 'create', null],
      [2, 'update', 'moved'],
      [3, 'update', null],
    ]);
    expect(history[1]!.changes).toEqual([{ field: 'text', from: 'Lives in Porto', to: 'Lives in Lisbon' }]);
    expect(history[2]!.changes.map((c) => c.field)).toEqual(['tags', 'priority']);
    expect(history[1]!.at).toBe(history[0]!.at + 1000);
    expect(history[0]!.snapshot.text).toBe('Lives in Porto');
    // The index follows: the old text is no longer found, the new one is.
    expect(await os.search({ userId: 'ana', query: 'Porto' })).toEqual([]);
    expect(await os.search({ userId: 'ana', query: 'Lisbon' })).toHaveLength(1);
  });

  it('derives version 1 from an unchanged memory, and stores it as it was at the first change', async () => {
    // Adds write no version record (one request fewer per memory); history, rollback and export
    // still see version 1, and the first change stores exactly that record before its own.
    const stored = async () => {
      const store = await Store.open({ name });
      try {
        return (await store.read(['versions'], (tx) => tx.objectStore('versions').getAll())).filter((v) => v.memoryId === memory.id);
      } finally {
        store.close();
      }
    };
    expect(await stored()).toEqual([]);
    const derived = await os.history({ userId: 'ana', memoryId: memory.id });
    expect(derived).toEqual([{ memoryId: memory.id, cubeId: 'c1', version: 1, at: memory.createdAt, by: 'ana', action: 'create', reason: null, changes: [], snapshot: expect.objectContaining({ text: 'Lives in Porto', tags: ['home'] }) }]);
    const file = JSON.parse(await os.exportCube({ userId: 'ana', cubeId: 'c1' })) as { versions?: unknown[] } & Record<string, unknown>;
    expect(JSON.stringify(file)).toContain('"action":"create"');
    // Rolling back to version 1 of an unchanged memory changes nothing, so no version is written.
    expect((await os.rollback({ userId: 'ana', memoryId: memory.id, version: 1 })).version).toBe(1);
    clock.now += 1000;
    await os.update({ userId: 'ana', memoryId: memory.id, patch: { text: 'Lives in Braga' } });
    expect((await stored()).map((v) => v.version)).toEqual([1, 2]);
    expect((await stored())[0]).toEqual(derived[0]);
    const back = await os.rollback({ userId: 'ana', memoryId: memory.id, version: 1 });
    expect(back.text).toBe('Lives in Porto');
    expect((await os.history({ userId: 'ana', memoryId: memory.id })).map((v) => v.action)).toEqual(['create', 'update', 'rollback']);
  });

  it('writes no version when an update changes nothing', async () => {
    const same = await os.update({ userId: 'ana', memoryId: memory.id, patch: { text: 'Lives in Porto' } });
    expect(same.version).toBe(1);
    expect(await os.history({ userId: 'ana', memoryId: memory.id })).toHaveLength(1);
  });

  it('refuses a stale write with VERSION_CONFLICT and keeps the newer one', async () => {
    await os.update({ userId: 'ana', memoryId: memory.id, patch: { text: 'A' }, expectedVersion: 1 });
    const conflict = await errorOf(() => os.update({ userId: 'ana', memoryId: memory.id, patch: { text: 'B' }, expectedVersion: 1 }));
    expect(conflict).toMatchObject({ code: 'VERSION_CONFLICT', details: { expected: 1, actual: 2 } });
    expect((await os.get({ userId: 'ana', memoryId: memory.id })).text).toBe('A');
  });

  it('rolls back by writing a new version equal to the old one, never cutting history', async () => {
    await os.update({ userId: 'ana', memoryId: memory.id, patch: { text: 'Lives in Lisbon', tags: [] } });
    const back = await os.rollback({ userId: 'ana', memoryId: memory.id, version: 1 });
    expect(back).toMatchObject({ text: 'Lives in Porto', tags: ['home'], version: 3 });
    const history = await os.history({ userId: 'ana', memoryId: memory.id });
    expect(history.map((v) => v.action)).toEqual(['create', 'update', 'rollback']);
    expect(history[2]!.reason).toBe('rollback to version 1');
    expect((await errorOf(() => os.rollback({ userId: 'ana', memoryId: memory.id, version: 9 }))).code).toBe('VERSION_NOT_FOUND');
  });

  it('refuses to change the state through update', async () => {
    expect((await errorOf(() => os.update({ userId: 'ana', memoryId: memory.id, patch: { state: 'archived' } as never }))).code).toBe('INVALID_INPUT');
  });
});

describe('lifecycle through the API', () => {
  it('archives (soft delete) and restores to the state it had', async () => {
    const archived = await os.delete({ userId: 'ana', memoryId: memory.id, reason: 'outdated' });
    expect(archived).toMatchObject({ state: 'archived', stateBefore: 'generated' });
    expect((await errorOf(() => os.update({ userId: 'ana', memoryId: memory.id, patch: { text: 'x' } }))).code).toBe('ILLEGAL_TRANSITION');
    expect((await errorOf(() => os.delete({ userId: 'ana', memoryId: memory.id }))).code).toBe('ILLEGAL_TRANSITION');
    const restored = await os.restore({ userId: 'ana', memoryId: memory.id });
    expect(restored).toMatchObject({ state: 'generated', stateBefore: null });
    expect((await errorOf(() => os.restore({ userId: 'ana', memoryId: memory.id }))).code).toBe('ILLEGAL_TRANSITION');
    const actions = (await os.history({ userId: 'ana', memoryId: memory.id })).map((v) => v.action);
    expect(actions).toEqual(['create', 'archive', 'restore']);
  });

  it('freezes: no edit, rollback, delete or purge until unfrozen; history is kept', async () => {
    await os.update({ userId: 'ana', memoryId: memory.id, patch: { text: 'v2' } });
    await os.freeze({ userId: 'ana', memoryId: memory.id });
    expect((await errorOf(() => os.update({ userId: 'ana', memoryId: memory.id, patch: { text: 'x' } }))).code).toBe('MEMORY_FROZEN');
    expect((await errorOf(() => os.rollback({ userId: 'ana', memoryId: memory.id, version: 1 }))).code).toBe('MEMORY_FROZEN');
    expect((await errorOf(() => os.delete({ userId: 'ana', memoryId: memory.id }))).code).toBe('ILLEGAL_TRANSITION');
    expect((await errorOf(() => os.purge({ userId: 'ana', memoryId: memory.id }))).code).toBe('MEMORY_FROZEN');
    expect(await os.history({ userId: 'ana', memoryId: memory.id })).toHaveLength(3);
    // Frozen memories stay findable: frozen means "do not change", not "hide".
    expect(await os.search({ userId: 'ana', query: 'v2', filters: { states: ['frozen'] } })).toHaveLength(1);
    const unfrozen = await os.unfreeze({ userId: 'ana', memoryId: memory.id });
    expect(unfrozen.state).toBe('generated');
    expect((await os.update({ userId: 'ana', memoryId: memory.id, patch: { text: 'v3' } })).version).toBe(5);
  });

  it('purges for good: memory, versions and blobs gone; the audit log keeps the fact without the text', async () => {
    await os.update({ userId: 'ana', memoryId: memory.id, patch: { text: 'Lives in Lisbon' } });
    await os.purge({ userId: 'ana', memoryId: memory.id, reason: 'user asked' });
    expect((await errorOf(() => os.get({ userId: 'ana', memoryId: memory.id }))).code).toBe('MEMORY_NOT_FOUND');
    expect(await os.search({ userId: 'ana', query: 'Lisbon' })).toEqual([]);
    const [entry] = await os.auditLog({ userId: 'ana', cubeId: 'c1', actions: ['memory.purge'] });
    expect(entry).toMatchObject({ memoryIds: [memory.id], details: { versions: 2, reason: 'user asked' } });
    const everything = JSON.stringify(await os.auditLog({ userId: 'ana', cubeId: 'c1', limit: 1000 }));
    expect(everything).not.toContain('Lisbon');
    expect(everything).not.toContain('Porto');
    const exported = await os.exportCube({ userId: 'ana', cubeId: 'c1' });
    expect(exported).not.toContain('Lisbon');
  });
});

describe('the audit log', () => {
  it('records every change with who and when, newest first, filterable', async () => {
    clock.now += 5;
    await os.update({ userId: 'ana', memoryId: memory.id, patch: { text: 'x' } });
    await os.delete({ userId: 'ana', memoryId: memory.id });
    const log = await os.auditLog({ userId: 'ana', cubeId: 'c1' });
    expect(log.map((e) => e.action)).toEqual(['memory.archive', 'memory.update', 'memory.add', 'cube.create']);
    expect(log.every((e) => e.userId === 'ana')).toBe(true);
    expect(await os.auditLog({ userId: 'ana', memoryId: memory.id, cubeId: 'c1', since: clock.now })).toHaveLength(2);
    const mine = await os.auditLog({ userId: 'ana', limit: 2 });
    expect(mine).toHaveLength(2);
  });
});
