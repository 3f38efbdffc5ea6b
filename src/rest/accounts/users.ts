import { errors } from '../../errors/index.ts';
import { encodeObject } from '../codec/encode.ts';
import type { RestDeps } from '../deps.ts';
import { defaultFields } from '../find-params.ts';
import { encodeContext, getObject } from '../objects.ts';
import type { RestRequest } from '../request.ts';
import type { RestResult } from '../respond.ts';
import { requestSession, sessionAuth, systemClass } from './caller.ts';

/**
 * `GET users/me`: the user of the request's session with its `sessionToken` (what the SDKs'
 * `become` and `me` read); 209 without a live session — the master key alone is no user.
 */
export async function me(deps: RestDeps, req: RestRequest): Promise<RestResult> {
  const session = await requestSession(deps, req);
  if (!session) throw errors.invalidSessionToken();
  const auth = await sessionAuth(deps, req, session);
  const user = await deps.accounts.viewer(auth, defaultFields(systemClass(deps, '_User')));
  return { body: { ...encodeObject(user, encodeContext(deps)), sessionToken: session.token } };
}

/**
 * `GET users/<id>`: the user as any object, and — as Parse does — the caller's own session
 * token when the user is the caller (a `sessionToken` field is never anyone else's to see).
 */
export async function getUser(deps: RestDeps, req: RestRequest, objectId: string): Promise<RestResult> {
  const result = await getObject(deps, req, '_User', objectId);
  const user = result.body as Record<string, unknown>;
  delete user.sessionToken;
  const token = req.credentials.sessionToken;
  if (token && req.auth.userId === objectId) user.sessionToken = token;
  return result;
}
