import { ident } from './names.ts';
import type { OrderKey } from '../order.ts';
import type { SqlContext } from './context.ts';

/** Casts for keyset bound values, by the key's field type (text for the rest). */
const KEY_CAST: Record<string, string> = { Number: '::float8', Boolean: '::boolean', Date: '::timestamptz' };

/** The exact reverse of an order (PostgreSQL's NULL placement flips with the direction). */
export function reverseKeys(keys: readonly OrderKey[]): OrderKey[] {
  return keys.map((k) => ({ ...k, descending: !k.descending }));
}

/** The order keys with the objectId tiebreaker that makes every order total. */
export function orderKeys(order: readonly OrderKey[]): OrderKey[] {
  if (order.some((k) => k.field.name === 'objectId')) return [...order];
  return [...order, { field: { name: 'objectId', type: 'String' }, descending: false }];
}

/** Whether rows with a NULL leading key follow the keyset bound although it is not NULL (ascending). */
export function nullsFollowBound(keys: readonly OrderKey[], values: readonly unknown[]): boolean {
  return !keys[0].descending && keys[0].field.name !== 'objectId' && values[0] !== null && values[0] !== undefined;
}

/**
 * Rows strictly after the given values in the order, as PostgreSQL sorts them (NULLs last
 * ascending, first descending): key₁ after v₁, or key₁ = v₁ and the rest after. A second,
 * redundant condition bounds the leading key on its own where that is possible, so that an
 * index on it can start the scan at the cursor instead of reading every row before it.
 */
export function keysetConditions(keys: readonly OrderKey[], values: readonly unknown[], alias: string, ctx: SqlContext, leadNotNull = false): string[] {
  const placeholders = keys.map((k, i) => {
    const v = values[i];
    return v === null || v === undefined ? null : ctx.params.add(v) + (KEY_CAST[k.field.type] ?? '::text');
  });
  const column = (k: OrderKey) => `${alias}.${ident(k.field.name)}`;
  // objectId is the primary key: never NULL, so its comparisons need no NULL branch (nor
  // does the leading key when the caller reads its NULLs separately).
  const nullable = (k: OrderKey) => k.field.name !== 'objectId' && !(leadNotNull && k === keys[0]);
  const build = (i: number): string => {
    const k = keys[i];
    const col = column(k);
    const p = placeholders[i];
    let after: string;
    if (k.descending) after = p === null ? `${col} IS NOT NULL` : `${col} < ${p}`;
    else if (p === null) after = 'FALSE';
    else after = nullable(k) ? `(${col} > ${p} OR ${col} IS NULL)` : `${col} > ${p}`;
    if (i === keys.length - 1) return `(${after})`;
    const equal = p === null ? `${col} IS NULL` : `${col} = ${p}`;
    return `(${after} OR (${equal} AND ${build(i + 1)}))`;
  };
  const out = [build(0)];
  if (keys.length === 1) return out;
  const lead = keys[0];
  const p = placeholders[0];
  if (lead.descending && p !== null) out.push(`${column(lead)} <= ${p}`);
  else if (!lead.descending && p === null) out.push(`${column(lead)} IS NULL`);
  else if (!lead.descending && !nullable(lead)) out.push(`${column(lead)} >= ${p}`);
  return out;
}
