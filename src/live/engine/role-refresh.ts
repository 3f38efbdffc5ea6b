import type { Logger } from '../../config/logger.ts';
import { Auth, type RoleResolver } from '../../security/index.ts';
import type { Subscriber } from './subscriber.ts';

const CONCURRENCY = 4;

function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i]);
}

/**
 * After a change to roles (a `_Role` object or its users/roles relations changed, on any
 * instance), resolves again the roles of every user with a live subscription, through the
 * server's RoleResolver, and gives the subscribers whose roles changed a new Auth — one per
 * session, shared by that session's subscribers. On failure the old roles stay (logged).
 */
export async function refreshRoles(resolver: RoleResolver, users: ReadonlyMap<string, ReadonlySet<Subscriber>>, logger?: Logger): Promise<void> {
  resolver.invalidate();
  const work = [...users];
  let next = 0;
  // A few lookups at a time: thousands of subscribed users must not take every connection.
  const worker = async () => {
    while (next < work.length) {
      const [userId, subs] = work[next++];
      try {
        const roles = await resolver.rolesOf(userId);
        const renewed = new Map<string | undefined, Auth>();
        for (const sub of subs) {
          if (sameRoles(sub.auth.roles, roles)) continue;
          const sessionId = sub.auth.sessionId;
          let auth = renewed.get(sessionId);
          if (!auth) renewed.set(sessionId, (auth = Auth.user(userId, roles, sessionId)));
          sub.auth = auth;
        }
      } catch (error) {
        logger?.warn({ err: error, userId }, 'live: could not resolve the roles of a subscriber; keeping the old ones');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, work.length) }, worker));
}
