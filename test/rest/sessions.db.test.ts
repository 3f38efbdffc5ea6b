import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sessions } from '../../src/auth/sessions.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

// Parse's SessionsRouter over REST, per role: each user reaches only their own sessions, the
// master key all; the stored value of a token (its SHA-256) never leaves the server.

let s: TestServer;
let rest: ReturnType<typeof restClient>;
/** Ann has two sessions (laptop from sign-up, phone from a login); Bob one. */
let ann: { id: string; laptop: string; phone: string };
let bob: { id: string; token: string };

const NO_SESSION = { code: 209, error: 'Invalid session token' };

async function sessionIdsOf(userId: string): Promise<string[]> {
  const rows = await s.plinth.db.query<{ objectId: string }>('SELECT "objectId" FROM "_Session" WHERE "user" = $1 ORDER BY "createdAt"', [userId]);
  return rows.map((r) => r.objectId);
}

beforeAll(async () => {
  s = await startTestServer({ auth: { rateLimits: { perIpPerMinute: 0, perAccountPerMinute: 0 } } });
  rest = restClient(s.plinth);
  const a = await rest('POST', 'users', { body: { username: 'ann', password: 'password one' } });
  const phone = await rest('GET', 'login', { params: { username: 'ann', password: 'password one' }, headers: { 'X-Parse-Installation-Id': 'ann-phone' } });
  ann = { id: a.body.objectId, laptop: a.body.sessionToken, phone: phone.body.sessionToken };
  const b = await rest('POST', 'users', { body: { username: 'bob', password: 'password two' } });
  bob = { id: b.body.objectId, token: b.body.sessionToken };
});
afterAll(() => s?.close());

describe('reading sessions', () => {
  it('lists a user’s own sessions only, with the token on the session the request came with', async () => {
    const [laptop, phone] = await sessionIdsOf(ann.id);
    const r = await rest('GET', 'sessions', { session: ann.phone, params: { order: 'createdAt' } });
    expect(r.status).toBe(200);
    expect(r.body.results).toHaveLength(2);
    const [first, second] = r.body.results;
    expect(first).toMatchObject({
      objectId: laptop,
      user: { __type: 'Pointer', className: '_User', objectId: ann.id },
      createdWith: { action: 'signup', authProvider: 'password' },
      expiresAt: { __type: 'Date', iso: expect.any(String) },
    });
    expect(first).not.toHaveProperty('sessionToken');
    expect(second).toMatchObject({
      objectId: phone,
      installationId: 'ann-phone',
      createdWith: { action: 'login', authProvider: 'password' },
      sessionToken: ann.phone,
    });
    const bobs = await rest('GET', 'sessions', { session: bob.token, params: { count: 1 } });
    expect(bobs.body.count).toBe(1);
    expect(bobs.body.results[0].user.objectId).toBe(bob.id);
  });

  it('lists every session for the master key, without tokens; 209 for an anonymous caller', async () => {
    const r = await rest('GET', 'sessions', { master: true });
    const total = (await s.plinth.db.query('SELECT 1 FROM "_Session"')).length;
    expect(r.body.results).toHaveLength(total);
    const hashes = (await s.plinth.db.query<{ h: string }>('SELECT "sessionToken" AS "h" FROM "_Session"')).map((row) => row.h);
    const text = JSON.stringify(r.body);
    expect(text).not.toContain('sessionToken');
    for (const h of hashes) expect(text).not.toContain(h);
    const anon = await rest('GET', 'sessions');
    expect(anon.status).toBe(400);
    expect(anon.body).toEqual(NO_SESSION);
  });

  it('gets a session by id: one’s own (with the token if it is the request’s), not another user’s (101)', async () => {
    const [laptop, phone] = await sessionIdsOf(ann.id);
    expect((await rest('GET', `sessions/${phone}`, { session: ann.phone })).body).toMatchObject({ objectId: phone, sessionToken: ann.phone });
    const other = await rest('GET', `sessions/${laptop}`, { session: ann.phone });
    expect(other.body.objectId).toBe(laptop);
    expect(other.body).not.toHaveProperty('sessionToken');
    const bobs = await rest('GET', `sessions/${laptop}`, { session: bob.token });
    expect(bobs.status).toBe(404);
    expect(bobs.body).toEqual({ code: 101, error: 'Object not found.' });
    expect((await rest('GET', `sessions/${laptop}`, { master: true })).body.user.objectId).toBe(ann.id);
  });

  it('answers sessions/me with the request’s session and token; 209 without a token, or with the master key alone', async () => {
    const [laptop] = await sessionIdsOf(ann.id);
    const r = await rest('GET', 'sessions/me', { session: ann.laptop });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ objectId: laptop, sessionToken: ann.laptop, user: { objectId: ann.id } });
    expect((await rest('GET', 'sessions/me')).body).toEqual({ code: 209, error: 'Session token required.' });
    expect((await rest('GET', 'sessions/me', { master: true })).body).toEqual({ code: 209, error: 'Session token required.' });
    expect((await rest('GET', 'sessions/me', { master: true, session: ann.laptop })).body).toMatchObject({ objectId: laptop, sessionToken: ann.laptop });
    expect((await rest('GET', 'sessions/me', { master: true, session: 'r:unknown' })).body).toEqual({ code: 209, error: 'Session token not found.' });
  });

  it('answers upgradeToRevocableSession with the caller’s own (already revocable) session; 101 without a user', async () => {
    const [laptop] = await sessionIdsOf(ann.id);
    const r = await rest('POST', 'upgradeToRevocableSession', { session: ann.laptop });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ objectId: laptop, sessionToken: ann.laptop, user: { objectId: ann.id } });
    for (const call of [{}, { master: true }]) {
      const refused = await rest('POST', 'upgradeToRevocableSession', call);
      expect(refused.status).toBe(404);
      expect(refused.body).toEqual({ code: 101, error: 'invalid session' });
    }
  });
});

describe('writing sessions', () => {
  it('refuses client creates (209 without a session, 119 with one); the master key creates', async () => {
    const before = (await s.plinth.db.query('SELECT 1 FROM "_Session"')).length;
    expect((await rest('POST', 'sessions', { body: {} })).body).toEqual({ code: 209, error: 'Session token required.' });
    const user = await rest('POST', 'sessions', { session: bob.token, body: {} });
    expect(user.body).toEqual({ code: 119, error: 'Permission denied' });
    expect((await s.plinth.db.query('SELECT 1 FROM "_Session"')).length).toBe(before);
    const token = 'r:made-by-the-master-key';
    const made = await rest('POST', 'sessions', {
      master: true,
      body: {
        user: { __type: 'Pointer', className: '_User', objectId: bob.id },
        sessionToken: token,
        expiresAt: { __type: 'Date', iso: new Date(Date.now() + 3_600_000).toISOString() },
      },
    });
    expect(made.status).toBe(201);
    expect(made.body).toEqual({ objectId: expect.any(String), createdAt: expect.any(String) });
    const [row] = await s.plinth.db.query<{ h: string }>('SELECT "sessionToken" AS "h" FROM "_Session" WHERE "objectId" = $1', [made.body.objectId]);
    expect(row.h).toBe(Sessions.hash(token));
    expect((await rest('GET', 'users/me', { session: token })).body.objectId).toBe(bob.id);
  });

  it('refuses what Parse refuses in an update (105), and another user’s session (101); the master key changes the expiry', async () => {
    const [laptop] = await sessionIdsOf(ann.id);
    const [bobs] = await sessionIdsOf(bob.id);
    const cases: [Record<string, unknown>, string][] = [
      [{ sessionToken: 'r:chosen' }, 'Invalid key name: sessionToken'],
      [{ installationId: 'other' }, 'Invalid key name: installationId'],
      [{ expiresAt: { __type: 'Date', iso: '2999-01-01T00:00:00.000Z' } }, 'Invalid key name: expiresAt'],
    ];
    for (const [body, error] of cases) expect((await rest('PUT', `sessions/${laptop}`, { session: ann.laptop, body })).body).toEqual({ code: 105, error });
    const other = await rest('PUT', `sessions/${bobs}`, { session: ann.laptop, body: {} });
    expect(other.status).toBe(404);
    expect(other.body.code).toBe(101);
    const soon = new Date(Date.now() + 60_000).toISOString();
    expect((await rest('PUT', `sessions/${bobs}`, { master: true, body: { expiresAt: { __type: 'Date', iso: soon } } })).status).toBe(200);
    expect((await rest('GET', `sessions/${bobs}`, { master: true })).body.expiresAt).toEqual({ __type: 'Date', iso: soon });
  });

  it('lets a user end another of their sessions (that token is then dead), never another user’s', async () => {
    const [, phone] = await sessionIdsOf(ann.id);
    const [bobs] = await sessionIdsOf(bob.id);
    expect((await rest('DELETE', `sessions/${bobs}`, { session: ann.laptop })).body.code).toBe(101);
    expect((await rest('DELETE', `sessions/${bobs}`)).body).toEqual(NO_SESSION);
    expect((await rest('GET', 'users/me', { session: bob.token })).body.objectId).toBe(bob.id);
    const r = await rest('DELETE', `sessions/${phone}`, { session: ann.laptop });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({});
    expect((await rest('GET', 'users/me', { session: ann.phone })).body).toEqual(NO_SESSION);
    expect((await rest('GET', 'sessions', { session: ann.laptop })).body.results).toHaveLength(1);
  });
});
