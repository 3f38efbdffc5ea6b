import { errors } from '../../errors/index.ts';
import type { IncludeRequest } from '../../core/index.ts';
import { isWriteOnly, type ClassDef } from '../../schema/index.ts';
import { parseOrder, parseWhere, TRUE, type Condition, type OrderKey, type PageArgs } from '../../query/index.ts';
import type { CloudQuery, FindOptions, Where } from '../types.ts';

/** The fields a data API read gives back by default: every field but write-only ones and relations (read on their own). */
export function readableFields(cls: ClassDef): string[] {
  return Object.keys(cls.fields).filter((f) => cls.fields[f].type !== 'Relation' && !isWriteOnly(cls.className, f));
}

/** What a data API find asks core for. */
export interface FindParts {
  where: Condition;
  order: OrderKey[];
  page: PageArgs;
  fields: string[];
  include: IncludeRequest[] | undefined;
}

/** Parse's REST form of a query, as CloudQuery's `toJSON()` gives it. */
interface RestQuery {
  where?: Record<string, unknown>;
  limit?: number;
  skip?: number;
  order?: string;
  keys?: string;
  excludeKeys?: string;
  include?: string;
}

function isCloudQuery(where: unknown): where is CloudQuery {
  return (
    typeof where === 'object' && where !== null && typeof (where as CloudQuery).toJSON === 'function' && typeof (where as CloudQuery).className === 'string'
  );
}

function list(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : value.split(',')).map((s) => s.trim()).filter(Boolean);
}

/** Parse's order keys (`-createdAt`, `title`) as the API's order values. */
function orderValues(keys: string[] | undefined): string[] | undefined {
  return keys?.map((k) => (k.startsWith('-') ? `${k.slice(1)}_DESC` : `${k}_ASC`));
}

/**
 * A data API query — a where object (the GraphQL where input or Parse's REST form) or a
 * CloudQuery, and the options — as core's find parts. Unknown fields → 102/105 as queries give.
 */
export function findParts(cls: ClassDef, classes: ReadonlyMap<string, ClassDef>, where: Where | undefined, options: FindOptions = {}): FindParts {
  let rest: RestQuery = {};
  if (isCloudQuery(where)) {
    if (where.className !== cls.className) throw errors.invalidQuery(`The query is on class ${where.className}, not ${cls.className}`);
    rest = where.toJSON() as RestQuery;
  } else if (where !== undefined && where !== null) {
    rest = { where: where as Record<string, unknown> };
  }
  const condition = rest.where ? parseWhere(rest.where, cls, { classes, absentFields: true }) : TRUE;
  const order = parseOrder(orderValues(list(options.order) ?? list(rest.order)), cls, { absentFields: true });
  const keys = options.keys ?? list(rest.keys);
  const excluded = new Set(list(rest.excludeKeys) ?? []);
  const fields = (keys ? ['objectId', 'createdAt', 'updatedAt', ...keys.filter((k) => Object.hasOwn(cls.fields, k))] : readableFields(cls)).filter(
    (f) => !excluded.has(f) || f === 'objectId' || f === 'createdAt' || f === 'updatedAt',
  );
  const include = (options.include ?? list(rest.include))?.flatMap((name): IncludeRequest[] => {
    const def = Object.hasOwn(cls.fields, name) ? cls.fields[name] : undefined;
    const target = def?.type === 'Pointer' && def.targetClass ? classes.get(def.targetClass) : undefined;
    return target ? [{ field: name, fields: readableFields(target) }] : [];
  });
  return {
    where: condition,
    order,
    page: { first: options.limit ?? rest.limit, skip: options.skip ?? rest.skip },
    fields: [...new Set(fields)],
    include: include?.length ? include : undefined,
  };
}
