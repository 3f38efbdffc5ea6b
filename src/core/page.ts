import type { ClassDef } from '../schema/index.ts';
import {
  findNear,
  isKeysetOrder,
  keysetBound,
  keysetCursor,
  offsetCursor,
  orderKeys,
  orderSignature,
  ordersByDistance,
  planPage,
  reverseKeys,
  selectList,
  type Condition,
  type FieldRef,
  type FindSql,
  type GeoPoint,
  type OrderKey,
  type PagePlan,
} from '../query/index.ts';
import { rowDecoder } from './decode.ts';
import type { ParseObject } from './object.ts';
import type { FindRequest, FindResult } from './read.ts';
import { columnOf, type CoreRuntime } from './runtime.ts';

/*
 * The page machinery shared by class finds (read.ts) and relation pages (read-relations.ts):
 * planning a page from Parse's connection arguments, its SQL, decoding its rows, and the
 * pageInfo flags.
 */

/** Fields always read: the id (for ids, cursors and pointer loads). */
export function withId(fields: readonly string[]): string[] {
  return fields.includes('objectId') ? [...fields] : ['objectId', ...fields];
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
  return {
    plan,
    order,
    keys,
    near,
    keyset,
    signature,
    after,
    offsetBase: after ? plan.keysetAfter!.offset + 1 : 0,
    before,
    limit: before ? before.limit : plan.limit,
  };
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

/**
 * Takes out of a page's objects the order keys read only for its cursors (pageFields): what the
 * caller did not ask for never reaches it (a field a beforeFind left out with `exclude`, say).
 */
export function dropOrderOnly(shape: PageShape, objects: ParseObject[], fields: readonly string[]): void {
  if (!shape.keyset) return;
  const extra = shape.keys.map((k) => k.field.name).filter((name) => name !== 'objectId' && !fields.includes(name));
  if (!extra.length) return;
  for (const o of objects) for (const name of extra) delete o[name];
}

/** Decoded objects of a page and, for keyset cursors, each row's order values as stored. */
export interface PageRows {
  objects: ParseObject[];
  /** The order values of the i-th object's row, read when its cursor is asked for (most pages are asked for none). */
  keyValues(i: number): unknown[];
}

export const EMPTY_PAGE: PageRows = { objects: [], keyValues: () => [] };

/** Where a page's object columns are in its rows, and what else each row carries. */
export interface RowLayout {
  /** Object columns are columns[from, to). */
  from?: number;
  to?: number;
  /** Called for every taken row with its decoded object (e.g. to attach included pointers). */
  attach?: (row: readonly unknown[], object: ParseObject) => void;
}

/**
 * Decodes the rows of one page, in the order of the find: a backward page comes reversed.
 * `more` tells whether a look-ahead row came back. Cursor values are taken from the raw row,
 * not the decoded object, so that they are exact (a timestamptz keeps its microseconds).
 */
export function takePage(
  cls: ClassDef,
  shape: PageShape,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  layout: RowLayout = {},
): { page: PageRows; more: boolean } {
  const { from = 0, to = columns.length, attach } = layout;
  const more = rows.length > shape.limit;
  const taken = more ? rows.slice(0, shape.limit) : [...rows];
  if (shape.before) taken.reverse();
  const objectColumns = from === 0 && to === columns.length ? columns : columns.slice(from, to);
  const decode = rowDecoder(cls, objectColumns);
  const objects = new Array<ParseObject>(taken.length);
  for (let i = 0; i < taken.length; i++) {
    objects[i] = decode(objectColumns, taken[i], from);
    if (attach) attach(taken[i], objects[i]);
  }
  let keyIndex: number[] | undefined;
  const keyValues = (i: number): unknown[] => {
    keyIndex ??= shape.keys.map((k) => {
      const c = objectColumns.indexOf(k.field.name);
      return c < 0 ? -1 : from + c;
    });
    const row = taken[i];
    return keyIndex.map((c) => row[c] ?? null);
  };
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
export function pageResult(
  shape: PageShape,
  page: PageRows,
  skip: number,
  count: number | undefined,
  flags: { hasNextPage: boolean; hasPreviousPage: boolean },
): FindResult {
  const n = page.objects.length;
  return {
    objects: page.objects,
    count,
    skip,
    ...flags,
    cursor: (i) => (shape.keyset && i < n ? keysetCursor(skip + i, shape.signature, page.keyValues(i)) : offsetCursor(skip + i)),
  };
}
