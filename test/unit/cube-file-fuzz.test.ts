// Fuzzed cube files (issue 16): mutations of a valid export, most with the checksum recomputed, each of
// which must import whole and valid or be refused with a specific code, leaving nothing behind. A fixed
// seed here; `npm run fuzz` runs many more from fresh seeds.
import { describe, expect, it } from 'vitest';
import { baseCubeFile, checkMutatedFile, checkMutatedFiles, mutate, newFileStats, reseal } from '../support/cube-file-mutations';

describe('fuzzed cube files', () => {
  it('the unmutated base file imports whole, in either mode', async () => {
    const base = await baseCubeFile(`fuzz-base-${process.pid}`);
    const stats = newFileStats();
    await checkMutatedFile(base, 'keep-id', `fuzz-plain-${process.pid}`, stats);
    await checkMutatedFile(base, 'copy', `fuzz-copy-${process.pid}`, stats);
    expect(stats).toEqual({ files: 2, imported: 2, refused: {} });
  });

  it('imports or refuses cleanly each of 300 mutated files (seed 16)', async () => {
    const base = await baseCubeFile(`fuzz-seeded-${process.pid}`);
    const stats = newFileStats();
    await checkMutatedFiles({ seed: 16, runs: 300, base, stats, name: `fuzz-${process.pid}` });
    expect(stats.files).toBeGreaterThanOrEqual(300);
    // Both outcomes happen, and the checksum is not what refuses most files.
    expect(stats.imported).toBeGreaterThan(0);
    expect(stats.refused['IMPORT_MALFORMED'] ?? 0).toBeGreaterThan(stats.refused['IMPORT_TAMPERED'] ?? 0);
  }, 240_000);

  it('refuses a version chain out of order, a blob of a memory the file lacks, and a duplicated memory', async () => {
    const base = JSON.parse(await baseCubeFile(`fuzz-named-${process.pid}`));
    const cases: [string, (b: typeof base) => void][] = [
      ['versions out of order', (b) => { const v = b.versions.find((x: { version: number }) => x.version === 2); v.version = 5; }],
      ['a blob of a missing memory', (b) => { b.blobs[0].memoryId = 'mem_ghost'; }],
      ['a duplicated memory', (b) => { b.memories.push(structuredClone(b.memories[0])); }],
      ['a "__proto__" key in a memory', (b) => { Object.defineProperty(b.memories[0], '__proto__', { value: { isAdmin: true }, enumerable: true }); }],
    ];
    for (const [what, change] of cases) {
      const body = structuredClone(base);
      change(body);
      const stats = newFileStats();
      await checkMutatedFile(await reseal(body), 'copy', `fuzz-${what.replaceAll(' ', '-')}-${process.pid}`, stats);
      expect(stats.refused, what).toEqual({ IMPORT_MALFORMED: 1 });
    }
  });

  it('mutate() changes the tree it is given', () => {
    const tree = { a: [1, 2, 3], b: 'text' };
    expect(mutate(structuredClone(tree), { kind: 'remove', at: 1 })).toEqual({ b: 'text' });
    expect(mutate(structuredClone(tree), { kind: 'reorder', at: 1 })).toEqual({ a: [3, 2, 1], b: 'text' });
  });
});
