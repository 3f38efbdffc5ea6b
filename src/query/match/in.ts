import { errors } from '../../errors/index.ts';
import type { FieldRef } from '../ast.ts';
import { hasElement } from './compare.ts';
import { getter } from './fields.ts';
import { scalarKind, type ScalarKey } from './scalars.ts';
import { NEVER, type Getter, type Predicate } from './types.ts';

/**
 * An `in` condition (see ast.ts), mirroring sql/compare.ts's compileIn: the value equals one of
 * the list (a null in it matches "no value"); on an Array field some element is in the list or
 * the whole array equals an array of the list; `negated` is the exact negation.
 */
export function compileIn(field: FieldRef, values: readonly unknown[], negated: boolean): Predicate {
  const get = getter(field);
  const list = values.filter((v) => v !== null);
  let member: Predicate;
  if (field.path || field.type === 'Object') member = list.length ? (o) => isJsonIn(get(o), list) : NEVER;
  else if (field.type === 'Array') member = list.length ? arrayIn(get, list) : NEVER;
  else member = list.length ? scalarIn(field, get, list) : NEVER;
  const positive: Predicate = values.includes(null) ? (o) => member(o) || get(o) == null : member;
  return negated ? (o) => !positive(o) : positive;
}

/** Whether a JSON value is deep-equal to one of the list. */
function isJsonIn(v: unknown, list: readonly unknown[]): boolean {
  return v !== undefined && v !== null && hasElement(list, v);
}

function arrayIn(get: Getter, list: readonly unknown[]): Predicate {
  const arrays = list.filter(Array.isArray);
  return (o) => {
    const v = get(o);
    if (!Array.isArray(v)) return false;
    for (let i = 0; i < v.length; i++) if (isJsonIn(v[i], list)) return true;
    return arrays.length > 0 && hasElement(arrays, v);
  };
}

/** Column-typed fields: membership of the value's key (instants for dates) in a set. */
function scalarIn(field: FieldRef, get: Getter, list: readonly unknown[]): Predicate {
  const kind = scalarKind(field.type);
  if (!kind) throw errors.invalidQuery(`in is not supported on ${field.type} field ${field.name}`);
  const keys = new Set<ScalarKey>();
  for (const v of list) {
    const key = kind.key(v);
    if (key === undefined) throw errors.incorrectType(`Invalid value for field ${field.name}: ${JSON.stringify(v)} is not a ${field.type}`);
    keys.add(key);
  }
  const { key } = kind;
  return (o) => {
    const k = key(get(o));
    return k !== undefined && keys.has(k);
  };
}
