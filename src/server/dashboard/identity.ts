import { ErrorCode } from '../../errors/index.ts';
import type { AdminPrincipal } from '../../admin/types.ts';

/** Who the dashboard's GraphiQL runs as: `?as=anonymous | master | user:<objectId>`. */
export type GraphiQLIdentity = { kind: 'anonymous' } | { kind: 'master' } | { kind: 'user'; userId: string };

/** Parse's object ids (and imported ones): letters, digits, `_` and `-`; nothing that could leave a URL or a script. */
const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** An answer in Parse's error shape. */
export function errorResponse(status: number, code: number, error: string): Response {
  return new Response(JSON.stringify({ code, error }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

/**
 * Reads `?as=` and checks that this admin may use it: every identity needs the `graphiql`
 * feature, and acting as another user needs an admin who may write everywhere (an owner or an
 * admin, not read-only or scoped), since a user's session can write what the user can.
 * Answers the identity, or the response that refuses it.
 */
export function identityOf(request: Request, principal: AdminPrincipal): GraphiQLIdentity | Response {
  if (!principal.can('graphiql')) return errorResponse(403, ErrorCode.OPERATION_FORBIDDEN, 'GraphiQL is not open to this dashboard user.');
  const as = new URL(request.url).searchParams.get('as') ?? 'master';
  if (as === 'anonymous') return { kind: 'anonymous' };
  if (as === 'master') return { kind: 'master' };
  if (as.startsWith('user:')) {
    const userId = as.slice('user:'.length);
    if (!USER_ID.test(userId)) return errorResponse(400, ErrorCode.INVALID_QUERY, 'as=user:<id> needs a user objectId.');
    if (principal.user.role !== 'OWNER' && principal.user.role !== 'ADMIN')
      return errorResponse(403, ErrorCode.OPERATION_FORBIDDEN, 'Only owners and admins may run GraphiQL as another user.');
    return { kind: 'user', userId };
  }
  return errorResponse(400, ErrorCode.INVALID_QUERY, 'as must be anonymous, master or user:<id>.');
}

/** The `as` parameter naming an identity (the inverse of identityOf). */
export function identityParam(identity: GraphiQLIdentity): string {
  return identity.kind === 'user' ? `user:${identity.userId}` : identity.kind;
}
