import { randomFillSync } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Random bytes drawn 4 KiB at a time: asking the generator for 20 bytes per id cost a create
 * more than the id is worth (an allocation and a call into OpenSSL each time). The bytes are
 * as random either way; each is used once.
 */
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolAt = POOL_BYTES;

function randomByte(): number {
  if (poolAt === POOL_BYTES) {
    randomFillSync(pool);
    poolAt = 0;
  }
  return pool[poolAt++];
}

/** A new objectId: 10 random alphanumeric characters, as Parse makes them (~59 bits). */
export function newObjectId(size = 10): string {
  let out = '';
  while (out.length < size) {
    const b = randomByte();
    // 248 = 4 × 62: bytes at or above it would make the low characters likelier.
    if (b < 248) out += ALPHABET[b % 62];
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
