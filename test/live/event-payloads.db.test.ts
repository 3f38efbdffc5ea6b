import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clp, setClp, signedInUser, type Caller } from '../security/helpers.ts';
import { hubSubscribers, startWsServer, stream, until, type Stream, type WsTestServer } from './ws-server.ts';

// Every event of `<class>Events` satisfies the type's non-null fields (ACL, createdAt,
// updatedAt) for any selection, and shows a subscriber nothing it may not read: an object
// that left because the subscriber lost read access arrives as the subscriber last saw it.

let server: WsTestServer;
let bob: Caller;

const SELECTION = 'objectId title secret views ACL { public { read } users { userId read } } createdAt updatedAt';
const EVENTS = `subscription($where: PrivWhereInput) { privEvents(where: $where) { event priv { ${SELECTION} } original { ${SELECTION} } } }`;

/** Bob's id as the ACL type shows it (a global id). */
const bobGlobalId = () => Buffer.from(`_User:${bob.userId}`).toString('base64');
const readableBy = (...userIds: string[]) => ({ users: userIds.map((userId) => ({ userId, read: true, write: true })) });

async function createPriv(fields: Record<string, unknown>): Promise<{ objectId: string; createdAt: string; updatedAt: string }> {
  const d = await server.ok(`mutation($f: CreatePrivFieldsInput) { createPriv(input: { fields: $f }) { priv { objectId createdAt updatedAt } } }`, {
    f: fields,
  });
  return d.createPriv.priv;
}

async function updatePriv(id: string, fields: Record<string, unknown>): Promise<string> {
  const d = await server.ok(`mutation($id: ID!, $f: UpdatePrivFieldsInput) { updatePriv(input: { id: $id, fields: $f }) { priv { updatedAt } } }`, {
    id,
    f: fields,
  });
  return d.updatePriv.priv.updatedAt;
}

async function deletePriv(id: string): Promise<void> {
  await server.ok(`mutation($id: ID!) { deletePriv(input: { id: $id }) { priv { objectId } } }`, { id });
}

/** Runs `test` on bob's subscription, once the hub holds it (so no write is missed), and ends it. */
async function asBob(variables: Record<string, unknown>, test: (s: Stream) => Promise<void>): Promise<void> {
  const s = stream(server.client({ sessionToken: bob.headers['x-parse-session-token'] }), EVENTS, variables);
  try {
    await until(() => hubSubscribers(server, 'Priv') > 0 || s.completed, 5000, 'the subscription to start');
    await test(s);
  } finally {
    s.stop();
    await until(() => hubSubscribers(server, 'Priv') === 0);
  }
}

beforeAll(async () => {
  server = await startWsServer();
  await server.ok(`mutation {
    createClass(input: { name: "Priv", schemaFields: { addStrings: [{ name: "title" }, { name: "secret" }], addNumbers: [{ name: "views" }] } }) { clientMutationId }
  }`);
  await setClp(server, 'Priv', clp({ protectedFields: { '*': ['secret'] } }));
  bob = await signedInUser(server, 'bob');
});
afterAll(() => server?.close());

describe('privEvents payloads', () => {
  it('sends a LEAVE caused by lost read access whole: the object as the subscriber last saw it, nothing of its new state', async () => {
    await asBob({}, async (s) => {
      const made = await createPriv({ title: 'shared', secret: 's1', views: 1, ACL: readableBy(bob.userId!) });
      expect((await s.next(1)).errors).toBeUndefined();
      // The master key takes bob's read access away and changes the object in the same write.
      await updatePriv(made.objectId, { title: 'private now', views: 2, secret: 's2', ACL: { users: [], public: { read: false, write: false } } });
      const left = await s.next(2);
      expect(left.errors).toBeUndefined();
      const seen = { objectId: made.objectId, title: 'shared', secret: null, views: 1, ACL: { public: null, users: [{ userId: bobGlobalId(), read: true }] } };
      const last = { ...seen, createdAt: made.createdAt, updatedAt: made.updatedAt };
      expect(left.data).toEqual({ privEvents: { event: 'LEAVE', priv: last, original: last } });
      expect(JSON.stringify(left)).not.toContain('private now');
      expect(JSON.stringify(left)).not.toContain('s2');
    });
  });

  it('sends a LEAVE caused by the where with the new state the subscriber may still read', async () => {
    await asBob({ where: { views: { lessThan: 10 } } }, async (s) => {
      const made = await createPriv({ title: 'low', secret: 's', views: 1 });
      expect((await s.next(1)).errors).toBeUndefined();
      const updatedAt = await updatePriv(made.objectId, { views: 50 });
      const left = await s.next(2);
      expect(left.errors).toBeUndefined();
      const acl = { public: { read: true }, users: null };
      expect(left.data).toEqual({
        privEvents: {
          event: 'LEAVE',
          priv: { objectId: made.objectId, title: 'low', secret: null, views: 50, ACL: acl, createdAt: made.createdAt, updatedAt },
          original: { objectId: made.objectId, title: 'low', secret: null, views: 1, ACL: acl, createdAt: made.createdAt, updatedAt: made.updatedAt },
        },
      });
    });
  });

  it('sends CREATE, UPDATE, ENTER, LEAVE and DELETE without an error for a selection of every non-null field', async () => {
    await asBob({}, async (s) => {
      const made = await createPriv({ title: 'a', secret: 's', views: 1 });
      await updatePriv(made.objectId, { views: 2 });
      await updatePriv(made.objectId, { ACL: readableBy() }); // LEAVE: bob lost read access
      await updatePriv(made.objectId, { views: 3, ACL: readableBy(bob.userId!) }); // ENTER
      const gone = await updatePriv(made.objectId, { views: 4 });
      await deletePriv(made.objectId);
      const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => s.next(n)));
      expect(results.map((r) => r.errors)).toEqual(results.map(() => undefined));
      expect(results.map((r) => r.data.privEvents.event)).toEqual(['CREATE', 'UPDATE', 'LEAVE', 'ENTER', 'UPDATE', 'DELETE']);
      for (const r of results) expect(r.data.privEvents.priv).toMatchObject({ objectId: made.objectId, createdAt: made.createdAt, secret: null });
      // The LEAVE shows the state before the write that took bob's access, ENTER's original is not his to see.
      expect(results[2]!.data.privEvents.priv).toMatchObject({ views: 2, ACL: { public: { read: true } } });
      expect(results[3]!.data.privEvents.original).toBeNull();
      // DELETE shows the object as it was when deleted.
      expect(results[5]!.data.privEvents.priv).toMatchObject({ views: 4, updatedAt: gone, ACL: { users: [{ userId: bobGlobalId(), read: true }] } });
    });
  });
});
