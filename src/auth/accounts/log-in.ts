import { accountErrors } from '../account-errors.ts';
import { hashPassword, needsRehash, verifyDummy, verifyPassword } from '../passwords.ts';
import type { AccountContext } from './context.ts';
import { findLoginUser, type LoginUser } from './login-user.ts';
import type { RequestOrigin } from './types.ts';

/**
 * Checks a username (or email) and password, with every guard of a login: the rate limits
 * (155), the same answer whether or not the user exists (101 "Invalid username/password.",
 * after as much hashing work either way), the account lockout, users only the master key may
 * use, and — when configured — a verified email (205). A bcrypt hash imported from Parse is
 * replaced by an argon2id one. Creates no session (logIn and challenge decide that).
 */
export async function authenticate(a: AccountContext, username: string, password: string, origin: RequestOrigin): Promise<LoginUser> {
  await a.limits.checkIp(origin.ip);
  if (!username) throw accountErrors.loginNameMissing();
  if (!password) throw accountErrors.loginPasswordMissing();
  await a.limits.checkAccount('login:' + username);
  const user = await findLoginUser(a.db, username, a.config.accountLockout.threshold);
  if (!user?.hash) {
    await verifyDummy(password);
    throw accountErrors.invalidLogin();
  }
  const correct = await verifyPassword(password, user.hash);
  a.lockout.check(user);
  if (!correct) {
    await a.lockout.recordFailure(a.db, user.objectId);
    throw accountErrors.invalidLogin();
  }
  if (user.lockedDown) throw accountErrors.invalidLogin();
  if (a.config.verifyUserEmails && a.config.preventLoginWithUnverifiedEmail && !user.emailVerified) throw accountErrors.emailNotVerified();
  await a.lockout.recordSuccess(a.db, user.objectId, user);
  if (needsRehash(user.hash)) await rehash(a, user, password);
  return user;
}

/** Replaces an outdated hash (bcrypt from Parse) — unless the password changed meanwhile. */
async function rehash(a: AccountContext, user: LoginUser, password: string): Promise<void> {
  try {
    await a.db.execute('UPDATE "_User" SET "_hashed_password" = $2 WHERE "objectId" = $1 AND "_hashed_password" = $3', [user.objectId, await hashPassword(password), user.hash]);
  } catch (error) {
    // The login stands: the old hash still verifies, and the next login tries again.
    a.logger.warn({ err: error, userId: user.objectId }, 'could not upgrade a password hash');
  }
}
