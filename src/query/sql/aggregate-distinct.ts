import type { ClassDef } from '../../schema/index.ts';
import type { DistinctField } from '../aggregate/types.ts';
import type { Condition } from '../ast.ts';
import { elements } from './array.ts';
import type { SqlContext } from './context.ts';
import { ident } from './names.ts';
import { compileCondition } from './where.ts';

/**
 * The distinct values of a field among the objects matching `where` that the caller may read,
 * in one column "value", ordered, without the objects that have no value. An Array field
 * gives its elements (as MongoDB's distinct does); points and polygons are compared as text,
 * having no equality of their own.
 */
export function compileDistinct(cls: ClassDef, field: DistinctField, where: Condition, ctx: SqlContext): string {
  const column = `t.${ident(field.name)}`;
  let from = `${ident(cls.className)} t`;
  let value: string;
  let present: string;
  if (field.path) {
    value = `(${column} #> ${ctx.params.add(field.path)}::text[])`;
    present = `${value} <> 'null'::jsonb`;
  } else if (field.type === 'Array') {
    from += ` CROSS JOIN LATERAL ${elements(column)} AS e("value")`;
    value = 'e."value"';
    present = `${value} <> 'null'::jsonb`;
  } else {
    value = field.type === 'GeoPoint' || field.type === 'Polygon' ? `${column}::text` : column;
    present = `${column} IS NOT NULL`;
  }
  const filters = [present];
  if (!(where.kind === 'const' && where.value)) filters.push(compileCondition(where, 't', ctx));
  const access = ctx.readFilter('t', ctx.params);
  if (access) filters.push(access);
  return `SELECT DISTINCT ${value} AS "value" FROM ${from} WHERE ${filters.join(' AND ')} ORDER BY 1`;
}
