/**
 * What a query asks for, by rules: an advice-seeking query ("what would you recommend…", "any tips
 * for…", "which … should I…") is one where the user's stated preferences should be consulted even
 * when they share no words with it.
 */
const ADVICE_PATTERNS: readonly RegExp[] = [
  /\b(?:recommend\w*|suggest\w*|advice|advise|tips?|ideas?|options|resources|must-(?:try|see|watch|read|visit)|worth (?:trying|visiting|watching|reading))\b/i,
  /\b(?:the best (?:way|ways|place|places|option|options)|what kinds? of|are there any|do you (?:have|know) any)\b/i,
  /\bcan you (?:give|provide|suggest|recommend|find|list|point)\b/i,
  /\b(?:should|could|can|would) i\b/i,
  /\b(?:help me|looking for|planning|plan (?:a|my|an)|thinking (?:of|about))\b/i,
  /\bwhat (?:are|is|would be) (?:some|a|the best|good|a good|the most)\b/i,
  /\b(?:which|where|what) [^?]{0,40}\b(?:should|to)\b/i,
  /\bhow (?:can|should|do) i\b/i,
];

/** Tells whether a query seeks advice or a recommendation. */
export function seeksAdvice(query: string): boolean {
  return ADVICE_PATTERNS.some((p) => p.test(query));
}
