import { errors } from '../../errors/index.ts';
import type { RestWhere } from '../../query/rest/index.ts';
import { cloneJson, isPlainObject, own, setOwn } from '../object/records.ts';
import type { CloudQuery } from '../types.ts';
import { keyList, orderKeys, pointOperand, quoteRegex, regexOptions, requireDistance, requireList, requireString, restOperand } from './operands.ts';

type Point = { latitude: number; longitude: number };

/** What a query starts from (Parse's REST parameters, lists as arrays). */
export interface QueryInit {
  where?: RestWhere;
  limit?: number;
  skip?: number;
  order?: string[];
  keys?: string[];
  excludeKeys?: string[];
  include?: string[];
}

/** A query's parts for the operation that runs it; undefined for what was not asked. */
export interface QueryParts {
  where: RestWhere;
  limit: number | undefined;
  skip: number | undefined;
  order: string[] | undefined;
  keys: string[] | undefined;
  excludeKeys: string[] | undefined;
  include: string[] | undefined;
}

/** An object of `$` operators that another operator can join (not a literal, not a Parse encoding). */
function isOperators(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && Object.keys(value).every((k) => k.startsWith('$'));
}

/**
 * Parse.Query's everyday surface for cloud code (beforeFind, beforeSubscribe, the data API).
 * Every constraint is written into a Parse REST where as Parse.Query writes it: equalTo sets
 * the key's value; other constraints on one key gather in one object of operators (the same
 * operator twice: the last wins). The consumer reads the result with parseWhere.
 */
export class CloudQueryImpl implements CloudQuery {
  readonly className: string;
  #where: RestWhere = {};
  #limit = -1;
  #skip = 0;
  #order: string[] | undefined;
  #keys: string[] | undefined;
  #exclude: string[] = [];
  #include: string[] = [];

  constructor(className: string, init: QueryInit = {}) {
    this.className = requireString(className, 'A query class name');
    if (init.where !== undefined && init.where !== null) {
      if (!isPlainObject(init.where)) throw errors.invalidQuery('where must be an object');
      this.#where = cloneJson(init.where);
    }
    if (init.limit !== undefined) this.limit(init.limit);
    if (init.skip !== undefined) this.skip(init.skip);
    if (init.order !== undefined) this.#order = orderKeys(requireList(init.order, 'order') as string[], '');
    if (init.keys !== undefined) this.select(...(requireList(init.keys, 'keys') as string[]));
    if (init.excludeKeys !== undefined) this.exclude(...(requireList(init.excludeKeys, 'excludeKeys') as string[]));
    if (init.include !== undefined) this.include(...(requireList(init.include, 'include') as string[]));
  }

  /** A query matching any of `queries` (all of one class). */
  static or(...queries: CloudQueryImpl[]): CloudQueryImpl {
    return combine('$or', queries);
  }
  static and(...queries: CloudQueryImpl[]): CloudQueryImpl {
    return combine('$and', queries);
  }
  static nor(...queries: CloudQueryImpl[]): CloudQueryImpl {
    return combine('$nor', queries);
  }

  equalTo(key: string | Record<string, unknown>, value?: unknown): this {
    if (isPlainObject(key)) {
      for (const [k, v] of Object.entries(key)) this.equalTo(k, v);
      return this;
    }
    if (value === undefined) return this.doesNotExist(key);
    setOwn(this.#where, requireString(key, 'A query key'), restOperand(value));
    return this;
  }
  notEqualTo(key: string | Record<string, unknown>, value?: unknown): this {
    if (isPlainObject(key)) {
      for (const [k, v] of Object.entries(key)) this.notEqualTo(k, v);
      return this;
    }
    return this.#add(key, '$ne', restOperand(value));
  }
  lessThan(key: string, value: unknown): this {
    return this.#add(key, '$lt', restOperand(value));
  }
  lessThanOrEqualTo(key: string, value: unknown): this {
    return this.#add(key, '$lte', restOperand(value));
  }
  greaterThan(key: string, value: unknown): this {
    return this.#add(key, '$gt', restOperand(value));
  }
  greaterThanOrEqualTo(key: string, value: unknown): this {
    return this.#add(key, '$gte', restOperand(value));
  }
  containedIn(key: string, values: unknown[]): this {
    return this.#add(key, '$in', restOperand(requireList(values, 'containedIn')));
  }
  notContainedIn(key: string, values: unknown[]): this {
    return this.#add(key, '$nin', restOperand(requireList(values, 'notContainedIn')));
  }
  containedBy(key: string, values: unknown[]): this {
    return this.#add(key, '$containedBy', restOperand(requireList(values, 'containedBy')));
  }
  containsAll(key: string, values: unknown[]): this {
    return this.#add(key, '$all', restOperand(requireList(values, 'containsAll')));
  }

  containsAllStartingWith(key: string, prefixes: unknown[]): this {
    const list = requireList(prefixes, 'containsAllStartingWith').map((p) => ({ $regex: '^' + quoteRegex(requireString(p, 'containsAllStartingWith')) }));
    return this.#add(key, '$all', list);
  }
  exists(key: string): this {
    return this.#add(key, '$exists', true);
  }
  doesNotExist(key: string): this {
    return this.#add(key, '$exists', false);
  }

  matches(key: string, regex: RegExp | string, modifiers?: string): this {
    if (!(regex instanceof RegExp)) requireString(regex, 'A regular expression');
    const options = regexOptions(regex, modifiers);
    this.#add(key, '$regex', restOperand(regex));
    const ops = this.#where[key] as Record<string, unknown>;
    // A regex replaced by one without modifiers must not keep the old one's.
    if (options) setOwn(ops, '$options', options);
    else delete ops.$options;
    return this;
  }
  startsWith(key: string, prefix: string, modifiers?: string): this {
    return this.matches(key, '^' + quoteRegex(requireString(prefix, 'startsWith')), modifiers);
  }
  endsWith(key: string, suffix: string, modifiers?: string): this {
    return this.matches(key, quoteRegex(requireString(suffix, 'endsWith')) + '$', modifiers);
  }
  contains(key: string, substring: string): this {
    return this.#add(key, '$regex', quoteRegex(requireString(substring, 'contains')));
  }
  fullText(key: string, term: string, options: { language?: string; caseSensitive?: boolean; diacriticSensitive?: boolean } = {}): this {
    if (typeof term !== 'string' || term === '') throw errors.invalidQuery('fullText needs a search term');
    const search: Record<string, unknown> = { $term: term };
    for (const [option, value] of Object.entries(options ?? {})) {
      if (option !== 'language' && option !== 'caseSensitive' && option !== 'diacriticSensitive') throw errors.invalidQuery(`Unknown option: ${option}`);
      search['$' + option] = value;
    }
    return this.#add(key, '$text', { $search: search });
  }

  near(key: string, point: Point): this {
    return this.#add(key, '$nearSphere', pointOperand(point, key));
  }
  /** Within a distance in radians; sorted (the default) also orders by distance, nearest first. */
  withinRadians(key: string, point: Point, distance: number, sorted?: boolean): this {
    requireDistance(distance);
    if (sorted || sorted === undefined) return this.near(key, point).#add(key, '$maxDistance', distance);
    const { latitude, longitude } = pointOperand(point, key);
    return this.#add(key, '$geoWithin', { $centerSphere: [[longitude, latitude], distance] });
  }
  withinMiles(key: string, point: Point, distance: number, sorted?: boolean): this {
    return this.withinRadians(key, point, requireDistance(distance) / 3958.8, sorted);
  }
  withinKilometers(key: string, point: Point, distance: number, sorted?: boolean): this {
    return this.withinRadians(key, point, requireDistance(distance) / 6371.0, sorted);
  }
  withinGeoBox(key: string, southwest: Point, northeast: Point): this {
    return this.#add(key, '$within', { $box: [pointOperand(southwest, key), pointOperand(northeast, key)] });
  }
  /** Inside a polygon: a list of points (or a Polygon's JSON). */
  withinPolygon(key: string, points: Point[] | Record<string, unknown>): this {
    return this.#add(key, '$geoWithin', {
      $polygon: Array.isArray(points) ? points.map((p) => (Array.isArray(p) ? p : pointOperand(p, key))) : restOperand(points),
    });
  }
  /** A Polygon field that contains the point. */
  polygonContains(key: string, point: Point): this {
    return this.#add(key, '$geoIntersects', { $point: pointOperand(point, key) });
  }

  matchesQuery(key: string, query: CloudQuery): this {
    return this.#add(key, '$inQuery', subquery(query));
  }
  doesNotMatchQuery(key: string, query: CloudQuery): this {
    return this.#add(key, '$notInQuery', subquery(query));
  }
  matchesKeyInQuery(key: string, queryKey: string, query: CloudQuery): this {
    return this.#add(key, '$select', { key: requireString(queryKey, 'The query key'), query: subquery(query) });
  }
  doesNotMatchKeyInQuery(key: string, queryKey: string, query: CloudQuery): this {
    return this.#add(key, '$dontSelect', { key: requireString(queryKey, 'The query key'), query: subquery(query) });
  }

  limit(n: number): this {
    if (typeof n !== 'number' || !Number.isFinite(n)) throw errors.invalidQuery('You can only set the limit to a numeric value');
    this.#limit = n;
    return this;
  }
  skip(n: number): this {
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw errors.invalidQuery('You can only skip by a positive number');
    this.#skip = n;
    return this;
  }
  ascending(...keys: (string | string[])[]): this {
    this.#order = [];
    return this.addAscending(...keys);
  }
  descending(...keys: (string | string[])[]): this {
    this.#order = [];
    return this.addDescending(...keys);
  }
  addAscending(...keys: (string | string[])[]): this {
    this.#order = [...(this.#order ?? []), ...orderKeys(keys, '')];
    return this;
  }
  addDescending(...keys: (string | string[])[]): this {
    this.#order = [...(this.#order ?? []), ...orderKeys(keys, '-')];
    return this;
  }
  select(...keys: (string | string[])[]): this {
    this.#keys = [...(this.#keys ?? []), ...keyList(keys, 'A selected key')];
    return this;
  }
  exclude(...keys: (string | string[])[]): this {
    this.#exclude.push(...keyList(keys, 'An excluded key'));
    return this;
  }
  include(...keys: (string | string[])[]): this {
    this.#include.push(...keyList(keys, 'An included key'));
    return this;
  }

  /** Parse's REST form, as Parse.Query's toJSON gives it (lists comma-joined). */
  toJSON(): Record<string, unknown> {
    const { where, limit, skip, order, keys, excludeKeys, include } = this.result();
    const json: Record<string, unknown> = { where };
    if (include) json.include = include.join(',');
    if (excludeKeys) json.excludeKeys = excludeKeys.join(',');
    if (keys) json.keys = keys.join(',');
    if (limit !== undefined) json.limit = limit;
    if (skip !== undefined) json.skip = skip;
    if (order) json.order = order.join(',');
    return json;
  }

  /** The query's parts for the operation that runs it (a copy: later changes do not show). */
  result(): QueryParts {
    return {
      where: cloneJson(this.#where),
      limit: this.#limit >= 0 ? this.#limit : undefined,
      skip: this.#skip > 0 ? this.#skip : undefined,
      order: this.#order ? [...this.#order] : undefined,
      keys: this.#keys ? [...this.#keys] : undefined,
      excludeKeys: this.#exclude.length ? [...this.#exclude] : undefined,
      include: this.#include.length ? [...this.#include] : undefined,
    };
  }

  /** Adds `op` to the key's operators (a literal value there, from equalTo, is replaced). */
  #add(key: string, op: string, operand: unknown): this {
    requireString(key, 'A query key');
    const existing = own(this.#where, key);
    const ops = isOperators(existing) ? existing : {};
    setOwn(ops, op, operand);
    setOwn(this.#where, key, ops);
    return this;
  }
}

/** A nested query as Parse.Query nests one: its REST form with its class name. */
function subquery(query: CloudQuery): Record<string, unknown> {
  if (!(query instanceof CloudQueryImpl)) throw errors.invalidQuery('A nested query must be a query');
  return { ...query.toJSON(), className: query.className };
}

function combine(combinator: '$or' | '$and' | '$nor', queries: CloudQueryImpl[]): CloudQueryImpl {
  if (queries.length === 0 || !queries.every((q) => q instanceof CloudQueryImpl)) throw errors.invalidQuery(`${combinator} needs queries`);
  const className = queries[0].className;
  if (queries.some((q) => q.className !== className)) throw errors.invalidQuery('All queries must be for the same class.');
  return new CloudQueryImpl(className, { where: { [combinator]: queries.map((q) => q.result().where) } });
}
