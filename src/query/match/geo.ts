import type { Condition, GeoPoint } from '../ast.ts';
import { getter } from './fields.ts';
import { pointInPolygon } from './polygon.ts';
import type { Predicate } from './types.ts';

type Of<K extends Condition['kind']> = Extract<Condition, { kind: K }>;

/** PostgreSQL's radians(): multiplication by its RADIANS_PER_DEGREE constant, for the same rounding. */
const RADIANS_PER_DEGREE = Math.PI / 180;

function isPoint(v: unknown): v is GeoPoint {
  return typeof v === 'object' && v !== null && typeof (v as GeoPoint).latitude === 'number' && typeof (v as GeoPoint).longitude === 'number';
}

function isPolygon(v: unknown): v is GeoPoint[] {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (!isPoint(v[i])) return false;
  return true;
}

/**
 * Great-circle distance in radians on the unit sphere, by the haversine formula written
 * operation for operation as sql/geo.ts's distanceSql, so that both round alike.
 */
export function distance(p: GeoPoint, from: GeoPoint): number {
  const dLat = Math.sin(((p.latitude - from.latitude) * RADIANS_PER_DEGREE) / 2);
  const dLng = Math.sin(((p.longitude - from.longitude) * RADIANS_PER_DEGREE) / 2);
  const h = dLat * dLat + Math.cos(from.latitude * RADIANS_PER_DEGREE) * Math.cos(p.latitude * RADIANS_PER_DEGREE) * (dLng * dLng);
  return 2 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** `near`: the point has a value and lies within maxDistanceRadians, if given. */
export function compileNear(cond: Of<'near'>): Predicate {
  const get = getter(cond.field);
  const { point, maxDistanceRadians: max } = cond;
  if (max === undefined) return (o) => isPoint(get(o));
  return (o) => {
    const v = get(o);
    return isPoint(v) && distance(v, point) <= max;
  };
}

/** `withinSphere`: great-circle distance from the center at most the radius. */
export function compileWithinSphere(cond: Of<'withinSphere'>): Predicate {
  const get = getter(cond.field);
  const { center, radiusRadians } = cond;
  return (o) => {
    const v = get(o);
    return isPoint(v) && distance(v, center) <= radiusRadians;
  };
}

/** `withinBox`: edges included, compared exactly; west east of east means across the antimeridian. */
export function compileWithinBox(cond: Of<'withinBox'>): Predicate {
  const get = getter(cond.field);
  const south = cond.bottomLeft.latitude;
  const north = cond.upperRight.latitude;
  const west = cond.bottomLeft.longitude;
  const east = cond.upperRight.longitude;
  const crosses = west > east;
  return (o) => {
    const v = get(o);
    if (!isPoint(v) || !(v.latitude >= south && v.latitude <= north)) return false;
    return crosses ? v.longitude >= west || v.longitude <= east : v.longitude >= west && v.longitude <= east;
  };
}

/** `withinPolygon`: the point inside the query's polygon (longitude as x), boundary included. */
export function compileWithinPolygon(cond: Of<'withinPolygon'>): Predicate {
  const get = getter(cond.field);
  const polygon = cond.points;
  return (o) => {
    const v = get(o);
    return isPoint(v) && pointInPolygon(v.longitude, v.latitude, polygon);
  };
}

/** `intersectsPoint`: the object's Polygon field contains the query's point, boundary included. */
export function compileIntersectsPoint(cond: Of<'intersectsPoint'>): Predicate {
  const get = getter(cond.field);
  const x = cond.point.longitude;
  const y = cond.point.latitude;
  return (o) => {
    const v = get(o);
    return isPolygon(v) && pointInPolygon(x, y, v);
  };
}
