import 'fake-indexeddb/auto';
import { MemOS } from '../src/os/memos';
import { options } from './lib/bench-utils';
import { cachedEmbedder } from './lib/embedding-cache';
import { benchUseLite } from './lib/use-lite-bench';
import { readLocomo } from './lib/locomo';
import { queryEntityKeys } from '../src/memory/graph/entity-extraction';
const opts = options();
const chosen = await benchUseLite(opts);
const embedder = cachedEmbedder(chosen!.embedder);
const only = ['conv-26'];
const conversations = readLocomo('../shared/data/locomo/locomo-dev.json').filter((c) => only.includes(c.id));
const os = await MemOS.open({ name: `an-${Date.now()}`, durability: 'relaxed', embedder });
await os.createUser({ userId: 'b', name: 'b' });
const textOf = new Map<string, string>();
for (const c of conversations) {
  await os.createCube({ userId: 'b', cubeId: c.id, name: c.id });
  for (const s of c.sessions) { await os.add({ userId: 'b', cubeId: c.id, sessionId: s.sessionId, messages: s.messages, reader: { windowSize: 1 } }); for (const m of s.messages) textOf.set(m.id!, `${m.speaker}: ${m.content}`.slice(0, 140)); }
}
await os.graphSettled();
for (const c of conversations) for (const q of c.questions.filter((q) => q.category === Number(opts.get('cat') ?? 1)).slice(0, 25)) {
  const hits = await os.search({ userId: 'b', query: q.question, cubeIds: [c.id], topK: 100, trackUsage: false });
  const rank = (id: string) => hits.findIndex((h) => h.memory.sourceRefs.some((r) => r.messageId === id)) + 1;
  console.log(`\nQ: ${q.question}   keys=${(await queryEntityKeys(q.question)).join(',')}`);
  for (const e of q.evidence) console.log(`   [${rank(e) || '-'}] ${e} ${textOf.get(e)}`);
  console.log('   top3:', hits.slice(0, 3).map((h) => h.memory.text.slice(0, 70)).join(' || '));
}
os.close();
embedder.save?.();
