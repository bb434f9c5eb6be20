// The entity graph: what the tagger finds in a memory, how the in-memory graph resolves aliases and
// walks links, and how MemOS keeps it — links stored beside memories after they commit, loaded
// on reopen without reading again, read again when a memory's text changes, gone with a purge, absent
// for a cube in another language — and how recall and the API use it.
import { IDBObjectStore as FakeObjectStore } from 'fake-indexeddb';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { extractEntities } from '../../src/memory/graph/entity-extraction';
import type { MemOS } from '../../src/os/memos';
import { EntityGraph, queryKeys } from '../../src/search/entity-graph';
import { MemoryIndex } from '../../src/search/memory-index';
import { GraphQueries } from '../../src/os/graph-queries';
import { buildTopicTree } from '../../src/search/topic-tree';
import { canonicalJson, sha256Hex } from '../../src/core/canonical-json';
import { errorOf, freshIndexedDb, openTestOs } from './helpers';

let opened: MemOS[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const os of opened) os.close();
  opened = [];
});

describe('entity extraction', () => {
  it('finds people, places, organisations, dates and things, with the words that named them', async () => {
    const [links = []] = await extractEntities([
      { text: 'Caroline: I went to the LGBTQ support group at Stanford University on 5 May with my sister Lucia. We went camping in the mountains!', speakers: ['Caroline'] },
    ]);
    const byKey = new Map(links.map((l) => [l.key, l]));
    expect(byKey.get('lucia')).toMatchObject({ type: 'person', name: 'Lucia', role: 'sister', words: 'my sister Lucia' });
    expect(byKey.get('stanford university')).toMatchObject({ type: 'organization', name: 'Stanford University' });
    expect(byKey.get('5 may')).toMatchObject({ type: 'date' });
    expect(byKey.get('lgbtq support group')).toMatchObject({ type: 'thing', words: 'LGBTQ support group' });
    expect(byKey.get('mountain')).toMatchObject({ type: 'thing', words: 'mountains' });
    expect(byKey.get('camping')).toMatchObject({ type: 'thing' });
    // The speaker's own name is who said it, not something the memory is about.
    expect(byKey.has('caroline')).toBe(false);
  });

  it('finds nothing in a text without Latin letters, and no entity in a run-on word', async () => {
    expect(await extractEntities([{ text: '東京で友達に会いました。' }])).toEqual([[]]);
    const [links = []] = await extractEntities([{ text: `The ${'x'.repeat(5000)} broke the kiln.` }]);
    expect(links.map((l) => l.key)).toEqual(['kiln']);
  });
});

describe('the graph in memory', () => {
  const link = (key: string, type: 'person' | 'thing' = 'thing', role?: string) => ({ key, name: key, type, words: key, ...(role && { role }) });

  it('resolves a short name, a role alias and nothing ambiguous', () => {
    const graph = new EntityGraph();
    graph.set('m1', 'c1', [link('melanie', 'person')]);
    graph.set('m2', 'c1', [link('lucia', 'person', 'sister')], 'Caroline');
    graph.set('m3', 'c1', [link('mark', 'person'), link('marta', 'person'), link('mar', 'person')]);
    graph.set('m4', 'c1', [link('mel', 'person'), link('car')]);
    expect(graph.resolve('c1', 'mel')).toBe('melanie');
    // A word that is no one's name is not taken for the start of one.
    expect(graph.resolve('c1', 'melan')).toBeUndefined();
    expect(graph.resolve('c1', 'car')).toBe('car');
    expect(graph.resolve('c1', "caroline's sister")).toBe('lucia');
    expect(graph.resolve('c1', 'mar')).toBe('mar');
    expect(graph.resolve('c2', 'mel')).toBeUndefined();
    expect(graph.aliasesOf('c1', 'lucia')).toEqual(["caroline's sister"]);
    graph.set('m5', 'c1', [link('ines', 'person', 'sister')], 'José');
    expect(queryKeys("Where does José's sister live?").map((k) => graph.resolve('c1', k)).filter(Boolean)).toEqual(['ines']);
    expect(graph.aliasesOf('c1', 'melanie')).toEqual(['mel']);
    expect(queryKeys("What do Melanie's kids like?")).toEqual(expect.arrayContaining(['melanie', 'kid', 'kids', "melanie's kid"]));
  });

  it('walks from query entities and from the best hits, rarer entities counting more, common ones not at all', () => {
    const graph = new EntityGraph();
    // 40 memories name "day-trip"; "pottery" is in two; "kiln" links m2 to m3.
    for (let i = 0; i < 40; i++) graph.set(`x${i}`, 'c1', [link('trip')]);
    graph.set('m1', 'c1', [link('pottery'), link('trip')]);
    graph.set('m2', 'c1', [link('pottery'), link('kiln')]);
    graph.set('m3', 'c1', [link('kiln')]);
    const walk = (queryKeys: string[], seeds: { id: string; weight: number }[]) =>
      graph.walk({ cubeIds: ['c1'], queryKeys, seeds, allow: () => true, hopWeight: 0.5, limit: 10 });
    expect(walk(['pottery'], []).map((h) => h.id).sort()).toEqual(['m1', 'm2']);
    // The same entity named twice in a query counts once.
    expect(walk(['pottery', 'pottery'], [])[0]!.score).toBe(walk(['pottery'], [])[0]!.score);
    // "trip" names 41 of 43 memories: too common to connect.
    expect(walk(['trip'], [])).toEqual([]);
    const hop = walk([], [{ id: 'm2', weight: 1 }]);
    expect(hop.map((h) => h.id).sort()).toEqual(['m1', 'm3']);
    expect(hop.find((h) => h.id === 'm3')?.via).toEqual(['kiln']);
    graph.remove(['m2']);
    expect(graph.entity('c1', 'kiln')?.memoryIds).toEqual(['m3']);
    graph.remove(['m3']);
    expect(graph.entity('c1', 'kiln')).toBeUndefined();
  });
});

async function linksIn(name: string): Promise<{ memoryId: string; memoryVersion: number; at: number; links: { key: string }[] }[]> {
  const db = await openDB(name);
  const all = await db.getAll('entityLinks');
  db.close();
  return all;
}

describe('MemOS keeps the graph', () => {
  it('stores links after a write, reloads them without reading again, follows edits and purges', async () => {
    const { os, name, clock } = await openTestOs({ scheduler: false });
    opened.push(os);
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'Ana' });
    const [a, b] = await os.add({
      userId: 'ana',
      cubeId: 'c1',
      memories: [{ text: 'Melanie signed up for a pottery class at the Riverside Arts Center.' }, { text: 'The pottery class meets on Thursday evenings.' }],
    });
    expect(await os.graphStatus({ wait: true })).toEqual({ linked: 2, pending: 0, lastError: null });
    const stored = await linksIn(name);
    expect(stored.map((r) => r.memoryId).sort()).toEqual([a!.id, b!.id].sort());
    expect(stored.find((r) => r.memoryId === a!.id)?.links.map((l) => l.key)).toEqual(expect.arrayContaining(['melanie', 'pottery class']));
    const readAt = stored.map((r) => r.at);

    const entities = await os.entities({ userId: 'ana', cubeId: 'c1' });
    expect(entities.find((e) => e.key === 'pottery class')).toMatchObject({ type: 'thing', memoryCount: 2, memoryIds: [b!.id, a!.id].sort() });
    expect(entities.find((e) => e.key === 'riverside arts center')).toMatchObject({ memoryCount: 1 });
    expect(await os.entities({ userId: 'ana', cubeId: 'c1', types: ['person'] })).toEqual([expect.objectContaining({ name: 'Melanie', memoryIds: [a!.id] })]);
    const related = await os.related({ userId: 'ana', memoryId: b!.id });
    expect(related.related).toEqual([expect.objectContaining({ memoryId: a!.id, via: expect.arrayContaining(['pottery class']) })]);

    // A reopened store loads the links: nothing is read again (the records are as they were).
    clock.now += 60_000;
    os.close();
    opened = [];
    const again = (await openTestOs({ name, scheduler: false, clock: () => clock.now })).os;
    opened.push(again);
    expect(await again.graphStatus({ wait: true })).toEqual({ linked: 2, pending: 0, lastError: null });
    expect((await linksIn(name)).map((r) => r.at)).toEqual(readAt);

    // An edit is read again, as its new version; a purge takes the links with it.
    await again.update({ userId: 'ana', memoryId: b!.id, patch: { text: 'The glazing workshop meets on Thursday evenings.' } });
    await again.graphStatus({ wait: true });
    const edited = (await linksIn(name)).find((r) => r.memoryId === b!.id);
    expect(edited?.memoryVersion).toBe(2);
    expect(edited?.links.map((l) => l.key)).toContain('workshop');
    expect(edited?.links.map((l) => l.key)).not.toContain('pottery class');
    await again.purge({ userId: 'ana', memoryId: a!.id });
    expect((await linksIn(name)).map((r) => r.memoryId)).toEqual([b!.id]);
    expect(await again.entities({ userId: 'ana', cubeId: 'c1', query: 'melanie' })).toEqual([]);
  });

  it('writes no links onto a full disk: they wait for the next write that finds room', async () => {
    const { os } = await openTestOs({ scheduler: false });
    opened.push(os);
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'Ana' });
    // (fake-indexeddb stands in for a browser that refuses data: every put and add is over quota.)
    const put = FakeObjectStore.prototype.put;
    const add = FakeObjectStore.prototype.add;
    const refuse = () => {
      throw new DOMException('no room', 'QuotaExceededError');
    };
    const [first] = await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'Lucia moved to Lisbon.' } });
    vi.spyOn(FakeObjectStore.prototype, 'put').mockImplementation(refuse);
    vi.spyOn(FakeObjectStore.prototype, 'add').mockImplementation(refuse);
    expect((await errorOf(() => os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'Lucia found a flat.' } }))).code).toBe('QUOTA_EXCEEDED');
    // The first memory's links were never tried: the keeper held off once the add was refused.
    expect(await os.graphStatus({ wait: true })).toMatchObject({ linked: 0, pending: 1, lastError: null });
    vi.mocked(FakeObjectStore.prototype.put).mockImplementation(put);
    vi.mocked(FakeObjectStore.prototype.add).mockImplementation(add);
    await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'Lucia bought a bicycle.' } });
    expect(await os.graphStatus({ wait: true })).toMatchObject({ linked: 2, pending: 0, lastError: null });
    expect((await os.related({ userId: 'ana', memoryId: first!.id })).related).toHaveLength(1);
  });

  it('lets recall follow an entity to a memory that shares no word with the query, and says so', async () => {
    const { os } = await openTestOs({ scheduler: false });
    opened.push(os);
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'Ana' });
    await os.add({
      userId: 'ana',
      cubeId: 'c1',
      memories: [
        { text: 'My sister Lucia moved to Lisbon last spring.' },
        { text: 'Lucia found a flat near the river.' },
        { text: 'The weather was grey all week.' },
      ],
    });
    await os.graphStatus({ wait: true });
    const hits = await os.search({ userId: 'ana', query: 'How is Lucia settling in?', cubeIds: ['c1'] });
    const flat = hits.find((h) => h.memory.text.startsWith('Lucia found'));
    expect(flat?.parts.linkedVia).toContain('Lucia');
    expect(flat?.parts.contributions.graph).toBeGreaterThan(0);
    expect(hits.find((h) => h.memory.text.startsWith('The weather'))?.parts.graphRank ?? null).toBeNull();
  });

  it('keeps plain memories in a cube of another language, hides private memories of a shared cube, and refuses bad input', async () => {
    const { os } = await openTestOs({ scheduler: false });
    opened.push(os);
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createUser({ userId: 'ben', name: 'Ben' });
    await os.createCube({ userId: 'ana', cubeId: 'de', name: 'Русский', policy: { redaction: 'keep', language: 'russian' } });
    await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'Shared' });
    await os.shareCube({ userId: 'ana', cubeId: 'c1', targetUserId: 'ben', access: 'read' });
    await os.add({ userId: 'ana', cubeId: 'de', memories: [{ text: 'Мелани живёт в Берлине. Melanie Berlin.' }] });
    await os.add({ userId: 'ana', cubeId: 'c1', memories: [{ text: 'Melanie adopted a puppy.', visibility: 'private' }, { text: 'The puppy is called Oscar.' }] });
    expect(await os.graphStatus({ wait: true })).toMatchObject({ linked: 3, pending: 0 });
    expect(await os.entities({ userId: 'ana', cubeId: 'de' })).toEqual([]);
    const forBen = await os.entities({ userId: 'ben', cubeId: 'c1' });
    expect(forBen.find((e) => e.key === 'puppy')?.memoryCount).toBe(1);
    expect(forBen.find((e) => e.key === 'melanie')).toBeUndefined();
    expect((await errorOf(() => os.entities({ userId: 'ana', cubeId: 'c1', types: ['planet' as never] }))).code).toBe('INVALID_INPUT');
    expect((await errorOf(() => os.related({ userId: 'ana', memoryId: 'mem_missing' }))).code).toBe('MEMORY_NOT_FOUND');
    expect((await errorOf(() => os.entities({ userId: 'eve', cubeId: 'c1' }))).code).toBe('USER_NOT_FOUND');
  });
});

describe('entities in French, German and Spanish', () => {
  it('are read by the tagger of the cube’s language, and read again when the language changes', async () => {
    const { os } = await openTestOs({ scheduler: false });
    opened.push(os);
    await os.createUser({ userId: 'ana', name: 'Ana' });
    const texts = {
      french: 'Ma sœur Lucie a déménagé à Lyon en mars. Elle fait de la poterie avec Marc.',
      german: 'Meine Schwester Lucia ist im März nach Berlin gezogen. Sie macht Töpferei mit Markus.',
      spanish: 'Mi hermana Lucía se mudó a Madrid en marzo. Hace cerámica con Marcos.',
    };
    for (const [language, text] of Object.entries(texts)) {
      await os.createCube({ userId: 'ana', cubeId: language, name: language, policy: { redaction: 'keep', language: language as 'french' } });
      await os.add({ userId: 'ana', cubeId: language, memory: { text } });
    }
    await os.graphStatus({ wait: true });
    const typed = async (cubeId: string) => new Map((await os.entities({ userId: 'ana', cubeId })).map((e) => [e.key, e.type]));
    const fr = await typed('french');
    expect([fr.get('lucie'), fr.get('lyon'), fr.get('marc'), fr.get('poterie')]).toEqual(['person', 'place', 'person', 'thing']);
    const de = await typed('german');
    expect([de.get('lucia'), de.get('berlin'), de.get('topferei')]).toEqual(['person', 'place', 'thing']);
    const es = await typed('spanish');
    expect([es.get('madrid'), es.get('marcos')]).toEqual(['place', 'person']);
    // Recall follows them as in English.
    const [hit] = await os.search({ userId: 'ana', cubeIds: ['french'], query: 'Que fait Lucie ?', topK: 1 });
    expect(hit?.parts.linkedVia).toContain('Lucie');
    // The cube said to be in a language no tagger reads: its memories are read again and name nothing.
    await os.setCubePolicy({ userId: 'ana', cubeId: 'french', policy: { redaction: 'keep', language: 'russian' } });
    await expect.poll(async () => (await os.entities({ userId: 'ana', cubeId: 'french' })).length).toBe(0);
    // Back to French: read again by the French tagger.
    await os.setCubePolicy({ userId: 'ana', cubeId: 'french', policy: { redaction: 'keep', language: 'french' } });
    await expect.poll(async () => (await typed('french')).get('lyon')).toBe('place');
  });
});

describe('the graph in a cube file', () => {
  it('travels with the cube: an import takes the links without reading again, an older file reads them, a bad section is refused', async () => {
    const { os } = await openTestOs({ scheduler: false });
    opened.push(os);
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'Ana' });
    await os.add({ userId: 'ana', cubeId: 'c1', memories: [{ text: 'My brother Tomas plays cello in the Porto orchestra.' }, { text: 'Tomas bought a new cello bow.' }] });
    // The export waits for the graph: it carries every memory's links.
    const file = await os.exportCube({ userId: 'ana', cubeId: 'c1' });
    const body = JSON.parse(file) as { entityLinks: { memoryId: string; at: number; links: { key: string }[] }[] } & Record<string, unknown>;
    expect(body.entityLinks).toHaveLength(2);
    expect(body.entityLinks.flatMap((l) => l.links.map((x) => x.key))).toEqual(expect.arrayContaining(['tomas', 'cello', 'porto', 'orchestra']));

    freshIndexedDb();
    const other = await openTestOs({ scheduler: false });
    opened.push(other.os);
    await other.os.createUser({ userId: 'ana', name: 'Ana' });
    other.clock.now += 3_600_000;
    const copy = await other.os.importCube({ userId: 'ana', file, mode: 'copy' });
    await other.os.graphStatus({ wait: true });
    const taken = await linksIn(other.name);
    // Taken as they were (read an hour earlier), under the copy's new memory ids.
    expect(taken.map((r) => r.at)).toEqual(body.entityLinks.map((l) => l.at));
    expect((await other.os.entities({ userId: 'ana', cubeId: copy.cubeId, query: 'tomas' }))[0]).toMatchObject({ name: 'Tomas', memoryCount: 2, aliases: [] });
    // Export → import → export gives the same file (keep-id, a third store).
    freshIndexedDb();
    const third = (await openTestOs({ scheduler: false })).os;
    opened.push(third);
    await third.createUser({ userId: 'ana', name: 'Ana' });
    await third.importCube({ userId: 'ana', file });
    expect(await third.exportCube({ userId: 'ana', cubeId: 'c1' })).toBe(file);

    // A file from before the graph (no section) imports, and its memories are read.
    const { entityLinks: _, checksum: __, ...older } = body;
    const olderFile = canonicalJson({ ...older, checksum: `sha256:${await sha256Hex(canonicalJson(older))}` });
    freshIndexedDb();
    const fourth = (await openTestOs({ scheduler: false })).os;
    opened.push(fourth);
    await fourth.createUser({ userId: 'ana', name: 'Ana' });
    await fourth.importCube({ userId: 'ana', file: olderFile });
    expect(await fourth.graphStatus({ wait: true })).toMatchObject({ linked: 2, pending: 0 });

    // Links that name a memory the file lacks are refused, and nothing is stored.
    const bad = { ...older, entityLinks: [{ ...body.entityLinks[0]!, memoryId: 'mem_elsewhere' }] };
    const badFile = canonicalJson({ ...bad, checksum: `sha256:${await sha256Hex(canonicalJson(bad))}` });
    await fourth.deleteCube({ userId: 'ana', cubeId: 'c1' });
    const error = await errorOf(() => fourth.importCube({ userId: 'ana', file: badFile }));
    expect(error.code).toBe('IMPORT_MALFORMED');
    expect(await fourth.listCubes({ userId: 'ana' })).toEqual([]);
  });
});

describe('the topic tree', () => {
  it('separates groups that share nothing, the same way every time, and splits a large topic into subtopics', () => {
    const items: { id: string; keys: string[] }[] = [];
    const groups = { a: ['kiln', 'clay', 'glaze', 'wheel', 'vase', 'shelf', 'mug', 'colour'], b: ['trail', 'summit', 'pack', 'map', 'ridge', 'boot', 'cairn', 'bottle'], c: ['pasta', 'recipe', 'sauce', 'oven', 'tomato', 'basil', 'pan', 'pot'] };
    for (const [g, keys] of Object.entries(groups)) keys.forEach((k, i) => items.push({ id: `${g}${i}`, keys: [k, `${g}-place`, `${g}-thing`, 'owner'] }));
    const built = buildTopicTree(items, (k) => k.toUpperCase());
    expect(built.tree.map((t) => [...t.memoryIds].sort().join(',')).sort()).toEqual(Object.entries(groups).map(([g, keys]) => keys.map((_, i) => `${g}${i}`).sort().join(',')));
    // "owner" is in every memory: it names no topic.
    expect(built.tree.every((t) => /^[ABC]-(PLACE|THING) · [ABC]-(PLACE|THING)$/.test(t.label))).toBe(true);
    expect(buildTopicTree(items, (k) => k).tree.map((t) => t.memoryIds)).toEqual(built.tree.map((t) => t.memoryIds));
    // A topic of 36 memories in two halves: the tree holds each half as a subtopic of it.
    const big = Array.from({ length: 36 }, (_, i) => ({ id: `m${i}`, keys: ['garden', 'allotment', i < 18 ? 'tomato bed' : 'rose bush', i < 18 ? 'seedling' : 'pruning'] }));
    const garden = buildTopicTree(big, (k) => k, { maxTopics: 1 }).tree;
    expect(garden).toHaveLength(1);
    expect(garden[0]!.children.map((c) => [...c.memoryIds].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))).join(','))).toEqual(
      expect.arrayContaining([big.slice(0, 18).map((m) => m.id).join(','), big.slice(18).map((m) => m.id).join(',')]),
    );
  });

  it('groups a cube by what its memories are about, labels each topic by its entities, and puts a new memory in its topic', async () => {
    const { os } = await openTestOs({ scheduler: false });
    opened.push(os);
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'Ana' });
    const themes = {
      pottery: ['the kiln', 'the clay', 'a glaze', 'the wheel', 'a vase', 'the kiln shelf', 'a clay mug', 'the glaze colour'],
      hiking: ['the trail', 'the summit', 'a backpack', 'the trail map', 'the ridge', 'hiking boots', 'the summit cairn', 'a water bottle'],
      cooking: ['the pasta', 'a recipe', 'the sauce', 'the oven', 'a pasta recipe', 'the tomato sauce', 'the basil', 'a pan'],
    };
    const places = { pottery: 'pottery studio', hiking: 'mountain hut', cooking: 'cookery school' };
    const memories = Object.entries(themes).flatMap(([theme, things]) =>
      things.map((thing, i) => ({ text: `Ana talked about ${thing} at the ${places[theme as keyof typeof places]} ${i % 2 ? 'on Monday' : 'last weekend'}.`, tags: [theme] })),
    );
    const added = await os.add({ userId: 'ana', cubeId: 'c1', memories });
    await os.graphStatus({ wait: true });
    const topics = await os.topics({ userId: 'ana', cubeId: 'c1' });
    expect(topics.length).toBeGreaterThanOrEqual(2);
    expect(topics.reduce((n, t) => n + t.memoryCount, 0)).toBe(24);
    const themeOf = new Map(added.map((m) => [m.id, m.tags[0]]));
    // Each topic is mostly one theme, and its label names that theme's things.
    for (const topic of topics) {
      const counts = new Map<string, number>();
      for (const id of topic.memoryIds) counts.set(themeOf.get(id)!, (counts.get(themeOf.get(id)!) ?? 0) + 1);
      const [main, n] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
      expect(n / topic.memoryIds.length).toBeGreaterThanOrEqual(0.75);
      expect(`${themes[main as keyof typeof themes].join(' ')} ${places[main as keyof typeof places]}`).toContain(topic.entities[0]!);
    }
    const [mug] = await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'Ana fired a clay vase in the kiln at the pottery studio.' } });
    await os.graphStatus({ wait: true });
    const after = await os.topics({ userId: 'ana', cubeId: 'c1' });
    const home = after.find((t) => t.memoryIds.includes(mug!.id));
    expect(home?.memoryIds.filter((id) => themeOf.get(id) === 'pottery').length).toBeGreaterThan(home!.memoryIds.length / 2);
    expect((await errorOf(() => os.topics({ userId: 'ana', cubeId: 'nope' }))).code).toBe('CUBE_NOT_FOUND');
  });
});

describe('the topic tree of a shared cube', () => {
  it('shows a reader only topics, labels and entities of memories they may read', async () => {
    // A real index and graph; the tree is given as a built one would be (a topic mixing shared and
    // private memories, labelled by an entity only the private ones name), which k-means gives only
    // on some data.
    const index = new MemoryIndex();
    const graph = new EntityGraph();
    const memory = (id: string, text: string, visibility: 'shared' | 'private') => ({
      id, cubeId: 'c1', ownerId: 'ana', text, key: null, semanticType: 'fact' as const, memoryType: 'long-term' as const, tags: [], visibility,
      expiresAt: null, priority: 5, sensitivity: [], state: 'generated' as const, createdAt: 1, updatedAt: 1, source: 'user' as const,
      sourceRefs: [], usage: { accessCount: 0, lastAccessAt: null, hits: [] }, version: 1, stateBefore: null,
    });
    index.upsert([memory('m1', 'The IVF transfer is on Monday at the hospital.', 'private'), memory('m2', 'The hospital car park is full.', 'shared')]);
    graph.set('m1', 'c1', [{ key: 'ivf transfer', name: 'IVF transfer', type: 'thing', words: 'IVF transfer' }, { key: 'hospital', name: 'hospital', type: 'place', words: 'hospital' }]);
    graph.set('m2', 'c1', [{ key: 'hospital', name: 'hospital', type: 'place', words: 'hospital' }, { key: 'car park', name: 'car park', type: 'thing', words: 'car park' }]);
    const tree = [{ topicId: 't1', label: 'IVF transfer · hospital', keys: ['ivf transfer', 'hospital', 'car park'], memoryIds: ['m1', 'm2'], children: [], centroid: new Float32Array(0) }];
    const cube = { cubeId: 'c1', ownerId: 'ana', name: 'Shared', schemaVersion: 1, createdAt: 1, embedder: null, shares: { ben: 'read' as const }, sharedWith: ['ben'] };
    const queries = new GraphQueries({
      graph,
      index,
      clock: () => 1,
      topicTree: () => tree,
      topicTitle: () => undefined,
      readableCubes: async () => [cube],
      readable: async () => ({ id: 'm1', cubeId: 'c1' }),
      storedLinks: async () => [],
    });
    const [forAna] = await queries.topics({ userId: 'ana', cubeId: 'c1' });
    expect(forAna).toMatchObject({ label: 'IVF transfer · hospital', memoryIds: ['m1', 'm2'] });
    const [forBen] = await queries.topics({ userId: 'ben', cubeId: 'c1' });
    expect(forBen).toMatchObject({ label: 'hospital · car park', entities: ['hospital', 'car park'], memoryIds: ['m2'], memoryCount: 1 });
  });
});

describe('the topic tree at idle time', () => {
  it('is built again once the graph has read every memory, when it was first built before', async () => {
    const { os } = await openTestOs();
    opened.push(os);
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'Ana' });
    await os.add({ userId: 'ana', cubeId: 'c1', memories: ['kiln', 'clay', 'glaze', 'wheel', 'vase', 'mug'].map((thing) => ({ text: `Ana fired the ${thing} at the pottery studio.` })) });
    // Asked at once: the graph waits for writes to pause, so the tree has no entities yet.
    const early = await os.topics({ userId: 'ana', cubeId: 'c1' });
    expect(early.flatMap((t) => t.entities)).not.toContain('pottery studio');
    await expect.poll(async () => (await os.listJobs({ states: ['queued'] })).map((j) => j.kind)).toContain('topics');
    await os.graphStatus({ wait: true });
    await os.setIdle({ idle: true });
    await expect.poll(async () => (await os.listJobs({ states: ['done'] })).find((j) => j.kind === 'topics')?.summary, { timeout: 5_000 }).toMatch(/over 6 memories/);
    expect((await os.topics({ userId: 'ana', cubeId: 'c1' })).flatMap((t) => t.entities)).toContain('pottery studio');
  });

  it('is rebuilt by a scheduler job once a fifth of the cube changed, and then holds the new topic', async () => {
    const { os } = await openTestOs();
    opened.push(os);
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'Ana' });
    const theme = (place: string, things: readonly string[]) => things.map((thing) => ({ text: `Ana talked about the ${thing} at the ${place}.` }));
    await os.add({ userId: 'ana', cubeId: 'c1', memories: theme('pottery studio', ['kiln', 'clay', 'glaze', 'wheel', 'vase', 'mug', 'bowl', 'apron', 'sponge', 'slip']) });
    await os.add({ userId: 'ana', cubeId: 'c1', memories: theme('mountain hut', ['trail', 'summit', 'ridge', 'boots', 'map', 'cairn', 'stove', 'tent', 'rope', 'compass']) });
    await os.graphStatus({ wait: true });
    const before = await os.topics({ userId: 'ana', cubeId: 'c1' });
    expect(before.flatMap((t) => t.entities)).not.toContain('cookery school');
    // Searches that count uses write the memories' usage, not their text: no rebuild for those.
    expect(await os.search({ userId: 'ana', query: 'Ana talked about', topK: 20, trackUsage: true })).toHaveLength(20);
    // (An export writes the counted uses first.)
    await os.exportCube({ userId: 'ana', cubeId: 'c1' });
    expect((await os.listJobs({})).filter((j) => j.kind === 'topics')).toEqual([]);
    // 20 new memories: a rebuild is queued for idle time (a new memory joins its nearest topic meanwhile).
    const cooking = await os.add({ userId: 'ana', cubeId: 'c1', memories: theme('cookery school', ['pasta', 'recipe', 'sauce', 'oven', 'basil', 'pan', 'knife', 'dough', 'broth', 'whisk', 'garlic', 'onion', 'butter', 'flour', 'salt', 'lemon', 'pepper', 'thyme', 'rice', 'ladle']) });
    await os.graphStatus({ wait: true });
    await os.setIdle({ idle: true });
    await expect.poll(async () => (await os.listJobs({ states: ['done'] })).find((j) => j.kind === 'topics')?.summary, { timeout: 5_000 }).toMatch(/topics over 40 memories/);
    const after = await os.topics({ userId: 'ana', cubeId: 'c1' });
    const school = after.find((t) => t.entities.includes('cookery school'));
    const cookingIds = new Set(cooking.map((m) => m.id));
    expect(school?.memoryIds.every((id) => cookingIds.has(id))).toBe(true);
    // (Nearly all: a line whose only word is also another topic's may go there.)
    expect(school?.memoryCount).toBeGreaterThanOrEqual(18);
  });
});

