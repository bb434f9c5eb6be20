/**
 * The lifecycle of a memory as an explicit state machine (MemOS §5: generated → activated → merged →
 * archived, plus frozen and expired). A memory leaves the store only by an explicit purge, which is
 * modelled here as the terminal pseudo-state `purged`.
 */
import { MemosError } from './errors';

/** The states a stored memory can be in. */
export const LIFECYCLE_STATES = ['generated', 'activated', 'merged', 'archived', 'frozen', 'expired'] as const;
/** A lifecycle state of a stored memory. */
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];
/** A state a memory can be moved to: any lifecycle state, or removal by purge. */
export type LifecycleTarget = LifecycleState | 'purged';

/**
 * Every allowed edge. Live states are generated, activated and merged. Archived and frozen remember
 * nothing themselves: the state to return to is passed by the caller (restore and unfreeze go back to
 * a live state). A frozen memory cannot be archived, expired, merged or purged: unfreeze it first.
 */
export const TRANSITIONS: Readonly<Record<LifecycleState, readonly LifecycleTarget[]>> = {
  generated: ['activated', 'merged', 'archived', 'frozen', 'expired', 'purged'],
  activated: ['merged', 'archived', 'frozen', 'expired', 'purged'],
  merged: ['activated', 'archived', 'frozen', 'expired', 'purged'],
  archived: ['generated', 'activated', 'merged', 'purged'],
  frozen: ['generated', 'activated', 'merged'],
  expired: ['activated', 'archived', 'purged'],
};

/** States in which a memory is current knowledge and is returned by default searches. */
export const LIVE_STATES: readonly LifecycleState[] = ['generated', 'activated', 'merged'];

/** Tells whether a value is a lifecycle state. */
export function isLifecycleState(value: unknown): value is LifecycleState {
  return typeof value === 'string' && (LIFECYCLE_STATES as readonly string[]).includes(value);
}

/** Tells whether the edge from → to exists. */
export function canTransition(from: LifecycleState, to: LifecycleTarget): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * Checks an edge and returns its target.
 * @throws {MemosError} ILLEGAL_TRANSITION when the edge does not exist
 */
export function transition(from: LifecycleState, to: LifecycleTarget): LifecycleTarget {
  if (canTransition(from, to)) return to;
  throw new MemosError('ILLEGAL_TRANSITION', `No edge from ${from} to ${to}.`, { from, to });
}
