import { errors } from '../errors/index.ts';
import type { FindRequest, IncludeRequest } from '../core/index.ts';
import { isWriteOnly, type ClassDef } from '../schema/index.ts';
import { MAX_WHERE_DEPTH, parseOrder, parseWhere, TRUE } from '../query/index.ts';

/** The fields a REST read answers with by default: every field but write-only ones (relations answer with their class). */
export function defaultFields(cls: ClassDef): string[] {
  return Object.keys(cls.fields).filter((f) => !isWriteOnly(cls.className, f));
}

/** Comma lists (`keys=a,b`), or arrays (the SDK sends some as arrays). */
export function listParam(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) {
    if (!value.every((v) => typeof v === 'string')) throw errors.invalidQuery(`${name} must be a list of field names`);
    return value.map((s) => s.trim()).filter(Boolean);
  }
  if (typeof value !== 'string') throw errors.invalidQuery(`${name} must be a comma-separated string`);
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A whole number parameter (`limit`, `skip`), from a query string or a JSON body. */
export function intParam(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw errors.invalidQuery(`${name} must be an integer`);
  return n;
}

/** `where` as a JSON string (query string) or an object (the SDK's body form). */
export function whereParam(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw errors.invalidJson('where parameter is not valid JSON');
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw errors.invalidQuery('where must be a JSON object');
  return parsed as Record<string, unknown>;
}

/**
 * Parse's order keys (`-createdAt,title`) as core's order. `$score` (the SDK's sortByTextScore,
 * relevance of a fullText match) is left out: core has no text rank to order by, and the query
 * itself is still answered rather than refused.
 */
function orderOf(value: unknown, cls: ClassDef) {
  const keys = listParam(value, 'order')?.filter((k) => k !== '$score' && k !== '-$score');
  return parseOrder(
    keys?.map((k) => (k.startsWith('-') ? `${k.slice(1)}_DESC` : `${k}_ASC`)),
    cls,
    { absentFields: true },
  );
}

/** Keys Parse answers on every object whatever `keys` and `excludeKeys` say (RestQuery's AlwaysSelectedKeys). */
const ALWAYS_SELECTED = new Set(['objectId', 'createdAt', 'updatedAt', 'ACL']);

/**
 * The fields a read answers with: `keys` (plus the built-ins and the ACL, which Parse Server on
 * PostgreSQL always answers), or every default field, less `excludeKeys` (which never removes
 * the built-ins). Names the class does not have are ignored, as Parse does.
 */
export function selectFields(cls: ClassDef, keys: readonly string[] | undefined, excludeKeys: readonly string[] | undefined): string[] {
  const excluded = new Set(excludeKeys);
  const base = keys
    ? [
        'objectId',
        'createdAt',
        'updatedAt',
        ...(Object.hasOwn(cls.fields, 'ACL') ? ['ACL'] : []),
        ...keys.filter((k) => Object.hasOwn(cls.fields, k) && !isWriteOnly(cls.className, k)),
      ]
    : defaultFields(cls);
  return [...new Set(base.filter((f) => !excluded.has(f) || ALWAYS_SELECTED.has(f)))];
}

/**
 * One path of an include (`author`, `author.team`, `tags` through an array), with the `keys` and
 * `excludeKeys` that Parse gives the objects read at its end: from every dotted key under the
 * path, its next step (`keys=author.team.name` → `team` for `author`, `name` for `author.team`).
 */
export interface IncludePath {
  path: string[];
  keys?: string[];
  excludeKeys?: string[];
}

/** What a read answers: its own fields, and the paths to include, parents before children. */
export interface ReadPlan {
  fields: string[];
  include: IncludePath[];
}

/** The next step of each dotted key under `path`: of any longer key (`keys`), or of those one step longer only (`excludeKeys`), as Parse's includePath. */
function keysUnder(keys: readonly string[] | undefined, path: readonly string[], anyDepth: boolean): string[] | undefined {
  const out = new Set<string>();
  for (const key of keys ?? []) {
    const steps = key.split('.');
    if (anyDepth ? steps.length <= path.length : steps.length !== path.length + 1) continue;
    if (path.every((p, i) => steps[i] === p)) out.add(steps[path.length]);
  }
  return out.size ? [...out] : undefined;
}

/**
 * `keys`, `excludeKeys` and `include` of a find or get, by Parse's rules (RestQuery): a dotted key
 * includes its parents (`keys=author.name` reads `author` with only `name`); every prefix of an
 * include path is included; `*` is every pointer and array field, one level (other paths are then
 * dropped), and with `keys` those fields are answered too. An included field outside `keys` is
 * not answered, and so not included.
 */
export function readPlan(params: Record<string, unknown>, cls: ClassDef): ReadPlan {
  const keys = listParam(params.keys, 'keys');
  const excludeKeys = listParam(params.excludeKeys, 'excludeKeys');
  const parents = [...(keys ?? []), ...(excludeKeys ?? [])].filter((k) => k.includes('.')).map((k) => k.slice(0, k.lastIndexOf('.')));
  const requested = [...(listParam(params.include, 'include') ?? []), ...parents];
  const includeAll = requested.includes('*');
  const all = includeAll ? Object.keys(cls.fields).filter((f) => cls.fields[f].type === 'Pointer' || cls.fields[f].type === 'Array') : [];
  const paths = new Map<string, string[]>();
  if (includeAll) for (const f of all) paths.set(f, [f]);
  else
    for (const path of requested) {
      const steps = path.split('.');
      for (let i = 1; i <= steps.length; i++) paths.set(steps.slice(0, i).join('.'), steps.slice(0, i));
    }
  const fields = selectFields(cls, keys && [...keys.map((k) => k.split('.')[0]), ...all], excludeKeys);
  const include = [...paths.values()]
    .sort((a, b) => a.length - b.length)
    .map((path) => ({ path, keys: keysUnder(keys, path, true), excludeKeys: keysUnder(excludeKeys, path, false) }));
  return { fields, include };
}

/** `$relatedTo`: the objects one owner's relation field holds (the SDK's `relation.query()`). */
export interface RelatedTo {
  className: string;
  objectId: string;
  key: string;
}

/** A `$relatedTo` operand, checked: `{object: <pointer>, key: <relation field>}` (102 otherwise). */
function relatedToOf(value: unknown): RelatedTo {
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const object = isRecord(value) ? value.object : undefined;
  if (!isRecord(value) || !isRecord(object) || typeof object.className !== 'string' || typeof object.objectId !== 'string' || typeof value.key !== 'string')
    throw errors.invalidQuery('$relatedTo needs {object: a pointer, key: a relation field}');
  return { className: object.className, objectId: object.objectId, key: value.key };
}

/**
 * A `$relatedTo` inside `$or`/`$and`/`$nor`: Plinth reads relations as a whole find, at the top
 * only (102, not a wrong answer). It runs before parseWhere, on the client's where as sent, so
 * it looks no deeper than parseWhere accepts: a where nested further is refused there (102),
 * and a walk without that bound would overflow the stack first.
 */
function refuseNestedRelatedTo(where: Record<string, unknown>, depth = 0): void {
  if (depth >= MAX_WHERE_DEPTH) return;
  for (const key of ['$or', '$and', '$nor']) {
    const parts = Object.hasOwn(where, key) ? where[key] : undefined;
    if (!Array.isArray(parts)) continue;
    for (const part of parts) {
      if (typeof part !== 'object' || part === null) continue;
      if (Object.hasOwn(part, '$relatedTo')) throw errors.invalidQuery('$relatedTo is supported at the top level of a where only');
      refuseNestedRelatedTo(part as Record<string, unknown>, depth + 1);
    }
  }
}

/** What a REST find asks of core, with the include paths it reads afterwards. */
export interface RestFind {
  request: FindRequest;
  include: IncludePath[];
  /** `count=1`: answer the total too; `limit=0` with it answers only the count. */
  count: boolean;
  /** A top-level `$relatedTo`, taken out of the where: the find is then of that relation. */
  relatedTo?: RelatedTo;
}

/**
 * The included pointer fields of the class that core reads in the page's own statement (a JOIN,
 * one level): those answered, with the fields their include path asks for. The rest (arrays,
 * deeper paths, targets core does not join) are read afterwards (rest/include.ts).
 */
function joinedIncludes(plan: ReadPlan, cls: ClassDef, classes: ReadonlyMap<string, ClassDef>): IncludeRequest[] {
  const out: IncludeRequest[] = [];
  for (const { path, keys, excludeKeys } of plan.include) {
    if (path.length !== 1 || !plan.fields.includes(path[0])) continue;
    const def = cls.fields[path[0]];
    const target = def.type === 'Pointer' && def.targetClass ? classes.get(def.targetClass) : undefined;
    if (target) out.push({ field: path[0], fields: selectFields(target, keys, excludeKeys) });
  }
  return out;
}

/** A find's parameters (`where`, `order`, `limit`, `skip`, `keys`, `excludeKeys`, `include`, `count`) as core's request. */
export function restFind(params: Record<string, unknown>, cls: ClassDef, classes: ReadonlyMap<string, ClassDef>, defaultLimit = 100): RestFind {
  let where = whereParam(params.where);
  let relatedTo: RelatedTo | undefined;
  if (where && Object.hasOwn(where, '$relatedTo')) {
    const { $relatedTo, ...rest } = where;
    relatedTo = relatedToOf($relatedTo);
    where = rest;
  }
  if (where) refuseNestedRelatedTo(where);
  const limit = intParam(params.limit, 'limit') ?? defaultLimit;
  const skip = intParam(params.skip, 'skip') ?? 0;
  if (skip < 0) throw errors.invalidQuery('skip must be a non-negative integer');
  const count = params.count === 1 || params.count === '1' || params.count === true || params.count === 'true';
  const plan = readPlan(params, cls);
  const joined = joinedIncludes(plan, cls, classes);
  const wantObjects = limit !== 0;
  return {
    request: {
      where: where ? parseWhere(where, cls, { classes, absentFields: true }) : TRUE,
      order: orderOf(params.order, cls),
      page: { first: limit < 0 ? defaultLimit : wantObjects ? limit : 1, skip },
      fields: plan.fields,
      wantObjects,
      wantCount: count,
      wantHasNext: false,
      include: joined.length ? joined : undefined,
    },
    include: plan.include,
    count,
    relatedTo,
  };
}
