import { ErrorCode, ParseError } from '../../errors/index.ts';
import { encodeObject } from '../codec/encode.ts';
import type { RestDeps } from '../deps.ts';
import { defaultFields, listParam } from '../find-params.ts';
import { encodeContext, findObjects, getObject } from '../objects.ts';
import type { RestRequest } from '../request.ts';
import type { RestResult } from '../respond.ts';
import { requestSession, systemClass } from './caller.ts';

const tokenRequired = (message: string) => new ParseError(ErrorCode.INVALID_SESSION_TOKEN, message);

/** Whether a read's `keys` / `excludeKeys` leave `sessionToken` in. */
function wantsToken(params: Record<string, unknown>): boolean {
  const keys = listParam(params.keys, 'keys');
  if (keys && !keys.includes('sessionToken')) return false;
  return !(listParam(params.excludeKeys, 'excludeKeys') ?? []).includes('sessionToken');
}

/**
 * Puts the request's own token on its own session in an answer. Only the token's SHA-256 is
 * stored, so that is the one token the server can show — other sessions answer without one
 * (Parse, which stores tokens, shows each to its owner).
 */
function showOwnToken(req: RestRequest, sessions: Record<string, unknown>[]): void {
  const token = req.credentials.sessionToken;
  if (!token || !req.auth.sessionId || !wantsToken(req.params)) return;
  for (const s of sessions) if (s.objectId === req.auth.sessionId) s.sessionToken = token;
}

/** `GET sessions`: the caller's own sessions (every session for the master key; 209 without a session), as core reads them. */
export async function findSessions(deps: RestDeps, req: RestRequest): Promise<RestResult> {
  const result = await findObjects(deps, req, '_Session');
  showOwnToken(req, (result.body as { results: Record<string, unknown>[] }).results);
  return result;
}

/** `GET sessions/<id>`: one of the caller's sessions (101 for another user's). */
export async function getSession(deps: RestDeps, req: RestRequest, objectId: string): Promise<RestResult> {
  const result = await getObject(deps, req, '_Session', objectId);
  showOwnToken(req, [result.body as Record<string, unknown>]);
  return result;
}

/** The session of the request's token with the token, read with the caller's rights; `missing` when there is none to read. */
async function ownSession(deps: RestDeps, req: RestRequest, missing: () => ParseError): Promise<RestResult> {
  const session = await requestSession(deps, req);
  if (!session) throw missing();
  const cls = systemClass(deps, '_Session');
  const found = await deps.core.get(req.auth, '_Session', session.sessionId, defaultFields(cls)).catch((error: unknown) => {
    // Ended between the credential check and this read.
    if (error instanceof ParseError && error.code === ErrorCode.OBJECT_NOT_FOUND) throw missing();
    throw error;
  });
  return { body: { ...encodeObject(found, encodeContext(deps)), sessionToken: session.token } };
}

/** `GET sessions/me`: the request's session with its token; 209 without a token, or for one that names no session (master key). */
export async function mySession(deps: RestDeps, req: RestRequest): Promise<RestResult> {
  if (!req.credentials.sessionToken) throw tokenRequired('Session token required.');
  return ownSession(deps, req, () => tokenRequired('Session token not found.'));
}

/**
 * `POST upgradeToRevocableSession`: Parse swaps a legacy token for a revocable session. Every
 * Plinth session is revocable already (tokens carry Parse's `r:` prefix, so the SDKs never ask),
 * so the answer is the caller's own session, in the shape Parse answers; 101 without a user.
 */
export async function upgradeToRevocableSession(deps: RestDeps, req: RestRequest): Promise<RestResult> {
  if (!req.auth.userId) throw new ParseError(ErrorCode.OBJECT_NOT_FOUND, 'invalid session');
  return ownSession(deps, req, () => new ParseError(ErrorCode.OBJECT_NOT_FOUND, 'invalid session'));
}
