import { errors } from '../errors/index.ts';
import type { Params } from '../db/index.ts';
import type { Sql } from '../db/index.ts';
import type { ClassDef } from '../schema/index.ts';
import {
  compileCondition,
  compileCount,
  compileFind,
  placeLast,
  selectList,
  TRUE,
  type Condition,
  type CountAfter,
  type FieldRef,
  type OrderKey,
  type PageArgs,
} from '../query/index.ts';
import { ident } from '../db/index.ts';
import { accessSql, guardOrder, guardWhere, readPolicy, type Auth } from '../security/index.ts';
import { rowDecoder } from './decode.ts';
import { mayBeObjectId } from './ids.ts';
import type { ParseObject } from './object.ts';
import { dropOrderOnly, EMPTY_PAGE, needsTotal, pageFlags, pageResult, pageShape, pageSql, pageStart, takePage, withId } from './page.ts';
import { includeSql, includeLayout, type IncludeRequest } from './include.ts';
import { columnOf, fieldsToRead, hideProtected, requireClass, sqlContext, withRows, type CoreRuntime } from './runtime.ts';
import type { ReadOperation } from './hooks.ts';
import { findOperation, requestAfterHooks, resultOf, runAfterFind, runBeforeFind, withObjects } from './read-hooks.ts';

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

/**
 * Objects by id in one query (pointer loads, by-id reads), with Parse's `get` permission:
 * the CLP (119, or 101 for `requiresAuthentication`), the ACL and pointer permissions in the
 * SQL, protected fields removed. Missing and unreadable ids are absent from the map.
 */
export async function getMany(
  rt: CoreRuntime,
  auth: Auth,
  className: string,
  objectIds: readonly string[],
  fields: readonly string[],
  sql: Sql = rt.db,
  /** False for the server's own reads (the caller's user for cloud code), which read hooks must not see. */
  runHooks = true,
): Promise<Map<string, ParseObject>> {
  const cls = requireClass(rt, className);
  const policy = readPolicy(auth, cls, 'get');
  // Ids that cannot be stored (NUL) are simply not found; PostgreSQL would reject the parameter.
  objectIds = objectIds.filter(mayBeObjectId);
  if (objectIds.length === 0) return new Map();
  const hooks = runHooks ? rt.hooks.readsFor(className) : [];
  let op: ReadOperation | undefined;
  let byId: Condition | undefined;
  if (hooks.length) {
    // One id reads as Parse's get shows it to beforeFind (`{objectId: id}`); a batch as `$in`.
    byId =
      objectIds.length === 1
        ? { kind: 'compare', field: OBJECT_ID, op: 'eq', value: objectIds[0] }
        : { kind: 'in', field: OBJECT_ID, values: [...objectIds], negated: false };
    op = { kind: 'get', className, auth, where: byId, fields, isGet: true };
    await runBeforeFind(hooks, op);
    if (op.objects) return new Map(op.objects.map((o) => [o.objectId, o]));
    fields = op.fields;
  }
  const ctx = sqlContext(rt, auth);
  const columns = selectList(cls, withId(fieldsToRead(fields, policy.mask)), 't', columnOf(cls));
  const idTest = objectIds.length === 1 ? `t."objectId" = ${ctx.params.add(objectIds[0])}` : `t."objectId" = ANY(${ctx.params.add(objectIds)}::text[])`;
  const access = accessSql(auth, policy.rows, 't', ctx);
  // A before hook that narrowed the where: its condition joins the id test.
  const narrowed = op && op.where !== byId ? ' AND ' + compileCondition(guardWhere(auth, cls, op.where, rt.schema.current.classes), 't', ctx) : '';
  const text = `SELECT ${columns.join(', ')} FROM ${ident(cls.className)} t WHERE ${idTest}${access ? ' AND ' + access : ''}${narrowed}`;
  let objects = await run(sql, cls, text, ctx.params);
  hideProtected(policy.mask, objects, fields);
  if (op) objects = await runAfterFind(hooks, op, objects);
  return new Map(objects.map((o) => [o.objectId, o]));
}

/** The objectId field, for the where a by-id read's hooks see. */
const OBJECT_ID: FieldRef = { name: 'objectId', type: 'String' };

export interface FindRequest {
  where?: Condition;
  order?: OrderKey[];
  page?: PageArgs;
  /** Fields of each object to read. */
  fields: readonly string[];
  /** Edges (or pageInfo) were asked for: read a page of objects. */
  wantObjects: boolean;
  wantCount: boolean;
  /**
   * pageInfo's hasNextPage or hasPreviousPage is asked for: read one extra row to learn whether
   * a neighbouring page exists, and count when the page cannot tell (see `pageFlags`).
   */
  wantHasNext: boolean;
  /**
   * Pointer fields whose targets to read in the page's own statement (a LEFT JOIN after the
   * page's LIMIT), instead of a batch query afterwards; the objects come attached (INCLUDED).
   */
  include?: IncludeRequest[];
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
 * A page of a class with Parse's connection semantics. Runs the page and, only when needed, a
 * count: before the page for `last` without `first` (to place it), after it when `count` is
 * selected or pageInfo cannot be told from the page. The filter and read access are in both.
 */
export async function find(rt: CoreRuntime, auth: Auth, className: string, req: FindRequest, sql: Sql = rt.db): Promise<FindResult> {
  const hooks = rt.hooks.readsFor(className);
  if (hooks.length === 0) return findPage(rt, auth, className, req, sql);
  requireClass(rt, className);
  const op = findOperation(className, auth, req, req.wantObjects ? 'find' : 'count');
  await runBeforeFind(hooks, op);
  if (op.objects) return resultOf(op.objects, req.wantCount);
  const result = await findPage(rt, auth, className, requestAfterHooks(req, op), sql);
  if (!req.wantObjects) return result;
  return withObjects(result, await runAfterFind(hooks, op, result.objects));
}

/** A find without hooks (or with the request as they left it). */
async function findPage(rt: CoreRuntime, auth: Auth, className: string, req: FindRequest, sql: Sql): Promise<FindResult> {
  const cls = requireClass(rt, className);
  guardOrder(auth, cls, req.order);
  const where = guardWhere(auth, cls, req.where ?? TRUE, rt.schema.current.classes);
  const shape = pageShape(rt, req, where);
  const { plan } = shape;
  // Parse's permissions: the page is a `find`, any count (selected, or placing/flagging the page) a `count`.
  const runCount = async (after?: CountAfter) => {
    const policy = readPolicy(auth, cls, 'count');
    const ctx = sqlContext(rt, auth);
    const rows = await sql.query<{ count: number; following?: number }>(compileCount(cls, withRows(where, policy.rows), ctx, after), ctx.params.values);
    return rows[0];
  };
  const readsPage = req.wantObjects && shape.limit > 0;
  const policy = readsPage ? readPolicy(auth, cls, 'find') : undefined;

  let count: number | undefined;
  let following: number | undefined;
  let skip = plan.skip;
  if (plan.needPreCount && req.wantObjects) {
    const counted = await runCount(shape.after && { order: shape.order, values: shape.after });
    count = counted.count;
    following = counted.following ?? counted.count;
    skip = placeLast(plan, following, shape.offsetBase);
  }

  // A selected count does not depend on the page: on PostgreSQL it runs beside it (its own
  // connection) rather than after it.
  const counting = count === undefined && req.wantCount ? runCount() : undefined;
  counting?.catch(() => undefined); // awaited below; a page failure must not leave it unhandled
  let page = EMPTY_PAGE;
  let more = false;
  if (readsPage && policy) {
    const ctx = sqlContext(rt, auth);
    const query = pageSql(cls, shape, fieldsToRead(req.fields, policy.mask), withRows(where, policy.rows), skip, req.wantHasNext && following === undefined);
    // A distance order cannot be repeated outside the page: those pointers load through the DataLoader.
    const byDistance = !!query.near && query.order.length === 0;
    const include = req.include?.length && !byDistance ? includeSql(rt, auth, cls, query, req.include, ctx) : undefined;
    const text = include ? include.sql : compileFind(query, ctx);
    const { columns, rows } = await sql.queryArrays(text, ctx.params.values);
    ({ page, more } = takePage(cls, shape, columns, rows, include ? includeLayout(include, columns) : undefined));
    hideProtected(policy.mask, page.objects, req.fields);
    dropOrderOnly(shape, page.objects, req.fields);
  }
  const n = page.objects.length;
  skip = pageStart(shape, skip, n);
  if (counting) count = (await counting).count;
  else if (count === undefined && needsTotal(req, shape, skip, n)) count = (await runCount()).count;
  return pageResult(shape, page, skip, count, pageFlags(shape, skip, n, { following, more, total: count }));
}

/** Counts the objects matching a filter that the caller may read (Parse's `count` permission). */
export async function count(rt: CoreRuntime, auth: Auth, className: string, where: Condition = TRUE, sql: Sql = rt.db): Promise<number> {
  const cls = requireClass(rt, className);
  const hooks = rt.hooks.readsFor(className);
  if (hooks.length) {
    const op: ReadOperation = { kind: 'count', className, auth, where, fields: [], isGet: false };
    await runBeforeFind(hooks, op);
    if (op.objects) return op.objects.length;
    where = op.where;
  }
  const guarded = guardWhere(auth, cls, where, rt.schema.current.classes);
  const policy = readPolicy(auth, cls, 'count');
  const ctx = sqlContext(rt, auth);
  const rows = await sql.query<{ count: number }>(compileCount(cls, withRows(guarded, policy.rows), ctx), ctx.params.values);
  return rows[0].count;
}
