import { errors } from '../errors/index.ts';
import { isValidFieldName, isWriteOnly, type ClassDef } from '../schema/index.ts';
import type { FieldRef } from './ast.ts';

export interface OrderKey {
  field: FieldRef;
  descending: boolean;
}

/** Field types that have no useful order; Parse's enum lists them, ordering by them is ignored. */
const UNORDERED = new Set(['Relation', 'ACL', 'GeoPoint', 'Polygon']);

/** Field types whose values can bound a keyset page (comparable scalars in one column). */
const KEYSET_TYPES = new Set(['String', 'Number', 'Boolean', 'Date', 'Pointer', 'File']);

/**
 * Parses order enum values (`views_DESC`, `id_ASC`, …) into keys, applied in list order.
 * The objectId tiebreaker is added at SQL time, so pages are stable.
 */
export function parseOrder(values: readonly string[] | null | undefined, cls: ClassDef, options: { absentFields?: boolean } = {}): OrderKey[] {
  const keys: OrderKey[] = [];
  const seen = new Set<string>();
  for (const value of values ?? []) {
    const m = /^(.+)_(ASC|DESC)$/.exec(value);
    if (!m) throw errors.invalidQuery(`Invalid order: ${value}`);
    const name = m[1] === 'id' ? 'objectId' : m[1];
    const def = Object.hasOwn(cls.fields, name) ? cls.fields[name] : undefined;
    // A field the class does not have (yet) is missing on every object: it orders nothing, as Parse
    // answers its REST API and cloud code (WhereContext.absentFields); elsewhere it is 102.
    if (!def && options.absentFields && isValidFieldName(name) && !isWriteOnly(cls.className, name)) continue;
    if (!def || isWriteOnly(cls.className, name)) throw errors.invalidQuery(`Invalid order: ${value} (no such field)`);
    if (UNORDERED.has(def.type) || seen.has(name)) continue;
    seen.add(name);
    keys.push({ field: { name, type: def.type, targetClass: def.targetClass }, descending: m[2] === 'DESC' });
  }
  return keys;
}

/** Whether every key can bound a keyset page. */
export function isKeysetOrder(keys: readonly OrderKey[]): boolean {
  return keys.every((k) => KEYSET_TYPES.has(k.field.type));
}

/** A short signature of an order, stored in keyset cursors to detect reuse under another order. */
export function orderSignature(keys: readonly OrderKey[]): string {
  return keys.map((k) => (k.descending ? '-' : '+') + k.field.name).join(',');
}
