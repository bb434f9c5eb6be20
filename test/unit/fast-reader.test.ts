import { describe, expect, it } from 'vitest';
import { MemosError } from '../../src/core/errors';
import { readConversation } from '../../src/memory/fast-reader';

const conversation = [
  { role: 'user', content: 'I moved to Lisbon in May.', speaker: 'Ana', id: 'D1:1', timestamp: '2023-05-08T13:56:00Z' },
  { role: 'assistant', content: 'How do you like it?', speaker: 'Bot', id: 'D1:2', timestamp: '2023-05-08T13:57:00Z' },
  { role: 'system', content: 'hidden', id: 'S' },
  { role: 'user', content: '   ', id: 'blank' },
  { role: 'user', content: 'I love the tiles.', speaker: 'Ana', id: 'D1:3', timestamp: 1683554280000 },
] as const;

describe('the fast reader', () => {
  it('groups turns into windows and keeps who said what, when, and which message it was', () => {
    const drafts = readConversation(conversation, 's1', { windowSize: 2 });
    expect(drafts.map((d) => d.text)).toEqual(['Ana: I moved to Lisbon in May.\nBot: How do you like it?', 'Ana: I love the tiles.']);
    // The stated preference ends up alone in its window, which is marked as a preference.
    expect(drafts.map((d) => d.semanticType)).toEqual([undefined, 'preference']);
    expect(drafts[0]?.sourceRefs).toEqual([
      { sessionId: 's1', messageId: 'D1:1', speaker: 'Ana', spokenAt: Date.parse('2023-05-08T13:56:00Z') },
      { sessionId: 's1', messageId: 'D1:2', speaker: 'Bot', spokenAt: Date.parse('2023-05-08T13:57:00Z') },
    ]);
  });

  it('keeps every turn its own memory with windowSize 1, and overlaps windows when asked', () => {
    const single = readConversation(conversation, undefined, { windowSize: 1 });
    expect(single).toHaveLength(3);
    // With one turn per memory, the preference is the turn's own memory, marked as such.
    expect(single.map((d) => d.semanticType)).toEqual([undefined, undefined, 'preference']);
    const overlapping = readConversation(conversation, undefined, { windowSize: 2, overlap: 1 });
    // The preference (D1:3) shares its window with another turn, so it is also kept on its own.
    expect(overlapping.map((d) => d.sourceRefs.map((r) => r.messageId))).toEqual([['D1:1', 'D1:2'], ['D1:2', 'D1:3'], ['D1:3']]);
    expect(overlapping[2]).toMatchObject({ semanticType: 'preference', source: 'extracted', text: 'Ana: I love the tiles.' });
  });

  it('drops system messages unless asked, and blank ones always', () => {
    const withSystem = readConversation(conversation, undefined, { windowSize: 1, includeSystem: true });
    expect(withSystem.map((d) => d.sourceRefs[0]?.messageId)).toEqual(['D1:1', 'D1:2', 'S', 'D1:3']);
  });

  it.each([
    [[{ role: 'robot', content: 'x' }], 'messages[0].role'],
    [[{ role: 'user', content: 3 }], 'messages[0].content'],
    [[{ role: 'user', content: 'x', timestamp: 'yesterday-ish' }], 'messages[0].timestamp'],
    [[null], 'messages[0]'],
  ])('refuses a malformed message with INVALID_INPUT naming the field (%j)', (messages, field) => {
    try {
      readConversation(messages as never, undefined);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MemosError);
      expect((error as MemosError).code).toBe('INVALID_INPUT');
      expect((error as MemosError).details).toEqual({ field });
    }
  });

  it('refuses an overlap as large as the window', () => {
    expect(() => readConversation(conversation, undefined, { windowSize: 2, overlap: 2 })).toThrowError(MemosError);
  });
});
