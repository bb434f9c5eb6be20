// LangChain.js with memos-web, tested with @langchain/core and @langchain/langgraph themselves: the
// retriever's documents carry each memory's id, score and header; the LangGraph store puts, gets,
// searches, filters, lists namespaces and deletes in cubes (versioned like any memory); and a small
// graph remembers across two runs on different threads.
import { Annotation, MemorySaver, StateGraph, START, END, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemosRetriever, MemosStore } from '../../src/integrations/langchain';
import type { MemOS } from '../../src/os/memos';
import { openTestOs } from './helpers';

let os: MemOS;
beforeEach(async () => {
  ({ os } = await openTestOs());
  await os.createUser({ userId: 'ana', name: 'Ana' });
  await os.createCube({ userId: 'ana', cubeId: 'c1', name: 'notes' });
});

describe('MemosRetriever', () => {
  it('returns the memories as documents with their id, score and header', async () => {
    const [m] = await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'The boiler was serviced in March.', tags: ['house'], metadata: { ticket: 'B-12' } } });
    await os.add({ userId: 'ana', cubeId: 'c1', memory: { text: 'Lunch with Sam on Friday.' } });
    const retriever = new MemosRetriever({ memos: os, userId: 'ana', topK: 1 });
    const docs = await retriever.invoke('when was the boiler serviced?');
    expect(docs).toHaveLength(1);
    expect(docs[0]!.pageContent).toBe('The boiler was serviced in March.');
    expect(docs[0]!.id).toBe(m!.id);
    expect(docs[0]!.metadata).toMatchObject({ id: m!.id, cubeId: 'c1', ownerId: 'ana', version: 1, tags: ['house'], metadata: { ticket: 'B-12' } });
    expect(docs[0]!.metadata['score']).toBeGreaterThan(0);
  });
});

describe('MemosStore', () => {
  it('puts, gets, updates with history, searches by text and filter, lists namespaces and deletes', async () => {
    const store = new MemosStore({ memos: os, userId: 'ana' });
    await store.put(['memories', 'ana'], 'diet', { text: 'Ana is vegetarian', kind: 'food' });
    await store.put(['memories', 'ana'], 'city', { text: 'Ana lives in Porto', kind: 'place' });
    await store.put(['profile'], 'name', { text: 'Ana Lima' });
    expect(await store.get(['memories', 'ana'], 'nothing')).toBeNull();
    expect(await store.get(['elsewhere'], 'diet')).toBeNull();
    const diet = await store.get(['memories', 'ana'], 'diet');
    expect(diet).toMatchObject({ namespace: ['memories', 'ana'], key: 'diet', value: { text: 'Ana is vegetarian', kind: 'food' } });
    expect(diet!.createdAt).toBeInstanceOf(Date);

    await store.put(['memories', 'ana'], 'diet', { text: 'Ana is vegan now', kind: 'food' });
    expect((await store.get(['memories', 'ana'], 'diet'))!.value['text']).toBe('Ana is vegan now');
    // Every put is a version of the same memory.
    const cube = (await os.listCubes({ userId: 'ana' })).find((c) => c.cube.name === 'langgraph:["memories","ana"]')!;
    const stored = await os.getAll({ userId: 'ana', cubeId: cube.cube.cubeId });
    const dietMemory = stored.items.find((m) => m.key === 'diet')!;
    expect((await os.history({ userId: 'ana', memoryId: dietMemory.id })).map((v) => v.action)).toEqual(['create', 'update']);

    const found = await store.search(['memories'], { query: 'vegan' });
    expect(found[0]).toMatchObject({ key: 'diet', namespace: ['memories', 'ana'] });
    expect(found[0]!.score).toBeGreaterThan(0);
    expect((await store.search(['memories'], { filter: { kind: 'place' } })).map((i) => i.key)).toEqual(['city']);
    expect((await store.search([], { limit: 10 })).map((i) => i.key).sort()).toEqual(['city', 'diet', 'name']);
    expect(await store.listNamespaces()).toEqual([['memories', 'ana'], ['profile']]);
    expect(await store.listNamespaces({ prefix: ['memories'] })).toEqual([['memories', 'ana']]);
    expect(await store.listNamespaces({ maxDepth: 1 })).toEqual([['memories'], ['profile']]);

    await store.delete(['memories', 'ana'], 'city');
    expect(await store.get(['memories', 'ana'], 'city')).toBeNull();
    // Deleted is archived: restorable, and still in the audit log.
    const city = (await os.getAll({ userId: 'ana', cubeId: cube.cube.cubeId })).items.find((m) => m.key === 'city')!;
    expect(city.state).toBe('archived');
  });

  it('keeps each user to their own cubes', async () => {
    await os.createUser({ userId: 'bo', name: 'Bo' });
    await new MemosStore({ memos: os, userId: 'ana' }).put(['notes'], 'k', { text: 'only for Ana' });
    const bo = new MemosStore({ memos: os, userId: 'bo' });
    expect(await bo.get(['notes'], 'k')).toBeNull();
    expect(await bo.search(['notes'], { query: 'Ana' })).toEqual([]);
  });

  it('gives a LangGraph graph memory that lasts across runs and threads', async () => {
    const store = new MemosStore({ memos: os, userId: 'ana' });
    const State = Annotation.Root({ input: Annotation<string>, recalled: Annotation<string[]> });
    const graph = new StateGraph(State)
      .addNode('remember', async (state: typeof State.State, config: LangGraphRunnableConfig) => {
        const memories = config.store!;
        const recalled = (await memories.search(['memories', 'ana'], { query: state.input, limit: 3 })).map((i) => String(i.value['text']));
        const fact = /^remember (.+)$/i.exec(state.input)?.[1];
        if (fact) await memories.put(['memories', 'ana'], `fact-${recalled.length}-${fact.length}`, { text: fact });
        return { recalled };
      })
      .addEdge(START, 'remember')
      .addEdge('remember', END)
      .compile({ store, checkpointer: new MemorySaver() });

    const first = await graph.invoke({ input: 'remember my bike is blue' }, { configurable: { thread_id: 'one' } });
    expect(first.recalled).toEqual([]);
    const second = await graph.invoke({ input: 'what colour is my bike?' }, { configurable: { thread_id: 'two' } });
    expect(second.recalled).toEqual(['my bike is blue']);
  });
});

describe('examples/langgraph-memory.ts', () => {
  it('runs: the second thread recalls what the first was told', async () => {
    const { main } = await import('../../examples/langgraph-memory');
    const lines: string[] = [];
    expect(await main((line) => lines.push(line))).toBe('From memory: my bike is a blue Bianchi');
    expect(lines[2]).toMatch(/^audit: memory\.add, cube\.create/);
  });
});
