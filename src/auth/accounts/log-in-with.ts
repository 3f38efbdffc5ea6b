import type { WriteInput } from '../../core/index.ts';
import type { Auth } from '../../security/index.ts';
import { accountErrors } from '../account-errors.ts';
import { storedAuthData, trustAuthData, userWithAuthData } from '../auth-data.ts';
import type { AccountContext } from './context.ts';
import { readOwnUser } from './read-user.ts';
import { afterLogin, beforeLogin } from './login-hooks.ts';
import type { LoggedIn, RequestOrigin } from './types.ts';

/**
 * Third-party sign-in (Parse's logInWith): the providers check authData (tokens verified, never
 * trusted); the user holding one of the confirmed identities logs in, and a new user is created
 * otherwise — with `fields` (ACL, email) and only what the providers confirmed as its authData
 * (ids, never tokens), in one transaction with its first session. Anonymous users are the
 * "anonymous" provider. For an existing user `fields` are ignored, as in Parse.
 */
export async function logInWith(
  a: AccountContext,
  auth: Auth,
  authData: Record<string, unknown>,
  fields: WriteInput,
  origin: RequestOrigin,
  userFields: readonly string[],
): Promise<LoggedIn> {
  await a.limits.checkIp(origin.ip);
  const validated = await a.providers.validate(authData ?? {});
  for (const v of validated) await a.limits.checkAccount(`${v.provider}:${v.id}`);
  const stored = storedAuthData(validated);
  const authProvider = validated.map((v) => v.provider).join(',') || undefined;
  const found = validated.length ? await userWithAuthData(a.db, validated) : [];
  if (found.length > 1) throw accountErrors.authDataTaken();

  if (found.length === 1) {
    const userId = found[0];
    // Ids never change; the harmless profile data kept beside them may (a new email at GitHub).
    await a.db.execute(
      `UPDATE "_User" SET "authData" = COALESCE("authData", '{}'::jsonb) || $2::jsonb
       WHERE "objectId" = $1 AND NOT COALESCE("authData", '{}'::jsonb) @> $2::jsonb`,
      [userId, JSON.stringify(stored)],
    );
    await beforeLogin(a, userId, origin);
    const session = await a.sessions.create(userId, { action: 'login', authProvider }, a.db, origin.installationId);
    await afterLogin(a, userId, origin);
    return { sessionToken: session.token, user: await readOwnUser(a, userId, session.sessionId, userFields) };
  }

  const { userId, session } = await a.core.transaction(async (uow) => {
    const user = await a.core.create(auth, '_User', { ...fields, authData: trustAuthData(stored) }, { uow });
    const session = await a.sessions.create(user.objectId, { action: 'signup', authProvider }, uow.sql, origin.installationId);
    return { userId: user.objectId, session };
  });
  return { sessionToken: session.token, user: await readOwnUser(a, userId, session.sessionId, userFields) };
}
