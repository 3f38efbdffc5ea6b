import { Cron } from 'croner';
import { ErrorCode, ParseError } from '../../errors/index.ts';

/**
 * What a schedule is made of: Plinth's `cron` (croner's syntax, seconds optional) in an IANA
 * `timeZone`, or Parse's `_JobSchedule` fields (as Parse Dashboard writes them).
 */
export interface ScheduleFields {
  cron?: string | null;
  timeZone?: string | null;
  /** ISO date: no tick before it. */
  startAfter?: string | null;
  /** Every so many minutes from `startAfter` (Parse). */
  repeatMinutes?: number | null;
  /** `HH:MM[:SS[.mmm]][Z]` in UTC: daily at that time (Parse). */
  timeOfDay?: string | null;
  /** With `timeOfDay`: only these days, 0 = Sunday (Parse). */
  daysOfWeek?: unknown;
}

/** A schedule ready to run: its ticks, and how the registry view shows it. */
export interface CompiledSchedule {
  /** The first tick strictly after `after`; undefined when there is none (a one-off that has passed). */
  next(after: Date): Date | undefined;
  text: string;
  timeZone: string;
}

const DAY_MS = 86_400_000;

function invalid(message: string): ParseError {
  return new ParseError(ErrorCode.INVALID_VALUE, message);
}

function checkTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw invalid(`Invalid time zone "${timeZone}" (an IANA name such as Europe/Paris is expected)`);
  }
}

function parseDate(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw invalid(`Invalid startAfter "${text}" (an ISO date is expected)`);
  return date;
}

/** Milliseconds after midnight UTC. */
function parseTimeOfDay(text: string): number {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?Z?$/.exec(text.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) throw invalid(`Invalid timeOfDay "${text}" (HH:MM:SS in UTC is expected)`);
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3] ?? 0)) * 1000 + Number((m[4] ?? '0').padEnd(3, '0'));
}

function parseDays(value: unknown): Set<number> | undefined {
  if (value === undefined || value === null) return undefined;
  const days = Array.isArray(value) ? value.map(Number) : [];
  if (!Array.isArray(value) || days.some((d) => !Number.isInteger(d) || d < 0 || d > 6))
    throw invalid('Invalid daysOfWeek (numbers from 0, Sunday, to 6 are expected)');
  return days.length ? new Set(days) : undefined;
}

/** Never before `startAfter`: the tick search starts just before it. */
function notBefore(after: Date, startAfter: Date | undefined): Date {
  return startAfter && after.getTime() < startAfter.getTime() ? new Date(startAfter.getTime() - 1) : after;
}

/**
 * Compiles a schedule, checking it: 162 (INVALID_VALUE) with the reason for a bad cron expression, time zone,
 * date or time. Precedence: `cron`; else `repeatMinutes` (from `startAfter`, else from the
 * epoch); else `timeOfDay` (daily, on `daysOfWeek`); else `startAfter` alone (once).
 */
export function compileSchedule(fields: ScheduleFields): CompiledSchedule {
  const timeZone = fields.timeZone || 'UTC';
  checkTimeZone(timeZone);
  const startAfter = fields.startAfter ? parseDate(fields.startAfter) : undefined;
  if (fields.cron) {
    let cron: Cron;
    try {
      cron = new Cron(fields.cron, { timezone: timeZone, paused: true });
    } catch (error) {
      throw invalid(`Invalid cron expression "${fields.cron}": ${(error as Error).message}`);
    }
    return { text: fields.cron, timeZone, next: (after) => cron.nextRun(notBefore(after, startAfter)) ?? undefined };
  }
  const from = startAfter ? ` from ${startAfter.toISOString()}` : '';
  if (typeof fields.repeatMinutes === 'number' && fields.repeatMinutes > 0) {
    const period = Math.round(fields.repeatMinutes * 60_000);
    const base = startAfter?.getTime() ?? 0;
    return {
      text: `every ${fields.repeatMinutes} minutes${from}`,
      timeZone: 'UTC',
      next: (after) => new Date(after.getTime() < base ? base : base + (Math.floor((after.getTime() - base) / period) + 1) * period),
    };
  }
  if (fields.timeOfDay) {
    const offset = parseTimeOfDay(fields.timeOfDay);
    const days = parseDays(fields.daysOfWeek);
    return {
      text: `daily at ${fields.timeOfDay} UTC${days ? ` on days ${[...days].join(',')}` : ''}${from}`,
      timeZone: 'UTC',
      next(after) {
        const start = notBefore(after, startAfter).getTime();
        for (let day = Math.floor(start / DAY_MS); day <= Math.floor(start / DAY_MS) + 7; day++) {
          const tick = day * DAY_MS + offset;
          if (tick > start && (!days || days.has(new Date(tick).getUTCDay()))) return new Date(tick);
        }
        return undefined;
      },
    };
  }
  if (startAfter) {
    return { text: `once at ${startAfter.toISOString()}`, timeZone: 'UTC', next: (after) => (after.getTime() < startAfter.getTime() ? startAfter : undefined) };
  }
  throw invalid('A job schedule needs a cron expression (or Parse’s repeatMinutes, timeOfDay or startAfter)');
}
