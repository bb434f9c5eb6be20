/**
 * What a person changed in a cube's entity graph: entities merged into another ("Mel" and "Melanie" are
 * one person), names that lead to an entity, and the name and type an entity is shown with. The graph
 * itself is read from the memories (derived, like vectors); these edits are the people's part of it,
 * kept in the cube's manifest with a version number, audited, exported and synced with the cube.
 */
import { checkKey, LIMITS, ruleError, type RuleContext } from './limits';

/** What an entity can be. */
export const ENTITY_TYPES = ['person', 'place', 'organization', 'date', 'thing'] as const;
/** What an entity is. */
export type EntityType = (typeof ENTITY_TYPES)[number];

/** A cube's entity edits, as a whole: each edit makes a new version. */
export interface EntityEdits {
  /** 1 after the first edit, one more after each. */
  readonly version: number;
  /** Entities merged into another: key → the key it joined. */
  readonly merged: Readonly<Record<string, string>>;
  /** Names that lead to an entity (folded): alias → key. */
  readonly aliases: Readonly<Record<string, string>>;
  /** Names a person gave entities: key → the name shown. */
  readonly names: Readonly<Record<string, string>>;
  /** Types a person set: key → type. */
  readonly types: Readonly<Record<string, EntityType>>;
}

/** A cube without edits. */
export const NO_ENTITY_EDITS: EntityEdits = { version: 0, merged: {}, aliases: {}, names: {}, types: {} };

/** The most entries each map of a cube's edits may hold. */
export const ENTITY_EDITS_LIMIT = 10_000;

/** The chain of keys a key's merges lead through, itself first; `cycle` when it comes back round. */
function mergeChain(edits: EntityEdits, key: string): { keys: string[]; cycle: boolean } {
  const keys = [key];
  const seen = new Set(keys);
  for (let next = edits.merged[key]; next !== undefined; next = edits.merged[next]) {
    if (seen.has(next)) return { keys, cycle: true };
    seen.add(next);
    keys.push(next);
  }
  return { keys, cycle: false };
}

/** The entity a key ends up in after merges (a chain is followed; a cycle, which edits never make, stops). */
export function mergedKey(edits: EntityEdits, key: string): string {
  const { keys } = mergeChain(edits, key);
  return keys[keys.length - 1]!;
}

/** Whether merging `key` into `into` would close a cycle (`into` already ends up in `key`). */
export function mergeWouldCycle(edits: EntityEdits, key: string, into: string): boolean {
  return key === into || mergeChain(edits, into).keys.includes(key);
}

/**
 * Checks entity edits read from a cube file or another device: the right shape, keys and names within
 * the limits, types known, no merge cycle.
 * @throws {MemosError} INVALID_INPUT (a call) or IMPORT_MALFORMED (a file)
 */
export function checkEntityEdits(value: unknown, field: string, context: RuleContext): EntityEdits {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw ruleError(context, field, 'must be an object');
  const v = value as Record<string, unknown>;
  if (!Number.isSafeInteger(v['version']) || (v['version'] as number) < 0) throw ruleError(context, `${field}.version`, 'must be a whole number ≥ 0');
  const map = (name: 'merged' | 'aliases' | 'names' | 'types', check: (entry: unknown, at: string) => unknown): Record<string, string> => {
    const m = v[name];
    if (typeof m !== 'object' || m === null || Array.isArray(m)) throw ruleError(context, `${field}.${name}`, 'must be an object');
    const entries = Object.entries(m);
    if (entries.length > ENTITY_EDITS_LIMIT) throw ruleError(context, `${field}.${name}`, `must hold at most ${ENTITY_EDITS_LIMIT} entries`);
    for (const [key, entry] of entries) {
      if (key.length === 0 || key.length > LIMITS.keyLength) throw ruleError(context, `${field}.${name}`, `holds an invalid entry for "${key.slice(0, 40)}"`);
      check(entry, `${field}.${name}["${key.slice(0, 40)}"]`);
    }
    return Object.fromEntries(entries) as Record<string, string>;
  };
  // Keys and names follow the key rule: non-blank, at most 200 characters, no control characters.
  const text = (entry: unknown, at: string) => checkKey(entry, at, context);
  const type = (entry: unknown, at: string) => {
    if (!(ENTITY_TYPES as readonly unknown[]).includes(entry)) throw ruleError(context, at, `must be one of ${ENTITY_TYPES.join(', ')}`);
  };
  const edits: EntityEdits = {
    version: v['version'] as number,
    merged: map('merged', text),
    aliases: map('aliases', text),
    names: map('names', text),
    types: map('types', type) as Record<string, EntityType>,
  };
  const extra = Object.keys(v).find((k) => !['version', 'merged', 'aliases', 'names', 'types'].includes(k));
  if (extra !== undefined) throw ruleError(context, `${field}.${extra}`, 'is not a field of entity edits');
  for (const key of Object.keys(edits.merged)) {
    if (mergeChain(edits, key).cycle) throw ruleError(context, `${field}.merged`, `merges "${key.slice(0, 40)}" in a cycle`);
  }
  return edits;
}
