/**
 * Reading and building records keyed by ids that come from users or files. A plain object answers
 * `record['constructor']` or `record['__proto__']` from `Object.prototype`, so a lookup by a user id
 * such as "constructor" finds something where nothing was stored. Every id-keyed record in memos-web
 * is built with {@link recordOf} (no prototype) and read with {@link ownValue} (own keys only);
 * in-memory tables keyed by ids are `Map`s.
 */

/**
 * The value stored under `key` in `record` as its own property, or undefined. Never reads the prototype
 * chain, so a key named after an `Object.prototype` member finds nothing unless it was stored.
 */
export function ownValue<V>(record: Readonly<Record<string, V>> | undefined | null, key: string): V | undefined {
  if (record === undefined || record === null) return undefined;
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * A record with no prototype holding the given entries (later entries win). Setting `__proto__` on it
 * stores a key like any other instead of changing its prototype.
 */
export function recordOf<V>(entries: Iterable<readonly [string, V]>): Record<string, V> {
  const out = Object.create(null) as Record<string, V>;
  for (const [key, value] of entries) out[key] = value;
  return out;
}
