// Property-based tests of the public API (issue 16): random sequences of operations by several users,
// hostile user ids among them, checked after every step against an independent model of the rules
// (test/support/access-oracle.ts), then after closing and reopening the store. A fixed seed here;
// `npm run fuzz` runs many more sequences from fresh seeds.
import { describe, expect, it } from 'vitest';
import { checkSequences, newStats, runSequence, type Op } from '../support/api-sequences';

describe('the public API against a model of its rules', () => {
  it('agrees with the model after every step of 150 random sequences (seed 16)', async () => {
    const stats = newStats();
    await checkSequences({ seed: 16, runs: 150, maxLength: 40, stats, name: `props-${process.pid}` });
    expect(stats.sequences).toBeGreaterThanOrEqual(150);
    // The runs reach refusals and successes alike, and check a lot between them.
    expect(stats.refused).toBeGreaterThan(stats.operations / 10);
    expect(stats.operations - stats.refused).toBeGreaterThan(stats.operations / 10);
    expect(stats.checks).toBeGreaterThan(stats.operations * 10);
  }, 240_000);

  // Shrunk counterexamples, kept as named regressions.
  it('a user named "constructor" reads nothing of a cube nobody shared with them', async () => {
    const ops: Op[] = [
      { kind: 'createUser', user: 0 },
      { kind: 'createUser', user: 2 },
      { kind: 'createCube', user: 0, cube: 0 },
      { kind: 'addMemory', user: 0, cube: 0, private: false },
      { kind: 'search', user: 2, memory: 0, scoped: true },
      { kind: 'search', user: 2, memory: 0, scoped: false },
      { kind: 'export', user: 2, cube: 0 },
      { kind: 'getAll', user: 2, cube: 0 },
    ];
    await runSequence(ops, newStats(), `constructor-${process.pid}`);
  });

  it('a private memory in a shared cube stays with its author and the owner, also in a copy', async () => {
    const ops: Op[] = [
      { kind: 'createUser', user: 0 },
      { kind: 'createUser', user: 3 },
      { kind: 'createUser', user: 1 },
      { kind: 'createCube', user: 0, cube: 0 },
      { kind: 'share', user: 0, cube: 0, target: 3, access: 'write' },
      { kind: 'share', user: 0, cube: 0, target: 1, access: 'read' },
      { kind: 'addMemory', user: 3, cube: 0, private: true },
      { kind: 'search', user: 1, memory: 0, scoped: true },
      { kind: 'export', user: 1, cube: 0 },
      { kind: 'export', user: 0, cube: 0 },
      { kind: 'import', user: 1, file: 1, mode: 'copy' },
      { kind: 'unshare', user: 0, cube: 0, target: 3 },
      { kind: 'update', user: 3, memory: 0 },
    ];
    await runSequence(ops, newStats(), `private-${process.pid}`);
  });
});
