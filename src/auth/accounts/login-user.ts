import type { Sql } from '../../db/index.ts';
import { lockoutColumns, type LockoutState } from '../lockout.ts';

/** What a password login needs to know about a user (never leaves this folder). */
export interface LoginUser extends LockoutState {
  objectId: string;
  username: string | null;
  email: string | null;
  hash: string | null;
  emailVerified: boolean | null;
  /** No ACL entry at all (not even the user's own): only the master key may use the account. */
  lockedDown: boolean;
}

/**
 * The user a login names: by username regardless of case, or by email (Parse lets the
 * username field carry an email). An exact username match wins, then a case-insensitive one,
 * then an email; a name that still fits several users (a database imported from Parse may hold
 * case variants) logs no one in.
 */
export async function findLoginUser(sql: Sql, name: string, lockoutThreshold: number): Promise<LoginUser | undefined> {
  const rows = await sql.query<LoginUser & Record<string, unknown>>(
    `SELECT "objectId", "username", "email", "_hashed_password" AS "hash", "emailVerified",
       COALESCE(cardinality("_rperm") = 0 AND cardinality("_wperm") = 0, false) AS "lockedDown",
       ${lockoutColumns('$2')}
     FROM "_User" WHERE lower("username") = lower($1) OR lower("email") = lower($1) LIMIT 10`,
    [name, lockoutThreshold],
  );
  const exact = rows.filter((r) => r.username === name);
  if (exact.length === 1) return exact[0];
  const byName = rows.filter((r) => r.username?.toLowerCase() === name.toLowerCase());
  if (byName.length) return byName.length === 1 ? byName[0] : undefined;
  return rows.length === 1 ? rows[0] : undefined;
}
