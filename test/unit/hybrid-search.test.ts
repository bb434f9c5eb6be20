import { beforeEach, describe, expect, it } from 'vitest';
import { MemOS } from '../../src/os/memos';
import { errorOf, freshIndexedDb, openTestOs } from './helpers';
import { useLite } from './use-lite';

let os: MemOS;

beforeEach(async () => {
  ({ os } = await openTestOs({ embedder: await useLite() }));
  await os.createUser({ userId: 'ana', name: 'Ana' });
  await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'notes' });
  await os.add({
    userId: 'ana',
    cubeId: 'c1',
    memories: [
      { text: 'A kitten rested on a rug by the fire' },
      { text: 'Stock markets fell sharply on Monday' },
      { text: 'She booked a table at an Italian restaurant for Friday' },
    ],
  });
}, 60_000);

describe('hybrid search with the real USE-lite embedder', () => {
  it('finds a paraphrase that shares no word with the query, and says it came from the vectors', async () => {
    const [hit] = await os.search({ userId: 'ana', query: 'cat sleeping on a carpet' });
    expect(hit!.memory.text).toBe('A kitten rested on a rug by the fire');
    expect(hit!.parts.bm25Rank).toBeNull();
    expect(hit!.parts.vector).toBeGreaterThan(0.4);
    expect(hit!.parts.vectorRank).toBe(1);
  });

  it('answers a query in a script USE-lite does not know by words alone, never by noise vectors', async () => {
    await os.add({ userId: 'ana', cubeId: 'c1', memories: [{ text: '王伟把护照放在抽屉里' }, { text: 'Алёна хранит паспорт в шкафу' }] });
    for (const query of ['护照在哪里', 'где паспорт']) {
      const hits = await os.search({ userId: 'ana', query });
      expect(hits.length, query).toBe(1);
      expect(hits[0]!.parts.vectorRank).toBeNull();
      expect(hits[0]!.parts.bm25Rank).toBe(1);
    }
    // A Latin-script query still uses the vectors.
    const [hit] = await os.search({ userId: 'ana', query: 'cat sleeping on a carpet' });
    expect(hit!.parts.vectorRank).toBe(1);
    // A cube set to German is searched by words alone: USE-lite knows English only.
    await os.createCube({ userId: 'ana', cubeId: 'de', name: 'Deutsch', policy: { redaction: 'redact', language: 'german' } });
    await os.add({ userId: 'ana', cubeId: 'de', memories: [{ text: 'Die Katze schläft auf dem Teppich' }, { text: 'Die Börse fiel am Montag' }] });
    const german = await os.search({ userId: 'ana', query: 'Katze Teppich', cubeIds: ['de'] });
    expect(german.map((h) => [h.memory.text, h.parts.vectorRank])).toEqual([['Die Katze schläft auf dem Teppich', null]]);
  });

  it('combines both sides when the words match too', async () => {
    const [hit] = await os.search({ userId: 'ana', query: 'Italian restaurant dinner' });
    expect(hit!.memory.text).toContain('Italian restaurant');
    expect(hit!.parts.bm25Rank).toBe(1);
    expect(hit!.parts.vectorRank).toBe(1);
  });

  it('re-embeds an edited memory before the update returns', async () => {
    const [hit] = await os.search({ userId: 'ana', query: 'cat sleeping on a carpet' });
    await os.update({ userId: 'ana', memoryId: hit!.memory.id, patch: { text: 'The quarterly tax form is due in April' } });
    const [first] = await os.search({ userId: 'ana', query: 'cat sleeping on a carpet' });
    expect(first?.memory.id === hit!.memory.id && (first?.parts.vector ?? 0) > 0.4).toBe(false);
    const [taxes] = await os.search({ userId: 'ana', query: 'paying income taxes' });
    expect(taxes!.memory.id).toBe(hit!.memory.id);
  });

  it('keeps vectors out of other cubes and removes them on purge', async () => {
    await os.createCube({ userId: 'ana', cubeId: 'c2', name: 'other' });
    expect(await os.search({ userId: 'ana', query: 'cat sleeping on a carpet', cubeIds: ['c2'] })).toEqual([]);
    const [hit] = await os.search({ userId: 'ana', query: 'cat sleeping on a carpet' });
    await os.purge({ userId: 'ana', memoryId: hit!.memory.id });
    const after = await os.search({ userId: 'ana', query: 'cat sleeping on a carpet', topK: 5 });
    expect(after.map((h) => h.memory.id)).not.toContain(hit!.memory.id);
    expect((await os.vectorStatus())!.embedded).toBe(2);
  });

  it('embeds imported memories in the background, and search works meanwhile', async () => {
    const file = await os.exportCube({ userId: 'ana', cubeId: 'c1' });
    freshIndexedDb();
    const other = await MemOS.open({ name: 'import-target', embedder: await useLite() });
    await other.createUser({ userId: 'ana', name: 'Ana' });
    await other.importCube({ userId: 'ana', file });
    expect((await other.search({ userId: 'ana', query: 'Italian restaurant' }))[0]!.memory.text).toContain('Italian');
    const status = await other.vectorStatus({ wait: true });
    expect(status).toMatchObject({ embedded: 3, syncing: false, lastError: null, model: { modelId: 'use-lite', dimension: 512 } });
    expect((await other.search({ userId: 'ana', query: 'cat sleeping on a carpet' }))[0]!.parts.vectorRank).toBe(1);
    other.close();
  });

  it('gives vectors to memories stored before an embedder was configured, when it reopens with one', async () => {
    const { os: plain, name } = await openTestOs();
    await plain.createUser({ userId: 'ana', name: 'Ana' });
    await plain.createCube({ userId: 'ana', cubeId: 'c1', name: 'x' });
    await plain.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'A kitten rested on a rug' } });
    expect(await plain.vectorStatus()).toBeNull();
    plain.close();
    const withVectors = await MemOS.open({ name, embedder: await useLite() });
    expect((await withVectors.vectorStatus({ wait: true }))!.embedded).toBe(1);
    expect((await withVectors.search({ userId: 'ana', query: 'cat sleeping on a carpet' }))[0]!.parts.vectorRank).toBe(1);
    withVectors.close();
  });

  it('still refuses bad input before embedding anything', async () => {
    expect((await errorOf(() => os.add({ userId: 'ana', cubeId: 'c1', memory: { text: '' } }))).code).toBe('INVALID_INPUT');
  });
});
