import type { Condition } from '../ast.ts';
import { containedBy, containsAll, containsAllStartingWith } from './array.ts';
import { compileCompare, compileIn } from './compare.ts';
import type { SqlContext } from './context.ts';
import { distanceSql, pointSql, polygonText, withinBoxSql } from './geo.ts';
import { column, fieldValue, jsonString, whenPresent } from './operands.ts';
import { regexToPostgres } from './regex.ts';
import { compileInQueryKey, compilePointerMatches, compileRelationContains, compileRelationMatches } from './subquery.ts';
import { compileText } from './text.ts';

/**
 * Compiles the condition of a WHERE clause, where a NULL test drops the row as FALSE does:
 * outside any NOT (through AND and OR, which never turn a NULL operand into TRUE) the
 * `x IS NOT NULL` guard beside each comparison changes no result, and PostgreSQL spent ~2.5 %
 * of a 100-row list evaluating it on every row scanned. See compileCondition's `filter`.
 */
export function compileFilter(cond: Condition, alias: string, ctx: SqlContext): string {
  return compileCondition(cond, alias, ctx, true);
}

/**
 * Compiles a condition to a boolean SQL expression over the table aliased `alias`. Every
 * expression yields true or false, never NULL, so that NOT and NOR behave as Parse's
 * (Mongo-style) semantics expect: a missing value matches "not equal" and "not in".
 * With `filter` (a WHERE's condition, see compileFilter), comparisons, `in` lists and regexes
 * reached through AND and OR only may be NULL where they would be false; under NOR the guard is back.
 */
export function compileCondition(cond: Condition, alias: string, ctx: SqlContext, filter = false): string {
  switch (cond.kind) {
    case 'const':
      return cond.value ? 'TRUE' : 'FALSE';
    case 'and':
      return cond.conditions.length ? '(' + cond.conditions.map((c) => compileCondition(c, alias, ctx, filter)).join(' AND ') + ')' : 'TRUE';
    case 'or':
      return cond.conditions.length ? '(' + cond.conditions.map((c) => compileCondition(c, alias, ctx, filter)).join(' OR ') + ')' : 'FALSE';
    case 'nor':
      return cond.conditions.length ? 'NOT (' + cond.conditions.map((c) => compileCondition(c, alias, ctx)).join(' OR ') + ')' : 'TRUE';
    case 'compare':
      return compileCompare(cond.field, cond.op, cond.value, alias, ctx, filter);
    case 'in':
      return compileIn(cond.field, cond.values, cond.negated, alias, ctx, filter);
    case 'exists':
      return `(${fieldValue(alias, cond.field, ctx)} IS ${cond.exists ? 'NOT ' : ''}NULL)`;
    case 'regex': {
      const target = cond.field.path ? jsonString(fieldValue(alias, cond.field, ctx)) : column(alias, cond.field);
      return whenPresent(target, `${target} ~ ${ctx.params.add(regexToPostgres(cond.pattern, cond.options))}`, filter);
    }
    case 'text':
      return compileText(cond, alias, ctx);
    case 'containsAll':
      return containsAll(column(alias, cond.field), cond.values, ctx);
    case 'containsAllStartingWith':
      return containsAllStartingWith(column(alias, cond.field), cond.prefixes, ctx);
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
      return compileInQueryKey(cond, alias, ctx, compileCondition);
    case 'pointerMatches':
      return compilePointerMatches(cond, alias, ctx, compileCondition);
    case 'relationMatches':
      return compileRelationMatches(cond, alias, ctx, compileCondition);
    case 'relationContains':
      return compileRelationContains(cond, alias, ctx);
  }
}
