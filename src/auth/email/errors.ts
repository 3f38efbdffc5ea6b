import { ErrorCode, ParseError } from '../../errors/index.ts';

/** The errors of the email flows, with Parse's codes and messages. */
export const emailErrors = {
  emailMissing: () => new ParseError(ErrorCode.EMAIL_MISSING, 'you must provide an email'),
  emailNotString: () => new ParseError(ErrorCode.INVALID_EMAIL_ADDRESS, 'you must provide a valid email string'),
  invalidEmail: () => new ParseError(ErrorCode.INVALID_EMAIL_ADDRESS, 'Email address format is invalid.'),
  passwordMissing: () => new ParseError(ErrorCode.PASSWORD_MISSING, 'you must provide a password'),
  tokenMissing: () => new ParseError(ErrorCode.OTHER_CAUSE, 'you must provide a token'),
  resetTokenInvalid: () => new ParseError(ErrorCode.OTHER_CAUSE, 'Failed to reset password: username / email / token is invalid'),
  resetTokenExpired: () => new ParseError(ErrorCode.OTHER_CAUSE, 'The password reset link has expired'),
  verifyTokenInvalid: () => new ParseError(ErrorCode.OTHER_CAUSE, 'Failed to verify email: username / token is invalid'),
  verifyTokenExpired: () => new ParseError(ErrorCode.OTHER_CAUSE, 'The email verification link has expired'),
  alreadyVerified: () => new ParseError(ErrorCode.OTHER_CAUSE, ALREADY_VERIFIED),
};

const ALREADY_VERIFIED = 'This email address is already verified.';

/**
 * The link's user has a verified email already: a link used twice — typically once by a mail
 * scanner that opened it first — which the page reports as done rather than as a failure.
 */
export function isAlreadyVerified(error: unknown): boolean {
  return error instanceof ParseError && error.code === ErrorCode.OTHER_CAUSE && error.message === ALREADY_VERIFIED;
}
