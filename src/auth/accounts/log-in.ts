import { accountErrors } from '../account-errors.ts';
import { hashPassword, needsRehash, verifyDummy, verifyPassword } from '../passwords.ts';
import type { AccountContext } from './context.ts';
import { findLoginUser, type LoginUser } from './login-user.ts';
import { isStorableText } from '../../query/index.ts';
import type { RequestOrigin } from './types.ts';

/**
 * Checks a username (or email) and password, with every guard of a login: the rate limits
 * (155), the account lockout, users only the master key may use, and — when configured — a
 * verified email (205). A bcrypt hash imported from Parse is replaced by an argon2id one.
 * Creates no session (logIn and challenge decide that).
 *
 * A name nobody has, a wrong password and a locked account get one answer (101 "Invalid
 * username/password."), after the same hashing work and — paced by the rate limits' failure
 * pacing — in the same time, so that no answer tells which names exist.
 */
export async function authenticate(a: AccountContext, username: string, password: string, origin: RequestOrigin): Promise<LoginUser> {
  await a.limits.checkIp(origin.ip);
  if (!username) throw accountErrors.loginNameMissing();
  if (!password) throw accountErrors.loginPasswordMissing();
  await a.limits.checkAccount('login:' + username);
  const startedAt = a.limits.failures.start();
  // A name PostgreSQL cannot store (a NUL, a lone surrogate) is nobody's; it is not looked up.
  const user = isStorableText(username) ? await findLoginUser(a.db, username, a.config.accountLockout.threshold) : undefined;
  if (!user?.hash) {
    await verifyDummy(password);
    throw await refused(a, startedAt, false);
  }
  const correct = await verifyPassword(password, user.hash);
  // A locked account counts no more failures: the lock runs from the one that reached the threshold.
  if (a.lockout.isLocked(user)) throw await refused(a, startedAt, false);
  if (!correct) {
    await a.lockout.recordFailure(a.db, user.objectId);
    throw await refused(a, startedAt, true);
  }
  if (user.lockedDown) throw await refused(a, startedAt, false);
  if (a.config.verifyUserEmails && a.config.preventLoginWithUnverifiedEmail && !user.emailVerified) throw accountErrors.emailNotVerified();
  await a.lockout.recordSuccess(a.db, user.objectId, user);
  if (needsRehash(user.hash, a.config.passwordHash)) await rehash(a, user, password);
  return user;
}

/**
 * The one answer to a failed login, once the attempt has taken the pace of failures. `setsPace`:
 * a wrong password for an existing account (the slowest way to fail: it writes the count).
 */
async function refused(a: AccountContext, startedAt: number, setsPace: boolean): Promise<Error> {
  await a.limits.failures.failed(startedAt, setsPace);
  return accountErrors.invalidLogin();
}

/** Replaces an outdated hash (bcrypt from Parse) — unless the password changed meanwhile. */
async function rehash(a: AccountContext, user: LoginUser, password: string): Promise<void> {
  try {
    await a.db.execute('UPDATE "_User" SET "_hashed_password" = $2 WHERE "objectId" = $1 AND "_hashed_password" = $3', [
      user.objectId,
      await hashPassword(password),
      user.hash,
    ]);
  } catch (error) {
    // The login stands: the old hash still verifies, and the next login tries again.
    a.logger.warn({ err: error, userId: user.objectId }, 'could not upgrade a password hash');
  }
}
