import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudApi } from '../../src/cloud/types.ts';
import { expectCode, LOG_IN, signUpUser, startAuthServer, type AuthServer } from './helpers.ts';

// Who may change or delete a user, on every path, as Parse Server answers it: the master key
// any user; a caller with a session the users its ACL lets it write; anyone else 206.

let s: AuthServer;

/** A cloud function that changes or deletes a user through the data API, as the caller. */
function setup(cloud: CloudApi) {
  cloud.define('touchUser', async (req) => {
    const { id, op } = req.params as { id: string; op: 'update' | 'delete' };
    if (op === 'delete') await req.data.delete('_User', id);
    else await req.data.update('_User', id, { username: `renamed-${id}` });
    return 'done';
  });
}

beforeAll(async () => {
  s = await startAuthServer({}, { cloudSetup: setup });
});
afterAll(() => s?.close());

const UPDATE = `mutation($id: ID!, $fields: UpdateUserFieldsInput) { updateUser(input: { id: $id, fields: $fields }) { user { objectId username } } }`;
const DELETE = `mutation($id: ID!) { deleteUser(input: { id: $id }) { user { objectId } } }`;
const TOUCH = `mutation($params: Object) { callCloudCode(input: { functionName: touchUser, params: $params }) { result } }`;

describe('User.password', () => {
  it('is no field of the User type: selecting it is a validation error, wherever a User is', async () => {
    const ann = await signUpUser(s, 'pw-ann', 'password one');
    for (const query of [
      `{ users { edges { node { password } } } }`,
      `{ user(id: "${ann.userId}") { password } }`,
      `{ viewer { user { password } } }`,
      `mutation { updateUser(input: { id: "${ann.userId}", fields: { username: "pw-ann" } }) { user { password } } }`,
    ]) {
      const r = await s.gql(query, {}, { token: ann.token });
      expect(r.status, query).toBe(400);
      expect(r.data, query).toBeUndefined();
      expect(r.errors?.[0].message, query).toBe('Cannot query field "password" on type "User".');
    }
  });

  it('stays writable: a user changes their own password and logs in with it', async () => {
    const bea = await signUpUser(s, 'pw-bea', 'password one');
    await s.ok(UPDATE, { id: bea.userId, fields: { password: 'password two' } }, { token: bea.token });
    expectCode(await s.gql(LOG_IN, { username: 'pw-bea', password: 'password one' }), 101);
    expect((await s.ok(LOG_IN, { username: 'pw-bea', password: 'password two' })).logIn.viewer.user.objectId).toBe(bea.userId);
  });
});

describe('changing or deleting another user', () => {
  it('answers 206 "Insufficient auth." for a user the caller may not write, and changes nothing', async () => {
    const ann = await signUpUser(s, 'w-ann', 'password one');
    const bob = await signUpUser(s, 'w-bob', 'password two');
    expectCode(await s.gql(UPDATE, { id: bob.userId, fields: { username: 'stolen' } }, { token: ann.token }), 206, 'Insufficient auth.');
    expectCode(await s.gql(UPDATE, { id: bob.userId, fields: { password: 'taken over' } }, { token: ann.token }), 206, 'Insufficient auth.');
    expectCode(await s.gql(DELETE, { id: bob.userId }, { token: ann.token }), 206, 'Insufficient auth.');
    const still = await s.ok(`query($id: ID!) { user(id: $id) { username } }`, { id: bob.userId }, { master: true });
    expect(still.user.username).toBe('w-bob');
    expect((await s.ok(LOG_IN, { username: 'w-bob', password: 'password two' })).logIn.viewer.user.objectId).toBe(bob.userId);
  });

  it('answers 206 for a user that does not exist, as Parse does', async () => {
    const ann = await signUpUser(s, 'w-cat', 'password one');
    expectCode(await s.gql(UPDATE, { id: 'noSuchUser', fields: { username: 'x' } }, { token: ann.token }), 206, 'Insufficient auth.');
    expectCode(await s.gql(DELETE, { id: 'noSuchUser' }, { token: ann.token }), 206, 'Insufficient auth.');
  });

  it('refuses a caller without a session even when the ACL is public (206)', async () => {
    const open = await signUpUser(s, 'w-open', 'password one');
    await s.ok(UPDATE, { id: open.userId, fields: { ACL: { public: { read: true, write: true } } } }, { master: true });
    expectCode(await s.gql(UPDATE, { id: open.userId, fields: { username: 'x' } }), 206, `Cannot modify user ${open.userId}.`);
    expectCode(await s.gql(DELETE, { id: open.userId }), 206, 'Insufficient auth to delete user');
  });

  it('lets a user write another whose ACL grants it, and the master key any user', async () => {
    const ann = await signUpUser(s, 'w-dee', 'password one');
    const eve = await signUpUser(s, 'w-eve', 'password two');
    await s.ok(UPDATE, { id: eve.userId, fields: { ACL: { public: { read: true, write: true } } } }, { master: true });
    expect((await s.ok(UPDATE, { id: eve.userId, fields: { username: 'w-eve2' } }, { token: ann.token })).updateUser.user.username).toBe('w-eve2');
    const fay = await signUpUser(s, 'w-fay', 'password three');
    expect((await s.ok(UPDATE, { id: fay.userId, fields: { username: 'w-fay2' } }, { master: true })).updateUser.user.username).toBe('w-fay2');
    expect((await s.ok(DELETE, { id: fay.userId }, { master: true })).deleteUser.user.objectId).toBe(fay.userId);
  });

  it('lets a user change and delete themselves', async () => {
    const gus = await signUpUser(s, 'w-gus', 'password one');
    expect((await s.ok(UPDATE, { id: gus.userId, fields: { username: 'w-gus2' } }, { token: gus.token })).updateUser.user.username).toBe('w-gus2');
    expect((await s.ok(DELETE, { id: gus.userId }, { token: gus.token })).deleteUser.user.objectId).toBe(gus.userId);
  });

  it('holds for cloud code’s data API acting as the caller', async () => {
    const ann = await signUpUser(s, 'w-hal', 'password one');
    const bob = await signUpUser(s, 'w-ivy', 'password two');
    expectCode(await s.gql(TOUCH, { params: { id: bob.userId, op: 'update' } }, { token: ann.token }), 206, 'Insufficient auth.');
    expectCode(await s.gql(TOUCH, { params: { id: bob.userId, op: 'delete' } }, { token: ann.token }), 206, 'Insufficient auth.');
    expectCode(await s.gql(TOUCH, { params: { id: bob.userId, op: 'update' } }), 206, `Cannot modify user ${bob.userId}.`);
    expect((await s.ok(TOUCH, { params: { id: ann.userId, op: 'update' } }, { token: ann.token })).callCloudCode.result).toBe('done');
  });
});
