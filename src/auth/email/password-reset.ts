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
    async request(rawEmail: unknown): Promise<void> {
      const email = requireEmail(rawEmail);
      const token = newEmailToken();
      const expiresAt = new Date(Date.now() + config.passwordResetTokenTtlMs);
      const rows = await db.query<{ objectId: string; username: string | null; email: string | null }>(
        `UPDATE "_User" SET "_perishable_token" = $2, "_perishable_token_expires_at" = $3::timestamptz
         WHERE "objectId" = (SELECT "objectId" FROM "_User" WHERE lower("email") = lower($1) OR ("email" IS NULL AND lower("username") = lower($1))
                             ORDER BY "email" IS NULL LIMIT 1)
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
     * In one transaction: uses up the token (a concurrent second use finds it gone) and sets
     * the password through core.update as master, so that the password hook applies the
     * policy, hashes it, ends every session of the user and lifts a lockout, as for any
     * password change. A password the policy refuses rolls it all back: the link still works.
     */
    async confirm(username: string, token: string, password: string): Promise<void> {
      if (typeof password !== 'string' || password === '') throw emailErrors.passwordMissing();
      if (typeof token !== 'string' || token === '') throw emailErrors.tokenMissing();
      if (typeof username !== 'string' || username === '') throw emailErrors.resetTokenInvalid();
      const hash = hashEmailToken(token);
      const now = Date.now();
      const userId = await core.transaction(async (uow) => {
        const rows = await uow.sql.query<{ objectId: string }>(
          `UPDATE "_User" SET "_perishable_token" = NULL, "_perishable_token_expires_at" = NULL
           WHERE lower("username") = lower($1) AND "_perishable_token" = $2 AND "_perishable_token_expires_at" > $3::timestamptz
           RETURNING "objectId"`,
          [username, hash, new Date(now).toISOString()],
        );
        const userId = rows[0]?.objectId;
        if (!userId) throw (await resetTokenError(uow.sql, username, hash, now)) ?? emailErrors.resetTokenInvalid();
        await core.update(Auth.master(), '_User', userId, { password }, { uow });
        return userId;
      });
      ctx.logger.info({ userId }, 'password reset with an emailed link');
    },
  };
}
