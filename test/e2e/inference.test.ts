import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { harnessUrl, launchProfile, newProfileDir, storeName, watchErrors } from './browser';
import { HAS_STORIES, storiesReference } from '../support/shared-models';

const WEBGPU = ['--enable-unsafe-webgpu'];

async function openInference(context: BrowserContext, prefix: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${harnessUrl(storeName(prefix))}&inference=1`);
  await page.evaluate(() => window.memosReady);
  return page;
}

/** Greedy tokens of stories260K from BOS, generated in the inference worker on a device. */
async function greedyIds(page: Page, device: 'wasm' | 'webgpu', steps: number): Promise<{ ids: number[]; text: string; streamed: string; info: unknown }> {
  return page.evaluate(
    async ({ device, steps }) => {
      const info = await window.inference.load('stories260K', { device });
      const pieces: string[] = [];
      const result = await window.inference.generate({ promptIds: [1] }, { maxTokens: steps, onToken: (t) => pieces.push(t.text) });
      // Tokens cross the worker boundary one message each: give the last ones time to land.
      await new Promise((r) => setTimeout(r, 50));
      return { ids: [...result.tokenIds], text: result.text, streamed: pieces.join(''), info };
    },
    { device, steps },
  );
}

describe.skipIf(!HAS_STORIES)('the inference worker with stories260K (needs ../shared)', () => {
  it('reproduces the reference greedy tokens on wasm, streams them to the page, and the webgpu EP (SwiftShader) agrees', async () => {
    const reference = storiesReference();
    const context = await launchProfile(newProfileDir(), WEBGPU);
    const page = await openInference(context, 'greedy');
    const errors = watchErrors(page);
    const wasm = await greedyIds(page, 'wasm', 100);
    expect([1, ...wasm.ids]).toEqual(reference.greedy_ids);
    expect(wasm.text).toBe(reference.text);
    expect(wasm.streamed).toBe(reference.text);
    expect(wasm.info).toMatchObject({ engine: 'ort', device: 'wasm', contextLength: 512, kvLayout: { layers: 5, kvHeads: 4, headDim: 8 } });
    const capabilities = await page.evaluate(() => window.inference.capabilities());
    expect(capabilities).toMatchObject({ crossOriginIsolated: true, webgpu: { available: true, fallback: true, shaderF16: false } });
    const webgpu = await greedyIds(page, 'webgpu', 100);
    expect(webgpu.info).toMatchObject({ device: 'webgpu' });
    expect([1, ...webgpu.ids]).toEqual(reference.greedy_ids);
    errors.expectNone();
    await context.close();
  });

  it('holds a generation to a JSON schema in the worker (web-xgrammar)', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await openInference(context, 'json');
    const errors = watchErrors(page);
    const text = await page.evaluate(async () => {
      await window.inference.load('stories260K', { device: 'wasm' });
      const schema = { type: 'object', properties: { name: { type: 'string', maxLength: 12 }, happy: { type: 'boolean' } }, required: ['name', 'happy'], additionalProperties: false };
      return (await window.inference.generate({ prompt: 'Once upon a time' }, { jsonSchema: schema, maxTokens: 120 })).text;
    });
    const value = JSON.parse(text) as { name: unknown; happy: unknown };
    expect(typeof value.name).toBe('string');
    expect(typeof value.happy).toBe('boolean');
    errors.expectNone();
    await context.close();
  });

  it('caches the files so the second load needs no network, and an evicted model is fetched again', async () => {
    const context = await launchProfile(newProfileDir());
    let page = await openInference(context, 'offline');
    const first = await page.evaluate(async () => {
      const progress: number[] = [];
      await window.inference.load('stories260K', { onProgress: (p) => p.phase === 'download' && progress.push(p.loaded) });
      const view = (await window.inference.listModels()).find((m) => m.entry.id === 'stories260K');
      return { progressEvents: progress.length, view, storage: await window.inference.storage() };
    });
    expect(first.progressEvents).toBeGreaterThan(0);
    expect(first.view).toMatchObject({ cached: true });
    expect(first.view?.storedBytes).toBeGreaterThan(1_200_000);
    expect(first.storage.modelBytes).toBe(first.view?.storedBytes);
    await page.close();
    // A fresh page and worker, with the model's folder unreachable: the load comes from the cache.
    await context.route('**/models/stories260K/**', (route) => route.abort('internetdisconnected'));
    page = await openInference(context, 'offline-2');
    const second = await page.evaluate(async () => {
      const info = await window.inference.load('stories260K');
      const text = (await window.inference.generate({ promptIds: [1] }, { maxTokens: 5 })).text;
      await window.inference.evictModel('stories260K');
      const after = (await window.inference.listModels()).find((m) => m.entry.id === 'stories260K');
      const error = await window.inference.load('stories260K').then(
        () => null,
        (e: { code?: string }) => e.code,
      );
      return { id: info.id, text, after, error, status: await window.inference.status() };
    });
    expect(second).toMatchObject({ id: 'stories260K', text: 'Once upon a time,', after: { cached: false, storedBytes: 0 }, error: 'MODEL_UNREACHABLE' });
    expect(second.status).toMatchObject({ state: 'failed', modelId: 'stories260K', error: { code: 'MODEL_UNREACHABLE' } });
    await context.close();
  });

  it('loads a model from files the user picked, with no network at all for the model', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await openInference(context, 'picked');
    // The "disk": the test reads the files through the page, then cuts the network to them.
    const result = await page.evaluate(async () => {
      const read = async (name: string) => new File([await (await fetch(`/models/stories260K/${name}`)).arrayBuffer()], name);
      const files = [await read('stories260K.onnx'), await read('tok512.bin')];
      await window.inference.addModelFiles(
        { id: 'my-stories', label: 'my copy', engine: 'ort', files: { model: 'stories260K.onnx', tokenizer: 'tok512.bin' }, tokenizerFormat: 'llama2c', vocabSize: 512, contextLength: 512 },
        files,
      );
      return (await window.inference.listModels()).find((m) => m.entry.id === 'my-stories');
    });
    expect(result).toMatchObject({ cached: true, entry: { builtIn: false, baseUrl: null } });
    await context.route('**/models/**', (route) => route.abort('internetdisconnected'));
    const text = await page.evaluate(async () => {
      await window.inference.load('my-stories');
      return (await window.inference.generate({ prompt: 'Once upon a time' }, { maxTokens: 8 })).text;
    });
    expect(text.length).toBeGreaterThan(0);
    await context.close();
  });

  it('chats end to end: memories in the prompt, tokens streamed to the page, the turn stored', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await openInference(context, 'chat');
    const errors = watchErrors(page);
    const result = await page.evaluate(async () => {
      const memos = window.memos;
      await memos.createUser({ userId: 'ana', name: 'Ana' });
      await memos.createCube({ userId: 'ana', cubeId: 'life', name: 'Life' });
      await memos.add({ userId: 'ana', cubeId: 'life', memories: [{ text: 'My dog Biscuit loves the beach.' }, { text: 'I am a nurse.' }] });
      const params = { userId: 'ana', sessionId: 'chat-1', messages: [{ role: 'user' as const, content: 'Where does my dog like to go?' }], maxTokens: 30 };
      const before = await window.memosClient.chat(params).then(
        () => 'answered',
        (e: { code?: string }) => e.code,
      );
      await window.inference.load('stories260K', { device: 'wasm' });
      const pieces: string[] = [];
      const reply = await window.memosClient.chat(params, { onToken: (t) => pieces.push(t.text) });
      await new Promise((r) => setTimeout(r, 50));
      const stored = await memos.search({ userId: 'ana', query: 'dog', filters: { sessionIds: ['chat-1'] } });
      return { before, reply, streamed: pieces.join(''), storedInSession: stored.length };
    });
    expect(result.before).toBe('MODEL_NOT_LOADED');
    expect(result.reply.memories[0]?.memory.text).toBe('My dog Biscuit loves the beach.');
    expect(result.reply.answer.length).toBeGreaterThan(0);
    expect(result.streamed.trim()).toBe(result.reply.answer);
    expect(result.reply.stored.length).toBeGreaterThan(0);
    expect(result.storedInSession).toBeGreaterThan(0);
    errors.expectNone();
    await context.close();
  });

  it('stops a streaming answer when the page aborts (Stop), shows it as ABORTED and stores nothing', async () => {
    const context = await launchProfile(newProfileDir());
    const page = await openInference(context, 'stop');
    const errors = watchErrors(page);
    const result = await page.evaluate(async () => {
      const memos = window.memos;
      await memos.createUser({ userId: 'ana', name: 'Ana' });
      await memos.createCube({ userId: 'ana', cubeId: 'life', name: 'Life' });
      await window.inference.load('stories260K', { device: 'wasm' });
      const controller = new AbortController();
      let tokens = 0;
      const params = { userId: 'ana', cubeId: 'life', sessionId: 'chat-stop', messages: [{ role: 'user' as const, content: 'Tell me a long story about a cat.' }], maxTokens: 400 };
      const outcome = await window.memosClient
        .chat(params, {
          signal: controller.signal,
          onToken: () => {
            // The abort is a message from this page to the workers, as the Stop button sends it.
            if (++tokens === 3) controller.abort();
          },
        })
        .then(
          (reply) => ({ code: 'answered', answerTokens: reply.answer.length }),
          (e: { code?: string }) => ({ code: e.code, answerTokens: 0 }),
        );
      await new Promise((r) => setTimeout(r, 300));
      const stored = await memos.getAll({ userId: 'ana', cubeId: 'life' });
      return { outcome, tokens, stored: stored.total };
    });
    expect(result.outcome.code).toBe('ABORTED');
    // Tokens already on their way may still arrive, but the worker stopped far short of 400.
    expect(result.tokens).toBeLessThan(60);
    expect(result.stored).toBe(0);
    errors.expectNone();
    await context.close();
  });
});

describe.skipIf(!HAS_STORIES)('activation memory across the two workers (needs ../shared)', () => {
  it('builds a KV MemCube in the browser, chats from it, and still has it after a reload', async () => {
    const context = await launchProfile(newProfileDir());
    const store = storeName('kv');
    const url = `${harnessUrl(store)}&inference=1`;
    let page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url);
    const first = await page.evaluate(async () => {
      await window.memosReady;
      const memos = window.memos;
      await memos.createUser({ userId: 'ana', name: 'Ana' });
      await memos.createCube({ userId: 'ana', cubeId: 'life', name: 'Life' });
      const added = await memos.add({ userId: 'ana', cubeId: 'life', memories: [{ text: 'Lily has a red ball.' }, { text: 'Tom likes the park.' }] });
      await window.inference.load('stories260K', { device: 'wasm' });
      const item = await memos.buildActivation({ userId: 'ana', cubeId: 'life', memoryIds: added.map((m) => m.id), encoding: 'fp16' });
      await memos.activate({ userId: 'ana', activationId: item.id, sessionId: 'kv-chat' });
      const reply = await window.memosClient.chat({ userId: 'ana', sessionId: 'kv-chat', messages: [{ role: 'user', content: 'Who has a ball?' }], maxTokens: 16, writeCubeId: null });
      return { item, reply };
    });
    expect(first.item).toMatchObject({ encoding: 'fp16', model: { modelId: 'stories260K' }, sessions: [] });
    expect(first.item.bytes).toBe(5 * 2 * 4 * first.item.tokenIds.length * 8 * 2);
    expect(first.reply.activation).toEqual({ id: first.item.id, used: true, reason: null });
    errors.expectNone();
    await page.close();
    page = await context.newPage();
    await page.goto(url);
    const second = await page.evaluate(async () => {
      await window.memosReady;
      await window.inference.load('stories260K', { device: 'wasm' });
      const list = await window.memos.listActivations({ userId: 'ana', cubeId: 'life' });
      const reply = await window.memosClient.chat({ userId: 'ana', sessionId: 'kv-chat', messages: [{ role: 'user', content: 'Who likes the park?' }], maxTokens: 8, writeCubeId: null });
      return { list, reply };
    });
    expect(second.list.map((i) => [i.id, i.sessions])).toEqual([[first.item.id, ['kv-chat']]]);
    expect(second.reply.activation).toMatchObject({ used: true });
    await context.close();
  });
});

describe('web-llm behind the inference worker (no model can load here: no hub, no f16 GPU)', () => {
  it('lists the prebuilt catalogue and maps its failures to codes: no WebGPU, no shader-f16, unreachable model', async () => {
    const plain = await launchProfile(newProfileDir());
    const page = await openInference(plain, 'webllm');
    const noGpu = await page.evaluate(async () => {
      const views = await window.inference.listModels({ catalogue: true });
      const f32 = views.find((v) => v.entry.engine === 'web-llm' && v.entry.id.includes('q4f32'));
      const error = await window.inference.load(f32!.entry.id).then(() => null, (e: { code?: string }) => e.code);
      return { count: views.filter((v) => v.entry.engine === 'web-llm').length, error };
    });
    expect(noGpu.count).toBeGreaterThan(20);
    expect(noGpu.error).toBe('WEBGPU_UNAVAILABLE');
    await plain.close();

    const gpu = await launchProfile(newProfileDir(), WEBGPU);
    const gpuPage = await openInference(gpu, 'webllm-gpu');
    const codes = await gpuPage.evaluate(async () => {
      const views = await window.inference.listModels({ catalogue: true });
      const pick = (part: string) => views.find((v) => v.entry.engine === 'web-llm' && v.entry.id.includes(part))!.entry.id;
      const codeOf = (id: string) => window.inference.load(id).then(() => null, (e: { code?: string }) => e.code);
      return { f16: await codeOf(pick('q4f16')), f32: await codeOf(pick('q4f32')), status: await window.inference.status() };
    });
    expect(codes.f16).toBe('SHADER_F16_MISSING');
    expect(codes.f32).toBe('MODEL_UNREACHABLE');
    expect(codes.status).toMatchObject({ state: 'failed', error: { code: 'MODEL_UNREACHABLE' } });
    await gpu.close();
  });
});
