// A change committed by another MemOS on the same store (another tab, or later another device) updates
// this one's search index exactly as the local write updated the writer's: after each kind of change,
// both answer every query with the same hits, scores and records.
import { afterEach, describe, expect, it } from 'vitest';
import type { MemOS } from '../../src/os/memos';
import { openTestOs } from './helpers';

const QUERIES = ['garden tomatoes', 'Oslo sister', 'passport drawer', 'piano lessons', 'what did Ana say about the garden?', ''];

let opened: MemOS[] = [];
afterEach(() => {
  for (const os of opened) os.close();
  opened = [];
});

/**
 * What a MemOS answers to every query: ids, scores and the records as it holds them — once its entity
 * graph has read what it was told of (the graph is a ranking signal, kept in the background).
 */
async function answers(os: MemOS): Promise<unknown[]> {
  await os.settled();
  await os.graphStatus({ wait: true });
  return Promise.all(
    QUERIES.map(async (query) => (await os.search({ userId: 'ana', query, topK: 20, trackUsage: false, filters: { states: ['generated', 'activated', 'archived', 'frozen'] } })).map((h) => ({ id: h.memory.id, score: h.score, version: h.memory.version, state: h.memory.state, text: h.memory.text }))),
  );
}

describe('a change committed by another instance', () => {
  it('leaves the index answering exactly as the writer’s after adds, edits, lifecycle moves, rollback and purge', async () => {
    const first = await openTestOs({ scheduler: false });
    const writer = first.os;
    const reader = (await openTestOs({ name: first.name, scheduler: false, clock: () => first.clock.now })).os;
    opened = [writer, reader];
    await writer.createUser({ userId: 'ana', name: 'Ana' });
    await writer.createCube({ userId: 'ana', cubeId: 'c1', name: 'Ana' });
    const steps: [string, () => Promise<unknown>][] = [];
    const added = await writer.add({
      userId: 'ana',
      cubeId: 'c1',
      sessionId: 's1',
      messages: [
        { role: 'user', content: 'The garden tomatoes are ripe.', speaker: 'Ana', timestamp: '2026-05-01T10:00:00Z' },
        { role: 'assistant', content: 'Lovely.' },
        { role: 'user', content: 'My sister lives in Oslo.', speaker: 'Ana', timestamp: '2026-05-01T10:01:00Z' },
        { role: 'assistant', content: 'Noted.' },
      ],
    });
    const [note] = await writer.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'Passport is in the blue drawer', tags: ['documents'] } });
    const [lesson] = await writer.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'Piano lessons on Tuesdays' } });
    steps.push(
      ['an edit', () => writer.update({ userId: 'ana', memoryId: note!.id, patch: { text: 'Passport is in the red drawer' } })],
      ['an archive', () => writer.delete({ userId: 'ana', memoryId: added[0]!.id })],
      ['a freeze', () => writer.freeze({ userId: 'ana', memoryId: lesson!.id })],
      ['an unfreeze', () => writer.unfreeze({ userId: 'ana', memoryId: lesson!.id })],
      ['a restore', () => writer.restore({ userId: 'ana', memoryId: added[0]!.id })],
      ['a rollback', () => writer.rollback({ userId: 'ana', memoryId: note!.id, version: 1 })],
      ['a purge', () => writer.purge({ userId: 'ana', memoryId: lesson!.id })],
    );
    await expect.poll(async () => JSON.stringify(await answers(reader)), { timeout: 5_000 }).toBe(JSON.stringify(await answers(writer)));
    for (const [what, change] of steps) {
      await change();
      const expected = await answers(writer);
      await expect.poll(async () => JSON.stringify(await answers(reader)), { message: `after ${what}`, timeout: 5_000 }).toBe(JSON.stringify(expected));
    }
    // And the answers were not trivially empty.
    expect((await answers(writer)).flat().length).toBeGreaterThan(5);
  });
});
