import { ident, joinTableNameSql } from './names.ts';
import { errors } from '../../errors/index.ts';
import type { CompareOp, Condition, FieldRef } from '../ast.ts';
import type { SqlContext } from './context.ts';
import { distanceSql, pointSql, polygonText, withinBoxSql } from './geo.ts';

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

/** A jsonb value as text when it is a JSON string, else NULL (regex matches strings only). */
function jsonString(value: string): string {
  return `(CASE WHEN jsonb_typeof(${value}) = 'string' THEN ${value} #>> '{}' END)`;
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
      const target = cond.field.path ? jsonString(jsonPath(alias, cond.field, ctx)) : column(alias, cond.field);
      return `COALESCE(${target} ~ ${ctx.params.add(regexWithFlags(cond.pattern, cond.options))}, FALSE)`;
    }
    case 'text':
      return compileText(cond, alias, ctx);
    case 'containsAll': {
      if (cond.values.length === 0) return 'FALSE';
      const col = column(alias, cond.field);
      return `(${cond.values.map((v) => hasElement(col, v, ctx)).join(' AND ')})`;
    }
    case 'containedBy':
      return containedBy(column(alias, cond.field), cond.values, ctx);
    case 'near': {
      const col = column(alias, cond.field);
      if (cond.maxDistanceRadians === undefined) return `(${col} IS NOT NULL)`;
      return `COALESCE(${distanceSql(col, cond.point, ctx.params)} <= ${ctx.params.add(cond.maxDistanceRadians)}::float8, FALSE)`;
    }
    case 'withinBox':
      return withinBoxSql(column(alias, cond.field), cond.bottomLeft, cond.upperRight, ctx.params);
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
 * exactly it, or contains it as an element"; ordering compares any element of the same type.
 */
function compareArray(col: string, op: CompareOp, value: unknown, ctx: SqlContext): string {
  if (op === 'eq' || op === 'ne') {
    const test = Array.isArray(value) ? `(COALESCE(${col} = ${json(value, ctx)}, FALSE) OR ${hasElement(col, value, ctx)})` : hasElement(col, value, ctx);
    return op === 'eq' ? test : `NOT ${test}`;
  }
  const v = json(value, ctx);
  return `EXISTS (SELECT 1 FROM ${elements(col)} e WHERE jsonb_typeof(e) = jsonb_typeof(${v}) AND e ${SQL_OP[op]} ${v})`;
}

/** The elements of a jsonb array column as a set (none when the value is not an array). */
function elements(col: string): string {
  return `jsonb_array_elements(CASE WHEN jsonb_typeof(${col}) = 'array' THEN ${col} ELSE '[]'::jsonb END)`;
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

/**
 * Whether an array column has an element equal to `value` (deep JSON equality). jsonb's
 * `@>` (GIN-indexable) is exact for scalars; for objects and arrays it also accepts
 * supersets, so an exact element test follows it.
 */
function hasElement(col: string, value: unknown, ctx: SqlContext): string {
  const contains = `COALESCE(${col} @> ${json([value], ctx)}, FALSE)`;
  if (isScalar(value)) return contains;
  return `(${contains} AND EXISTS (SELECT 1 FROM ${elements(col)} e WHERE e = ${json(value, ctx)}))`;
}

/** Every element of the array column equals one of `values` (objects without the field do not match). */
function containedBy(col: string, values: unknown[], ctx: SqlContext): string {
  if (values.every(isScalar)) return `COALESCE(${col} <@ ${json(values, ctx)}, FALSE)`;
  return `(jsonb_typeof(${col}) = 'array' AND NOT EXISTS (SELECT 1 FROM ${elements(col)} e WHERE e NOT IN (SELECT v FROM jsonb_array_elements(${json(values, ctx)}) v)))`;
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
    // any element is in the list, or (Mongo) the whole array equals an array in the list
    const col = column(alias, field);
    target = col;
    const whole = list.filter(Array.isArray).map((v) => `COALESCE(${col} = ${json(v, ctx)}, FALSE)`);
    const anyElement = list.length ? [`EXISTS (SELECT 1 FROM ${elements(col)} e WHERE e IN (SELECT v FROM jsonb_array_elements(${json(list, ctx)}) v))`] : [];
    member = list.length ? `(${[...anyElement, ...whole].join(' OR ')})` : 'FALSE';
  } else {
    target = field.type === 'Bytes' ? `(${column(alias, field)} ->> 'base64')` : column(alias, field);
    const cast = field.type === 'Bytes' ? '::text' : (PARAM_CAST[field.type] ?? '::text');
    member = list.length ? `COALESCE(${target} = ANY(${ctx.params.add(list)}${cast}[]), FALSE)` : 'FALSE';
  }
  const isNull = field.path || field.type === 'Object' ? `(${target} IS NULL OR ${target} = 'null'::jsonb)` : `(${target} IS NULL)`;
  const positive = hasNull ? `(${member} OR ${isNull})` : member;
  return negated ? `NOT ${positive}` : positive;
}

/** Line terminators of JavaScript's RegExp, as a PostgreSQL bracket expression. */
const LINE_BREAK = '[\\n\\r\\u2028\\u2029]';

/**
 * Translates a JavaScript pattern with options among i, m and s (the AST's form, see ast.ts)
 * into a PostgreSQL ARE that matches the same strings. PostgreSQL runs in its
 * non-newline-sensitive mode (embedded option `s`, plus `i`); JavaScript's line handling is
 * spelled out instead, because PostgreSQL's newline-sensitive modes know only "\n" and also
 * stop `[^x]` from matching it. Escapes whose meaning differs are rewritten: `\b` `\B` (word
 * boundaries, `\y` `\Y` in PostgreSQL), `\xHH` (PostgreSQL reads every following hex digit),
 * identity escapes of letters (`\a` is "a" in JavaScript, an escape in PostgreSQL), named
 * groups and `\k<name>`; a `{` that does not start a quantifier is a literal.
 */
export function regexWithFlags(pattern: string, options: string): string {
  const multiline = options.includes('m');
  const dotAll = options.includes('s');
  const groups = namedGroups(pattern);
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const [text, used] = translateEscape(pattern, i + 1, inClass, groups);
      out += text;
      i += used;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      if (pattern.startsWith('[]', i)) {
        out += '(?!)'; // JavaScript's empty class matches nothing
        i += 1;
      } else if (pattern.startsWith('[^]', i)) {
        out += '[\\s\\S]';
        i += 2;
      } else {
        inClass = true;
        out += c;
      }
    } else if (c === '.') {
      out += dotAll ? '[\\s\\S]' : `[^${LINE_BREAK.slice(1)}`;
    } else if (c === '^') {
      out += multiline ? `(?:^|(?<=${LINE_BREAK}))` : '^';
    } else if (c === '$') {
      out += multiline ? `(?:$|(?=${LINE_BREAK}))` : '$';
    } else if (c === '(' && pattern.startsWith('(?<', i) && pattern[i + 3] !== '=' && pattern[i + 3] !== '!') {
      out += '(';
      i = pattern.indexOf('>', i);
    } else if (c === '{' && !/^\{\d+(,\d*)?\}/.test(pattern.slice(i))) {
      out += '\\{';
    } else {
      out += c;
    }
  }
  return `(?s${options.includes('i') ? 'i' : ''})${out}`;
}

/** The escape at `pattern[at]` (after a backslash) in PostgreSQL, and how many characters it used. */
function translateEscape(pattern: string, at: number, inClass: boolean, groups: Map<string, number>): [string, number] {
  const c = pattern[at];
  if (c === undefined) return ['\\\\', 0];
  if (c === 'b') return [inClass ? '\\b' : '\\y', 1];
  if (c === 'B') return [inClass ? 'B' : '\\Y', 1];
  if ('dDwWsSfnrtv'.includes(c)) return ['\\' + c, 1];
  if (c === 'x' && /^[0-9a-fA-F]{2}/.test(pattern.slice(at + 1))) return ['\\u00' + pattern.slice(at + 1, at + 3), 3];
  if (c === 'u' && /^[0-9a-fA-F]{4}/.test(pattern.slice(at + 1))) return ['\\u' + pattern.slice(at + 1, at + 5), 5];
  if (c === 'c' && /^[a-zA-Z]/.test(pattern[at + 1] ?? '')) return ['\\c' + pattern[at + 1], 2];
  if (c === '0' && !/\d/.test(pattern[at + 1] ?? '')) return ['\\u0000', 1];
  if (/\d/.test(c) && !inClass) {
    const digits = /^\d+/.exec(pattern.slice(at))![0];
    return ['\\' + digits, digits.length];
  }
  if (c === 'k' && pattern[at + 1] === '<' && groups.size > 0) {
    const end = pattern.indexOf('>', at);
    const index = groups.get(pattern.slice(at + 2, end));
    if (index !== undefined) return ['\\' + index, end - at + 1];
  }
  if (/[a-zA-Z0-9]/.test(c)) return [c, 1]; // an identity escape in JavaScript
  return ['\\' + c, 1];
}

/** Capture group number of each named group `(?<name>…)`, counting groups as JavaScript does. */
function namedGroups(pattern: string): Map<string, number> {
  const names = new Map<string, number>();
  let count = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(' && pattern[i + 1] !== '?') count++;
    else if (c === '(' && pattern.startsWith('(?<', i) && pattern[i + 3] !== '=' && pattern[i + 3] !== '!') {
      const end = pattern.indexOf('>', i);
      names.set(pattern.slice(i + 3, end), ++count);
    }
  }
  return names;
}

function compileText(cond: Extract<Condition, { kind: 'text' }>, alias: string, ctx: SqlContext): string {
  const col = column(alias, cond.field);
  if (!cond.diacriticSensitive && !ctx.unaccent) {
    throw errors.invalidQuery('diacriticSensitive: false needs the unaccent extension, which this database does not have');
  }
  // unaccent() only where asked: it stops an index on to_tsvector(column) from being used.
  const plain = (sql: string) => (cond.diacriticSensitive ? sql : `unaccent(${sql})`);
  const lang = ctx.params.add(cond.language) + '::regconfig';
  const text = plain(`coalesce(${col}, '')`);
  let sql = `to_tsvector(${lang}, ${text}) @@ websearch_to_tsquery(${lang}, ${plain(ctx.params.add(cond.term) + '::text')})`;
  if (cond.caseSensitive) {
    for (const word of searchWords(cond.term)) {
      sql += ` AND ${text} ~ ${plain(ctx.params.add('\\m' + escapeRegex(word)) + '::text')}`;
    }
  }
  return `(${sql})`;
}

/** The positive words of a web-search term (quoted phrases split, negations, OR and punctuation dropped). */
export function searchWords(term: string): string[] {
  return term
    .replace(/"/g, ' ')
    .split(/\s+/)
    .filter((w) => w && !w.startsWith('-') && w.toLowerCase() !== 'or')
    .flatMap((w) => w.match(/[\p{L}\p{N}_]+/gu) ?? []);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileInQueryKey(cond: Extract<Condition, { kind: 'inQueryKey' }>, alias: string, ctx: SqlContext): string {
  const s = ctx.nextAlias();
  const outer = cond.field.path ? jsonPath(alias, cond.field, ctx) : column(alias, cond.field);
  const inner = cond.key.path ? jsonPath(s, cond.key, ctx) : column(s, cond.key);
  const match = keyMatch(cond.field, outer, cond.key, inner);
  if (match === null) return cond.negated ? 'TRUE' : 'FALSE';
  const sub = subqueryFilter(cond.className, cond.where, s, ctx);
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
