import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { restClient } from '../helpers/rest.ts';

// What Parse Server's REST API answers about ACLs, which the SDKs read back (getACL()).
let s: TestServer;
let rest: ReturnType<typeof restClient>;

beforeAll(async () => {
  s = await startTestServer();
  rest = restClient(s.plinth);
});
afterAll(() => s.close());

async function signUp(username: string): Promise<{ id: string; token: string }> {
  const r = await rest('POST', 'users', { body: { username, password: 'long enough pass' } });
  expect(r.status).toBe(201);
  return { id: r.body.objectId, token: r.body.sessionToken };
}

describe('REST ACL answers', () => {
  it('an object saved without an ACL is answered without one; an explicit public ACL is answered', async () => {
    const bare = await rest('POST', 'classes/AclNote', { master: true, body: { text: 'no acl' } });
    const open = await rest('POST', 'classes/AclNote', { master: true, body: { text: 'public', ACL: { '*': { read: true, write: true } } } });
    const got = await rest('GET', `classes/AclNote/${bare.body.objectId}`);
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty('ACL');
    expect((await rest('GET', `classes/AclNote/${open.body.objectId}`)).body.ACL).toEqual({ '*': { read: true, write: true } });
    const found = await rest('GET', 'classes/AclNote', { params: { order: 'createdAt' } });
    expect(found.body.results.map((o: any) => o.ACL ?? null)).toEqual([null, { '*': { read: true, write: true } }]);
    // An update of the bare one keeps it bare.
    await rest('PUT', `classes/AclNote/${bare.body.objectId}`, { body: { text: 'still no acl' } });
    expect((await rest('GET', `classes/AclNote/${bare.body.objectId}`)).body).not.toHaveProperty('ACL');
  });

  it('an included pointer to an object the caller may not read is left out, as Parse does', async () => {
    const secret = await rest('POST', 'classes/AclSecret', { master: true, body: { name: 'hidden', ACL: {} } });
    const visible = await rest('POST', 'classes/AclSecret', { master: true, body: { name: 'shown' } });
    const ptr = (id: string) => ({ __type: 'Pointer', className: 'AclSecret', objectId: id });
    const a = await rest('POST', 'classes/AclHolder', { master: true, body: { n: 1, secret: ptr(secret.body.objectId) } });
    await rest('POST', 'classes/AclHolder', { master: true, body: { n: 2, secret: ptr(visible.body.objectId) } });
    for (const include of ['secret', '*']) {
      const found = await rest('GET', 'classes/AclHolder', { params: { order: 'n', include } });
      expect(found.body.results[0]).not.toHaveProperty('secret');
      expect(found.body.results[1].secret).toMatchObject({ __type: 'Object', className: 'AclSecret', name: 'shown' });
    }
    expect((await rest('GET', `classes/AclHolder/${a.body.objectId}`, { params: { include: 'secret' } })).body).not.toHaveProperty('secret');
    // Without include, the pointer is answered as stored; the master key reads the target.
    expect((await rest('GET', `classes/AclHolder/${a.body.objectId}`)).body.secret).toEqual(ptr(secret.body.objectId));
    expect((await rest('GET', `classes/AclHolder/${a.body.objectId}`, { master: true, params: { include: 'secret' } })).body.secret.name).toBe('hidden');
  });

  it("a class's default ACL (CLP ACL, Parse 9) is given to objects created without one, currentUser as the creator", async () => {
    await rest('POST', 'schemas/AclDiary', { master: true, body: { className: 'AclDiary', fields: { text: { type: 'String' } } } });
    const schema = await rest('GET', 'schemas/AclDiary', { master: true });
    expect(schema.body.classLevelPermissions.ACL).toEqual({ '*': { read: true, write: true } });
    const clp = { ...schema.body.classLevelPermissions, ACL: { currentUser: { read: true, write: true }, 'role:Moderators': { read: true } } };
    expect((await rest('PUT', 'schemas/AclDiary', { master: true, body: { classLevelPermissions: clp } })).status).toBe(200);

    const ann = await signUp('diary-ann');
    const ben = await signUp('diary-ben');
    const created = await rest('POST', 'classes/AclDiary', { session: ann.token, body: { text: 'dear diary' } });
    expect(created.status).toBe(201);
    const expected = { [ann.id]: { read: true, write: true }, 'role:Moderators': { read: true } };
    expect(created.body.ACL).toEqual(expected);
    expect((await rest('GET', `classes/AclDiary/${created.body.objectId}`, { session: ann.token })).body.ACL).toEqual(expected);
    expect((await rest('GET', `classes/AclDiary/${created.body.objectId}`, { session: ben.token })).status).toBe(404);
    expect((await rest('GET', 'classes/AclDiary', { session: ben.token })).body.results).toEqual([]);
    expect((await rest('GET', `classes/AclDiary/${created.body.objectId}`)).status).toBe(404);

    // An ACL sent with the object wins; the master key (no user) gets the default without currentUser.
    const shared = await rest('POST', 'classes/AclDiary', { session: ann.token, body: { text: 'open', ACL: { '*': { read: true } } } });
    expect(shared.body).not.toHaveProperty('ACL');
    expect((await rest('GET', `classes/AclDiary/${shared.body.objectId}`, { session: ben.token })).body.text).toBe('open');
    const byMaster = await rest('POST', 'classes/AclDiary', { master: true, body: { text: 'master' } });
    expect((await rest('GET', `classes/AclDiary/${byMaster.body.objectId}`, { master: true })).body.ACL).toEqual({ 'role:Moderators': { read: true } });
  });

  it('refuses a malformed CLP ACL with 107', async () => {
    await rest('POST', 'schemas/AclBad', { master: true, body: { className: 'AclBad' } });
    for (const ACL of [{ '*': { read: 'yes' } }, { '*': { delete: true } }, { '*': true }]) {
      const r = await rest('PUT', 'schemas/AclBad', { master: true, body: { classLevelPermissions: { ACL } } });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe(107);
    }
  });
});
