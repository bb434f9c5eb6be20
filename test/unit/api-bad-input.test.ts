// Bad input never escapes as anything but a MemosError with a code (issue 16): every public method is
// called with values drawn by fast-check — anything at all, and a valid call with one value at any depth
// replaced by junk or removed — and must either succeed or throw a MemosError; afterwards the store
// reopens whole. A fixed seed here; `npm run fuzz` runs many more calls.
import { describe, expect, it } from 'vitest';
import { checkBadCalls, type BadInputStats } from '../support/bad-input';

describe('bad input', () => {
  it('gets a MemosError with a code from every public method, given junk or a valid call with one field wrong, never another error (seed 16)', async () => {
    const stats: BadInputStats = { calls: 0, succeeded: 0, codes: new Map() };
    await checkBadCalls({ seed: 16, runs: 10_000, name: `bad-input-${process.pid}`, stats });
    expect(stats.calls).toBeGreaterThanOrEqual(10_000);
    expect(stats.codes.get('INVALID_INPUT') ?? 0).toBeGreaterThan(1_000);
    // Valid calls with a harmless change get through: the generator reaches past the first checks.
    expect(stats.succeeded).toBeGreaterThan(100);
  }, 120_000);
});
