import { emailErrors } from '../../auth/email/errors.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import type { RestDeps } from '../deps.ts';
import type { RestRequest } from '../request.ts';
import type { RestResult } from '../respond.ts';

/**
 * `POST requestPasswordReset` `{email}`: `{}` whether or not an account has this email (the
 * email flows send the link and keep every rule). Parse also takes an expired reset `token`
 * instead of the email; Plinth stores only tokens' hashes and reads only the email, refusing
 * a token alone as Parse refuses one it cannot match (125).
 */
export async function requestPasswordReset(deps: RestDeps, req: RestRequest): Promise<RestResult> {
  const { email, token } = req.body ?? {};
  if (!email && !token) throw emailErrors.emailMissing();
  if (token && typeof token !== 'string') throw new ParseError(ErrorCode.INVALID_VALUE, 'token must be a string');
  if (typeof email !== 'string') throw emailErrors.emailNotString();
  await deps.emailFlows.requestPasswordReset(email, req.auth);
  return { body: {} };
}

/** `POST verificationEmailRequest` `{email}`: `{}`, the link (re)sent when that user's email awaits verification. */
export async function verificationEmailRequest(deps: RestDeps, req: RestRequest): Promise<RestResult> {
  await deps.emailFlows.sendVerificationEmail(req.body?.email as string);
  return { body: {} };
}
