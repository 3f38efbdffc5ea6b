import type { FindRequest, FindResult, ParseObject } from '../../../core/index.ts';
import { errors } from '../../../errors/index.ts';
import type { ClassDef } from '../../../schema/index.ts';
import { parseOrder, parseWhere, type Condition, type OrderKey } from '../../../query/index.ts';
import { readableFields } from '../../../cloud/data/find-parts.ts';
import { restObject } from '../codec.ts';
import { requireClass, requireDataFeature, type AdminContext } from '../context.ts';

/** The largest page the grid may ask for. */
export const MAX_PAGE = 1000;

export interface PageArgs {
  where?: unknown;
  order?: string[] | null;
  first?: number | null;
  after?: string | null;
  keys?: string[] | null;
}

/** The public API's where input (JSON) for a class, as core's condition. */
export function whereOf(c: AdminContext, cls: ClassDef, where: unknown): Condition | undefined {
  if (where === undefined || where === null) return undefined;
  if (typeof where !== 'object' || Array.isArray(where)) throw errors.invalidQuery('where must be a JSON object');
  return parseWhere(where, cls, { classes: c.deps.schemaStore.current.classes });
}

/** The order enum values, always ending with objectId: a total order, so that keyset pages neither repeat nor skip rows. */
export function orderOf(cls: ClassDef, order: readonly string[] | null | undefined): OrderKey[] {
  const keys = parseOrder(order ?? [], cls);
  if (!keys.some((k) => k.field.name === 'objectId')) keys.push({ field: { name: 'objectId', type: 'String' }, descending: false });
  return keys;
}

/** Fields to read: the given keys that the class has (with the id and timestamps), or every readable field. */
function fieldsOf(cls: ClassDef, keys: readonly string[] | null | undefined): string[] {
  if (!keys) return readableFields(cls);
  const wanted = keys.filter((k) => Object.hasOwn(cls.fields, k) && cls.fields[k].type !== 'Relation');
  return [...new Set(['objectId', 'createdAt', 'updatedAt', ...wanted])];
}

function pageSize(first: number | null | undefined): number {
  if (first === undefined || first === null) return 100;
  if (!Number.isInteger(first) || first < 1) throw errors.invalidQuery('first must be a positive number');
  return Math.min(first, MAX_PAGE);
}

/**
 * One page by keyset: `n + 1` rows are read to learn whether a page follows (never a count),
 * and `next` is the cursor core gives the page's last row. Where the server's own page cap
 * leaves no room for the extra row, core's look-ahead does the same.
 */
export async function readPage(
  c: AdminContext,
  cls: ClassDef,
  base: Omit<FindRequest, 'page' | 'wantObjects' | 'wantCount' | 'wantHasNext'>,
  first: number,
  after: string | null | undefined,
  run: (req: FindRequest) => Promise<FindResult>,
  keys?: ReadonlySet<string>,
): Promise<{ objects: Record<string, unknown>[]; next: string | null }> {
  const extraRow = first < c.deps.config.maxLimit;
  const result = await run({
    ...base,
    page: { first: extraRow ? first + 1 : first, after: after ?? undefined },
    wantObjects: true,
    wantCount: false,
    wantHasNext: !extraRow,
  });
  const more = extraRow ? result.objects.length > first : result.hasNextPage;
  const objects = extraRow ? result.objects.slice(0, first) : result.objects;
  return {
    objects: objects.map((o) => restObject(cls, o, c.env, keys)),
    next: more && objects.length ? result.cursor(objects.length - 1) : null,
  };
}

export async function objects(c: AdminContext, className: string, args: PageArgs) {
  requireDataFeature(c, className);
  const cls = requireClass(c, className);
  const auth = await c.dataAuth();
  const fields = fieldsOf(cls, args.keys);
  const base = { where: whereOf(c, cls, args.where), order: orderOf(cls, args.order), fields };
  return readPage(c, cls, base, pageSize(args.first), args.after, (req) => c.deps.core.find(auth, className, req), args.keys ? new Set(args.keys) : undefined);
}

export async function related(c: AdminContext, args: { className: string; objectId: string; field: string; first?: number | null; after?: string | null }) {
  requireDataFeature(c, args.className);
  const owner = requireClass(c, args.className);
  const def = Object.hasOwn(owner.fields, args.field) ? owner.fields[args.field] : undefined;
  if (def?.type !== 'Relation' || !def.targetClass) throw errors.invalidQuery(`${args.field} is not a relation of ${args.className}`);
  const target = requireClass(c, def.targetClass);
  const auth = await c.dataAuth();
  const base = { order: orderOf(target, []), fields: fieldsOf(target, undefined) };
  return readPage(c, target, base, pageSize(args.first), args.after, async (req) => {
    const pages = await c.deps.core.findRelated(auth, args.className, args.field, [args.objectId], req);
    return pages.get(args.objectId) ?? emptyResult();
  });
}

function emptyResult(): FindResult {
  return { objects: [], count: undefined, skip: 0, hasNextPage: false, hasPreviousPage: false, cursor: () => '' };
}

export async function count(c: AdminContext, className: string, where: unknown): Promise<number> {
  requireDataFeature(c, className);
  const cls = requireClass(c, className);
  return c.deps.core.count(await c.dataAuth(), className, whereOf(c, cls, where));
}

/** One object with every readable field; null when it does not exist or may not be read. */
export async function object(c: AdminContext, className: string, objectId: string): Promise<Record<string, unknown> | null> {
  requireDataFeature(c, className);
  const cls = requireClass(c, className);
  const found = await c.deps.core.getMany(await c.dataAuth(), className, [objectId], readableFields(cls));
  const o: ParseObject | undefined = found.get(objectId);
  return o ? restObject(cls, o, c.env) : null;
}
