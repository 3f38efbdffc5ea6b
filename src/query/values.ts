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

/** An unpaired UTF-16 surrogate: a high one not followed by a low one, or a low one not after a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What keeps PostgreSQL from storing this text as it was sent, or undefined when nothing does:
 * text and jsonb cannot hold the NUL character (U+0000), and a lone UTF-16 surrogate has no
 * UTF-8 form — the driver would silently store U+FFFD in a text column, and jsonb refuses its
 * `\uD800` escape with an error of its own.
 */
function unstorable(text: string): string | undefined {
  if (text.includes('\0')) return 'the NUL character (\\u0000)';
  // isWellFormed (ES2024, Node 20) settles the common case without a regular expression.
  if ((text as string & { isWellFormed(): boolean }).isWellFormed()) return undefined;
  const unit = LONE_SURROGATE.exec(text)![0].charCodeAt(0);
  return `a lone UTF-16 surrogate (\\u${unit.toString(16)})`;
}

function refuse(field: string, what: 'text' | 'keys', reason: string): never {
  throw errors.incorrectType(`Invalid value for field ${field}: ${what} cannot contain ${reason}`);
}

/** Whether PostgreSQL can store this text as it is (see unstorable). */
export function isStorableText(text: string): boolean {
  return unstorable(text) === undefined;
}

/**
 * A string bound for a text parameter; one PostgreSQL cannot store as sent (a NUL character, a
 * lone surrogate) is refused with 111 naming the field, before SQL. Writes (core/encode.ts) and
 * `where` values share this rule.
 */
export function checkText(text: string, field: string): string {
  const reason = unstorable(text);
  if (reason) refuse(field, 'text', reason);
  return text;
}

/** A key of an Object value, or of a key path into one: the same rule as checkText (111). */
export function checkKey(key: string, field: string): string {
  const reason = unstorable(key);
  if (reason) refuse(field, 'keys', reason);
  return key;
}

/** A key path into an Object field (bound for a text[] parameter); each key as checkKey. */
export function checkKeyPath(path: string[], field: string): string[] {
  for (const key of path) checkKey(key, field);
  return path;
}

/**
 * A value bound for a jsonb parameter: every string and key as checkText and checkKey (111),
 * before SQL. Walks without recursion, so a deeply nested value cannot exhaust the stack.
 */
export function checkJsonText<T>(value: T, field: string): T {
  const pending: unknown[] = [value];
  while (pending.length) {
    const v = pending.pop();
    if (typeof v === 'string') {
      checkText(v, field);
    } else if (Array.isArray(v)) {
      pending.push(...v);
    } else if (isObject(v)) {
      for (const [k, inner] of Object.entries(v)) {
        checkKey(k, field);
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
 * character, a lone surrogate, a date outside 0001–9999). Accepts GraphQL input and Parse's REST encodings.
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
