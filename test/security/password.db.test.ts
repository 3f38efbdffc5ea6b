import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createClass, expectError, globalId } from '../objects/helpers.ts';

/** _User's password is write-only: hashed (argon2id) into "_hashed_password", never a field, never returned. */
describe('_User passwords and unique values', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await createClass(s, 'Account', 'addStrings: [{ name: "password" }], addPointers: [{ name: "user", targetClassName: "_User" }]');
  });
  afterAll(() => s?.close());

  const hashOf = async (objectId: string) =>
    (await s.plinth.db.query<{ h: string | null }>(`SELECT "_hashed_password" AS "h" FROM "_User" WHERE "objectId" = $1`, [objectId]))[0]?.h;

  it('stores an argon2id hash, not the password, and the User type has no password field', async () => {
    const d = await s.ok(`mutation { createUser(input: { fields: { username: "ann", password: "correct horse" } }) { user { id objectId username } } }`);
    const user = d.createUser.user;
    expect(user.id).toBe(globalId('_User', user.objectId));
    const hash = await hashOf(user.objectId);
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(hash).not.toContain('correct horse');
    const raw = await s.plinth.db.query(`SELECT * FROM "_User" WHERE "objectId" = $1`, [user.objectId]);
    expect(JSON.stringify(raw)).not.toContain('correct horse');
    const fields = (await s.ok(`{ __type(name: "User") { fields { name } } }`)).__type.fields.map((f: { name: string }) => f.name);
    expect(fields).not.toContain('password');
    const q = await s.master(`query($id: ID!) { user(id: $id) { password } }`, { id: user.id });
    expect(q.errors?.[0].message).toMatch(/Cannot query field "password"/);
    const node = await s.ok(`query($id: ID!) { node(id: $id) { __typename id ... on User { username } } }`, { id: user.id });
    expect(node.node).toEqual({ __typename: 'User', id: user.id, username: 'ann' });
  });

  it('an update replaces the hash; other updates leave it alone', async () => {
    const user = (await s.ok(`mutation { createUser(input: { fields: { username: "bob", password: "first-password" } }) { user { id objectId } } }`)).createUser
      .user;
    const first = await hashOf(user.objectId);
    await s.ok(`mutation($id: ID!) { updateUser(input: { id: $id, fields: { email: "bob@example.com" } }) { user { objectId } } }`, { id: user.id });
    expect(await hashOf(user.objectId)).toBe(first);
    await s.ok(`mutation($id: ID!) { updateUser(input: { id: $id, fields: { password: "second-password" } }) { user { objectId } } }`, { id: user.id });
    const second = await hashOf(user.objectId);
    expect(second).toMatch(/^\$argon2id\$/);
    expect(second).not.toBe(first);
  });

  it('an empty password is refused (201 on create, as Parse: "password is required"); null is refused with 111', async () => {
    expectError(await s.master(`mutation { createUser(input: { fields: { username: "carl", password: "" } }) { user { objectId } } }`), 201);
    const user = (await s.ok(`mutation { createUser(input: { fields: { username: "dora", password: "long-enough-1" } }) { user { id objectId } } }`)).createUser
      .user;
    const before = await hashOf(user.objectId);
    expectError(
      await s.master(`mutation($id: ID!) { updateUser(input: { id: $id, fields: { password: null } }) { user { objectId } } }`, { id: user.id }),
      111,
    );
    expect(await hashOf(user.objectId)).toBe(before);
    expect(await s.plinth.db.query(`SELECT 1 FROM "_User" WHERE "username" = 'carl'`)).toHaveLength(0);
  });

  it('users created inside another mutation are hashed too', async () => {
    const d = await s.ok(
      `mutation { createAccount(input: { fields: { user: { createAndLink: { username: "eve", password: "hidden-password" } } } }) { account { user { objectId username } } } }`,
    );
    expect(d.createAccount.account.user.username).toBe('eve');
    expect(await hashOf(d.createAccount.account.user.objectId)).toMatch(/^\$argon2id\$/);
  });

  it('a field called password in another class is an ordinary field', async () => {
    const d = await s.ok(`mutation { createAccount(input: { fields: { password: "visible" } }) { account { id } } }`);
    const got = await s.ok(`query($id: ID!) { account(id: $id) { password } }`, { id: d.createAccount.account.id });
    expect(got.account.password).toBe('visible');
  });

  it('taken usernames and emails are 202 and 203; other unique values 137', async () => {
    await s.ok(`mutation { createUser(input: { fields: { username: "frank", email: "f@example.com", password: "long-enough-1" } }) { user { objectId } } }`);
    expectError(
      await s.master(`mutation { createUser(input: { fields: { username: "frank", password: "long-enough-1" } }) { user { objectId } } }`),
      202,
      'Account already exists for this username.',
    );
    expectError(
      await s.master(
        `mutation { createUser(input: { fields: { username: "frank2", email: "f@example.com", password: "long-enough-1" } }) { user { objectId } } }`,
      ),
      203,
      'Account already exists for this email address.',
    );
    await s.ok(`mutation { createRole(input: { fields: { name: "Admins", ACL: { public: { read: true, write: false } } } }) { role { objectId } } }`);
    expectError(
      await s.master(`mutation { createRole(input: { fields: { name: "Admins", ACL: { public: { read: true, write: false } } } }) { role { objectId } } }`),
      137,
      'A duplicate value for a field with unique values was provided',
    );
    const other = (await s.ok(`mutation { createUser(input: { fields: { username: "gina", password: "long-enough-1" } }) { user { id } } }`)).createUser.user;
    expectError(
      await s.master(`mutation($id: ID!) { updateUser(input: { id: $id, fields: { username: "frank" } }) { user { objectId } } }`, { id: other.id }),
      202,
    );
  });
});

describe('a password change ends the other sessions once it commits', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    // A rule that refuses some updates after the password hook has run inside the transaction.
    s.plinth.hooks.register('_User', {
      inTransaction(op) {
        if (op.input.username === 'refused') throw new Error('refused after the password hook');
      },
    });
  });
  afterAll(() => s?.close());

  it('announces the revocation after COMMIT, and not at all when the write rolls back', async () => {
    const user = (await s.ok(`mutation { createUser(input: { fields: { username: "cat", password: "first-password" } }) { user { id objectId } } }`)).createUser
      .user;
    const session = await s.plinth.sessions.create(user.objectId, { action: 'login' });
    const heard: unknown[] = [];
    const off = s.plinth.sessions.onEnded((ended) => heard.push(ended));
    try {
      const failed = await s.master(
        `mutation($id: ID!) { updateUser(input: { id: $id, fields: { password: "second-password", username: "refused" } }) { user { objectId } } }`,
        { id: user.id },
      );
      expect(failed.errors?.length).toBe(1);
      // The hook's plain Error is unexpected: masked as code 1.
      expect(failed.errors?.[0].extensions?.code).toBe(1);
      expect(heard).toEqual([]);
      expect(await s.plinth.sessions.validate(session.token)).toBeDefined();

      await s.ok(`mutation($id: ID!) { updateUser(input: { id: $id, fields: { password: "second-password" } }) { user { objectId } } }`, { id: user.id });
      expect(heard).toEqual([{ userId: user.objectId }]);
      expect(await s.plinth.sessions.validate(session.token)).toBeUndefined();
    } finally {
      off();
    }
  });
});
