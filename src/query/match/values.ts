import type { Condition } from '../ast.ts';
import { hasElement } from './compare.ts';
import { getter } from './fields.ts';
import { NEVER, type Predicate } from './types.ts';

type Of<K extends Condition['kind']> = Extract<Condition, { kind: K }>;

/**
 * `exists`, as the SQL compiler decides it (`IS NOT NULL`): a field has a value unless it is
 * absent or null; on a key path inside an Object field, unless the key is missing — a JSON
 * null stored under the key counts as present there, as in MongoDB (see test/query/object.db.test.ts).
 */
export function compileExists(cond: Of<'exists'>): Predicate {
  const get = getter(cond.field);
  const present: Predicate = cond.field.path ? (o) => get(o) !== undefined : (o) => get(o) != null;
  return cond.exists ? present : (o) => !present(o);
}

/** `regex`: a string value matches the JavaScript RegExp somewhere; other values never do. */
export function compileRegex(cond: Of<'regex'>): Predicate {
  const get = getter(cond.field);
  const re = new RegExp(cond.pattern, cond.options); // neither g nor y: test() keeps no state
  const fileName = cond.field.type === 'File' && !cond.field.path;
  return (o) => {
    let v = get(o);
    if (fileName && typeof v === 'object' && v !== null) v = (v as { name?: unknown }).name;
    return typeof v === 'string' && re.test(v);
  };
}

/** `containsAll`: the array has an element equal to each value; an empty list matches nothing. */
export function compileContainsAll(cond: Of<'containsAll'>): Predicate {
  const get = getter(cond.field);
  const values = cond.values;
  if (values.length === 0) return NEVER;
  return (o) => {
    const v = get(o);
    if (!Array.isArray(v)) return false;
    for (let i = 0; i < values.length; i++) if (!hasElement(v, values[i])) return false;
    return true;
  };
}

/** `containsAllStartingWith`: each prefix starts some string element; an empty list matches nothing. */
export function compileContainsAllStartingWith(cond: Of<'containsAllStartingWith'>): Predicate {
  const get = getter(cond.field);
  const prefixes = cond.prefixes;
  if (prefixes.length === 0) return NEVER;
  return (o) => {
    const v = get(o);
    if (!Array.isArray(v)) return false;
    return prefixes.every((prefix) => v.some((e) => typeof e === 'string' && e.startsWith(prefix)));
  };
}

/** `containedBy`: every element equals one of the values; an empty array qualifies, no value does not. */
export function compileContainedBy(cond: Of<'containedBy'>): Predicate {
  const get = getter(cond.field);
  const values = cond.values;
  return (o) => {
    const v = get(o);
    if (!Array.isArray(v)) return false;
    for (let i = 0; i < v.length; i++) if (!hasElement(values, v[i])) return false;
    return true;
  };
}
