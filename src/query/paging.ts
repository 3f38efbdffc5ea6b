import { errors } from '../errors/index.ts';
import type { OrderKey } from './order.ts';
import { isStorableDate, isStorableText } from './values.ts';

/** The connection arguments of a find, as the client sent them. */
export interface PageArgs {
  skip?: number | null;
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** A decoded cursor: Parse's offset cursor, or ours with the row's order values (keyset). */
export interface Cursor {
  offset: number;
  keyset?: { signature: string; values: unknown[] };
}

const OFFSET_PREFIX = 'arrayconnection:';
const KEYSET_PREFIX = 'plinth:k:';

/** Parse's cursor (graphql-relay's `offsetToCursor`): base64 of `arrayconnection:<offset>`. */
export function offsetCursor(offset: number): string {
  return Buffer.from(OFFSET_PREFIX + offset).toString('base64');
}

/**
 * Our cursor for a row: its position (so that offset arithmetic such as `before` keeps
 * working), the order it was made under, and the row's values of the order keys — which
 * let the next page start right after the row by key instead of by counting rows.
 */
export function keysetCursor(offset: number, signature: string, values: unknown[]): string {
  return Buffer.from(KEYSET_PREFIX + JSON.stringify([offset, signature, values])).toString('base64');
}

/** Decodes an `after` / `before` cursor; anything that is not one of ours or Parse's → 102. */
export function decodeCursor(cursor: string, name: 'After' | 'Before'): Cursor {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  if (text.startsWith(OFFSET_PREFIX)) {
    const digits = text.slice(OFFSET_PREFIX.length);
    const offset = Number(digits);
    if (/^\d+$/.test(digits) && Number.isSafeInteger(offset)) return { offset };
  } else if (text.startsWith(KEYSET_PREFIX)) {
    try {
      const [offset, signature, values] = JSON.parse(text.slice(KEYSET_PREFIX.length)) as [unknown, unknown, unknown];
      if (Number.isSafeInteger(offset) && (offset as number) >= 0 && typeof signature === 'string' && Array.isArray(values)) {
        return { offset: offset as number, keyset: { signature, values } };
      }
    } catch {
      // fall through to the error below
    }
  }
  throw errors.invalidQuery(`${name} is not a valid cursor`);
}

/** How a find reads its page, in Parse's offset terms plus an optional keyset bound. */
export interface PagePlan {
  /** Index of the first returned row in the whole ordered result (numbers the cursors). */
  skip: number;
  /** Rows to return; 0 means none. */
  limit: number;
  /** `last` without `first`: the total must be counted first to place the page (see `placeLast`). */
  needPreCount: boolean;
  /** The decoded `after` cursor, when it is a keyset one (see `keysetBound`). */
  keysetAfter?: Cursor;
  /**
   * `last: n, before: <keyset cursor>` and nothing else: the page is the n rows right before
   * the cursor's row, which can be read by key in reverse (see `keysetBound`).
   */
  keysetBefore?: { cursor: Cursor; last: number };
}

function checkNonNegative(value: number | null | undefined, name: string): value is number {
  if (value === undefined || value === null) return false;
  if (!Number.isInteger(value) || value < 0) throw errors.invalidQuery(`${name} should be a positive number`);
  return true;
}

/**
 * Parse's pagination semantics (its `calculateSkipAndLimit`): `skip` and `after` add up,
 * `first` limits, `before` cuts the page at a cursor, `last` takes the tail (counting first when
 * no other limit is set); the default page is `defaultLimit` and `maxLimit` caps every page
 * silently. Negative values and bad cursors → 102 with Parse's messages.
 */
export function planPage(args: PageArgs, defaultLimit: number, maxLimit: number): PagePlan {
  let skip: number | undefined;
  let limit: number | undefined;
  let needPreCount = false;
  let keysetAfter: Cursor | undefined;
  let beforeCursor: Cursor | undefined;
  if (checkNonNegative(args.skip, 'Skip')) skip = args.skip;
  if (args.after) {
    const after = decodeCursor(args.after, 'After');
    skip = (skip ?? 0) + after.offset + 1;
    if (after.keyset) keysetAfter = after;
  }
  if (checkNonNegative(args.first, 'First')) limit = args.first;
  if (args.before) {
    beforeCursor = decodeCursor(args.before, 'Before');
    const before = beforeCursor.offset;
    if ((skip ?? 0) >= before) limit = 0;
    else if (limit === undefined || (skip ?? 0) + limit > before) limit = before - (skip ?? 0);
  }
  if (checkNonNegative(args.last, 'Last')) {
    const last = Math.min(args.last, maxLimit);
    if (limit !== undefined) {
      if (last < limit) {
        skip = (skip ?? 0) + (limit - last);
        limit = last;
      }
    } else if (last === 0) limit = 0;
    else {
      limit = last;
      needPreCount = true;
    }
  }
  const plan: PagePlan = { skip: skip ?? 0, limit: Math.min(limit ?? defaultLimit, maxLimit), needPreCount, keysetAfter };
  const backward = beforeCursor?.keyset && args.last && !args.skip && !args.after && (args.first === undefined || args.first === null);
  if (backward) plan.keysetBefore = { cursor: beforeCursor!, last: Math.min(args.last!, maxLimit) };
  return plan;
}

/**
 * Where a `last`-without-`first` page starts once the rows are counted: the tail, never before
 * `skip`. `following` counts the rows from `start` on (the position of the first row after a
 * keyset bound; 0 and the total without one), so that a tail after a keyset cursor is placed by
 * the rows that really follow it, even when rows before it came or went since.
 */
export function placeLast(plan: PagePlan, following: number, start = 0): number {
  const skip = plan.skip - start;
  return start + (skip + plan.limit < following ? following - plan.limit : skip);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:\d{2})?)$/;

/**
 * Whether a cursor value can stand for a row's value of a key of this type (null = no value):
 * also a value that a stored row could have (text PostgreSQL can store, a date within 0001–9999).
 */
function fitsKey(value: unknown, key: OrderKey): boolean {
  if (value === null) return key.field.name !== 'objectId';
  switch (key.field.type) {
    case 'Number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'Boolean':
      return typeof value === 'boolean';
    case 'Date':
      return typeof value === 'string' && ISO_DATE.test(value) && isStorableDate(value);
    default:
      return typeof value === 'string' && isStorableText(value);
  }
}

/**
 * The order values that bound the page after a keyset cursor, or undefined when the page must
 * be found by offset: no cursor, an offset cursor, or a cursor made under another order (Parse
 * clients may reuse a cursor with a new order; the position still means what Parse means).
 * `keys` are the full order keys, tiebreaker included. A cursor of ours whose values do not fit
 * the order's types was tampered with → 102.
 */
export function keysetBound(
  cursor: Cursor | undefined,
  keys: readonly OrderKey[],
  signature: string,
  name: 'After' | 'Before' = 'After',
): unknown[] | undefined {
  if (!cursor?.keyset || cursor.keyset.signature !== signature) return undefined;
  const { values } = cursor.keyset;
  if (values.length !== keys.length || !keys.every((k, i) => fitsKey(values[i], k))) throw errors.invalidQuery(`${name} is not a valid cursor`);
  return values;
}
