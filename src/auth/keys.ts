import { createHash, timingSafeEqual } from 'node:crypto';

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
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
