import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { launchProfile, newProfileDir, openHarness, storeName, watchErrors } from './browser';

/** Mounts a small tmpfs as a browser profile, so the browser really runs out of room (needs root). */
function smallDisk(megabytes: number): { dir: string; release: () => void } | undefined {
  const dir = newProfileDir();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'memos-quota', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return { dir, release: () => execFileSync('umount', [dir]) };
}

const canMount = (() => {
  const probe = smallDisk(1);
  probe?.release();
  return probe !== undefined;
})();
if (!canMount) console.warn('quota test skipped: mounting a tmpfs needs root (CI runs as root and runs it)');

describe('a full disk', () => {
  it.skipIf(!canMount)('turns the browser refusing data into QUOTA_EXCEEDED and keeps everything stored before', async () => {
    // A 96 MB disk: Chromium gives the origin a share of it as quota (about 60%), and the writes below
    // exceed it. The rest must hold the profile's other files and LevelDB's compactions: on 64 MB the
    // disk itself sometimes filled first, and Chromium then closed the store (a full disk, not a quota,
    // which is not what this test is about).
    const disk = smallDisk(96)!;
    const context = await launchProfile(disk.dir);
    try {
      const page = await openHarness(context, storeName('quota'));
      await page.evaluate(async () => {
        await window.memos.createUser({ userId: 'ana', name: 'Ana' });
        await window.memos.createCube({ userId: 'ana', cubeId: 'c1', name: 'full' });
        await window.memos.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'written while there was room' } });
      });
      const result = await page.evaluate(async () => {
        // Random text, since Chromium compresses what it stores; one long word, so the index stays small.
        const noise = () => Array.from(crypto.getRandomValues(new Uint32Array(8_000)), (n) => n.toString(36).padStart(7, '0')).join('');
        let code = 'no error';
        let written = 0;
        try {
          for (let i = 0; i < 400; i++) {
            await window.memos.add({ userId: 'ana', cubeId: 'c1', memories: Array.from({ length: 5 }, (_, j) => ({ text: `${i}.${j} ${noise()}` })) });
            written++;
          }
        } catch (e) {
          code = e instanceof window.MemosError ? e.code : String(e);
        }
        const page = await window.memos.getAll({ userId: 'ana', cubeId: 'c1', limit: 1000 });
        const hits = await window.memos.search({ userId: 'ana', query: 'room', trackUsage: false });
        return { code, written, total: page.total, first: page.items[0]?.text, hits: hits.length };
      });
      expect(result.code).toBe('QUOTA_EXCEEDED');
      expect(result.written).toBeGreaterThan(0);
      expect(result.total).toBe(1 + result.written * 5);
      expect(result.first).toBe('written while there was room');
      expect(result.hits).toBe(1);
    } finally {
      await context.close();
      disk.release();
    }
  }, 150_000);
});

describe('cube files in the browser', () => {
  it('round-trip byte for byte between two stores, and a mutated file is refused with nothing written', async () => {
    const context = await launchProfile(newProfileDir());
    const source = await openHarness(context, storeName('export'));
    const errors = watchErrors(source);
    const file = await source.evaluate(async () => {
      await window.memos.createUser({ userId: 'ana', name: 'Ana' });
      await window.memos.createCube({ userId: 'ana', cubeId: 'c1', name: 'trip' });
      const [m] = await window.memos.add({
        userId: 'ana',
        cubeId: 'c1',
        sessionId: 's',
        messages: [
          { role: 'user', content: 'We land in Tokyo on 3 May ✈️', id: 'D1:1', timestamp: '2026-04-01T09:00:00Z' },
          { role: 'assistant', content: 'Noted.', id: 'D1:2' },
        ],
      });
      await window.memos.update({ userId: 'ana', memoryId: m!.id, patch: { tags: ['travel'] } });
      return window.memos.exportCube({ userId: 'ana', cubeId: 'c1' });
    });
    const target = await openHarness(context, storeName('import'));
    const result = await target.evaluate(async (text) => {
      await window.memos.createUser({ userId: 'ana', name: 'Ana' });
      const codeOf = async (p: Promise<unknown>) => p.then(() => 'no error', (e) => (e instanceof window.MemosError ? e.code : String(e)));
      const tampered = await codeOf(window.memos.importCube({ userId: 'ana', file: text.replace('Tokyo', 'Kyoto') }));
      const truncated = await codeOf(window.memos.importCube({ userId: 'ana', file: text.slice(0, 100) }));
      const cubesAfterRefusals = (await window.memos.listCubes({ userId: 'ana' })).length;
      await window.memos.importCube({ userId: 'ana', file: text });
      const again = await window.memos.exportCube({ userId: 'ana', cubeId: 'c1' });
      return { tampered, truncated, cubesAfterRefusals, same: again === text };
    }, file);
    expect(result).toEqual({ tampered: 'IMPORT_TAMPERED', truncated: 'IMPORT_MALFORMED', cubesAfterRefusals: 0, same: true });
    errors.expectNone();
    await context.close();
  });
});
