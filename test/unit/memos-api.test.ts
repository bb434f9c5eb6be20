import { beforeEach, describe, expect, it } from 'vitest';
import { MemosError } from '../../src/core/errors';
import type { MemOS } from '../../src/os/memos';
import { errorOf, openTestOs } from './helpers';

let os: MemOS;
let clock: { now: number };

beforeEach(async () => {
  ({ os, clock } = await openTestOs());
  await os.createUser({ userId: 'ana', name: 'Ana' });
  await os.createUser({ userId: 'ben', name: 'Ben' });
  await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'Ana notes' });
});

describe('users and cubes', () => {
  it('creates users and refuses a taken id', async () => {
    expect((await os.listUsers()).map((u) => u.userId).sort()).toEqual(['ana', 'ben']);
    expect((await errorOf(() => os.createUser({ userId: 'ana', name: 'again' }))).code).toBe('USER_EXISTS');
  });

  it('registers a new cube for its owner and lists it with owner access', async () => {
    const views = await os.listCubes({ userId: 'ana' });
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({ access: 'owner', registered: true, cube: { cubeId: 'c1', ownerId: 'ana', schemaVersion: 1, embedder: null } });
  });

  it('refuses a cube for a user who does not exist, and a taken cube id', async () => {
    expect((await errorOf(() => os.createCube({ userId: 'nobody', name: 'x' }))).code).toBe('USER_NOT_FOUND');
    expect((await errorOf(() => os.createCube({ userId: 'ana', name: 'x', cubeId: 'c1' }))).code).toBe('CUBE_EXISTS');
  });

  it('unregisters and re-registers a cube without touching its data', async () => {
    await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'tea with lemon' } });
    await os.unregisterCube({ userId: 'ana', cubeId: 'c1' });
    expect((await os.getUser('ana')).registeredCubeIds).toEqual([]);
    // With nothing registered, search falls back to every readable cube.
    expect(await os.search({ userId: 'ana', query: 'tea' })).toHaveLength(1);
    await os.registerCube({ userId: 'ana', cubeId: 'c1' });
    expect((await os.getUser('ana')).registeredCubeIds).toEqual(['c1']);
  });
});

describe('access control', () => {
  it('keeps a user out of a cube that was not shared with them', async () => {
    const { id } = (await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'my bank PIN hint' } }))[0]!;
    for (const call of [
      () => os.search({ userId: 'ben', query: 'bank', cubeIds: ['c1'] }),
      () => os.get({ userId: 'ben', memoryId: id }),
      () => os.add({ userId: 'ben', cubeId: 'c1', memory: { text: 'x' } }),
      () => os.exportCube({ userId: 'ben', cubeId: 'c1' }),
      () => os.history({ userId: 'ben', memoryId: id }),
      () => os.registerCube({ userId: 'ben', cubeId: 'c1' }),
      () => os.auditLog({ userId: 'ben', cubeId: 'c1' }),
    ]) {
      expect((await errorOf(call)).code).toBe('FORBIDDEN');
    }
    // A search over "all my cubes" simply does not include it.
    expect(await os.search({ userId: 'ben', query: 'bank' })).toEqual([]);
  });

  it('lets a read share read but not write, and a write share write', async () => {
    const [m] = await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'the cat is called Miso' } });
    await os.shareCube({ userId: 'ana', cubeId: 'c1', targetUserId: 'ben', access: 'read' });
    expect((await os.search({ userId: 'ben', query: 'cat', cubeIds: ['c1'] })).map((h) => h.memory.id)).toEqual([m!.id]);
    const denied = await errorOf(() => os.update({ userId: 'ben', memoryId: m!.id, patch: { text: 'dog' } }));
    expect(denied.code).toBe('FORBIDDEN');
    expect((await errorOf(() => os.delete({ userId: 'ben', memoryId: m!.id }))).code).toBe('FORBIDDEN');
    expect((await errorOf(() => os.purge({ userId: 'ben', memoryId: m!.id }))).code).toBe('FORBIDDEN');

    await os.shareCube({ userId: 'ana', cubeId: 'c1', targetUserId: 'ben', access: 'write' });
    const updated = await os.update({ userId: 'ben', memoryId: m!.id, patch: { text: 'the cat is called Miso, age 3' } });
    expect(updated.version).toBe(2);
    expect((await os.listCubes({ userId: 'ben' }))[0]).toMatchObject({ access: 'write', registered: false });
  });

  it('lets only the owner share, and takes access back on unshare', async () => {
    await os.shareCube({ userId: 'ana', cubeId: 'c1', targetUserId: 'ben', access: 'write' });
    expect((await errorOf(() => os.shareCube({ userId: 'ben', cubeId: 'c1', targetUserId: 'ben', access: 'write' }))).code).toBe('FORBIDDEN');
    await os.registerCube({ userId: 'ben', cubeId: 'c1' });
    await os.unshareCube({ userId: 'ana', cubeId: 'c1', targetUserId: 'ben' });
    expect((await errorOf(() => os.add({ userId: 'ben', cubeId: 'c1', memory: { text: 'x' } }))).code).toBe('FORBIDDEN');
    expect((await os.getUser('ben')).registeredCubeIds).toEqual([]);
  });

  it('hides private memories of a shared cube from everyone but their author and the owner', async () => {
    await os.shareCube({ userId: 'ana', cubeId: 'c1', targetUserId: 'ben', access: 'write' });
    const [secret] = await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'surprise party for Ben', visibility: 'private' } });
    const [own] = await os.add({ userId: 'ben', cubeId: 'c1', memory: { text: 'party playlist ideas', visibility: 'private' } });
    expect((await os.search({ userId: 'ben', query: 'party', cubeIds: ['c1'] })).map((h) => h.memory.id)).toEqual([own!.id]);
    expect((await errorOf(() => os.get({ userId: 'ben', memoryId: secret!.id }))).code).toBe('MEMORY_NOT_FOUND');
    expect((await os.search({ userId: 'ana', query: 'party', cubeIds: ['c1'] })).map((h) => h.memory.id).sort()).toEqual([own!.id, secret!.id].sort());
    const page = await os.getAll({ userId: 'ben', cubeId: 'c1' });
    expect(page.items.map((m) => m.id)).toEqual([own!.id]);
  });
});

describe('adding memories', () => {
  it('turns a conversation into windows of turns with provenance, in one audited write', async () => {
    const items = await os.add({
      userId: 'ana',
      cubeId: 'c1',
      sessionId: 'session-1',
      messages: [
        { role: 'user', content: 'I am allergic to peanuts.', id: 'm1', timestamp: '2026-01-01T10:00:00Z' },
        { role: 'assistant', content: 'Noted, no peanuts.', id: 'm2' },
        { role: 'user', content: 'And I run every Sunday.', id: 'm3' },
      ],
    });
    expect(items).toHaveLength(3);
    expect(items[2]).toMatchObject({ text: 'user: I am allergic to peanuts.', semanticType: 'preference', memoryType: 'user', source: 'extracted' });
    expect(items[0]).toMatchObject({
      cubeId: 'c1',
      ownerId: 'ana',
      source: 'conversation',
      state: 'generated',
      version: 1,
      memoryType: 'long-term',
      text: 'user: I am allergic to peanuts.\nassistant: Noted, no peanuts.',
    });
    expect(items[0]!.sourceRefs[0]).toEqual({ sessionId: 'session-1', messageId: 'm1', speaker: 'user', spokenAt: Date.parse('2026-01-01T10:00:00Z') });
    const audit = await os.auditLog({ userId: 'ana', cubeId: 'c1', actions: ['memory.add'] });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ userId: 'ana', memoryIds: items.map((m) => m.id), details: { count: 3, sessionId: 'session-1' } });
  });

  it('stores a memory with its whole header', async () => {
    const [m] = await os.add({
      userId: 'ana',
      cubeId: 'c1',
      memory: { text: 'Prefers window seats', key: 'seat', semanticType: 'preference', memoryType: 'user', tags: ['travel', 'travel', ' '], ttlMs: 1000, priority: 8, sensitivity: ['travel-plans'] },
    });
    expect(m).toMatchObject({
      key: 'seat',
      semanticType: 'preference',
      memoryType: 'user',
      tags: ['travel'],
      expiresAt: clock.now + 1000,
      priority: 8,
      sensitivity: ['travel-plans'],
      visibility: 'shared',
      usage: { accessCount: 0, lastAccessAt: null, hits: [] },
    });
    expect(await os.get({ userId: 'ana', memoryId: m!.id })).toEqual(m);
  });

  it('refuses bad input with INVALID_INPUT and stores nothing of the batch', async () => {
    const bad = await errorOf(() => os.add({ userId: 'ana', cubeId: 'c1', memories: [{ text: 'fine' }, { text: 'also fine', priority: 99 }] }));
    expect(bad).toBeInstanceOf(MemosError);
    expect(bad).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'memories[1].priority' } });
    expect((await errorOf(() => os.add({ userId: 'ana', cubeId: 'c1', memory: { text: '   ' } }))).code).toBe('INVALID_INPUT');
    expect((await errorOf(() => os.add({ userId: 'ana', cubeId: 'c1' } as never))).code).toBe('INVALID_INPUT');
    expect((await errorOf(() => os.add({ userId: 'ana', cubeId: 'nope', memory: { text: 'x' } }))).code).toBe('CUBE_NOT_FOUND');
    expect((await os.getAll({ userId: 'ana', cubeId: 'c1' })).total).toBe(0);
  });

  it('keeps nothing of a batch whose signal aborts before commit', async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await errorOf(() => os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'x' } }, { signal: controller.signal }))).code).toBe('ABORTED');
    expect((await os.getAll({ userId: 'ana', cubeId: 'c1' })).total).toBe(0);
  });
});

describe('a cube-scoped search among cubes of very different sizes', () => {
  it('finds the small cube’s memory that only a common word matches, however often a rarer word is in the big cube', async () => {
    await os.createCube({ userId: 'ana', cubeId: 'big', name: 'big' });
    await os.createCube({ userId: 'ana', cubeId: 'small', name: 'small' });
    // 311 memories: "apple" in 151 (common: over a quarter), "zebra" in 60 (rare, all in the big cube).
    await os.add({ userId: 'ana', cubeId: 'small', memory: { text: 'apple pie for the party' } });
    await os.add({
      userId: 'ana',
      cubeId: 'big',
      memories: [
        ...Array.from({ length: 150 }, (_, i) => ({ text: `apple orchard row ${i}` })),
        ...Array.from({ length: 60 }, (_, i) => ({ text: `zebra crossing number ${i}` })),
        ...Array.from({ length: 100 }, (_, i) => ({ text: `quiet street number ${i}` })),
      ],
    });
    for (const query of ['apple', 'zebra apple', 'apple zebra crossing']) {
      const hits = await os.search({ userId: 'ana', query, cubeIds: ['small'], mode: 'text', trackUsage: false });
      expect(hits.map((h) => h.memory.text), query).toEqual(['apple pie for the party']);
    }
  });
});

describe('search', () => {
  beforeEach(async () => {
    await os.createCube({ userId: 'ana', cubeId: 'c2', name: 'work' });
    clock.now = Date.UTC(2026, 0, 2);
    await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'Ana is vegetarian and loves spicy food', semanticType: 'preference', tags: ['food'] } });
    await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'Ana adopted a cat named Miso', semanticType: 'event', tags: ['pets'] } });
    await os.add({ userId: 'ana', cubeId: 'c2', memory: { text: 'The quarterly report is due Friday, food budget attached', semanticType: 'task', memoryType: 'working', tags: ['work', 'food'] } });
  });

  it('ranks by BM25 and says why each hit was recalled', async () => {
    const hits = await os.search({ userId: 'ana', query: 'spicy vegetarian food' });
    expect(hits[0]!.memory.text).toContain('vegetarian');
    expect([...hits[0]!.matchedTerms].sort()).toEqual(['food', 'spicy', 'vegetarian']);
    expect(hits[0]!.parts.bm25).toBeGreaterThan(0);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it('applies cube, type, tag, state and time filters', async () => {
    const q = (extra: object) => os.search({ userId: 'ana', query: 'food', ...extra }).then((h) => h.map((x) => x.memory.text));
    expect(await q({ cubeIds: ['c2'] })).toEqual(['The quarterly report is due Friday, food budget attached']);
    expect(await q({ filters: { semanticTypes: ['preference'] } })).toHaveLength(1);
    expect(await q({ filters: { memoryTypes: ['working'] } })).toHaveLength(1);
    expect(await q({ filters: { tagsAll: ['work', 'food'] } })).toHaveLength(1);
    expect(await q({ filters: { tagsAny: ['pets', 'work'] } })).toHaveLength(1);
    expect(await q({ filters: { from: Date.UTC(2026, 0, 3) } })).toEqual([]);
    expect(await q({ filters: { to: Date.UTC(2026, 0, 2) } })).toHaveLength(2);
    expect(await q({ filters: { states: ['archived'] } })).toEqual([]);
  });

  it('counts hits in the usage header only when asked to (a hit is not a use), and an opening by get', async () => {
    await os.search({ userId: 'ana', query: 'cat' });
    await os.search({ userId: 'ana', query: 'cat', trackUsage: true });
    clock.now += 1000;
    const [hit] = await os.search({ userId: 'ana', query: 'cat', trackUsage: true });
    expect(hit!.memory.usage.accessCount).toBe(2);
    expect(hit!.memory.usage.lastAccessAt).toBe(clock.now);
    expect(hit!.memory.usage.hits).toHaveLength(2);
    await os.search({ userId: 'ana', query: 'cat', trackUsage: false });
    expect((await os.get({ userId: 'ana', memoryId: hit!.memory.id })).usage.accessCount).toBe(2);
    const opened = await os.get({ userId: 'ana', memoryId: hit!.memory.id, trackUsage: true });
    expect(opened.usage).toMatchObject({ accessCount: 3, hits: [{ by: 'search' }, { by: 'search' }, { by: 'get' }] });
    expect((await os.search({ userId: 'ana', query: 'cat' }))[0]!.memory.usage.accessCount).toBe(3);
  });

  it('keeps the hit history bounded', async () => {
    for (let i = 0; i < 40; i++) await os.search({ userId: 'ana', query: 'Miso', trackUsage: true });
    const [hit] = await os.search({ userId: 'ana', query: 'Miso', trackUsage: false });
    expect(hit!.memory.usage.accessCount).toBe(40);
    expect(hit!.memory.usage.hits).toHaveLength(32);
  });

  it('leaves out memories past their expiry time, and archived ones', async () => {
    const [short] = await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'parking spot 42 today', ttlMs: 60_000 } });
    expect(await os.search({ userId: 'ana', query: 'parking' })).toHaveLength(1);
    clock.now += 60_001;
    expect(await os.search({ userId: 'ana', query: 'parking' })).toEqual([]);
    const [cat] = await os.search({ userId: 'ana', query: 'Miso' });
    await os.delete({ userId: 'ana', memoryId: cat!.memory.id });
    expect(await os.search({ userId: 'ana', query: 'Miso' })).toEqual([]);
    expect(await os.search({ userId: 'ana', query: 'Miso', filters: { states: ['archived'] } })).toHaveLength(1);
    expect(short!.expiresAt).toBeLessThan(clock.now);
  });

  it('lists newest first for an empty query', async () => {
    clock.now = Date.UTC(2026, 0, 5);
    await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'latest thing' } });
    const hits = await os.search({ userId: 'ana', query: '', cubeIds: ['c1'] });
    expect(hits.map((h) => h.memory.text)[0]).toBe('latest thing');
    expect(hits).toHaveLength(3);
  });

  it('finds what a named speaker said rather than lines addressed to them', async () => {
    await os.add({
      userId: 'ana',
      cubeId: 'c1',
      reader: { windowSize: 1 },
      messages: [
        { role: 'user', speaker: 'Ben', content: 'Caroline, Caroline! How is the research going?' },
        { role: 'user', speaker: 'Caroline', content: 'I am researching adoption agencies. It has been a long dream.' },
      ],
    });
    const [hit] = await os.search({ userId: 'ana', query: 'What is Caroline researching?', cubeIds: ['c1'] });
    expect(hit!.memory.text).toBe('Caroline: I am researching adoption agencies. It has been a long dream.');
    expect(hit!.parts.speaker).toBeGreaterThan(0);
  });

  it('brings up the reply to a turn that matches, in session order, and not one deleted since', async () => {
    const at = Date.UTC(2025, 4, 1);
    const said = (speaker: string, content: string, i: number) => ({ role: 'user' as const, speaker, content, timestamp: at + i * 60_000 });
    // Added out of order: the index keeps each session's turns in the order they were said.
    await os.add({ userId: 'ana', cubeId: 'c1', sessionId: 'garden', reader: { windowSize: 1 }, messages: [said('Bo', 'Mostly tomatoes, and some basil by the fence.', 1), said('Ana', 'The weather was lovely all week.', 2)] });
    await os.add({ userId: 'ana', cubeId: 'c1', sessionId: 'garden', reader: { windowSize: 1 }, messages: [said('Ana', 'What did you plant in the allotment this spring?', 0)] });
    const hits = await os.search({ userId: 'ana', query: 'what was planted in the allotment', cubeIds: ['c1'], trackUsage: false });
    const reply = hits.find((h) => h.memory.text.includes('tomatoes'));
    expect(hits[0]!.memory.text).toContain('allotment');
    expect(reply?.parts.neighbour).toBeGreaterThan(0);
    expect(reply?.parts.bm25Rank).toBeNull();
    // The weather line is two turns away from the match: nothing is passed on to it.
    expect(hits.find((h) => h.memory.text.includes('weather'))).toBeUndefined();
    await os.delete({ userId: 'ana', memoryId: reply!.memory.id });
    const after = await os.search({ userId: 'ana', query: 'what was planted in the allotment', cubeIds: ['c1'], trackUsage: false });
    expect(after.map((h) => h.memory.text).join('\n')).not.toContain('tomatoes');
  });

  it('lifts memories said within a time the query names, or keeps only those when asked', async () => {
    // "Now" is 2026-01-02 (set above); the dinner talk happened a week earlier, the hike in the summer.
    await os.add({
      userId: 'ana',
      cubeId: 'c1',
      reader: { windowSize: 1 },
      messages: [
        { role: 'user', content: 'We had a lovely dinner by the lake.', timestamp: '2025-07-10T18:00:00Z' },
        { role: 'user', content: 'Dinner with the team went well.', timestamp: '2025-12-27T19:00:00Z' },
      ],
    });
    const [lastWeek] = await os.search({ userId: 'ana', query: 'dinner last week', cubeIds: ['c1'] });
    expect(lastWeek!.memory.text).toContain('team');
    expect(lastWeek!.parts.time).toBeGreaterThan(0);
    const [july] = await os.search({ userId: 'ana', query: 'dinner in July 2025', cubeIds: ['c1'] });
    expect(july!.memory.text).toContain('lake');
    const only = await os.search({ userId: 'ana', query: 'dinner in July 2025', cubeIds: ['c1'], timeInQuery: 'filter' });
    expect(only.map((h) => h.memory.text)).toEqual(['user: We had a lovely dinner by the lake.']);
    const ignored = await os.search({ userId: 'ana', query: 'dinner last week', cubeIds: ['c1'], timeInQuery: 'ignore' });
    expect(ignored.every((h) => h.parts.time === 0)).toBe(true);
  });

  it('refuses an out-of-range topK and an unknown state filter', async () => {
    expect((await errorOf(() => os.search({ userId: 'ana', query: 'x', topK: 0 }))).code).toBe('INVALID_INPUT');
    expect((await errorOf(() => os.search({ userId: 'ana', query: 'x', filters: { states: ['gone' as never] } }))).code).toBe('INVALID_INPUT');
  });
});

describe('paging', () => {
  it('pages through a cube oldest first', async () => {
    for (let i = 0; i < 25; i++) {
      clock.now += 1;
      await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: `note ${i}` } });
    }
    const first = await os.getAll({ userId: 'ana', cubeId: 'c1', limit: 10 });
    expect(first.items.map((m) => m.text)).toEqual(Array.from({ length: 10 }, (_, i) => `note ${i}`));
    expect(first).toMatchObject({ total: 25, nextOffset: 10 });
    const last = await os.getAll({ userId: 'ana', cubeId: 'c1', offset: 20, limit: 10 });
    expect(last.items).toHaveLength(5);
    expect(last.nextOffset).toBeNull();
  });
});
