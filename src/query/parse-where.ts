import { errors } from '../errors/index.ts';
import { isWriteOnly, type ClassDef, type FieldDef } from '../schema/index.ts';
import { and, EARTH_RADIUS_KM, EARTH_RADIUS_MILES, TRUE, type CompareOp, type Condition, type FieldRef } from './ast.ts';
import { normalizeRegex, normalizeValue, toGeoPoint } from './values.ts';

/**
 * A lookup table without a prototype: keys come from the client, and `constructor`,
 * `toString` or `__proto__` must not find Object.prototype's members.
 */
function lookupTable<T>(entries: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null), entries);
}

/** The class's own field of that name (never an inherited property of the fields object). */
function fieldOf(cls: ClassDef, name: string): FieldDef | undefined {
  return Object.hasOwn(cls.fields, name) ? cls.fields[name] : undefined;
}

/** GraphQL operator names and their Parse REST ($-prefixed) equivalents mean the same. */
const OPERATOR_ALIASES: Record<string, string> = lookupTable({
  $eq: 'equalTo',
  $ne: 'notEqualTo',
  $lt: 'lessThan',
  $lte: 'lessThanOrEqualTo',
  $gt: 'greaterThan',
  $gte: 'greaterThanOrEqualTo',
  $in: 'in',
  $nin: 'notIn',
  $exists: 'exists',
  $regex: 'matchesRegex',
  $options: 'options',
  $text: 'text',
  $all: 'contains',
  $containedBy: 'containedBy',
  $select: 'inQueryKey',
  $dontSelect: 'notInQueryKey',
  $inQuery: 'have',
  $notInQuery: 'haveNot',
  $nearSphere: 'nearSphere',
  $maxDistance: 'maxDistance',
  $maxDistanceInRadians: 'maxDistanceInRadians',
  $maxDistanceInMiles: 'maxDistanceInMiles',
  $maxDistanceInKilometers: 'maxDistanceInKilometers',
  $within: 'within',
  $geoWithin: 'geoWithin',
  $geoIntersects: 'geoIntersects',
});

const COMPARE: Record<string, CompareOp> = lookupTable({
  equalTo: 'eq',
  notEqualTo: 'ne',
  lessThan: 'lt',
  lessThanOrEqualTo: 'lte',
  greaterThan: 'gt',
  greaterThanOrEqualTo: 'gte',
});

const COMBINATORS: Record<string, 'and' | 'or' | 'nor'> = lookupTable({ AND: 'and', OR: 'or', NOR: 'nor', $and: 'and', $or: 'or', $nor: 'nor' });

const MAX_DEPTH = 12;
const MAX_NODES = 2000;

export interface WhereContext {
  classes: ReadonlyMap<string, ClassDef>;
}

interface State {
  ctx: WhereContext;
  nodes: number;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(message: string): never {
  throw errors.invalidQuery(message);
}

/**
 * Parses a `where` input — the GraphQL input object, or Parse's REST form inside
 * `inQueryKey` subqueries — into the query AST, checking every field and value.
 * Errors: 102 for malformed queries, 111 for values of the wrong type.
 */
export function parseWhere(input: unknown, cls: ClassDef, ctx: WhereContext): Condition {
  return parseObject(input, cls, { ctx, nodes: 0 }, 0);
}

function parseObject(input: unknown, cls: ClassDef, state: State, depth: number): Condition {
  if (input === undefined || input === null) return TRUE;
  if (!isObject(input)) invalid('where must be an object');
  if (depth > MAX_DEPTH) invalid('Query is nested too deeply');
  const parts: Condition[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (++state.nodes > MAX_NODES) invalid('Query has too many conditions');
    const combinator = COMBINATORS[key];
    if (combinator) {
      if (value === null) continue;
      if (!Array.isArray(value)) invalid(`${key} must be a list`);
      const conditions = value.map((v) => parseObject(v, cls, state, depth + 1));
      parts.push(combinator === 'and' ? and(conditions) : { kind: combinator, conditions });
      continue;
    }
    parts.push(parseField(cls, key, value, state, depth));
  }
  return and(parts);
}

function resolveField(cls: ClassDef, key: string): FieldRef {
  const name = key === 'id' ? 'objectId' : key;
  const direct = fieldOf(cls, name);
  if (direct && !isWriteOnly(cls.className, name)) return { name, type: direct.type, targetClass: direct.targetClass };
  const dot = name.indexOf('.');
  if (dot > 0) {
    const base = fieldOf(cls, name.slice(0, dot));
    const path = name.slice(dot + 1).split('.');
    if (base?.type === 'Object' && !path.includes('')) return { name: name.slice(0, dot), type: 'Object', path };
  }
  return invalid(`Invalid key name: ${key} is not a field of class ${cls.className}`);
}

function parseField(cls: ClassDef, key: string, value: unknown, state: State, depth: number): Condition {
  const field = resolveField(cls, key);
  if (field.type === 'ACL') invalid('The ACL cannot be queried');
  const isLiteral = !isObject(value) || typeof value.__type === 'string';
  if (isLiteral) {
    // REST form: { field: value } means equality; a relation "equal to" a pointer means "contains".
    if (field.type === 'Relation') return relationContains(cls, field, [value]);
    return compare(cls, field, 'eq', value);
  }
  const ops: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(value)) if (v !== undefined) ops[OPERATOR_ALIASES[k] ?? k] = v;
  if (field.type === 'Object' && !field.path) return parseObjectFieldOps(field, ops, state, depth);
  if (field.type === 'Pointer' || field.type === 'Relation') return parseReferenceOps(cls, field, ops, state, depth);

  const parts: Condition[] = [];
  for (const [op, operand] of Object.entries(ops)) {
    if (operand === null && op !== 'equalTo' && op !== 'notEqualTo') continue;
    const cmp = COMPARE[op];
    if (cmp) {
      parts.push(compare(cls, field, cmp, operand));
      continue;
    }
    switch (op) {
      case 'in':
      case 'notIn':
        if (field.type === 'GeoPoint' || field.type === 'Polygon') invalid(`${op} is not supported on ${field.type} field ${field.name}`);
        if (!Array.isArray(operand)) invalid(`${op} must be a list`);
        parts.push({ kind: 'in', field, values: operand.map((v) => normalizeValue(field, v, cls.className)), negated: op === 'notIn' });
        break;
      case 'exists':
        if (typeof operand !== 'boolean') invalid('exists must be a boolean');
        parts.push({ kind: 'exists', field, exists: operand });
        break;
      case 'matchesRegex':
        parts.push(parseRegex(field, operand, ops.options));
        break;
      case 'options':
        if (ops.matchesRegex === undefined) invalid('options requires matchesRegex');
        break;
      case 'text':
        parts.push(parseText(field, operand));
        break;
      case 'contains':
      case 'containedBy':
        if (field.type !== 'Array') invalid(`${op} applies to Array fields only`);
        if (!Array.isArray(operand)) invalid(`${op} must be a list`);
        parts.push({ kind: op === 'contains' ? 'containsAll' : 'containedBy', field, values: operand });
        break;
      case 'inQueryKey':
      case 'notInQueryKey':
        parts.push(parseInQueryKey(field, operand, op === 'notInQueryKey', state, depth));
        break;
      case 'nearSphere':
        parts.push(parseNear(field, operand, ops));
        break;
      case 'maxDistance':
      case 'maxDistanceInRadians':
      case 'maxDistanceInMiles':
      case 'maxDistanceInKilometers':
        if (ops.nearSphere === undefined) invalid(`${op} requires nearSphere`);
        break;
      case 'within':
        parts.push(parseWithin(field, operand));
        break;
      case 'geoWithin':
        parts.push(parseGeoWithin(field, operand));
        break;
      case 'geoIntersects':
        parts.push(parseGeoIntersects(field, operand));
        break;
      default:
        invalid(`Invalid operator ${op} for field ${key}`);
    }
  }
  return and(parts);
}

function compare(cls: ClassDef, field: FieldRef, op: CompareOp, operand: unknown): Condition {
  if (field.type === 'GeoPoint' || field.type === 'Polygon' || field.type === 'ACL') {
    invalid(`${op === 'eq' ? 'equalTo' : 'comparison'} is not supported on ${field.type} field ${field.name}`);
  }
  return { kind: 'compare', field, op, value: normalizeValue(field, operand, cls.className) };
}

/** Object fields: each operator takes {key: "dot.path", value}. */
function parseObjectFieldOps(field: FieldRef, ops: Record<string, unknown>, state: State, depth: number): Condition {
  const parts: Condition[] = [];
  const pathOf = (kv: unknown): { ref: FieldRef; value: unknown } => {
    if (!isObject(kv) || typeof kv.key !== 'string' || kv.key === '') invalid(`Object field ${field.name} constraints need {key, value}`);
    if (!/^[^.]+(\.[^.]+)*$/.test(kv.key)) invalid(`Invalid key path: ${kv.key}`);
    return { ref: { ...field, path: kv.key.split('.') }, value: kv.value };
  };
  for (const [op, operand] of Object.entries(ops)) {
    if (operand === null) continue;
    const cmp = COMPARE[op];
    if (cmp) {
      const { ref, value } = pathOf(operand);
      parts.push({ kind: 'compare', field: ref, op: cmp, value });
    } else if (op === 'in' || op === 'notIn') {
      if (!Array.isArray(operand)) invalid(`${op} must be a list`);
      const byPath = new Map<string, { ref: FieldRef; values: unknown[] }>();
      for (const kv of operand) {
        const { ref, value } = pathOf(kv);
        const key = ref.path!.join('.');
        const entry = byPath.get(key) ?? { ref, values: [] };
        entry.values.push(...(Array.isArray(value) ? value : [value]));
        byPath.set(key, entry);
      }
      for (const { ref, values } of byPath.values()) parts.push({ kind: 'in', field: ref, values, negated: op === 'notIn' });
    } else if (op === 'exists') {
      if (typeof operand !== 'boolean') invalid('exists must be a boolean');
      parts.push({ kind: 'exists', field, exists: operand });
    } else if (op === 'inQueryKey' || op === 'notInQueryKey') {
      parts.push(parseInQueryKey(field, operand, op === 'notInQueryKey', state, depth));
    } else invalid(`Invalid operator ${op} for Object field ${field.name}`);
  }
  return and(parts);
}

/** Pointer and Relation fields: have / haveNot / exists (and REST equality forms). */
function parseReferenceOps(cls: ClassDef, field: FieldRef, ops: Record<string, unknown>, state: State, depth: number): Condition {
  const target = field.targetClass && state.ctx.classes.get(field.targetClass);
  const parts: Condition[] = [];
  for (const [op, operand] of Object.entries(ops)) {
    if (operand === null && op !== 'equalTo' && op !== 'notEqualTo') continue;
    if (op === 'exists') {
      if (typeof operand !== 'boolean') invalid('exists must be a boolean');
      if (field.type === 'Pointer') parts.push({ kind: 'exists', field, exists: operand });
      else parts.push({ kind: 'relationMatches', field, ownerClass: cls.className, targetClass: field.targetClass!, where: TRUE, negated: !operand });
    } else if (op === 'have' || op === 'haveNot') {
      if (!target) invalid(`Target class ${field.targetClass} of ${field.name} does not exist`);
      // Parse REST's $inQuery carries {where, className}; GraphQL's have is the where itself.
      const rest = isObject(operand) && isObject(operand.where) && typeof operand.className === 'string';
      if (rest && operand.className !== target.className) invalid(`${op} on ${field.name} must query class ${target.className}, not ${String(operand.className)}`);
      const where = rest ? operand.where : operand;
      const sub = parseObject(where, target, state, depth + 1);
      parts.push(
        field.type === 'Pointer'
          ? { kind: 'pointerMatches', field, targetClass: target.className, where: sub, negated: op === 'haveNot' }
          : { kind: 'relationMatches', field, ownerClass: cls.className, targetClass: target.className, where: sub, negated: op === 'haveNot' },
      );
    } else if (field.type === 'Pointer' && (op === 'inQueryKey' || op === 'notInQueryKey')) {
      parts.push(parseInQueryKey(field, operand, op === 'notInQueryKey', state, depth));
    } else if (field.type === 'Pointer' && COMPARE[op] && (op === 'equalTo' || op === 'notEqualTo')) {
      parts.push(compare(cls, field, COMPARE[op], operand));
    } else if (field.type === 'Pointer' && (op === 'in' || op === 'notIn')) {
      if (!Array.isArray(operand)) invalid(`${op} must be a list`);
      parts.push({ kind: 'in', field, values: operand.map((v) => normalizeValue(field, v, cls.className)), negated: op === 'notIn' });
    } else if (field.type === 'Relation' && op === 'equalTo') {
      parts.push(relationContains(cls, field, [operand]));
    } else {
      invalid(`Invalid operator ${op} for ${field.type} field ${field.name}`);
    }
  }
  return and(parts);
}

function relationContains(cls: ClassDef, field: FieldRef, values: unknown[]): Condition {
  const objectIds = values.map((v) => normalizeValue(field, v, cls.className) as string);
  return { kind: 'relationContains', field, ownerClass: cls.className, objectIds };
}

function parseRegex(field: FieldRef, pattern: unknown, options: unknown): Condition {
  if (field.type !== 'String' && field.type !== 'File' && !field.path) invalid(`matchesRegex applies to String fields only`);
  if (typeof pattern !== 'string') invalid('matchesRegex must be a string');
  if (options !== undefined && options !== null && (typeof options !== 'string' || !/^[imxs]*$/.test(options))) {
    invalid('options may only contain the flags i, m, x and s');
  }
  return { kind: 'regex', field, ...normalizeRegex(pattern, (options as string | undefined) ?? '') };
}

/**
 * MongoDB's text search language codes (which Parse apps on MongoDB send) → the names of
 * PostgreSQL's text search configurations; "none" means no stemming and no stop words.
 */
const MONGO_LANGUAGES: Record<string, string> = lookupTable({
  none: 'simple',
  da: 'danish',
  nl: 'dutch',
  en: 'english',
  fi: 'finnish',
  fr: 'french',
  de: 'german',
  hu: 'hungarian',
  it: 'italian',
  nb: 'norwegian',
  pt: 'portuguese',
  ro: 'romanian',
  ru: 'russian',
  es: 'spanish',
  sv: 'swedish',
  tr: 'turkish',
});

function parseText(field: FieldRef, operand: unknown): Condition {
  if (field.type !== 'String') invalid('text applies to String fields only');
  const search = isObject(operand) ? (operand.search ?? operand.$search) : undefined;
  if (!isObject(search)) invalid('text needs {search: {term}}');
  const get = (k: string) => search[k] ?? search['$' + k];
  const term = get('term');
  if (typeof term !== 'string' || term.trim() === '') invalid('text search term must be a non-empty string');
  const requested = get('language') ?? 'english';
  if (typeof requested !== 'string' || !/^[a-z_]+$/i.test(requested)) invalid(`Invalid text search language: ${String(requested)}`);
  const language = MONGO_LANGUAGES[requested.toLowerCase()] ?? requested.toLowerCase();
  const caseSensitive = get('caseSensitive') ?? false;
  const diacriticSensitive = get('diacriticSensitive') ?? true;
  if (typeof caseSensitive !== 'boolean' || typeof diacriticSensitive !== 'boolean') invalid('caseSensitive and diacriticSensitive must be booleans');
  return { kind: 'text', field, term, language, caseSensitive, diacriticSensitive };
}

function parseInQueryKey(field: FieldRef, operand: unknown, negated: boolean, state: State, depth: number): Condition {
  if (!isObject(operand) || !isObject(operand.query) || typeof operand.key !== 'string') invalid('inQueryKey needs {query: {className, where}, key}');
  const { className, where } = operand.query as { className?: unknown; where?: unknown };
  if (typeof className !== 'string') invalid('inQueryKey.query.className must be a string');
  const cls = state.ctx.classes.get(className);
  if (!cls) throw errors.classNotFound(className);
  const key = resolveField(cls, operand.key);
  if (key.type === 'Relation' || key.type === 'ACL') invalid(`inQueryKey key ${operand.key} must be a stored field`);
  return { kind: 'inQueryKey', field, className, where: parseObject(where ?? {}, cls, state, depth + 1), key, negated };
}

function requireGeoPoint(field: FieldRef, op: string): void {
  if (field.type !== 'GeoPoint') invalid(`${op} applies to GeoPoint fields only`);
}

function parseNear(field: FieldRef, operand: unknown, ops: Record<string, unknown>): Condition {
  requireGeoPoint(field, 'nearSphere');
  const point = toGeoPoint(operand, field.name);
  const scale: [string, number][] = [
    ['maxDistance', 1],
    ['maxDistanceInRadians', 1],
    ['maxDistanceInMiles', EARTH_RADIUS_MILES],
    ['maxDistanceInKilometers', EARTH_RADIUS_KM],
  ];
  let maxDistanceRadians: number | undefined;
  for (const [name, radius] of scale) {
    const v = ops[name];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) invalid(`${name} must be a non-negative number`);
    if (maxDistanceRadians !== undefined) invalid('Give only one of maxDistance, maxDistanceInRadians, maxDistanceInMiles, maxDistanceInKilometers');
    maxDistanceRadians = v / radius;
  }
  return { kind: 'near', field, point, maxDistanceRadians };
}

function parseWithin(field: FieldRef, operand: unknown): Condition {
  requireGeoPoint(field, 'within');
  const box = isObject(operand) ? (operand.box ?? operand.$box) : undefined;
  let corners: unknown[] | undefined;
  if (Array.isArray(box)) corners = box;
  else if (isObject(box)) corners = [box.bottomLeft, box.upperRight];
  if (!corners || corners.length !== 2) invalid('within needs {box: {bottomLeft, upperRight}}');
  const bottomLeft = toGeoPoint(corners[0], field.name);
  const upperRight = toGeoPoint(corners[1], field.name);
  if (bottomLeft.latitude > upperRight.latitude) invalid('within box: bottomLeft must not be north of upperRight');
  return { kind: 'withinBox', field, bottomLeft, upperRight };
}

function parseGeoWithin(field: FieldRef, operand: unknown): Condition {
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

function pairToGeoPoint(pair: unknown[], order: 'latlng' | 'lnglat', field: string) {
  if (pair.length !== 2) invalid(`A coordinate pair of ${field} must have two numbers`);
  const [a, b] = pair;
  return toGeoPoint(order === 'latlng' ? { latitude: a, longitude: b } : { latitude: b, longitude: a }, field);
}

function parseGeoIntersects(field: FieldRef, operand: unknown): Condition {
  if (field.type !== 'Polygon') invalid('geoIntersects applies to Polygon fields only');
  const point = isObject(operand) ? (operand.point ?? operand.$point) : undefined;
  return { kind: 'intersectsPoint', field, point: toGeoPoint(point, field.name) };
}

/** The field definition behind a FieldRef (for callers that need more than the ref). */
export function fieldDef(cls: ClassDef, ref: FieldRef): FieldDef | undefined {
  return fieldOf(cls, ref.name);
}
