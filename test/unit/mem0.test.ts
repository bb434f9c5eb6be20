// The mem0-shaped facade: mem0's verbs and result shapes over MemOS, written the way mem0's own
// README uses them (users, agents, runs, metadata filters, history, delete, deleteAll, reset).
import { beforeEach, describe, expect, it } from 'vitest';
import { Memory } from '../../src/integrations/mem0';
import type { MemOS } from '../../src/os/memos';
import { openTestOs } from './helpers';

let os: MemOS;
beforeEach(async () => {
  ({ os } = await openTestOs());
});

describe('the mem0-shaped Memory', () => {
  it('adds for a user (made on first use), searches with scores, filters by agent, run and metadata', async () => {
    const memory = new Memory({ memos: os });
    const added = await memory.add('Alex prefers window seats on long flights', { userId: 'alex', metadata: { category: 'travel' } });
    expect(added.results).toHaveLength(1);
    expect(added.results[0]).toMatchObject({ memory: 'Alex prefers window seats on long flights', metadata: { category: 'travel', event: 'ADD' } });
    expect(added.results[0]!.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    await memory.add(
      [
        { role: 'user', content: 'I am training for a marathon in April.' },
        { role: 'assistant', content: 'Great, I will plan long runs on Sundays.' },
      ],
      { userId: 'alex', agentId: 'coach', runId: 'r1' },
    );
    await memory.add('Alex likes jazz', { userId: 'alex', agentId: 'dj', infer: false });

    const found = await memory.search('marathon training', { filters: { user_id: 'alex' } });
    expect(found.results[0]!.memory).toContain('marathon in April');
    expect(found.results[0]!.score).toBeGreaterThan(0);
    expect(found.results[0]!.metadata).toMatchObject({ agent_id: 'coach', run_id: 'r1' });
    expect((await memory.search('Alex', { filters: { user_id: 'alex', agent_id: 'dj' } })).results.map((r) => r.memory)).toEqual(['Alex likes jazz']);
    expect((await memory.getAll({ filters: { user_id: 'alex', category: 'travel' } })).results.map((r) => r.memory)).toEqual(['Alex prefers window seats on long flights']);
    expect((await memory.getAll({ filters: { user_id: 'alex' } })).results).toHaveLength(3);
    expect((await memory.search('anything', { filters: { user_id: 'nobody' } })).results).toEqual([]);
    expect((await memory.search('x', { filters: { user_id: 'alex', tags: { in: ['a'] } } }).catch((e: { code: string }) => e.code))).toBe('INVALID_INPUT');
  });

  it('gets, updates with history, deletes (restorable in memos-web) and deletes all of one agent', async () => {
    const memory = new Memory({ memos: os, userId: 'sam' });
    const [first] = (await memory.add('Sam lives in Lisbon')).results;
    expect(await memory.get(first!.id)).toMatchObject({ id: first!.id, memory: 'Sam lives in Lisbon' });
    expect(await memory.update(first!.id, 'Sam lives in Porto')).toEqual({ message: 'Memory updated successfully!' });
    expect((await memory.get(first!.id))!.memory).toBe('Sam lives in Porto');
    const history = await memory.history(first!.id);
    expect(history.map((h) => [h.action, h.previous_value, h.new_value])).toEqual([
      ['ADD', null, 'Sam lives in Lisbon'],
      ['UPDATE', 'Sam lives in Lisbon', 'Sam lives in Porto'],
    ]);

    expect(await memory.delete(first!.id)).toEqual({ message: 'Memory deleted successfully!' });
    expect(await memory.get(first!.id)).toBeNull();
    expect((await memory.history(first!.id)).at(-1)).toMatchObject({ action: 'DELETE', new_value: null, is_deleted: 1 });
    expect((await os.get({ userId: 'sam', memoryId: first!.id })).state).toBe('archived');

    await memory.add('note one', { agentId: 'a1', infer: false });
    await memory.add('note two', { agentId: 'a1', infer: false });
    await memory.add('note three', { agentId: 'a2', infer: false });
    await memory.deleteAll({ agentId: 'a1' });
    expect((await memory.getAll()).results.map((r) => r.memory)).toEqual(['note three']);
    await memory.reset();
    expect(await os.listCubes({ userId: 'sam' })).toEqual([]);
    expect(await memory.get('mem-missing')).toBeNull();
  });
});
