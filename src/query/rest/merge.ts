import type { RestWhere } from './values.ts';

/*
 * Conditions that must all hold, gathered into as few where objects as Parse's REST form
 * allows: different keys side by side, several operators on one key in one object, and what
 * collides (the same operator twice, equality beside an operator, two `$or`s) under `$and`.
 */

function set(where: RestWhere, key: string, value: unknown): void {
  Object.defineProperty(where, key, { value, enumerable: true, writable: true, configurable: true });
}

/** An object of `$` operators (not a literal value, not an encoded Parse value). */
function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

/** Whether `part` can join `where` without changing what either means. */
function fits(where: RestWhere, part: RestWhere): boolean {
  return Object.entries(part).every(([key, value]) => {
    if (!Object.hasOwn(where, key)) return true;
    const existing = where[key];
    if (key === '$and') return Array.isArray(existing) && Array.isArray(value);
    if (key.startsWith('$') || !isOperatorObject(existing) || !isOperatorObject(value)) return false;
    return Object.keys(value).every((op) => !Object.hasOwn(existing, op));
  });
}

function join(where: RestWhere, part: RestWhere): void {
  for (const [key, value] of Object.entries(part)) {
    if (!Object.hasOwn(where, key)) set(where, key, value);
    else if (key === '$and') set(where, key, [...(where[key] as unknown[]), ...(value as unknown[])]);
    else set(where, key, { ...(where[key] as object), ...(value as object) });
  }
}

/** One where meaning "all of these wheres". */
export function allOf(parts: RestWhere[]): RestWhere {
  const where: RestWhere = {};
  const rest: RestWhere[] = [];
  for (const part of parts) {
    if (Object.keys(part).length === 0) continue;
    if (fits(where, part)) join(where, part);
    else rest.push(part);
  }
  if (rest.length === 0) return where;
  set(where, '$and', Object.hasOwn(where, '$and') ? [...(where.$and as unknown[]), ...rest] : rest);
  return where;
}
