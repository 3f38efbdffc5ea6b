import type { ClassDef } from '../../schema/index.ts';
import { and, type CompareOp, type Condition, type FieldRef } from '../ast.ts';
import { checkJsonText, normalizeValue } from '../values.ts';
import { parseContains } from './contains.ts';
import { parseGeoIntersects, parseGeoWithin, parseNear, parseWithin } from './geo.ts';
import { parseInQueryKey } from './in-query-key.ts';
import { COMPARE } from './operators.ts';
import { parseRegex } from './regex.ts';
import { isRelativeTime, relativeTimeOperand } from './relative-time.ts';
import { invalid, type ParseState } from './state.ts';
import { parseText } from './text.ts';

/** A comparison of a field with a value (not on geo fields or the ACL, which have no equality). */
export function compare(cls: ClassDef, field: FieldRef, op: CompareOp, operand: unknown): Condition {
  if (field.type === 'GeoPoint' || field.type === 'Polygon' || field.type === 'ACL') {
    invalid(`${op === 'eq' ? 'equalTo' : 'comparison'} is not supported on ${field.type} field ${field.name}`);
  }
  const value = isRelativeTime(operand) ? relativeTimeOperand(operand, op, field.path ? 'Object' : field.type) : operand;
  return { kind: 'compare', field, op, value: normalizeValue(field, value, cls.className) };
}

/**
 * The operators of a field that holds values (every type but Object, Pointer and Relation,
 * which have their own): comparisons, in, exists, regex, text, array and geo operators,
 * inQueryKey. `key` is the field as the where named it, for messages.
 */
export function parseValueFieldOps(cls: ClassDef, key: string, field: FieldRef, ops: Record<string, unknown>, state: ParseState, depth: number): Condition {
  const parts: Condition[] = [];
  for (const [op, operand] of Object.entries(ops)) {
    if (operand === null && op !== 'equalTo' && op !== 'notEqualTo') continue;
    const cmp = COMPARE[op];
    if (cmp) {
      parts.push(compare(cls, field, cmp, operand));
      continue;
    }
    switch (op) {
      case 'in':
      case 'notIn':
        if (field.type === 'GeoPoint' || field.type === 'Polygon') invalid(`${op} is not supported on ${field.type} field ${field.name}`);
        if (!Array.isArray(operand)) invalid(`${op} must be a list`);
        parts.push({ kind: 'in', field, values: operand.map((v) => normalizeValue(field, v, cls.className)), negated: op === 'notIn' });
        break;
      case 'exists':
        if (typeof operand !== 'boolean') invalid('exists must be a boolean');
        parts.push({ kind: 'exists', field, exists: operand });
        break;
      case 'matchesRegex':
        parts.push(parseRegex(field, operand, ops.options));
        break;
      case 'options':
        if (ops.matchesRegex === undefined) invalid('options requires matchesRegex');
        break;
      case 'text':
        parts.push(parseText(field, operand));
        break;
      case 'contains':
      case 'containedBy':
        if (field.type !== 'Array') invalid(`${op} applies to Array fields only`);
        if (!Array.isArray(operand)) invalid(`${op} must be a list`);
        parts.push(op === 'contains' ? parseContains(field, operand) : { kind: 'containedBy', field, values: checkJsonText(operand, field.name) });
        break;
      case 'inQueryKey':
      case 'notInQueryKey':
        parts.push(parseInQueryKey(field, operand, op === 'notInQueryKey', state, depth));
        break;
      case 'nearSphere':
        parts.push(parseNear(field, operand, ops));
        break;
      case 'maxDistance':
      case 'maxDistanceInRadians':
      case 'maxDistanceInMiles':
      case 'maxDistanceInKilometers':
        if (ops.nearSphere === undefined) invalid(`${op} requires nearSphere`);
        break;
      case 'within':
        parts.push(parseWithin(field, operand));
        break;
      case 'geoWithin':
        parts.push(parseGeoWithin(field, operand));
        break;
      case 'geoIntersects':
        parts.push(parseGeoIntersects(field, operand));
        break;
      default:
        invalid(`Invalid operator ${op} for field ${key}`);
    }
  }
  return and(parts);
}
