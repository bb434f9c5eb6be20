import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemoryItem } from '../../src/core/memory-item';
import type { OrtDecoder } from '../../src/inference/decoding/ort-decoder';
import { buildChatPrompt, memoryLine } from '../../src/os/chat-prompt';
import type { MemOS } from '../../src/os/memos';
import { storiesDecoder } from '../support/decoders';
import { HAS_STORIES } from '../support/shared-models';
import { errorOf, openTestOs } from './helpers';

const seed = async (os: MemOS): Promise<void> => {
  await os.createUser({ userId: 'ana', name: 'Ana' });
  await os.createCube({ userId: 'ana', cubeId: 'life', name: 'Life' });
  await os.add({
    userId: 'ana',
    cubeId: 'life',
    sessionId: 's1',
    messages: [
      { role: 'user', content: 'My dog is called Biscuit and he loves the beach.', speaker: 'Ana', timestamp: Date.UTC(2025, 4, 8) },
      { role: 'user', content: 'I work as a nurse at the city hospital.', speaker: 'Ana', timestamp: Date.UTC(2025, 4, 9) },
    ],
    reader: { windowSize: 1 },
  });
};

describe('chat without a model', () => {
  it('fails with MODEL_NOT_LOADED and leaves the rest of memOS working', async () => {
    const { os } = await openTestOs();
    await seed(os);
    const error = await errorOf(() => os.chat({ userId: 'ana', sessionId: 'c1', messages: [{ role: 'user', content: 'What is my dog called?' }] }));
    expect(error.code).toBe('MODEL_NOT_LOADED');
    const hits = await os.search({ userId: 'ana', query: 'dog' });
    expect(hits[0]?.memory.text).toContain('Biscuit');
    os.close();
  });
});

describe('the chat prompt', () => {
  // Stands in for a tokenizer: one token a word. The real tokenizer path is exercised below.
  const count = async (texts: readonly string[]): Promise<number[]> => texts.map((t) => t.split(/\s+/).filter(Boolean).length);
  const memory = (text: string, spokenAt: number, speaker = 'Ana'): MemoryItem =>
    ({ text, createdAt: 0, sourceRefs: [{ speaker, spokenAt, sessionId: 's9' }] }) as unknown as MemoryItem;

  it('writes each memory with its date, speaker and session', () => {
    expect(memoryLine(memory('Biscuit loves the beach.', Date.UTC(2025, 4, 8)), 1)).toBe('[1] 2025-05-08 · Ana · session s9: Biscuit loves the beach.');
  });

  it('keeps memories in rank order until the budget is spent, and drops the oldest history first', async () => {
    const memories = [memory('one two three', 0), memory('a b c d e f g h i j k l m n o p q r s t u v w x y z', 0), memory('four five', 0)];
    const history = [
      { role: 'user' as const, content: 'old question '.repeat(30) },
      { role: 'assistant' as const, content: 'old answer' },
      { role: 'user' as const, content: 'new question' },
    ];
    const built = await buildChatPrompt(history, memories, { contextLength: 120, maxTokens: 20, memoryTokens: 45, count });
    expect(built.usedMemories).toEqual([0, 2]);
    expect(built.droppedMessages).toBe(1);
    expect(built.messages.map((m) => m.role)).toEqual(['system', 'assistant', 'user']);
    expect(built.messages[0]?.content).toContain('[2] 1970-01-01 · Ana · session s9: four five');
  });

  it('puts near-duplicates in once: the turn window and the preference read from it are one memory to the model', async () => {
    const window = memory('user: I live in Porto with my partner Ana.\nassistant: Got it: Porto, with Ana.', 0);
    const preference = memory('I live in Porto with my partner Ana.', 0);
    const other = memory('Rita loves hiking in the mountains.', 0);
    const built = await buildChatPrompt([{ role: 'user', content: 'Where do I live?' }], [window, preference, other], { contextLength: 400, maxTokens: 20, memoryTokens: 200, count });
    expect(built.usedMemories).toEqual([0, 2]);
    expect(built.messages[0]!.content.match(/Porto with my partner/g)).toHaveLength(1);
  });

  it('refuses with CONTEXT_OVERFLOW when the last message alone does not fit', async () => {
    const error = await errorOf(() => buildChatPrompt([{ role: 'user', content: 'word '.repeat(200) }], [], { contextLength: 100, maxTokens: 20, memoryTokens: 10, count }));
    expect(error.code).toBe('CONTEXT_OVERFLOW');
  });
});

describe.skipIf(!HAS_STORIES)('chat with stories260K (needs ../shared)', () => {
  let decoder: OrtDecoder;
  beforeAll(async () => {
    decoder = await storiesDecoder();
  });
  afterAll(() => decoder?.dispose());

  it('recalls the memory, streams the answer, and stores the turn in the session', async () => {
    const { os } = await openTestOs();
    await seed(os);
    os.setLanguageModel(decoder);
    const pieces: string[] = [];
    const result = await os.chat(
      { userId: 'ana', sessionId: 'chat-1', messages: [{ role: 'user', content: 'What is my dog called?' }], maxTokens: 40 },
      { onToken: (t) => pieces.push(t.text) },
    );
    expect(result.memories[0]?.memory.text).toContain('Biscuit');
    expect(result.answer.length).toBeGreaterThan(0);
    expect(pieces.join('').trim()).toBe(result.answer);
    expect(result.promptTokens + 40).toBeLessThanOrEqual(512);
    expect(result.stored.length).toBeGreaterThan(0);
    expect(result.stored.every((m) => m.cubeId === 'life' && m.sourceRefs.some((r) => r.sessionId === 'chat-1'))).toBe(true);
    const again = await os.search({ userId: 'ana', query: 'What is my dog called?', filters: { sessionIds: ['chat-1'] } });
    expect(again.length).toBeGreaterThan(0);
    // By default the user's message is memory and the model's answer is not.
    expect(result.stored.map((m) => m.text).join('\n')).not.toContain(result.answer.slice(0, 24));
    // The memories put into the prompt were used once, by chat; the search hits were not counted.
    const used = await os.get({ userId: 'ana', memoryId: result.memories[0]!.memory.id });
    expect(used.usage).toMatchObject({ accessCount: 1, hits: [{ by: 'chat' }] });
    const { items } = await os.getAll({ userId: 'ana', cubeId: 'life' });
    const inPrompt = new Set(result.memories.map((h) => h.memory.id));
    expect(items.filter((m) => !inPrompt.has(m.id)).every((m) => m.usage.accessCount === 0)).toBe(true);
    // Asked for, the answer is stored with the message.
    const kept = await os.chat(
      { userId: 'ana', sessionId: 'chat-1b', messages: [{ role: 'user', content: 'What is my job?' }], maxTokens: 24, storeAnswer: true },
    );
    expect(kept.stored.map((m) => m.text).join('\n')).toContain(kept.answer.slice(0, 24));
    os.close();
  });

  it('stores nothing when the generation is aborted', async () => {
    const { os } = await openTestOs();
    await seed(os);
    os.setLanguageModel(async () => decoder);
    const before = (await os.getAll({ userId: 'ana', cubeId: 'life' })).total;
    const controller = new AbortController();
    const error = await errorOf(() =>
      os.chat(
        { userId: 'ana', sessionId: 'chat-2', messages: [{ role: 'user', content: 'Tell me a story.' }], maxTokens: 100 },
        { signal: controller.signal, onToken: (t) => t.index === 3 && controller.abort() },
      ),
    );
    expect(error.code).toBe('ABORTED');
    const after = await os.getAll({ userId: 'ana', cubeId: 'life' });
    expect(after.total).toBe(before);
    // An aborted answer used nothing either.
    expect(after.items.every((m) => m.usage.accessCount === 0)).toBe(true);
    os.close();
  });

  it('never puts another user’s private cube in the prompt', async () => {
    const { os } = await openTestOs();
    await seed(os);
    await os.createUser({ userId: 'bo', name: 'Bo' });
    await os.createCube({ userId: 'bo', cubeId: 'bo-cube', name: 'Bo' });
    os.setLanguageModel(decoder);
    const result = await os.chat({ userId: 'bo', sessionId: 'x', messages: [{ role: 'user', content: 'What is the dog called?' }], maxTokens: 8 });
    expect(result.memories).toHaveLength(0);
    expect(result.stored.every((m) => m.cubeId === 'bo-cube')).toBe(true);
    os.close();
  });
});
