/**
 * The guided demo: a short story told over two sessions (preferences and facts), then questions whose
 * answers should draw on them. Plain data; <memos-demo> plays it through the public API.
 */
import type { ChatMessage } from '../protocol/memory-types';

/** One past conversation of the demo. */
export interface DemoSession {
  readonly sessionId: string;
  /** How many days before now it took place. */
  readonly daysAgo: number;
  readonly messages: readonly Pick<ChatMessage, 'role' | 'content'>[];
}

/** A question asked after the sessions, with the words a relevant recalled memory contains. */
export interface DemoQuestion {
  readonly question: string;
  readonly expects: string;
}

export const DEMO_CUBE_NAME = 'Guided demo';

export const DEMO_SESSIONS: readonly DemoSession[] = [
  {
    sessionId: 'demo-session-1',
    daysAgo: 9,
    messages: [
      { role: 'user', content: "I'm vegetarian, so no meat or fish in dinner ideas, and I really dislike mushrooms." },
      { role: 'assistant', content: 'Noted: vegetarian dinners, and no mushrooms.' },
      { role: 'user', content: 'I live in Porto with my partner Ana, who is allergic to peanuts.' },
      { role: 'assistant', content: 'Got it: Porto, with Ana, and no peanuts for her.' },
    ],
  },
  {
    sessionId: 'demo-session-2',
    daysAgo: 2,
    messages: [
      { role: 'user', content: 'I prefer short answers with bullet points.' },
      { role: 'assistant', content: 'Short, with bullet points, from now on.' },
      { role: 'user', content: 'My sister Rita turns 30 on 14 March. She loves hiking in the mountains.' },
      { role: 'assistant', content: 'I will remember Rita: 30 on 14 March, loves mountain hiking.' },
    ],
  },
];

export const DEMO_QUESTIONS: readonly DemoQuestion[] = [
  { question: 'Can you suggest a dinner I could cook for Ana and me on Saturday?', expects: 'vegetarian' },
  { question: 'What would be a good birthday present for my sister?', expects: 'hiking' },
];
