import { Auth, type RoleResolver } from '../security/index.ts';
import type { SessionResolver } from './resolve.ts';
import type { Sessions } from './sessions.ts';

/** Resolves a session token to its user with the user's roles (one indexed read, roles cached). */
export function sessionResolver(sessions: Sessions, roles: RoleResolver): SessionResolver {
  return {
    async resolve(token) {
      const session = await sessions.validate(token);
      if (!session) return undefined;
      return Auth.user(session.userId, await roles.rolesOf(session.userId), session.sessionId);
    },
  };
}
