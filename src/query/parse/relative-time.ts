import { errors } from '../../errors/index.ts';
import type { CompareOp } from '../ast.ts';

/** Seconds per unit of Parse's `$relativeTime` ("2 days ago", "in 1 hr 30 min", "now"). */
const UNIT_SECONDS = new Map<string, number>([
  ...['yr', 'yrs', 'year', 'years'].map((u) => [u, 31_536_000] as const),
  ...['wk', 'wks', 'week', 'weeks'].map((u) => [u, 604_800] as const),
  ...['d', 'day', 'days'].map((u) => [u, 86_400] as const),
  ...['hr', 'hrs', 'hour', 'hours'].map((u) => [u, 3_600] as const),
  ...['min', 'mins', 'minute', 'minutes'].map((u) => [u, 60] as const),
  ...['sec', 'secs', 'second', 'seconds'].map((u) => [u, 1] as const),
]);

const RANGE_OPS = new Set<CompareOp>(['lt', 'lte', 'gt', 'gte']);

/** Whether a comparison's operand is Parse's `{$relativeTime: "…"}`. */
export function isRelativeTime(operand: unknown): operand is { $relativeTime: unknown } {
  return typeof operand === 'object' && operand !== null && Object.hasOwn(operand, '$relativeTime');
}

/**
 * The date a `$relativeTime` names, from now, by Parse's rules (Utils.relativeTimeToDate): a
 * range comparison on a Date field only, text that starts with "in" or ends with "ago" (or is
 * "now"), then pairs of an integer and a unit. 107 otherwise, with Parse's messages.
 */
export function relativeTimeOperand(operand: { $relativeTime: unknown }, op: CompareOp, fieldType: string, now = Date.now()): { __type: 'Date'; iso: string } {
  if (!RANGE_OPS.has(op)) throw errors.invalidJson('$relativeTime can only be used with the $lt, $lte, $gt, and $gte operators');
  if (fieldType !== 'Date') throw errors.invalidJson('$relativeTime can only be used with Date field');
  const text = operand.$relativeTime;
  if (typeof text !== 'string') throw errors.invalidJson('bad $relativeTime value: it must be a string');
  const offset = secondsOf(text);
  if (typeof offset === 'string') throw errors.invalidJson(`bad $relativeTime (${text}) value. ${offset}`);
  const date = new Date(now + offset * 1000);
  if (Number.isNaN(date.valueOf())) throw errors.invalidJson(`bad $relativeTime (${text}) value. Out of range.`);
  return { __type: 'Date', iso: date.toISOString() };
}

/** Signed seconds from now, or the reason the text is not a relative time. */
function secondsOf(raw: string): number | string {
  const text = raw.toLowerCase();
  let parts = text.split(' ').filter((p) => p !== '');
  if (text.trim() === 'now') return 0;
  const future = parts[0] === 'in';
  const past = parts[parts.length - 1] === 'ago';
  if (!future && !past) return "Time should either start with 'in' or end with 'ago'";
  if (future && past) return "Time cannot have both 'in' and 'ago'";
  parts = future ? parts.slice(1) : parts.slice(0, -1);
  if (parts.length % 2 !== 0) return 'Invalid time string. Dangling unit or number.';
  let seconds = 0;
  for (let i = 0; i < parts.length; i += 2) {
    const value = Number(parts[i]);
    if (!Number.isInteger(value)) return `'${parts[i]}' is not an integer.`;
    const unit = UNIT_SECONDS.get(parts[i + 1]);
    if (unit === undefined) return `Invalid interval: '${parts[i + 1]}'`;
    seconds += value * unit;
  }
  return future ? seconds : -seconds;
}
