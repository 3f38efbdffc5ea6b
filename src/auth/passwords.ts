import { hash, parseOptions, verify } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';

/**
 * Password hashes. New hashes are argon2id (RFC 9106) with @node-rs/argon2's defaults, which
 * are OWASP's minimum recommendation (19 MiB, 2 passes, 1 lane). Hashes written by Parse Server
 * are bcrypt (`$2a$`, `$2b$`, `$2y$`): they still verify, and `needsRehash` tells the login to
 * replace them with argon2id once the password is known to be right.
 */
const ARGON2ID = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

/** The argon2id hash of a password (runs on libuv's thread pool, not the event loop). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID);
}

/**
 * Whether `password` matches `stored` (argon2 or bcrypt). A malformed or unknown hash never
 * matches; it does not throw, so a damaged row reads as a wrong password, not a server error.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  try {
    if (stored.startsWith('$argon2')) return await verify(stored, password);
    // bcryptjs runs on the event loop; Parse's default cost (10) takes ~60 ms there. Each
    // imported hash is verified this way once: the login that succeeds replaces it.
    if (BCRYPT.test(stored)) return await bcrypt.compare(password, stored);
  } catch {
    return false;
  }
  return false;
}

/** How users' passwords are hashed (PLINTH_PASSWORD_HASH). */
export type PasswordScheme = 'argon2id' | 'bcrypt';

/** Parse Server's bcrypt cost. */
const BCRYPT_COST = 10;

/**
 * A user's password hash in the configured scheme: argon2id, or bcrypt for a database Parse
 * Server shares (bcryptjs runs on the event loop: ~60 ms a hash, the price of that compatibility).
 */
export function hashUserPassword(password: string, scheme: PasswordScheme): Promise<string> {
  return scheme === 'bcrypt' ? bcrypt.hash(password, BCRYPT_COST) : hashPassword(password);
}

/**
 * True when a stored hash is not argon2id with the current parameters (bcrypt, older settings).
 * Under the bcrypt scheme nothing is replaced: Parse Server must still verify every hash.
 */
export function needsRehash(stored: string, scheme: PasswordScheme = 'argon2id'): boolean {
  if (scheme === 'bcrypt') return false;
  if (!stored.startsWith('$argon2id$')) return true;
  try {
    const o = parseOptions(stored);
    return o.memoryCost !== ARGON2ID.memoryCost || o.timeCost !== ARGON2ID.timeCost || o.parallelism !== ARGON2ID.parallelism;
  } catch {
    return true;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Verifies the password against a hash of a random secret, so that a login for a user who
 * does not exist (or has no password) costs as much as one for a user who does, and timing
 * does not tell which usernames exist. Always false.
 */
export async function verifyDummy(password: string): Promise<false> {
  dummy ??= hashPassword(crypto.randomUUID());
  await verify(await dummy, password).catch(() => false);
  return false;
}
