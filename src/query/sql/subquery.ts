import { errors } from '../../errors/index.ts';
import type { Condition, FieldRef } from '../ast.ts';
import type { SqlContext } from './context.ts';
import { ident, joinTableNameSql } from './names.ts';
import { column, fieldValue } from './operands.ts';

/** compileCondition, passed in by sql/where.ts (which imports this file) for the subquery's own where. */
export type CompileCondition = (cond: Condition, alias: string, ctx: SqlContext) => string;

type Of<K extends Condition['kind']> = Extract<Condition, { kind: K }>;

/** " AND <where> AND <read access>" for a subquery over another class aliased `s`. */
function subqueryFilter(className: string, where: Condition, s: string, ctx: SqlContext, compile: CompileCondition): string {
  let out = '';
  if (!(where.kind === 'const' && where.value)) out += ' AND ' + compile(where, s, ctx);
  const acl = ctx.readFilter(s, ctx.params);
  if (acl) out += ' AND ' + acl;
  if (!ctx.classes.has(className)) throw errors.classNotFound(className);
  return out;
}

/** The pointed-to object exists, is readable and matches (or, negated, not). */
export function compilePointerMatches(cond: Of<'pointerMatches'>, alias: string, ctx: SqlContext, compile: CompileCondition): string {
  const s = ctx.nextAlias();
  const sub = subqueryFilter(cond.targetClass, cond.where, s, ctx, compile);
  return `${cond.negated ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${ident(cond.targetClass)} ${s} WHERE ${s}."objectId" = ${column(alias, cond.field)}${sub})`;
}

/** Some related object is readable and matches (or, negated, none), through the relation's join table. */
export function compileRelationMatches(cond: Of<'relationMatches'>, alias: string, ctx: SqlContext, compile: CompileCondition): string {
  const s = ctx.nextAlias();
  const j = ctx.nextAlias();
  const sub = subqueryFilter(cond.targetClass, cond.where, s, ctx, compile);
  return (
    `${cond.negated ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${joinTableNameSql(cond.ownerClass, cond.field.name)} ${j} ` +
    `JOIN ${ident(cond.targetClass)} ${s} ON ${s}."objectId" = ${j}."relatedId" WHERE ${j}."owningId" = ${alias}."objectId"${sub})`
  );
}

/** One of the given objects is related. */
export function compileRelationContains(cond: Of<'relationContains'>, alias: string, ctx: SqlContext): string {
  const j = ctx.nextAlias();
  return (
    `EXISTS (SELECT 1 FROM ${joinTableNameSql(cond.ownerClass, cond.field.name)} ${j} ` +
    `WHERE ${j}."owningId" = ${alias}."objectId" AND ${j}."relatedId" = ANY(${ctx.params.add(cond.objectIds)}::text[]))`
  );
}

/** The value equals (or, negated, equals no) `key` of a readable object of the other class that matches. */
export function compileInQueryKey(cond: Of<'inQueryKey'>, alias: string, ctx: SqlContext, compile: CompileCondition): string {
  const s = ctx.nextAlias();
  const outer = fieldValue(alias, cond.field, ctx);
  const inner = fieldValue(s, cond.key, ctx);
  const match = keyMatch(cond.field, outer, cond.key, inner);
  if (match === null) return cond.negated ? 'TRUE' : 'FALSE';
  const sub = subqueryFilter(cond.className, cond.where, s, ctx, compile);
  return `${cond.negated ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${ident(cond.className)} ${s} WHERE ${match}${sub})`;
}

const TEXTUAL = new Set(['String', 'Pointer', 'File']);
const IS_JSON = new Set(['Array', 'Object']);

/**
 * SQL that is true when the outer field's value equals the subquery key's value, or null when
 * no value of one type can equal a value of the other (a string is never a number). An Array
 * field matches when the key's value is one of its elements, as `in` does. Values inside
 * Object fields compare as JSON.
 */
function keyMatch(field: FieldRef, outer: string, key: FieldRef, inner: string): string | null {
  const plain = (ref: FieldRef) => !ref.path && !IS_JSON.has(ref.type);
  if (plain(field) && plain(key)) {
    if (TEXTUAL.has(field.type) && TEXTUAL.has(key.type)) return `${inner} = ${outer}`;
    if (field.type === key.type && ['Number', 'Boolean', 'Date'].includes(field.type)) return `${inner} = ${outer}`;
    return null;
  }
  const value = asJson(key, inner);
  const target = asJson(field, outer);
  if (value === null || target === null) return null;
  if (field.type === 'Array' && !field.path) return `(${target} = ${value} OR ${target} @> jsonb_build_array(${value}))`;
  return `${target} = ${value}`;
}

/** A column (or a value inside an Object field) as the jsonb Parse stores inside Object and Array fields. */
function asJson(ref: FieldRef, sql: string): string | null {
  if (ref.path || IS_JSON.has(ref.type)) return sql;
  if (TEXTUAL.has(ref.type) || ref.type === 'Number' || ref.type === 'Boolean') return `to_jsonb(${sql})`;
  if (ref.type === 'Date') return `jsonb_build_object('__type', 'Date', 'iso', to_char(${sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;
  return null;
}
