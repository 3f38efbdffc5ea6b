import { ErrorCode, ParseError } from '../errors/index.ts';

/** The errors of signup, login and the rules on _User, with Parse's codes and messages. */
export const accountErrors = {
  usernameMissing: () => new ParseError(ErrorCode.USERNAME_MISSING, 'bad or missing username'),
  passwordMissing: () => new ParseError(ErrorCode.PASSWORD_MISSING, 'password is required'),
  loginNameMissing: () => new ParseError(ErrorCode.USERNAME_MISSING, 'username/email is required.'),
  loginPasswordMissing: () => new ParseError(ErrorCode.PASSWORD_MISSING, 'password is required.'),
  usernameTaken: () => new ParseError(ErrorCode.USERNAME_TAKEN, 'Account already exists for this username.'),
  emailTaken: () => new ParseError(ErrorCode.EMAIL_TAKEN, 'Account already exists for this email address.'),
  invalidEmail: () => new ParseError(ErrorCode.INVALID_EMAIL_ADDRESS, 'Email address format is invalid.'),
  /** The one answer to a failed login: no such user, a wrong password, or a locked account (auth/lockout.ts). */
  invalidLogin: () => new ParseError(ErrorCode.OBJECT_NOT_FOUND, 'Invalid username/password.'),
  emailNotVerified: () => new ParseError(ErrorCode.EMAIL_NOT_FOUND, 'User email is not verified.'),
  authDataTaken: () => new ParseError(ErrorCode.ACCOUNT_ALREADY_LINKED, 'this auth is already used'),
  /** A user the caller may not write, or none (Parse's answer instead of 101). */
  insufficientAuth: () => new ParseError(ErrorCode.SESSION_MISSING, 'Insufficient auth.'),
  modifyUserWithoutSession: (userId: string) => new ParseError(ErrorCode.SESSION_MISSING, `Cannot modify user ${userId}.`),
  deleteUserWithoutSession: () => new ParseError(ErrorCode.SESSION_MISSING, 'Insufficient auth to delete user'),
  emailVerifiedByClient: () => new ParseError(ErrorCode.OPERATION_FORBIDDEN, "Clients aren't allowed to manually update email verification."),
  tooManyRequests: () => new ParseError(ErrorCode.REQUEST_LIMIT_EXCEEDED, 'Too many requests'),
  passwordPolicy: (message: string) => new ParseError(ErrorCode.VALIDATION_ERROR, message),
  otherCause: (message: string) => new ParseError(ErrorCode.OTHER_CAUSE, message),
};
