import { and, type Condition, type FieldRef } from '../ast.ts';
import { checkJsonText, checkKeyPath } from '../values.ts';
import { parseInQueryKey } from './in-query-key.ts';
import { COMPARE } from './operators.ts';
import { invalid, isObject, type ParseState } from './state.ts';

/** A `{key: "dot.path", value}` operand: the path as a field reference, and the value. */
function keyValue(field: FieldRef, kv: unknown): { ref: FieldRef; value: unknown } {
  if (!isObject(kv) || typeof kv.key !== 'string' || kv.key === '') invalid(`Object field ${field.name} constraints need {key, value}`);
  if (!/^[^.]+(\.[^.]+)*$/.test(kv.key)) invalid(`Invalid key path: ${kv.key}`);
  return { ref: { ...field, path: checkKeyPath(kv.key.split('.'), field.name) }, value: checkJsonText(kv.value, field.name) };
}

/**
 * The operators of an Object field (GraphQL form): comparisons and in / notIn take
 * {key: "dot.path", value} and apply to the value at that path; exists and inQueryKey apply
 * to the whole field.
 */
export function parseObjectFieldOps(field: FieldRef, ops: Record<string, unknown>, state: ParseState, depth: number): Condition {
  const parts: Condition[] = [];
  for (const [op, operand] of Object.entries(ops)) {
    if (operand === null) continue;
    const cmp = COMPARE[op];
    if (cmp) {
      const { ref, value } = keyValue(field, operand);
      parts.push({ kind: 'compare', field: ref, op: cmp, value });
    } else if (op === 'in' || op === 'notIn') {
      if (!Array.isArray(operand)) invalid(`${op} must be a list`);
      const byPath = new Map<string, { ref: FieldRef; values: unknown[] }>();
      for (const kv of operand) {
        const { ref, value } = keyValue(field, kv);
        const key = ref.path!.join('.');
        const entry = byPath.get(key) ?? { ref, values: [] };
        entry.values.push(...(Array.isArray(value) ? value : [value]));
        byPath.set(key, entry);
      }
      for (const { ref, values } of byPath.values()) parts.push({ kind: 'in', field: ref, values, negated: op === 'notIn' });
    } else if (op === 'exists') {
      if (typeof operand !== 'boolean') invalid('exists must be a boolean');
      parts.push({ kind: 'exists', field, exists: operand });
    } else if (op === 'inQueryKey' || op === 'notInQueryKey') {
      parts.push(parseInQueryKey(field, operand, op === 'notInQueryKey', state, depth));
    } else invalid(`Invalid operator ${op} for Object field ${field.name}`);
  }
  return and(parts);
}
