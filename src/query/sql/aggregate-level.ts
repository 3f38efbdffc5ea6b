import type { ClassDef } from '../../schema/index.ts';
import type { AggField } from '../aggregate/types.ts';
import type { SqlContext } from './context.ts';
import { ident } from './names.ts';

/** A field of a level: the SQL computing it over the level's FROM, and what it is. */
export interface LevelField {
  sql: string;
  field: AggField;
}

/**
 * One SELECT of a compiled pipeline. Consecutive stages fill the clauses of the same SELECT
 * while SQL's clause order allows it (WHERE, GROUP BY, ORDER BY, OFFSET, LIMIT); a stage that
 * must act on what the SELECT outputs (a $match after a $group or $limit, a second $group)
 * wraps it as a subquery and starts a new level.
 */
export interface Level {
  from: string;
  alias: string;
  /** Output name → value, in output order. */
  fields: Map<string, LevelField>;
  /** Every field is the same-named column of `alias`, so a where over the fields compiles against `alias`. */
  plain: boolean;
  where: string[];
  /** Set when the level aggregates; [] (with `having`) puts every row in one group. */
  groupBy?: string[];
  having?: string;
  orderBy: string[];
  offset: number;
  limit?: number;
}

/** The name of the column that carries a subquery's order to the level around it. */
const ORDER_COLUMN = '"#order"';

/** The first level: the class's table, aliased t. */
export function baseLevel(cls: ClassDef, fields: Iterable<AggField>): Level {
  const columns = new Map<string, LevelField>();
  for (const field of fields) columns.set(field.name, { sql: `t.${ident(field.name)}`, field });
  return { from: `${ident(cls.className)} t`, alias: 't', fields: columns, plain: true, where: [], orderBy: [], offset: 0 };
}

export function isPaged(level: Level): boolean {
  return level.limit !== undefined || level.offset > 0;
}

/** Points and polygons are read as text (decoded in core), as finds read them. */
function outputSql(f: LevelField): string {
  return f.field.type === 'GeoPoint' || f.field.type === 'Polygon' ? `${f.sql}::text` : f.sql;
}

/**
 * The SELECT of a level. `outer`: the statement's result, in its order, values cast for
 * decoding. Otherwise a subquery, whose ORDER BY stays only where it decides which rows a
 * LIMIT or OFFSET keeps; `numbered` adds its order as a row number, since SQL does not keep a
 * subquery's order for the query around it.
 */
export function renderLevel(level: Level, ctx: SqlContext, outer: boolean, numbered = false): string {
  const columns = [...level.fields].map(([name, f]) => {
    const sql = outer ? outputSql(f) : f.sql;
    return sql === `${level.alias}.${ident(name)}` ? sql : `${sql} AS ${ident(name)}`;
  });
  if (numbered) columns.push(`row_number() OVER (ORDER BY ${level.orderBy.join(', ')}) AS ${ORDER_COLUMN}`);
  let sql = `SELECT ${columns.join(', ')} FROM ${level.from}`;
  if (level.where.length) sql += ` WHERE ${level.where.join(' AND ')}`;
  if (level.groupBy?.length) sql += ` GROUP BY ${level.groupBy.join(', ')}`;
  if (level.having) sql += ` HAVING ${level.having}`;
  if (level.orderBy.length && (outer || isPaged(level))) sql += ` ORDER BY ${level.orderBy.join(', ')}`;
  if (level.limit !== undefined) sql += ` LIMIT ${ctx.params.add(level.limit)}`;
  if (level.offset > 0) sql += ` OFFSET ${ctx.params.add(level.offset)}`;
  return sql;
}

/**
 * A new level over the output of `level`, its fields the subquery's columns; `keepOrder`
 * carries the order over (not wanted when the next stage groups or sorts anew).
 */
export function wrapLevel(level: Level, ctx: SqlContext, keepOrder = true): Level {
  const alias = ctx.nextAlias();
  const fields = new Map<string, LevelField>();
  for (const [name, f] of level.fields) fields.set(name, { sql: `${alias}.${ident(name)}`, field: f.field });
  const numbered = keepOrder && level.orderBy.length > 0;
  const orderBy = numbered ? [`${alias}.${ORDER_COLUMN}`] : [];
  return { from: `(${renderLevel(level, ctx, false, numbered)}) ${alias}`, alias, fields, plain: true, where: [], orderBy, offset: 0 };
}
