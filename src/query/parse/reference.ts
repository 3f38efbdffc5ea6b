import type { ClassDef } from '../../schema/index.ts';
import { and, TRUE, type Condition, type FieldRef } from '../ast.ts';
import { normalizeValue } from '../values.ts';
import { parseInQueryKey } from './in-query-key.ts';
import { COMPARE } from './operators.ts';
import { compare } from './scalar.ts';
import { invalid, isObject, type ParseState } from './state.ts';

/** A Relation field "equal to" objects: one of them is related (Parse's relation equality). */
export function relationContains(cls: ClassDef, field: FieldRef, values: unknown[]): Condition {
  const objectIds = values.map((v) => normalizeValue(field, v, cls.className) as string);
  return { kind: 'relationContains', field, ownerClass: cls.className, objectIds };
}

/** Pointer and Relation fields: have / haveNot / exists (and REST equality forms). */
export function parseReferenceOps(cls: ClassDef, field: FieldRef, ops: Record<string, unknown>, state: ParseState, depth: number): Condition {
  const target = field.targetClass && state.ctx.classes.get(field.targetClass);
  const parts: Condition[] = [];
  for (const [op, operand] of Object.entries(ops)) {
    if (operand === null && op !== 'equalTo' && op !== 'notEqualTo') continue;
    if (op === 'exists') {
      if (typeof operand !== 'boolean') invalid('exists must be a boolean');
      if (field.type === 'Pointer') parts.push({ kind: 'exists', field, exists: operand });
      else parts.push({ kind: 'relationMatches', field, ownerClass: cls.className, targetClass: field.targetClass!, where: TRUE, negated: !operand });
    } else if (op === 'have' || op === 'haveNot') {
      if (!target) invalid(`Target class ${field.targetClass} of ${field.name} does not exist`);
      // Parse REST's $inQuery carries {where, className}; GraphQL's have is the where itself.
      const rest = isObject(operand) && isObject(operand.where) && typeof operand.className === 'string';
      if (rest && operand.className !== target.className)
        invalid(`${op} on ${field.name} must query class ${target.className}, not ${String(operand.className)}`);
      const where = rest ? operand.where : operand;
      const sub = state.parseNested(where, target, depth + 1);
      parts.push(
        field.type === 'Pointer'
          ? { kind: 'pointerMatches', field, targetClass: target.className, where: sub, negated: op === 'haveNot' }
          : { kind: 'relationMatches', field, ownerClass: cls.className, targetClass: target.className, where: sub, negated: op === 'haveNot' },
      );
    } else if (field.type === 'Pointer' && (op === 'inQueryKey' || op === 'notInQueryKey')) {
      parts.push(parseInQueryKey(field, operand, op === 'notInQueryKey', state, depth));
    } else if (field.type === 'Pointer' && COMPARE[op] && (op === 'equalTo' || op === 'notEqualTo')) {
      parts.push(compare(cls, field, COMPARE[op], operand));
    } else if (field.type === 'Pointer' && (op === 'in' || op === 'notIn')) {
      if (!Array.isArray(operand)) invalid(`${op} must be a list`);
      parts.push({ kind: 'in', field, values: operand.map((v) => normalizeValue(field, v, cls.className)), negated: op === 'notIn' });
    } else if (field.type === 'Relation' && op === 'equalTo') {
      parts.push(relationContains(cls, field, [operand]));
    } else if (field.type === 'Relation' && (op === 'notEqualTo' || op === 'in' || op === 'notIn')) {
      // Parse REST: $in relates one of the objects, $ne / $nin none of them.
      const values = op === 'notEqualTo' ? [operand] : operand;
      if (!Array.isArray(values)) invalid(`${op} must be a list`);
      const related = relationContains(cls, field, values);
      parts.push(op === 'in' ? related : { kind: 'nor', conditions: [related] });
    } else {
      invalid(`Invalid operator ${op} for ${field.type} field ${field.name}`);
    }
  }
  return and(parts);
}
