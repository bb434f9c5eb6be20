// The search index saved in IndexedDB and restored on open (decision 0028): a restored index answers
// exactly as a rebuilt one; changes after the snapshot are replayed from the change log; a purge
// deletes the snapshot in its own transaction, and a tab that has not heard of another tab's purge
// does not save one; a damaged snapshot, one made under other word rules, or one older than the log
// reaches is ignored and the index rebuilt. Storage is fake-indexeddb; the snapshot parts are read
// (and damaged) with IndexedDB's own API, as a crash or a disk error would leave them.
import { beforeEach, describe, expect, it } from 'vitest';
import { projectionEmbedder } from '../../bench/lib/synthetic';
import { MemOS } from '../../src/os/memos';
import { broadcastChangeFeed, type ChangeFeed } from '../../src/storage/change-feed';
import { freshIndexedDb, openTestOs } from './helpers';

function rawDb(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

async function inStore<T>(name: string, storeName: string, mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await rawDb(name);
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = fn(db.transaction(storeName, mode).objectStore(storeName));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

const snapshotParts = (name: string) => inStore<{ key: string; data: unknown }[]>(name, 'snapshots', 'readonly', (s) => s.getAll());

/** A change feed that announces but hears nothing (a tab the other tabs' messages have not reached yet). */
function deafFeed(name: string): ChangeFeed {
  const feed = broadcastChangeFeed(name);
  return { announce: (change) => feed.announce(change), subscribe: () => () => undefined, close: () => feed.close() };
}

const TEXTS = [
  'Ana adopted a grey cat called Miso in March',
  'The quarterly report is due on Friday',
  'Ben prefers green tea to coffee in the morning',
  'Miso sleeps on the sofa all afternoon',
  'The dentist appointment moved to Tuesday at nine',
  'Ana is learning Portuguese before the trip to Porto',
];
const QUERIES = ['cat Miso', 'report Friday', 'tea', 'Porto trip', 'appointment', 'sofa afternoon'];

/** What a MemOS answers to the queries, once its entity graph has loaded (the graph is a ranking side). */
async function answers(os: MemOS): Promise<string[][]> {
  await os.graphStatus({ wait: true });
  const out: string[][] = [];
  for (const query of QUERIES) out.push((await os.search({ userId: 'ana', query, trackUsage: false })).map((h) => `${h.memory.text} ${h.score.toFixed(6)}`));
  return out;
}

async function reopen(name: string, options: Parameters<typeof MemOS.open>[0] = {}): Promise<MemOS> {
  return MemOS.open({ name, scheduler: false, ...options });
}

describe('the search index snapshot', () => {
  let name: string;

  beforeEach(async () => {
    freshIndexedDb();
    const opened = await openTestOs({ scheduler: false });
    name = opened.name;
    const os = opened.os;
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'notes' });
    await os.add({ userId: 'ana', cubeId: 'c1', memories: TEXTS.map((text) => ({ text })) });
    os.close();
    await os.whenClosed();
  });

  it('is saved on close and restored on open, answering exactly as a rebuilt index', async () => {
    expect((await snapshotParts(name)).map((p) => p.key).sort()).toEqual(['index:meta', 'index:records:0', 'index:text']);
    const restored = await reopen(name);
    expect(restored.indexOpened).toMatchObject({ restored: true, replayed: 0 });
    const rebuilt = await reopen(name, { indexSnapshots: false });
    expect(rebuilt.indexOpened).toBeUndefined();
    expect(await answers(restored)).toEqual(await answers(rebuilt));
    // Adds and edits after a restore index as they would after a rebuild.
    await restored.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'Miso caught a mouse in the garden' } });
    const [hit] = await restored.search({ userId: 'ana', query: 'mouse garden' });
    expect(hit?.memory.text).toBe('Miso caught a mouse in the garden');
    restored.close();
    rebuilt.close();
  });

  it('replays what changed after it: adds, edits and deletes by another instance', async () => {
    const other = await reopen(name, { indexSnapshots: false });
    const [added] = await other.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'Ben booked a flight to Lisbon' } });
    const [report] = await other.search({ userId: 'ana', query: 'quarterly report' });
    await other.update({ userId: 'ana', memoryId: report!.memory.id, patch: { text: 'The quarterly report is due on Monday' } });
    const [tea] = await other.search({ userId: 'ana', query: 'green tea' });
    await other.delete({ userId: 'ana', memoryId: tea!.memory.id });
    other.close();
    const os = await reopen(name);
    expect(os.indexOpened).toMatchObject({ restored: true, replayed: 3 });
    expect((await os.search({ userId: 'ana', query: 'Lisbon flight' }))[0]?.memory.id).toBe(added!.id);
    expect((await os.search({ userId: 'ana', query: 'report' }))[0]?.memory.text).toBe('The quarterly report is due on Monday');
    expect(await os.search({ userId: 'ana', query: 'green tea' })).toEqual([]);
    const rebuilt = await reopen(name, { indexSnapshots: false });
    expect(await answers(os)).toEqual(await answers(rebuilt));
    os.close();
    rebuilt.close();
  });

  it('is deleted by a purge in the same transaction, and never saved with a purge the tab has not heard of', async () => {
    const os = await reopen(name);
    const deaf = await reopen(name, { changeFeed: deafFeed(name) });
    const [tea] = await os.search({ userId: 'ana', query: 'green tea' });
    await os.purge({ userId: 'ana', memoryId: tea!.memory.id });
    expect(await snapshotParts(name)).toEqual([]);
    // The deaf tab still holds the purged memory in its index: it must not save it.
    await deaf.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'A new note from the deaf tab' } });
    await deaf.setIdle({ idle: true });
    expect(await snapshotParts(name)).toEqual([]);
    // The tab that purged saves one without the purged words.
    await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'One more note' } });
    await os.setIdle({ idle: true });
    const parts = await snapshotParts(name);
    expect(parts.length).toBe(3);
    expect(JSON.stringify(parts)).not.toMatch(/green tea|prefers/);
    deaf.close();
    os.close();
  });

  it('is ignored when damaged, made under other word rules, or older than the change log reaches', async () => {
    const rebuilt = await reopen(name, { indexSnapshots: false });
    const expected = await answers(rebuilt);
    rebuilt.close();

    await inStore(name, 'snapshots', 'readwrite', (s) => s.put({ key: 'index:text', data: { ids: ['x'], words: 'not a list' } }));
    let os = await reopen(name);
    expect(os.indexOpened).toEqual({ restored: false, reason: 'damaged' });
    expect(await answers(os)).toEqual(expected);
    await os.setIdle({ idle: true });
    os.close();

    await inStore(name, 'snapshots', 'readwrite', (s) => s.put({ key: 'index:records:0', data: [{ id: 'half a record' }] }));
    os = await reopen(name);
    expect(os.indexOpened).toEqual({ restored: false, reason: 'damaged' });
    expect(await answers(os)).toEqual(expected);
    await os.setIdle({ idle: true });
    os.close();
    await os.whenClosed();

    os = await reopen(name, { textIndex: { stemming: false } });
    expect(os.indexOpened).toEqual({ restored: false, reason: 'other-rules' });
    os.close();
    await os.whenClosed();
    // (That close saved a snapshot under its rules: the default rules rebuild and save theirs.)
    os = await reopen(name);
    expect(os.indexOpened).toEqual({ restored: false, reason: 'other-rules' });
    expect(await answers(os)).toEqual(expected);
    os.close();
    await os.whenClosed();

    // More changes than a log that keeps ten holds: the snapshot's position is no longer in the log.
    const writer = await reopen(name, { indexSnapshots: false, changeLogKeep: 10 });
    for (let i = 0; i < 25; i++) await writer.add({ userId: 'ana', cubeId: 'c1', memory: { text: `Pruned note ${i}` } });
    writer.close();
    os = await reopen(name);
    expect(os.indexOpened).toEqual({ restored: false, reason: 'too-old' });
    expect((await os.search({ userId: 'ana', query: 'pruned note', topK: 50 })).length).toBe(25);
    os.close();
  });

  it('keeps the vectors too: restored without reading the blocks, with the changes since read again', async () => {
    // (The random-projection embedder of the benchmarks stands in for a model: vectors from words.)
    const embedder = projectionEmbedder(64);
    let os = await reopen(name, { embedder });
    await os.vectorStatus({ wait: true });
    os.close();
    await os.whenClosed();
    os = await reopen(name, { embedder });
    expect(os.indexOpened).toMatchObject({ restored: true, vectors: true, replayed: 0 });
    const other = await reopen(name, { embedder, indexSnapshots: false });
    const [added] = await other.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'Ben booked a flight to Lisbon' } });
    other.close();
    os.close();
    await os.whenClosed();
    os = await reopen(name, { embedder });
    expect(os.indexOpened).toMatchObject({ restored: true, vectors: true, replayed: 1 });
    const rebuilt = await reopen(name, { embedder, indexSnapshots: false });
    const vectorAnswers = async (m: MemOS) => {
      const out: string[][] = [];
      for (const query of [...QUERIES, 'Lisbon flight']) out.push((await m.search({ userId: 'ana', query, mode: 'vector', trackUsage: false })).map((h) => `${h.memory.id} ${h.score.toFixed(6)}`));
      return out;
    };
    expect(await vectorAnswers(os)).toEqual(await vectorAnswers(rebuilt));
    expect((await os.search({ userId: 'ana', query: 'Lisbon flight', mode: 'vector', trackUsage: false }))[0]?.memory.id).toBe(added!.id);
    await expect(os.vectorStatus({})).resolves.toMatchObject({ embedded: TEXTS.length + 1 });
    os.close();
    rebuilt.close();
    await os.whenClosed();
    // Another model's vectors are not restored: they are loaded (and made) for the new one.
    os = await reopen(name, { embedder: projectionEmbedder(32) });
    expect(os.indexOpened).toMatchObject({ restored: true, vectors: false });
    os.close();
  });

  it('rebuilds instead of replaying when the changes since name more memories than a rebuild would read', async () => {
    const writer = await reopen(name, { indexSnapshots: false });
    await writer.add({ userId: 'ana', cubeId: 'c1', memories: Array.from({ length: 1_001 }, (_, i) => ({ text: `Bulk note ${i}` })) });
    writer.close();
    const os = await reopen(name);
    expect(os.indexOpened).toEqual({ restored: false, reason: 'many-changes' });
    expect((await os.getAll({ userId: 'ana', cubeId: 'c1', limit: 1 })).total).toBe(TEXTS.length + 1_001);
    expect((await os.search({ userId: 'ana', query: 'bulk note 1000' }))[0]?.memory.text).toBe('Bulk note 1000');
    os.close();
  });
});
