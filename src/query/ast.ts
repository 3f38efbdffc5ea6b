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
 * Values are in the API's natural form: ISO strings for dates, objectIds for pointers, file
 * names for files, base64 for bytes, JSON for objects and arrays.
 */
export type Condition =
  | { kind: 'and'; conditions: Condition[] }
  | { kind: 'or'; conditions: Condition[] }
  | { kind: 'nor'; conditions: Condition[] }
  | { kind: 'const'; value: boolean }
  | { kind: 'compare'; field: FieldRef; op: CompareOp; value: unknown }
  | { kind: 'in'; field: FieldRef; values: unknown[]; negated: boolean }
  | { kind: 'exists'; field: FieldRef; exists: boolean }
  | { kind: 'regex'; field: FieldRef; pattern: string; options: string }
  | { kind: 'text'; field: FieldRef; term: string; language: string; caseSensitive: boolean; diacriticSensitive: boolean }
  | { kind: 'containsAll'; field: FieldRef; values: unknown[] }
  | { kind: 'containedBy'; field: FieldRef; values: unknown[] }
  | { kind: 'near'; field: FieldRef; point: GeoPoint; maxDistanceRadians?: number }
  | { kind: 'withinBox'; field: FieldRef; bottomLeft: GeoPoint; upperRight: GeoPoint }
  | { kind: 'withinPolygon'; field: FieldRef; points: GeoPoint[] }
  | { kind: 'withinSphere'; field: FieldRef; center: GeoPoint; radiusRadians: number }
  | { kind: 'intersectsPoint'; field: FieldRef; point: GeoPoint }
  | { kind: 'inQueryKey'; field: FieldRef; className: string; where: Condition; key: FieldRef; negated: boolean }
  | { kind: 'pointerMatches'; field: FieldRef; targetClass: string; where: Condition; negated: boolean }
  | { kind: 'relationMatches'; field: FieldRef; ownerClass: string; targetClass: string; where: Condition; negated: boolean }
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
  if (condition.kind === 'and') for (const c of condition.conditions) {
    const n = findNear(c);
    if (n) return n;
  }
  return undefined;
}

export const EARTH_RADIUS_MILES = 3958.8;
export const EARTH_RADIUS_KM = 6371.0;
