// The guided demo's data through the real MemOS (words only here; the browser test adds USE-lite):
// each question recalls what the conversations said about it, near the top.
import { describe, expect, it } from 'vitest';
import { DEMO_QUESTIONS, DEMO_SESSIONS } from '../../src/ui/demo-scenario';
import { openTestOs } from './helpers';

describe('the guided demo scenario', () => {
  it('recalls the stated preference or fact for each question within the top 3', async () => {
    const { os, clock } = await openTestOs();
    await os.createUser({ userId: 'me', name: 'Me' });
    const cube = await os.createCube({ userId: 'me', name: 'Guided demo' });
    for (const session of DEMO_SESSIONS) {
      const at = clock.now - session.daysAgo * 86_400_000;
      await os.add({ userId: 'me', cubeId: cube.cubeId, sessionId: session.sessionId, messages: session.messages.map((m, i) => ({ ...m, timestamp: at + i * 60_000 })) });
    }
    for (const q of DEMO_QUESTIONS) {
      const hits = await os.search({ userId: 'me', query: q.question, cubeIds: [cube.cubeId], topK: 5 });
      expect(hits.slice(0, 3).some((h) => h.memory.text.toLowerCase().includes(q.expects))).toBe(true);
    }
    await os.close();
  });
});
