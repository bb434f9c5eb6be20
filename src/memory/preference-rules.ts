/**
 * Rule-based recognition of a user stating a preference or a constraint about themselves ("I can't
 * stand spicy food", "I only buy second-hand", "my favourite band is…"), so the fast reader can keep it
 * as a memory of semantic type "preference" without an LLM. Deliberately conservative: first person,
 * and a verb or phrase of liking, disliking, habit or limitation in the speaker's own clause (what a
 * partner or a friend likes, or is allergic to, is a fact about them, not the user's preference).
 */

const FIRST_PERSON = String.raw`\b(?:i|i'm|i am|i've|i have|i'd|i would|me|my)\b`;

/**
 * Up to `n` characters within the speaker's own clause: no sentence end, comma or semicolon, and no
 * word that hands the sentence to someone else ("my partner, who is allergic…", "my sister likes…").
 */
function ownClause(n: number): string {
  return String.raw`(?:(?!\b(?:who|whom|whose|which|he|she|they|his|her|their|him|them|partner|wife|husband|son|daughter|mother|mom|mum|father|dad|sister|brother|friend|friends|kids|children|boss|colleague)\b)[^.!?,;]){0,${n}}`;
}

const PREFERENCE_PATTERNS: readonly RegExp[] = [
  // liking and disliking
  new RegExp(`${FIRST_PERSON}${ownClause(80)}\\b(?:prefer|preference|like|love|enjoy|adore|fancy|dislike|hate|detest|loathe|despise|can't stand|cannot stand|don't like|do not like|don't enjoy|do not enjoy|am not a fan|'m not a fan|am a fan|'m a fan|averse|aversion|am into|'m into|interested in|interest in|no interest|not interested|not into)\\b`, 'i'),
  // how one works best, and what one finds hard or dull
  /\bi\s+(?:learn|work|study|focus|sleep|think|do|feel)\s+(?:best|better|most comfortable)\b/i,
  /\bi\s+find\s+[^.!?]{0,60}\b(?:tedious|boring|dull|annoying|disorienting|overwhelming|frustrating|unpleasant|uncomfortable|stressful|difficult|hard|too \w+)\b/i,
  // habits and limits
  new RegExp(`\\bi\\s+(?:\\w+ly\\s+)?(?:only|never|always|usually|rarely|avoid|refuse|won't|will not|don't|do not|can't|cannot|must|need to|try to|stick to|steer clear|exclusively)\\b`, 'i'),
  new RegExp(`${FIRST_PERSON}${ownClause(80)}\\b(?:avoid|refuse|objection|object to|exclusively|can only|only (?:use|eat|buy|wear|watch|drink|play|read|listen|travel|stay))\\b`, 'i'),
  // conditions that constrain choices
  new RegExp(`${FIRST_PERSON}${ownClause(30)}\\b(?:allergic|allergy|intolerant|intolerance|phobia|afraid of|scared of|fear of|vegan|vegetarian|sensitive to|uncomfortable|difficult for me|hard for me|find it difficult|find it hard)\\b`, 'i'),
  // favourites
  /\bmy\s+(?:favou?rite|preferred|go-to)\b/i,
];

/** Tells whether a user's message states a preference or constraint about themselves. */
export function statesPreference(text: string): boolean {
  const t = text.replace(/[’]/g, "'");
  if (t.trim().endsWith('?')) return false;
  return PREFERENCE_PATTERNS.some((p) => p.test(t));
}
