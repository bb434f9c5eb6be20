// People's edits to the entity graph: merging two entities (and undoing it), names that lead to one,
// a name and type set by hand — applied to entities, recall and related at once, versioned and audited,
// refused when malformed, kept across a reopen, carried by cube files (a malformed one imports
// nothing) and seen by a second tab of the same store.
import { afterEach, describe, expect, it } from 'vitest';
import { EntityGraph } from '../../src/search/entity-graph';
import type { MemOS } from '../../src/os/memos';
import { canonicalJson, sha256Hex } from '../../src/core/canonical-json';
import { errorOf, openTestOs } from './helpers';

let opened: MemOS[] = [];
afterEach(() => {
  for (const os of opened) os.close();
  opened = [];
});

describe('edits in the graph in memory', () => {
  const person = (key: string) => ({ key, name: key[0]!.toUpperCase() + key.slice(1), type: 'person' as const, words: key });

  it('answers a merged entity as one, with its names, and undoes the merge without re-reading', () => {
    const graph = new EntityGraph();
    graph.set('m1', 'c', [person('melanie')]);
    graph.set('m2', 'c', [person('mellie')]);
    graph.set('m3', 'c', [person('ben')]);
    graph.setEdits('c', { version: 1, merged: { mellie: 'melanie' }, aliases: { 'the painter': 'melanie' }, names: { melanie: 'Melanie R.' }, types: {} });
    expect(graph.entity('c', 'mellie')).toMatchObject({ key: 'melanie', name: 'Melanie R.', memoryIds: expect.arrayContaining(['m1', 'm2']) });
    expect(graph.entities('c').map((e) => [e.key, e.memoryCount])).toEqual([['melanie', 2], ['ben', 1]]);
    expect(graph.resolve('c', 'the painter')).toBe('melanie');
    expect(graph.resolve('c', 'mellie')).toBe('melanie');
    expect(graph.aliasesOf('c', 'melanie')).toEqual(expect.arrayContaining(['mellie', 'the painter']));
    expect(graph.entitiesOf('m2')).toEqual([{ key: 'melanie', name: 'Melanie R.', type: 'person' }]);
    const hits = graph.walk({ cubeIds: ['c'], queryKeys: ['the painter'], seeds: [], allow: () => true, hopWeight: 0, limit: 10 });
    expect(hits.map((h) => h.id).sort()).toEqual(['m1', 'm2']);
    graph.setEdits('c', undefined);
    expect(graph.entity('c', 'mellie')).toMatchObject({ key: 'mellie', memoryIds: ['m2'] });
    expect(graph.resolve('c', 'the painter')).toBeUndefined();
  });
});

describe('editEntity', () => {
  async function setup() {
    const { os, name } = await openTestOs();
    opened.push(os);
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createUser({ userId: 'ben', name: 'Ben' });
    await os.createCube({ userId: 'ana', cubeId: 'c', name: 'C' });
    await os.shareCube({ userId: 'ana', cubeId: 'c', targetUserId: 'ben', access: 'read' });
    const [first, second] = await os.add({
      userId: 'ana',
      cubeId: 'c',
      memories: [{ text: 'Melanie painted a lake at sunrise.' }, { text: 'Mellie signed up for a pottery class.' }, { text: 'Ben fixed the bike.' }],
    });
    await os.graphStatus({ wait: true });
    return { os, name, first: first!, second: second! };
  }

  it('merges, aliases, renames and retypes, each a version with an audit entry, and recall follows', async () => {
    const { os, first, second } = await setup();
    const [lives] = await os.add({ userId: 'ana', cubeId: 'c', memory: { text: 'Mellie lives in Lisbon', relation: { subject: 'Mellie', predicate: 'lives in', object: 'Lisbon' } } });
    await os.graphStatus({ wait: true });
    expect(await os.relations({ userId: 'ana', cubeId: 'c', entity: 'Melanie' })).toEqual([]);
    const merged = await os.editEntity({ userId: 'ana', cubeId: 'c', key: 'Mellie', mergeInto: 'melanie', reason: 'the same person' });
    // Relations follow the merge: Mellie's is Melanie's now.
    expect(await os.relations({ userId: 'ana', cubeId: 'c', entity: 'Melanie' })).toEqual([expect.objectContaining({ subject: 'Mellie', subjectKey: 'melanie', objectKey: 'lisbon' })]);
    expect(merged).toMatchObject({ version: 1, merged: { mellie: 'melanie' } });
    const [melanie] = await os.entities({ userId: 'ana', cubeId: 'c', query: 'melanie' });
    expect(melanie).toMatchObject({ key: 'melanie', memoryCount: 3, aliases: expect.arrayContaining(['mellie']) });
    await os.editEntity({ userId: 'ana', cubeId: 'c', key: 'melanie', addAlias: 'the painter', name: 'Melanie Ruiz' });
    const renamed = await os.editEntity({ userId: 'ana', cubeId: 'c', key: 'melanie', type: 'person' });
    expect(renamed.version).toBe(3);
    expect((await os.entities({ userId: 'ana', cubeId: 'c', query: 'ruiz' }))[0]).toMatchObject({ key: 'melanie', name: 'Melanie Ruiz' });
    // A search that names the added alias reaches both memories through the graph.
    const hits = await os.search({ userId: 'ana', query: 'what does the painter do', topK: 5 });
    const linked = hits.filter((h) => h.parts.linkedVia?.includes('Melanie Ruiz')).map((h) => h.memory.id);
    expect(linked.sort()).toEqual([first.id, second.id, lives!.id].sort());
    const log = await os.auditLog({ userId: 'ana', cubeId: 'c', actions: ['entity.edit'] });
    expect(log.map((e) => e.details['version'])).toEqual(expect.arrayContaining([1, 2, 3]));
    expect(log.find((e) => e.details['version'] === 1)?.details).toMatchObject({ key: 'mellie', mergedInto: 'melanie', mergedFrom: null, reason: 'the same person' });
    // Undone: the two are apart again.
    await os.editEntity({ userId: 'ana', cubeId: 'c', key: 'mellie', mergeInto: null });
    expect((await os.entities({ userId: 'ana', cubeId: 'c', query: 'mel' })).map((e) => e.key).sort()).toEqual(['melanie', 'mellie']);
  });

  it('refuses what it cannot do, and a reader who may not write', async () => {
    const { os } = await setup();
    await os.editEntity({ userId: 'ana', cubeId: 'c', key: 'mellie', mergeInto: 'melanie' });
    const cycle = await errorOf(() => os.editEntity({ userId: 'ana', cubeId: 'c', key: 'melanie', mergeInto: 'mellie' }));
    expect(cycle).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'mergeInto' } });
    expect((await errorOf(() => os.editEntity({ userId: 'ana', cubeId: 'c', key: 'melanie' }))).code).toBe('INVALID_INPUT');
    expect((await errorOf(() => os.editEntity({ userId: 'ana', cubeId: 'c', key: 'melanie', removeAlias: 'nobody' }))).details).toMatchObject({ field: 'removeAlias' });
    expect((await errorOf(() => os.editEntity({ userId: 'ana', cubeId: 'c', key: 'melanie', type: 'planet' as never }))).code).toBe('INVALID_INPUT');
    expect((await errorOf(() => os.editEntity({ userId: 'ben', cubeId: 'c', key: 'melanie', name: 'M' }))).code).toBe('FORBIDDEN');
    const cube = (await os.listCubes({ userId: 'ana' })).find((c) => c.cube.cubeId === 'c')!;
    expect(cube.cube.entities?.version).toBe(1);
  });

  it('keeps the edits across a reopen, shows them to a second tab, and carries them in a cube file', async () => {
    const { os, name } = await setup();
    const { os: tab } = await openTestOs({ name });
    opened.push(tab);
    await tab.graphStatus({ wait: true });
    await os.editEntity({ userId: 'ana', cubeId: 'c', key: 'mellie', mergeInto: 'melanie' });
    await expect.poll(async () => (await tab.entities({ userId: 'ana', cubeId: 'c', query: 'melanie' }))[0]?.memoryCount).toBe(2);
    os.close();
    const { os: again } = await openTestOs({ name });
    opened.push(again);
    await again.graphStatus({ wait: true });
    expect((await again.entities({ userId: 'ana', cubeId: 'c', query: 'melanie' }))[0]?.memoryCount).toBe(2);
    const file = await again.exportCube({ userId: 'ana', cubeId: 'c' });
    const { os: other } = await openTestOs();
    opened.push(other);
    await other.createUser({ userId: 'ana', name: 'Ana' });
    const copy = await other.importCube({ userId: 'ana', file, mode: 'copy' });
    expect(copy.entities?.merged).toEqual({ mellie: 'melanie' });
    await other.graphStatus({ wait: true });
    expect((await other.entities({ userId: 'ana', cubeId: copy.cubeId, query: 'melanie' }))[0]?.memoryCount).toBe(2);
    // A file whose edits merge in a cycle imports nothing (re-sealed, so only the rule can refuse it).
    const parsed = JSON.parse(file) as { manifest: { entities: { merged: Record<string, string> } }; checksum: string };
    parsed.manifest.entities.merged = { mellie: 'melanie', melanie: 'mellie' };
    const { checksum: _old, ...body } = parsed;
    const bad = JSON.stringify({ ...body, checksum: await sha256Hex(canonicalJson(body)) });
    const { os: third } = await openTestOs();
    opened.push(third);
    await third.createUser({ userId: 'ana', name: 'Ana' });
    expect((await errorOf(() => third.importCube({ userId: 'ana', file: bad }))).code).toBe('IMPORT_MALFORMED');
    expect(await third.listCubes({ userId: 'ana' })).toEqual([]);
  });
});
