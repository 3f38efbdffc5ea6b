import { errors } from '../../errors/index.ts';
import { EARTH_RADIUS_KM, EARTH_RADIUS_MILES, toGeoPoint, type GeoPoint } from '../../query/index.ts';
import type { CloudFile, CloudGeoPoint } from '../types.ts';
import { isPlainObject } from './records.ts';

/*
 * The SDK-typed values a CloudObject's fields hold besides objects: files, points, relations,
 * and the JSON forms Parse keeps for polygons and bytes.
 */

/** Marks CloudObject instances, so that value code can recognise them without importing the class. */
export const CLOUD_OBJECT: unique symbol = Symbol('CloudObject');

/** Where a CloudObject keeps its state (state.ts), off its public surface: a field may be called anything. */
export const STATE: unique symbol = Symbol('CloudObject state');

/** A CloudObject as the value helpers see it. */
export interface ObjectLike {
  readonly [CLOUD_OBJECT]: true;
  readonly className: string;
  id: string | undefined;
}

export function isCloudObject(value: unknown): value is ObjectLike {
  return typeof value === 'object' && value !== null && (value as Partial<ObjectLike>)[CLOUD_OBJECT] === true;
}

/** A File field's value: its stored name and the URL it is served at. */
export class CloudFileValue implements CloudFile {
  readonly __type = 'File' as const;
  readonly #name: string;
  readonly #url: string | undefined;

  constructor(name: string, url: string | undefined) {
    this.#name = name;
    this.#url = url;
  }
  name(): string {
    return this.#name;
  }
  url(): string | undefined {
    return this.#url;
  }
  equals(other: unknown): boolean {
    return other instanceof CloudFileValue && other.#name === this.#name;
  }
  toJSON(): { __type: 'File'; name: string; url?: string } {
    return this.#url === undefined ? { __type: 'File', name: this.#name } : { __type: 'File', name: this.#name, url: this.#url };
  }
}

/** A GeoPoint field's value; checked on creation (111 or 107 for a bad point, as writes do). */
export class CloudGeoPointValue implements CloudGeoPoint {
  readonly latitude: number;
  readonly longitude: number;

  constructor(point: unknown, field = 'point') {
    const { latitude, longitude } = toGeoPoint(point, field);
    this.latitude = latitude;
    this.longitude = longitude;
  }
  /** Great-circle distance in radians (Parse's formula). */
  radiansTo(point: GeoPoint): number {
    const d2r = Math.PI / 180;
    const dLat = Math.sin((this.latitude * d2r - point.latitude * d2r) / 2);
    const dLng = Math.sin((this.longitude * d2r - point.longitude * d2r) / 2);
    const a = Math.min(1, dLat * dLat + Math.cos(this.latitude * d2r) * Math.cos(point.latitude * d2r) * dLng * dLng);
    return 2 * Math.asin(Math.sqrt(a));
  }
  kilometersTo(point: GeoPoint): number {
    return this.radiansTo(point) * EARTH_RADIUS_KM;
  }
  milesTo(point: GeoPoint): number {
    return this.radiansTo(point) * EARTH_RADIUS_MILES;
  }
  equals(other: unknown): boolean {
    return other instanceof CloudGeoPointValue && other.latitude === this.latitude && other.longitude === this.longitude;
  }
  toJSON(): { __type: 'GeoPoint'; latitude: number; longitude: number } {
    return { __type: 'GeoPoint', latitude: this.latitude, longitude: this.longitude };
  }
}

/** A Relation field's value: which class it relates to (Parse.Relation's `targetClassName`). */
export class CloudRelationRef {
  readonly __type = 'Relation' as const;
  constructor(readonly targetClassName: string | undefined) {}
  toJSON(): { __type: 'Relation'; className: string | undefined } {
    return { __type: 'Relation', className: this.targetClassName };
  }
}

/** Parse's Polygon JSON: coordinates as [latitude, longitude] pairs. */
export interface PolygonJson {
  __type: 'Polygon';
  coordinates: [number, number][];
}

/** Parse's Bytes JSON. */
export interface BytesJson {
  __type: 'Bytes';
  base64: string;
}

/** A polygon from its JSON, a list of points, or a list of [latitude, longitude] pairs; 111 if none of these. */
export function polygonPoints(value: unknown, field: string): GeoPoint[] {
  const list = isPlainObject(value) && value.__type === 'Polygon' ? value.coordinates : value;
  if (!Array.isArray(list)) throw errors.incorrectType(`Invalid value for field ${field}: expected a Polygon`);
  return list.map((p) => toGeoPoint(Array.isArray(p) ? { latitude: p[0], longitude: p[1] } : p, field));
}

export function polygonJson(points: readonly GeoPoint[]): PolygonJson {
  return { __type: 'Polygon', coordinates: points.map((p) => [p.latitude, p.longitude]) };
}
