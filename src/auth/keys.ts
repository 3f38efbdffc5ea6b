import { hash, timingSafeEqual } from 'node:crypto';

/** One call, no Hash object: this runs for the app id and the master key of every request. */
function sha256(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}

/**
 * Digests of the configured secrets (app id, master key, tokens), computed once rather than per
 * request; bounded, since some callers compare against per-session values.
 */
const expectedDigests = new Map<string, Buffer>();

/**
 * Compares secrets in constant time (hashing first, so lengths leak nothing either).
 *
 * A value that is one of the secrets compared before is recognized by a hash-table lookup,
 * without hashing it again: an app sends its app id (and a server its master key) with every
 * request, and the two SHA-256 digests were ~3 % of a read's CPU. The lookup hashes the whole
 * given value with the process's randomized string hash and compares characters only when
 * that hash matches, so its time says nothing about how much of a wrong value is right;
 * a wrong value never enters the table and still takes the digest comparison.
 */
export function secretEquals(given: string, expected: string): boolean {
  let digest = expectedDigests.get(expected);
  if (!digest) {
    digest = sha256(expected);
    if (expectedDigests.size < 64) expectedDigests.set(expected, digest);
  }
  if (expectedDigests.has(given)) return given === expected;
  return timingSafeEqual(sha256(given), digest);
}
