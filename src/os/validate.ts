/** Argument checks of the public API: each failure is a MemosError INVALID_INPUT naming the field. */
import { MemosError } from '../core/errors';
import { MEMORY_SOURCES, MEMORY_TYPES, SEMANTIC_TYPES, VISIBILITIES } from '../core/memory-item';

function invalid(field: string, what: string): MemosError {
  return new MemosError('INVALID_INPUT', `${field} ${what}.`, { field });
}

/** Checks that a value is an object (the params of a call). */
export function requireObject(value: unknown, field: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(field, 'must be an object');
}

/** Checks a non-empty string of at most `max` characters. */
export function requireId(value: unknown, field: string, max = 200): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw invalid(field, `must be a non-empty string of at most ${max} characters`);
  }
  return value;
}

/** Checks an optional string. */
export function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  return value;
}

/** Checks a whole number within a range, or returns the default. */
export function intInRange(value: unknown, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(field, `must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/** Checks a number within a range, or returns the default. */
export function numberInRange(value: unknown, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalid(field, `must be a number from ${min} to ${max}`);
  }
  return value;
}

/** Checks an array of strings, trimmed and without duplicates. */
export function stringList(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw invalid(field, 'must be an array of strings');
  return [...new Set((value as string[]).map((v) => v.trim()).filter((v) => v !== ''))];
}

/** Checks a value against a closed list. */
export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(field, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** The closed lists, for oneOf. */
export const LISTS = { MEMORY_SOURCES, MEMORY_TYPES, SEMANTIC_TYPES, VISIBILITIES } as const;
