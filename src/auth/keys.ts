import { hash, timingSafeEqual } from 'node:crypto';

/** One call, no Hash object: this runs for the app id and the master key of every request. */
function sha256(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}

/** Digests of the configured secrets (app id, master key), computed once rather than per request. */
const expectedDigests = new Map<string, Buffer>();

/** Compares secrets in constant time (hashing first, so lengths leak nothing either). */
export function secretEquals(given: string, expected: string): boolean {
  let b = expectedDigests.get(expected);
  if (!b) {
    b = sha256(expected);
    if (expectedDigests.size < 64) expectedDigests.set(expected, b);
  }
  return timingSafeEqual(sha256(given), b);
}
