import { ident } from './names.ts';
import type { ClassDef } from '../../schema/index.ts';
import type { Condition, FieldRef, GeoPoint } from '../ast.ts';
import type { OrderKey } from '../order.ts';
import type { SqlContext } from './context.ts';
import { compileFilter } from './where.ts';
import { distanceSql } from './geo.ts';
import { keysetConditions, nullsFollowBound, orderKeys } from './keyset.ts';

/** The SELECT-list entry (or entries) that read one field of the class aliased `alias`. */
export function selectColumn(field: string, type: string, alias: string): string {
  const col = `${alias}.${ident(field)}`;
  switch (type) {
    case 'GeoPoint':
    case 'Polygon':
      return `${col}::text AS ${ident(field)}`;
    case 'ACL':
      return `${alias}."_rperm", ${alias}."_wperm"`;
    default:
      return col;
  }
}

/** The stored columns needed to produce the given fields (virtual and relation fields have none). */
export function selectList(cls: ClassDef, fields: Iterable<string>, alias: string, hasColumn: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of fields) {
    const def = cls.fields[name];
    if (!def || (!hasColumn(name) && def.type !== 'ACL')) continue;
    out.push(selectColumn(name, def.type, alias));
  }
  return out;
}

export interface FindSql {
  cls: ClassDef;
  /** Entries from selectList. */
  columns: string[];
  where: Condition;
  order: readonly OrderKey[];
  /** Sort by distance from this point when no explicit order is given (nearSphere). */
  near?: { field: FieldRef; point: GeoPoint };
  limit: number;
  /** Rows to skip: a number, or an SQL expression (a per-owner offset in a relation page). */
  offset: number | { sql: string };
  /** Only rows after these order values (keyset paging); one value per order key plus objectId. */
  keysetAfter?: unknown[];
  /** Only objects related to one owner through a relation's join table (relation connections). */
  relation?: { joinTable: string; ownerSql: string };
}

/** Whether no explicit order is given and a nearSphere condition orders by distance. */
export function ordersByDistance(order: readonly OrderKey[], near: unknown): boolean {
  return !!near && order.length === 0;
}

/** Compiles a find: filter, read access, order with an objectId tiebreaker, keyset bound, page. */
export function compileFind(q: FindSql, ctx: SqlContext): string {
  const alias = 't';
  const filters: string[] = [];
  if (q.relation) filters.push(`j."owningId" = ${q.relation.ownerSql}`);
  filters.push(...filtersOf(q.where, alias, ctx));
  const keys = orderKeys(q.order);
  let from = `${ident(q.cls.className)} ${alias}`;
  if (q.relation) from += ` JOIN ${q.relation.joinTable} j ON j."relatedId" = ${alias}."objectId"`;
  const limit = ctx.params.add(q.limit);
  const offset = typeof q.offset === 'object' ? q.offset.sql : q.offset > 0 ? ctx.params.add(q.offset) : undefined;
  const orderBy = (a: string) => keys.map((k) => `${a}.${ident(k.field.name)}${k.descending ? ' DESC' : ''}`).join(', ');
  const select = (conditions: string[], order: string, rows: string, skip?: string) =>
    `SELECT ${q.columns.join(', ')} FROM ${from}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${rows}${skip ? ` OFFSET ${skip}` : ''}`;

  if (q.near && ordersByDistance(q.order, q.near)) {
    const order = `${distanceSql(`${alias}.${ident(q.near.field.name)}`, q.near.point, ctx.params)}, ${alias}."objectId"`;
    return select(filters, order, limit, offset);
  }
  if (!q.keysetAfter) return select(filters, orderBy(alias), limit, offset);
  if (!nullsFollowBound(keys, q.keysetAfter) || !keys.every((k) => q.columns.includes(`${alias}.${ident(k.field.name)}`))) {
    return select([...filters, ...keysetConditions(keys, q.keysetAfter, alias, ctx)], orderBy(alias), limit, offset);
  }
  // Ascending on a nullable leading key from a non-null value: the rows after the bound are the
  // larger values, then the NULLs (sorted last). As one OR the scan could not start at the
  // bound; as two branches each starts where its rows are, and only the page is merged.
  const lead = `${alias}.${ident(keys[0].field.name)}`;
  const rows = offset ? `${limit}::int8 + ${offset}::int8` : limit;
  const values = select([...filters, ...keysetConditions(keys, q.keysetAfter, alias, ctx, true)], orderBy(alias), rows);
  const nulls = select([...filters, `${lead} IS NULL`], orderBy(alias), rows);
  return `SELECT * FROM ((${values}) UNION ALL (${nulls})) u ORDER BY ${orderBy('u')} LIMIT ${limit}${offset ? ` OFFSET ${offset}` : ''}`;
}

/**
 * The pages of many owners of a relation in one statement: the find runs once per owner as a
 * LATERAL subquery over the join table. The result's first column is the owner's id, the rest
 * are `q.columns`. `offsets` gives each owner its own offset (a `last` page placed by each
 * owner's count); otherwise every owner skips `q.offset`.
 */
export function compileRelatedFind(
  q: Omit<FindSql, 'relation'>,
  joinTable: string,
  ownerIds: readonly string[],
  offsets: readonly number[] | undefined,
  ctx: SqlContext,
): string {
  const owners = ctx.params.add(ownerIds) + '::text[]';
  const source = offsets ? `unnest(${owners}, ${ctx.params.add(offsets)}::int8[]) AS o("owner", "skip")` : `unnest(${owners}) AS o("owner")`;
  const inner = compileFind({ ...q, offset: offsets ? { sql: 'o."skip"' } : q.offset, relation: { joinTable, ownerSql: 'o."owner"' } }, ctx);
  return `SELECT o."owner", r.* FROM ${source} CROSS JOIN LATERAL (${inner}) r`;
}

function filtersOf(where: Condition, alias: string, ctx: SqlContext): string[] {
  const filters: string[] = [];
  if (!(where.kind === 'const' && where.value)) filters.push(compileFilter(where, alias, ctx));
  const acl = ctx.readFilter(alias, ctx.params);
  if (acl) filters.push(acl);
  return filters;
}

/** A keyset bound for a count: rows after these order values are counted apart, as "following". */
export interface CountAfter {
  order: readonly OrderKey[];
  values: unknown[];
}

/** The "following" column of a count: the rows after a keyset bound (to place a `last` page after it). */
function followingColumn(after: CountAfter | undefined, alias: string, ctx: SqlContext): string {
  if (!after) return '';
  return `, count(*) FILTER (WHERE ${keysetConditions(orderKeys(after.order), after.values, alias, ctx).join(' AND ')})::int AS "following"`;
}

/** Counts the objects of a find (filter and read access), and those after a keyset bound when given. */
export function compileCount(cls: ClassDef, where: Condition, ctx: SqlContext, after?: CountAfter): string {
  const alias = 't';
  const filters = filtersOf(where, alias, ctx);
  const following = followingColumn(after, alias, ctx);
  return `SELECT count(*)::int AS "count"${following} FROM ${ident(cls.className)} ${alias}${filters.length ? ' WHERE ' + filters.join(' AND ') : ''}`;
}

/** Counts the related objects of many owners in one grouped statement (owners without any are absent). */
export function compileRelatedCount(
  cls: ClassDef,
  joinTable: string,
  ownerIds: readonly string[],
  where: Condition,
  ctx: SqlContext,
  after?: CountAfter,
): string {
  const filters = [`j."owningId" = ANY(${ctx.params.add(ownerIds)}::text[])`, ...filtersOf(where, 't', ctx)];
  const following = followingColumn(after, 't', ctx);
  return (
    `SELECT j."owningId" AS "owner", count(*)::int AS "count"${following} FROM ${joinTable} j ` +
    `JOIN ${ident(cls.className)} t ON t."objectId" = j."relatedId" WHERE ${filters.join(' AND ')} GROUP BY j."owningId"`
  );
}
