import { ident, joinTableNameSql } from './names.ts';
import { errors } from '../../errors/index.ts';
import type { CompareOp, Condition, FieldRef } from '../ast.ts';
import type { SqlContext } from './context.ts';
import { distanceSql, pointSql, polygonText } from './geo.ts';

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

function column(alias: string, field: FieldRef): string {
  return `${alias}.${ident(field.name)}`;
}

/** A value inside an Object field, as jsonb. */
function jsonPath(alias: string, field: FieldRef, ctx: SqlContext): string {
  return `(${column(alias, field)} #> ${ctx.params.add(field.path!)}::text[])`;
}

function json(value: unknown, ctx: SqlContext): string {
  return `${ctx.params.add(JSON.stringify(value))}::jsonb`;
}

/**
 * Compiles a condition to a boolean SQL expression over the table aliased `alias`. Every
 * expression yields true or false, never NULL, so that NOT and NOR behave as Parse's
 * (Mongo-style) semantics expect: a missing value matches "not equal" and "not in".
 */
export function compileCondition(cond: Condition, alias: string, ctx: SqlContext): string {
  switch (cond.kind) {
    case 'const':
      return cond.value ? 'TRUE' : 'FALSE';
    case 'and':
      return cond.conditions.length ? '(' + cond.conditions.map((c) => compileCondition(c, alias, ctx)).join(' AND ') + ')' : 'TRUE';
    case 'or':
      return cond.conditions.length ? '(' + cond.conditions.map((c) => compileCondition(c, alias, ctx)).join(' OR ') + ')' : 'FALSE';
    case 'nor':
      return cond.conditions.length ? 'NOT (' + cond.conditions.map((c) => compileCondition(c, alias, ctx)).join(' OR ') + ')' : 'TRUE';
    case 'compare':
      return compileCompare(cond.field, cond.op, cond.value, alias, ctx);
    case 'in':
      return compileIn(cond.field, cond.values, cond.negated, alias, ctx);
    case 'exists': {
      const target = cond.field.path ? jsonPath(alias, cond.field, ctx) : column(alias, cond.field);
      return `(${target} IS ${cond.exists ? 'NOT ' : ''}NULL)`;
    }
    case 'regex': {
      const target = cond.field.path ? `(${jsonPath(alias, cond.field, ctx)} #>> '{}')` : column(alias, cond.field);
      return `COALESCE(${target} ~ ${ctx.params.add(regexWithFlags(cond.pattern, cond.options))}, FALSE)`;
    }
    case 'text':
      return compileText(cond, alias, ctx);
    case 'containsAll':
      if (cond.values.length === 0) return 'FALSE';
      return `COALESCE(${column(alias, cond.field)} @> ${json(cond.values, ctx)}, FALSE)`;
    case 'containedBy':
      return `COALESCE(${column(alias, cond.field)} <@ ${json(cond.values, ctx)}, FALSE)`;
    case 'near': {
      const col = column(alias, cond.field);
      if (cond.maxDistanceRadians === undefined) return `(${col} IS NOT NULL)`;
      return `COALESCE(${distanceSql(col, cond.point, ctx.params)} <= ${ctx.params.add(cond.maxDistanceRadians)}::float8, FALSE)`;
    }
    case 'withinBox':
      return `COALESCE(${column(alias, cond.field)} <@ box(${pointSql(cond.bottomLeft, ctx.params)}, ${pointSql(cond.upperRight, ctx.params)}), FALSE)`;
    case 'withinPolygon':
      return `COALESCE(${column(alias, cond.field)} <@ ${ctx.params.add(polygonText(cond.points))}::polygon, FALSE)`;
    case 'withinSphere': {
      const col = column(alias, cond.field);
      return `COALESCE(${distanceSql(col, cond.center, ctx.params)} <= ${ctx.params.add(cond.radiusRadians)}::float8, FALSE)`;
    }
    case 'intersectsPoint':
      return `COALESCE(${column(alias, cond.field)} @> ${pointSql(cond.point, ctx.params)}, FALSE)`;
    case 'inQueryKey':
      return compileInQueryKey(cond, alias, ctx);
    case 'pointerMatches': {
      const s = ctx.nextAlias();
      const sub = subqueryFilter(cond.targetClass, cond.where, s, ctx);
      return `${cond.negated ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${ident(cond.targetClass)} ${s} WHERE ${s}."objectId" = ${column(alias, cond.field)}${sub})`;
    }
    case 'relationMatches': {
      const s = ctx.nextAlias();
      const j = ctx.nextAlias();
      const sub = subqueryFilter(cond.targetClass, cond.where, s, ctx);
      return (
        `${cond.negated ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${joinTableNameSql(cond.ownerClass, cond.field.name)} ${j} ` +
        `JOIN ${ident(cond.targetClass)} ${s} ON ${s}."objectId" = ${j}."relatedId" WHERE ${j}."owningId" = ${alias}."objectId"${sub})`
      );
    }
    case 'relationContains': {
      const j = ctx.nextAlias();
      return (
        `EXISTS (SELECT 1 FROM ${joinTableNameSql(cond.ownerClass, cond.field.name)} ${j} ` +
        `WHERE ${j}."owningId" = ${alias}."objectId" AND ${j}."relatedId" = ANY(${ctx.params.add(cond.objectIds)}::text[]))`
      );
    }
  }
}

/** " AND <where> AND <read access>" for a subquery over another class. */
function subqueryFilter(className: string, where: Condition, s: string, ctx: SqlContext): string {
  let out = '';
  if (!(where.kind === 'const' && where.value)) out += ' AND ' + compileCondition(where, s, ctx);
  const acl = ctx.readFilter(s, ctx.params);
  if (acl) out += ' AND ' + acl;
  if (!ctx.classes.has(className)) throw errors.classNotFound(className);
  return out;
}

function compileCompare(field: FieldRef, op: CompareOp, value: unknown, alias: string, ctx: SqlContext): string {
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
      return compareScalar(`(${col} ->> 'base64')`, op, ctx.params.add(value) + '::text');
    default:
      return compareScalar(col, op, ctx.params.add(value) + (PARAM_CAST[field.type] ?? ''));
  }
}

function compareScalar(target: string, op: CompareOp, param: string): string {
  if (op === 'ne') return `(${target} IS DISTINCT FROM ${param})`;
  return `COALESCE(${target} ${SQL_OP[op]} ${param}, FALSE)`;
}

/** jsonb comparison; ordering only between values of the same JSON type, as Mongo does. */
function compareJson(target: string, op: CompareOp, value: unknown, ctx: SqlContext): string {
  if (value === null) {
    if (op === 'eq') return `(${target} IS NULL OR ${target} = 'null'::jsonb)`;
    if (op === 'ne') return `(${target} IS NOT NULL AND ${target} <> 'null'::jsonb)`;
    return 'FALSE';
  }
  const v = json(value, ctx);
  if (op === 'eq') return `COALESCE(${target} = ${v}, FALSE)`;
  if (op === 'ne') return `(${target} IS DISTINCT FROM ${v})`;
  return `COALESCE(jsonb_typeof(${target}) = jsonb_typeof(${v}) AND ${target} ${SQL_OP[op]} ${v}, FALSE)`;
}

/**
 * Arrays follow Mongo: equality with a scalar means "contains it", with an array means "is
 * exactly it"; ordering compares any element.
 */
function compareArray(col: string, op: CompareOp, value: unknown, ctx: SqlContext): string {
  if (op === 'eq' || op === 'ne') {
    const test = Array.isArray(value) ? `${col} = ${json(value, ctx)}` : `${col} @> ${json([value], ctx)}`;
    return op === 'eq' ? `COALESCE(${test}, FALSE)` : `NOT COALESCE(${test}, FALSE)`;
  }
  const v = json(value, ctx);
  return `EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${col}) = 'array' THEN ${col} ELSE '[]'::jsonb END) e WHERE jsonb_typeof(e) = jsonb_typeof(${v}) AND e ${SQL_OP[op]} ${v})`;
}

function compileIn(field: FieldRef, values: unknown[], negated: boolean, alias: string, ctx: SqlContext): string {
  const hasNull = values.includes(null);
  const list = values.filter((v) => v !== null);
  let target: string;
  let member: string;
  if (field.path || field.type === 'Object') {
    target = field.path ? jsonPath(alias, field, ctx) : column(alias, field);
    member = list.length ? `EXISTS (SELECT 1 FROM jsonb_array_elements(${json(list, ctx)}) v WHERE v = ${target})` : 'FALSE';
  } else if (field.type === 'Array') {
    const col = column(alias, field);
    target = col;
    member = list.length
      ? `EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${col}) = 'array' THEN ${col} ELSE '[]'::jsonb END) e, jsonb_array_elements(${json(list, ctx)}) v WHERE e = v)`
      : 'FALSE';
  } else {
    target = field.type === 'Bytes' ? `(${column(alias, field)} ->> 'base64')` : column(alias, field);
    const cast = field.type === 'Bytes' ? '::text' : (PARAM_CAST[field.type] ?? '::text');
    member = list.length ? `COALESCE(${target} = ANY(${ctx.params.add(list)}${cast}[]), FALSE)` : 'FALSE';
  }
  const isNull = field.path || field.type === 'Object' ? `(${target} IS NULL OR ${target} = 'null'::jsonb)` : `(${target} IS NULL)`;
  const positive = hasNull ? `(${member} OR ${isNull})` : member;
  return negated ? `NOT ${positive}` : positive;
}

/** JavaScript regex flags as PostgreSQL embedded options, so both engines agree on ^ $ and . */
export function regexWithFlags(pattern: string, options: string): string {
  const m = options.includes('m');
  const s = options.includes('s');
  let flags = m && s ? 'w' : m ? 'n' : s ? 's' : 'p';
  if (options.includes('i')) flags += 'i';
  if (options.includes('x')) flags += 'x';
  return `(?${flags})${pattern}`;
}

function compileText(cond: Extract<Condition, { kind: 'text' }>, alias: string, ctx: SqlContext): string {
  const col = column(alias, cond.field);
  if (!cond.diacriticSensitive && !ctx.unaccent) {
    throw errors.invalidQuery('diacriticSensitive: false needs the unaccent extension, which this database does not have');
  }
  const lang = ctx.params.add(cond.language) + '::regconfig';
  const doc = cond.diacriticSensitive ? `coalesce(${col}, '')` : `unaccent(coalesce(${col}, ''))`;
  const term = ctx.params.add(cond.term);
  const query = cond.diacriticSensitive ? `websearch_to_tsquery(${lang}, ${term})` : `websearch_to_tsquery(${lang}, unaccent(${term}))`;
  let sql = `(to_tsvector(${lang}, ${doc}) @@ ${query})`;
  if (cond.caseSensitive) {
    for (const word of searchWords(cond.term)) {
      sql += ` AND COALESCE(${col} ~ ${ctx.params.add('\\m' + escapeRegex(word) + '\\M')}, FALSE)`;
    }
  }
  return `(${sql})`;
}

/** The positive words of a web-search term (quoted phrases split, negations and OR dropped). */
export function searchWords(term: string): string[] {
  return term
    .replace(/"/g, ' ')
    .split(/\s+/)
    .filter((w) => w && !w.startsWith('-') && w.toLowerCase() !== 'or');
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileInQueryKey(cond: Extract<Condition, { kind: 'inQueryKey' }>, alias: string, ctx: SqlContext): string {
  const s = ctx.nextAlias();
  const textual = new Set(['String', 'Pointer', 'File']);
  const sameType = cond.key.type === cond.field.type || (textual.has(cond.key.type) && textual.has(cond.field.type));
  const outer = cond.field.path ? `(${jsonPath(alias, cond.field, ctx)} #>> '{}')` : column(alias, cond.field);
  const inner = `${s}.${ident(cond.key.name)}`;
  const match = sameType && !cond.field.path ? `${inner} = ${outer}` : `${inner}::text = ${outer}::text`;
  const sub = subqueryFilter(cond.className, cond.where, s, ctx);
  return `${cond.negated ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${ident(cond.className)} ${s} WHERE ${match}${sub})`;
}
