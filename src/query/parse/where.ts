import type { ClassDef } from '../../schema/index.ts';
import { and, TRUE, type Condition } from '../ast.ts';
import { absentFieldCondition } from './absent.ts';
import { isAbsentField, resolveField } from './fields.ts';
import { parseObjectFieldOps } from './object-field.ts';
import { COMBINATORS, operatorsOf } from './operators.ts';
import { parseReferenceOps, relationContains } from './reference.ts';
import { compare, parseValueFieldOps } from './scalar.ts';
import { invalid, isObject, MAX_DEPTH, MAX_NODES, type ParseState, type WhereContext } from './state.ts';

/**
 * Parses a `where` input — the GraphQL input object, or Parse's REST form inside
 * `inQueryKey` subqueries — into the query AST, checking every field and value.
 * Errors: 102 for malformed queries, 111 for values of the wrong type or that the
 * database cannot hold (a NUL character, a date outside 0001–9999).
 */
export function parseWhere(input: unknown, cls: ClassDef, ctx: WhereContext): Condition {
  const state: ParseState = { ctx, nodes: 0, parseNested: (nested, nestedCls, depth) => parseObject(nested, nestedCls, state, depth) };
  return parseObject(input, cls, state, 0);
}

/** One where object: its keys are fields and combinators, all of which must hold. */
function parseObject(input: unknown, cls: ClassDef, state: ParseState, depth: number): Condition {
  if (input === undefined || input === null) return TRUE;
  if (!isObject(input)) invalid('where must be an object');
  if (depth > MAX_DEPTH) invalid('Query is nested too deeply');
  const parts: Condition[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (++state.nodes > MAX_NODES) invalid('Query has too many conditions');
    const combinator = COMBINATORS[key];
    if (combinator) {
      if (value === null) continue;
      if (!Array.isArray(value)) invalid(`${key} must be a list`);
      const conditions = value.map((v) => parseObject(v, cls, state, depth + 1));
      parts.push(combinator === 'and' ? and(conditions) : { kind: combinator, conditions });
      continue;
    }
    parts.push(parseField(cls, key, value, state, depth));
  }
  return and(parts);
}

/** The conditions on one field: a literal (REST equality) or an object of operators. */
function parseField(cls: ClassDef, key: string, value: unknown, state: ParseState, depth: number): Condition {
  if (state.ctx.absentFields && isAbsentField(cls, key === 'id' ? 'objectId' : key)) return absentFieldCondition(key, value);
  const field = resolveField(cls, key);
  if (field.type === 'ACL') invalid('The ACL cannot be queried');
  // A dotted key is REST form only, where operators start with "$": an object without them is
  // the JSON value the key must equal (Parse.Query's equalTo("obj.key", {…})).
  const isLiteral = !isObject(value) || typeof value.__type === 'string' || (field.path !== undefined && !Object.keys(value).some((k) => k.startsWith('$')));
  if (isLiteral) {
    // REST form: { field: value } means equality; a relation "equal to" a pointer means "contains".
    if (field.type === 'Relation') return relationContains(cls, field, [value]);
    return compare(cls, field, 'eq', value);
  }
  const ops = operatorsOf(value);
  if (field.type === 'Object' && !field.path) return parseObjectFieldOps(field, ops, state, depth);
  if (field.type === 'Pointer' || field.type === 'Relation') return parseReferenceOps(cls, field, ops, state, depth);
  return parseValueFieldOps(cls, key, field, ops, state, depth);
}
