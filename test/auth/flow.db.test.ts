import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCode, LOG_IN, SIGN_UP, signUpUser, startAuthServer, VIEWER, type AuthServer } from './helpers.ts';

// API.md "Users": signUp → viewer (with the token in either header) → logOut → 209.
let s: AuthServer;
beforeAll(async () => {
  s = await startAuthServer();
});
afterAll(() => s?.close());

describe('signUp, viewer, logOut', () => {
  it('signs up, answers with the viewer, and the token works in both headers until logOut', async () => {
    const d = await s.ok(SIGN_UP, { fields: { username: 'ann', password: 'correct horse', email: 'ann@example.com' } });
    const { sessionToken, user } = d.signUp.viewer;
    expect(d.signUp.clientMutationId).toBe('s1');
    expect(sessionToken).toMatch(/^r:[a-z2-7]{32}$/);
    expect(user).toMatchObject({ username: 'ann', email: 'ann@example.com', emailVerified: null });

    for (const credential of [{ token: sessionToken }, { bearer: sessionToken }]) {
      const v = await s.ok(VIEWER, {}, credential);
      expect(v.viewer).toEqual({ sessionToken, user: { objectId: user.objectId, username: 'ann' } });
    }

    const out = await s.ok(`mutation { logOut(input: { clientMutationId: "bye" }) { ok clientMutationId } }`, {}, { token: sessionToken });
    expect(out.logOut).toEqual({ ok: true, clientMutationId: 'bye' });
    for (const credential of [{ token: sessionToken }, { bearer: sessionToken }]) {
      const r = await s.gql(VIEWER, {}, credential);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ code: 209, error: 'Invalid session token' });
    }
  });

  it('viewer without a session is 209 (also with the master key, which is no user)', async () => {
    expectCode(await s.gql(VIEWER), 209, 'Invalid session token');
    expectCode(await s.gql(VIEWER, {}, { master: true }), 209, 'Invalid session token');
    expectCode(await s.gql(VIEWER, {}, { token: '' }), 209);
  });

  it('creates the session in the signup transaction: a signup that fails leaves neither user nor session', async () => {
    const before = await s.plinth.db.query<{ n: number }>('SELECT count(*)::int AS "n" FROM "_Session"');
    // A nested create that fails (unknown field) after the user row was written.
    await s.ok(
      `mutation { createClass(input: { name: "Profile", schemaFields: { addStrings: [{ name: "bio" }] } }) { class { name } } }`,
      {},
      { master: true },
    );
    await s.ok(
      `mutation { updateClass(input: { name: "_User", schemaFields: { addPointers: [{ name: "profile", targetClassName: "Profile" }] } }) { class { name } } }`,
      {},
      { master: true },
    );
    const r = await s.gql(SIGN_UP, { fields: { username: 'nested-fail', password: 'long enough', profile: { createAndLink: { bio: 'x' } } } });
    expect(r.errors).toBeUndefined();
    const profileOk = r.data.signUp.viewer.user.objectId;
    expect(profileOk).toBeTruthy();
    const bad = await s.gql(
      `mutation { signUp(input: { fields: { username: "rolled-back", password: "long enough", profile: { createAndLink: { bio: "y" } }, ACL: { users: [{ userId: "bad id!", read: true, write: true }] } } }) { viewer { sessionToken } } }`,
    );
    expect(bad.errors?.[0].extensions?.code).toBe(123);
    expect(await s.plinth.db.query(`SELECT 1 FROM "_User" WHERE "username" = 'rolled-back'`)).toHaveLength(0);
    const after = await s.plinth.db.query<{ n: number }>('SELECT count(*)::int AS "n" FROM "_Session"');
    expect(after[0].n).toBe(before[0].n + 1);
  });

  it('nested creates in signUp are stored with the user, in one transaction', async () => {
    const d = await s.ok(
      `mutation { signUp(input: { fields: { username: "with-profile", password: "long enough", profile: { createAndLink: { bio: "hello" } } } }) { viewer { sessionToken user { objectId } } } }`,
    );
    const rows = await s.plinth.db.query<{ bio: string }>(
      `SELECT p."bio" FROM "_User" u JOIN "Profile" p ON p."objectId" = u."profile" WHERE u."objectId" = $1`,
      [d.signUp.viewer.user.objectId],
    );
    expect(rows).toEqual([{ bio: 'hello' }]);
  });

  it('records how each session was created, in Parse’s createdWith format', async () => {
    const { userId } = await signUpUser(s, 'created-with', 'long enough');
    await s.ok(LOG_IN, { username: 'created-with', password: 'long enough' });
    const rows = await s.plinth.db.query<{ createdWith: unknown }>('SELECT "createdWith" FROM "_Session" WHERE "user" = $1 ORDER BY "createdAt"', [userId]);
    const parsed = rows.map((r) => (typeof r.createdWith === 'string' ? JSON.parse(r.createdWith) : r.createdWith));
    expect(parsed).toEqual([
      { action: 'signup', authProvider: 'password' },
      { action: 'login', authProvider: 'password' },
    ]);
  });

  it('keeps the installation id on the session', async () => {
    const d = await s.ok(SIGN_UP, { fields: { username: 'installed', password: 'long enough' } }, { headers: { 'x-parse-installation-id': 'inst-1' } });
    const rows = await s.plinth.db.query<{ installationId: string }>('SELECT "installationId" FROM "_Session" WHERE "user" = $1', [
      d.signUp.viewer.user.objectId,
    ]);
    expect(rows).toEqual([{ installationId: 'inst-1' }]);
  });
});

describe('signUp refusals (Parse codes and messages)', () => {
  it('username 200 and password 201 are required; the username is reported first', async () => {
    expectCode(await s.gql(SIGN_UP, { fields: { password: 'long enough' } }), 200, 'bad or missing username');
    expectCode(await s.gql(SIGN_UP, { fields: { username: '', password: 'long enough' } }), 200, 'bad or missing username');
    expectCode(await s.gql(SIGN_UP, { fields: { username: 'no-password' } }), 201, 'password is required');
    expectCode(await s.gql(SIGN_UP, { fields: { username: 'empty-password', password: '' } }), 201, 'password is required');
    expectCode(await s.gql(SIGN_UP, { fields: {} }), 200);
    expectCode(await s.gql(`mutation { signUp(input: {}) { viewer { sessionToken } } }`), 200);
  });

  it('usernames and emails are unique regardless of case (202, 203), through signUp and createUser', async () => {
    await signUpUser(s, 'Frank', 'long enough', { email: 'Frank@Example.com' });
    for (const username of ['Frank', 'frank', 'FRANK']) {
      expectCode(await s.gql(SIGN_UP, { fields: { username, password: 'long enough' } }), 202, 'Account already exists for this username.');
    }
    for (const email of ['Frank@Example.com', 'frank@example.com']) {
      expectCode(
        await s.gql(SIGN_UP, { fields: { username: 'other-' + email, password: 'long enough', email } }),
        203,
        'Account already exists for this email address.',
      );
    }
    const create = `mutation($f: CreateUserFieldsInput) { createUser(input: { fields: $f }) { user { objectId } } }`;
    expectCode(await s.gql(create, { f: { username: 'frank', password: 'long enough' } }, { master: true }), 202);
    expectCode(await s.gql(create, { f: { username: 'franky', password: 'long enough', email: 'FRANK@example.com' } }, { master: true }), 203);
    // An update to a case variant of someone else's name too.
    const { token, userId } = await signUpUser(s, 'gina', 'long enough');
    const update = `mutation($id: ID!, $f: UpdateUserFieldsInput) { updateUser(input: { id: $id, fields: $f }) { user { username } } }`;
    expectCode(await s.gql(update, { id: userId, f: { username: 'fRANK' } }, { token }), 202);
    expectCode(await s.gql(update, { id: userId, f: { email: 'frank@EXAMPLE.com' } }, { token }), 203);
    // A user may change the case of their own name.
    expect((await s.ok(update, { id: userId, f: { username: 'Gina' } }, { token })).updateUser.user.username).toBe('Gina');
  });

  it('two nested users whose names differ only in case are refused, and nothing is stored', async () => {
    await s.ok(
      `mutation { createClass(input: { name: "Team", schemaFields: { addRelations: [{ name: "members", targetClassName: "_User" }] } }) { class { name } } }`,
      {},
      { master: true },
    );
    const r = await s.gql(
      `mutation { createTeam(input: { fields: { members: { createAndAdd: [{ username: "twin", password: "long enough" }, { username: "TWIN", password: "long enough" }] } } }) { team { objectId } } }`,
      {},
      { master: true },
    );
    expect(r.errors?.[0].extensions?.code).toBe(202);
    expect(await s.plinth.db.query(`SELECT 1 FROM "_User" WHERE lower("username") = 'twin'`)).toHaveLength(0);
  });

  it('an email must look like one (125)', async () => {
    expectCode(
      await s.gql(SIGN_UP, { fields: { username: 'bad-email', password: 'long enough', email: 'not-an-email' } }),
      125,
      'Email address format is invalid.',
    );
  });

  it('only the master key sets emailVerified (119)', async () => {
    expectCode(
      await s.gql(SIGN_UP, { fields: { username: 'self-verified', password: 'long enough', email: 'sv@example.com', emailVerified: true } }),
      119,
      "Clients aren't allowed to manually update email verification.",
    );
    const d = await s.ok(
      `mutation { createUser(input: { fields: { username: "verified-by-admin", password: "long enough", emailVerified: true } }) { user { emailVerified } } }`,
      {},
      { master: true },
    );
    expect(d.createUser.user.emailVerified).toBe(true);
  });
});

describe('logIn', () => {
  beforeAll(async () => {
    await signUpUser(s, 'Helen', 'helen password', { email: 'helen@example.com' });
  });

  it('logs in with the username in any case, or with the email, and returns a new session each time', async () => {
    const tokens = new Set<string>();
    for (const username of ['Helen', 'helen', 'HELEN', 'helen@example.com', 'Helen@Example.COM']) {
      const d = await s.ok(LOG_IN, { username, password: 'helen password' });
      expect(d.logIn.viewer.user.username).toBe('Helen');
      tokens.add(d.logIn.viewer.sessionToken);
    }
    expect(tokens.size).toBe(5);
    for (const token of tokens) expect((await s.ok(VIEWER, {}, { token })).viewer.user.username).toBe('Helen');
  });

  it('gives one answer whether the user exists or not (101 Invalid username/password.)', async () => {
    expectCode(await s.gql(LOG_IN, { username: 'Helen', password: 'wrong password' }), 101, 'Invalid username/password.');
    expectCode(await s.gql(LOG_IN, { username: 'nobody-here', password: 'wrong password' }), 101, 'Invalid username/password.');
  });

  it('empty username or password: 200 / 201', async () => {
    expectCode(await s.gql(LOG_IN, { username: '', password: 'x' }), 200, 'username/email is required.');
    expectCode(await s.gql(LOG_IN, { username: 'Helen', password: '' }), 201, 'password is required.');
  });

  it('a user whose ACL grants no one anything (master only) cannot log in', async () => {
    const { userId } = await signUpUser(s, 'locked-down', 'long enough');
    await s.plinth.db.execute(`UPDATE "_User" SET "_rperm" = '{}', "_wperm" = '{}' WHERE "objectId" = $1`, [userId]);
    expectCode(await s.gql(LOG_IN, { username: 'locked-down', password: 'long enough' }), 101, 'Invalid username/password.');
  });
});

describe('new users’ ACL', () => {
  it('only the user may read and write a new user (Parse 6+ enforcePrivateUsers); an ACL given at signup keeps the owner', async () => {
    const { userId } = await signUpUser(s, 'owner', 'long enough');
    const { token: other } = await signUpUser(s, 'intruder', 'long enough');
    const rows = await s.plinth.db.query<{ r: string[]; w: string[] }>('SELECT "_rperm" AS "r", "_wperm" AS "w" FROM "_User" WHERE "objectId" = $1', [userId]);
    expect(rows[0].r).toEqual([userId]);
    expect(rows[0].w).toEqual([userId]);
    expectCode(await s.gql(`query($id: ID!) { user(id: $id) { username } }`, { id: userId }, { token: other }), 101);
    const update = `mutation($id: ID!) { updateUser(input: { id: $id, fields: { username: "hijacked" } }) { user { username } } }`;
    // Parse's answer for a user one may not write (test/auth/user-writes.db.test.ts).
    expectCode(await s.gql(update, { id: userId }, { token: other }), 206);
    expectCode(await s.gql(update, { id: userId }), 206);

    const d = await s.ok(
      `mutation { signUp(input: { fields: { username: "private", password: "long enough", ACL: { public: { read: false, write: false } } } }) { viewer { user { objectId ACL { users { userId read write } public { read write } } } } } }`,
    );
    const acl = d.signUp.viewer.user.ACL;
    expect(acl.public).toBeNull();
    expect(acl.users).toEqual([{ userId: expect.any(String), read: true, write: true }]);
  });

  it('createUser (master) gets the same default ACL', async () => {
    const d = await s.ok(
      `mutation { createUser(input: { fields: { username: "made-by-admin", password: "long enough" } }) { user { objectId ACL { public { read write } } } } }`,
      {},
      { master: true },
    );
    expect(d.createUser.user.ACL.public).toBeNull();
  });
});

describe('logInWith (anonymous users)', () => {
  const LOG_IN_WITH = `mutation($authData: Object!, $fields: UserLoginWithInput) {
    logInWith(input: { authData: $authData, fields: $fields }) { viewer { sessionToken user { objectId username authData email } } }
  }`;
  const id = '6f1ed002-ab5d-42e4-9a5e-7d1d8ed52d6b';

  it('creates a user the first time, logs the same user in the next, and stores only the id', async () => {
    const first = (await s.ok(LOG_IN_WITH, { authData: { anonymous: { id, extra: 'ignored' } }, fields: { email: 'anon@example.com' } })).logInWith.viewer;
    expect(first.user.authData).toEqual({ anonymous: { id } });
    expect(first.user.username).toMatch(/^[A-Za-z0-9]{25}$/);
    expect(first.user.email).toBe('anon@example.com');
    const second = (await s.ok(LOG_IN_WITH, { authData: { anonymous: { id } }, fields: { email: 'ignored@example.com' } })).logInWith.viewer;
    expect(second.user.objectId).toBe(first.user.objectId);
    expect(second.user.email).toBe('anon@example.com');
    expect(second.sessionToken).not.toBe(first.sessionToken);
    expect((await s.ok(VIEWER, {}, { token: second.sessionToken })).viewer.user.objectId).toBe(first.user.objectId);
    const sessions = await s.plinth.db.query<{ createdWith: unknown }>('SELECT "createdWith" FROM "_Session" WHERE "user" = $1 ORDER BY "createdAt"', [
      first.user.objectId,
    ]);
    expect(sessions.map((r) => (typeof r.createdWith === 'string' ? JSON.parse(r.createdWith) : r.createdWith))).toEqual([
      { action: 'signup', authProvider: 'anonymous' },
      { action: 'login', authProvider: 'anonymous' },
    ]);
  });

  it('refuses an identity another user holds when it is written through createUser/updateUser (208)', async () => {
    const other = '0c7a9f38-7e0b-4a53-b1f0-4a1f1a2c3d4e';
    await s.ok(LOG_IN_WITH, { authData: { anonymous: { id: other } } });
    const { token, userId } = await signUpUser(s, 'linker', 'long enough');
    const r = await s.gql(
      `mutation($id: ID!, $a: Object) { updateUser(input: { id: $id, fields: { authData: $a } }) { user { objectId } } }`,
      { id: userId, a: { anonymous: { id: other } } },
      { token },
    );
    expectCode(r, 208, 'this auth is already used');
  });

  it('links and unlinks a provider on update, keeping only what the provider confirmed', async () => {
    const { token, userId } = await signUpUser(s, 'link-me', 'long enough');
    const update = `mutation($id: ID!, $a: Object) { updateUser(input: { id: $id, fields: { authData: $a } }) { user { authData } } }`;
    const linkId = 'b2d4c1e0-1234-4cde-8f00-aaaaaaaaaaaa';
    const linked = await s.ok(update, { id: userId, a: { anonymous: { id: linkId, session: 'not kept' } } }, { token });
    expect(linked.updateUser.user.authData).toEqual({ anonymous: { id: linkId } });
    const unlinked = await s.ok(update, { id: userId, a: { anonymous: null } }, { token });
    expect(unlinked.updateUser.user.authData).toBeNull();
  });

  it('an authData id that does not validate is refused, and nothing is created', async () => {
    const r = await s.gql(LOG_IN_WITH, { authData: { anonymous: { id: 'short' } } });
    expect(r.errors?.[0].extensions?.code).toBe(101);
    const unsupported = await s.gql(LOG_IN_WITH, { authData: { myspace: { id: 'x', token: 'y' } } });
    expect(unsupported.errors?.[0].extensions?.code).toBe(252);
  });
});
