import { randomBytes } from 'node:crypto';
import type { HookRegistry, WriteOperation } from '../core/index.ts';
import { Params, type Sql } from '../db/index.ts';
import { aclFromColumns, aclToColumns, writeFilterSql, type AclMap } from '../security/index.ts';
import { accountErrors } from './account-errors.ts';
import { hasAuthData } from './auth-data.ts';
import { isStorableText } from '../query/index.ts';

/** Parse's check of an email's shape: something, an @, something. */
const EMAIL = /^.+@.+$/;

/** A username for users who sign up with authData only (Parse gives them 25 random characters). */
function randomUsername(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(25)].map((b) => alphabet[b % alphabet.length]).join('');
}

const isBlank = (v: unknown) => v === undefined || v === null || v === '';

/** Another user holds this username or email, compared without regard to case. */
async function taken(sql: Sql, column: 'username' | 'email', value: string, ownId: string): Promise<boolean> {
  // No row holds text PostgreSQL cannot store (NUL, a lone surrogate); the write refuses it, naming the field.
  if (!isStorableText(value)) return false;
  const rows = await sql.query(`SELECT 1 AS "x" FROM "_User" WHERE lower("${column}") = lower($1) AND "objectId" <> $2 LIMIT 1`, [value, ownId]);
  return rows.length > 0;
}

/**
 * Raises 202/203 when another user has this username/email in any case. Signup checks before
 * its transaction; every write on _User checks again inside it (nested creates, databases
 * imported from Parse that lack the case-insensitive unique indexes).
 */
export async function checkUnique(sql: Sql, input: Record<string, unknown>, ownId = ''): Promise<void> {
  if (typeof input.username === 'string' && (await taken(sql, 'username', input.username, ownId))) throw accountErrors.usernameTaken();
  if (typeof input.email === 'string' && input.email !== '' && (await taken(sql, 'email', input.email, ownId))) throw accountErrors.emailTaken();
}

/**
 * A new user needs a username (200) and a password (201), unless it signs up with authData
 * (it then gets a random username).
 */
export function checkRequiredUserFields(input: Record<string, unknown>): void {
  if (hasAuthData(input.authData)) return;
  if (typeof input.username !== 'string' || input.username === '') throw accountErrors.usernameMissing();
  if (typeof input.password !== 'string' || input.password === '') throw accountErrors.passwordMissing();
}

/**
 * Parse's default ACL of a new user: only the user may read and write it (with
 * `privateUsers` false, everyone may also read it); an ACL given at signup is kept, with read
 * and write for the user added so that no one locks themselves out. The id is known only once
 * the row exists, so this runs inside the create's transaction.
 */
async function setOwnerAcl(op: WriteOperation, tx: Sql, object: Record<string, unknown> & { objectId: string }, privateUsers: boolean): Promise<void> {
  const given: AclMap = op.input.ACL ? (object.ACL as AclMap) : privateUsers ? {} : { '*': { read: true } };
  const acl: AclMap = { ...given, [object.objectId]: { read: true, write: true } };
  const { rperm, wperm } = aclToColumns(acl);
  await tx.execute('UPDATE "_User" SET "_rperm" = $2::text[], "_wperm" = $3::text[] WHERE "objectId" = $1', [object.objectId, rperm, wperm]);
  object.ACL = aclFromColumns(rperm, wperm);
}

/**
 * Parse's rule for changing or deleting a user (RestWrite, rest.js): without a session it is
 * refused outright (206), and a user the caller may not write — or that does not exist —
 * answers 206 `Insufficient auth.` rather than 101. Decided before the write, with the same
 * ACL test as its statement, so that no other step (password hashing, cloud code) runs first.
 */
async function checkUserWritable(op: WriteOperation, db: Sql): Promise<void> {
  if (op.auth.isMaster) return;
  if (!op.auth.userId) throw op.kind === 'delete' ? accountErrors.deleteUserWithoutSession() : accountErrors.modifyUserWithoutSession(op.objectId!);
  const params = new Params();
  const id = params.add(op.objectId);
  const writable = await (op.sql ?? db).query(
    `SELECT 1 AS "x" FROM "_User" t WHERE t."objectId" = ${id} AND ${writeFilterSql(op.auth, 't', params)}`,
    params.values,
  );
  if (writable.length === 0) throw accountErrors.insufficientAuth();
}

/**
 * The rules of _User writes, whatever the path (signUp, createUser, updateUser, deleteUser,
 * nested creates, cloud code's data API):
 * - only the master key changes or deletes a user the caller may not write, and never without
 *   a session (206, as Parse answers);
 * - a new user needs a username (200) and a password (201), unless it signs up with authData,
 *   which gets a random username; neither can be unset later;
 * - an email must look like one (125); usernames and emails are unique regardless of case
 *   (202/203);
 * - only the master key sets emailVerified (119; the email flows set it as master);
 * - a new user's ACL lets only the user read and write it (PLINTH_PRIVATE_USERS=false: everyone
 *   may also read it).
 * Registered before the password hook, so that a missing username is reported before a
 * missing password, as Parse does.
 */
export function registerUserRules(hooks: HookRegistry, db: Sql, options: { privateUsers: boolean }): void {
  hooks.register('_User', {
    async before(op) {
      if (op.kind !== 'create') await checkUserWritable(op, db);
      if (op.kind === 'delete') return;
      const input = op.input;
      if (op.kind === 'create') {
        checkRequiredUserFields(input);
        if (isBlank(input.username)) input.username = randomUsername();
      } else if ('username' in input && (input.username === null || input.username === '')) {
        throw accountErrors.usernameMissing();
      }
      if (typeof input.email === 'string' && input.email !== '' && !EMAIL.test(input.email)) throw accountErrors.invalidEmail();
      if ('emailVerified' in input && input.emailVerified !== undefined && !op.auth.isMaster) throw accountErrors.emailVerifiedByClient();
    },
    async inTransaction(op, tx, object) {
      if (op.kind === 'delete') return;
      await checkUnique(tx, op.input, object.objectId);
      if (op.kind === 'create') await setOwnerAcl(op, tx, object, options.privateUsers);
    },
  });
}
