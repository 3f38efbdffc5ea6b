import type { ClassDef, FieldType } from '../schema/index.ts';
import { aclFromColumns } from '../security/index.ts';
import type { GeoPoint } from '../query/index.ts';
import { CLASS, type ParseObject } from './object.ts';

type Decoder = (value: unknown) => unknown;

const identity: Decoder = (v) => v;

/**
 * The adapter gives timestamptz as "2020-01-02T03:04:05.678+00:00" (sessions run in UTC).
 * Values JavaScript cannot represent (infinity, BC dates written by another client) are
 * passed on as PostgreSQL printed them rather than failing the whole read.
 */
/** `YYYY-MM-DD[T ]hh:mm:ss[.fraction]` in UTC (`Z`, `+00`, `+00:00`, `+0000`). */
const UTC_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(?:Z|\+00(?::?00)?)$/;

export function decodeDate(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  // The adapter's form of a millisecond value in UTC, by far the most common (every createdAt
  // and updatedAt Plinth or Parse wrote): "2020-01-02T03:04:05.678+00:00" is cut, not matched.
  if (value.length === 29 && value.charCodeAt(10) === 84 /* T */ && value.charCodeAt(19) === 46 /* . */ && value.endsWith('+00:00')) {
    return `${value.slice(0, 23)}Z`;
  }
  // The adapter's usual form in UTC is rewritten as text: a Date per value was a visible cost
  // of reading pages (hundreds of dates per find). Anything else goes through Date.
  const m = UTC_TIMESTAMP.exec(value);
  if (m) return `${m[1]}T${m[2]}.${((m[3] ?? '') + '000').slice(0, 3)}Z`;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

function decodeJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : (value ?? null);
}

/** PostgreSQL point text "(x,y)": x is the longitude, y the latitude (Parse's layout). */
export function decodePoint(value: unknown): GeoPoint | null {
  if (typeof value !== 'string') return null;
  const comma = value.indexOf(',');
  return { latitude: Number(value.slice(comma + 1, -1)), longitude: Number(value.slice(1, comma)) };
}

export function decodePolygon(value: unknown): GeoPoint[] | null {
  if (typeof value !== 'string') return null;
  const points: GeoPoint[] = [];
  for (const m of value.matchAll(/\(([^(),]+),([^(),]+)\)/g)) points.push({ latitude: Number(m[2]), longitude: Number(m[1]) });
  return points;
}

function decodeBytes(value: unknown): unknown {
  const v = decodeJson(value) as { base64?: string } | string | null;
  return v && typeof v === 'object' ? (v.base64 ?? null) : v;
}

const DECODERS: Partial<Record<FieldType, Decoder>> = {
  Date: decodeDate,
  Object: decodeJson,
  Array: decodeJson,
  GeoPoint: decodePoint,
  Polygon: decodePolygon,
  Bytes: decodeBytes,
};

/** Decodes the object whose columns start at `offset` in the row (0: the row is the object's). */
type RowDecoder = (columns: readonly string[], row: readonly unknown[], offset?: number) => ParseObject;

const cache = new WeakMap<ClassDef, Map<string, RowDecoder>>();

/**
 * Turns a result row (array form) into a ParseObject. The per-column work is planned once per
 * class definition and column list, so decoding a page is a tight loop.
 */
export function rowDecoder(cls: ClassDef, columns: readonly string[]): RowDecoder {
  let byColumns = cache.get(cls);
  if (!byColumns) cache.set(cls, (byColumns = new Map()));
  const key = columns.join('\0');
  let decoder = byColumns.get(key);
  if (decoder) return decoder;
  const steps: { index: number; field: string; decode: Decoder }[] = [];
  let rperm = -1;
  let wperm = -1;
  columns.forEach((column, index) => {
    if (column === '_rperm') rperm = index;
    else if (column === '_wperm') wperm = index;
    else {
      const type = cls.fields[column]?.type;
      steps.push({ index, field: column, decode: (type && DECODERS[type]) || identity });
    }
  });
  const className = cls.className;
  decoder = (_cols, row, offset = 0) => {
    const obj = { [CLASS]: className } as ParseObject;
    for (const s of steps) obj[s.field] = s.decode(row[offset + s.index]);
    if (rperm >= 0) obj.ACL = aclFromColumns(row[offset + rperm] as string[] | null, wperm >= 0 ? (row[offset + wperm] as string[] | null) : null);
    return obj;
  };
  if (byColumns.size < 256) byColumns.set(key, decoder);
  return decoder;
}
