import type { FieldInfo } from './types.ts';

/** Unsets a field in an update (Parse's REST encoding). */
export const UNSET = { __op: 'Delete' } as const;

/** Types edited in place in the cell; the others open a dialog (JSON, geo point, ACL) or are read-only. */
export const INLINE_TYPES = new Set(['String', 'Number', 'Boolean', 'Date', 'Pointer']);

/** The text an editor starts with for a value. */
export function editText(value: unknown, field: FieldInfo): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const v = value as Record<string, unknown>;
  if (v.__type === 'Date') return String(v.iso ?? '');
  if (v.__type === 'Pointer') return String(v.objectId ?? '');
  if (field.type === 'Polygon' && v.__type === 'Polygon') return JSON.stringify(v.coordinates ?? [], null, 2);
  return JSON.stringify(value, null, 2);
}

/**
 * Parses what the admin typed into the value to send for a field's type (REST encoding). Empty
 * text unsets the field. Throws an Error with a readable message when the text does not fit.
 */
export function parseInput(text: string, field: FieldInfo): unknown {
  const t = text.trim();
  if (t === '' && field.type !== 'String') return UNSET;
  switch (field.type) {
    case 'String':
      return text === '' ? UNSET : text;
    case 'Number': {
      const n = Number(t);
      if (!Number.isFinite(n)) throw new Error(`"${t}" is not a number`);
      return n;
    }
    case 'Boolean':
      if (t === 'true') return true;
      if (t === 'false') return false;
      throw new Error('Use true or false');
    case 'Date': {
      const d = new Date(t);
      if (Number.isNaN(d.getTime())) throw new Error(`"${t}" is not a date`);
      return { __type: 'Date', iso: d.toISOString() };
    }
    case 'Pointer':
      if (!/^[A-Za-z0-9_-]+$/.test(t)) throw new Error('A pointer is the objectId of the target object');
      return { __type: 'Pointer', className: field.targetClass, objectId: t };
    case 'GeoPoint': {
      const [lat, lng] = t.split(/[ ,]+/).map(Number);
      if (!Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat!) > 90 || Math.abs(lng!) > 180)
        throw new Error('A geo point is "latitude, longitude" (±90, ±180)');
      return { __type: 'GeoPoint', latitude: lat, longitude: lng };
    }
    case 'Polygon': {
      const coords = parseJson(t);
      if (!Array.isArray(coords)) throw new Error('A polygon is a JSON array of [latitude, longitude] pairs');
      return { __type: 'Polygon', coordinates: coords };
    }
    case 'Bytes':
      return { __type: 'Bytes', base64: t };
    case 'Array': {
      const v = parseJson(t);
      if (!Array.isArray(v)) throw new Error('Expected a JSON array');
      return v;
    }
    case 'Object':
    case 'ACL': {
      const v = parseJson(t);
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('Expected a JSON object');
      return v;
    }
    default:
      return parseJson(t);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`Invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}
