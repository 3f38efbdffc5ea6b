import { ident } from './names.ts';
import type { FieldRef } from '../ast.ts';
import type { SqlContext } from './context.ts';

/** A field's column in the table aliased `alias`. */
export function column(alias: string, field: FieldRef): string {
  return `${alias}.${ident(field.name)}`;
}

/** A value inside an Object field, as jsonb. */
export function jsonPath(alias: string, field: FieldRef, ctx: SqlContext): string {
  return `(${column(alias, field)} #> ${ctx.params.add(field.path!)}::text[])`;
}

/** The field's value as a condition reads it: its column, or the jsonb at its path inside an Object field. */
export function fieldValue(alias: string, field: FieldRef, ctx: SqlContext): string {
  return field.path ? jsonPath(alias, field, ctx) : column(alias, field);
}

/** A jsonb value as text when it is a JSON string, else NULL (regex matches strings only). */
export function jsonString(value: string): string {
  return `(CASE WHEN jsonb_typeof(${value}) = 'string' THEN ${value} #>> '{}' END)`;
}

/**
 * `test`, false rather than NULL when `operand` is NULL: for a test that is NULL only when its
 * operand is (its other side a non-null parameter). Written as a conjunction and not as
 * `COALESCE(test, FALSE)`, which PostgreSQL cannot look into: with COALESCE no index serves the
 * test (an equalTo on an indexed field became a scan of the table) and its selectivity is a
 * guess; `test AND operand IS NOT NULL` is an index condition and estimated from the statistics,
 * and stays true or false, so that NOT and NOR keep Parse's meaning.
 */
export function whenPresent(operand: string, test: string, nullIsFalse = false): string {
  // In a WHERE outside any NOT (compileFilter), a NULL test already drops the row.
  return nullIsFalse ? `(${test})` : `(${test} AND ${operand} IS NOT NULL)`;
}

/** A JSON value as a jsonb parameter. */
export function json(value: unknown, ctx: SqlContext): string {
  return `${ctx.params.add(JSON.stringify(value))}::jsonb`;
}
