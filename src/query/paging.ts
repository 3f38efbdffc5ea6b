import { errors } from '../errors/index.ts';

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

export function offsetCursor(offset: number): string {
  return Buffer.from(OFFSET_PREFIX + offset).toString('base64');
}

/** A cursor that pages in constant time: the row's position and its order values. */
export function keysetCursor(offset: number, signature: string, values: unknown[]): string {
  return Buffer.from(KEYSET_PREFIX + JSON.stringify([offset, signature, values])).toString('base64');
}

export function decodeCursor(cursor: string, name: 'After' | 'Before'): Cursor {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  if (text.startsWith(OFFSET_PREFIX)) {
    const offset = Number(text.slice(OFFSET_PREFIX.length));
    if (Number.isInteger(offset) && offset >= 0) return { offset };
  } else if (text.startsWith(KEYSET_PREFIX)) {
    try {
      const [offset, signature, values] = JSON.parse(text.slice(KEYSET_PREFIX.length)) as [unknown, unknown, unknown];
      if (Number.isInteger(offset) && (offset as number) >= 0 && typeof signature === 'string' && Array.isArray(values)) {
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
  /** `last` without `first`: the total must be counted first to place the page. */
  needPreCount: boolean;
  /** Rows after this cursor's position, found by key rather than by offset. */
  keysetAfter?: Cursor;
}

function checkNonNegative(value: number | null | undefined, name: string): value is number {
  if (value === undefined || value === null) return false;
  if (!Number.isInteger(value) || value < 0) throw errors.invalidQuery(`${name} should be a positive number`);
  return true;
}

/**
 * Parse's pagination semantics: `skip` and `after` add up, `first` limits, `before` cuts the
 * page at a cursor, `last` takes the tail (counting first when needed); the default page is
 * `defaultLimit` and `maxLimit` caps every page silently. Negative values and bad cursors → 102.
 */
export function planPage(args: PageArgs, defaultLimit: number, maxLimit: number): PagePlan {
  let skip: number | undefined;
  let limit: number | undefined;
  let needPreCount = false;
  let keysetAfter: Cursor | undefined;
  if (checkNonNegative(args.skip, 'Skip')) skip = args.skip;
  if (args.after) {
    const after = decodeCursor(args.after, 'After');
    skip = (skip ?? 0) + after.offset + 1;
    if (after.keyset) keysetAfter = after;
  }
  if (checkNonNegative(args.first, 'First')) limit = args.first;
  if (args.before) {
    const before = decodeCursor(args.before, 'Before').offset;
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
  return { skip: skip ?? 0, limit: Math.min(limit ?? defaultLimit, maxLimit), needPreCount, keysetAfter };
}
