import '../support/xgrammar-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerateResult, LanguageModel } from '../../src/protocol/language-model';
import type { OrtDecoder } from '../../src/inference/decoding/ort-decoder';
import { FINE_READER_VERSION, readFine } from '../../src/memory/fine-reader';
import { SYNTHETIC_SHAPES } from '../../src/inference/onnx/synthetic-llama';
import { storiesDecoder, syntheticDecoder } from '../support/decoders';
import { HAS_STORIES } from '../support/shared-models';
import { errorOf, openTestOs } from './helpers';

/** Stands for a model that followed the schema: it answers with the JSON it is given. */
function scripted(text: string): LanguageModel {
  return {
    info: { id: 'scripted', engine: 'ort', device: 'wasm', contextLength: 2048, templateVersion: 'plain-1' },
    countTokens: async (texts) => texts.map((t) => t.length),
    generate: async (): Promise<GenerateResult> => ({ text, tokenIds: [], promptTokens: 0, finishReason: 'eos', timings: { prefillMs: 0, firstTokenMs: 0, decodeMs: 0, tokensPerSecond: 0 } }),
    dispose: async () => undefined,
  };
}

const turn = { speaker: 'Ana', text: 'I moved to Madrid last May and I hate cilantro.', at: Date.UTC(2025, 8, 10), ref: { messageId: 'm1', speaker: 'Ana', spokenAt: Date.UTC(2025, 8, 10) } };

describe('the fine reader', () => {
  it('turns the model’s JSON into memories, resolving "when" against the message time', async () => {
    const json = JSON.stringify({
      memories: [
        { key: 'home city', value: 'lives in Madrid', semanticType: 'fact', memoryType: 'user', tags: ['home'], when: 'last May' },
        { key: 'food dislike', value: 'hates cilantro', semanticType: 'preference', memoryType: 'user', tags: [], when: null },
      ],
    });
    const [moved, food] = await readFine(scripted(json), [turn]);
    expect(moved).toMatchObject({ key: 'home city', text: 'lives in Madrid', semanticType: 'fact', validFrom: Date.UTC(2025, 4, 1), sourceRefs: [turn.ref] });
    expect(moved!.tags).toEqual(['home', FINE_READER_VERSION]);
    expect(food).toMatchObject({ key: 'food dislike', semanticType: 'preference' });
    expect(food!.validFrom).toBeUndefined();
  });

  it('reads typed relations with their end, and drops only a relation that has a blank end', async () => {
    const json = JSON.stringify({
      memories: [
        { key: 'home city', value: 'lived in Paris until last May', semanticType: 'fact', memoryType: 'user', tags: [], when: 'in 2020', until: 'last May', relation: { subject: 'Ana', predicate: 'lives in', object: 'Paris' } },
        { key: 'food dislike', value: 'hates cilantro', semanticType: 'preference', memoryType: 'user', tags: [], when: null, until: null, relation: { subject: 'Ana', predicate: ' ', object: 'cilantro' } },
        { key: 'job', value: 'works at a bakery', semanticType: 'fact', memoryType: 'user', tags: [], when: null, until: 'in 2019', relation: null },
      ],
    });
    const [paris, food, job] = await readFine(scripted(json), [turn]);
    expect(paris).toMatchObject({ relation: { subject: 'Ana', predicate: 'lives in', object: 'Paris' }, validFrom: Date.UTC(2020, 0, 1), validTo: Date.UTC(2025, 4, 1) });
    expect(food!.relation).toBeUndefined();
    expect(food!.text).toBe('hates cilantro');
    // An end with no start is kept; one before its start would not be.
    expect(job!.validTo).toBe(Date.UTC(2019, 0, 1));
    expect(job!.relation).toBeUndefined();
  });

  it('gives nothing for output that is not valid JSON of the schema', async () => {
    expect(await readFine(scripted('{"memories": [{"key": 1}]}'), [turn])).toEqual([]);
    expect(await readFine(scripted('not json'), [turn])).toEqual([]);
  });
});

describe.skipIf(!HAS_STORIES)('the fine reader with stories260K and consent (needs ../shared)', () => {
  let decoder: OrtDecoder;
  beforeAll(async () => {
    decoder = await storiesDecoder();
  });
  afterAll(() => decoder?.dispose());

  const setup = async () => {
    const opened = await openTestOs();
    await opened.os.createUser({ userId: 'ana', name: 'Ana' });
    await opened.os.createCube({ userId: 'ana', cubeId: 'c', name: 'c' });
    return opened;
  };

  it('extracts schema-valid memories beside the raw turns, and needs a model', { timeout: 60_000 }, async () => {
    const { os } = await setup();
    const turns = await os.add({ userId: 'ana', cubeId: 'c', messages: [{ role: 'user', content: 'Lily has a red ball and she loves the park.' }], reader: { windowSize: 1 } });
    expect((await errorOf(() => os.extract({ userId: 'ana', cubeId: 'c', memoryIds: turns.map((t) => t.id) }))).code).toBe('MODEL_NOT_LOADED');
    // stories260K's 512-token window is too short for a whole extraction: a synthetic model with a
    // longer one stands in (its answers are random, but the grammar keeps them valid).
    const { decoder: long } = await syntheticDecoder({ ...SYNTHETIC_SHAPES.tiny, maxPositions: 8192 }, 21);
    os.setLanguageModel(long);
    const { proposals, stored } = await os.extract({ userId: 'ana', cubeId: 'c', memoryIds: turns.map((t) => t.id), atLeastOne: true, maxTokens: 7000 });
    expect(proposals.length).toBeGreaterThan(0);
    expect(stored.length).toBe(proposals.length);
    for (const memory of stored) {
      expect(memory.source).toBe('extracted');
      expect(memory.key?.length).toBeGreaterThan(0);
      expect(memory.tags).toContain(FINE_READER_VERSION);
      expect(memory.sourceRefs).toEqual(turns[0]!.sourceRefs);
    }
    expect((await os.get({ userId: 'ana', memoryId: turns[0]!.id })).state).toBe('generated');
    await long.dispose();
    os.close();
  });

  it('asks by default (proposals wait in the job until accepted), stores at once with "auto", and does nothing with "manual"', async () => {
    const { os } = await setup();
    os.setLanguageModel(decoder);
    const say = (content: string) => os.add({ userId: 'ana', cubeId: 'c', messages: [{ role: 'user', content }] });
    await say('Tom likes the big tree.');
    await os.setIdle({ idle: true });
    await os.scheduler.settled();
    const [asked] = (await os.listJobs({ states: ['done'] })).filter((j) => j.kind === 'fine-read');
    expect(asked?.summary).toMatch(/proposals await the user$/);
    const before = (await os.getAll({ userId: 'ana', cubeId: 'c' })).total;
    const accepted = await os.acceptProposals({ userId: 'ana', jobId: asked!.id });
    expect((await os.getAll({ userId: 'ana', cubeId: 'c' })).total).toBe(before + accepted.length);
    expect((await errorOf(() => os.acceptProposals({ userId: 'bo', jobId: asked!.id }))).code).toBe('INVALID_INPUT');

    await os.setConsent({ userId: 'ana', mode: 'manual' });
    await say('The cat sleeps all day.');
    await os.scheduler.settled();
    expect((await os.listJobs({ states: ['queued', 'running'] })).filter((j) => j.kind === 'fine-read')).toEqual([]);

    await os.setConsent({ userId: 'ana', mode: 'auto' });
    await say('Mia has a little dog.');
    await os.scheduler.settled();
    const [auto] = (await os.listJobs({ states: ['done'] })).filter((j) => j.kind === 'fine-read' && j.id !== asked!.id);
    expect(auto?.summary).toMatch(/memories extracted$/);
    os.close();
  });
});
