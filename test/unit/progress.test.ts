// Progress and cancel on the long calls (CallOptions.onProgress / signal): opening a store, importing
// a cube, building a KV cube. Distillation's reports are checked in distill.test.ts; across the worker,
// in test/e2e/persistence.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrtDecoder } from '../../src/inference/decoding/ort-decoder';
import type { TaskProgress } from '../../src/protocol/memory-types';
import { MemOS } from '../../src/os/memos';
import { storiesDecoder } from '../support/decoders';
import { HAS_STORIES } from '../support/shared-models';
import { errorOf, freshIndexedDb, openTestOs } from './helpers';

const phases = (reports: readonly TaskProgress[]): string[] => [...new Set(reports.map((r) => r.phase))];

describe('opening a store', () => {
  it('reports the index being rebuilt up to every stored memory, and stops when aborted', async () => {
    const { os, name } = await openTestOs();
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'notes' });
    await os.add({ userId: 'ana', cubeId: 'c1', memories: Array.from({ length: 1_203 }, (_, i) => ({ text: `note number ${i}` })) });
    os.close();

    const reports: TaskProgress[] = [];
    const opened = await MemOS.open({ name }, { onProgress: (p) => reports.push(p) });
    const index = reports.filter((r) => r.phase === 'index');
    expect(index[0]).toEqual({ phase: 'index', done: 0, total: 1_203, unit: 'items' });
    expect(index.at(-1)).toEqual({ phase: 'index', done: 1_203, total: 1_203, unit: 'items' });
    expect(index.map((r) => r.done)).toEqual([...index.map((r) => r.done)].sort((a, b) => a - b));
    expect((await opened.getAll({ userId: 'ana', cubeId: 'c1', limit: 1 })).total).toBe(1_203);
    opened.close();

    const controller = new AbortController();
    const error = await errorOf(() =>
      MemOS.open({ name }, { signal: controller.signal, onProgress: (p) => p.phase === 'index' && p.done > 0 && controller.abort() }),
    );
    expect(error.code).toBe('ABORTED');
    // Nothing was harmed: the next open sees every memory.
    const again = await MemOS.open({ name });
    expect((await again.getAll({ userId: 'ana', cubeId: 'c1', limit: 1 })).total).toBe(1_203);
    again.close();
  });
});

describe('importing a cube', () => {
  it('reports checking and storing, and an abort before storing keeps nothing', async () => {
    const { os } = await openTestOs();
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'notes' });
    await os.add({ userId: 'ana', cubeId: 'c1', memories: [{ text: 'one' }, { text: 'two' }, { text: 'three' }] });
    const file = await os.exportCube({ userId: 'ana', cubeId: 'c1' });
    os.close();

    freshIndexedDb();
    const { os: other } = await openTestOs();
    await other.createUser({ userId: 'ana', name: 'Ana' });
    const controller = new AbortController();
    const stopped = await errorOf(() => other.importCube({ userId: 'ana', file }, { signal: controller.signal, onProgress: (p) => p.phase === 'storing' && controller.abort() }));
    expect(stopped.code).toBe('ABORTED');
    expect(await other.listCubes({ userId: 'ana' })).toEqual([]);

    const reports: TaskProgress[] = [];
    await other.importCube({ userId: 'ana', file }, { onProgress: (p) => reports.push(p) });
    expect(reports).toEqual([
      { phase: 'checking', done: 0, total: 1, unit: 'items' },
      { phase: 'storing', done: 0, total: 3, unit: 'items' },
      { phase: 'storing', done: 3, total: 3, unit: 'items' },
    ]);
    other.close();
  });
});

describe.skipIf(!HAS_STORIES)('building a KV cube (needs ../shared stories260K)', () => {
  let decoder: OrtDecoder;
  beforeAll(async () => {
    decoder = await storiesDecoder();
  });
  afterAll(async () => {
    await decoder?.dispose();
  });

  it('reports the prompt, the prefill in tokens and the storing; an abort after the prefill stores nothing', async () => {
    const { os } = await openTestOs();
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'life', name: 'Life' });
    const memories = await os.add({ userId: 'ana', cubeId: 'life', memories: [{ text: 'Lily has a red ball.' }, { text: 'Tom likes the park.' }] });
    os.setLanguageModel(decoder);
    const ids = memories.map((m) => m.id);

    const controller = new AbortController();
    const stopped = await errorOf(() =>
      os.buildActivation({ userId: 'ana', cubeId: 'life', memoryIds: ids }, { signal: controller.signal, onProgress: (p) => p.phase === 'prefill' && p.done > 0 && controller.abort() }),
    );
    expect(stopped.code).toBe('ABORTED');
    expect(await os.listActivations({ userId: 'ana', cubeId: 'life' })).toEqual([]);

    const reports: TaskProgress[] = [];
    const item = await os.buildActivation({ userId: 'ana', cubeId: 'life', memoryIds: ids }, { onProgress: (p) => reports.push(p) });
    expect(phases(reports)).toEqual(['prompt', 'prefill', 'storing']);
    expect(reports.filter((r) => r.phase === 'prefill').at(-1)).toEqual({ phase: 'prefill', done: item.tokenIds.length, total: item.tokenIds.length, unit: 'tokens' });
    os.close();
  });
});
