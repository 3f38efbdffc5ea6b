import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

/**
 * A token for an emailed link: 160 random bits, base32 (safe in a URL as it is). Given to the
 * user once, in the email; the database keeps only its hash (hashEmailToken), so a leaked
 * `_User` table yields no usable link.
 */
export function newEmailToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

/** SHA-256 (hex) of a token: what "_perishable_token" and "_email_verify_token" hold. */
export function hashEmailToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}
