import { EARTH_RADIUS_KM, EARTH_RADIUS_MILES, type Condition, type FieldRef, type GeoPoint } from '../ast.ts';
import { toGeoPoint } from '../values.ts';
import { invalid, isObject } from './state.ts';

function requireGeoPoint(field: FieldRef, op: string): void {
  if (field.type !== 'GeoPoint') invalid(`${op} applies to GeoPoint fields only`);
}

/** The ways to bound nearSphere, each with the sphere radius that turns it into radians. */
const MAX_DISTANCE_SCALE: [string, number][] = [
  ['maxDistance', 1],
  ['maxDistanceInRadians', 1],
  ['maxDistanceInMiles', EARTH_RADIUS_MILES],
  ['maxDistanceInKilometers', EARTH_RADIUS_KM],
];

/** nearSphere, with at most one of the field's maxDistance* operators (`ops`). */
export function parseNear(field: FieldRef, operand: unknown, ops: Record<string, unknown>): Condition {
  requireGeoPoint(field, 'nearSphere');
  const point = toGeoPoint(operand, field.name);
  let maxDistanceRadians: number | undefined;
  for (const [name, radius] of MAX_DISTANCE_SCALE) {
    const v = ops[name];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) invalid(`${name} must be a non-negative number`);
    if (maxDistanceRadians !== undefined) invalid('Give only one of maxDistance, maxDistanceInRadians, maxDistanceInMiles, maxDistanceInKilometers');
    maxDistanceRadians = v / radius;
  }
  return { kind: 'near', field, point, maxDistanceRadians };
}

/** within {box: {bottomLeft, upperRight}} (REST: $within {$box: [bottomLeft, upperRight]}). */
export function parseWithin(field: FieldRef, operand: unknown): Condition {
  requireGeoPoint(field, 'within');
  const box = isObject(operand) ? (operand.box ?? operand.$box) : undefined;
  let corners: unknown[] | undefined;
  if (Array.isArray(box)) corners = box;
  else if (isObject(box)) corners = [box.bottomLeft, box.upperRight];
  if (corners?.length !== 2) invalid('within needs {box: {bottomLeft, upperRight}}');
  const bottomLeft = toGeoPoint(corners[0], field.name);
  const upperRight = toGeoPoint(corners[1], field.name);
  if (bottomLeft.latitude > upperRight.latitude) invalid('within box: bottomLeft must not be north of upperRight');
  return { kind: 'withinBox', field, bottomLeft, upperRight };
}

/** geoWithin {polygon} or {centerSphere: {center, distance}} (and the REST forms). */
export function parseGeoWithin(field: FieldRef, operand: unknown): Condition {
  requireGeoPoint(field, 'geoWithin');
  if (!isObject(operand)) invalid('geoWithin needs {polygon} or {centerSphere}');
  const polygon = operand.polygon ?? operand.$polygon;
  const sphere = operand.centerSphere ?? operand.$centerSphere;
  if (polygon !== undefined && polygon !== null) {
    // A Parse Polygon's coordinates are [latitude, longitude]; a bare pair in a list is
    // GeoJSON's [longitude, latitude], as Parse reads it.
    const isPolygon = isObject(polygon) && Array.isArray(polygon.coordinates);
    const list = isPolygon ? (polygon.coordinates as unknown[]) : polygon;
    if (!Array.isArray(list) || list.length < 3) invalid('geoWithin polygon needs at least 3 points');
    const points = list.map((p) => (Array.isArray(p) ? pairToGeoPoint(p, isPolygon ? 'latlng' : 'lnglat', field.name) : toGeoPoint(p, field.name)));
    return { kind: 'withinPolygon', field, points };
  }
  if (sphere !== undefined && sphere !== null) {
    let center: unknown;
    let distance: unknown;
    if (Array.isArray(sphere)) [center, distance] = sphere;
    else if (isObject(sphere)) ({ center, distance } = sphere);
    if (typeof distance !== 'number' || !Number.isFinite(distance) || distance < 0) invalid('centerSphere distance must be a non-negative number (radians)');
    const point = Array.isArray(center) ? pairToGeoPoint(center, 'lnglat', field.name) : toGeoPoint(center, field.name);
    return { kind: 'withinSphere', field, center: point, radiusRadians: distance };
  }
  return invalid('geoWithin needs {polygon} or {centerSphere}');
}

function pairToGeoPoint(pair: unknown[], order: 'latlng' | 'lnglat', field: string): GeoPoint {
  if (pair.length !== 2) invalid(`A coordinate pair of ${field} must have two numbers`);
  const [a, b] = pair;
  return toGeoPoint(order === 'latlng' ? { latitude: a, longitude: b } : { latitude: b, longitude: a }, field);
}

/** geoIntersects {point} on a Polygon field. */
export function parseGeoIntersects(field: FieldRef, operand: unknown): Condition {
  if (field.type !== 'Polygon') invalid('geoIntersects applies to Polygon fields only');
  const point = isObject(operand) ? (operand.point ?? operand.$point) : undefined;
  return { kind: 'intersectsPoint', field, point: toGeoPoint(point, field.name) };
}
