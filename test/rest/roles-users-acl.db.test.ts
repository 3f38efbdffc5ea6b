import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { restClient } from '../helpers/rest.ts';

// Parse's rules for the ACLs of users and roles, which decide who may read a user and who may
// join a role: users are private by default (enforcePrivateUsers), a role needs a name and an ACL.
let s: TestServer;
let rest: ReturnType<typeof restClient>;

beforeAll(async () => {
  s = await startTestServer({ auth: { rateLimits: { perIpPerMinute: 0, perAccountPerMinute: 0 } } });
  rest = restClient(s.plinth);
});
afterAll(() => s?.close());

async function signUp(username: string, body: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
  const r = await rest('POST', 'users', { body: { username, password: 'long enough pass', ...body } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { id: r.body.objectId, token: r.body.sessionToken };
}

const ROLE_ACL = { '*': { read: true } };

describe('a role needs a name and an ACL (111), whoever creates it', () => {
  it('refuses a role without an ACL or a name, for a user and for the master key; nothing is stored', async () => {
    const u = await signUp('rolemaker');
    for (const caller of [{ session: u.token }, { master: true }]) {
      const noAcl = await rest('POST', 'roles', { ...caller, body: { name: 'Open' } });
      expect([noAcl.status, noAcl.body]).toEqual([400, { code: 111, error: 'ACL is required.' }]);
      const noName = await rest('POST', 'roles', { ...caller, body: { ACL: ROLE_ACL } });
      expect([noName.status, noName.body]).toEqual([400, { code: 111, error: 'name is required.' }]);
      const throughClasses = await rest('POST', 'classes/_Role', { ...caller, body: { name: 'Open' } });
      expect(throughClasses.body).toEqual({ code: 111, error: 'ACL is required.' });
    }
    expect(await s.plinth.db.query('SELECT 1 FROM "_Role"')).toHaveLength(0);
    const gql = await s.master('mutation { createRole(input: { fields: { name: "Open" } }) { role { objectId } } }');
    expect(gql.errors?.[0]).toMatchObject({ message: 'ACL is required.', extensions: { code: 111 } });
  });

  it('keeps both once set: unsetting the ACL or the name is 111; other changes pass', async () => {
    const role = await rest('POST', 'roles', { master: true, body: { name: 'Keepers', ACL: ROLE_ACL } });
    expect(role.status).toBe(201);
    for (const body of [{ ACL: { __op: 'Delete' } }, { name: { __op: 'Delete' } }, { name: null }]) {
      const r = await rest('PUT', `roles/${role.body.objectId}`, { master: true, body });
      expect(r.body.code, JSON.stringify(body)).toBe(111);
    }
    const changed = await rest('PUT', `roles/${role.body.objectId}`, { master: true, body: { ACL: { '*': { read: true, write: false } } } });
    expect(changed.status).toBe(200);
    expect((await rest('GET', `roles/${role.body.objectId}`)).body).toMatchObject({ name: 'Keepers', ACL: { '*': { read: true } } });
  });

  it('a role a user creates with its own ACL cannot be joined by another user', async () => {
    const owner = await signUp('roleowner');
    const intruder = await signUp('roleintruder');
    const role = await rest('POST', 'roles', {
      session: owner.token,
      body: { name: 'OwnersOnly', ACL: { '*': { read: true }, [owner.id]: { read: true, write: true } } },
    });
    expect(role.status, JSON.stringify(role.body)).toBe(201);
    const join = await rest('PUT', `roles/${role.body.objectId}`, {
      session: intruder.token,
      body: { users: { __op: 'AddRelation', objects: [{ __type: 'Pointer', className: '_User', objectId: intruder.id }] } },
    });
    expect(join.body.code).toBe(101);
    expect(await s.plinth.roles.rolesOf(intruder.id)).toEqual([]);
  });
});

describe('users are private by default (Parse 6+ enforcePrivateUsers)', () => {
  it('a new user’s ACL is the user’s alone; an ACL given at sign-up is kept with the user added', async () => {
    const a = await signUp('private-a');
    const stored = await rest('GET', `users/${a.id}`, { master: true });
    expect(stored.body.ACL).toEqual({ [a.id]: { read: true, write: true } });
    const b = await signUp('public-b', { ACL: { '*': { read: true } } });
    expect((await rest('GET', `users/${b.id}`, { master: true })).body.ACL).toEqual({ '*': { read: true }, [b.id]: { read: true, write: true } });
    // a is unreadable to anyone else, b (who chose) to everyone.
    expect((await rest('GET', `users/${a.id}`, { session: b.token })).body).toEqual({ code: 101, error: 'Object not found.' });
    expect((await rest('GET', `users/${b.id}`, { session: a.token })).body).toMatchObject({ objectId: b.id, username: 'public-b' });
    const found = await rest('GET', 'users', { params: { where: { username: { $in: ['private-a', 'public-b'] } } } });
    expect(found.body.results.map((u: { username: string }) => u.username)).toEqual(['public-b']);
    // The same through GraphQL, which shares the core.
    const gql = await s.anon(`{ users(where: { username: { in: ["private-a", "public-b"] } }) { count edges { node { username } } } }`);
    expect(gql.data?.users).toEqual({ count: 1, edges: [{ node: { username: 'public-b' } }] });
  });
});

describe('PLINTH_PRIVATE_USERS=false: Parse 5’s public users', () => {
  let open: TestServer;
  beforeAll(async () => {
    open = await startTestServer({ auth: { privateUsers: false, rateLimits: { perIpPerMinute: 0, perAccountPerMinute: 0 } } });
  });
  afterAll(() => open?.close());

  it('everyone may read a new user; only the user may write it', async () => {
    const openRest = restClient(open.plinth);
    const r = await openRest('POST', 'users', { body: { username: 'shown', password: 'long enough pass' } });
    const id = r.body.objectId;
    expect((await openRest('GET', `users/${id}`, { master: true })).body.ACL).toEqual({ '*': { read: true }, [id]: { read: true, write: true } });
    expect((await openRest('GET', `users/${id}`)).body).toMatchObject({ objectId: id, username: 'shown' });
  });
});
