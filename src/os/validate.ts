/** Argument checks of the public API: each failure is a MemosError INVALID_INPUT naming the field. */
import { recordOf } from '../core/own-keys';
import { MemosError } from '../core/errors';
import { checkId, checkKey, checkName, checkReason, checkReference, checkTags, ruleError } from '../core/limits';
import { MEMORY_SOURCES, MEMORY_TYPES, SEMANTIC_TYPES, VISIBILITIES } from '../core/memory-item';
import { LIFECYCLE_STATES } from '../core/lifecycle';
import type { SearchFilters } from '../protocol/search-types';

function invalid(field: string, what: string): MemosError {
  return ruleError('call', field, what);
}

/** Checks that a value is an object (the params of a call). */
export function requireObject(value: unknown, field: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(field, 'must be an object');
}

/** Checks an id (the rules of core/limits.ts: 1–128 letters, digits or `_ - . : @ +`). */
export function requireId(value: unknown, field: string): string {
  return checkId(value, field);
}

/** Checks and trims a name (1–200 characters, no control characters). */
export function requireName(value: unknown, field: string): string {
  return checkName(value, field);
}

/** Checks a reference made elsewhere: a session or message id, a speaker, a model id. */
export function requireReference(value: unknown, field: string): string {
  return checkReference(value, field);
}

/** Checks an optional reference. */
export function optionalReference(value: unknown, field: string): string | undefined {
  return value === undefined ? undefined : checkReference(value, field);
}

/** Checks a memory key (1–200 characters, no control characters). */
export function requireKey(value: unknown, field: string): string {
  return checkKey(value, field);
}

/** Checks an optional reason for a change (at most 2,000 characters). */
export function optionalReason(value: unknown, field: string): string | undefined {
  return value === undefined ? undefined : checkReason(value, field);
}

/** Checks an optional list of tags or labels (at most 32 of 1–64 characters), trimmed and without duplicates. */
export function optionalTags(value: unknown, field: string): string[] | undefined {
  return value === undefined ? undefined : checkTags(value, field);
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

/** Checks an optional array of ids (at most `max`), without duplicates. */
export function idList(value: unknown, field: string, max = 10_000): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw invalid(field, 'must be an array of ids');
  if (value.length > max) throw invalid(field, `must hold at most ${max} ids`);
  // Array.from visits holes of a sparse array (as undefined), where map skips them.
  return [...new Set(Array.from(value as unknown[], (v, i) => checkId(v, `${field}[${i}]`)))];
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

/** Checks an optional list drawn from a closed set. */
export function optionalListOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > 1000) throw invalid(field, `must be an array of at most 1000 of ${allowed.join(', ')}`);
  return Array.from(value as unknown[], (v, i) => oneOf(v, `${field}[${i}]`, allowed, allowed[0]!));
}

/** Checks an optional time (epoch ms). */
export function optionalTime(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(field, 'must be a time in epoch ms');
  return value;
}

/** Checks a search's filters: each field of its type and within the limits; unknown fields refused. */
export function checkFilters(value: unknown, field = 'filters'): SearchFilters {
  if (value === undefined) return {};
  requireObject(value, field);
  const known = new Set(['memoryTypes', 'semanticTypes', 'states', 'tagsAny', 'tagsAll', 'ownerIds', 'sessionIds', 'asOf', 'from', 'to', 'metadata']);
  for (const key of Object.keys(value)) if (!known.has(key)) throw invalid(`${field}.${key}`, 'is not a search filter');
  const memoryTypes = optionalListOf(value['memoryTypes'], `${field}.memoryTypes`, MEMORY_TYPES);
  const semanticTypes = optionalListOf(value['semanticTypes'], `${field}.semanticTypes`, SEMANTIC_TYPES);
  const states = optionalListOf(value['states'], `${field}.states`, LIFECYCLE_STATES);
  const tagsAny = optionalTags(value['tagsAny'], `${field}.tagsAny`);
  const tagsAll = optionalTags(value['tagsAll'], `${field}.tagsAll`);
  const ownerIds = idList(value['ownerIds'], `${field}.ownerIds`, 1000);
  const sessionIds = value['sessionIds'] === undefined ? undefined : referenceList(value['sessionIds'], `${field}.sessionIds`);
  const asOf = optionalTime(value['asOf'], `${field}.asOf`);
  const from = optionalTime(value['from'], `${field}.from`);
  const to = optionalTime(value['to'], `${field}.to`);
  const metadata = value['metadata'] === undefined ? undefined : metadataFilter(value['metadata'], `${field}.metadata`);
  return {
    ...(memoryTypes && { memoryTypes }),
    ...(semanticTypes && { semanticTypes }),
    ...(states && { states }),
    ...(tagsAny && { tagsAny }),
    ...(tagsAll && { tagsAll }),
    ...(ownerIds && { ownerIds }),
    ...(sessionIds && { sessionIds }),
    ...(asOf !== undefined && { asOf }),
    ...(from !== undefined && { from }),
    ...(to !== undefined && { to }),
    ...(metadata && { metadata }),
  };
}

/** A metadata filter: at most 16 keys, each with a string, finite number, boolean or null. */
function metadataFilter(value: unknown, field: string): Record<string, string | number | boolean | null> {
  requireObject(value, field);
  const entries = Object.entries(value);
  if (entries.length > 16) throw invalid(field, 'may name at most 16 keys');
  const out = recordOf<string | number | boolean | null>([]);
  for (const [key, v] of entries) {
    requireKey(key, `${field}.${key.slice(0, 40)}`);
    if (!(v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)))) {
      throw invalid(`${field}.${key}`, 'must be a string, finite number, boolean or null');
    }
    out[key] = v;
  }
  return out;
}

function referenceList(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length > 1000) throw invalid(field, 'must be an array of at most 1000 references');
  return Array.from(value as unknown[], (v, i) => checkReference(v, `${field}[${i}]`));
}

/** Throws ABORTED when the call's signal has fired. */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new MemosError('ABORTED');
}
