import type { WriteInput } from '../../core/index.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import type { Auth } from '../../security/index.ts';
import { accountErrors } from '../account-errors.ts';
import { hasAuthData } from '../auth-data.ts';
import { checkRequiredUserFields, checkUnique } from '../user-rules.ts';
import type { CreatedWith } from '../sessions.ts';
import type { AccountContext } from './context.ts';
import { readOwnUser } from './read-user.ts';
import type { LoggedIn, RequestOrigin } from './types.ts';

/** The sign-in method a new account's session records (Parse: "password", or the authData providers). */
function signupMethod(fields: WriteInput): CreatedWith {
  const authData = fields.authData as Record<string, unknown> | undefined;
  const providers = hasAuthData(authData) ? Object.keys(authData!).filter((k) => authData![k] !== null) : [];
  return { action: 'signup', authProvider: providers.length ? providers.sort().join(',') : 'password' };
}

/**
 * Creates a user through core (so every _User hook and the caller's permissions apply, nested
 * creates included) and its first session, in one transaction. Parse's order of refusals:
 * missing username (200) or password (201), then a username (202) or email (203) that another
 * user has in any case — checked here before the transaction, again inside it, and mapped from
 * the unique index if two signups race. The password policy (142) is the password hook's, after
 * cloud beforeSave triggers, as in Parse (a trigger may set the password). When logins wait for a
 * verified email, the user is created (and its verification email sent) but no session is:
 * the answer is 205, as a login would give.
 */
export async function signUp(a: AccountContext, auth: Auth, fields: WriteInput, origin: RequestOrigin, userFields: readonly string[]): Promise<LoggedIn> {
  await a.limits.checkIp(origin.ip);
  if (typeof fields.username === 'string' && fields.username) await a.limits.checkAccount('signup:' + fields.username);
  checkRequiredUserFields(fields);
  await checkUnique(a.db, fields);
  const createdWith = signupMethod(fields);
  const { userId, session } = await a.core
    .transaction(async (uow) => {
      const user = await a.core.create(auth, '_User', fields, { uow });
      if (mustVerifyFirst(a, fields, user.emailVerified)) return { userId: user.objectId, session: undefined };
      const session = await a.sessions.create(user.objectId, createdWith, uow.sql, origin.installationId);
      return { userId: user.objectId, session };
    })
    .catch(async (error: unknown) => {
      // A signup that raced another for the same name: say which value is taken.
      if (error instanceof ParseError && error.code === ErrorCode.DUPLICATE_VALUE) await checkUnique(a.db, fields);
      throw error;
    });
  // The account exists and its verification email is on its way, but no session yet.
  if (!session) throw accountErrors.emailNotVerified();
  return { sessionToken: session.token, user: await readOwnUser(a, userId, session.sessionId, userFields) };
}

/** Logins wait for a verified email (both options on), and this new user's is not verified yet. */
function mustVerifyFirst(a: AccountContext, fields: WriteInput, emailVerified: unknown): boolean {
  return a.config.verifyUserEmails && a.config.preventLoginWithUnverifiedEmail && !hasAuthData(fields.authData) && emailVerified !== true;
}
