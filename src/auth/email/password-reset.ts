import type { Sql } from '../../db/index.ts';
import { Auth } from '../../security/index.ts';
import { isPlainAddress } from '../mail/index.ts';
import { requireEmail, timeOf, type FlowContext } from './context.ts';
import { emailErrors } from './errors.ts';
import { accountLink, passwordResetMessage } from './messages.ts';
import { hashEmailToken, newEmailToken } from './tokens.ts';

/**
 * What is wrong with a reset token for this user, if anything: expired when the user holds it
 * but its time is up, invalid when the user does not hold it (unknown, another user's, used).
 */
async function resetTokenError(sql: Sql, username: string, hash: string, now: number): Promise<Error | undefined> {
  const rows = await sql.query<{ expiresAt: unknown }>(
    'SELECT "_perishable_token_expires_at" AS "expiresAt" FROM "_User" WHERE lower("username") = lower($1) AND "_perishable_token" = $2',
    [username, hash],
  );
  if (!rows.length) return emailErrors.resetTokenInvalid();
  if (timeOf(rows[0].expiresAt) <= now) return emailErrors.resetTokenExpired();
  return undefined;
}

/** The user a reset request is for: by email, case-insensitively, or (Parse) by username when it has no email. */
const USER_BY_EMAIL = `SELECT "objectId" FROM "_User" WHERE lower("email") = lower($1) OR ("email" IS NULL AND lower("username") = lower($1)) ORDER BY "email" IS NULL`;

export function passwordResetFlow(ctx: FlowContext) {
  const { db, core, config } = ctx;
  return {
    /**
     * Stores the hash of a fresh token (replacing any earlier one, so only the latest link
     * works) on the user whose email matches, case-insensitively — or, as in Parse, whose
     * username matches when the user has no email — and emails the link. One statement
     * either way, and the mail goes out in the background: the answer is the same whether
     * the account exists or not.
     */
    async request(rawEmail: unknown, auth: Auth = Auth.anonymous()): Promise<void> {
      const email = requireEmail(rawEmail);
      const hook = ctx.accountHooks?.beforePasswordResetRequest;
      if (hook) {
        // Cloud code sees the user first and may refuse (its error is the answer); no user, no trigger.
        const found = await db.query<{ objectId: string }>(`${USER_BY_EMAIL} LIMIT 1`, [email]);
        if (found[0]) await hook(found[0].objectId, auth);
      }
      const token = newEmailToken();
      const expiresAt = new Date(Date.now() + config.passwordResetTokenTtlMs);
      const rows = await db.query<{ objectId: string; username: string | null; email: string | null }>(
        `UPDATE "_User" SET "_perishable_token" = $2, "_perishable_token_expires_at" = $3::timestamptz
         WHERE "objectId" = (${USER_BY_EMAIL} LIMIT 1)
         RETURNING "objectId", "username", "email"`,
        [email, hashEmailToken(token), expiresAt.toISOString()],
      );
      const user = rows[0];
      if (!user) return;
      const to = user.email ?? user.username ?? '';
      if (!isPlainAddress(to) || !user.username) {
        ctx.logger.warn({ userId: user.objectId }, 'password reset requested for a user without a usable email address');
        return;
      }
      const link = accountLink(ctx.publicUrl, ctx.appId, 'request_password_reset', token, user.username);
      ctx.deliver(passwordResetMessage(to, config.appName, user.username, link, config.passwordResetTokenTtlMs), user.objectId);
    },

    /** Throws unless the token is this user's live reset token; changes nothing. */
    async check(username: string, token: string): Promise<void> {
      if (typeof token !== 'string' || token === '') throw emailErrors.tokenMissing();
      if (typeof username !== 'string' || username === '') throw emailErrors.resetTokenInvalid();
      const error = await resetTokenError(db, username, hashEmailToken(token), Date.now());
      if (error) throw error;
    },

    /**
     * Uses up the token (one statement: a concurrent second use finds it gone), then sets the
     * password through core.update as master, so that the password hook applies the policy,
     * hashes it, ends every session of the user and lifts a lockout, as for any password
     * change. The update runs on its own, after the token's statement, so that its before hooks
     * (cloud beforeSave, which may use the data API) never wait for a transaction holding the
     * connection (PGlite has one). A password the policy (or a trigger) refuses gives the token
     * back: the link still works. A crash between the two leaves the token used and the
     * password unchanged — the user asks for a new link; nothing is half-written.
     */
    async confirm(username: string, token: string, password: string): Promise<void> {
      if (typeof password !== 'string' || password === '') throw emailErrors.passwordMissing();
      if (typeof token !== 'string' || token === '') throw emailErrors.tokenMissing();
      if (typeof username !== 'string' || username === '') throw emailErrors.resetTokenInvalid();
      const hash = hashEmailToken(token);
      const now = Date.now();
      const used = await db.query<{ objectId: string; expiresAt: unknown }>(
        `UPDATE "_User" u SET "_perishable_token" = NULL, "_perishable_token_expires_at" = NULL
         FROM (SELECT "objectId", "_perishable_token_expires_at" AS "expiresAt" FROM "_User"
               WHERE lower("username") = lower($1) AND "_perishable_token" = $2 AND "_perishable_token_expires_at" > $3::timestamptz FOR UPDATE) o
         WHERE u."objectId" = o."objectId" RETURNING u."objectId", o."expiresAt"`,
        [username, hash, new Date(now).toISOString()],
      );
      const userId = used[0]?.objectId;
      if (!userId) throw (await resetTokenError(db, username, hash, now)) ?? emailErrors.resetTokenInvalid();
      try {
        await core.update(Auth.master(), '_User', userId, { password });
      } catch (error) {
        // Refused: the link keeps working, unless a newer one replaced it meanwhile.
        await db.execute(
          `UPDATE "_User" SET "_perishable_token" = $2, "_perishable_token_expires_at" = $3::timestamptz WHERE "objectId" = $1 AND "_perishable_token" IS NULL`,
          [userId, hash, new Date(timeOf(used[0].expiresAt)).toISOString()],
        );
        throw error;
      }
      ctx.logger.info({ userId }, 'password reset with an emailed link');
    },
  };
}
