import type { AclMap } from '../security/index.ts';

/** The class an object belongs to, kept off its enumerable fields (a field may be called "className"). */
export const CLASS = Symbol('className');

/**
 * Pointer targets read together with the object (a find's include), by field name; null when
 * the target is missing or the caller may not read it.
 */
export const INCLUDED = Symbol('included');

/**
 * An object as core operations return it: Parse field name → value in the API's natural form
 * (ISO strings for dates, objectIds for pointers, file names for files, base64 for bytes,
 * {latitude, longitude} for points, JSON for objects and arrays, an ACL map for ACL).
 * Only the fields that were asked for are present.
 */
export interface ParseObject {
  [field: string]: unknown;
  [CLASS]: string;
  [INCLUDED]?: Record<string, ParseObject | null>;
  objectId: string;
  ACL?: AclMap;
}

export function classOf(object: ParseObject): string {
  return object[CLASS];
}
