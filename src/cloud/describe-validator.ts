import type { Validator } from './types.ts';

/**
 * A validator as `cloudCode` and `plinth cloud` show it: `"function"` for a validator
 * function, else its rules as plain JSON — the keys the cloud file set, with any function
 * inside (roles computed at call time, an options check) shown as `"function"` and a field
 * rule's `type` by its name (`String`, `Date`).
 */
export type ValidatorDescription = 'function' | { [rule: string]: JsonValue };

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** How deep a default value or an options list is followed before it is cut off (cycles, huge values). */
const MAX_DEPTH = 6;

/** Any value as JSON: functions as "function", dates as ISO strings, what JSON cannot hold as its text. */
function plain(value: unknown, depth = 0): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'function') return 'function';
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value !== 'object') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof RegExp) return String(value);
  if (depth >= MAX_DEPTH) return '…';
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plain(v, depth + 1);
  return out;
}

/** A field rule: its `type` named (the constructor's name, or the string as written). */
function fieldRule(rule: unknown): JsonValue {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) return plain(rule);
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(rule)) {
    if (v === undefined) continue;
    out[k] = k === 'type' && typeof v === 'function' ? v.name || 'function' : plain(v, 1);
  }
  return out;
}

/** `fields` / `requireUserKeys`: a list of names stays a list; an object keeps each field's rule. */
function fieldRules(rules: unknown): JsonValue {
  if (Array.isArray(rules) || typeof rules !== 'object' || rules === null) return plain(rules);
  return Object.fromEntries(Object.entries(rules).map(([field, rule]) => [field, fieldRule(rule)]));
}

/**
 * Describes a registered validator (undefined: none). Registration has already refused a
 * malformed one (CloudDefinitionError), so the rules are Parse's keys.
 */
export function describeValidator(validator: Validator<unknown> | undefined): ValidatorDescription | null {
  if (validator === undefined || validator === null) return null;
  if (typeof validator === 'function') return 'function';
  const out: { [rule: string]: JsonValue } = {};
  for (const [key, value] of Object.entries(validator)) {
    if (value === undefined) continue;
    out[key] = key === 'fields' || key === 'requireUserKeys' ? fieldRules(value) : plain(value);
  }
  return out;
}
