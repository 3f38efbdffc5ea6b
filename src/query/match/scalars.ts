import type { FieldType } from '../../schema/index.ts';
import { compareText } from './json.ts';

/** A value reduced to what equality and order need (see ScalarKind). */
export type ScalarKey = string | number | boolean;

/**
 * How the matcher reads and compares the values of a column-typed field (not Object or Array):
 * `key` turns an object's value into a comparable primitive (undefined when it has none or it
 * has the wrong type), `order` compares two keys. Core's forms: ISO strings for dates, objectIds
 * for pointers, names for files, base64 for bytes; Parse's object forms are read too.
 */
export interface ScalarKind {
  key(value: unknown): ScalarKey | undefined;
  /** Compares two keys of this kind. */
  order(a: ScalarKey, b: ScalarKey): number;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** A string, or the given string property of an object form ({objectId}, {name}, {base64}). */
function textOf(prop: string | undefined): ScalarKind['key'] {
  return (v) => {
    if (typeof v === 'string') return v;
    if (prop && isObject(v) && typeof v[prop] === 'string') return v[prop] as string;
    return undefined;
  };
}

/** Whether a string has toISOString's shape ("2024-06-01T12:00:00.000Z", years 0000–9999), as core gives dates. */
function isIsoString(v: string): boolean {
  return (
    v.length === 24 &&
    v.charCodeAt(23) === 90 && // Z
    v.charCodeAt(10) === 84 && // T
    v.charCodeAt(4) === 45 &&
    v.charCodeAt(7) === 45 &&
    v.charCodeAt(13) === 58 &&
    v.charCodeAt(16) === 58 &&
    v.charCodeAt(19) === 46
  );
}

/**
 * A date as its UTC ISO string, so that dates compare as instants by plain string comparison
 * (valid for the years 0001–9999 that can be stored). Core's form is used as it is, without
 * parsing; other forms (another zone, a Date, {__type: "Date", iso}) are converted.
 */
export function dateKey(v: unknown): string | undefined {
  if (typeof v === 'string' && isIsoString(v)) return v;
  let ms: number;
  if (typeof v === 'string') ms = Date.parse(v);
  else if (v instanceof Date) ms = v.getTime();
  else if (isObject(v) && typeof v.iso === 'string') ms = Date.parse(v.iso);
  else return undefined;
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

const text: ScalarKind['order'] = (a, b) => compareText(a as string, b as string);
/** `<` on numbers, and on ASCII strings (where UTF-16 order is code point order). */
const numeric: ScalarKind['order'] = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

const KINDS: Partial<Record<FieldType, ScalarKind>> = {
  String: { key: textOf(undefined), order: text },
  Pointer: { key: textOf('objectId'), order: text },
  File: { key: textOf('name'), order: text },
  Bytes: { key: textOf('base64'), order: text },
  Number: { key: (v) => (typeof v === 'number' ? v : undefined), order: numeric },
  Boolean: { key: (v) => (typeof v === 'boolean' ? v : undefined), order: (a, b) => Number(a) - Number(b) },
  Date: { key: dateKey, order: numeric }, // ISO strings are ASCII: `<` orders them by time
};

/** The scalar kind of a field type, or undefined for types without equality (geo, ACL, Relation) and JSON types. */
export function scalarKind(type: FieldType): ScalarKind | undefined {
  return Object.hasOwn(KINDS, type) ? KINDS[type] : undefined;
}
