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

/** Parse's relation tables keep ids in varchar(120). */
export const MAX_RELATED_ID_LENGTH = 120;

/**
 * Whether an id could name a stored object: non-empty and free of NUL (which PostgreSQL text
 * cannot hold). Ids that fail can be answered "not found" without asking the database.
 */
export function mayBeObjectId(id: string): boolean {
  return id.length > 0 && !id.includes('\0');
}
