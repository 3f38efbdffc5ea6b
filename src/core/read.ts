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
  type FieldRef,
  type GeoPoint,
  type OrderKey,
  type PageArgs,
  type PagePlan,
  keysetBound,
  placeLast,
  ordersByDistance,
  reverseKeys,
  type CountAfter,
  type FindSql,
} from '../query/index.ts';
import { ident } from '../db/index.ts';
import type { Auth } from '../security/index.ts';
import { rowDecoder } from './decode.ts';
import { mayBeObjectId } from './ids.ts';
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
  // Ids that cannot be stored (NUL) are simply not found; PostgreSQL would reject the parameter.
  objectIds = objectIds.filter(mayBeObjectId);
  if (objectIds.length === 0) return new Map();
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
  /**
   * pageInfo's hasNextPage or hasPreviousPage is asked for: read one extra row to learn whether
   * a neighbouring page exists, and count when the page cannot tell (see `pageFlags`).
   */
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

/** How the pages of a find are read, decided once from its arguments (find and findRelated). */
export interface PageShape {
  plan: PagePlan;
  order: OrderKey[];
  /** The order with its objectId tiebreaker. */
  keys: OrderKey[];
  near?: { field: FieldRef; point: GeoPoint };
  /** Cursors carry the rows' order values (every key a scalar column, not a distance order). */
  keyset: boolean;
  signature: string;
  /** The after-cursor's order values: the page starts right after that row, by key. */
  after?: unknown[];
  /** Position in the whole result of the first row after that bound (0 without one). */
  offsetBase: number;
  /** `last: n, before: <keyset cursor>`: the n rows right before the cursor's row, read by key in reverse. */
  before?: { values: unknown[]; offset: number; limit: number };
  /** Rows per page. */
  limit: number;
}

/**
 * Plans a find's pages from its arguments: Parse's skip and limit, and where the order allows
 * (scalar columns, not a distance order), the keyset bounds of our cursors. Bad arguments → 102.
 */
export function pageShape(rt: CoreRuntime, req: FindRequest, where: Condition): PageShape {
  const order = req.order ?? [];
  const plan = planPage(req.page ?? {}, rt.defaultLimit, rt.maxLimit);
  const found = findNear(where);
  const near = found ? { field: found.field, point: found.point } : undefined;
  const keyset = !ordersByDistance(order, near) && isKeysetOrder(order);
  const keys = orderKeys(order);
  const signature = orderSignature(order);
  const after = keyset ? keysetBound(plan.keysetAfter, keys, signature) : undefined;
  const kb = plan.keysetBefore;
  const beforeValues = keyset && kb ? keysetBound(kb.cursor, keys, signature, 'Before') : undefined;
  const before = beforeValues && kb ? { values: beforeValues, offset: kb.cursor.offset, limit: kb.last } : undefined;
  return { plan, order, keys, near, keyset, signature, after, offsetBase: after ? plan.keysetAfter!.offset + 1 : 0, before, limit: before ? before.limit : plan.limit };
}

/**
 * The find SQL of one page: forward from `skip` (counted from the keyset bound, if any), or —
 * for `last` before a keyset cursor — backward from the cursor's row in the reversed order.
 * `lookAhead` reads one row more, to learn whether the page has a neighbour that way.
 */
export function pageSql(cls: ClassDef, shape: PageShape, fields: readonly string[], where: Condition, skip: number, lookAhead: boolean): FindSql {
  const base = { cls, columns: selectList(cls, pageFields(shape, fields), 't', columnOf(cls)), where, limit: shape.limit + (lookAhead ? 1 : 0) };
  if (shape.before) return { ...base, order: reverseKeys(shape.keys), offset: 0, keysetAfter: shape.before.values };
  return { ...base, order: shape.order, near: shape.near, offset: skip - shape.offsetBase, keysetAfter: shape.after };
}

/** The fields a page reads: the requested ones, the id, and the order keys its cursors need. */
export function pageFields(shape: PageShape, fields: readonly string[]): Set<string> {
  const out = new Set(withId(fields));
  if (shape.keyset) for (const k of shape.keys) out.add(k.field.name);
  return out;
}

/** Decoded objects of a page and, for keyset cursors, each row's order values as stored. */
export interface PageRows {
  objects: ParseObject[];
  keyValues: unknown[][];
}

export const EMPTY_PAGE: PageRows = { objects: [], keyValues: [] };

/**
 * Decodes the rows of one page (object columns start at `from`), in the order of the find: a
 * backward page comes reversed. `more` tells whether a look-ahead row came back. Cursor values
 * are taken from the raw row, not the decoded object, so that they are exact (a timestamptz
 * keeps its microseconds).
 */
export function takePage(cls: ClassDef, shape: PageShape, columns: readonly string[], rows: readonly (readonly unknown[])[], from = 0): { page: PageRows; more: boolean } {
  const more = rows.length > shape.limit;
  const taken = more ? rows.slice(0, shape.limit) : [...rows];
  if (shape.before) taken.reverse();
  const objectColumns = from ? columns.slice(from) : columns;
  const decode = rowDecoder(cls, objectColumns);
  const keyIndex = shape.keyset ? shape.keys.map((k) => objectColumns.indexOf(k.field.name)) : [];
  const objects = new Array<ParseObject>(taken.length);
  const keyValues = new Array<unknown[]>(shape.keyset ? taken.length : 0);
  for (let i = 0; i < taken.length; i++) {
    const row = from ? taken[i].slice(from) : taken[i];
    objects[i] = decode(objectColumns, row);
    if (shape.keyset) keyValues[i] = keyIndex.map((c) => row[c] ?? null);
  }
  return { page: { objects, keyValues }, more };
}

/** Position of a page's first row: for a backward page, counted back from the before-cursor. */
export function pageStart(shape: PageShape, skip: number, pageLength: number): number {
  return shape.before ? Math.max(0, shape.before.offset - pageLength) : skip;
}

/**
 * The total is unknown and pageInfo needs it: no page was read (limit 0), or the page is empty
 * though rows were skipped (Parse: hasPreviousPage is true whenever rows were skipped and any exist).
 */
export function needsTotal(req: FindRequest, shape: PageShape, skip: number, pageLength: number): boolean {
  if (!req.wantHasNext || shape.before) return false;
  return shape.limit === 0 || (pageLength === 0 && skip > 0);
}

/** What is known around a page: rows counted after the keyset bound, the look-ahead row, the total. */
export interface PageSurroundings {
  following?: number;
  more: boolean;
  total?: number;
}

/**
 * pageInfo's flags with Parse's meaning — hasPreviousPage: rows were skipped and any exist;
 * hasNextPage: rows follow the page — found the cheapest way: after a `last` page placed by a
 * count, from that count; after a page read with a look-ahead row, from that row; with no page
 * read, from the total. A backward page looks ahead backward; the cursor's row follows it.
 */
export function pageFlags(shape: PageShape, skip: number, pageLength: number, around: PageSurroundings): { hasNextPage: boolean; hasPreviousPage: boolean } {
  if (shape.before) return { hasNextPage: true, hasPreviousPage: around.more };
  let hasNextPage: boolean;
  if (around.following !== undefined) hasNextPage = around.following > skip - shape.offsetBase + pageLength;
  else if (shape.limit > 0) hasNextPage = around.more;
  else hasNextPage = (around.total ?? 0) > skip;
  return { hasNextPage, hasPreviousPage: skip > 0 && (pageLength > 0 || (around.total ?? 0) > 0) };
}

/** A page as the connection serves it. */
export function pageResult(shape: PageShape, page: PageRows, skip: number, count: number | undefined, flags: { hasNextPage: boolean; hasPreviousPage: boolean }): FindResult {
  const n = page.objects.length;
  return {
    objects: page.objects,
    count,
    skip,
    ...flags,
    cursor: (i) => (shape.keyset && i < n ? keysetCursor(skip + i, shape.signature, page.keyValues[i]) : offsetCursor(skip + i)),
  };
}

/**
 * A page of a class with Parse's connection semantics. Runs the page and, only when needed, a
 * count: before the page for `last` without `first` (to place it), after it when `count` is
 * selected or pageInfo cannot be told from the page. The filter and read access are in both.
 */
export async function find(rt: CoreRuntime, auth: Auth, className: string, req: FindRequest, sql: Sql = rt.db): Promise<FindResult> {
  const cls = requireClass(rt, className);
  const where = req.where ?? TRUE;
  const shape = pageShape(rt, req, where);
  const { plan } = shape;
  const runCount = async (after?: CountAfter) => {
    const ctx = sqlContext(rt, auth);
    const rows = await sql.query<{ count: number; following?: number }>(compileCount(cls, where, ctx, after), ctx.params.values);
    return rows[0];
  };

  let count: number | undefined;
  let following: number | undefined;
  let skip = plan.skip;
  if (plan.needPreCount && req.wantObjects) {
    const counted = await runCount(shape.after && { order: shape.order, values: shape.after });
    count = counted.count;
    following = counted.following ?? counted.count;
    skip = placeLast(plan, following, shape.offsetBase);
  }

  let page = EMPTY_PAGE;
  let more = false;
  if (req.wantObjects && shape.limit > 0) {
    const ctx = sqlContext(rt, auth);
    const text = compileFind(pageSql(cls, shape, req.fields, where, skip, req.wantHasNext && following === undefined), ctx);
    const { columns, rows } = await sql.queryArrays(text, ctx.params.values);
    ({ page, more } = takePage(cls, shape, columns, rows));
  }
  const n = page.objects.length;
  skip = pageStart(shape, skip, n);
  if (count === undefined && (req.wantCount || needsTotal(req, shape, skip, n))) count = (await runCount()).count;
  return pageResult(shape, page, skip, count, pageFlags(shape, skip, n, { following, more, total: count }));
}

/** Counts the objects matching a filter that the caller may read. */
export async function count(rt: CoreRuntime, auth: Auth, className: string, where: Condition = TRUE, sql: Sql = rt.db): Promise<number> {
  const cls = requireClass(rt, className);
  const ctx = sqlContext(rt, auth);
  const rows = await sql.query<{ count: number }>(compileCount(cls, where, ctx), ctx.params.values);
  return rows[0].count;
}
