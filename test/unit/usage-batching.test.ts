// Usage counts are written in batches, not one transaction per search: what callers read counts every
// use at once, IndexedDB gets them within the delay (or at idle, export, close), and nothing stored is
// lost or brought back — an edit made meanwhile is kept, a memory purged meanwhile stays purged.
// Storage is fake-indexeddb; the raw record is read with IndexedDB's own API to see what is stored.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MemoryItem } from '../../src/core/memory-item';
import { MemOS } from '../../src/os/memos';
import { openTestOs } from './helpers';

function storedRecord(name: string, id: string): Promise<MemoryItem | undefined> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const get = db.transaction('memories', 'readonly').objectStore('memories').get(id);
      get.onsuccess = () => {
        db.close();
        resolve(get.result as MemoryItem | undefined);
      };
      get.onerror = () => reject(get.error);
    };
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('usage counted in batches', () => {
  let os: MemOS;
  let name: string;
  let id: string;

  beforeEach(async () => {
    ({ os, name } = await openTestOs());
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'notes' });
    [{ id }] = (await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'Miso the cat likes tuna' } })) as [MemoryItem];
  });
  afterEach(() => os.close());

  it('shows uses at once in search, get and getAll, and stores them together after the delay', async () => {
    for (let i = 0; i < 5; i++) await os.search({ userId: 'ana', query: 'Miso', trackUsage: true });
    // Nothing written yet: five searches made no transaction of their own.
    expect((await storedRecord(name, id))?.usage.accessCount).toBe(0);
    expect((await os.search({ userId: 'ana', query: 'Miso' }))[0]?.memory.usage.accessCount).toBe(5);
    expect((await os.get({ userId: 'ana', memoryId: id })).usage.accessCount).toBe(5);
    expect((await os.getAll({ userId: 'ana', cubeId: 'c1' })).items[0]?.usage.accessCount).toBe(5);
    await sleep(1300);
    const stored = await storedRecord(name, id);
    expect(stored?.usage.accessCount).toBe(5);
    expect(stored?.usage.hits.map((h) => h.by)).toEqual(['search', 'search', 'search', 'search', 'search']);
    // Once stored, reads do not count them twice.
    expect((await os.get({ userId: 'ana', memoryId: id })).usage.accessCount).toBe(5);
    expect((await os.search({ userId: 'ana', query: 'Miso', trackUsage: true }))[0]?.memory.usage.accessCount).toBe(6);
  });

  it('writes what was counted when the user goes idle, before an export, and on close', async () => {
    await os.search({ userId: 'ana', query: 'Miso', trackUsage: true });
    await os.setIdle({ idle: true });
    expect((await storedRecord(name, id))?.usage.accessCount).toBe(1);
    await os.get({ userId: 'ana', memoryId: id, trackUsage: true });
    const file = JSON.parse(await os.exportCube({ userId: 'ana', cubeId: 'c1' })) as { memories: MemoryItem[] };
    expect(file.memories[0]?.usage.accessCount).toBe(2);
    await os.search({ userId: 'ana', query: 'Miso', trackUsage: true });
    os.close();
    const reopened = await MemOS.open({ name });
    expect((await reopened.get({ userId: 'ana', memoryId: id })).usage).toMatchObject({ accessCount: 3, hits: [{ by: 'search' }, { by: 'get' }, { by: 'search' }] });
    reopened.close();
    os = await MemOS.open({ name });
  });

  it('keeps an edit made before the batch is written, and does not bring back a memory purged meanwhile', async () => {
    const [other] = await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'Miso sleeps on the sofa' } });
    await os.search({ userId: 'ana', query: 'Miso', trackUsage: true });
    await os.update({ userId: 'ana', memoryId: id, patch: { text: 'Miso the cat likes salmon' } });
    await os.purge({ userId: 'ana', memoryId: other!.id });
    await os.setIdle({ idle: true });
    const stored = await storedRecord(name, id);
    expect(stored).toMatchObject({ text: 'Miso the cat likes salmon', version: 2, usage: { accessCount: 1 } });
    expect(await storedRecord(name, other!.id)).toBeUndefined();
    expect((await os.search({ userId: 'ana', query: 'salmon' }))[0]?.memory.usage.accessCount).toBe(1);
  });
});
