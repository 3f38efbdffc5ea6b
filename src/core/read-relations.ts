import { ident, type Sql } from '../db/index.ts';
import { joinTableName } from '../schema/index.ts';
import {
  compileCondition,
  compileFind,
  isKeysetOrder,
  keysetCursor,
  offsetCursor,
  orderKeys,
  orderSignature,
  planPage,
  selectList,
  TRUE,
} from '../query/index.ts';
import type { Auth } from '../security/index.ts';
import { rowDecoder } from './decode.ts';
import type { ParseObject } from './object.ts';
import type { FindRequest, FindResult } from './read.ts';
import { columnOf, requireClass, sqlContext, type CoreRuntime } from './runtime.ts';

/**
 * The related objects of many owners in one statement: each owner's page is a LATERAL
 * subquery over the join table, so a list of 100 parents costs one query, not 100. Counts, when
 * asked for, come from one grouped query.
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
  const owner = requireClass(rt, ownerClass);
  const target = requireClass(rt, owner.fields[field].targetClass!);
  const joinTable = ident(joinTableName(ownerClass, field));
  const where = req.where ?? TRUE;
  const order = req.order ?? [];
  const plan = planPage(req.page ?? {}, rt.defaultLimit, rt.maxLimit);
  const keyset = isKeysetOrder(order);
  const signature = orderSignature(order);
  const keys = orderKeys(order);
  const keysetAfter = keyset && plan.keysetAfter?.keyset?.signature === signature ? plan.keysetAfter : undefined;
  const offsetBase = keysetAfter ? keysetAfter.offset + 1 : 0;

  const pages = new Map<string, { objects: ParseObject[]; hasMore: boolean }>();
  if (req.wantObjects && plan.limit > 0) {
    const ctx = sqlContext(rt, auth);
    const owners = ctx.params.add(ownerIds);
    const fields = new Set(['objectId', ...req.fields]);
    if (keyset) for (const k of keys) fields.add(k.field.name);
    const extra = req.wantHasNext && !req.wantCount ? 1 : 0;
    const inner = compileFind(
      {
        cls: target,
        columns: selectList(target, fields, 't', columnOf(target)),
        where,
        order,
        limit: plan.limit + extra,
        offset: plan.skip - offsetBase,
        keysetAfter: keysetAfter?.keyset?.values,
        relation: { joinTable, ownerSql: 'o."owner"' },
      },
      ctx,
    );
    const text = `SELECT o."owner", r.* FROM unnest(${owners}::text[]) AS o("owner") CROSS JOIN LATERAL (${inner}) r`;
    const { columns, rows } = await sql.queryArrays(text, ctx.params.values);
    const objectColumns = columns.slice(1);
    const decode = rowDecoder(target, objectColumns);
    for (const row of rows) {
      const id = row[0] as string;
      const page = pages.get(id) ?? { objects: [], hasMore: false };
      if (page.objects.length < plan.limit) page.objects.push(decode(objectColumns, row.slice(1)));
      else page.hasMore = true;
      pages.set(id, page);
    }
  }

  const counts = new Map<string, number>();
  if (req.wantCount) {
    const ctx = sqlContext(rt, auth);
    const filters = [`j."owningId" = ANY(${ctx.params.add(ownerIds)}::text[])`];
    if (!(where.kind === 'const' && where.value)) filters.push(compileCondition(where, 't', ctx));
    const acl = ctx.readFilter('t', ctx.params);
    if (acl) filters.push(acl);
    const text =
      `SELECT j."owningId" AS "owner", count(*)::int AS "count" FROM ${joinTable} j ` +
      `JOIN ${ident(target.className)} t ON t."objectId" = j."relatedId" WHERE ${filters.join(' AND ')} GROUP BY j."owningId"`;
    for (const row of await sql.query<{ owner: string; count: number }>(text, ctx.params.values)) counts.set(row.owner, row.count);
  }

  const results = new Map<string, FindResult>();
  for (const id of ownerIds) {
    const page = pages.get(id) ?? { objects: [], hasMore: false };
    const count = req.wantCount ? (counts.get(id) ?? 0) : undefined;
    const skip = plan.skip;
    results.set(id, {
      objects: page.objects,
      count,
      skip,
      hasNextPage: count !== undefined ? count > skip + page.objects.length : page.hasMore,
      hasPreviousPage: skip > 0 && (page.objects.length > 0 || (count ?? 0) > 0),
      cursor: (i) => {
        const o = page.objects[i];
        if (!keyset || !o) return offsetCursor(skip + i);
        return keysetCursor(skip + i, signature, keys.map((k) => o[k.field.name] ?? null));
      },
    });
  }
  return results;
}
