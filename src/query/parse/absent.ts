import { and, TRUE, type Condition } from '../ast.ts';
import { operatorsOf } from './operators.ts';
import { invalid, isObject } from './state.ts';

const FALSE: Condition = { kind: 'const', value: false };
const constant = (value: boolean): Condition => (value ? TRUE : FALSE);

/** Operators that hold for a value that is missing: the negative ones (Mongo's rule, which Plinth's NOT/NOR follow too). */
const HOLD_WHEN_MISSING = new Set(['notEqualTo', 'notIn', 'haveNot', 'notInQueryKey']);
/** Operators that need a value to hold (comparisons, patterns, geo, subqueries, arrays, text). */
const NEED_A_VALUE = new Set([
  'equalTo',
  'lessThan',
  'lessThanOrEqualTo',
  'greaterThan',
  'greaterThanOrEqualTo',
  'in',
  'matchesRegex',
  'options',
  'text',
  'contains',
  'containedBy',
  'inQueryKey',
  'have',
  'nearSphere',
  'maxDistance',
  'maxDistanceInRadians',
  'maxDistanceInMiles',
  'maxDistanceInKilometers',
  'within',
  'geoWithin',
  'geoIntersects',
]);

/**
 * The condition on a field the class does not have (yet): every object lacks it, so each
 * operator is decided here, as for a missing value — `equalTo: null`, `exists: false` and the
 * negative operators hold, the others do not. Parse answers such queries (an app may query a
 * field before any object has it) instead of refusing them; an unknown operator is still 102.
 */
export function absentFieldCondition(key: string, value: unknown): Condition {
  if (!isObject(value) || typeof value.__type === 'string') return constant(value === null);
  const parts: Condition[] = [];
  for (const [op, operand] of Object.entries(operatorsOf(value))) {
    if (op === 'exists') parts.push(constant(operand === false));
    else if (op === 'equalTo') parts.push(constant(operand === null));
    else if (op === 'notEqualTo') parts.push(constant(operand !== null));
    else if (op === 'in' || op === 'notIn') {
      if (!Array.isArray(operand)) invalid(`${op} on ${key} must be a list`);
      parts.push(constant(operand.includes(null) !== (op === 'notIn')));
    } else if (HOLD_WHEN_MISSING.has(op)) parts.push(TRUE);
    else if (NEED_A_VALUE.has(op)) parts.push(FALSE);
    else invalid(`Invalid operator ${op} on ${key}`);
  }
  return and(parts);
}
