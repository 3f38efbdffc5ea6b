import { errors } from '../errors/index.ts';
import type { FindRequest, IncludeRequest } from '../core/index.ts';
import { isWriteOnly, type ClassDef } from '../schema/index.ts';
import { parseOrder, parseWhere, TRUE } from '../query/index.ts';

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
  );
}

/** An include path split at its first step: `author.team` → the pointer `author`, then `team` inside it. */
export interface IncludePlan {
  /** Pointer fields of this class to read with the page (one level, in SQL). */
  direct: IncludeRequest[];
  /** Deeper paths by first field: read from the included objects afterwards, in batches. */
  nested: Map<string, string[]>;
}

/**
 * `include` as core's one-level include plus the deeper paths: `*` is every pointer of the
 * class, `a.b` reads `a` and then `b` of each `a`. A name that is not a pointer is ignored,
 * as Parse does.
 */
export function includePlan(value: unknown, cls: ClassDef, classes: ReadonlyMap<string, ClassDef>, fieldsOf: (target: ClassDef) => string[]): IncludePlan {
  const paths = listParam(value, 'include') ?? [];
  const direct = new Map<string, IncludeRequest>();
  const nested = new Map<string, string[]>();
  const add = (name: string) => {
    const def = Object.hasOwn(cls.fields, name) ? cls.fields[name] : undefined;
    const target = def?.type === 'Pointer' && def.targetClass ? classes.get(def.targetClass) : undefined;
    if (target && !direct.has(name)) direct.set(name, { field: name, fields: fieldsOf(target) });
    return target !== undefined;
  };
  for (const path of paths) {
    if (path === '*') {
      for (const [name, def] of Object.entries(cls.fields)) if (def.type === 'Pointer') add(name);
      continue;
    }
    const dot = path.indexOf('.');
    const first = dot < 0 ? path : path.slice(0, dot);
    if (!add(first) || dot < 0) continue;
    const rest = nested.get(first) ?? [];
    rest.push(path.slice(dot + 1));
    nested.set(first, rest);
  }
  return { direct: [...direct.values()], nested };
}

/**
 * The fields a read answers with: `keys` (plus the built-ins and the ACL, which Parse Server on
 * PostgreSQL always answers), less `excludeKeys`; a key of an included pointer (`author.name`)
 * reads the pointer.
 */
export function fieldsParam(params: Record<string, unknown>, cls: ClassDef): string[] {
  const keys = listParam(params.keys, 'keys')?.map((k) => k.split('.')[0]);
  const excluded = new Set(listParam(params.excludeKeys, 'excludeKeys') ?? []);
  const base = keys
    ? [
        'objectId',
        'createdAt',
        'updatedAt',
        ...(Object.hasOwn(cls.fields, 'ACL') ? ['ACL'] : []),
        ...keys.filter((k) => Object.hasOwn(cls.fields, k) && !isWriteOnly(cls.className, k)),
      ]
    : defaultFields(cls);
  return [...new Set(base.filter((f) => !excluded.has(f) || f === 'objectId'))];
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

/** A `$relatedTo` inside `$or`/`$and`/`$nor`: Plinth reads relations as a whole find, at the top only (102, not a wrong answer). */
function refuseNestedRelatedTo(where: Record<string, unknown>): void {
  for (const key of ['$or', '$and', '$nor']) {
    const parts = Object.hasOwn(where, key) ? where[key] : undefined;
    if (!Array.isArray(parts)) continue;
    for (const part of parts) {
      if (typeof part !== 'object' || part === null) continue;
      if (Object.hasOwn(part, '$relatedTo')) throw errors.invalidQuery('$relatedTo is supported at the top level of a where only');
      refuseNestedRelatedTo(part as Record<string, unknown>);
    }
  }
}

/** What a REST find asks of core, with the include paths core does not read itself. */
export interface RestFind {
  request: FindRequest;
  nested: Map<string, string[]>;
  /** `count=1`: answer the total too; `limit=0` with it answers only the count. */
  count: boolean;
  /** A top-level `$relatedTo`, taken out of the where: the find is then of that relation. */
  relatedTo?: RelatedTo;
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
  const plan = includePlan(params.include, cls, classes, defaultFields);
  const fields = fieldsParam(params, cls);
  // An included pointer must itself be read.
  for (const inc of plan.direct) if (!fields.includes(inc.field)) fields.push(inc.field);
  const wantObjects = limit !== 0;
  return {
    request: {
      where: where ? parseWhere(where, cls, { classes }) : TRUE,
      order: orderOf(params.order, cls),
      page: { first: limit < 0 ? defaultLimit : wantObjects ? limit : 1, skip },
      fields,
      wantObjects,
      wantCount: count,
      wantHasNext: false,
      include: plan.direct.length ? plan.direct : undefined,
    },
    nested: plan.nested,
    count,
    relatedTo,
  };
}
