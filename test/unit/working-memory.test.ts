import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrtDecoder } from '../../src/inference/decoding/ort-decoder';
import { WorkingMemory } from '../../src/scheduler/working-memory';
import { storiesDecoder } from '../support/decoders';
import { HAS_STORIES } from '../support/shared-models';
import { openTestOs } from './helpers';

describe('working memory', () => {
  it('keeps the most important memories, bounded, with rank weighing most and recurrence counted', () => {
    const wm = new WorkingMemory({ size: 3 });
    const hit = (id: string, text = id) => ({ id, text });
    wm.update('s', 'tea', [hit('a', 'green tea'), hit('b', 'black tea'), hit('c'), hit('d')]);
    expect(wm.get('s').map((e) => e.memoryId)).toEqual(['a', 'b', 'c']);
    wm.update('s', 'tea again', [hit('d'), hit('a', 'green tea')]);
    const entries = wm.get('s');
    expect(entries.map((e) => e.memoryId)).toEqual(['d', 'a', 'b']);
    expect(entries.find((e) => e.memoryId === 'a')?.recurrence).toBe(2);
    wm.update('s', 'tea once more', [hit('a', 'green tea')]);
    expect(wm.promotable('s').map((e) => e.memoryId)).toEqual(['a']);
    wm.forget(['a']);
    expect(wm.get('s').some((e) => e.memoryId === 'a')).toBe(false);
    expect(wm.get('other')).toEqual([]);
  });
});

describe.skipIf(!HAS_STORIES)('promotion to activation memory (needs ../shared stories260K)', () => {
  let decoder: OrtDecoder;
  beforeAll(async () => {
    decoder = await storiesDecoder();
  });
  afterAll(() => decoder?.dispose());

  it('turns memories that keep landing in working memory into a KV cube at idle time, and keeps cubes current and within budget', async () => {
    const { os } = await openTestOs({ kvBudgetBytes: 1 });
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c', name: 'c' });
    const [ball] = await os.add({ userId: 'ana', cubeId: 'c', memories: [{ text: 'Lily has a red ball.' }, { text: 'Tom likes the park.' }] });
    os.setLanguageModel(decoder);
    for (const question of ['Who has a red ball?', 'Is the ball red?', 'What colour is the ball?']) {
      await os.chat({ userId: 'ana', sessionId: 's', messages: [{ role: 'user', content: question }], maxTokens: 2, writeCubeId: null });
    }
    const wm = await os.workingMemory({ userId: 'ana', sessionId: 's' });
    expect(wm[0]).toMatchObject({ memoryId: ball!.id, recurrence: 3 });
    await os.scheduler.settled();
    expect((await os.listJobs({ states: ['queued'] })).map((j) => j.kind)).toContain('promote-kv');
    await os.setIdle({ idle: true });
    await os.scheduler.settled();
    const [cube] = await os.listActivations({ userId: 'ana', cubeId: 'c' });
    expect(cube?.sourceIds).toContain(ball!.id);
    expect(cube?.encoding).toBe('fp16');
    // Used in a session, the cube survives the (tiny) budget; when its memory changes it is rebuilt.
    await os.activate({ userId: 'ana', activationId: cube!.id, sessionId: 's' });
    await os.update({ userId: 'ana', memoryId: ball!.id, patch: { text: 'Lily has a blue ball.' } });
    await os.scheduler.enqueue({ kind: 'kv-maintenance', priority: 'maintenance' });
    await os.scheduler.settled();
    const after = await os.listActivations({ userId: 'ana', cubeId: 'c' });
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ staleReason: null, sessions: ['s'] });
    expect(after[0]!.id).not.toBe(cube!.id);
    expect(after[0]!.text).toContain('blue ball');
    // Not in a session any more: over budget, it is evicted.
    await os.deactivate({ userId: 'ana', sessionId: 's' });
    await os.scheduler.enqueue({ kind: 'kv-maintenance', priority: 'maintenance' });
    await os.scheduler.settled();
    expect(await os.listActivations({ userId: 'ana', cubeId: 'c' })).toEqual([]);
    os.close();
  });
});
