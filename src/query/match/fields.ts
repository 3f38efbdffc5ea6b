import type { FieldRef } from '../ast.ts';
import type { Getter, MatchObject } from './types.ts';

/** strtol's view of a path element (PostgreSQL's `#>` on an array): "1", " +1", "01", "-1"; else NaN. */
const INDEX = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/;
const INT_MAX = 2147483647;

/** The array position a path element names (negative: from the end), or NaN when it names none. */
export function arrayIndex(key: string): number {
  const m = INDEX.exec(key);
  if (!m) return NaN;
  const n = Number(m[2]) * (m[1] === '-' ? -1 : 1);
  return n > INT_MAX || n <= -INT_MAX - 1 ? NaN : n;
}

/** An own property (never one inherited from Object.prototype, such as "constructor"). */
function own(object: MatchObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/**
 * Walks a key path into a JSON value as PostgreSQL's `#>` does (the SQL compiler's jsonPath):
 * object keys by name, array elements by an integer position (negative from the end); any
 * other step has no value (undefined). A JSON null found at the end is returned as null.
 */
function walk(root: unknown, path: readonly string[], indexes: readonly number[]): unknown {
  let v = root;
  for (let i = 0; i < path.length; i++) {
    if (v === null || typeof v !== 'object') return undefined;
    if (Array.isArray(v)) {
      let index = indexes[i];
      if (index < 0) index += v.length;
      if (!(index >= 0 && index < v.length)) return undefined; // NaN fails too
      v = v[index];
    } else {
      v = own(v as MatchObject, path[i]);
      if (v === undefined) return undefined;
    }
  }
  return v;
}

/**
 * The value a condition on `field` reads: the field's value, or the JSON value at its path
 * inside an Object field. Absent, null and (on a path) missing keys read as undefined or null.
 */
export function getter(field: FieldRef): Getter {
  const name = field.name;
  const path = field.path;
  if (!path) return (o) => own(o, name);
  const indexes = path.map(arrayIndex);
  return (o) => walk(own(o, name), path, indexes);
}
