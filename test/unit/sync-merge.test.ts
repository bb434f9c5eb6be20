// Merging two devices' histories of one memory (src/sync/merge-history.ts): random edits on both
// sides, then merges in every order must agree, keep every version, and settle.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentOf, firstVersionOf, type MemoryItem, type MemoryVersion } from '../../src/core/memory-item';
import { CONFLICT_REASON, mergeHistories, type MemoryHistory } from '../../src/sync/merge-history';

const base: MemoryItem = {
  id: 'mem_1', cubeId: 'c', ownerId: 'ana', text: 'The rent is 870 euros.', key: null, semanticType: 'fact', memoryType: 'long-term', tags: [], visibility: 'shared',
  expiresAt: null, priority: 5, sensitivity: [], state: 'generated', createdAt: 1_000, updatedAt: 1_000, source: 'user', sourceRefs: [],
  usage: { accessCount: 0, lastAccessAt: null, hits: [] }, version: 1, stateBefore: null,
};

/** A device's history after edits (text changes at the given times). */
function edited(history: MemoryHistory, edits: readonly { at: number; text: string }[], by: string): MemoryHistory {
  let memory = history.memory;
  const versions = [...history.versions];
  for (const e of edits) {
    memory = { ...memory, text: e.text, updatedAt: e.at, version: memory.version + 1 };
    versions.push({ memoryId: memory.id, cubeId: memory.cubeId, version: memory.version, at: e.at, by, action: 'update', reason: null, changes: [{ field: 'text', from: '', to: e.text }], snapshot: contentOf(memory) });
  }
  return { memory, versions };
}

const start: MemoryHistory = { memory: base, versions: [firstVersionOf(base)] };
const view = (h: MemoryHistory) => ({ text: h.memory.text, version: h.memory.version, versions: h.versions.map((v: MemoryVersion) => [v.version, v.at, v.by, v.reason, v.snapshot.text]) });
const editsArb = fc.array(fc.record({ at: fc.integer({ min: 2_000, max: 9_000 }), text: fc.string({ minLength: 1, maxLength: 8 }) }), { maxLength: 4 }).map((list) => [...list].sort((a, b) => a.at - b.at));

describe('merging histories of one memory', () => {
  it('keeps both sides of a conflict, the later edit winning, the other marked', async () => {
    const a = edited(start, [{ at: 2_000, text: 'The rent is 900 euros.' }], 'ana');
    const b = edited(start, [{ at: 3_000, text: 'The rent is 910 euros.' }], 'ben');
    const { merged, changed } = await mergeHistories(a, b);
    expect(changed).toBe(true);
    expect(merged.memory.text).toBe('The rent is 910 euros.');
    expect(merged.versions.map((v) => [v.version, v.by, v.reason])).toEqual([[1, 'ana', null], [2, 'ana', CONFLICT_REASON], [3, 'ben', null]]);
    // Hearing back what it sent changes nothing.
    expect((await mergeHistories(merged, merged)).changed).toBe(false);
    // A device that was only behind takes the longer chain, with no conflict.
    const ahead = await mergeHistories(start, a);
    expect(ahead.merged.versions.map((v) => v.reason)).toEqual([null, null]);
  });

  it('agrees in any order, keeps every version and settles, for random edits on three devices', async () => {
    await fc.assert(
      fc.asyncProperty(editsArb, editsArb, editsArb, async (ea, eb, ec) => {
        const [a, b, c] = [edited(start, ea, 'ana'), edited(start, eb, 'ben'), edited(start, ec, 'cy')];
        const ab = (await mergeHistories(a, b)).merged;
        const ba = (await mergeHistories(b, a)).merged;
        expect(view(ab)).toEqual(view(ba));
        const abc = (await mergeHistories(ab, c)).merged;
        const cab = (await mergeHistories(c, (await mergeHistories(b, a)).merged)).merged;
        const bca = (await mergeHistories((await mergeHistories(b, c)).merged, a)).merged;
        expect(view(abc)).toEqual(view(cab));
        expect(view(abc)).toEqual(view(bca));
        expect(abc.versions.length).toBe(new Set([...a.versions, ...b.versions, ...c.versions].map((v) => `${v.at}|${v.by}|${v.snapshot.text}`)).size);
        expect((await mergeHistories(abc, a)).changed).toBe(false);
        expect(abc.memory.text).toBe(abc.versions.at(-1)!.snapshot.text);
      }),
      { numRuns: 60, seed: 7 },
    );
  });
});
