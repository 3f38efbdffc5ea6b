import type { RequestOrigin } from '../../auth/index.ts';
import { errors } from '../../errors/index.ts';
import type { ClassDef } from '../../schema/index.ts';
import { Auth } from '../../security/index.ts';
import type { RestDeps } from '../deps.ts';
import type { RestRequest } from '../request.ts';

/** Where a request came from, as Accounts wants it (rate limits, the new session's installation id, login triggers), as GraphQL builds it. */
export function originOf(req: RestRequest): RequestOrigin {
  return { ip: req.ip, installationId: req.installationId ?? null, auth: req.auth };
}

/** The session a request's token names, with the token (the one token the server can show: only hashes are stored). */
export interface RequestSession {
  sessionId: string;
  userId: string;
  token: string;
}

/**
 * The session of the request's token: the caller's own — or, with the master key (which
 * resolves to no user), the one the token still names, as Parse looks it up. Undefined without
 * a token or for a token that names no live session.
 */
export async function requestSession(deps: RestDeps, req: RestRequest): Promise<RequestSession | undefined> {
  const token = req.credentials.sessionToken;
  if (!token) return undefined;
  if (req.auth.userId && req.auth.sessionId) return { sessionId: req.auth.sessionId, userId: req.auth.userId, token };
  if (!req.auth.isMaster) return undefined;
  const session = await deps.sessions.validate(token);
  return session && { sessionId: session.sessionId, userId: session.userId, token };
}

/** The caller as the user of `session`: the request's own Auth, or (master key) that user's, with the request's details. */
export async function sessionAuth(deps: RestDeps, req: RestRequest, session: RequestSession): Promise<Auth> {
  if (req.auth.userId === session.userId && req.auth.sessionId === session.sessionId) return req.auth;
  return Auth.user(session.userId, await deps.roles.rolesOf(session.userId), session.sessionId).withRequest(req.auth.request);
}

/** A system class of the catalog (always there once the server started). */
export function systemClass(deps: RestDeps, className: '_User' | '_Session'): ClassDef {
  const cls = deps.schemaStore.getClass(className);
  if (!cls) throw errors.objectNotFound();
  return cls;
}
