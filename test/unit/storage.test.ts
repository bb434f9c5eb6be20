import { IDBObjectStore as FakeObjectStore } from 'fake-indexeddb';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemosError } from '../../src/core/errors';
import { MemOS } from '../../src/os/memos';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from '../../src/storage/schema';
import { issueRequests } from '../../src/storage/requests';
import { Store } from '../../src/storage/store';
import { inProcessLock } from '../../src/storage/write-lock';
import { errorOf, openTestOs } from './helpers';

afterEach(() => vi.restoreAllMocks());

describe('schema and migrations', () => {
  it('creates every store of the schema at the current version', async () => {
    const store = await Store.open({ name: `schema-${Math.random()}` });
    expect(store.db.version).toBe(SCHEMA_VERSION);
    expect([...store.db.objectStoreNames].sort()).toEqual(['activations', 'adapters', 'audit', 'blobs', 'changes', 'cubes', 'documents', 'entityLinks', 'jobs', 'memories', 'secrets', 'snapshots', 'users', 'vectorBlocks', 'versions']);
    store.close();
  });

  it('runs only the migrations a database lacks, in order, keeping its data', async () => {
    const name = `migrate-${Math.random()}`;
    const v1 = await Store.open({ name, migrations: MIGRATIONS.slice(0, 1) });
    await v1.write(['users'], async (tx) => {
      await tx.objectStore('users').add({ userId: 'u', name: 'U', createdAt: 1, registeredCubeIds: [] });
    });
    v1.close();
    const ran: number[] = [];
    const next: Migration = (db) => {
      ran.push(2);
      db.createObjectStore('extra' as never);
    };
    const v2 = await Store.open({ name, migrations: [() => ran.push(1), next] });
    expect(ran).toEqual([2]);
    expect(v2.db.version).toBe(2);
    expect(await v2.db.get('users', 'u')).toMatchObject({ name: 'U' });
    v2.close();
  });

  it('refuses a database written by a newer version with SCHEMA_TOO_NEW', async () => {
    const name = `newer-${Math.random()}`;
    const newer = await openDB(name, SCHEMA_VERSION + 1);
    newer.close();
    expect((await errorOf(() => Store.open({ name }))).code).toBe('SCHEMA_TOO_NEW');
  });

  it('closes itself when a newer version opens in another tab, and then says STORE_CLOSED', async () => {
    const name = `blocking-${Math.random()}`;
    const old = await Store.open({ name });
    const reasons: string[] = [];
    old.onClose((r) => reasons.push(r));
    const upgraded = await openDB(name, SCHEMA_VERSION + 1);
    expect(reasons).toEqual(['upgrade']);
    expect((await errorOf(() => old.write(['users'], async () => undefined))).code).toBe('STORE_CLOSED');
    upgraded.close();
  });
});

describe('writes', () => {
  it('resolves only after commit, and keeps nothing of a write whose function throws', async () => {
    const store = await Store.open({ name: `atomic-${Math.random()}` });
    const error = await errorOf(() =>
      store.write(['users', 'audit'], async (tx) => {
        await tx.objectStore('users').add({ userId: 'a', name: 'A', createdAt: 1, registeredCubeIds: [] });
        await tx.objectStore('audit').add({ at: 1, userId: 'a', action: 'user.create', cubeId: null, memoryIds: [], details: {} });
        throw new MemosError('INVALID_INPUT', 'late failure');
      }),
    );
    expect(error.code).toBe('INVALID_INPUT');
    expect(await store.db.count('users')).toBe(0);
    expect(await store.db.count('audit')).toBe(0);
    store.close();
  });

  it('turns a full disk into QUOTA_EXCEEDED and keeps every earlier write', async () => {
    const { os } = await openTestOs();
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'c' });
    await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'kept before the disk filled' } });
    // Stands in for a browser whose quota is used up: IndexedDB's add throws QuotaExceededError.
    // The real browser path (a quota set through DevTools) is tested in test/e2e/quota.test.ts.
    const realAdd = FakeObjectStore.prototype.add;
    let calls = 0;
    vi.spyOn(FakeObjectStore.prototype, 'add').mockImplementation(function (this: InstanceType<typeof FakeObjectStore>, ...args: Parameters<typeof realAdd>) {
      if (++calls === 3) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return realAdd.apply(this, args);
    });
    const error = await errorOf(() => os.add({ userId: 'ana', cubeId: 'c1', memories: [{ text: 'one' }, { text: 'two' }] }));
    expect(error).toBeInstanceOf(MemosError);
    expect(error.code).toBe('QUOTA_EXCEEDED');
    vi.restoreAllMocks();
    const page = await os.getAll({ userId: 'ana', cubeId: 'c1' });
    expect(page.items.map((m) => m.text)).toEqual(['kept before the disk filled']);
    expect(await os.search({ userId: 'ana', query: 'one two' })).toEqual([]);
    // The store still works once there is room again.
    await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'after' } });
    expect((await os.getAll({ userId: 'ana', cubeId: 'c1' })).total).toBe(2);
  });

  it('reports the request that failed, not the AbortErrors of its neighbours, and keeps nothing', async () => {
    const store = await Store.open({ name: `requests-${Math.random()}` });
    const user = (id: string) => ({ userId: id, name: id, createdAt: 1, registeredCubeIds: [] });
    const error = await errorOf(() =>
      store.write(['users'], (tx) =>
        issueRequests((add) => {
          for (const id of ['a', 'b', 'a', 'c']) add(tx.objectStore('users').add(user(id)));
        }),
      ),
    );
    expect(error).toMatchObject({ code: 'STORAGE_FAILED', details: { cause: 'ConstraintError' } });
    expect(await store.db.count('users')).toBe(0);
    store.close();
  });

  it('runs writers one at a time under the same lock name', async () => {
    const order: string[] = [];
    const slow = inProcessLock('l', async () => {
      order.push('a-start');
      await new Promise((r) => setTimeout(r, 20));
      order.push('a-end');
    });
    const fast = inProcessLock('l', async () => {
      order.push('b');
    });
    await Promise.all([slow, fast]);
    expect(order).toEqual(['a-start', 'a-end', 'b']);
  });
});

describe('the change log', () => {
  const user = (userId: string) => ({ userId, name: userId, createdAt: 1, registeredCubeIds: [] });

  it('keeps one change record per committed write, in its transaction, and none of an aborted or silent one', async () => {
    const store = await Store.open({ name: `log-${Math.random()}`, lock: inProcessLock });
    await store.write(['users'], async (tx, changes) => {
      await tx.objectStore('users').add(user('a'));
      changes.userIds.add('a');
    });
    // Throws after noting its change: neither the user nor a change record is kept.
    await errorOf(() =>
      store.write(['users'], async (tx, changes) => {
        await tx.objectStore('users').add(user('b'));
        changes.userIds.add('b');
        throw new Error('crash mid-write');
      }),
    );
    // Writes without a note (job bookkeeping, usage counters) leave no record.
    await store.write(['users'], async (tx) => {
      await tx.objectStore('users').put(user('a'));
    });
    await store.write(['users'], async (tx, changes) => {
      await tx.objectStore('users').add(user('c'));
      changes.userIds.add('c');
    });
    const { changes, truncated } = await store.changesSince(0);
    expect(truncated).toBe(false);
    expect(changes.map((c) => c.userIds)).toEqual([['a'], ['c']]);
    expect(changes[1]!.seq).toBeGreaterThan(changes[0]!.seq);
    expect((await store.changesSince(changes[0]!.seq)).changes.map((c) => c.userIds)).toEqual([['c']]);
    expect(await store.db.get('users', 'b')).toBeUndefined();
    store.close();
  });

  it('tells this tab the records as written and other tabs the ids with the record number, after commit only', async () => {
    const name = `commit-${Math.random()}`;
    const store = await Store.open({ name, lock: inProcessLock });
    const other = await Store.open({ name, lock: inProcessLock });
    const heard: unknown[] = [];
    const told: unknown[] = [];
    store.onCommit((commit) => told.push({ ids: commit.written.map((m) => m.id), removed: commit.removedIds, seq: commit.change.seq }));
    other.changes.subscribe((change) => heard.push({ ids: change.memoryIds, seq: change.seq }));
    const memory = { id: 'm1', cubeId: 'c1' } as never;
    await errorOf(() =>
      store.write(['memories'], async (tx, changes) => {
        changes.wrote(memory);
        changes.afterCommit(() => told.push('after an abort'));
        throw new Error('aborted');
      }),
    );
    let ranBeforeResolve = false;
    await store.write(['memories'], async (tx, changes) => {
      changes.wrote(memory);
      changes.removed('c1', 'm0');
      changes.afterCommit(() => (ranBeforeResolve = true));
    });
    expect(ranBeforeResolve).toBe(true);
    const [record] = (await store.changesSince(0)).changes;
    expect(told).toEqual([{ ids: ['m1'], removed: ['m0'], seq: record!.seq }]);
    await vi.waitFor(() => expect(heard).toEqual([{ ids: ['m1', 'm0'], seq: record!.seq }]));
    store.close();
    other.close();
  });

  it('still resolves the write when a listener throws (the data is committed), and reports the error', async () => {
    const store = await Store.open({ name: `throwing-${Math.random()}`, lock: inProcessLock });
    store.onCommit(() => {
      throw new Error('listener broke');
    });
    const reported = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve));
    await store.write(['users'], async (tx, changes) => {
      await tx.objectStore('users').add(user('a'));
      changes.userIds.add('a');
    });
    expect(await store.db.get('users', 'a')).toBeDefined();
    expect(String(await reported)).toContain('listener broke');
    store.close();
  });

  it('prunes old records, and says when what a reader missed is no longer all there', async () => {
    const store = await Store.open({ name: `prune-${Math.random()}`, lock: inProcessLock, changeLogKeep: 20 });
    for (let i = 0; i < 45; i++) {
      await store.write(['users'], async (tx, changes) => {
        await tx.objectStore('users').put(user(`u${i}`));
        changes.userIds.add(`u${i}`);
      });
    }
    const all = await store.changesSince(0);
    expect(all.truncated).toBe(true);
    expect(all.changes.length).toBeLessThanOrEqual(22);
    expect(all.changes.at(-1)!.userIds).toEqual(['u44']);
    const recent = await store.changesSince(all.changes.at(-3)!.seq);
    expect(recent).toEqual({ changes: all.changes.slice(-2), truncated: false });
    store.close();
  });
});

describe('two tabs on one store', () => {
  it('lose nothing when both write at once, and each index catches up with the other', async () => {
    const name = `tabs-${Math.random()}`;
    const a = await MemOS.open({ name });
    const b = await MemOS.open({ name });
    await a.createUser({ userId: 'ana', name: 'Ana' });
    await a.createCube({ userId: 'ana', cubeId: 'c1', name: 'c' });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).add({ userId: 'ana', cubeId: 'c1', memory: { text: `shared fact number ${i}` } })),
    );
    await vi.waitFor(async () => {
      await a.settled();
      await b.settled();
      expect(await a.search({ userId: 'ana', query: 'fact', topK: 100, trackUsage: false })).toHaveLength(20);
      expect(await b.search({ userId: 'ana', query: 'fact', topK: 100, trackUsage: false })).toHaveLength(20);
    });
    const [hit] = await b.search({ userId: 'ana', query: 'number 3', trackUsage: false });
    await a.purge({ userId: 'ana', memoryId: hit!.memory.id });
    await vi.waitFor(async () => {
      await b.settled();
      expect(await b.search({ userId: 'ana', query: 'fact', topK: 100, trackUsage: false })).toHaveLength(19);
    });
    a.close();
    b.close();
  });

  it("see the other tab's edits in search hits, and a share taken back there ends reading here", async () => {
    // Search keeps cube records and memory records in memory; both must follow the other tab's writes.
    const name = `tabs-${Math.random()}`;
    const a = await MemOS.open({ name });
    const b = await MemOS.open({ name });
    await a.createUser({ userId: 'ana', name: 'Ana' });
    await a.createUser({ userId: 'bo', name: 'Bo' });
    await a.createCube({ userId: 'ana', cubeId: 'c1', name: 'c' });
    await a.shareCube({ userId: 'ana', cubeId: 'c1', targetUserId: 'bo', access: 'read' });
    const [memory] = await a.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'the boat is moored at pier seven' } });
    await vi.waitFor(async () => {
      expect(await b.search({ userId: 'bo', query: 'boat pier', cubeIds: ['c1'], trackUsage: false })).toHaveLength(1);
    });
    await a.update({ userId: 'ana', memoryId: memory!.id, patch: { text: 'the boat is moored at pier nine' } });
    await vi.waitFor(async () => {
      const [hit] = await b.search({ userId: 'bo', query: 'boat pier', cubeIds: ['c1'], trackUsage: false });
      expect(hit?.memory.text).toBe('the boat is moored at pier nine');
      expect(hit?.memory.version).toBe(2);
    });
    await a.unshareCube({ userId: 'ana', cubeId: 'c1', targetUserId: 'bo' });
    await vi.waitFor(async () => {
      expect((await errorOf(() => b.search({ userId: 'bo', query: 'boat pier', cubeIds: ['c1'], trackUsage: false }))).code).toBe('FORBIDDEN');
    });
    // What add and update return, and a hit, are the caller's copies: changing them changes nothing held.
    const [extra] = await a.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'a rowing boat with red oars', tags: ['boats'] } });
    (extra!.tags as string[]).push('changed by the caller');
    const edited = await a.update({ userId: 'ana', memoryId: extra!.id, patch: { text: 'a rowing boat with blue oars' } });
    (edited.tags as string[]).push('changed by the caller');
    const [oars] = await a.search({ userId: 'ana', query: 'oars', trackUsage: false });
    expect(oars!.memory.tags).toEqual(['boats']);
    expect(await a.search({ userId: 'ana', query: 'oars', filters: { tagsAll: ['changed by the caller'] }, trackUsage: false })).toEqual([]);
    const [own] = await a.search({ userId: 'ana', query: 'boat', trackUsage: false });
    (own!.memory.tags as string[]).push('changed by the caller');
    const [again] = await a.search({ userId: 'ana', query: 'boat', trackUsage: false });
    expect(again!.memory.tags).toEqual([]);
    // Also when the search counts the hit (the updated record goes to the index as well).
    const [counted] = await a.search({ userId: 'ana', query: 'boat', trackUsage: true });
    (counted!.memory.tags as string[]).push('changed by the caller');
    const [third] = await a.search({ userId: 'ana', query: 'boat', trackUsage: false });
    expect(third!.memory.tags).toEqual([]);
    expect(third!.memory.usage.accessCount).toBe(1);
    a.close();
    b.close();
  });

  it('rebuilds the index from IndexedDB when a store opens', async () => {
    const { os, name } = await openTestOs();
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'c' });
    await os.add({ userId: 'ana', cubeId: 'c1', memories: [{ text: 'alpha' }, { text: 'beta' }] });
    os.close();
    expect((await errorOf(() => os.search({ userId: 'ana', query: 'alpha' }))).code).toBe('STORE_CLOSED');
    const reopened = await MemOS.open({ name });
    expect(await reopened.search({ userId: 'ana', query: 'alpha' })).toHaveLength(1);
    reopened.close();
  });
});
