import { ident, type Sql } from '../db/index.ts';
import { joinTableName } from '../schema/index.ts';
import { TRUE, placeLast, compileRelatedCount, compileRelatedFind, type CountAfter } from '../query/index.ts';
import { errors } from '../errors/index.ts';
import { fieldMask, guardOrder, guardWhere, readPolicy, type Auth } from '../security/index.ts';
import { dropOrderOnly, EMPTY_PAGE, needsTotal, pageFlags, pageResult, pageShape, pageSql, pageStart, takePage, type PageRows } from './page.ts';
import type { FindRequest, FindResult } from './read.ts';
import { fieldsToRead, hideProtected, requireClass, sqlContext, withRows, type CoreRuntime } from './runtime.ts';
import { findOperation, requestAfterHooks, resultOf, runAfterFind, runBeforeFind, withObjects } from './read-hooks.ts';

interface OwnerCount {
  count: number;
  following?: number;
}

/**
 * The related objects of many owners, with the find arguments applied to each owner's objects
 * on its own (as Parse does when it resolves one relation field at a time), in at most two
 * statements whatever the number of owners: the pages, as one LATERAL subquery per owner over
 * the join table, and the counts, as one grouped query — before the pages when `last` without
 * `first` needs each owner's count to place its page, after them when `count` is selected or
 * pageInfo cannot be told from a page.
 *
 * Access is Parse's for a relation query: the relation field may not be protected from the
 * caller on the owner (119), the related objects are read as a `find` of their class (and
 * counted as a `count`), with the ACL, pointer permissions and protected fields of that class.
 */
export async function findRelated(
  rt: CoreRuntime,
  auth: Auth,
  ownerClass: string,
  field: string,
  ownerIds: readonly string[],
  req: FindRequest,
  sql: Sql = rt.db,
): Promise<Map<string, FindResult>> {
  const targetClass = requireClass(rt, ownerClass).fields[field]?.targetClass;
  const hooks = targetClass ? rt.hooks.readsFor(targetClass) : [];
  if (hooks.length === 0) return relatedPages(rt, auth, ownerClass, field, ownerIds, req, sql);
  // The related objects are a find of their class: its hooks run once for the query, and
  // the after hooks on each owner's page.
  const op = findOperation(targetClass!, auth, req, req.wantObjects ? 'find' : 'count');
  await runBeforeFind(hooks, op);
  if (op.objects) return new Map(ownerIds.map((id) => [id, resultOf(op.objects!, req.wantCount)]));
  const pages = await relatedPages(rt, auth, ownerClass, field, ownerIds, requestAfterHooks(req, op), sql);
  if (!req.wantObjects) return pages;
  for (const [id, page] of pages) pages.set(id, withObjects(page, await runAfterFind(hooks, op, page.objects)));
  return pages;
}

async function relatedPages(
  rt: CoreRuntime,
  auth: Auth,
  ownerClass: string,
  field: string,
  ownerIds: readonly string[],
  req: FindRequest,
  sql: Sql,
): Promise<Map<string, FindResult>> {
  const owner = requireClass(rt, ownerClass);
  const target = requireClass(rt, owner.fields[field].targetClass!);
  // A dashboard admin reads a relation only of a class in its scope (119 otherwise).
  if (auth.admin) readPolicy(auth, owner, 'get');
  if (fieldMask(auth, owner)?.queryHidden.has(field)) throw errors.forbidden(`This user is not allowed to query ${field} on class ${ownerClass}`);
  const joinTable = ident(joinTableName(ownerClass, field));
  guardOrder(auth, target, req.order);
  const where = guardWhere(auth, target, req.where ?? TRUE, rt.schema.current.classes);
  const shape = pageShape(rt, req, where);
  const { plan } = shape;
  const readsPage = req.wantObjects && shape.limit > 0;
  const policy = readsPage ? readPolicy(auth, target, 'find') : undefined;

  const countAll = async (after?: CountAfter) => {
    const counting = readPolicy(auth, target, 'count');
    const ctx = sqlContext(rt, auth);
    const text = compileRelatedCount(target, joinTable, ownerIds, withRows(where, counting.rows), ctx, after);
    const rows = await sql.query<{ owner: string; count: number; following?: number }>(text, ctx.params.values);
    return new Map<string, OwnerCount>(rows.map((r) => [r.owner, r]));
  };
  let counts: Map<string, OwnerCount> | undefined;
  // `last` without `first`: each owner's page is placed by its own count (rows after the keyset bound).
  let tails: Map<string, { skip: number; following: number }> | undefined;
  if (plan.needPreCount && req.wantObjects) {
    counts = await countAll(shape.after && { order: shape.order, values: shape.after });
    tails = new Map();
    for (const id of ownerIds) {
      const counted = counts.get(id);
      const following = counted ? (counted.following ?? counted.count) : 0;
      tails.set(id, { skip: placeLast(plan, following, shape.offsetBase), following });
    }
  }

  const pages = new Map<string, { page: PageRows; more: boolean }>();
  if (readsPage && policy) {
    const ctx = sqlContext(rt, auth);
    const find = pageSql(target, shape, fieldsToRead(req.fields, policy.mask), withRows(where, policy.rows), plan.skip, req.wantHasNext && !tails);
    const offsets = tails && ownerIds.map((id) => tails.get(id)!.skip - shape.offsetBase);
    const { columns, rows } = await sql.queryArrays(compileRelatedFind(find, joinTable, ownerIds, offsets, ctx), ctx.params.values);
    // Rows come grouped by owner (one LATERAL page after another), each page in order.
    const byOwner = new Map<string, unknown[][]>();
    for (const row of rows) {
      const id = row[0] as string;
      let list = byOwner.get(id);
      if (!list) byOwner.set(id, (list = []));
      list.push(row);
    }
    for (const [id, list] of byOwner) {
      const taken = takePage(target, shape, columns, list, { from: 1 });
      hideProtected(policy.mask, taken.page.objects, req.fields);
      dropOrderOnly(shape, taken.page.objects, req.fields);
      pages.set(id, taken);
    }
  }

  const skipOf = (id: string) => pageStart(shape, tails?.get(id)?.skip ?? plan.skip, pages.get(id)?.page.objects.length ?? 0);
  if (!counts && (req.wantCount || ownerIds.some((id) => needsTotal(req, shape, skipOf(id), pages.get(id)?.page.objects.length ?? 0)))) {
    counts = await countAll();
  }
  const results = new Map<string, FindResult>();
  for (const id of ownerIds) {
    const { page, more } = pages.get(id) ?? { page: EMPTY_PAGE, more: false };
    const skip = skipOf(id);
    const count = counts ? (counts.get(id)?.count ?? 0) : undefined;
    const flags = pageFlags(shape, skip, page.objects.length, { following: tails?.get(id)?.following, more, total: count });
    results.set(id, pageResult(shape, page, skip, count, flags));
  }
  return results;
}
