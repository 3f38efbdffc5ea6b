import { ErrorCode, ParseError } from '../errors/index.ts';

/** When a push goes out: an instant, or a wall-clock time read in each installation's own time zone. */
export interface PushTime {
  /** For a local time: the wall-clock time as if it were UTC. */
  date: Date;
  local: boolean;
}

const misconfigured = (message: string) => new ParseError(ErrorCode.PUSH_MISCONFIGURED, message);

/** Parse's rule: a string ending in `Z` or `±hh:mm` is an instant; any other string is local time. */
function hasZone(text: string): boolean {
  return text.endsWith('Z') || /[+-]\d\d:\d\d$/.test(text);
}

/** Parse's `push_time` (and `_PushStatus.pushTime` as formatPushTime stores it): seconds since the epoch, or an ISO 8601 string (local time without a zone). 115 otherwise. */
export function parsePushTime(value: unknown): PushTime {
  if (typeof value === 'number' && Number.isFinite(value)) return { date: new Date(value * 1000), local: false };
  if (value instanceof Date && Number.isFinite(value.valueOf())) return { date: value, local: false };
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\d/.test(value)) {
    const local = !hasZone(value);
    // A date-time without a zone is read as UTC here (JavaScript would read it in the server's zone).
    const date = new Date(local && value.length > 10 ? `${value}Z` : value);
    if (Number.isFinite(date.valueOf())) return { date, local };
  }
  throw misconfigured(`${typeof value === 'string' ? value : JSON.stringify(value)} is not valid time.`);
}

/** Parse's `expiration_time`: seconds since the epoch or an ISO 8601 string. 115 otherwise. */
export function parseExpirationTime(value: unknown): Date {
  const date = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' || value instanceof Date ? new Date(value) : undefined;
  if (!date || !Number.isFinite(date.valueOf())) throw misconfigured(`${typeof value === 'string' ? value : JSON.stringify(value)} is not valid time.`);
  return date;
}

/** Parse's `expiration_interval`: seconds, greater than 0. */
export function parseExpirationInterval(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw misconfigured('expiration_interval must be a number greater than 0');
  return value;
}

/** Parse's stored form of a push time: ISO in UTC, without the `Z` for a local time. */
export function formatPushTime(time: PushTime): string {
  const iso = time.date.toISOString();
  return time.local ? iso.slice(0, -1) : iso;
}

const zoneFormats = new Map<string, Intl.DateTimeFormat | null>();

function zoneFormat(timeZone: string): Intl.DateTimeFormat | undefined {
  let format = zoneFormats.get(timeZone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      format = null; // not an IANA zone this runtime knows
    }
    // Bounded: zone names come from installations, which clients write.
    if (zoneFormats.size < 2000) zoneFormats.set(timeZone, format);
  }
  return format ?? undefined;
}

/** The zone's offset from UTC at `instant`, in minutes (east positive); undefined for an unknown zone. */
export function zoneOffsetMinutes(timeZone: string, instant: Date): number | undefined {
  const format = zoneFormat(timeZone);
  if (!format) return undefined;
  const parts: Record<string, number> = {};
  for (const p of format.formatToParts(instant)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return Math.round((asUtc - Math.floor(instant.valueOf() / 1000) * 1000) / 60_000);
}

/**
 * The instant a local push time happens in `timeZone` (e.g. 09:00 in Europe/Paris), and the
 * zone's UTC offset then. Installations without a known zone get the time as UTC.
 */
export function localInstant(wall: Date, timeZone: string | null | undefined): { at: Date; offsetMinutes: number } {
  const guess = timeZone ? zoneOffsetMinutes(timeZone, wall) : undefined;
  if (guess === undefined || !timeZone) return { at: wall, offsetMinutes: 0 };
  // The offset at the wall time read as UTC can differ from the one at the real instant near a
  // daylight-saving change: one more step settles it.
  let at = new Date(wall.valueOf() - guess * 60_000);
  const offset = zoneOffsetMinutes(timeZone, at) ?? guess;
  if (offset !== guess) at = new Date(wall.valueOf() - offset * 60_000);
  return { at, offsetMinutes: offset };
}

/** Parse's key of a UTC offset in `sentPerUTCOffset`: hours, e.g. "-5", "5.5". */
export function offsetKey(offsetMinutes: number): string {
  return String(offsetMinutes / 60);
}

/** The earliest instant a local time can happen anywhere (UTC+14): when a local push is planned. */
export function earliestLocal(wall: Date): Date {
  return new Date(wall.valueOf() - 14 * 3600_000);
}
