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
