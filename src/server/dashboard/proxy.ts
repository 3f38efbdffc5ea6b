import type { AdminPrincipal } from '../../admin/types.ts';
import { secretEquals } from '../../auth/index.ts';
import type { Logger } from '../../config/logger.ts';
import type { Core } from '../../core/index.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import { Auth, type RoleResolver } from '../../security/index.ts';
import { readBounded, TOO_LARGE_BODY } from '../body-limit.ts';
import { errorResponse, identityOf, type GraphiQLIdentity } from './identity.ts';

/** What the proxy needs of a running Plinth (a `Plinth` fits). */
export interface GraphQLProxyDeps {
  config: { graphqlPath: string; limits: { maxBodyBytes: number } };
  /** The public GraphQL handler (Yoga): its server context may carry the `auth` to run with. */
  graphql: { fetch(request: Request, serverContext: { auth: Auth }): Response | Promise<Response> };
  core: Core;
  roles: RoleResolver;
  logger?: Logger;
}

/** The only request headers passed on: the body's type and what the page accepts (JSON or an event stream). */
const FORWARDED = ['content-type', 'accept'];

/** The Auth an identity runs with; null when the user does not exist. */
async function authFor(identity: GraphiQLIdentity, principal: AdminPrincipal, deps: GraphQLProxyDeps): Promise<Auth | null> {
  if (identity.kind === 'anonymous') return Auth.anonymous();
  // The admin's own reach (Auth.admin with their scope): a read-only admin stays read-only, in core.
  if (identity.kind === 'master') return principal.auth;
  try {
    await deps.core.get(Auth.master(), '_User', identity.userId, ['objectId']);
  } catch (error) {
    if (error instanceof ParseError && error.code === ErrorCode.OBJECT_NOT_FOUND) return null;
    throw error;
  }
  return Auth.user(identity.userId, await deps.roles.rolesOf(identity.userId));
}

/**
 * `POST /dashboard/api/graphql-proxy?as=anonymous|master|user:<id>`: runs a GraphQL request from
 * the dashboard's GraphiQL against the public endpoint as the chosen identity. The identity
 * travels as an Auth in Yoga's server context (which no HTTP client can set) and wins over
 * headers there (plugins/use-parse-auth.ts); only the content type and Accept headers are
 * passed on, so nothing typed into the page (a master key, a session token) is honoured.
 * Needs the session's CSRF header, the `graphiql` feature, and an owner or admin to act as a user.
 */
export async function graphqlProxy(request: Request, principal: AdminPrincipal, deps: GraphQLProxyDeps): Promise<Response> {
  if (request.method !== 'POST') return errorResponse(405, ErrorCode.INVALID_QUERY, 'Use POST.');
  const csrf = request.headers.get('x-plinth-csrf');
  if (!csrf || !secretEquals(csrf, principal.csrfToken)) return errorResponse(403, ErrorCode.OPERATION_FORBIDDEN, 'Missing or wrong X-Plinth-CSRF header.');
  const identity = identityOf(request, principal);
  if (identity instanceof Response) return identity;
  const auth = await authFor(identity, principal, deps);
  if (!auth) return errorResponse(404, ErrorCode.OBJECT_NOT_FOUND, 'No user with this objectId.');
  const body = request.body ? await readBounded(request.body as unknown as AsyncIterable<Uint8Array>, deps.config.limits.maxBodyBytes) : Buffer.alloc(0);
  if (!body) return new Response(TOO_LARGE_BODY, { status: 413, headers: { 'content-type': 'application/json; charset=utf-8' } });
  const headers = new Headers();
  for (const name of FORWARDED) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  if (identity.kind === 'user') deps.logger?.info({ admin: principal.user.email, userId: identity.userId }, 'dashboard GraphiQL request as a user');
  const forwarded = new Request(new URL(deps.config.graphqlPath, request.url), { method: 'POST', headers, body: new Uint8Array(body) });
  const response = await deps.graphql.fetch(forwarded, { auth });
  // The public endpoint's CORS answer means nothing on a same-origin dashboard route.
  const out = new Headers(response.headers);
  for (const name of [...out.keys()]) if (name.startsWith('access-control-')) out.delete(name);
  out.set('cache-control', 'no-store');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: out });
}
