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
 * throws 111 when it has the wrong type. Accepts GraphQL input and Parse's REST encodings.
 */
export function normalizeValue(field: FieldRef, value: unknown, className: string): unknown {
  if (value === null) return null;
  if (field.path) return value; // a key inside an Object field: any JSON
  switch (field.type) {
    case 'String':
      if (field.name === 'objectId' && typeof value === 'string') return toObjectId(value, className);
      return typeof value === 'string' ? value : wrongType(field.name, 'String');
    case 'Number':
      return typeof value === 'number' && Number.isFinite(value) ? value : wrongType(field.name, 'Number');
    case 'Boolean':
      return typeof value === 'boolean' ? value : wrongType(field.name, 'Boolean');
    case 'Date':
      return toIsoDate(value, field.name);
    case 'Pointer':
    case 'Relation': {
      const id = typeof value === 'string' ? value : isObject(value) && typeof value.objectId === 'string' ? value.objectId : undefined;
      if (id === undefined) wrongType(field.name, 'a pointer');
      return toObjectId(id, field.targetClass ?? '');
    }
    case 'File': {
      const name = typeof value === 'string' ? value : isObject(value) && typeof value.name === 'string' ? value.name : undefined;
      return name ?? wrongType(field.name, 'a file');
    }
    case 'Bytes': {
      const b64 = typeof value === 'string' ? value : isObject(value) && typeof value.base64 === 'string' ? value.base64 : undefined;
      return b64 ?? wrongType(field.name, 'Bytes');
    }
    case 'GeoPoint':
      return toGeoPoint(value, field.name);
    default:
      return value;
  }
}

/** Characters that have a meaning in a JavaScript pattern, inside or outside a class. */
const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|\/-]/;

/**
 * Brings a `matchesRegex` pattern and its options into the AST's form (see ast.ts): plain
 * JavaScript RegExp syntax with options among i, m and s. Parse's SDKs quote literals as
 * `\Q…\E` (startsWith, contains), which JavaScript lacks: the quoted text is escaped here.
 * Option x (Mongo's "extended") is applied here too: white space and `#` comments outside a
 * class are dropped. A pattern JavaScript rejects is error 102.
 */
export function normalizeRegex(pattern: string, options: string): { pattern: string; options: string } {
  const extended = options.includes('x');
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && pattern[i + 1] === 'Q') {
      const end = pattern.indexOf('\\E', i + 2);
      const literal = pattern.slice(i + 2, end < 0 ? pattern.length : end);
      for (const ch of literal) out += REGEX_SYNTAX.test(ch) || /\s|#/.test(ch) ? '\\' + ch : ch;
      i = end < 0 ? pattern.length : end + 1;
    } else if (c === '\\') {
      out += pattern.slice(i, i + 2);
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (extended && /\s/.test(c)) {
      continue;
    } else if (extended && c === '#') {
      while (i + 1 < pattern.length && pattern[i + 1] !== '\n') i++;
    } else {
      out += c;
    }
  }
  const flags = [...new Set(options.replace(/x/g, ''))].join('');
  try {
    new RegExp(out, flags);
  } catch (e) {
    throw errors.invalidQuery(`Invalid regular expression: ${(e as Error).message}`);
  }
  return { pattern: out, options: flags };
}
