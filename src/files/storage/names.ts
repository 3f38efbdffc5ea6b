import type { ByteRange } from '../types.ts';

/** Listing pages: the size when none is asked, and the largest (S3's own page limit). */
export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

/**
 * The name, when it is a flat file name; otherwise throws. Callers check names long before they
 * reach a store; this is the second line of defence (a name that could leave the store's root
 * or its key prefix, on any platform), never the only one.
 */
export function checkName(name: string): string {
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
    throw new TypeError(`Invalid file name: ${JSON.stringify(name)}`);
  }
  return name;
}

/** Orders names by their UTF-8 bytes: the order S3 lists keys in, and PostgreSQL's "C" collation. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The page size a listing asked for, checked and capped. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  return Math.min(limit, MAX_PAGE);
}

/** The range, when its ends are byte offsets in order; otherwise a RangeError. */
export function checkRange(range: ByteRange): ByteRange {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) throw new RangeError(`Invalid range ${start}-${end}`);
  return range;
}

/** The range to read from a file of `size` bytes: the end clamped to the last byte; an unsatisfiable range is a RangeError. */
export function clampRange(range: ByteRange, size: number): ByteRange {
  const { start, end } = checkRange(range);
  if (start >= size) throw new RangeError(`Range ${start}-${end} is not satisfiable for ${size} bytes`);
  return { start, end: Math.min(end, size - 1) };
}
