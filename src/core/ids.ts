/** Identifiers and time. */

/** A new random id (UUID v4) with an optional readable prefix. */
export function newId(prefix?: string): string {
  const id = crypto.randomUUID();
  return prefix ? `${prefix}_${id}` : id;
}

/** A source of the current time, injectable for tests. */
export type Clock = () => number;

/** The wall clock. */
export const systemClock: Clock = () => Date.now();
