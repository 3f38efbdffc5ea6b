import { errors } from '../errors/index.ts';
import { toObjectId } from '../schema/index.ts';
import type { FieldRef, GeoPoint } from './ast.ts';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function wrongType(field: string, expected: string): never {
  throw errors.incorrectType(`Invalid value for field ${field}: expected ${expected}`);
}

/** An ISO date string from an ISO string, a Date, or Parse's {__type: "Date", iso}. */
export function toIsoDate(value: unknown, field = 'date'): string {
  const raw = value instanceof Date ? value.toISOString() : isObject(value) && value.__type === 'Date' ? value.iso : value;
  if (typeof raw !== 'string') wrongType(field, 'a date');
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) wrongType(field, 'a date');
  return new Date(ms).toISOString();
}

/** timestamptz takes years 1 to 294276; ISO strings (and Parse clients) are safe within 0001–9999. */
const MIN_DATE = Date.parse('0001-01-01T00:00:00.000Z');
const MAX_DATE = Date.parse('9999-12-31T23:59:59.999Z');

/** Whether an ISO date lies within the years that a timestamptz column and every client can take. */
export function isStorableDate(iso: string): boolean {
  const ms = Date.parse(iso);
  return ms >= MIN_DATE && ms <= MAX_DATE;
}

/**
 * A date as it is stored and compared (see toIsoDate), refused with 111 outside 0001–9999
 * before it reaches SQL. The write path (core/encode.ts) and `where` values share this rule.
 */
export function toStorableDate(value: unknown, field = 'date'): string {
  const iso = toIsoDate(value, field);
  if (!isStorableDate(iso)) throw errors.incorrectType(`Invalid value for field ${field}: dates must lie between 0001-01-01 and 9999-12-31`);
  return iso;
}

/** PostgreSQL's text and jsonb cannot hold the NUL character (U+0000). */
export function hasNul(text: string): boolean {
  return text.includes('\0');
}

function nulError(field: string, what: 'text' | 'keys'): never {
  throw errors.incorrectType(`Invalid value for field ${field}: ${what} cannot contain the NUL character (\\u0000)`);
}

/** A string bound for a text parameter; one holding a NUL character is refused (111) before SQL. */
export function checkText(text: string, field: string): string {
  if (hasNul(text)) nulError(field, 'text');
  return text;
}

/** A key path into an Object field (bound for a text[] parameter); a key with a NUL character is refused (111). */
export function checkKeyPath(path: string[], field: string): string[] {
  if (path.some(hasNul)) nulError(field, 'keys');
  return path;
}

/**
 * A value bound for a jsonb parameter: a NUL character in any string or key is refused (111)
 * before SQL. Walks without recursion, so a deeply nested value cannot exhaust the stack.
 */
export function checkJsonText<T>(value: T, field: string): T {
  const pending: unknown[] = [value];
  while (pending.length) {
    const v = pending.pop();
    if (typeof v === 'string') {
      if (hasNul(v)) nulError(field, 'text');
    } else if (Array.isArray(v)) {
      pending.push(...v);
    } else if (isObject(v)) {
      for (const [k, inner] of Object.entries(v)) {
        if (hasNul(k)) nulError(field, 'keys');
        pending.push(inner);
      }
    }
  }
  return value;
}

export function toGeoPoint(value: unknown, field = 'point'): GeoPoint {
  if (!isObject(value)) wrongType(field, 'a GeoPoint');
  const { latitude, longitude } = value;
  if (typeof latitude !== 'number' || typeof longitude !== 'number' || !Number.isFinite(latitude) || !Number.isFinite(longitude)) {
    wrongType(field, 'a GeoPoint');
  }
  if (latitude < -90 || latitude > 90) throw errors.invalidJson(`GeoPoint latitude out of bounds: ${latitude} < -90.0 or > 90.0.`);
  if (longitude < -180 || longitude > 180) throw errors.invalidJson(`GeoPoint longitude out of bounds: ${longitude} < -180.0 or > 180.0.`);
  return { latitude, longitude };
}

/**
 * Normalises a comparison value for a field to the AST's representation (see ast.ts), or
 * throws 111 when it has the wrong type or is something PostgreSQL cannot take (a NUL
 * character, a date outside 0001–9999). Accepts GraphQL input and Parse's REST encodings.
 */
export function normalizeValue(field: FieldRef, value: unknown, className: string): unknown {
  if (value === null) return null;
  if (field.path) return checkJsonText(value, field.name); // a key inside an Object field: any JSON
  switch (field.type) {
    case 'String':
      if (field.name === 'objectId' && typeof value === 'string') return checkText(toObjectId(value, className), field.name);
      return typeof value === 'string' ? checkText(value, field.name) : wrongType(field.name, 'String');
    case 'Number':
      return typeof value === 'number' && Number.isFinite(value) ? value : wrongType(field.name, 'Number');
    case 'Boolean':
      return typeof value === 'boolean' ? value : wrongType(field.name, 'Boolean');
    case 'Date':
      return toStorableDate(value, field.name);
    case 'Pointer':
    case 'Relation': {
      const id = typeof value === 'string' ? value : isObject(value) && typeof value.objectId === 'string' ? value.objectId : undefined;
      if (id === undefined) wrongType(field.name, 'a pointer');
      return checkText(toObjectId(id, field.targetClass ?? ''), field.name);
    }
    case 'File': {
      const name = typeof value === 'string' ? value : isObject(value) && typeof value.name === 'string' ? value.name : undefined;
      return checkText(name ?? wrongType(field.name, 'a file'), field.name);
    }
    case 'Bytes': {
      const b64 = typeof value === 'string' ? value : isObject(value) && typeof value.base64 === 'string' ? value.base64 : undefined;
      return checkText(b64 ?? wrongType(field.name, 'Bytes'), field.name);
    }
    case 'GeoPoint':
      return toGeoPoint(value, field.name);
    default:
      return checkJsonText(value, field.name);
  }
}
