import type { Auth } from '../../security/index.ts';

/**
 * The email flows of accounts: password reset and email verification, with single-use,
 * expiring tokens and the pages the emailed links open (served by server/routes/).
 */
export interface EmailFlows {
  /** Emails a password reset link to the user with this email (no answer tells whether one exists). */
  requestPasswordReset(email: string, auth?: Auth): Promise<void>;
  /**
   * Checks a reset link without using it (the reset page shows its form only for a live link);
   * throws the error confirmPasswordReset would give for this token.
   */
  checkPasswordResetToken(username: string, token: string): Promise<void>;
  /** Sets a new password with a reset token (single use); revokes the user's sessions. */
  confirmPasswordReset(username: string, token: string, password: string): Promise<void>;
  /** (Re)sends the verification email to the user with this email. */
  sendVerificationEmail(email: string): Promise<void>;
  /** Marks the email verified when the token matches (single use, not expired). */
  verifyEmail(username: string, token: string): Promise<void>;
}
