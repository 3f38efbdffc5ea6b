import { accountErrors } from '../account-errors.ts';
import { userWithAuthData } from '../auth-data.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import type { AccountContext } from './context.ts';
import { authenticate } from './log-in.ts';
import type { ChallengeInput, RequestOrigin } from './types.ts';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parse's challenge step, for providers that need one before logInWith (multi-factor, …): the
 * user is identified by username and password (with every login guard) or by authData (checked
 * by its provider), then each provider named in challengeData answers. None of the providers
 * Plinth ships has a challenge step, so the answer is an empty challengeData once the user is
 * identified; the checks and errors are Parse's.
 */
export async function challenge(a: AccountContext, input: ChallengeInput, origin: RequestOrigin): Promise<Record<string, unknown>> {
  const { username, password, authData, challengeData } = input;
  let identified = false;
  if (username) {
    if (!password) throw accountErrors.otherCause('You provided username or email, you need to also provide password.');
    await authenticate(a, username, password, origin);
    identified = true;
  }
  if (!challengeData) throw accountErrors.otherCause('Nothing to challenge.');
  if (!isObject(challengeData)) throw accountErrors.otherCause('challengeData should be an object.');
  if (authData) {
    if (!isObject(authData)) throw accountErrors.otherCause('authData should be an object.');
    if (identified) throw accountErrors.otherCause('You cannot provide username/email and authData, only use one identification method.');
    await a.limits.checkIp(origin.ip);
    try {
      const validated = await a.providers.validate(authData);
      if ((await userWithAuthData(a.db, validated)).length !== 1) throw accountErrors.invalidLogin();
    } catch (error) {
      // One answer whatever failed, so that ids cannot be probed (Parse does the same).
      a.logger.info({ err: error instanceof ParseError ? error.message : error }, 'challenge: user not identified by authData');
      throw new ParseError(ErrorCode.OBJECT_NOT_FOUND, 'User not found.');
    }
  }
  return {};
}
