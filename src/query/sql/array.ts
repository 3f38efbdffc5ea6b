import type { SqlContext } from './context.ts';
import { json, whenPresent } from './operands.ts';

/** The elements of a jsonb array column as a set (none when the value is not an array). */
export function elements(col: string): string {
  return `jsonb_array_elements(CASE WHEN jsonb_typeof(${col}) = 'array' THEN ${col} ELSE '[]'::jsonb END)`;
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

/**
 * Whether an array column has an element equal to `value` (deep JSON equality). jsonb's
 * `@>` (GIN-indexable) is exact for scalars; for objects and arrays it also accepts
 * supersets, so an exact element test follows it.
 */
export function hasElement(col: string, value: unknown, ctx: SqlContext): string {
  const contains = whenPresent(col, `${col} @> ${json([value], ctx)}`);
  if (isScalar(value)) return contains;
  return `(${contains} AND EXISTS (SELECT 1 FROM ${elements(col)} e WHERE e = ${json(value, ctx)}))`;
}

/** The array column has an element equal to each of `values`; an empty list matches nothing. */
export function containsAll(col: string, values: unknown[], ctx: SqlContext): string {
  if (values.length === 0) return 'FALSE';
  return `(${values.map((v) => hasElement(col, v, ctx)).join(' AND ')})`;
}

/** A prefix as a LIKE pattern: its own `%`, `_` and `\` escaped with a backslash, LIKE's default escape. */
function likePrefix(prefix: string): string {
  return prefix.replace(/[\\%_]/g, '\\$&') + '%';
}

/**
 * The array column has, for each prefix, a string element starting with it; an empty list
 * matches nothing. LIKE compares characters exactly, whatever the database's collation.
 */
export function containsAllStartingWith(col: string, prefixes: string[], ctx: SqlContext): string {
  if (prefixes.length === 0) return 'FALSE';
  const strings = `SELECT e #>> '{}' AS s FROM ${elements(col)} e WHERE jsonb_typeof(e) = 'string'`;
  const each = prefixes.map((p) => `EXISTS (SELECT 1 FROM (${strings}) t WHERE t.s LIKE ${ctx.params.add(likePrefix(p))}::text)`);
  return `(${each.join(' AND ')})`;
}

/** Every element of the array column equals one of `values` (objects without the field do not match). */
export function containedBy(col: string, values: unknown[], ctx: SqlContext): string {
  if (values.every(isScalar)) return whenPresent(col, `${col} <@ ${json(values, ctx)}`);
  return `(jsonb_typeof(${col}) = 'array' AND NOT EXISTS (SELECT 1 FROM ${elements(col)} e WHERE e NOT IN (SELECT v FROM jsonb_array_elements(${json(values, ctx)}) v)))`;
}
