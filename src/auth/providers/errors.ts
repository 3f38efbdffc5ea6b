import { ErrorCode, ParseError } from '../../errors/index.ts';

/**
 * What sign-in providers answer. Credentials that do not check out are 101, as Parse answers;
 * a provider that cannot be asked (down, slow, misconfigured) is 142, so that a client can tell
 * "try again later" from "these credentials are wrong".
 */
export const providerErrors = {
  unsupported: () => new ParseError(ErrorCode.UNSUPPORTED_SERVICE, 'This authentication method is unsupported.'),
  invalid: (message: string) => new ParseError(ErrorCode.OBJECT_NOT_FOUND, message),
  unavailable: (message: string) => new ParseError(ErrorCode.VALIDATION_ERROR, message),
};
