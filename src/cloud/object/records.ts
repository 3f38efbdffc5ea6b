/*
 * Records keyed by user-chosen names (field names, JSON keys from clients). A key such as
 * `__proto__`, `constructor` or `toString` must be an ordinary own key: never read through
 * the prototype, never assigned with `=` (which would set the prototype for `__proto__`).
 */

/** Keys Parse's SDK drops from decoded client JSON, as prototype-pollution vectors. */
export const DANGEROUS_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A JSON-like object: `{}` or one built by JSON.parse or Object.create(null), not a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The record's own value under `key` (undefined when the key is only inherited). */
export function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Sets `key` as an own enumerable property, whatever its name. */
export function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A copy of a JSON value: plain objects and arrays copied deeply, keys kept as own keys. */
export function cloneJson<T>(value: T, depth = 0): T {
  if (depth > 256) return value;
  if (Array.isArray(value)) return value.map((v) => cloneJson(v, depth + 1)) as T;
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) setOwn(out, k, cloneJson(v, depth + 1));
  return out as T;
}
