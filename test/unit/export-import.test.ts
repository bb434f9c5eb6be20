import { beforeEach, describe, expect, it } from 'vitest';
import type { MemOS } from '../../src/os/memos';
import { errorOf, freshIndexedDb, openTestOs } from './helpers';

let os: MemOS;
let clock: { now: number };

beforeEach(async () => {
  ({ os, clock } = await openTestOs());
  await os.createUser({ userId: 'ana', name: 'Ana' });
  await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'Ana notes' });
  const [m] = await os.add({
    userId: 'ana',
    cubeId: 'c1',
    sessionId: 's1',
    messages: [
      { role: 'user', content: 'My sister Eva lives in Oslo. 🇳🇴 "quotes" \\ and <tags>', id: 'D1:1', speaker: 'Ana', timestamp: 1_700_000_000_000 },
      { role: 'assistant', content: 'Nice!', id: 'D1:2' },
    ],
  });
  clock.now += 10;
  await os.update({ userId: 'ana', memoryId: m!.id, patch: { tags: ['family'] }, reason: 'tagging' });
  await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'Allergic to cats', semanticType: 'fact', sensitivity: ['health'], ttlMs: 10_000 } });
  await os.search({ userId: 'ana', query: 'Eva', trackUsage: true });
});

describe('export and import', () => {
  it('round-trips byte for byte through a fresh store, history and usage included', async () => {
    const file = await os.exportCube({ userId: 'ana', cubeId: 'c1' });
    const parsed = JSON.parse(file);
    expect(parsed).toMatchObject({ format: 'memos-web.cube', formatVersion: 1, manifest: { cubeId: 'c1', name: 'Ana notes' } });
    expect(parsed.memories).toHaveLength(2);
    expect(parsed.versions).toHaveLength(3);
    expect(parsed.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);

    freshIndexedDb();
    const other = (await openTestOs()).os;
    await other.createUser({ userId: 'ana', name: 'Ana' });
    const cube = await other.importCube({ userId: 'ana', file });
    expect(cube.cubeId).toBe('c1');
    expect(await other.exportCube({ userId: 'ana', cubeId: 'c1' })).toBe(file);
    const [hit] = await other.search({ userId: 'ana', query: 'Oslo', trackUsage: false });
    expect(hit!.memory.usage.accessCount).toBe(1);
    expect(await other.history({ userId: 'ana', memoryId: hit!.memory.id })).toHaveLength(2);
    expect((await other.auditLog({ userId: 'ana', cubeId: 'c1', actions: ['cube.import'] }))[0]).toMatchObject({ action: 'cube.import', details: { memories: 2, mode: 'keep-id' } });
  });

  it('gives the same bytes for the same cube at different times', async () => {
    const a = await os.exportCube({ userId: 'ana', cubeId: 'c1' });
    clock.now += 99_999;
    expect(await os.exportCube({ userId: 'ana', cubeId: 'c1' })).toBe(a);
  });

  it('refuses an id that is taken, and imports a copy with new ids when asked', async () => {
    const file = await os.exportCube({ userId: 'ana', cubeId: 'c1' });
    expect((await errorOf(() => os.importCube({ userId: 'ana', file }))).code).toBe('CUBE_EXISTS');
    const copy = await os.importCube({ userId: 'ana', file, mode: 'copy' });
    expect(copy.cubeId).not.toBe('c1');
    // A copy is named as one; a copy of a copy is not "(copy) (copy)".
    expect(copy.name).toBe('Ana notes (copy)');
    const again = await os.importCube({ userId: 'ana', file: await os.exportCube({ userId: 'ana', cubeId: copy.cubeId }), mode: 'copy' });
    expect(again.name).toBe('Ana notes (copy)');
    const page = await os.getAll({ userId: 'ana', cubeId: copy.cubeId });
    expect(page.total).toBe(2);
    const original = await os.getAll({ userId: 'ana', cubeId: 'c1' });
    expect(page.items.map((m) => m.id)).not.toContain(original.items[0]!.id);
    expect(await os.history({ userId: 'ana', memoryId: page.items[0]!.id })).toHaveLength(2);
  });

  it.each([
    ['a changed letter in a memory', (f: string) => f.replace('Oslo', 'Oslu'), 'IMPORT_TAMPERED'],
    ['a changed usage count', (f: string) => f.replace('"accessCount": 1', '"accessCount": 7'), 'IMPORT_TAMPERED'],
    ['a changed checksum', (f: string) => f.replace(/"sha256:[0-9a-f]/, '"sha256:z'), 'IMPORT_MALFORMED'],
    ['a cut-off file', (f: string) => f.slice(0, f.length / 2), 'IMPORT_MALFORMED'],
    ['an empty file', () => '', 'IMPORT_MALFORMED'],
    ['JSON of another kind', () => '{"hello": "world"}', 'IMPORT_MALFORMED'],
    ['a future format version', (f: string) => f.replace('"formatVersion": 1', '"formatVersion": 2'), 'IMPORT_UNSUPPORTED'],
    ['an unknown field', (f: string) => f.replace('"format": ', '"extra": 1, "format": '), 'IMPORT_MALFORMED'],
    ['a wrong type', (f: string) => f.replace(/"priority": 5/, '"priority": "high"'), 'IMPORT_MALFORMED'],
  ])('refuses %s and writes nothing', async (_what, mutate, code) => {
    const file = await os.exportCube({ userId: 'ana', cubeId: 'c1' });
    freshIndexedDb();
    const other = (await openTestOs()).os;
    await other.createUser({ userId: 'ana', name: 'Ana' });
    const mutated = mutate(file);
    expect(mutated).not.toBe(file);
    const error = await errorOf(() => other.importCube({ userId: 'ana', file: mutated }));
    expect(error.code).toBe(code);
    expect(await other.listCubes({ userId: 'ana' })).toEqual([]);
    expect(await other.search({ userId: 'ana', query: 'Oslo cats' })).toEqual([]);
  });

  it('refuses a file whose checksum was recomputed over an inconsistent history', async () => {
    const { canonicalJson, sha256Hex } = await import('../../src/core/canonical-json');
    const body = JSON.parse(await os.exportCube({ userId: 'ana', cubeId: 'c1' }));
    delete body.checksum;
    body.versions = body.versions.slice(1);
    const file = canonicalJson({ ...body, checksum: `sha256:${await sha256Hex(canonicalJson(body))}` });
    freshIndexedDb();
    const other = (await openTestOs()).os;
    await other.createUser({ userId: 'ana', name: 'Ana' });
    const error = await errorOf(() => other.importCube({ userId: 'ana', file }));
    expect(error.code).toBe('IMPORT_MALFORMED');
    expect(error.message).toContain('does not have versions');
  });

  it('carries the cube policy (redaction and language) in the file', async () => {
    await os.setCubePolicy({ userId: 'ana', cubeId: 'c1', policy: { redaction: 'tag', language: 'german' } });
    const file = await os.exportCube({ userId: 'ana', cubeId: 'c1' });
    expect(JSON.parse(file).manifest.policy).toEqual({ redaction: 'tag', language: 'german' });
    const copy = await os.importCube({ userId: 'ana', file, mode: 'copy' });
    expect(copy.policy).toEqual({ redaction: 'tag', language: 'german' });
    const views = await os.listCubes({ userId: 'ana' });
    expect(views.find((v) => v.cube.cubeId === copy.cubeId)?.cube.policy).toEqual({ redaction: 'tag', language: 'german' });
  });

  it('audits each export', async () => {
    await os.exportCube({ userId: 'ana', cubeId: 'c1' });
    expect((await os.auditLog({ userId: 'ana', cubeId: 'c1', actions: ['cube.export'] }))[0]).toMatchObject({ details: { memories: 2 } });
  });
});
