import { ident } from './names.ts';
import type { ClassDef } from '../../schema/index.ts';
import type { Condition, FieldRef, GeoPoint } from '../ast.ts';
import type { OrderKey } from '../order.ts';
import type { SqlContext } from './context.ts';
import { compileCondition } from './where.ts';
import { distanceSql } from './geo.ts';

const KEY_CAST: Record<string, string> = { Number: '::float8', Boolean: '::boolean', Date: '::timestamptz' };

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

/** Whether rows with a NULL leading key follow the keyset bound although it is not NULL (ascending). */
function nullsFollowBound(keys: readonly OrderKey[], values: readonly unknown[]): boolean {
  return !keys[0].descending && keys[0].field.name !== 'objectId' && values[0] !== null && values[0] !== undefined;
}

/**
 * The pages of many owners of a relation in one statement: the find runs once per owner as a
 * LATERAL subquery over the join table. The result's first column is the owner's id, the rest
 * are `q.columns`. `offsets` gives each owner its own offset (a `last` page placed by each
 * owner's count); otherwise every owner skips `q.offset`.
 */
export function compileRelatedFind(q: Omit<FindSql, 'relation'>, joinTable: string, ownerIds: readonly string[], offsets: readonly number[] | undefined, ctx: SqlContext): string {
  const owners = ctx.params.add(ownerIds) + '::text[]';
  const source = offsets ? `unnest(${owners}, ${ctx.params.add(offsets)}::int8[]) AS o("owner", "skip")` : `unnest(${owners}) AS o("owner")`;
  const inner = compileFind({ ...q, offset: offsets ? { sql: 'o."skip"' } : q.offset, relation: { joinTable, ownerSql: 'o."owner"' } }, ctx);
  return `SELECT o."owner", r.* FROM ${source} CROSS JOIN LATERAL (${inner}) r`;
}

function filtersOf(where: Condition, alias: string, ctx: SqlContext): string[] {
  const filters: string[] = [];
  if (!(where.kind === 'const' && where.value)) filters.push(compileCondition(where, alias, ctx));
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
export function compileRelatedCount(cls: ClassDef, joinTable: string, ownerIds: readonly string[], where: Condition, ctx: SqlContext, after?: CountAfter): string {
  const filters = [`j."owningId" = ANY(${ctx.params.add(ownerIds)}::text[])`, ...filtersOf(where, 't', ctx)];
  const following = followingColumn(after, 't', ctx);
  return (
    `SELECT j."owningId" AS "owner", count(*)::int AS "count"${following} FROM ${joinTable} j ` +
    `JOIN ${ident(cls.className)} t ON t."objectId" = j."relatedId" WHERE ${filters.join(' AND ')} GROUP BY j."owningId"`
  );
}

/** The exact reverse of an order (PostgreSQL's NULL placement flips with the direction). */
export function reverseKeys(keys: readonly OrderKey[]): OrderKey[] {
  return keys.map((k) => ({ ...k, descending: !k.descending }));
}

/** The order keys with the objectId tiebreaker that makes every order total. */
export function orderKeys(order: readonly OrderKey[]): OrderKey[] {
  if (order.some((k) => k.field.name === 'objectId')) return [...order];
  return [...order, { field: { name: 'objectId', type: 'String' }, descending: false }];
}

/**
 * Rows strictly after the given values in the order, as PostgreSQL sorts them (NULLs last
 * ascending, first descending): key₁ after v₁, or key₁ = v₁ and the rest after. A second,
 * redundant condition bounds the leading key on its own where that is possible, so that an
 * index on it can start the scan at the cursor instead of reading every row before it.
 */
function keysetConditions(keys: readonly OrderKey[], values: readonly unknown[], alias: string, ctx: SqlContext, leadNotNull = false): string[] {
  const placeholders = keys.map((k, i) => {
    const v = values[i];
    return v === null || v === undefined ? null : ctx.params.add(v) + (KEY_CAST[k.field.type] ?? '::text');
  });
  const column = (k: OrderKey) => `${alias}.${ident(k.field.name)}`;
  // objectId is the primary key: never NULL, so its comparisons need no NULL branch (nor
  // does the leading key when the caller reads its NULLs separately).
  const nullable = (k: OrderKey) => k.field.name !== 'objectId' && !(leadNotNull && k === keys[0]);
  const build = (i: number): string => {
    const k = keys[i];
    const col = column(k);
    const p = placeholders[i];
    let after: string;
    if (k.descending) after = p === null ? `${col} IS NOT NULL` : `${col} < ${p}`;
    else if (p === null) after = 'FALSE';
    else after = nullable(k) ? `(${col} > ${p} OR ${col} IS NULL)` : `${col} > ${p}`;
    if (i === keys.length - 1) return `(${after})`;
    const equal = p === null ? `${col} IS NULL` : `${col} = ${p}`;
    return `(${after} OR (${equal} AND ${build(i + 1)}))`;
  };
  const out = [build(0)];
  if (keys.length === 1) return out;
  const lead = keys[0];
  const p = placeholders[0];
  if (lead.descending && p !== null) out.push(`${column(lead)} <= ${p}`);
  else if (!lead.descending && p === null) out.push(`${column(lead)} IS NULL`);
  else if (!lead.descending && !nullable(lead)) out.push(`${column(lead)} >= ${p}`);
  return out;
}
