import type { FieldType } from '../../schema/index.ts';
import type { Accumulator, DatePart } from '../aggregate/types.ts';
import type { SqlContext } from './context.ts';

/** `extract` of one field, as a whole number (seconds and milliseconds carry fractions). */
const whole = (field: string) => (utc: string) => `floor(extract(${field} from ${utc}))::int`;

/** MongoDB's date operators, on the UTC date (MongoDB's default time zone). */
const DATE_PART_SQL: Record<DatePart, (utc: string) => string> = {
  year: whole('year'),
  month: whole('month'),
  dayOfMonth: whole('day'),
  dayOfYear: whole('doy'),
  hour: whole('hour'),
  minute: whole('minute'),
  second: whole('second'),
  isoWeek: whole('week'),
  isoWeekYear: whole('isoyear'),
  isoDayOfWeek: whole('isodow'),
  // PostgreSQL counts Sunday as 0, MongoDB as 1.
  dayOfWeek: (utc) => `(${whole('dow')(utc)} + 1)`,
  // PostgreSQL's milliseconds include the seconds.
  millisecond: (utc) => `(${whole('milliseconds')(utc)} % 1000)`,
  // MongoDB's weeks start on Sunday; the days before the year's first Sunday are week 0.
  week: (utc) => `floor((extract(doy from ${utc}) + 6 - extract(dow from ${utc})) / 7)::int`,
};

/** A part of a timestamptz value as a number, as MongoDB's date operator computes it. */
export function datePartSql(value: string, part: DatePart): string {
  return DATE_PART_SQL[part](`(${value} AT TIME ZONE 'UTC')`);
}

/**
 * A value as jsonb inside a composite group key, in Parse's JSON: a date as
 * `{__type: 'Date', iso}` with Parse's ISO format, Object, Array and Bytes values as stored.
 */
export function jsonValueSql(value: string, type: FieldType): string {
  switch (type) {
    case 'Object':
    case 'Array':
    case 'Bytes':
      return value;
    case 'Date':
      return `CASE WHEN ${value} IS NULL THEN NULL ELSE jsonb_build_object('__type', 'Date', 'iso', to_char(${value} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) END`;
    default:
      return `to_jsonb(${value})`;
  }
}

/**
 * An accumulator over the group's rows (`source`: the SQL of its field). Counts and sums are
 * float8, which the drivers return as numbers (int8 would come back as text); a sum of no
 * values is 0, as MongoDB's $sum; booleans have no min and max in PostgreSQL, but and/or are
 * the same thing.
 */
export function accumulatorSql(acc: Accumulator, source: string | undefined, ctx: SqlContext): string {
  switch (acc.op) {
    case 'count':
      return 'count(*)::float8';
    case 'sum':
      if (source === undefined) return acc.constant === 1 ? 'count(*)::float8' : `(count(*) * ${ctx.params.add(acc.constant ?? 0)}::float8)`;
      return `COALESCE(sum(${source}), 0)`;
    case 'avg':
      return `avg(${source})`;
    case 'min':
      return acc.source?.type === 'Boolean' ? `bool_and(${source})` : `min(${source})`;
    case 'max':
      return acc.source?.type === 'Boolean' ? `bool_or(${source})` : `max(${source})`;
  }
}
