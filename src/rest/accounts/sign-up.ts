import { hasAuthData } from '../../auth/auth-data.ts';
import type { LoggedIn } from '../../auth/index.ts';
import type { WriteInput } from '../../core/index.ts';
import type { ClassDef } from '../../schema/index.ts';
import { decodeWrite } from '../codec/decode.ts';
import { encodeObject } from '../codec/encode.ts';
import type { RestDeps } from '../deps.ts';
import { defaultFields } from '../find-params.ts';
import { changedFields, encodeContext, fieldsToAnswer } from '../objects.ts';
import type { RestRequest } from '../request.ts';
import type { RestResult } from '../respond.ts';
import { classForWrite } from '../schema-on-write.ts';
import { originOf } from './caller.ts';

/** Parse's `Location` of a user: `<mount>/users/<id>` (not `classes/_User`). */
function userLocation(deps: RestDeps, objectId: string): string {
  return `${deps.config.publicUrl}${deps.config.rest.path}/users/${objectId}`;
}

/**
 * A new user's answer, as Parse's RestWrite gives it: 201 with `objectId`, `createdAt`, the
 * `username` when the server made one up (authData sign-up), the fields a beforeSave trigger
 * changed, and the first session's token.
 */
function created(deps: RestDeps, cls: ClassDef, body: Record<string, unknown>, loggedIn: LoggedIn, back: string[]): RestResult {
  const user = loggedIn.user;
  const out: Record<string, unknown> = { objectId: user.objectId, createdAt: user.createdAt };
  if (body.username === undefined || body.username === null || body.username === '') out.username = user.username;
  Object.assign(out, changedFields(user, cls, body, back, encodeContext(deps)), { sessionToken: loggedIn.sessionToken });
  return { status: 201, body: out, headers: { location: userLocation(deps, user.objectId) } };
}

/** Whether Accounts created the user behind this session (a sign-up), rather than logging an existing one in. */
async function startedBySignUp(deps: RestDeps, token: string): Promise<boolean> {
  const session = await deps.sessions.validate(token);
  const described = session && (await deps.sessions.describe(session.sessionId));
  return (described?.createdWith as { action?: string } | undefined)?.action === 'signup';
}

/**
 * authData in a sign-up (anonymous users, third-party identities): the user who holds the
 * identity logs in (200, the whole user with its new token), else a user is created with the
 * other fields (201) — Accounts.logInWith decides, with every provider check.
 */
async function signUpWithAuthData(deps: RestDeps, req: RestRequest, cls: ClassDef, body: Record<string, unknown>, input: WriteInput): Promise<RestResult> {
  const { authData, ...fields } = input;
  const back = fieldsToAnswer(deps, req.auth, cls, body);
  const loggedIn = await deps.accounts.logInWith(authData as Record<string, unknown>, fields, originOf(req), defaultFields(cls), req.auth);
  if (await startedBySignUp(deps, loggedIn.sessionToken)) return created(deps, cls, body, loggedIn, back);
  return { body: { ...encodeObject(loggedIn.user, encodeContext(deps)), sessionToken: loggedIn.sessionToken } };
}

/**
 * `POST users` (and `POST classes/_User`): Parse's sign-up. Fields the class lacks are added as
 * for any save; the user is created through Accounts (core, with every _User rule and trigger)
 * together with its first session. `X-Parse-Revocable-Session` needs nothing: every Plinth
 * session is revocable.
 */
export async function signUp(deps: RestDeps, req: RestRequest): Promise<RestResult> {
  const body = req.body ?? {};
  const cls = await classForWrite(deps, req.auth, '_User', body);
  const input = decodeWrite(body, cls, true);
  if (hasAuthData(input.authData)) return signUpWithAuthData(deps, req, cls, body, input);
  const back = fieldsToAnswer(deps, req.auth, cls, body);
  const fields = [...new Set(['objectId', 'createdAt', 'username', ...back])];
  const loggedIn = await deps.accounts.signUp(input, originOf(req), fields, req.auth);
  return created(deps, cls, body, loggedIn, back);
}
