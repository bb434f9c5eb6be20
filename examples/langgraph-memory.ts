// A LangGraph agent with long-term memory in memos-web, in Node: `npx tsx examples/langgraph-memory.ts`.
// The graph's node recalls what the user told it before (MemosStore, search by words and meaning) and
// stores new facts; two runs on different threads share the memory, which is versioned and audited
// like any other. In Node, IndexedDB comes from fake-indexeddb (in memory here; a browser keeps it).
// In an app of your own the imports are 'memos-web/core' and 'memos-web/langchain'.
import 'fake-indexeddb/auto';
import { Annotation, END, MemorySaver, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { MemosStore } from '../src/integrations/langchain';
import { MemOS } from '../src/os/memos';

const State = Annotation.Root({ message: Annotation<string>, reply: Annotation<string> });

/** Runs two conversations on two threads; returns what the second one recalled. */
export async function main(log: (line: string) => void = console.log): Promise<string> {
  const os = await MemOS.open({ name: `langgraph-example-${Date.now()}`, scheduler: false });
  await os.createUser({ userId: 'ana', name: 'Ana' });
  const store = new MemosStore({ memos: os, userId: 'ana', index: ['text'] });

  const graph = new StateGraph(State)
    .addNode('respond', async (state: typeof State.State, config: LangGraphRunnableConfig) => {
      const memories = config.store!;
      const recalled = await memories.search(['memories', 'ana'], { query: state.message, limit: 3 });
      const fact = /^remember (?:that )?(.+)$/i.exec(state.message)?.[1];
      if (fact) {
        await memories.put(['memories', 'ana'], `fact-${Date.now()}`, { text: fact });
        return { reply: `Noted: ${fact}` };
      }
      return { reply: recalled.length ? `From memory: ${recalled.map((r) => r.value['text']).join('; ')}` : 'I do not know yet.' };
    })
    .addEdge(START, 'respond')
    .addEdge('respond', END)
    .compile({ store, checkpointer: new MemorySaver() });

  const first = await graph.invoke({ message: 'Remember that my bike is a blue Bianchi' }, { configurable: { thread_id: 'monday' } });
  log(`monday: ${first.reply}`);
  const second = await graph.invoke({ message: 'What colour is my bike?' }, { configurable: { thread_id: 'friday' } });
  log(`friday: ${second.reply}`);
  const cube = (await os.listCubes({ userId: 'ana' }))[0]!;
  log(`audit: ${(await os.auditLog({ userId: 'ana', cubeId: cube.cube.cubeId })).map((e) => e.action).join(', ')}`);
  os.close();
  return second.reply;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
