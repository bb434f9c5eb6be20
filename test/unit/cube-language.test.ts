// A cube's own language (its policy's `language`): its words are stemmed in that language, a change
// re-indexes the cube at the next search in every instance on the store, other cubes keep the store's
// defaults, and a search over several cubes reads the query in each of their languages.
import { afterEach, describe, expect, it } from 'vitest';
import type { MemOS } from '../../src/os/memos';
import { errorOf, openTestOs } from './helpers';

let opened: MemOS[] = [];
afterEach(() => {
  for (const os of opened) os.close();
  opened = [];
});

const ids = async (os: MemOS, query: string, cubeIds?: string[]) =>
  (await os.search({ userId: 'ana', query, mode: 'text', trackUsage: false, ...(cubeIds && { cubeIds }) })).map((h) => h.memory.text);

describe('a cube in a language of its own', () => {
  it('stems its words in that language, in this instance and in another on the same store', async () => {
    const first = await openTestOs({ scheduler: false });
    const os = first.os;
    const other = (await openTestOs({ name: first.name, scheduler: false })).os;
    opened = [os, other];
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'de', name: 'Deutsch' });
    await os.createCube({ userId: 'ana', cubeId: 'en', name: 'English' });
    await os.add({ userId: 'ana', cubeId: 'de', memory: { text: 'Die Häuser am See sind alt' } });
    await os.add({ userId: 'ana', cubeId: 'en', memory: { text: 'The houses by the lake are old' } });
    // Read as English, "Häuser" and "Haus" have different stems.
    expect(await ids(os, 'Haus', ['de'])).toEqual([]);
    await os.setCubePolicy({ userId: 'ana', cubeId: 'de', policy: { redaction: 'redact', language: 'german' } });
    expect(await ids(os, 'Haus', ['de'])).toEqual(['Die Häuser am See sind alt']);
    await other.settled();
    expect(await ids(other, 'Haus', ['de'])).toEqual(['Die Häuser am See sind alt']);
    // The English cube keeps English stems; a search over both reads the query both ways.
    expect(await ids(os, 'house', ['en'])).toEqual(['The houses by the lake are old']);
    expect((await ids(os, 'Haus house')).sort()).toEqual(['Die Häuser am See sind alt', 'The houses by the lake are old']);
    // Memories added after the change are read in the cube's language too; back to the default undoes it.
    await os.add({ userId: 'ana', cubeId: 'de', memory: { text: 'Zwei Bücher liegen auf dem Tisch' } });
    expect(await ids(os, 'Buch', ['de'])).toEqual(['Zwei Bücher liegen auf dem Tisch']);
    await os.setCubePolicy({ userId: 'ana', cubeId: 'de', policy: { redaction: 'redact' } });
    expect(await ids(os, 'Haus', ['de'])).toEqual([]);
  });

  it('refuses a language the index does not know, naming the field, and keeps the policy it had', async () => {
    const { os } = await openTestOs({ scheduler: false });
    opened = [os];
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c', name: 'C', policy: { redaction: 'tag', language: 'french' } });
    const error = await errorOf(() => os.setCubePolicy({ userId: 'ana', cubeId: 'c', policy: { redaction: 'keep', language: 'klingon' as never } }));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'policy.language' } });
    const [view] = await os.listCubes({ userId: 'ana' });
    expect(view!.cube.policy).toEqual({ redaction: 'tag', language: 'french' });
  });
});
