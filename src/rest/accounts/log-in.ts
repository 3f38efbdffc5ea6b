import { accountErrors } from '../../auth/account-errors.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import { encodeObject } from '../codec/encode.ts';
import type { RestDeps } from '../deps.ts';
import { defaultFields } from '../find-params.ts';
import { encodeContext } from '../objects.ts';
import type { RestRequest } from '../request.ts';
import type { RestResult } from '../respond.ts';
import { originOf, requestSession, sessionAuth, systemClass } from './caller.ts';

const isGiven = (v: unknown) => v !== undefined && v !== null && v !== '' && v !== false && v !== 0;

/**
 * A login's username (or email) and password as Parse reads them: from the body, or from the
 * query string when the body lacks them; refused in Parse's order — no name (200), no password
 * (201), then anything but strings (101, the answer of a wrong password).
 */
function passwordCredentials(req: RestRequest): { name: string; password: string } {
  let payload: Record<string, unknown> = req.body ?? {};
  const query = req.params;
  if ((!isGiven(payload.username) && isGiven(query.username)) || (!isGiven(payload.email) && isGiven(query.email))) payload = query;
  const { username, email, password } = payload;
  if (!isGiven(username) && !isGiven(email)) throw accountErrors.loginNameMissing();
  if (!isGiven(password)) throw accountErrors.loginPasswordMissing();
  if (typeof password !== 'string' || (isGiven(email) && typeof email !== 'string') || (isGiven(username) && typeof username !== 'string'))
    throw accountErrors.invalidLogin();
  return { name: (isGiven(username) ? username : email) as string, password };
}

function userFields(deps: RestDeps): string[] {
  return defaultFields(systemClass(deps, '_User'));
}

/** `GET|POST login`: a new session for a username (or email) and password, with every guard of Accounts; the user with `sessionToken`. */
export async function logIn(deps: RestDeps, req: RestRequest): Promise<RestResult> {
  const { name, password } = passwordCredentials(req);
  const { sessionToken, user } = await deps.accounts.logIn(name, password, originOf(req), userFields(deps));
  return { body: { ...encodeObject(user, encodeContext(deps)), sessionToken } };
}

/** `GET|POST verifyPassword`: the user whose password this is (every login guard applies), without a session. */
export async function verifyPassword(deps: RestDeps, req: RestRequest): Promise<RestResult> {
  const { name, password } = passwordCredentials(req);
  const user = await deps.accounts.verifyPassword(name, password, originOf(req), userFields(deps));
  return { body: encodeObject(user, encodeContext(deps)) };
}

/**
 * `POST loginAs` (master key only): a new session for `userId`, the user as master reads it.
 * A dashboard admin's scoped master reach is not enough: the session would escape its scope.
 */
export async function logInAs(deps: RestDeps, req: RestRequest): Promise<RestResult> {
  if (!req.auth.isMaster || req.auth.admin) throw new ParseError(ErrorCode.OPERATION_FORBIDDEN, 'master key is required');
  const userId = isGiven(req.body?.userId) ? req.body?.userId : req.params.userId;
  if (!isGiven(userId)) throw new ParseError(ErrorCode.INVALID_VALUE, 'userId must not be empty, null, or undefined');
  if (typeof userId !== 'string') throw new ParseError(ErrorCode.OBJECT_NOT_FOUND, 'user not found');
  const { sessionToken, user } = await deps.accounts.logInAs(userId, originOf(req), userFields(deps));
  return { body: { ...encodeObject(user, encodeContext(deps)), sessionToken } };
}

/** `POST logout`: ends the session of the request's token (`{}` whatever there was to end). */
export async function logOut(deps: RestDeps, req: RestRequest): Promise<RestResult> {
  const session = await requestSession(deps, req);
  if (session) await deps.accounts.logOut(await sessionAuth(deps, req, session));
  return { body: {} };
}

/** `POST challenge`: Parse's pre-login step for providers that need one (Accounts.challenge decides). */
export async function challenge(deps: RestDeps, req: RestRequest): Promise<RestResult> {
  const { username, email, password, authData, challengeData } = req.body ?? {};
  const name = isGiven(username) ? username : email;
  if (isGiven(name) && isGiven(password) && (typeof name !== 'string' || typeof password !== 'string')) throw accountErrors.invalidLogin();
  const answer = await deps.accounts.challenge(
    {
      username: isGiven(name) ? (name as string) : undefined,
      password: isGiven(password) ? (password as string) : undefined,
      authData: authData as Record<string, unknown> | undefined,
      challengeData: challengeData as Record<string, unknown> | undefined,
    },
    originOf(req),
  );
  return { body: { challengeData: answer } };
}
