import { describe, expect, it } from 'vitest';
import { MemosError } from '../../src/core/errors';
import { LIFECYCLE_STATES, TRANSITIONS, canTransition, transition, type LifecycleTarget } from '../../src/core/lifecycle';

const TARGETS: readonly LifecycleTarget[] = [...LIFECYCLE_STATES, 'purged'];

// The table the issue asks for, written out independently of TRANSITIONS so that a change to either
// shows up here.
const EXPECTED = new Set([
  'generated>activated', 'generated>merged', 'generated>archived', 'generated>frozen', 'generated>expired', 'generated>purged',
  'activated>merged', 'activated>archived', 'activated>frozen', 'activated>expired', 'activated>purged',
  'merged>activated', 'merged>archived', 'merged>frozen', 'merged>expired', 'merged>purged',
  'archived>generated', 'archived>activated', 'archived>merged', 'archived>purged',
  'frozen>generated', 'frozen>activated', 'frozen>merged',
  'expired>activated', 'expired>archived', 'expired>purged',
]);

describe('the lifecycle state machine', () => {
  for (const from of LIFECYCLE_STATES) {
    for (const to of TARGETS) {
      const allowed = EXPECTED.has(`${from}>${to}`);
      it(`${allowed ? 'allows' : 'refuses'} ${from} → ${to}`, () => {
        expect(canTransition(from, to)).toBe(allowed);
        if (allowed) {
          expect(transition(from, to)).toBe(to);
        } else {
          const error = (() => {
            try {
              transition(from, to);
            } catch (e) {
              return e;
            }
            return undefined;
          })();
          expect(error).toBeInstanceOf(MemosError);
          expect((error as MemosError).code).toBe('ILLEGAL_TRANSITION');
          expect((error as MemosError).details).toEqual({ from, to });
        }
      });
    }
  }

  it('has no edge from a state to itself', () => {
    for (const from of LIFECYCLE_STATES) expect(TRANSITIONS[from]).not.toContain(from);
  });

  it('never lets a frozen memory be archived, expired, merged or purged', () => {
    for (const to of ['archived', 'expired', 'purged'] as const) expect(canTransition('frozen', to)).toBe(false);
  });
});
