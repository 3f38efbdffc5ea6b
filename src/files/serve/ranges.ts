import type { ByteRange } from '../types.ts';

/** What a `Range` header asks of a file of a known size. */
export type RangeRequest =
  /** No usable Range header (absent, another unit, malformed, too many ranges): the whole file. */
  | { kind: 'whole' }
  /** Every range lies past the end: 416. */
  | { kind: 'unsatisfiable' }
  /** One or more ranges (sorted, overlapping and adjacent ones merged), ends included. */
  | { kind: 'partial'; ranges: ByteRange[] };

/** More ranges than this in one header are ignored (the whole file is sent): a defence against range amplification. */
export const MAX_RANGES = 16;

const WHOLE: RangeRequest = { kind: 'whole' };
const SPEC = /^(\d*)-(\d*)$/;

function position(text: string): number | undefined {
  if (text === '') return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : Number.NaN;
}

/**
 * Reads a `Range` header (RFC 9110 §14) for a file of `size` bytes: `bytes=a-b`, `bytes=a-`
 * (from a to the end), `bytes=-n` (the last n bytes), several separated by commas. A header
 * that is not understood is ignored, as the RFC allows; ranges that start past the end are
 * dropped, and when none is left the answer is 416.
 */
export function parseRange(header: string | null, size: number): RangeRequest {
  if (header === null) return WHOLE;
  const eq = header.indexOf('=');
  if (eq < 0 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return WHOLE;
  const specs = header
    .slice(eq + 1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (specs.length === 0 || specs.length > MAX_RANGES) return WHOLE;
  const ranges: ByteRange[] = [];
  for (const spec of specs) {
    const m = SPEC.exec(spec);
    if (!m) return WHOLE;
    const first = position(m[1]);
    const last = position(m[2]);
    if (Number.isNaN(first) || Number.isNaN(last)) return WHOLE;
    if (first === undefined) {
      // A suffix: the last n bytes (n = 0 asks for nothing).
      if (last === undefined) return WHOLE;
      if (last > 0 && size > 0) ranges.push({ start: Math.max(0, size - last), end: size - 1 });
      continue;
    }
    if (last !== undefined && last < first) return WHOLE;
    if (first >= size) continue;
    ranges.push({ start: first, end: last === undefined ? size - 1 : Math.min(last, size - 1) });
  }
  if (ranges.length === 0) return { kind: 'unsatisfiable' };
  return { kind: 'partial', ranges: coalesce(ranges) };
}

/** Sorted by start, with overlapping and adjacent ranges merged (RFC 9110 lets a server coalesce). */
function coalesce(ranges: ByteRange[]): ByteRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: ByteRange[] = [{ ...sorted[0] }];
  for (const r of sorted.slice(1)) {
    const last = out[out.length - 1];
    if (r.start <= last.end + 1) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}
