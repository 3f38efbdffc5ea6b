import type { Sql } from '../../db/index.ts';
import { Auth } from '../../security/index.ts';
import { isPlainAddress } from '../mail/index.ts';
import { requireEmail, timeOf, type FlowContext } from './context.ts';
import { emailErrors } from './errors.ts';
import { accountLink, verificationMessage } from './messages.ts';
import { hashEmailToken, newEmailToken } from './tokens.ts';

type Issued = { objectId: string; username: string | null; email: string | null };

/**
 * Why a verification token did not match a live one: the user's email is verified already
 * (the link was used before — emailVerified is readable by others anyway), the token is
 * theirs but expired, or it is unknown.
 */
async function verifyFailure(sql: Sql, username: string, hash: string, now: number): Promise<Error> {
  const rows = await sql.query<{ verified: boolean | null; token: string | null; expiresAt: unknown }>(
    `SELECT "emailVerified" AS "verified", "_email_verify_token" AS "token", "_email_verify_token_expires_at" AS "expiresAt"
     FROM "_User" WHERE lower("username") = lower($1)`,
    [username],
  );
  const user = rows[0];
  if (user?.verified === true) return emailErrors.alreadyVerified();
  return user && user.token === hash && timeOf(user.expiresAt) <= now ? emailErrors.verifyTokenExpired() : emailErrors.verifyTokenInvalid();
}

export function verificationFlow(ctx: FlowContext) {
  const { db, core, config } = ctx;

  /**
   * Stores a fresh token's hash on the unverified user that `where` selects (replacing an
   * earlier link) and emails the link in the background.
   */
  async function issue(where: string, params: unknown[]): Promise<void> {
    const token = newEmailToken();
    const expiresAt = new Date(Date.now() + config.emailVerifyTokenTtlMs).toISOString();
    const rows = await db.query<Issued>(
      `UPDATE "_User" SET "_email_verify_token" = $${params.length + 1}, "_email_verify_token_expires_at" = $${params.length + 2}::timestamptz
       WHERE ${where} RETURNING "objectId", "username", "email"`,
      [...params, hashEmailToken(token), expiresAt],
    );
    const user = rows[0];
    if (!user?.email || !user.username || !isPlainAddress(user.email)) return;
    const link = accountLink(ctx.publicUrl, ctx.appId, 'verify_email', token, user.username);
    ctx.deliver(verificationMessage(user.email, config.appName, link, config.emailVerifyTokenTtlMs), user.objectId);
  }

  return {
    /**
     * Sends a new verification link to the unverified user with this email (case-insensitive).
     * As in Parse, nothing happens — and nothing tells — when no such user exists, when the
     * email is already verified, or when verification is off (PLINTH_VERIFY_EMAILS).
     */
    async send(rawEmail: unknown): Promise<void> {
      const email = requireEmail(rawEmail);
      if (!config.verifyUserEmails) return;
      await issue(`"objectId" = (SELECT "objectId" FROM "_User" WHERE lower("email") = lower($1) AND "emailVerified" IS NOT TRUE LIMIT 1)`, [email]);
    },

    /**
     * After a user was created with, or changed to, `email`: sends the link, unless the address
     * has changed again meanwhile (that write sends its own).
     */
    async afterEmailSet(userId: string, email: string): Promise<void> {
      await issue(`"objectId" = $1 AND "email" = $2 AND "emailVerified" IS NOT TRUE`, [userId, email]);
    },

    /**
     * Uses up the token (one statement), then sets emailVerified through core.update as master
     * (an ordinary write: updatedAt, hooks, change events). The update runs on its own so that
     * its before hooks (cloud beforeSave, which may use the data API) never wait for a
     * transaction holding the connection; refused, it gives the token back.
     */
    async verify(username: string, token: string): Promise<void> {
      if (typeof token !== 'string' || token === '') throw emailErrors.tokenMissing();
      if (typeof username !== 'string' || username === '') throw emailErrors.verifyTokenInvalid();
      const hash = hashEmailToken(token);
      const now = Date.now();
      const used = await db.query<{ objectId: string; expiresAt: unknown }>(
        `UPDATE "_User" u SET "_email_verify_token" = NULL, "_email_verify_token_expires_at" = NULL
         FROM (SELECT "objectId", "_email_verify_token_expires_at" AS "expiresAt" FROM "_User"
               WHERE lower("username") = lower($1) AND "_email_verify_token" = $2 AND "_email_verify_token_expires_at" > $3::timestamptz FOR UPDATE) o
         WHERE u."objectId" = o."objectId" RETURNING u."objectId", o."expiresAt"`,
        [username, hash, new Date(now).toISOString()],
      );
      const userId = used[0]?.objectId;
      if (!userId) throw await verifyFailure(db, username, hash, now);
      try {
        await core.update(Auth.master(), '_User', userId, { emailVerified: true });
      } catch (error) {
        await db.execute(
          `UPDATE "_User" SET "_email_verify_token" = $2, "_email_verify_token_expires_at" = $3::timestamptz WHERE "objectId" = $1 AND "_email_verify_token" IS NULL`,
          [userId, hash, new Date(timeOf(used[0].expiresAt)).toISOString()],
        );
        throw error;
      }
    },
  };
}
