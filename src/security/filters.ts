import { compileCondition, type Condition, type SqlContext } from '../query/index.ts';
import { readFilterSql, writeFilterSql } from './acl.ts';
import type { Auth } from './auth.ts';

/**
 * The SQL limiting `alias` to the objects the caller may read (or, with `write`, write): the
 * object ACL and the policy's pointer-permission rows, as one condition; null when nothing
 * limits it (master key). For statements core builds itself (by-id reads, joined pointers,
 * updates and deletes); finds get the same through their where and the compiler's read filter.
 */
export function accessSql(auth: Auth, rows: Condition | undefined, alias: string, ctx: SqlContext, write = false): string | null {
  const acl = write ? writeFilterSql(auth, alias, ctx.params) : readFilterSql(auth, alias, ctx.params);
  if (!rows) return acl;
  const own = compileCondition(rows, alias, ctx);
  return acl ? `${acl} AND ${own}` : own;
}
