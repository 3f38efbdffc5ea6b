import { errors } from '../../errors/index.ts';
import type { Condition, FieldRef } from '../ast.ts';
import { resolveField } from './fields.ts';
import { invalid, isObject, type ParseState } from './state.ts';

/**
 * inQueryKey / notInQueryKey (REST $select / $dontSelect): the field's value is (not) the
 * `key` of some object of `query.className` matching `query.where`.
 */
export function parseInQueryKey(field: FieldRef, operand: unknown, negated: boolean, state: ParseState, depth: number): Condition {
  if (!isObject(operand) || !isObject(operand.query) || typeof operand.key !== 'string') invalid('inQueryKey needs {query: {className, where}, key}');
  const { className, where } = operand.query as { className?: unknown; where?: unknown };
  if (typeof className !== 'string') invalid('inQueryKey.query.className must be a string');
  const cls = state.ctx.classes.get(className);
  if (!cls) throw errors.classNotFound(className);
  const key = resolveField(cls, operand.key);
  if (key.type === 'Relation' || key.type === 'ACL') invalid(`inQueryKey key ${operand.key} must be a stored field`);
  return { kind: 'inQueryKey', field, className, where: state.parseNested(where ?? {}, cls, depth + 1), key, negated };
}
