// Named regressions for the access and input rules (issue 16): ids named after Object.prototype members,
// and the identifier and size rules of src/core/limits.ts on calls and on imported files.
import { beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/core/limits';
import { canonicalJson, sha256Hex } from '../../src/core/canonical-json';
import type { MemOS } from '../../src/os/memos';
import { errorOf, openTestOs } from './helpers';

/** Every own name of Object.prototype, and the usual suspects beside them. */
const PROTOTYPE_NAMES = [...Object.getOwnPropertyNames(Object.prototype), 'prototype'];

/** A cube file with the checksum recomputed, so the checksum is not what refuses a change. */
async function resealed(body: Record<string, unknown>): Promise<string> {
  const { checksum: _old, ...rest } = body;
  return canonicalJson({ ...rest, checksum: `sha256:${await sha256Hex(canonicalJson(rest))}` });
}

let os: MemOS;
let name: string;
let memoryId: string;

beforeEach(async () => {
  ({ os, name } = await openTestOs({ scheduler: false }));
  await os.createUser({ userId: 'ana', name: 'Ana' });
  await os.createCube({ userId: 'ana', cubeId: 'ana-cube', name: 'Ana' });
  const [added] = await os.add({ userId: 'ana', cubeId: 'ana-cube', memory: { text: 'Ana keeps her passport in the blue drawer' } });
  memoryId = added!.id;
});

describe('a user named after an Object.prototype member', () => {
  it.each(PROTOTYPE_NAMES)('"%s" gets no access to a cube that was not shared with them', async (userId) => {
    await os.createUser({ userId, name: 'Mallory' });
    expect((await errorOf(() => os.get({ userId, memoryId }))).code).toBe('FORBIDDEN');
    expect((await errorOf(() => os.getAll({ userId, cubeId: 'ana-cube' }))).code).toBe('FORBIDDEN');
    expect((await errorOf(() => os.search({ userId, query: 'passport', cubeIds: ['ana-cube'] }))).code).toBe('FORBIDDEN');
    expect(await os.search({ userId, query: 'passport' })).toEqual([]);
    expect((await errorOf(() => os.exportCube({ userId, cubeId: 'ana-cube' }))).code).toBe('FORBIDDEN');
    expect((await errorOf(() => os.add({ userId, cubeId: 'ana-cube', memory: { text: 'planted' } }))).code).toBe('FORBIDDEN');
    expect((await errorOf(() => os.auditLog({ userId, cubeId: 'ana-cube' }))).code).toBe('FORBIDDEN');
    expect(await os.listCubes({ userId })).toEqual([]);
  });

  it('"__proto__" can be given a share, keeps it across a reopen, and loses it when unshared', async () => {
    await os.createUser({ userId: '__proto__', name: 'Proto' });
    await os.shareCube({ userId: 'ana', cubeId: 'ana-cube', targetUserId: '__proto__', access: 'read' });
    os.close();
    os = await MemOSFor(name);
    expect((await os.get({ userId: '__proto__', memoryId })).id).toBe(memoryId);
    expect((await os.listCubes({ userId: '__proto__' }))[0]).toMatchObject({ access: 'read' });
    expect((await errorOf(() => os.add({ userId: '__proto__', cubeId: 'ana-cube', memory: { text: 'x' } }))).code).toBe('FORBIDDEN');
    await os.unshareCube({ userId: 'ana', cubeId: 'ana-cube', targetUserId: '__proto__' });
    expect((await errorOf(() => os.get({ userId: '__proto__', memoryId }))).code).toBe('FORBIDDEN');
    // Another user named after the prototype never gained anything from the share.
    await os.createUser({ userId: 'constructor', name: 'C' });
    expect((await errorOf(() => os.get({ userId: 'constructor', memoryId }))).code).toBe('FORBIDDEN');
  });

  it('a cube named "constructor" is a cube like any other', async () => {
    await os.createCube({ userId: 'ana', cubeId: 'constructor', name: 'constructor' });
    await os.add({ userId: 'ana', cubeId: 'constructor', memory: { text: 'a memory in a cube with an awkward id' } });
    expect((await os.getAll({ userId: 'ana', cubeId: 'constructor' })).total).toBe(1);
    expect((await errorOf(() => os.getAll({ userId: 'ana', cubeId: 'toString' }))).code).toBe('CUBE_NOT_FOUND');
  });
});

async function MemOSFor(name: string): Promise<MemOS> {
  return (await openTestOs({ name, scheduler: false })).os;
}

describe('identifier and size rules on calls', () => {
  it.each([
    ['an empty id', ''],
    ['a blank id', '   '],
    ['an id with a space', 'ana b'],
    ['an id with a tab', 'ana\tb'],
    ['an id with a control character', 'ana\u0000'],
    ['an id with a slash', 'ana/b'],
    ['an id with a lone surrogate', 'ana\ud800'],
    ['an id one character too long', 'a'.repeat(LIMITS.idLength + 1)],
    ['an id that is not a string', 42],
  ])('refuses %s as a user id, naming the field', async (_what, userId) => {
    const error = await errorOf(() => os.createUser({ userId: userId as string, name: 'X' }));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'userId' } });
    expect((await os.listUsers()).map((u) => u.userId)).toEqual(['ana']);
  });

  it('takes ids in any script, and the longest id allowed', async () => {
    for (const userId of ['Zürich', 'Дмитрий', '李小龙', 'ana.b-c_d:e@f+g', 'a'.repeat(LIMITS.idLength)]) {
      expect((await os.createUser({ userId, name: userId })).userId).toBe(userId);
    }
  });

  it.each([
    ['a name of 201 characters', { name: 'n'.repeat(LIMITS.nameLength + 1) }, 'name'],
    ['a blank name', { name: ' \n ' }, 'name'],
    ['a name with a control character', { name: 'bell\u0007' }, 'name'],
  ])('refuses a cube with %s', async (_what, params, field) => {
    const error = await errorOf(() => os.createCube({ userId: 'ana', ...params }));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', details: { field } });
    expect(await os.listCubes({ userId: 'ana' })).toHaveLength(1);
  });

  it.each([
    ['33 tags', { tags: Array.from({ length: LIMITS.tagCount + 1 }, (_, i) => `t${i}`) }, 'memory.tags'],
    ['a tag of 65 characters', { tags: ['t'.repeat(LIMITS.tagLength + 1)] }, 'memory.tags[0]'],
    ['a tag with a line break', { tags: ['a\nb'] }, 'memory.tags[0]'],
    ['a key of 201 characters', { key: 'k'.repeat(LIMITS.keyLength + 1) }, 'memory.key'],
    ['text of 100,001 characters', { text: 'x'.repeat(LIMITS.textLength + 1) }, 'memory.text'],
    ['a source reference with a field of its own', { sourceRefs: [{ sessionId: 's', evil: 1 }] }, 'memory.sourceRefs[0].evil'],
    ['a source reference whose speaker is a megabyte', { sourceRefs: [{ speaker: 's'.repeat(1 << 20) }] }, 'memory.sourceRefs[0].speaker'],
  ])('refuses a memory with %s and stores nothing', async (_what, fields, field) => {
    const error = await errorOf(() => os.add({ userId: 'ana', cubeId: 'ana-cube', memory: { text: 'fine text', ...fields } as never }));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', details: { field } });
    expect((await os.getAll({ userId: 'ana', cubeId: 'ana-cube' })).total).toBe(1);
  });

  it('refuses a session id or message id with control characters, and a reason over the limit', async () => {
    expect(await errorOf(() => os.add({ userId: 'ana', cubeId: 'ana-cube', sessionId: 'a\u001bb', messages: [{ role: 'user', content: 'hi' }] }))).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'sessionId' } });
    expect(await errorOf(() => os.add({ userId: 'ana', cubeId: 'ana-cube', messages: [{ role: 'user', content: 'hi', id: '\u0000' }] }))).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'messages[0].id' } });
    expect(await errorOf(() => os.update({ userId: 'ana', memoryId, patch: { text: 'new' }, reason: 'r'.repeat(LIMITS.reasonLength + 1) }))).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'reason' } });
    expect((await os.get({ userId: 'ana', memoryId })).version).toBe(1);
  });
});

describe('identifier and size rules on imported files', () => {
  async function exported(): Promise<Record<string, unknown> & { manifest: Record<string, unknown>; memories: Record<string, unknown>[] }> {
    return JSON.parse(await os.exportCube({ userId: 'ana', cubeId: 'ana-cube' }));
  }

  async function refusal(file: string): Promise<{ code?: string; details?: unknown }> {
    const before = await os.listCubes({ userId: 'ana' });
    const error = await errorOf(() => os.importCube({ userId: 'ana', file, mode: 'copy' }));
    expect(await os.listCubes({ userId: 'ana' })).toEqual(before);
    return error;
  }

  it('refuses a manifest name of a megabyte even when the checksum was recomputed over it', async () => {
    const body = await exported();
    body.manifest.name = 'n'.repeat(1 << 20);
    expect(await refusal(await resealed(body))).toMatchObject({ code: 'IMPORT_MALFORMED', details: { field: 'manifest.name' } });
  });

  it.each([
    ['an owner id with a space', (b: Awaited<ReturnType<typeof exported>>) => void (b.memories[0]!['ownerId'] = 'ana b'), 'memories[0].ownerId'],
    ['a tag with a control character', (b: Awaited<ReturnType<typeof exported>>) => void (b.memories[0]!['tags'] = ['\u0000']), 'memories[0].tags[0]'],
    ['text over the limit', (b: Awaited<ReturnType<typeof exported>>) => void (b.memories[0]!['text'] = 'x'.repeat(LIMITS.textLength + 1)), 'memories[0].text'],
  ])('refuses a file with %s, naming the field', async (_what, mutate, field) => {
    const body = await exported();
    mutate(body);
    expect(await refusal(await resealed(body))).toMatchObject({ code: 'IMPORT_MALFORMED', details: { field } });
  });

  it('refuses a file over the size limit before reading it', async () => {
    // Blanks are valid JSON around a value: only the size can refuse this file.
    const file = ' '.repeat(LIMITS.importChars) + (await os.exportCube({ userId: 'ana', cubeId: 'ana-cube' }));
    expect(await refusal(file)).toMatchObject({ code: 'IMPORT_TOO_LARGE' });
  });

  it('refuses a keep-id import whose memory ids are already stored in another cube', async () => {
    const body = await exported();
    body.manifest.cubeId = 'elsewhere';
    for (const m of body.memories) m['cubeId'] = 'elsewhere';
    for (const v of body['versions'] as Record<string, unknown>[]) v['cubeId'] = 'elsewhere';
    const before = await os.listCubes({ userId: 'ana' });
    const file = await resealed(body);
    const error = await errorOf(() => os.importCube({ userId: 'ana', file, mode: 'keep-id' }));
    expect(error).toMatchObject({ code: 'CUBE_EXISTS', details: { id: memoryId } });
    expect(await os.listCubes({ userId: 'ana' })).toEqual(before);
  });
});

describe('a refusal says which cube, by name', () => {
  it('names the cube and what the user may do with it', async () => {
    const { os } = await openTestOs();
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createUser({ userId: 'bo', name: 'Bo' });
    await os.createCube({ userId: 'ana', cubeId: 'trips', name: 'Trips 2027' });
    await os.shareCube({ userId: 'ana', cubeId: 'trips', targetUserId: 'bo', access: 'read' });
    const write = await errorOf(() => os.add({ userId: 'bo', cubeId: 'trips', memory: { text: 'x' } }));
    expect(write.code).toBe('FORBIDDEN');
    expect(write.message).toContain('bo may not change cube "Trips 2027" (trips); it is shared with them to read.');
    await os.createUser({ userId: 'cy', name: 'Cy' });
    expect((await errorOf(() => os.getAll({ userId: 'cy', cubeId: 'trips' }))).message).toContain('cy may not read cube "Trips 2027" (trips); it is not shared with them.');
    os.close();
  });
});

describe('recording an agent call', () => {
  it('audits tool and memory ids with read access, and refuses bad labels and strangers', async () => {
    const { os } = await openTestOs();
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createUser({ userId: 'eve', name: 'Eve' });
    await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'notes' });
    await os.recordAgentCall({ userId: 'ana', cubeId: 'c1', agent: 'webmcp', tool: 'search_memories', memoryIds: ['m1'] });
    const [entry] = await os.auditLog({ userId: 'ana', cubeId: 'c1', actions: ['agent.call'] });
    expect(entry).toMatchObject({ action: 'agent.call', memoryIds: ['m1'], details: { agent: 'webmcp', tool: 'search_memories', memories: 1 } });
    for (const agent of ['', '   ', 'x'.repeat(LIMITS.agentLabelLength + 1), 'a\u0007b']) {
      expect((await errorOf(() => os.recordAgentCall({ userId: 'ana', cubeId: 'c1', agent, tool: 't' }))).code, JSON.stringify(agent)).toBe('INVALID_INPUT');
    }
    expect((await errorOf(() => os.recordAgentCall({ userId: 'eve', cubeId: 'c1', agent: 'webmcp', tool: 't' }))).code).toBe('FORBIDDEN');
    os.close();
  });
});
