import { describe, expect, it } from 'vitest';
import { statesPreference } from '../../src/memory/preference-rules';
import { seeksAdvice } from '../../src/search/query-intent';

describe('recognising stated preferences', () => {
  it.each([
    'I strongly dislike eating spicy food.',
    'I prefer pets that don’t have scales or feathers.',
    'I never wear heels; I’m only comfortable in flat shoes.',
    'I only use beauty products that are Fair Trade certified.',
    'I have a phobia of birds.',
    'My favourite band is Khruangbin.',
    'I am allergic to peanuts',
    'Honestly I can’t stand crowded museums.',
    'My partner and I love slow travel.',
    'I’m vegetarian, so I avoid meat broths.',
  ])('takes "%s" for a preference', (text) => expect(statesPreference(text)).toBe(true));

  it.each([
    'The meeting moved to Thursday.',
    'Can you convert this function to Go?',
    'Do you prefer tea or coffee?',
    'She likes hiking.',
    'Here is the equivalent Fibonacci function in Go.',
    // Someone else's likes and limits are facts about them, not the user's preferences.
    'I live in Porto with my partner Ana, who is allergic to peanuts.',
    'My sister loves horror films.',
    'I went hiking with my friend, she hates the cold.',
  ])('does not take "%s" for one', (text) => expect(statesPreference(text)).toBe(false));
});

describe('recognising advice-seeking queries', () => {
  it.each([
    "What are some must-try local restaurants you'd recommend for me?",
    'Can you suggest some street food in Thailand?',
    'What would be a good, interactive pet for my apartment?',
    'Any tips for keeping my pet healthy?',
    'Which laptop should I buy?',
  ])('takes "%s" as advice-seeking', (q) => expect(seeksAdvice(q)).toBe(true));

  it.each(['When did Caroline go to the support group?', 'What did Melanie paint?', 'Who is Ana’s sister?'])('does not take "%s" as one', (q) =>
    expect(seeksAdvice(q)).toBe(false),
  );
});
