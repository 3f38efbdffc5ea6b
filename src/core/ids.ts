import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A new objectId: 10 random alphanumeric characters, as Parse makes them (~59 bits). */
export function newObjectId(size = 10): string {
  let out = '';
  while (out.length < size) {
    for (const b of randomBytes(size * 2)) {
      if (b < 248 && out.length < size) out += ALPHABET[b % 62];
    }
  }
  return out;
}
