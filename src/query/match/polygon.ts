import type { GeoPoint } from '../ast.ts';

/**
 * PostgreSQL's fuzzy comparisons (utils/geo_decls.h, EPSILON 1e-6). The SQL compiler tests
 * polygons with PostgreSQL's `<@` / `@>`, which use them: a point within about 1e-6 degrees of an
 * edge counts as on it. Matching them here keeps both evaluators in agreement even there.
 */
const EPSILON = 1e-6;
const zero = (a: number) => Math.abs(a) <= EPSILON;
const lt = (a: number, b: number) => a + EPSILON < b;
const le = (a: number, b: number) => a <= b + EPSILON;
const gt = (a: number, b: number) => a > b + EPSILON;
const ge = (a: number, b: number) => a + EPSILON >= b;

const ON_EDGE = 0x7fffffff;

/**
 * How the segment (px, py)→(x, y), relative to the tested point, crosses the positive x axis:
 * ±2 across, ±1 touching it, 0 not, ON_EDGE through the point itself. A port of PostgreSQL's
 * lseg_crossing (geo_ops.c, PostgreSQL licence).
 */
function crossing(x: number, y: number, px: number, py: number): number {
  if (zero(y)) {
    if (zero(x)) return ON_EDGE;
    if (gt(x, 0)) {
      if (zero(py)) return gt(px, 0) ? 0 : ON_EDGE;
      return lt(py, 0) ? 1 : -1;
    }
    if (zero(py)) return lt(px, 0) ? 0 : ON_EDGE;
    return 0;
  }
  const sign = gt(y, 0) ? 1 : -1;
  if (zero(py)) return lt(px, 0) ? 0 : sign;
  if ((sign < 0 && lt(py, 0)) || (sign > 0 && gt(py, 0))) return 0;
  if (ge(x, 0) && gt(px, 0)) return 2 * sign;
  if (lt(x, 0) && le(px, 0)) return 0;
  const z = (x - px) * y - (y - py) * x;
  if (zero(z)) return ON_EDGE;
  if ((sign < 0 && lt(z, 0)) || (sign > 0 && gt(z, 0))) return 0;
  return 2 * sign;
}

/**
 * Whether the point lies inside the polygon or on its boundary, as PostgreSQL's point_inside
 * decides it (winding by summed crossings; the closing edge included). In the plane, x is the
 * longitude and y the latitude (PostgreSQL's point layout).
 */
export function pointInPolygon(x: number, y: number, polygon: readonly GeoPoint[]): boolean {
  const n = polygon.length;
  if (n === 0) return false;
  const x0 = polygon[0].longitude - x;
  const y0 = polygon[0].latitude - y;
  let px = x0;
  let py = y0;
  let total = 0;
  for (let i = 1; i < n; i++) {
    const cx = polygon[i].longitude - x;
    const cy = polygon[i].latitude - y;
    const c = crossing(cx, cy, px, py);
    if (c === ON_EDGE) return true;
    total += c;
    px = cx;
    py = cy;
  }
  const c = crossing(x0, y0, px, py);
  if (c === ON_EDGE) return true;
  return total + c !== 0;
}
