import type { FieldType } from '../schema/index.ts';

/** A point as the API sees it. */
export interface GeoPoint {
  latitude: number;
  longitude: number;
}

/** A field a condition applies to; `path` walks into an Object field ("obj.a.b"). */
export interface FieldRef {
  name: string;
  type: FieldType;
  path?: string[];
  /** Target class of a Pointer or Relation field. */
  targetClass?: string;
}

export type CompareOp = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte';

/**
 * The one query language. A `where` input (GraphQL or Parse REST form) parses into this tree;
 * the tree compiles to SQL (query/sql/) and, for live queries, to an in-memory predicate.
 * Both must give the same answer for every object, so the meaning of each node is written
 * down here, independent of SQL.
 *
 * Values are in the API's natural form: ISO strings for dates, objectIds for pointers, file
 * names for files, base64 for bytes, JSON for objects and arrays.
 *
 * Two-valued logic. Every condition is true or false for every object, never "unknown": a
 * field without a value (never set, or unset with null) is simply not equal to, not less
 * than, not greater than any value, and not in any list. So `ne`, `in` with `negated` and
 * `nor` match objects without the value (as in MongoDB and Parse on MongoDB), and `nor` is
 * exactly the complement of `or`.
 *
 * "Without a value" means: no stored value; inside an Object field (`path`), a missing key or
 * a JSON null (except for `exists`, where a key holding JSON null exists, as in MongoDB); a
 * Pointer to an object that no longer exists still has a value.
 *
 * Equality is by type: the string "1" never equals the number 1; dates compare as instants;
 * Object and Array values compare by deep JSON equality (key order irrelevant, numbers by
 * value). Ordering (lt, lte, gt, gte) holds only between values of the same type: numbers
 * numerically, dates by time, strings by the database's collation (code point order under C
 * collation, which is what an in-memory evaluator does), JSON values of one JSON type as
 * PostgreSQL's jsonb orders them.
 */
export type Condition =
  | { kind: 'and'; conditions: Condition[] }
  /** An empty `or` is false. */
  | { kind: 'or'; conditions: Condition[] }
  /** Not any of the conditions; an empty `nor` is true. */
  | { kind: 'nor'; conditions: Condition[] }
  | { kind: 'const'; value: boolean }
  /**
   * `value` null: eq = "has no value", ne = "has a value", ordering ops never match. On an
   * Array field (MongoDB's rules): eq a scalar = the array has an element equal to it; eq an
   * array = the array is exactly that, or has an element equal to it; ordering ops = some
   * element of the same type compares true. ne is always the negation of eq.
   */
  | { kind: 'compare'; field: FieldRef; op: CompareOp; value: unknown }
  /**
   * The value equals one of `values` (a null in the list matches "no value"); on an Array
   * field, some element is in the list or the whole array equals an array in the list.
   * `negated` is the exact negation. An empty list matches nothing (negated: everything).
   */
  | { kind: 'in'; field: FieldRef; values: unknown[]; negated: boolean }
  /** Whether the field has a value (an empty string, array or object is a value). */
  | { kind: 'exists'; field: FieldRef; exists: boolean }
  /**
   * A string value matches a JavaScript RegExp (`new RegExp(pattern, options)`) somewhere.
   * `pattern` is plain JavaScript syntax — the parser has already turned Parse's `\Q…\E`
   * quoting into escapes and applied option x — and `options` holds only i, m and s, with
   * JavaScript's meaning ("^"/"$" at line breaks \n \r \u2028 \u2029 with m, "." matching
   * them with s). Non-string values never match.
   */
  | { kind: 'regex'; field: FieldRef; pattern: string; options: string }
  /**
   * Full-text search with the stemming and stop words of `language` (one of PostgreSQL's own
   * text search configurations, listed in text-search.ts; "simple" for none). The term reads
   * like a web search: every word must occur (as a stem), "quoted phrases" in order, -word must
   * not occur, `or` between words accepts either. diacriticSensitive false ignores accents on
   * both sides. caseSensitive additionally requires each positive word to start a word of the
   * text with exactly that case. This one depends on the database's dictionaries; an in-memory
   * evaluator can only approximate it.
   */
  | { kind: 'text'; field: FieldRef; term: string; language: string; caseSensitive: boolean; diacriticSensitive: boolean }
  /** The array has an element equal to each of `values` (deep equality); an empty list matches nothing. */
  | { kind: 'containsAll'; field: FieldRef; values: unknown[] }
  /**
   * For each of `prefixes`, the array has a string element that starts with it, case and code
   * point exact (Parse's containsAllStartingWith); other elements never qualify, so an empty
   * prefix asks for some string element. An empty list matches nothing.
   */
  | { kind: 'containsAllStartingWith'; field: FieldRef; prefixes: string[] }
  /** Every element of the array equals one of `values`; an empty array qualifies, no value does not. */
  | { kind: 'containedBy'; field: FieldRef; values: unknown[] }
  /**
   * The point has a value and, if `maxDistanceRadians` is set, its great-circle distance from
   * `point` on the unit sphere is at most that. Results are ordered nearest first when the
   * query gives no order (findNear).
   */
  | { kind: 'near'; field: FieldRef; point: GeoPoint; maxDistanceRadians?: number }
  /**
   * latitude within [bottomLeft, upperRight] and longitude within [west, east], edges included,
   * compared exactly; a west edge east of the east edge means the box crosses the antimeridian.
   */
  | { kind: 'withinBox'; field: FieldRef; bottomLeft: GeoPoint; upperRight: GeoPoint }
  /** Inside the polygon (planar, longitude as x and latitude as y), its boundary included. */
  | { kind: 'withinPolygon'; field: FieldRef; points: GeoPoint[] }
  /** Great-circle distance from `center` at most `radiusRadians`. */
  | { kind: 'withinSphere'; field: FieldRef; center: GeoPoint; radiusRadians: number }
  /** The Polygon field contains the point, its boundary included. */
  | { kind: 'intersectsPoint'; field: FieldRef; point: GeoPoint }
  /**
   * The value equals the `key` of some object of `className` that matches `where` and that the
   * caller may read (equality by type, as above; an Array field matches when some element does).
   * `negated`: no such object (objects without a value match).
   */
  | { kind: 'inQueryKey'; field: FieldRef; className: string; where: Condition; key: FieldRef; negated: boolean }
  /**
   * The pointed-to object exists, may be read by the caller and matches `where`. `negated` is
   * the exact negation (so a missing or dangling pointer matches it).
   */
  | { kind: 'pointerMatches'; field: FieldRef; targetClass: string; where: Condition; negated: boolean }
  /** Some related object exists, may be read by the caller and matches `where`; `negated`: none does. */
  | { kind: 'relationMatches'; field: FieldRef; ownerClass: string; targetClass: string; where: Condition; negated: boolean }
  /** One of `objectIds` is related (Parse's "relation equal to a pointer"). */
  | { kind: 'relationContains'; field: FieldRef; ownerClass: string; objectIds: string[] };

export const TRUE: Condition = { kind: 'const', value: true };

/** Conjunction that drops trivially-true parts. */
export function and(conditions: Condition[]): Condition {
  const parts = conditions.filter((c) => !(c.kind === 'const' && c.value));
  if (parts.length === 0) return TRUE;
  if (parts.length === 1) return parts[0];
  return { kind: 'and', conditions: parts };
}

/** The geo condition that orders results by distance, if any (Parse sorts by nearness). */
export function findNear(condition: Condition): Extract<Condition, { kind: 'near' }> | undefined {
  if (condition.kind === 'near') return condition;
  if (condition.kind === 'and')
    for (const c of condition.conditions) {
      const n = findNear(c);
      if (n) return n;
    }
  return undefined;
}

export const EARTH_RADIUS_MILES = 3958.8;
export const EARTH_RADIUS_KM = 6371.0;
