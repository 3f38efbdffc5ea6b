import { ErrorCode, ParseError } from '../../errors/index.ts';

/** A refused dashboard login (401): wrong credentials, or a one-time code needed or wrong (`totpRequired`). */
export class AdminLoginError extends ParseError {
  constructor(
    message: string,
    readonly totpRequired = false,
  ) {
    super(ErrorCode.OBJECT_NOT_FOUND, message, 401);
  }
}

export const adminErrors = {
  /** The one answer to an unknown email, a wrong password and a disabled user. */
  invalidLogin: () => new AdminLoginError('Invalid email or password.'),
  totpRequired: () => new AdminLoginError('A one-time code is required.', true),
  totpInvalid: () => new AdminLoginError('Invalid one-time code.', true),
  invalidSetup: () => new ParseError(ErrorCode.OPERATION_FORBIDDEN, 'This setup link is not valid (it expired or has been used).', 403),
};
