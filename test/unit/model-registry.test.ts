// The registry over MemoryModelFileStore, which stands in for the Cache API here (Node has none); the
// Cache API store itself is exercised in Chromium by test/e2e/inference.test.ts.
import { describe, expect, it } from 'vitest';
import { DeviceQueue } from '../../src/inference/runtime/device-queue';
import { InferenceService } from '../../src/inference/inference-service';
import { MemoryModelFileStore } from '../../src/inference/runtime/model-files';
import { ModelRegistry } from '../../src/inference/runtime/model-registry';
import type { ModelEntry } from '../../src/protocol/inference-types';
import { HAS_STORIES, storiesFile } from '../support/shared-models';
import { errorOf } from './helpers';

const builtIn: ModelEntry = {
  id: 'built',
  label: 'Built in',
  engine: 'ort',
  baseUrl: 'http://127.0.0.1:9/models/',
  files: { model: 'm.onnx', tokenizer: 't.json' },
  tokenizerFormat: 'tokenizer.json',
  contextLength: 128,
  builtIn: true,
};

describe('the model registry', () => {
  it('keeps user entries beside the built-ins and refuses malformed ones with INVALID_INPUT', async () => {
    const registry = new ModelRegistry(new MemoryModelFileStore(), [builtIn]);
    await registry.add({ id: 'mine', label: 'Mine', engine: 'ort', baseUrl: 'https://example.org/m/', files: { model: 'a.onnx', tokenizer: 'tokenizer.json' }, tokenizerFormat: 'tokenizer.json', contextLength: 2048 });
    expect((await registry.list()).map((v) => [v.entry.id, v.entry.builtIn])).toEqual([['built', true], ['mine', false]]);
    expect((await errorOf(() => registry.add({ ...builtIn, label: 'x' } as never))).code).toBe('INVALID_INPUT');
    expect((await errorOf(() => registry.add({ id: 'bad/id', label: 'x', engine: 'ort', baseUrl: null, files: { model: '../a', tokenizer: 't' }, tokenizerFormat: 'tokenizer.json', contextLength: 1 }))).code).toBe('INVALID_INPUT');
    expect((await errorOf(() => registry.add({ id: 'l2c', label: 'x', engine: 'ort', baseUrl: null, files: { model: 'a', tokenizer: 't' }, tokenizerFormat: 'llama2c', contextLength: 1 }))).code).toBe('INVALID_INPUT');
    expect((await errorOf(() => registry.remove('built'))).code).toBe('INVALID_INPUT');
  });

  it('stores picked files, reports their bytes, and forgets them on evict', async () => {
    const registry = new ModelRegistry(new MemoryModelFileStore(), []);
    const files = [{ name: 'a.onnx', data: new Uint8Array(1000) }, { name: 'tokenizer.json', data: new Uint8Array(24) }];
    expect((await errorOf(() => registry.addFiles({ id: 'p', label: 'p', engine: 'ort', files: { model: 'a.onnx', tokenizer: 'tokenizer.json' }, tokenizerFormat: 'tokenizer.json', contextLength: 64 }, files.slice(0, 1)))).code).toBe('INVALID_INPUT');
    await registry.addFiles({ id: 'p', label: 'p', engine: 'ort', files: { model: 'a.onnx', tokenizer: 'tokenizer.json' }, tokenizerFormat: 'tokenizer.json', contextLength: 64 }, files);
    expect((await registry.list())[0]).toMatchObject({ storedBytes: 1024, cached: true });
    await registry.evict('p');
    expect((await registry.list())[0]).toMatchObject({ storedBytes: 0, cached: false });
    const entry = await registry.get('p');
    expect((await errorOf(() => registry.files(entry as never))).code).toBe('MODEL_UNREACHABLE');
  });

  it('says MODEL_UNREACHABLE when a URL model cannot be fetched, and stores nothing', async () => {
    const registry = new ModelRegistry(new MemoryModelFileStore(), [builtIn]);
    const error = await errorOf(() => registry.files(builtIn as never));
    expect(error.code).toBe('MODEL_UNREACHABLE');
    expect((await registry.list())[0]?.storedBytes).toBe(0);
  });
});

describe('the device queue', () => {
  it('runs jobs one at a time in order and goes on after a failed one', async () => {
    const queue = new DeviceQueue();
    const order: string[] = [];
    const job = (name: string, fail = false) => async () => {
      order.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, 5));
      order.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([queue.run(job('a')), queue.run(job('b', true)), queue.run(job('c'))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(queue.pending).toBe(0);
  });

  it('never starts a job whose signal aborted while it waited', async () => {
    const queue = new DeviceQueue();
    const controller = new AbortController();
    let ran = false;
    const first = queue.run(() => new Promise((r) => setTimeout(r, 10)));
    const second = queue.run(async () => {
      ran = true;
    }, controller.signal);
    controller.abort();
    await first;
    expect((await errorOf(() => second)).code).toBe('ABORTED');
    expect(ran).toBe(false);
  });
});

describe.skipIf(!HAS_STORIES)('the inference service in Node (needs ../shared stories260K)', () => {
  it('loads picked files, generates, reports its status, and refuses to generate once unloaded', async () => {
    const service = await InferenceService.create({
      store: new MemoryModelFileStore(),
      builtIns: [],
      capabilities: { webgpu: { available: false, reason: 'node' }, crossOriginIsolated: false, hardwareConcurrency: 2, wasmThreads: 1, engines: { ort: ['wasm'], webLlm: false } },
    });
    expect(service.status()).toEqual({ state: 'idle' });
    expect((await errorOf(() => service.generate({ promptIds: [1] }))).code).toBe('MODEL_NOT_LOADED');
    await service.addModelFiles(
      { id: 'stories', label: 's', engine: 'ort', files: { model: 'stories260K.onnx', tokenizer: 'tok512.bin' }, tokenizerFormat: 'llama2c', vocabSize: 512, contextLength: 512 },
      [{ name: 'stories260K.onnx', data: storiesFile('stories260K.onnx') }, { name: 'tok512.bin', data: storiesFile('tok512.bin') }],
    );
    const info = await service.load('stories');
    expect(info).toMatchObject({ id: 'stories', engine: 'ort', device: 'wasm' });
    expect(service.status()).toMatchObject({ state: 'ready' });
    const [bad, good] = await Promise.allSettled([service.generate({ promptIds: [] }), service.generate({ prompt: 'Once upon a time' }, { maxTokens: 5 })]);
    expect(bad.status).toBe('rejected');
    expect(good.status === 'fulfilled' && good.value.tokenIds.length).toBe(5);
    await service.unload();
    expect((await errorOf(() => service.generate({ promptIds: [1] }))).code).toBe('MODEL_NOT_LOADED');
    const missing = await errorOf(() => service.load('nope'));
    expect(missing.code).toBe('MODEL_UNREACHABLE');
    // An unknown id starts no load, so the status stays what it was.
    expect(service.status()).toEqual({ state: 'idle' });
  });
});
