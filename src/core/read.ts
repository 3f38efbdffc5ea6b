import { errors } from '../errors/index.ts';
import { Params } from '../db/index.ts';
import type { Sql } from '../db/index.ts';
import type { ClassDef } from '../schema/index.ts';
import {
  compileCount,
  compileFind,
  findNear,
  isKeysetOrder,
  keysetCursor,
  offsetCursor,
  orderKeys,
  orderSignature,
  planPage,
  selectList,
  TRUE,
  type Condition,
  type OrderKey,
  type PageArgs,
} from '../query/index.ts';
import { ident } from '../db/index.ts';
import type { Auth } from '../security/index.ts';
import { rowDecoder } from './decode.ts';
import type { ParseObject } from './object.ts';
import { columnOf, requireClass, sqlContext, type CoreRuntime } from './runtime.ts';

/** Fields always read: the id (for ids, cursors and pointer loads). */
function withId(fields: readonly string[]): string[] {
  return fields.includes('objectId') ? [...fields] : ['objectId', ...fields];
}

async function run(sql: Sql, cls: ClassDef, text: string, params: Params): Promise<ParseObject[]> {
  const { columns, rows } = await sql.queryArrays(text, params.values);
  const decode = rowDecoder(cls, columns);
  const out = new Array<ParseObject>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = decode(columns, rows[i]);
  return out;
}

/** One object by id, with the given fields; 101 when it does not exist or the caller may not read it. */
export async function get(rt: CoreRuntime, auth: Auth, className: string, objectId: string, fields: readonly string[], sql: Sql = rt.db): Promise<ParseObject> {
  const found = await getMany(rt, auth, className, [objectId], fields, sql);
  const object = found.get(objectId);
  if (!object) throw errors.objectNotFound();
  return object;
}

/** Objects by id in one query (pointer loads); missing and unreadable ids are absent from the map. */
export async function getMany(
  rt: CoreRuntime,
  auth: Auth,
  className: string,
  objectIds: readonly string[],
  fields: readonly string[],
  sql: Sql = rt.db,
): Promise<Map<string, ParseObject>> {
  const cls = requireClass(rt, className);
  const ctx = sqlContext(rt, auth);
  const columns = selectList(cls, withId(fields), 't', columnOf(cls));
  const idTest = objectIds.length === 1 ? `t."objectId" = ${ctx.params.add(objectIds[0])}` : `t."objectId" = ANY(${ctx.params.add(objectIds)}::text[])`;
  const acl = ctx.readFilter('t', ctx.params);
  const text = `SELECT ${columns.join(', ')} FROM ${ident(cls.className)} t WHERE ${idTest}${acl ? ' AND ' + acl : ''}`;
  const objects = await run(sql, cls, text, ctx.params);
  return new Map(objects.map((o) => [o.objectId, o]));
}

export interface FindRequest {
  where?: Condition;
  order?: OrderKey[];
  page?: PageArgs;
  /** Fields of each object to read. */
  fields: readonly string[];
  /** Edges (or pageInfo) were asked for: read a page of objects. */
  wantObjects: boolean;
  wantCount: boolean;
  /** Whether to find out if more rows follow the page (reads one extra row unless counting). */
  wantHasNext: boolean;
}

export interface FindResult {
  objects: ParseObject[];
  count: number | undefined;
  /** Position of the first object in the whole ordered result. */
  skip: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** The cursor of objects[i]: keyset where the order allows, Parse's offset cursor otherwise. */
  cursor(i: number): string;
}

/**
 * A page of a class with Parse's connection semantics. Runs at most two statements — the
 * page and, only if asked, the count — with the filter and the caller's read access inside.
 */
export async function find(rt: CoreRuntime, auth: Auth, className: string, req: FindRequest, sql: Sql = rt.db): Promise<FindResult> {
  const cls = requireClass(rt, className);
  const where = req.where ?? TRUE;
  const order = req.order ?? [];
  const plan = planPage(req.page ?? {}, rt.defaultLimit, rt.maxLimit);
  const near = findNear(where);
  const keyset = !near && isKeysetOrder(order);
  const signature = orderSignature(order);
  const keys = orderKeys(order);

  let count: number | undefined;
  const runCount = async (extra?: Condition) => {
    const ctx = sqlContext(rt, auth);
    const rows = await sql.query<{ count: number }>(compileCount(cls, extra ? { kind: 'and', conditions: [where, extra] } : where, ctx), ctx.params.values);
    return rows[0].count;
  };

  let skip = plan.skip;
  // A keyset cursor made under the same order bounds the page by key; otherwise by offset.
  const keysetAfter = keyset && plan.keysetAfter?.keyset?.signature === signature ? plan.keysetAfter : undefined;
  const offsetBase = keysetAfter ? keysetAfter.offset + 1 : 0;
  if (plan.needPreCount) {
    count = await runCount();
    if (skip + plan.limit < count) skip = count - plan.limit;
  }

  let objects: ParseObject[] = [];
  let hasMore = false;
  if (req.wantObjects && plan.limit > 0) {
    const readFields = new Set(withId(req.fields));
    if (keyset) for (const k of keys) readFields.add(k.field.name);
    const ctx = sqlContext(rt, auth);
    const extra = req.wantHasNext && !req.wantCount ? 1 : 0;
    const text = compileFind(
      {
        cls,
        columns: selectList(cls, readFields, 't', columnOf(cls)),
        where,
        order,
        near: near ? { field: near.field, point: near.point } : undefined,
        limit: plan.limit + extra,
        offset: skip - offsetBase,
        keysetAfter: keysetAfter?.keyset?.values,
      },
      ctx,
    );
    objects = await run(sql, cls, text, ctx.params);
    if (objects.length > plan.limit) {
      hasMore = true;
      objects.length = plan.limit;
    }
  }
  if (req.wantCount && count === undefined) count = await runCount();

  const cursor = (i: number): string => {
    const position = skip + i;
    const o = objects[i];
    if (!keyset || !o) return offsetCursor(position);
    return keysetCursor(position, signature, keys.map((k) => o[k.field.name] ?? null));
  };
  return {
    objects,
    count,
    skip,
    hasNextPage: count !== undefined ? count > skip + objects.length : hasMore,
    hasPreviousPage: skip > 0 && (objects.length > 0 || (count ?? 0) > 0),
    cursor,
  };
}

/** Counts the objects matching a filter that the caller may read. */
export async function count(rt: CoreRuntime, auth: Auth, className: string, where: Condition = TRUE, sql: Sql = rt.db): Promise<number> {
  const cls = requireClass(rt, className);
  const ctx = sqlContext(rt, auth);
  const rows = await sql.query<{ count: number }>(compileCount(cls, where, ctx), ctx.params.values);
  return rows[0].count;
}
