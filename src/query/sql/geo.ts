import type { GeoPoint } from '../ast.ts';
import type { Params } from '../../db/index.ts';

/**
 * Great-circle distance in radians between a point column (x = longitude, y = latitude, as
 * Parse stores it) and a fixed point, by the haversine formula (no PostGIS needed; PGlite and
 * any PostgreSQL compute it the same way); NULL when the column has no point. The guard is
 * needed: `least` skips NULL arguments, so without it a missing point would come out as
 * least(1, NULL) = 1, a distance of π, and match every radius of π or more.
 */
export function distanceSql(column: string, point: GeoPoint, params: Params): string {
  const lat = params.add(point.latitude) + '::float8';
  const lng = params.add(point.longitude) + '::float8';
  return (
    `(CASE WHEN ${column} IS NOT NULL THEN 2 * asin(least(1, sqrt(power(sin(radians(${column}[1] - ${lat}) / 2), 2) + ` +
    `cos(radians(${lat})) * cos(radians(${column}[1])) * power(sin(radians(${column}[0] - ${lng}) / 2), 2)))) END)`
  );
}

export function pointSql(point: GeoPoint, params: Params): string {
  return `point(${params.add(point.longitude)}::float8, ${params.add(point.latitude)}::float8)`;
}

/** PostgreSQL polygon text: ((lng,lat),…). */
export function polygonText(points: GeoPoint[]): string {
  return '(' + points.map((p) => `(${p.longitude},${p.latitude})`).join(',') + ')';
}

/**
 * A point column inside a latitude/longitude box, its edges included (compared exactly,
 * without the tolerance of PostgreSQL's box operators). A west edge east of the east edge
 * means the box crosses the antimeridian.
 */
export function withinBoxSql(column: string, bottomLeft: GeoPoint, upperRight: GeoPoint, params: Params): string {
  const num = (v: number) => params.add(v) + '::float8';
  const lat = `${column}[1] BETWEEN ${num(bottomLeft.latitude)} AND ${num(upperRight.latitude)}`;
  const west = num(bottomLeft.longitude);
  const east = num(upperRight.longitude);
  const lng =
    bottomLeft.longitude <= upperRight.longitude ? `${column}[0] BETWEEN ${west} AND ${east}` : `(${column}[0] >= ${west} OR ${column}[0] <= ${east})`;
  return `COALESCE(${lat} AND ${lng}, FALSE)`;
}
