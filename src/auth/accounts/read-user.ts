import type { ParseObject } from '../../core/index.ts';
import { Auth } from '../../security/index.ts';
import type { AccountContext } from './context.ts';

/**
 * The user as the user sees themselves (their own ACL grant, protected fields as for the
 * owner), with the fields the client selected; read after the session exists.
 */
export async function readOwnUser(a: AccountContext, userId: string, sessionId: string, fields: readonly string[]): Promise<ParseObject> {
  const auth = Auth.user(userId, await a.roles.rolesOf(userId), sessionId);
  return a.core.get(auth, '_User', userId, fields);
}
