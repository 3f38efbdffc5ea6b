import type { AuthConfig } from '../config/index.ts';
import { accountErrors } from './account-errors.ts';

export type PasswordPolicy = AuthConfig['passwordPolicy'];

/**
 * Longest password accepted: hashing cost grows with length, and no person types more.
 * (argon2 takes any length; the cap keeps a 4 MB "password" from being hashed.)
 */
export const MAX_PASSWORD_LENGTH = 4096;

/**
 * Checks a new password against the configured policy (PLINTH_PASSWORD_MIN_LENGTH,
 * PLINTH_PASSWORD_PATTERN): 142 with a message that says what is wanted. Length counts
 * characters as a person sees them (code points), not UTF-16 units.
 */
export function checkPasswordPolicy(policy: PasswordPolicy, password: string): void {
  const length = [...password].length;
  if (length < policy.minLength) throw accountErrors.passwordPolicy(`Password must be at least ${policy.minLength} characters long.`);
  if (length > MAX_PASSWORD_LENGTH) throw accountErrors.passwordPolicy(`Password must be at most ${MAX_PASSWORD_LENGTH} characters long.`);
  // search() ignores lastIndex, so a pattern given with the g flag behaves the same every time.
  if (policy.pattern && password.search(policy.pattern) === -1) {
    throw accountErrors.passwordPolicy(policy.patternMessage ?? 'Password does not meet the Password Policy requirements.');
  }
}
