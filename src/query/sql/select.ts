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
  offset: number;
  /** Only rows after these order values (keyset paging); one value per order key plus objectId. */
  keysetAfter?: unknown[];
  /** Only objects related to one owner through a relation's join table (relation connections). */
  relation?: { joinTable: string; ownerSql: string };
}

/** Compiles a find: filter, read access, order with an objectId tiebreaker, keyset bound, page. */
export function compileFind(q: FindSql, ctx: SqlContext): string {
  const alias = 't';
  const filters: string[] = [];
  if (q.relation) filters.push(`j."owningId" = ${q.relation.ownerSql}`);
  if (!(q.where.kind === 'const' && q.where.value)) filters.push(compileCondition(q.where, alias, ctx));
  const acl = ctx.readFilter(alias, ctx.params);
  if (acl) filters.push(acl);
  const keys = orderKeys(q.order);
  if (q.keysetAfter) filters.push(keysetCondition(keys, q.keysetAfter, alias, ctx));
  let order: string;
  if (q.near && q.order.length === 0) {
    order = `${distanceSql(`${alias}.${ident(q.near.field.name)}`, q.near.point, ctx.params)}, ${alias}."objectId"`;
  } else {
    order = keys.map((k) => `${alias}.${ident(k.field.name)}${k.descending ? ' DESC' : ''}`).join(', ');
  }
  let sql = `SELECT ${q.columns.join(', ')} FROM ${ident(q.cls.className)} ${alias}`;
  if (q.relation) sql += ` JOIN ${q.relation.joinTable} j ON j."relatedId" = ${alias}."objectId"`;
  if (filters.length) sql += ` WHERE ${filters.join(' AND ')}`;
  sql += ` ORDER BY ${order} LIMIT ${ctx.params.add(q.limit)}`;
  if (q.offset > 0) sql += ` OFFSET ${ctx.params.add(q.offset)}`;
  return sql;
}

export function compileCount(cls: ClassDef, where: Condition, ctx: SqlContext): string {
  const alias = 't';
  const filters: string[] = [];
  if (!(where.kind === 'const' && where.value)) filters.push(compileCondition(where, alias, ctx));
  const acl = ctx.readFilter(alias, ctx.params);
  if (acl) filters.push(acl);
  return `SELECT count(*)::int AS "count" FROM ${ident(cls.className)} ${alias}${filters.length ? ' WHERE ' + filters.join(' AND ') : ''}`;
}

/** The order keys with the objectId tiebreaker that makes every order total. */
export function orderKeys(order: readonly OrderKey[]): OrderKey[] {
  if (order.some((k) => k.field.name === 'objectId')) return [...order];
  return [...order, { field: { name: 'objectId', type: 'String' }, descending: false }];
}

/**
 * Rows strictly after the given values in the order (NULLs last ascending, first descending,
 * as PostgreSQL sorts them): key₁ after v₁, or key₁ = v₁ and the rest after.
 */
function keysetCondition(keys: OrderKey[], values: unknown[], alias: string, ctx: SqlContext): string {
  const build = (i: number): string => {
    const k = keys[i];
    const col = `${alias}.${ident(k.field.name)}`;
    const v = values[i];
    const p = v === null || v === undefined ? null : ctx.params.add(v) + (KEY_CAST[k.field.type] ?? '::text');
    const after = k.descending
      ? p === null
        ? `${col} IS NOT NULL`
        : `${col} < ${p}`
      : p === null
        ? 'FALSE'
        : `(${col} > ${p} OR ${col} IS NULL)`;
    if (i === keys.length - 1) return `(${after})`;
    const equal = p === null ? `${col} IS NULL` : `${col} = ${p}`;
    return `(${after} OR (${equal} AND ${build(i + 1)}))`;
  };
  return build(0);
}
