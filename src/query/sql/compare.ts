import type { CompareOp, FieldRef } from '../ast.ts';
import { elements, hasElement } from './array.ts';
import type { SqlContext } from './context.ts';
import { column, fieldValue, json, jsonPath, whenPresent } from './operands.ts';

const SQL_OP: Record<CompareOp, string> = { eq: '=', ne: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' };

/** Casts for parameters compared with a column of each field type. */
const PARAM_CAST: Record<string, string> = {
  Number: '::float8',
  Boolean: '::boolean',
  Date: '::timestamptz',
  String: '::text',
  Pointer: '::text',
  File: '::text',
};

/**
 * A `compare` condition (see ast.ts): true or false, never NULL, so that `ne` matches objects
 * without a value. With `filter` (the condition is a WHERE's, outside any NOT: see
 * compileFilter), a scalar test may be NULL where it would be false.
 */
export function compileCompare(field: FieldRef, op: CompareOp, value: unknown, alias: string, ctx: SqlContext, filter = false): string {
  if (field.path) return compareJson(jsonPath(alias, field, ctx), op, value, ctx);
  const col = column(alias, field);
  if (value === null) {
    if (op === 'eq') return `(${col} IS NULL)`;
    if (op === 'ne') return `(${col} IS NOT NULL)`;
    return 'FALSE';
  }
  switch (field.type) {
    case 'Array':
      return compareArray(col, op, value, ctx);
    case 'Object':
      return compareJson(col, op, value, ctx);
    case 'Bytes':
      return compareScalar(`(${col} ->> 'base64')`, op, ctx.params.add(value) + '::text', filter);
    default:
      return compareScalar(col, op, ctx.params.add(value) + (PARAM_CAST[field.type] ?? ''), filter);
  }
}

function compareScalar(target: string, op: CompareOp, param: string, filter: boolean): string {
  if (op === 'ne') return `(${target} IS DISTINCT FROM ${param})`;
  return whenPresent(target, `${target} ${SQL_OP[op]} ${param}`, filter);
}

/** jsonb comparison; ordering only between values of the same JSON type, as Mongo does. */
function compareJson(target: string, op: CompareOp, value: unknown, ctx: SqlContext): string {
  if (value === null) {
    if (op === 'eq') return `(${target} IS NULL OR ${target} = 'null'::jsonb)`;
    if (op === 'ne') return `(${target} IS NOT NULL AND ${target} <> 'null'::jsonb)`;
    return 'FALSE';
  }
  const v = json(value, ctx);
  if (op === 'eq') return whenPresent(target, `${target} = ${v}`);
  if (op === 'ne') return `(${target} IS DISTINCT FROM ${v})`;
  return whenPresent(target, `jsonb_typeof(${target}) = jsonb_typeof(${v}) AND ${target} ${SQL_OP[op]} ${v}`);
}

/**
 * Arrays follow Mongo: equality with a scalar means "contains it", with an array means "is
 * exactly it, or contains it as an element"; ordering compares any element of the same type.
 */
function compareArray(col: string, op: CompareOp, value: unknown, ctx: SqlContext): string {
  if (op === 'eq' || op === 'ne') {
    const test = Array.isArray(value) ? `(${whenPresent(col, `${col} = ${json(value, ctx)}`)} OR ${hasElement(col, value, ctx)})` : hasElement(col, value, ctx);
    return op === 'eq' ? test : `NOT ${test}`;
  }
  const v = json(value, ctx);
  return `EXISTS (SELECT 1 FROM ${elements(col)} e WHERE jsonb_typeof(e) = jsonb_typeof(${v}) AND e ${SQL_OP[op]} ${v})`;
}

/** An `in` condition (see ast.ts); a null in the list matches objects without a value. `filter`: as compileCompare's. */
export function compileIn(field: FieldRef, values: unknown[], negated: boolean, alias: string, ctx: SqlContext, filter = false): string {
  const hasNull = values.includes(null);
  const list = values.filter((v) => v !== null);
  let target: string;
  let member: string;
  if (field.path || field.type === 'Object') {
    target = fieldValue(alias, field, ctx);
    member = list.length ? `EXISTS (SELECT 1 FROM jsonb_array_elements(${json(list, ctx)}) v WHERE v = ${target})` : 'FALSE';
  } else if (field.type === 'Array') {
    // any element is in the list, or (Mongo) the whole array equals an array in the list
    const col = column(alias, field);
    target = col;
    const whole = list.filter(Array.isArray).map((v) => whenPresent(col, `${col} = ${json(v, ctx)}`));
    const anyElement = list.length ? [`EXISTS (SELECT 1 FROM ${elements(col)} e WHERE e IN (SELECT v FROM jsonb_array_elements(${json(list, ctx)}) v))`] : [];
    member = list.length ? `(${[...anyElement, ...whole].join(' OR ')})` : 'FALSE';
  } else {
    target = field.type === 'Bytes' ? `(${column(alias, field)} ->> 'base64')` : column(alias, field);
    const cast = field.type === 'Bytes' ? '::text' : (PARAM_CAST[field.type] ?? '::text');
    // notIn is a NOT of this test: there a NULL would not drop the row, so it keeps its guard.
    member = list.length ? whenPresent(target, `${target} = ANY(${ctx.params.add(list)}${cast}[])`, filter && !negated) : 'FALSE';
  }
  const isNull = field.path || field.type === 'Object' ? `(${target} IS NULL OR ${target} = 'null'::jsonb)` : `(${target} IS NULL)`;
  const positive = hasNull ? `(${member} OR ${isNull})` : member;
  return negated ? `NOT ${positive}` : positive;
}
