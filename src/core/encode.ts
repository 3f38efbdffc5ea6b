import type { Params } from '../db/index.ts';
import { errors } from '../errors/index.ts';
import type { FieldDef } from '../schema/index.ts';
import { checkKey, checkText, toGeoPoint, toStorableDate, type GeoPoint } from '../query/index.ts';

function wrong(field: string, expected: string): never {
  throw errors.incorrectType(`Invalid value for field ${field}: expected ${expected}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Nesting limit for Object and Array values, so that a hostile document cannot exhaust the stack. */
export const MAX_JSON_DEPTH = 32;

/** A string the database can store as sent (no NUL, no lone surrogate); one rule for writes and for where values. */
function text(name: string, value: unknown, expected: string): string {
  if (typeof value !== 'string') wrong(name, expected);
  return checkText(value, name);
}

/**
 * Checks a JSON value (Object or Array field) on one walk: at most MAX_JSON_DEPTH nested
 * objects and arrays (107); every key and string storable as checkKey and checkText say, and
 * no infinite number (111).
 */
function checkJson(name: string, value: unknown, depth = 0): void {
  if (typeof value === 'string') {
    checkText(value, name);
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) wrong(name, 'finite numbers');
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (depth >= MAX_JSON_DEPTH) throw errors.invalidJson(`Value of ${name} is nested too deeply (more than ${MAX_JSON_DEPTH} levels)`);
  if (Array.isArray(value)) {
    for (const v of value) checkJson(name, v, depth + 1);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    checkKey(k, name);
    checkJson(name, v, depth + 1);
  }
}

/**
 * Checks a JSON value of any kind written `depth` levels inside an Object field (a dotted
 * key's value) as checkJson does, and returns it; 111 for what is not JSON.
 */
export function checkJsonValue(name: string, value: unknown, depth: number): unknown {
  const kind = typeof value;
  if (value !== null && kind !== 'string' && kind !== 'number' && kind !== 'boolean' && kind !== 'object') wrong(name, 'a JSON value');
  checkJson(name, value, depth);
  return value;
}

/** Closes a polygon ring the way Parse stores it (first point repeated at the end). */
export function closePolygon(points: GeoPoint[]): GeoPoint[] {
  const first = points[0];
  const last = points[points.length - 1];
  return first.latitude === last.latitude && first.longitude === last.longitude ? points : [...points, first];
}

/**
 * Checks a value for a field and returns it in the stored-and-returned natural form (what a
 * later read gives back), or throws 111. `null` is returned as is (it unsets the field).
 */
export function normalizeForWrite(name: string, field: FieldDef, value: unknown): unknown {
  if (value === null) return null;
  switch (field.type) {
    case 'String':
      return text(name, value, 'String');
    case 'Number':
      return typeof value === 'number' && Number.isFinite(value) ? value : wrong(name, 'Number');
    case 'Boolean':
      return typeof value === 'boolean' ? value : wrong(name, 'Boolean');
    case 'Date':
      return toStorableDate(value, name);
    case 'Object':
      if (!isPlainObject(value)) wrong(name, 'Object');
      checkJson(name, value);
      return value;
    case 'Array':
      if (!Array.isArray(value)) wrong(name, 'Array');
      checkJson(name, value);
      return value;
    case 'Pointer':
    case 'File':
      if (value === '') wrong(name, field.type === 'File' ? 'a file name' : 'an objectId');
      return text(name, value, field.type === 'File' ? 'a file name' : 'an objectId');
    case 'GeoPoint':
      return toGeoPoint(value, name);
    case 'Polygon': {
      if (!Array.isArray(value) || value.length < 3) throw errors.invalidJson(`Polygon ${name} must have at least 3 points`);
      return closePolygon(value.map((p) => toGeoPoint(p, name)));
    }
    case 'Bytes':
      return typeof value === 'string' && BASE64.test(value) ? value : wrong(name, 'base64 Bytes');
    default:
      return wrong(name, field.type);
  }
}

/** The SQL expression that stores a normalised value in its column. */
export function encodeForColumn(field: FieldDef, value: unknown, params: Params): string {
  if (value === null || value === undefined) return 'NULL';
  switch (field.type) {
    case 'Number':
      return params.add(value) + '::float8';
    case 'Boolean':
      return params.add(value) + '::boolean';
    case 'Date':
      return params.add(value) + '::timestamptz';
    case 'Object':
    case 'Array':
      return params.add(JSON.stringify(value)) + '::jsonb';
    case 'Bytes':
      return params.add(JSON.stringify({ __type: 'Bytes', base64: value })) + '::jsonb';
    case 'GeoPoint': {
      const p = value as GeoPoint;
      return `point(${params.add(p.longitude)}::float8, ${params.add(p.latitude)}::float8)`;
    }
    case 'Polygon':
      return params.add('(' + (value as GeoPoint[]).map((p) => `(${p.longitude},${p.latitude})`).join(',') + ')') + '::polygon';
    default:
      return params.add(value) + '::text';
  }
}
