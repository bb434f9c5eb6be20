// Typed relations (subject, predicate, object, valid from/to) as memories state them: written,
// versioned and rolled back like any content field, redacted like the text, checked in calls and in
// cube files; read back "as true now", "as true then" and whole; their ends become entities of the
// graph; and two relations of one subject and predicate with different objects are judged by a chat
// model in consolidation, the older one ending when the newer began.
import { afterEach, describe, expect, it } from 'vitest';
import type { MemOS } from '../../src/os/memos';
import { canonicalJson, sha256Hex } from '../../src/core/canonical-json';
import { contradictionJudge, errorOf, openTestOs } from './helpers';

let opened: MemOS[] = [];
afterEach(() => {
  for (const os of opened) os.close();
  opened = [];
});

async function setup() {
  const { os, clock } = await openTestOs();
  opened.push(os);
  await os.createUser({ userId: 'ana', name: 'Ana' });
  await os.createCube({ userId: 'ana', cubeId: 'c', name: 'C' });
  return { os, clock };
}

const madrid = { text: 'Ana lives in Madrid', relation: { subject: 'Ana', predicate: 'lives in', object: 'Madrid' }, validFrom: Date.UTC(2023, 0, 1), semanticType: 'fact' as const };
const lisbon = { text: 'Ana lives in Lisbon now', relation: { subject: 'Ana', predicate: 'lives in', object: 'Lisbon' }, validFrom: Date.UTC(2025, 5, 1), semanticType: 'fact' as const };

describe('a memory’s relation', () => {
  it('is stored, versioned, removed with null and brought back by a rollback', async () => {
    const { os } = await setup();
    const [memory] = await os.add({ userId: 'ana', cubeId: 'c', memory: madrid });
    expect(memory!.relation).toEqual({ subject: 'Ana', predicate: 'lives in', object: 'Madrid' });
    const moved = await os.update({ userId: 'ana', memoryId: memory!.id, patch: { relation: { subject: 'Ana', predicate: 'lives in', object: 'Seville' } } });
    expect(moved.relation?.object).toBe('Seville');
    expect(moved.text).toBe('Ana lives in Madrid');
    const gone = await os.update({ userId: 'ana', memoryId: memory!.id, patch: { relation: null } });
    expect(gone.relation).toBeUndefined();
    expect((await os.get({ userId: 'ana', memoryId: memory!.id })).relation).toBeUndefined();
    const history = await os.history({ userId: 'ana', memoryId: memory!.id });
    expect(history.map((v) => v.changes.map((c) => [c.field, c.from, c.to]))).toEqual([
      [],
      [['relation', madrid.relation, { subject: 'Ana', predicate: 'lives in', object: 'Seville' }]],
      [['relation', { subject: 'Ana', predicate: 'lives in', object: 'Seville' }, null]],
    ]);
    const back = await os.rollback({ userId: 'ana', memoryId: memory!.id, version: 1 });
    expect(back.relation).toEqual(madrid.relation);
    // An edit that leaves the relation out keeps it.
    expect((await os.update({ userId: 'ana', memoryId: memory!.id, patch: { tags: ['home'] } })).relation).toEqual(madrid.relation);
  });

  it('refuses a malformed relation or an end before the start, and writes nothing', async () => {
    const { os } = await setup();
    const bad = [
      { relation: { subject: 'Ana', predicate: 'lives in' } },
      { relation: { subject: 'Ana', predicate: ' ', object: 'Madrid' } },
      { relation: { subject: 'Ana', predicate: 'lives in', object: 'Madrid', since: 2020 } },
      { relation: 'Ana lives in Madrid' },
      { relation: { subject: 'x'.repeat(201), predicate: 'is', object: 'y' } },
    ];
    for (const extra of bad) {
      const error = await errorOf(() => os.add({ userId: 'ana', cubeId: 'c', memory: { text: 'Ana lives in Madrid', ...(extra as object) } }));
      expect(error.code).toBe('INVALID_INPUT');
      expect((error.details as { field: string }).field).toMatch(/^memory\.relation/);
    }
    const ended = await errorOf(() => os.add({ userId: 'ana', cubeId: 'c', memory: { text: 'x', validFrom: 2000, validTo: 1000 } }));
    expect((ended.details as { field: string }).field).toBe('memory.validTo');
    expect((await os.getAll({ userId: 'ana', cubeId: 'c' })).total).toBe(0);
  });

  it('is redacted by the cube’s rules like the text it comes from', async () => {
    const { os } = await setup();
    await os.setCubePolicy({ userId: 'ana', cubeId: 'c', policy: { redaction: 'redact' } });
    const [memory] = await os.add({ userId: 'ana', cubeId: 'c', memory: { text: 'Ana writes to ana.lopez@example.com', relation: { subject: 'Ana', predicate: 'has email', object: 'ana.lopez@example.com' } } });
    expect(memory!.text).not.toContain('@example.com');
    expect(memory!.relation?.object).not.toContain('@example.com');
    expect(memory!.relation?.subject).toBe('Ana');
    expect(memory!.sensitivity).toContain('email');
  });

  it('travels in a cube file, and a file with a malformed relation imports nothing', async () => {
    const { os } = await setup();
    const [memory] = await os.add({ userId: 'ana', cubeId: 'c', memory: madrid });
    await os.update({ userId: 'ana', memoryId: memory!.id, patch: { relation: lisbon.relation } });
    const file = await os.exportCube({ userId: 'ana', cubeId: 'c' });
    const { os: target } = await openTestOs();
    opened.push(target);
    await target.createUser({ userId: 'ana', name: 'Ana' });
    const cube = await target.importCube({ userId: 'ana', file });
    const [copy] = (await target.getAll({ userId: 'ana', cubeId: cube.cubeId })).items;
    expect(copy!.relation).toEqual(lisbon.relation);
    expect((await target.history({ userId: 'ana', memoryId: copy!.id }))[1]!.changes[0]).toMatchObject({ field: 'relation', to: lisbon.relation });
    // Re-sealed with a valid checksum, so only the field rule can refuse it.
    const parsed = JSON.parse(file) as { memories: { relation?: unknown }[]; checksum: string; [k: string]: unknown };
    parsed.memories[0]!.relation = { subject: 'Ana', predicate: '\u0007', object: 'Lisbon' };
    const { checksum: _old, ...body } = parsed;
    const resealed = JSON.stringify({ ...body, checksum: await sha256Hex(canonicalJson(body)) });
    const { os: third } = await openTestOs();
    opened.push(third);
    await third.createUser({ userId: 'ana', name: 'Ana' });
    const error = await errorOf(() => third.importCube({ userId: 'ana', file: resealed }));
    expect(error.code).toBe('IMPORT_MALFORMED');
    expect((await third.listCubes({ userId: 'ana' })).length).toBe(0);
  });
});

describe('relations through the API', () => {
  /** Two statements contradict when one says Madrid and the other Lisbon. */
  const judge = contradictionJudge('judge-test', (text) => /Madrid/.test(text) && /Lisbon/.test(text));

  it('answers what is true now, what was true then and the whole history, after consolidation ends the older', async () => {
    const { os, clock } = await setup();
    clock.now = Date.UTC(2026, 0, 1);
    const [old] = await os.add({ userId: 'ana', cubeId: 'c', memory: madrid });
    const [now] = await os.add({ userId: 'ana', cubeId: 'c', memory: lisbon });
    await os.add({ userId: 'ana', cubeId: 'c', memory: { text: 'Ana likes pottery', relation: { subject: 'Ana', predicate: 'likes', object: 'pottery' } } });
    await os.add({ userId: 'ana', cubeId: 'c', memory: { text: 'Ana will work at Acme from next year', relation: { subject: 'Ana', predicate: 'works at', object: 'Acme' }, validFrom: Date.UTC(2027, 0, 1) } });
    // Before a model judges them, both places are "true now".
    expect((await os.relations({ userId: 'ana', cubeId: 'c', entity: 'ana' })).map((r) => r.object).sort()).toEqual(['Lisbon', 'Madrid', 'pottery']);
    os.setLanguageModel(judge);
    expect((await os.consolidate({ userId: 'ana', cubeId: 'c' })).superseded).toBe(1);
    expect(await os.get({ userId: 'ana', memoryId: old!.id })).toMatchObject({ state: 'archived', supersededBy: now!.id, validTo: lisbon.validFrom });
    const current = await os.relations({ userId: 'ana', cubeId: 'c', entity: 'Ana' });
    // Latest first: "likes pottery" holds from when it was written (the test clock's 2026).
    expect(current.map((r) => r.object)).toEqual(['pottery', 'Lisbon']);
    expect(current[1]).toMatchObject({ memoryId: now!.id, subjectKey: 'ana', objectKey: 'lisbon', validFrom: lisbon.validFrom, validTo: null, current: true, supersededBy: null });
    const then = await os.relations({ userId: 'ana', cubeId: 'c', asOf: Date.UTC(2024, 0, 1) });
    expect(then.map((r) => r.object)).toEqual(['Madrid']);
    const later = await os.relations({ userId: 'ana', cubeId: 'c', asOf: Date.UTC(2027, 5, 1) });
    expect(later.map((r) => r.object).sort()).toEqual(['Acme', 'Lisbon', 'pottery']);
    const all = await os.relations({ userId: 'ana', cubeId: 'c', includeEnded: true, entity: 'MADRID' });
    expect(all).toEqual([expect.objectContaining({ memoryId: old!.id, current: false, validTo: lisbon.validFrom, supersededBy: now!.id })]);
    expect((await errorOf(() => os.relations({ userId: 'ana', cubeId: 'c', entity: '' }))).code).toBe('INVALID_INPUT');
  });

  it('shows another user only the relations of the memories they may read', async () => {
    const { os } = await setup();
    await os.createUser({ userId: 'ben', name: 'Ben' });
    await os.shareCube({ userId: 'ana', cubeId: 'c', targetUserId: 'ben', access: 'read' });
    await os.add({ userId: 'ana', cubeId: 'c', memories: [madrid, { ...lisbon, visibility: 'private' }] });
    expect((await os.relations({ userId: 'ben', cubeId: 'c' })).map((r) => r.object)).toEqual(['Madrid']);
    expect((await os.relations({ userId: 'ana', cubeId: 'c' })).map((r) => r.object)).toEqual(['Lisbon', 'Madrid']);
  });

  it('links both ends as entities of the graph, typed where the tagger knows the name', async () => {
    const { os } = await setup();
    const [memory] = await os.add({ userId: 'ana', cubeId: 'c', memory: { text: 'We met there in spring', relation: { subject: 'Ana', predicate: 'met', object: 'Boston' } } });
    await os.graphStatus({ wait: true });
    const { entities } = await os.related({ userId: 'ana', memoryId: memory!.id });
    expect(entities.find((e) => e.key === 'boston')).toMatchObject({ name: 'Boston', type: 'place' });
    expect(entities.find((e) => e.key === 'ana')).toBeDefined();
    // A new relation is read again even though the text did not change.
    await os.update({ userId: 'ana', memoryId: memory!.id, patch: { relation: { subject: 'Ana', predicate: 'met', object: 'Lucia' } } });
    await os.graphStatus({ wait: true });
    const keys = (await os.related({ userId: 'ana', memoryId: memory!.id })).entities.map((e) => e.key);
    expect(keys).toContain('lucia');
    expect(keys).not.toContain('boston');
  });
});
