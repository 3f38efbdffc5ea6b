import { errors } from '../../errors/index.ts';
import type { CompareOp, FieldRef } from '../ast.ts';
import { getter } from './fields.ts';
import { compareJson, jsonEqual, jsonRank } from './json.ts';
import { scalarKind } from './scalars.ts';
import { NEVER, ORDERING, type Getter, type Predicate } from './types.ts';

/**
 * A `compare` condition (see ast.ts), mirroring sql/compare.ts: null means "no value"; ne is the
 * exact negation of eq, so objects without a value match it; ordering holds only between
 * values of one type.
 */
export function compileCompare(field: FieldRef, op: CompareOp, value: unknown): Predicate {
  const get = getter(field);
  if (value === null) {
    if (op === 'eq') return (o) => get(o) == null;
    if (op === 'ne') return (o) => get(o) != null;
    return NEVER;
  }
  if (field.path || field.type === 'Object') return compareJsonValue(get, op, value);
  if (field.type === 'Array') return compareArray(get, op, value);
  return compareScalar(field, get, op, value);
}

/** A column-typed field: equality and order of its kind (text, number, boolean, instant). */
function compareScalar(field: FieldRef, get: Getter, op: CompareOp, value: unknown): Predicate {
  const kind = scalarKind(field.type);
  const target = kind?.key(value);
  if (!kind || target === undefined)
    throw errors.incorrectType(`Invalid value for field ${field.name}: cannot compare a ${field.type} with ${JSON.stringify(value)}`);
  const { key, order } = kind;
  if (op === 'eq') return (o) => key(get(o)) === target;
  if (op === 'ne') return (o) => key(get(o)) !== target;
  const holds = ORDERING[op];
  return (o) => {
    const v = key(get(o));
    return v !== undefined && holds(order(v, target));
  };
}

/** A JSON value (inside an Object field, or a whole Object field): jsonb equality and same-type order. */
function compareJsonValue(get: Getter, op: CompareOp, value: unknown): Predicate {
  if (op === 'eq') return (o) => jsonEqual(get(o), value);
  if (op === 'ne') return (o) => !jsonEqual(get(o), value);
  const rank = jsonRank(value);
  const holds = ORDERING[op];
  return (o) => {
    const v = get(o);
    return jsonRank(v) === rank && holds(compareJson(v, value));
  };
}

/** Whether an array has an element deep-equal to `value`. */
export function hasElement(array: readonly unknown[], value: unknown): boolean {
  if (value === null || typeof value !== 'object') return array.includes(value); // SameValueZero is JSON equality for scalars
  for (let i = 0; i < array.length; i++) if (jsonEqual(array[i], value)) return true;
  return false;
}

/**
 * An Array field (MongoDB's rules): eq a scalar = has an element equal to it; eq an array = is
 * exactly it or has it as an element; ordering = some element of the same type compares true.
 */
function compareArray(get: Getter, op: CompareOp, value: unknown): Predicate {
  if (op === 'eq' || op === 'ne') {
    const whole = Array.isArray(value);
    const eq = (v: unknown) => Array.isArray(v) && ((whole && jsonEqual(v, value)) || hasElement(v, value));
    return op === 'eq' ? (o) => eq(get(o)) : (o) => !eq(get(o));
  }
  const rank = jsonRank(value);
  const holds = ORDERING[op];
  return (o) => {
    const v = get(o);
    if (!Array.isArray(v)) return false;
    for (let i = 0; i < v.length; i++) if (jsonRank(v[i]) === rank && holds(compareJson(v[i], value))) return true;
    return false;
  };
}
