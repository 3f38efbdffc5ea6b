import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCode, LOG_IN, SIGN_UP, signUpUser, sleep, startAuthServer, VIEWER, type AuthServer } from './helpers.ts';

const hashOf = async (s: AuthServer, username: string) =>
  (await s.plinth.db.query<{ h: string | null }>(`SELECT "_hashed_password" AS "h" FROM "_User" WHERE "username" = $1`, [username]))[0]?.h;

describe('users imported from Parse (bcrypt hashes)', () => {
  let s: AuthServer;
  beforeAll(async () => {
    s = await startAuthServer();
  });
  afterAll(() => s?.close());

  /** A user row as Parse Server writes it: a bcrypt hash, no Plinth ACL defaults. */
  async function importUser(username: string, password: string, prefix = '$2b$') {
    const hash = prefix + (await bcrypt.hash(password, 10)).slice(4);
    await s.plinth.db.execute(
      `INSERT INTO "_User" ("objectId", "createdAt", "updatedAt", "username", "_hashed_password", "_rperm", "_wperm")
       VALUES ($1, now(), now(), $2, $3, $4::text[], $5::text[])`,
      [
        username
          .replace(/[^A-Za-z0-9]/g, '')
          .slice(0, 10)
          .padEnd(10, '0'),
        username,
        hash,
        ['*', 'x'],
        ['x'],
      ],
    );
    return hash;
  }

  it('logs in with the bcrypt hash, then replaces it with argon2id; the password keeps working', async () => {
    for (const [username, prefix] of [
      ['imported2b', '$2b$'],
      ['imported2a', '$2a$'],
      ['imported2y', '$2y$'],
    ] as const) {
      const before = await importUser(username, 'parse password', prefix);
      expect(before.startsWith(prefix)).toBe(true);
      expectCode(await s.gql(LOG_IN, { username, password: 'wrong password' }), 101, 'Invalid username/password.');
      expect(await hashOf(s, username)).toBe(before);
      const d = await s.ok(LOG_IN, { username, password: 'parse password' });
      expect(d.logIn.viewer.user.username).toBe(username);
      const after = await hashOf(s, username);
      expect(after).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect((await s.ok(LOG_IN, { username, password: 'parse password' })).logIn.viewer.user.username).toBe(username);
      expect(await hashOf(s, username)).toBe(after);
    }
  });

  it('a user without a password (authData only) cannot log in with one', async () => {
    await s.plinth.db.execute(`INSERT INTO "_User" ("objectId", "createdAt", "updatedAt", "username") VALUES ('nopassword', now(), now(), 'oauth-only')`);
    expectCode(await s.gql(LOG_IN, { username: 'oauth-only', password: 'anything at all' }), 101, 'Invalid username/password.');
  });
});

describe('PLINTH_PASSWORD_HASH=bcrypt (a database Parse Server still shares)', () => {
  let s: AuthServer;
  beforeAll(async () => {
    s = await startAuthServer({ auth: { passwordHash: 'bcrypt' } });
  });
  afterAll(() => s?.close());

  it('hashes new passwords with bcrypt cost 10 that Parse verifies, and never rehashes one at login', async () => {
    await signUpUser(s, 'sharedbcrypt', 'shared password');
    const hash = await hashOf(s, 'sharedbcrypt');
    expect(hash).toMatch(/^\$2[aby]\$10\$/);
    expect(await bcrypt.compare('shared password', hash!)).toBe(true);
    expect((await s.ok(LOG_IN, { username: 'sharedbcrypt', password: 'shared password' })).logIn.viewer.user.username).toBe('sharedbcrypt');
    expect(await hashOf(s, 'sharedbcrypt')).toBe(hash);
  });
});

describe('password policy', () => {
  let s: AuthServer;
  beforeAll(async () => {
    s = await startAuthServer({ auth: { passwordPolicy: { minLength: 10, pattern: /\d/, patternMessage: 'Passwords need a digit.' } } });
  });
  afterAll(() => s?.close());

  const CREATE = `mutation($f: CreateUserFieldsInput) { createUser(input: { fields: $f }) { user { objectId } } }`;
  const UPDATE = `mutation($id: ID!, $f: UpdateUserFieldsInput) { updateUser(input: { id: $id, fields: $f }) { user { objectId } } }`;

  it('applies to signUp, createUser and updateUser (142 with a clear message), before anything is stored', async () => {
    expectCode(await s.gql(SIGN_UP, { fields: { username: 'short', password: 'abc1' } }), 142, 'Password must be at least 10 characters long.');
    expectCode(await s.gql(SIGN_UP, { fields: { username: 'nodigit', password: 'long but no digit' } }), 142, 'Passwords need a digit.');
    expectCode(await s.gql(CREATE, { f: { username: 'short2', password: 'abc1' } }, { master: true }), 142, 'Password must be at least 10 characters long.');
    expect(await s.plinth.db.query(`SELECT 1 FROM "_User" WHERE "username" IN ('short', 'nodigit', 'short2')`)).toHaveLength(0);

    const { token, userId } = await signUpUser(s, 'policy-ok', 'long enough 1');
    const before = await hashOf(s, 'policy-ok');
    expectCode(await s.gql(UPDATE, { id: userId, f: { password: 'short 1' } }, { token }), 142);
    expectCode(await s.gql(UPDATE, { id: userId, f: { password: 'no digits here' } }, { token }), 142, 'Passwords need a digit.');
    expect(await hashOf(s, 'policy-ok')).toBe(before);
    await s.ok(UPDATE, { id: userId, f: { password: 'another good 2' } }, { token });
    expect(await hashOf(s, 'policy-ok')).not.toBe(before);
  });

  it('counts characters, not UTF-16 units, and refuses absurdly long passwords', async () => {
    // Nine emoji are 18 UTF-16 units but nine characters: too short for 10.
    expectCode(await s.gql(SIGN_UP, { fields: { username: 'emoji', password: '😀'.repeat(8) + '1' } }), 142, 'Password must be at least 10 characters long.');
    await signUpUser(s, 'emoji-ok', '😀'.repeat(9) + '1');
    expectCode(await s.gql(SIGN_UP, { fields: { username: 'huge', password: '1'.repeat(5000) } }), 142, /at most 4096/);
  });

  it('the default policy asks for 8 characters', async () => {
    const d = await startAuthServer();
    try {
      expectCode(await d.gql(SIGN_UP, { fields: { username: 'seven', password: '1234567' } }), 142, 'Password must be at least 8 characters long.');
      await signUpUser(d, 'eight', '12345678');
    } finally {
      await d.close();
    }
  });
});

describe('account lockout', () => {
  const DURATION = 1500;
  let s: AuthServer;
  beforeAll(async () => {
    s = await startAuthServer({ auth: { accountLockout: { threshold: 3, durationMs: DURATION } } });
  });
  afterAll(() => s?.close());

  // A locked account answers as a wrong password does (a name nobody has is never locked: see auth/lockout.ts).
  const LOCKED = 'Invalid username/password.';
  const state = async (username: string) =>
    (
      await s.plinth.db.query<{ n: number | null; until: string | null }>(
        `SELECT "_failed_login_count" AS "n", "_account_lockout_expires_at" AS "until" FROM "_User" WHERE "username" = $1`,
        [username],
      )
    )[0];

  it('locks after `threshold` failures in a row, refuses even the right password while locked, then lets the user in', async () => {
    await signUpUser(s, 'target', 'right password');
    for (let i = 0; i < 3; i++) expectCode(await s.gql(LOG_IN, { username: 'target', password: 'wrong ' + i }), 101, 'Invalid username/password.');
    expect((await state('target')).n).toBe(3);
    expect((await state('target')).until).not.toBeNull();
    expectCode(await s.gql(LOG_IN, { username: 'target', password: 'right password' }), 101, LOCKED);
    expectCode(await s.gql(LOG_IN, { username: 'TARGET', password: 'wrong again' }), 101, LOCKED);
    await sleep(DURATION + 100);
    const d = await s.ok(LOG_IN, { username: 'target', password: 'right password' });
    expect(d.logIn.viewer.user.username).toBe('target');
    expect(await state('target')).toEqual({ n: 0, until: null });
  });

  it('a successful login resets the count: failures must be in a row', async () => {
    await signUpUser(s, 'careless', 'right password');
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++) expectCode(await s.gql(LOG_IN, { username: 'careless', password: 'typo' }), 101, 'Invalid username/password.');
      await s.ok(LOG_IN, { username: 'careless', password: 'right password' });
    }
    expect((await state('careless')).n).toBe(0);
  });

  it('a failure after an expired lock starts counting again', async () => {
    await signUpUser(s, 'again', 'right password');
    for (let i = 0; i < 3; i++) await s.gql(LOG_IN, { username: 'again', password: 'bad' });
    await sleep(DURATION + 100);
    expectCode(await s.gql(LOG_IN, { username: 'again', password: 'bad' }), 101, 'Invalid username/password.');
    expect((await state('again')).n).toBe(1);
    await s.ok(LOG_IN, { username: 'again', password: 'right password' });
  });

  it('a password change lifts the lock', async () => {
    const { token, userId } = await signUpUser(s, 'forgetful', 'right password');
    for (let i = 0; i < 3; i++) await s.gql(LOG_IN, { username: 'forgetful', password: 'bad' });
    expectCode(await s.gql(LOG_IN, { username: 'forgetful', password: 'right password' }), 101, LOCKED);
    await s.ok(
      `mutation($id: ID!) { updateUser(input: { id: $id, fields: { password: "a new password" } }) { user { objectId } } }`,
      { id: userId },
      { token },
    );
    expect((await s.ok(LOG_IN, { username: 'forgetful', password: 'a new password' })).logIn.viewer.user.objectId).toBe(userId);
  });

  it('threshold 0 turns lockout off', async () => {
    const open = await startAuthServer({ auth: { accountLockout: { threshold: 0 } } });
    try {
      await signUpUser(open, 'unlimited', 'right password');
      for (let i = 0; i < 12; i++) await open.gql(LOG_IN, { username: 'unlimited', password: 'bad' });
      await open.ok(LOG_IN, { username: 'unlimited', password: 'right password' });
    } finally {
      await open.close();
    }
  });
});

describe('unverified emails', () => {
  it('with verifyUserEmails and preventLoginWithUnverifiedEmail, login waits for the verification (205)', async () => {
    const s = await startAuthServer({ auth: { verifyUserEmails: true, preventLoginWithUnverifiedEmail: true } }, { mail: { send: async () => undefined } });
    try {
      // The account is created, but the signup starts no session (205): the email must be verified first.
      expectCode(
        await s.gql(SIGN_UP, { fields: { username: 'unverified', password: 'long enough', email: 'unverified@example.com' } }),
        205,
        'User email is not verified.',
      );
      const [{ objectId: userId }] = await s.plinth.db.query<{ objectId: string }>(`SELECT "objectId" FROM "_User" WHERE "username" = 'unverified'`);
      expect(await s.plinth.db.query('SELECT 1 FROM "_Session" WHERE "user" = $1', [userId])).toHaveLength(0);
      expectCode(await s.gql(LOG_IN, { username: 'unverified', password: 'long enough' }), 205, 'User email is not verified.');
      // The wrong password still says only that.
      expectCode(await s.gql(LOG_IN, { username: 'unverified', password: 'wrong password' }), 101, 'Invalid username/password.');
      await s.ok(
        `mutation($id: ID!) { updateUser(input: { id: $id, fields: { emailVerified: true } }) { user { objectId } } }`,
        { id: userId },
        { master: true },
      );
      const d = await s.ok(LOG_IN, { username: 'unverified', password: 'long enough' });
      expect((await s.ok(VIEWER, {}, { token: d.logIn.viewer.sessionToken })).viewer.user.objectId).toBe(userId);
    } finally {
      await s.close();
    }
  });
});
