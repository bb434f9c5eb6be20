/**
 * A word-level diff of two texts, for the version history of a memory: jsdiff's diffWords (the `diff`
 * package), turned into runs the view renders as struck and inserted words. Very long texts are shown
 * as "all removed, all added" rather than diffed, so one huge memory cannot stall the page.
 */
import { diffWords as jsDiffWords } from 'diff';

/** One run of the diff: unchanged, removed from the old text, or added in the new one. */
export interface DiffPart {
  readonly kind: 'same' | 'removed' | 'added';
  readonly text: string;
}

const MAX_DIFF_CHARS = 20_000;

/** The runs that turn `before` into `after`; joining the same+removed runs gives `before`, same+added gives `after`. */
export function diffWords(before: string, after: string): DiffPart[] {
  if (before === after) return before ? [{ kind: 'same', text: before }] : [];
  if (before.length + after.length > MAX_DIFF_CHARS) {
    return [...(before ? [{ kind: 'removed' as const, text: before }] : []), ...(after ? [{ kind: 'added' as const, text: after }] : [])];
  }
  return jsDiffWords(before, after).map((change) => ({ kind: change.added ? 'added' : change.removed ? 'removed' : 'same', text: change.value }));
}
