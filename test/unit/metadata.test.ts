// A memory's metadata: the app's own JSON about it. Checked and copied on the way in, versioned like
// the text (history, rollback), exported and imported with the cube, and a search filter by equality.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MemOS } from '../../src/os/memos';
import { errorOf, openTestOs } from './helpers';

let os: MemOS;
beforeEach(async () => {
  ({ os } = await openTestOs({ scheduler: false }));
  await os.createUser({ userId: 'ana', name: 'Ana' });
  await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'Ana' });
});
afterEach(() => os.close());

const find = async (metadata: Record<string, string | number | boolean | null>, query = '') =>
  (await os.search({ userId: 'ana', query, trackUsage: false, filters: { metadata } })).map((h) => h.memory.text).sort();

describe('metadata', () => {
  it('is stored as given, versioned on update, restored by rollback', async () => {
    const [m] = await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'Order 1182 shipped', metadata: { orderId: 'o-1182', lines: [1, 2], shop: { id: 7 } } } });
    expect((await os.get({ userId: 'ana', memoryId: m!.id })).metadata).toEqual({ orderId: 'o-1182', lines: [1, 2], shop: { id: 7 } });
    const updated = await os.update({ userId: 'ana', memoryId: m!.id, patch: { metadata: { orderId: 'o-1182', status: 'delivered' } } });
    expect(updated.version).toBe(2);
    const history = await os.history({ userId: 'ana', memoryId: m!.id });
    expect(history.at(-1)!.changes).toEqual([{ field: 'metadata', from: { orderId: 'o-1182', lines: [1, 2], shop: { id: 7 } }, to: { orderId: 'o-1182', status: 'delivered' } }]);
    // The same metadata with its keys in another order is no change.
    const same = await os.update({ userId: 'ana', memoryId: m!.id, patch: { metadata: { status: 'delivered', orderId: 'o-1182' } } });
    expect(same.version).toBe(2);
    const back = await os.rollback({ userId: 'ana', memoryId: m!.id, version: 1 });
    expect(back.metadata).toEqual({ orderId: 'o-1182', lines: [1, 2], shop: { id: 7 } });
    // Editing the text keeps the metadata.
    expect((await os.update({ userId: 'ana', memoryId: m!.id, patch: { text: 'Order 1182 shipped twice' } })).metadata).toEqual(back.metadata);
  });

  it('filters a search by equality on top-level keys, with or without words', async () => {
    await os.add({
      userId: 'ana',
      cubeId: 'c1',
      memories: [
        { text: 'Invoice for the garden chairs', metadata: { ticket: 'T-1', paid: true } },
        { text: 'Invoice for the lamp', metadata: { ticket: 'T-2', paid: false } },
        { text: 'Invoice without metadata' },
      ],
    });
    expect(await find({ ticket: 'T-1' })).toEqual(['Invoice for the garden chairs']);
    expect(await find({ paid: false }, 'invoice')).toEqual(['Invoice for the lamp']);
    expect(await find({ ticket: 'T-1', paid: false })).toEqual([]);
    expect(await find({ ticket: 'T-3' }, 'invoice')).toEqual([]);
    const error = await errorOf(() => os.search({ userId: 'ana', query: '', filters: { metadata: { ticket: { nested: 1 } } as never } }));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'filters.metadata.ticket' } });
  });

  it('refuses what is not a small JSON object, naming the field, and stores nothing', async () => {
    const cases: [unknown, string][] = [
      [[1, 2], 'memory.metadata'],
      ['text', 'memory.metadata'],
      [{ n: Number.NaN }, 'memory.metadata.n'],
      [{ f: () => 1 }, 'memory.metadata.f'],
      [{ d: new Date(0) }, 'memory.metadata.d'],
      [{ a: { b: { c: { d: { e: 1 } } } } }, 'memory.metadata.a.b.c.d'],
      [{ big: 'x'.repeat(9000) }, 'memory.metadata'],
      [{ '': 1 }, 'memory.metadata.'],
    ];
    for (const [metadata, field] of cases) {
      const error = await errorOf(() => os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'x', metadata: metadata as never } }));
      expect(error, field).toMatchObject({ code: 'INVALID_INPUT', details: { field } });
    }
    expect((await os.getAll({ userId: 'ana', cubeId: 'c1' })).total).toBe(0);
  });

  it('keeps a "__proto__" key as a key, without touching any prototype', async () => {
    const metadata = JSON.parse('{"__proto__": {"polluted": true}, "constructor": "c"}') as Record<string, never>;
    const [m] = await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'hostile keys', metadata } });
    const stored = (await os.get({ userId: 'ana', memoryId: m!.id })).metadata!;
    expect(Object.keys(stored).sort()).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(await find({ constructor: 'c' })).toEqual(['hostile keys']);
  });

  it('travels with the cube file, versions included', async () => {
    const [m] = await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'Photo 88', metadata: { photoId: 88 } } });
    await os.update({ userId: 'ana', memoryId: m!.id, patch: { metadata: { photoId: 88, album: 'summer' } } });
    const file = await os.exportCube({ userId: 'ana', cubeId: 'c1' });
    const imported = await os.importCube({ userId: 'ana', file, mode: 'copy' });
    const { items } = await os.getAll({ userId: 'ana', cubeId: imported.cubeId });
    expect(items.map((i) => i.metadata)).toEqual([{ photoId: 88, album: 'summer' }]);
    const history = await os.history({ userId: 'ana', memoryId: items[0]!.id });
    expect(history.map((v) => v.snapshot.metadata)).toEqual([{ photoId: 88 }, { photoId: 88, album: 'summer' }]);
  });
});
