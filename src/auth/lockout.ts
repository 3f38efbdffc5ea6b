import type { AuthConfig } from '../config/index.ts';
import type { Sql } from '../db/index.ts';

export type LockoutPolicy = AuthConfig['accountLockout'];

/** The lockout state of a user row, as read with the login lookup (see LOCKOUT_COLUMNS). */
export interface LockoutState {
  failedLogins: number;
  /** The lock is in force now (computed by the database, whose clock sets the expiry). */
  locked: boolean;
}

/** Select-list items that give LockoutState; `$threshold` is the parameter holding the threshold. */
export function lockoutColumns(threshold: string): string {
  return `COALESCE("_failed_login_count", 0)::int AS "failedLogins",
    COALESCE("_account_lockout_expires_at" > now() AND "_failed_login_count" >= ${threshold}::double precision, false) AS "locked"`;
}

/** The count after one more failure: a lock that has run out starts the count again. */
const NEXT_COUNT = `CASE WHEN "_account_lockout_expires_at" <= now() THEN 1 ELSE COALESCE("_failed_login_count", 0) + 1 END`;

/**
 * Account lockout in Parse's columns ("_failed_login_count", "_account_lockout_expires_at"):
 * `threshold` failed logins in a row lock the account for `durationMs`; while it is locked every
 * login is refused, the right password included. A successful login resets the count, and so
 * does a password change or reset (the way back in). Threshold 0 turns lockout off.
 *
 * The refusal is the answer to a wrong password (101 "Invalid username/password."), not Parse's
 * "Your account is locked…": a name nobody has is never locked, so that message would tell
 * anyone who fails a few logins which names exist — and telling only the right password would
 * tell a guesser when a guess was right.
 */
export class Lockout {
  constructor(private readonly policy: LockoutPolicy) {}

  get enabled(): boolean {
    return this.policy.threshold > 0;
  }

  /** Whether this account refuses every login for now. */
  isLocked(state: LockoutState): boolean {
    return this.enabled && state.locked;
  }

  /**
   * Counts a failed login in one statement (concurrent failures each count); the failure that
   * reaches the threshold sets the lock's expiry.
   */
  async recordFailure(sql: Sql, userId: string): Promise<void> {
    if (!this.enabled) return;
    await sql.execute(
      `UPDATE "_User" SET
         "_failed_login_count" = ${NEXT_COUNT},
         "_account_lockout_expires_at" = CASE
           WHEN ${NEXT_COUNT} >= $2::double precision THEN now() + $3::double precision * interval '1 millisecond'
           WHEN "_account_lockout_expires_at" <= now() THEN NULL
           ELSE "_account_lockout_expires_at" END
       WHERE "objectId" = $1`,
      [userId, this.policy.threshold, this.policy.durationMs],
    );
  }

  /** After a successful login: forget earlier failures (no write when there were none). */
  async recordSuccess(sql: Sql, userId: string, state: LockoutState): Promise<void> {
    if (state.failedLogins > 0) await clearLockout(sql, userId);
  }
}

/** Forgets failed logins and lifts a lock (successful login, password change). */
export async function clearLockout(sql: Sql, userId: string): Promise<void> {
  await sql.execute(
    `UPDATE "_User" SET "_failed_login_count" = 0, "_account_lockout_expires_at" = NULL
     WHERE "objectId" = $1 AND ("_failed_login_count" > 0 OR "_account_lockout_expires_at" IS NOT NULL)`,
    [userId],
  );
}
