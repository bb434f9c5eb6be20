// The topic tree with a model loaded: titles a chat model writes for each topic at idle time (never
// from a memory some reader of the cube may not see), a KV cube built from a whole topic, and the
// scheduler's promotion of a session's recurring memories choosing the topic they belong to.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OrtDecoder } from '../../src/inference/decoding/ort-decoder';
import { SYNTHETIC_SHAPES } from '../../src/inference/onnx/synthetic-llama';
import type { GenerateResult, LanguageModel } from '../../src/protocol/language-model';
import type { MemOS } from '../../src/os/memos';
import { syntheticDecoder } from '../support/decoders';
import { errorOf, openTestOs } from './helpers';

let opened: MemOS[] = [];
afterEach(() => {
  for (const os of opened) os.close();
  opened = [];
});

const theme = (place: string, things: readonly string[]) => things.map((thing) => ({ text: `Ana talked about the ${thing} at the ${place}.` }));
const POTTERY = theme('pottery studio', ['kiln', 'clay', 'glaze', 'wheel', 'vase', 'mug', 'bowl', 'apron']);
const HIKING = theme('mountain hut', ['trail', 'summit', 'ridge', 'boots', 'map', 'cairn', 'stove', 'tent']);

async function setup(options: Parameters<typeof openTestOs>[0] = {}) {
  const { os } = await openTestOs(options);
  opened.push(os);
  await os.createUser({ userId: 'ana', name: 'Ana' });
  await os.createCube({ userId: 'ana', cubeId: 'c', name: 'C' });
  const pottery = await os.add({ userId: 'ana', cubeId: 'c', memories: POTTERY });
  const hiking = await os.add({ userId: 'ana', cubeId: 'c', memories: HIKING });
  await os.graphStatus({ wait: true });
  return { os, pottery, hiking };
}

describe('topic titles', () => {
  /** Stands for an instruction-following chat model: it titles what the prompt's memories talk about, and remembers every prompt. */
  function titler(): LanguageModel & { prompts: string[] } {
    const prompts: string[] = [];
    return {
      prompts,
      info: { id: 'titler', engine: 'web-llm', device: 'webgpu', contextLength: 4096, templateVersion: 'titler-test' },
      countTokens: async (texts) => texts.map((t) => t.length),
      async generate(request): Promise<GenerateResult> {
        const text = 'messages' in request ? request.messages.map((m) => m.content).join('\n') : '';
        prompts.push(text);
        const title = /kiln|glaze/.test(text) ? 'Pottery at the studio' : /trail|summit/.test(text) ? 'Mountain hikes' : 'Everyday life';
        return { text: JSON.stringify({ title }), tokenIds: [], promptTokens: 0, finishReason: 'eos', timings: { prefillMs: 0, firstTokenMs: 0, decodeMs: 0, tokensPerSecond: 0 } };
      },
      dispose: async () => undefined,
    };
  }

  it('are written at idle time once a chat model is loaded, from memories every reader may see', async () => {
    const { os } = await setup();
    await os.add({ userId: 'ana', cubeId: 'c', memory: { text: 'Ana hid the secret glaze recipe in the kiln log.', visibility: 'private' } });
    await os.graphStatus({ wait: true });
    const untitled = await os.topics({ userId: 'ana', cubeId: 'c' });
    expect(untitled.length).toBeGreaterThanOrEqual(2);
    expect(untitled.every((t) => t.title === undefined)).toBe(true);
    // The job waits for a model: with none loaded, idle time writes nothing.
    await os.setIdle({ idle: true });
    await os.scheduler.settled();
    expect((await os.listJobs({ states: ['queued'] })).map((j) => j.kind)).toContain('topic-titles');
    const model = titler();
    os.setLanguageModel(model);
    await expect.poll(async () => (await os.listJobs({ states: ['done'] })).find((j) => j.kind === 'topic-titles')?.summary, { timeout: 5_000 }).toMatch(/topic titles written/);
    const titled = await os.topics({ userId: 'ana', cubeId: 'c' });
    const titles = titled.map((t) => t.title).sort();
    expect(titles).toEqual(['Mountain hikes', 'Pottery at the studio']);
    expect(model.prompts.length).toBeGreaterThanOrEqual(2);
    expect(model.prompts.join('\n')).not.toContain('secret');
  });

  it('never show the model words that only private memories say, even as the topic’s label', async () => {
    const { os } = await openTestOs();
    opened.push(os);
    await os.createUser({ userId: 'ana', name: 'Ana' });
    await os.createCube({ userId: 'ana', cubeId: 'c', name: 'C' });
    await os.add({ userId: 'ana', cubeId: 'c', memories: ['scan', 'jab', 'check', 'test', 'result', 'form'].map((thing) => ({ text: `The ${thing} for the IVF treatment was at the hospital.`, visibility: 'private' as const })) });
    await os.add({ userId: 'ana', cubeId: 'c', memories: [{ text: 'The bus stops at the city hospital.' }, { text: 'The city hospital has a new cafe.' }] });
    await os.add({ userId: 'ana', cubeId: 'c', memories: POTTERY });
    await os.graphStatus({ wait: true });
    const [topic] = await os.topics({ userId: 'ana', cubeId: 'c' });
    // The owner's label names what the private memories say; the model is not shown it.
    expect(topic!.label.toLowerCase()).toContain('ivf');
    const model = titler();
    os.setLanguageModel(model);
    await os.setIdle({ idle: true });
    await expect.poll(async () => (await os.listJobs({ states: ['done'] })).find((j) => j.kind === 'topic-titles')?.summary, { timeout: 5_000 }).toMatch(/topic titles written/);
    // (Consolidation, which reads the owner's own memories for the owner, asks the model too.)
    const asked = model.prompts.filter((prompt) => prompt.includes('short title'));
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.join('\n').toLowerCase()).not.toContain('ivf');
  });

  it('are not asked of a base model without a chat template', async () => {
    const { os } = await setup();
    await os.topics({ userId: 'ana', cubeId: 'c' });
    const model = titler();
    os.setLanguageModel({ ...model, info: { ...model.info, templateVersion: 'plain-1' } });
    await os.setIdle({ idle: true });
    await expect.poll(async () => (await os.listJobs({ states: ['done'] })).find((j) => j.kind === 'topic-titles')?.summary, { timeout: 5_000 }).toMatch(/^0 topic titles/);
    expect(model.prompts).toEqual([]);
    expect((await os.topics({ userId: 'ana', cubeId: 'c' })).every((t) => t.title === undefined)).toBe(true);
  });
});

describe('KV cubes of whole topics', () => {
  let decoder: OrtDecoder;
  beforeAll(async () => {
    ({ decoder } = await syntheticDecoder({ ...SYNTHETIC_SHAPES.tiny, maxPositions: 2048 }, 5));
  });
  afterAll(() => decoder?.dispose());

  it('builds a KV cube from a topic’s memories nearest its centre, and refuses a topic the tree does not have', async () => {
    const { os, pottery } = await setup();
    os.setLanguageModel(decoder);
    const topics = await os.topics({ userId: 'ana', cubeId: 'c' });
    const studio = topics.find((t) => t.memoryIds.some((id) => id === pottery[0]!.id))!;
    const item = await os.buildActivation({ userId: 'ana', cubeId: 'c', topicId: studio.topicId, topK: 5, encoding: 'fp16' });
    expect(item.sourceIds).toEqual(studio.memoryIds.slice(0, 5));
    expect(item.text).toContain('pottery studio');
    expect(item.text).not.toContain('mountain hut');
    expect((await errorOf(() => os.buildActivation({ userId: 'ana', cubeId: 'c', topicId: 't99' }))).code).toBe('INVALID_INPUT');
  });

  it('promotes a session’s recurring memories with the rest of their topic at idle time', async () => {
    const { os, pottery } = await setup();
    os.setLanguageModel(decoder);
    for (const question of ['What about the kiln and the clay?', 'Tell me about the kiln and the clay', 'The kiln and the clay again?']) {
      await os.chat({ userId: 'ana', sessionId: 's', messages: [{ role: 'user', content: question }], maxTokens: 2, writeCubeId: null });
    }
    const recurring = (await os.workingMemory({ userId: 'ana', sessionId: 's' })).filter((e) => e.recurrence >= 3).map((e) => e.memoryId);
    expect(recurring.length).toBeGreaterThanOrEqual(2);
    await os.scheduler.settled();
    await os.setIdle({ idle: true });
    await expect.poll(async () => (await os.listJobs({ states: ['done', 'failed'] })).find((j) => j.kind === 'promote-kv')?.summary, { timeout: 10_000 }).toMatch(/of the topic/);
    const [cube] = await os.listActivations({ userId: 'ana', cubeId: 'c' });
    const potteryIds = new Set(pottery.map((m) => m.id));
    expect(cube!.sourceIds.length).toBe(8);
    for (const id of recurring) expect(cube!.sourceIds).toContain(id);
    // The rest of the cube is the pottery topic's, not the hikes'.
    expect(cube!.sourceIds.filter((id) => potteryIds.has(id)).length).toBeGreaterThanOrEqual(7);
  });
});
