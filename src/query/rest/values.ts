import type { FieldRef } from '../ast.ts';

/** Parse's REST `where` JSON. */
export type RestWhere = Record<string, unknown>;

/** The key a field is named by in a REST where: `field`, or `field.a.b` inside an Object field. */
export function restKey(field: FieldRef): string {
  return field.path?.length ? `${field.name}.${field.path.join('.')}` : field.name;
}

/**
 * A condition value (natural form, see ast.ts) in Parse's REST encoding for its field: dates
 * `{__type: 'Date', iso}`, pointers `{__type: 'Pointer', className, objectId}`, files, bytes and
 * points as their Parse JSON; JSON inside an Object field and everything else as is.
 */
export function restValue(field: FieldRef, value: unknown): unknown {
  if (value === null || value === undefined || field.path?.length) return value ?? null;
  switch (field.type) {
    case 'Date':
      return typeof value === 'string' ? { __type: 'Date', iso: value } : value;
    case 'Pointer':
    case 'Relation':
      return typeof value === 'string' && field.targetClass ? { __type: 'Pointer', className: field.targetClass, objectId: value } : value;
    case 'File':
      return typeof value === 'string' ? { __type: 'File', name: value } : value;
    case 'Bytes':
      return typeof value === 'string' ? { __type: 'Bytes', base64: value } : value;
    case 'GeoPoint':
      return geoPoint(value as { latitude: number; longitude: number });
    default:
      return value;
  }
}

export function geoPoint(point: { latitude: number; longitude: number }): { __type: 'GeoPoint'; latitude: number; longitude: number } {
  return { __type: 'GeoPoint', latitude: point.latitude, longitude: point.longitude };
}

/**
 * Whether `{key: value}` reads back as equality: any value but a plain object, which a where
 * reads as operators unless it carries a `__type` (a Parse encoding).
 */
export function isLiteral(value: unknown): boolean {
  return typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as { __type?: unknown }).__type === 'string';
}

/** Text as a literal in Parse's regex syntax: `\Q…\E`, each `\E` inside written `\E\\E\Q` (as the SDKs quote). */
export function quoteRegex(text: string): string {
  return `\\Q${text.replaceAll('\\E', '\\E\\\\E\\Q')}\\E`;
}
