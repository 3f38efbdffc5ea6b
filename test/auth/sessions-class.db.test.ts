import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sessions } from '../../src/auth/sessions.ts';
import { expectCode, LOG_IN, signUpUser, startAuthServer, VIEWER, type AuthServer } from './helpers.ts';

// `_Session` served as Parse Server serves it (Session, session(id), sessions(…)): each user
// sees and deletes only their own sessions, the master key all; clients create and retarget
// none; and the stored value of "sessionToken" (the token's SHA-256) never leaves the server.

let s: AuthServer;
let ann: { userId: string; token: string; phone: string };
let bob: { userId: string; token: string };

const SESSIONS = `{ sessions(order: [createdAt_ASC]) { count edges { node { objectId sessionToken installationId createdWith expiresAt user { objectId } } } } }`;
const SESSION = `query($id: ID!) { session(id: $id) { objectId sessionToken user { objectId } } }`;
const UPDATE = `mutation($id: ID!, $fields: UpdateSessionFieldsInput) { updateSession(input: { id: $id, fields: $fields }) { session { objectId expiresAt } } }`;
const DELETE = `mutation($id: ID!) { deleteSession(input: { id: $id }) { session { objectId } } }`;
const CREATE = `mutation($fields: CreateSessionFieldsInput) { createSession(input: { fields: $fields }) { session { objectId sessionToken } } }`;

async function sessionIdsOf(userId: string): Promise<string[]> {
  const rows = await s.plinth.db.query<{ objectId: string }>('SELECT "objectId" FROM "_Session" WHERE "user" = $1 ORDER BY "createdAt"', [userId]);
  return rows.map((r) => r.objectId);
}

beforeAll(async () => {
  s = await startAuthServer();
  const a = await signUpUser(s, 'ann', 'password one');
  // A second device.
  const phone = (await s.ok(LOG_IN, { username: 'ann', password: 'password one' })).logIn.viewer.sessionToken as string;
  ann = { ...a, phone };
  bob = await signUpUser(s, 'bob', 'password two');
});
afterAll(() => s?.close());

describe('reading sessions', () => {
  it('shows a user their own sessions only, with the token of the session the request came with', async () => {
    const [laptop, phone] = await sessionIdsOf(ann.userId);
    const d = await s.ok(SESSIONS, {}, { token: ann.phone });
    expect(d.sessions.count).toBe(2);
    const nodes = d.sessions.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => [n.objectId, n.user.objectId, n.sessionToken])).toEqual([
      [laptop, ann.userId, null],
      [phone, ann.userId, ann.phone],
    ]);
    expect(nodes[0].createdWith).toEqual({ action: 'signup', authProvider: 'password' });
    expect(nodes[1].createdWith).toEqual({ action: 'login', authProvider: 'password' });
    expect(new Date(nodes[0].expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect((await s.ok(SESSION, { id: phone }, { token: ann.phone })).session).toEqual({
      objectId: phone,
      sessionToken: ann.phone,
      user: { objectId: ann.userId },
    });
  });

  it('hides other users’ sessions, even rows without an ACL (as Parse Server writes them)', async () => {
    const [bobs] = await sessionIdsOf(bob.userId);
    expectCode(await s.gql(SESSION, { id: bobs }, { token: ann.token }), 101);
    await s.plinth.db.execute(
      `INSERT INTO "_Session" ("objectId", "createdAt", "updatedAt", "user", "sessionToken", "expiresAt", "createdWith")
       VALUES ('parseMade1', now(), now(), $1, $2, now() + interval '1 day', '{"action":"login"}')`,
      [bob.userId, Sessions.hash('r:parse-made-token')],
    );
    expectCode(await s.gql(SESSION, { id: 'parseMade1' }, { token: ann.token }), 101);
    const d = await s.ok(`{ sessions { count edges { node { user { objectId } } } } }`, {}, { token: ann.token });
    expect(d.sessions.count).toBe(2);
    expect(d.sessions.edges.every((e: any) => e.node.user.objectId === ann.userId)).toBe(true);
    expect((await s.ok(`{ sessions { count } }`, {}, { token: bob.token })).sessions.count).toBe(2);
  });

  it('shows the master key every session, and no token', async () => {
    const d = await s.ok(`{ sessions { count edges { node { sessionToken } } } }`, {}, { master: true });
    const total = (await s.plinth.db.query<{ n: number }>('SELECT count(*)::int AS "n" FROM "_Session"'))[0].n;
    expect(d.sessions.count).toBe(total);
    expect(d.sessions.edges.every((e: any) => e.node.sessionToken === null)).toBe(true);
  });

  it('answers 209 without a session, as Parse does', async () => {
    expectCode(await s.gql(`{ sessions { count } }`), 209, 'Invalid session token');
  });

  it('never gives out the stored value, nor filters or sorts by it', async () => {
    const hashes = (await s.plinth.db.query<{ h: string }>('SELECT "sessionToken" AS "h" FROM "_Session"')).map((r) => r.h);
    const seen = [
      (await s.gql(SESSIONS, {}, { token: ann.token })).text,
      (await s.gql(SESSIONS, {}, { master: true })).text,
      (await s.gql(`{ classes { name } }`, {}, { master: true })).text,
    ].join('\n');
    for (const h of hashes) expect(seen).not.toContain(h);
    const byToken = await s.gql(`{ sessions(where: { sessionToken: { equalTo: "x" } }) { count } }`, {}, { master: true });
    expect(byToken.status).toBe(400);
    expect(byToken.errors?.[0].message).toMatch(/sessionToken/);
    const sorted = await s.gql(`{ sessions(order: [sessionToken_ASC]) { count } }`, {}, { master: true });
    expect(sorted.status).toBe(400);
  });
});

describe('writing sessions', () => {
  it('refuses client creates: 209 without a session, 119 with one', async () => {
    const before = (await s.plinth.db.query('SELECT 1 FROM "_Session"')).length;
    expectCode(await s.gql(CREATE, { fields: { installationId: 'x' } }), 209, 'Session token required.');
    expectCode(await s.gql(CREATE, { fields: { user: { link: bob.userId }, sessionToken: 'r:mine' } }, { token: ann.token }), 119, 'Permission denied');
    expect((await s.plinth.db.query('SELECT 1 FROM "_Session"')).length).toBe(before);
  });

  it('lets the master key create a session, storing the token it gives as its SHA-256', async () => {
    const token = 'r:made-by-the-master-key';
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const d = await s.ok(CREATE, { fields: { user: { link: bob.userId }, sessionToken: token, expiresAt } }, { master: true });
    expect(d.createSession.session.sessionToken).toBeNull();
    const rows = await s.plinth.db.query<{ sessionToken: string }>('SELECT "sessionToken" FROM "_Session" WHERE "objectId" = $1', [
      d.createSession.session.objectId,
    ]);
    expect(rows[0].sessionToken).toBe(Sessions.hash(token));
    expect((await s.ok(VIEWER, {}, { token })).viewer.user.objectId).toBe(bob.userId);
  });

  it('refuses what Parse refuses in an update (105), and others’ sessions (101)', async () => {
    const [laptop] = await sessionIdsOf(ann.userId);
    const [bobs] = await sessionIdsOf(bob.userId);
    const cases: [Record<string, unknown>, string][] = [
      [{ user: { link: bob.userId } }, 'Invalid key name: user'],
      [{ sessionToken: 'r:chosen' }, 'Invalid key name: sessionToken'],
      [{ installationId: 'other' }, 'Invalid key name: installationId'],
      [{ expiresAt: '2999-01-01T00:00:00.000Z' }, 'Invalid key name: expiresAt'],
      [{ createdWith: { action: 'login' } }, 'Invalid key name: createdWith'],
      [{ ACL: { public: { read: true, write: true } } }, 'Cannot set ACL on a Session.'],
    ];
    for (const [fields, message] of cases) expectCode(await s.gql(UPDATE, { id: laptop, fields }, { token: ann.token }), 105, message);
    expectCode(await s.gql(UPDATE, { id: bobs, fields: {} }, { token: ann.token }), 101);
    expectCode(await s.gql(UPDATE, { id: bobs, fields: { sessionToken: 'r:x' } }, { master: true }), 105, 'Invalid key name: sessionToken');
    const soon = new Date(Date.now() + 60_000).toISOString();
    expect((await s.ok(UPDATE, { id: bobs, fields: { expiresAt: soon } }, { master: true })).updateSession.session.expiresAt).toBe(soon);
  });

  it('lets a user log another device out by deleting its session, but not touch others’', async () => {
    const [, phone] = await sessionIdsOf(ann.userId);
    const [bobs] = await sessionIdsOf(bob.userId);
    expectCode(await s.gql(DELETE, { id: bobs }, { token: ann.token }), 101);
    expectCode(await s.gql(DELETE, { id: bobs }), 209, 'Invalid session token');
    expect((await s.ok(VIEWER, {}, { token: bob.token })).viewer.user.objectId).toBe(bob.userId);
    const ended: unknown[] = [];
    const stop = s.plinth.sessions.onEnded((e) => ended.push(e));
    try {
      expect((await s.ok(DELETE, { id: phone }, { token: ann.token })).deleteSession.session.objectId).toBe(phone);
    } finally {
      stop();
    }
    expect(ended).toEqual([{ sessionIds: [phone] }]);
    expect((await s.gql(VIEWER, {}, { token: ann.phone })).body).toEqual({ code: 209, error: 'Invalid session token' });
    expect((await s.ok(VIEWER, {}, { token: ann.token })).viewer.user.objectId).toBe(ann.userId);
  });
});
