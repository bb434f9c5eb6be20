import { describe, expect, it } from 'vitest';
import { jaccard } from '../../src/memory/consolidation';
import { contradictionJudge, errorOf, openTestOs } from './helpers';

const setup = async () => {
  const opened = await openTestOs();
  await opened.os.createUser({ userId: 'ana', name: 'Ana' });
  await opened.os.createUser({ userId: 'bo', name: 'Bo' });
  await opened.os.createCube({ userId: 'ana', cubeId: 'c', name: 'c' });
  return opened;
};

describe('consolidation', () => {
  it('merges near-duplicates into one memory with lineage, archives the parents, and keeps the provenance of both', async () => {
    const { os, clock } = await setup();
    const [a, b, other] = await os.add({
      userId: 'ana',
      cubeId: 'c',
      memories: [
        { text: 'I am allergic to peanuts and tree nuts', tags: ['health'], sourceRefs: [{ sessionId: 's1', messageId: 'm1', spokenAt: Date.UTC(2025, 0, 1) }] },
        { text: 'I am allergic to peanuts and tree nuts!', tags: ['food'], sourceRefs: [{ sessionId: 's2', messageId: 'm7', spokenAt: Date.UTC(2025, 5, 1) }] },
        { text: 'My sister lives in Lisbon' },
      ],
    });
    clock.now += 1000;
    expect(await os.consolidate({ userId: 'ana', cubeId: 'c' })).toEqual({ merged: 1, archived: 2, superseded: 0 });
    const live = (await os.getAll({ userId: 'ana', cubeId: 'c', states: ['generated', 'merged'] })).items;
    const merged = live.find((m) => m.state === 'merged')!;
    expect(merged).toMatchObject({ text: 'I am allergic to peanuts and tree nuts!', mergedFrom: [a!.id, b!.id], validFrom: Date.UTC(2025, 0, 1) });
    expect([...merged.tags].sort()).toEqual(['food', 'health']);
    expect(merged.sourceRefs.map((r) => r.messageId)).toEqual(['m1', 'm7']);
    expect(live.map((m) => m.id)).toContain(other!.id);
    expect((await os.get({ userId: 'ana', memoryId: a!.id })).state).toBe('archived');
    const [hit] = await os.search({ userId: 'ana', query: 'peanut allergy', trackUsage: false });
    expect(hit?.memory.id).toBe(merged.id);
    expect((await os.history({ userId: 'ana', memoryId: a!.id })).at(-1)).toMatchObject({ action: 'merge', reason: `merged into ${merged.id}` });
    expect((await os.auditLog({ userId: 'ana', cubeId: 'c', actions: ['memory.merge'] })).length).toBe(1);
    expect(await os.consolidate({ userId: 'ana', cubeId: 'c' })).toEqual({ merged: 0, archived: 0, superseded: 0 });
    os.close();
  });

  it('never merges across owners, visibility, kinds or frozen memories', async () => {
    const { os } = await setup();
    await os.shareCube({ userId: 'ana', cubeId: 'c', targetUserId: 'bo', access: 'write' });
    await os.add({ userId: 'ana', cubeId: 'c', memory: { text: 'the meeting moved to Friday at noon' } });
    await os.add({ userId: 'bo', cubeId: 'c', memory: { text: 'the meeting moved to Friday at noon' } });
    await os.add({ userId: 'ana', cubeId: 'c', memory: { text: 'the meeting moved to Friday at noon', visibility: 'private' } });
    await os.add({ userId: 'ana', cubeId: 'c', memory: { text: 'the meeting moved to Friday at noon', semanticType: 'event' } });
    const [frozen] = await os.add({ userId: 'ana', cubeId: 'c', memory: { text: 'the meeting moved to Friday at noon', semanticType: 'task' } });
    const [twin] = await os.add({ userId: 'ana', cubeId: 'c', memory: { text: 'the meeting moved to Friday at noon', semanticType: 'task' } });
    await os.freeze({ userId: 'ana', memoryId: frozen!.id });
    expect((await os.consolidate({ userId: 'ana', cubeId: 'c' })).merged).toBe(0);
    expect((await os.get({ userId: 'ana', memoryId: twin!.id })).state).toBe('generated');
    expect((await errorOf(() => os.consolidate({ userId: 'zed', cubeId: 'c' }))).code).toBe('FORBIDDEN');
    os.close();
  });

  it('supersedes an older fact on the same key: what is true now, and what was true then', async () => {
    const { os } = await setup();
    const may = Date.UTC(2024, 4, 1);
    const june = Date.UTC(2025, 5, 1);
    const [old] = await os.add({ userId: 'ana', cubeId: 'c', memory: { key: 'home city', text: 'I live in Porto', sourceRefs: [{ spokenAt: may }] } });
    const [now] = await os.add({ userId: 'ana', cubeId: 'c', memory: { key: 'home city', text: 'I moved to Madrid', sourceRefs: [{ spokenAt: june }] } });
    expect((await os.consolidate({ userId: 'ana', cubeId: 'c' })).superseded).toBe(1);
    expect(await os.get({ userId: 'ana', memoryId: old!.id })).toMatchObject({ state: 'archived', validTo: june, supersededBy: now!.id });
    const current = await os.search({ userId: 'ana', query: 'home city', trackUsage: false });
    expect(current.map((h) => h.memory.id)).toEqual([now!.id]);
    const then = await os.search({ userId: 'ana', query: 'home city', filters: { asOf: Date.UTC(2024, 11, 1) }, trackUsage: false, timeInQuery: 'ignore' });
    expect(then.map((h) => h.memory.id)).toEqual([old!.id]);
    expect((await os.history({ userId: 'ana', memoryId: old!.id })).at(-1)).toMatchObject({ action: 'supersede' });
    os.close();
  });

  it('runs as an idle-time job after adds', async () => {
    const { os } = await setup();
    await os.add({ userId: 'ana', cubeId: 'c', memories: [{ text: 'coffee with oat milk please' }, { text: 'Coffee with oat milk, please.' }] });
    await os.scheduler.settled();
    expect((await os.listJobs({ states: ['queued'] })).map((j) => j.kind)).toContain('consolidate');
    await os.setIdle({ idle: true });
    await os.scheduler.settled();
    const [done] = (await os.listJobs({ states: ['done'] })).filter((j) => j.kind === 'consolidate');
    expect(done?.summary).toBe('1 merges (2 archived), 0 superseded');
    os.close();
  });

  it('measures word overlap for the text rule', () => {
    expect(jaccard('a b c', 'A, b; c!')).toBe(1);
    expect(jaccard('a b c d', 'a b c e')).toBeCloseTo(0.6, 5);
  });
});

describe('contradictions judged by a loaded chat model', () => {
  /** It says two statements contradict when one says "vegetarian" and the other "steak". */
  const judge = (templateVersion: string) => contradictionJudge(templateVersion, (text) => /vegetarian/.test(text) && /steak/.test(text));

  it('supersedes the older of two related statements the model says contradict, and leaves the rest', async () => {
    const { os } = await setup();
    const [veggie, ok] = await os.add({
      userId: 'ana',
      cubeId: 'c',
      memories: [
        { text: 'I am a strict vegetarian and never eat meat', sourceRefs: [{ spokenAt: Date.UTC(2024, 0, 1) }] },
        { text: 'I never eat meat on Fridays with my family', sourceRefs: [{ spokenAt: Date.UTC(2024, 2, 1) }] },
      ],
    });
    const [steak] = await os.add({ userId: 'ana', cubeId: 'c', memory: { text: 'I eat steak and meat every day now', sourceRefs: [{ spokenAt: Date.UTC(2025, 0, 1) }] } });
    os.setLanguageModel(judge('plain-1'));
    expect((await os.consolidate({ userId: 'ana', cubeId: 'c' })).superseded).toBe(0); // a base model is not asked
    os.setLanguageModel(judge('own-test'));
    expect((await os.consolidate({ userId: 'ana', cubeId: 'c' })).superseded).toBe(1);
    expect(await os.get({ userId: 'ana', memoryId: veggie!.id })).toMatchObject({ state: 'archived', supersededBy: steak!.id, validTo: Date.UTC(2025, 0, 1) });
    expect((await os.get({ userId: 'ana', memoryId: ok!.id })).state).toBe('generated');
    os.close();
  });
});

describe('consolidated cubes in export files', () => {
  it('round-trip with lineage and validity intact', async () => {
    const { os } = await setup();
    await os.add({ userId: 'ana', cubeId: 'c', memories: [{ text: 'the spare key is under the blue pot' }, { text: 'The spare key is under the blue pot.' }] });
    await os.add({ userId: 'ana', cubeId: 'c', memories: [{ key: 'car', text: 'I drive a red Fiat', sourceRefs: [{ spokenAt: 1000 }] }, { key: 'car', text: 'I sold the Fiat and bought a bike', sourceRefs: [{ spokenAt: 2000 }] }] });
    await os.consolidate({ userId: 'ana', cubeId: 'c' });
    const file = await os.exportCube({ userId: 'ana', cubeId: 'c' });
    const { os: target } = await openTestOs();
    await target.createUser({ userId: 'ana', name: 'Ana' });
    const cube = await target.importCube({ userId: 'ana', file });
    const all = (await target.getAll({ userId: 'ana', cubeId: cube.cubeId })).items;
    expect(all.find((m) => m.state === 'merged')?.mergedFrom).toHaveLength(2);
    expect(all.find((m) => m.key === 'car' && m.state === 'archived')).toMatchObject({ validTo: 2000 });
    // A copy gets new ids, and its lineage points at them.
    const copy = await target.importCube({ userId: 'ana', file, mode: 'copy' });
    const copied = (await target.getAll({ userId: 'ana', cubeId: copy.cubeId })).items;
    const ids = new Set(copied.map((m) => m.id));
    const merged = copied.find((m) => m.state === 'merged')!;
    expect(merged.mergedFrom!.every((id) => ids.has(id))).toBe(true);
    expect(ids.has(copied.find((m) => m.key === 'car' && m.state === 'archived')!.supersededBy!)).toBe(true);
    os.close();
    target.close();
  });
});
