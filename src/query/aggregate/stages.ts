import type { FieldType } from '../../schema/index.ts';
import { COMBINATORS } from '../parse/operators.ts';
import { invalid, isObject, MAX_DEPTH, type WhereContext } from '../parse/state.ts';
import { parseWhere } from '../parse/where.ts';
import { checkKeyPath } from '../values.ts';
import { MAX_STAGE_FIELDS } from './group.ts';
import { fieldRef, shapeClass, show, type Shape } from './shape.ts';
import type { SortKey, Stage } from './types.ts';

/**
 * `_id` is objectId in Parse's pipelines (`_id.year` a key of a composite group key): renamed
 * at every level of the where's combinators. The copy has no prototype, so that a `__proto__`
 * key reaches the where parser as the unknown field it is.
 */
function objectIdKeys(where: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(where)) {
    const name = key === '_id' ? 'objectId' : key.startsWith('_id.') ? 'objectId' + key.slice(3) : key;
    if (Object.hasOwn(out, name)) invalid(`$match names ${name} twice (as _id and objectId)`);
    const nested = COMBINATORS[key] && Array.isArray(value) && depth < MAX_DEPTH;
    out[name] = nested ? value.map((w) => (isObject(w) ? objectIdKeys(w, depth + 1) : w)) : value;
  }
  return out;
}

/**
 * `$match`: a where in Parse's REST form or the GraphQL form, over the fields of the previous
 * stage (the class's, before any $group or $project).
 */
export function parseMatch(spec: unknown, shape: Shape, ctx: WhereContext): Stage {
  if (!isObject(spec)) invalid(`$match must be an object, got ${show(spec)}`);
  return { kind: 'match', where: parseWhere(objectIdKeys(spec, 0), shapeClass(shape), ctx) };
}

/** Points and polygons have no order. */
const UNSORTABLE = new Set<FieldType>(['GeoPoint', 'Polygon']);

/** `$sort: {field: 1 | -1, …}`, keys in order; a dotted key sorts by a value inside an Object field. */
export function parseSort(spec: unknown, shape: Shape): Stage {
  if (!isObject(spec)) invalid(`$sort must be an object, got ${show(spec)}`);
  const entries = Object.entries(spec).filter(([, v]) => v !== undefined);
  if (entries.length === 0) invalid('$sort must name at least one field');
  if (entries.length > MAX_STAGE_FIELDS) invalid(`$sort has more than ${MAX_STAGE_FIELDS} fields`);
  const keys = entries.map(([key, direction]): SortKey => {
    const context = `$sort ${key}`;
    if (direction !== 1 && direction !== -1) invalid(`${context}: the direction must be 1 or -1, got ${show(direction)}`);
    const [base, ...path] = key.split('.');
    const field = fieldRef(shape, '$' + base, context);
    if (path.length) {
      if (field.type !== 'Object' || path.includes('')) invalid(`${context}: only a path inside an Object field can be dotted`);
      return { field, path: checkKeyPath(path, field.name), descending: direction === -1 };
    }
    if (UNSORTABLE.has(field.type)) invalid(`${context}: ${field.type} values have no order`);
    return { field, descending: direction === -1 };
  });
  return { kind: 'sort', keys };
}

/** `$limit` (at least 1, as MongoDB requires) or `$skip` (at least 0). */
export function parsePaging(kind: 'limit' | 'skip', spec: unknown): Stage {
  const min = kind === 'limit' ? 1 : 0;
  if (typeof spec !== 'number' || !Number.isSafeInteger(spec) || spec < min) invalid(`$${kind} must be an integer of at least ${min}, got ${show(spec)}`);
  return { kind, count: spec };
}
