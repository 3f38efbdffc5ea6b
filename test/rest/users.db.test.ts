import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restClient } from '../helpers/rest.ts';
import { APP_ID, overSocket, startTestServer, type TestServer } from '../helpers/server.ts';
import { captureMail, linkIn, type CapturedMail } from '../auth/email-helpers.ts';

// Parse's UsersRouter over REST, per role: anonymous, the user, another user, the master key.

let s: TestServer;
let rest: ReturnType<typeof restClient>;
let mail: CapturedMail;

const INVALID_LOGIN = { code: 101, error: 'Invalid username/password.' };
const NO_SESSION = { code: 209, error: 'Invalid session token' };

interface SignedUp {
  id: string;
  token: string;
}

async function signUp(username: string, extra: Record<string, unknown> = {}): Promise<SignedUp> {
  const r = await rest('POST', 'users', { body: { username, password: 'password one', ...extra } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { id: r.body.objectId, token: r.body.sessionToken };
}

beforeAll(async () => {
  mail = captureMail();
  s = await startTestServer(
    { publicUrl: 'https://app.example.com', auth: { rateLimits: { perIpPerMinute: 0, perAccountPerMinute: 0 } } },
    { mail: mail.adapter },
  );
  rest = restClient(s.plinth);
});
afterAll(() => s?.close());

describe('sign up', () => {
  it('creates the user and its first session: 201 with objectId, createdAt, sessionToken and the user’s URL', async () => {
    const r = await rest('POST', 'users', {
      body: { username: 'ann', password: 'password one', email: 'ann@example.com', team: 'red' },
      headers: { 'X-Parse-Revocable-Session': '1' },
    });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ objectId: expect.any(String), createdAt: expect.any(String), sessionToken: expect.stringMatching(/^r:/) });
    expect(r.headers.get('location')).toBe(`https://app.example.com/parse/users/${r.body.objectId}`);
    const me = await rest('GET', 'users/me', { session: r.body.sessionToken });
    expect(me.body).toMatchObject({ objectId: r.body.objectId, username: 'ann', email: 'ann@example.com', team: 'red', sessionToken: r.body.sessionToken });
    const [row] = await s.plinth.db.query<{ h: string }>('SELECT "_hashed_password" AS "h" FROM "_User" WHERE "objectId" = $1', [r.body.objectId]);
    expect(row.h).toMatch(/^\$argon2id\$/);
  });

  it('signs up through classes/_User the same way', async () => {
    const r = await rest('POST', 'classes/_User', { body: { username: 'cal', password: 'password one' } });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ objectId: expect.any(String), createdAt: expect.any(String), sessionToken: expect.stringMatching(/^r:/) });
    expect((await rest('GET', 'users/me', { session: r.body.sessionToken })).body.username).toBe('cal');
  });

  it('refuses as Parse does: no username (200), no password (201), a taken username in any case (202), a bad email (125)', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ password: 'password one' }, 200, 'bad or missing username'],
      [{ username: 'dee' }, 201, 'password is required'],
      [{ username: 'ANN', password: 'password one' }, 202, 'Account already exists for this username.'],
      [{ username: 'dee', password: 'password one', email: 'ANN@example.com' }, 203, 'Account already exists for this email address.'],
      [{ username: 'dee', password: 'password one', email: 'not-an-email' }, 125, 'Email address format is invalid.'],
    ];
    for (const [body, code, error] of cases) {
      const r = await rest('POST', 'users', { body });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ code, error });
    }
  });

  it('signs up an anonymous user with authData (201 and a made-up username), then logs the same id in (200)', async () => {
    const authData = { anonymous: { id: 'a1b2c3d4-e5f6-4711-8899-aabbccddeeff' } };
    const first = await rest('POST', 'users', { body: { authData } });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      objectId: expect.any(String),
      createdAt: expect.any(String),
      username: expect.stringMatching(/^[A-Za-z0-9]{25}$/),
      sessionToken: expect.stringMatching(/^r:/),
    });
    const again = await rest('POST', 'users', { body: { authData } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ objectId: first.body.objectId, username: first.body.username, authData, sessionToken: expect.stringMatching(/^r:/) });
    expect(again.body.sessionToken).not.toBe(first.body.sessionToken);
  });
});

describe('log in, me, log out', () => {
  let ben: SignedUp;
  beforeAll(async () => {
    ben = await signUp('ben', { email: 'ben@example.com' });
  });

  it('logs in with GET (query string) and POST (body), by username or email: the user and a new session', async () => {
    const byGet = await rest('GET', 'login', { params: { username: 'ben', password: 'password one' } });
    expect(byGet.status).toBe(200);
    expect(byGet.body).toMatchObject({ objectId: ben.id, username: 'ben', email: 'ben@example.com', sessionToken: expect.stringMatching(/^r:/) });
    expect(byGet.body).not.toHaveProperty('password');
    const byPost = await rest('POST', 'login', { body: { email: 'ben@example.com', password: 'password one' } });
    expect(byPost.body).toMatchObject({ objectId: ben.id, sessionToken: expect.stringMatching(/^r:/) });
    expect(new Set([ben.token, byGet.body.sessionToken, byPost.body.sessionToken]).size).toBe(3);
    // The JavaScript SDK's form: a text/plain POST that says it is a GET, its credentials in the body.
    const sdk = await overSocket(s.plinth, '/parse/login', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ _method: 'GET', _ApplicationId: APP_ID, username: 'ben', password: 'password one' }),
    });
    expect(sdk.status).toBe(200);
    expect(((await sdk.json()) as { objectId: string }).objectId).toBe(ben.id);
  });

  it('refuses a wrong password or an unknown name with one answer (101, HTTP 404), and missing credentials with 200/201', async () => {
    for (const params of [
      { username: 'ben', password: 'wrong password' },
      { username: 'nobody', password: 'password one' },
    ]) {
      const r = await rest('GET', 'login', { params });
      expect(r.status).toBe(404);
      expect(r.body).toEqual(INVALID_LOGIN);
    }
    expect((await rest('POST', 'login', { body: { password: 'x' } })).body).toEqual({ code: 200, error: 'username/email is required.' });
    expect((await rest('POST', 'login', { body: { username: 'ben' } })).body).toEqual({ code: 201, error: 'password is required.' });
    expect((await rest('POST', 'login', { body: { username: 'ben', password: 12345678 } })).body).toEqual(INVALID_LOGIN);
  });

  it('logs in whatever session token the request carries: a dead one, another user’s, garbage (the SDK sends the current one)', async () => {
    const dead = (await rest('POST', 'login', { body: { username: 'ben', password: 'password one' } })).body.sessionToken;
    expect((await rest('POST', 'logout', { session: dead })).status).toBe(200);
    for (const session of [dead, 'r:not-a-token', ben.token]) {
      const byPost = await rest('POST', 'login', { session, body: { username: 'ben', password: 'password one' } });
      expect(byPost.status, JSON.stringify(byPost.body)).toBe(200);
      expect(byPost.body).toMatchObject({ objectId: ben.id, sessionToken: expect.stringMatching(/^r:/) });
      const byGet = await rest('GET', 'login', { session, params: { username: 'ben', password: 'password one' } });
      expect(byGet.body.objectId).toBe(ben.id);
    }
    // Only the log-in route ignores it: elsewhere a dead token is still 209.
    expect((await rest('GET', 'users/me', { session: dead })).body).toEqual(NO_SESSION);
  });

  it('answers users/me with the session’s user and token; 209 without a session, with a dead one, or with the master key alone', async () => {
    const r = await rest('GET', 'users/me', { session: ben.token });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ objectId: ben.id, username: 'ben', sessionToken: ben.token });
    for (const call of [{}, { master: true }]) {
      const refused = await rest('GET', 'users/me', call);
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual(NO_SESSION);
    }
    expect((await rest('GET', 'users/me', { session: 'r:not-a-session' })).body).toEqual(NO_SESSION);
    // The master key with a token: the token's user, as Parse looks it up.
    expect((await rest('GET', 'users/me', { master: true, session: ben.token })).body).toMatchObject({ objectId: ben.id, sessionToken: ben.token });
  });

  it('logs out the session of the token: {} and the token is dead (209); logging out without one is {} too', async () => {
    const session = (await rest('POST', 'login', { body: { username: 'ben', password: 'password one' } })).body.sessionToken;
    const out = await rest('POST', 'logout', { session });
    expect(out.status).toBe(200);
    expect(out.body).toEqual({});
    expect((await rest('GET', 'users/me', { session })).body).toEqual(NO_SESSION);
    expect((await rest('POST', 'logout', { session })).body).toEqual(NO_SESSION);
    expect((await rest('POST', 'logout')).body).toEqual({});
    // With the master key, the token still names the session to end (Parse looks it up).
    const another = (await rest('POST', 'login', { body: { username: 'ben', password: 'password one' } })).body.sessionToken;
    expect((await rest('POST', 'logout', { master: true, session: another })).body).toEqual({});
    expect((await rest('GET', 'users/me', { session: another })).body).toEqual(NO_SESSION);
    // Other sessions of the user live on.
    expect((await rest('GET', 'users/me', { session: ben.token })).body.objectId).toBe(ben.id);
  });

  it('verifies a password without starting a session (GET and POST); a wrong one is 101', async () => {
    const before = (await s.plinth.db.query('SELECT 1 FROM "_Session" WHERE "user" = $1', [ben.id])).length;
    const r = await rest('GET', 'verifyPassword', { params: { username: 'ben', password: 'password one' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ objectId: ben.id, username: 'ben' });
    expect(r.body).not.toHaveProperty('sessionToken');
    expect((await rest('POST', 'verifyPassword', { body: { email: 'ben@example.com', password: 'password one' } })).body.objectId).toBe(ben.id);
    expect((await rest('POST', 'verifyPassword', { body: { username: 'ben', password: 'nope nope' } })).body).toEqual(INVALID_LOGIN);
    expect((await s.plinth.db.query('SELECT 1 FROM "_Session" WHERE "user" = $1', [ben.id])).length).toBe(before);
  });

  it('answers a challenge once the user is identified (no Plinth provider has a challenge step)', async () => {
    const r = await rest('POST', 'challenge', { body: { username: 'ben', password: 'password one', challengeData: { anything: { x: 1 } } } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ challengeData: {} });
    expect((await rest('POST', 'challenge', { body: { username: 'ben', password: 'password one' } })).body).toEqual({
      code: -1,
      error: 'Nothing to challenge.',
    });
    expect((await rest('POST', 'challenge', { body: { username: 'ben', password: 'bad password', challengeData: {} } })).body).toEqual(INVALID_LOGIN);
  });
});

describe('reading and writing users, per role', () => {
  let eve: SignedUp;
  let fay: SignedUp;
  beforeAll(async () => {
    eve = await signUp('eve', { email: 'eve@example.com' });
    fay = await signUp('fay', { email: 'fay@example.com' });
  });

  it('gets a user: the caller’s own with its token; another’s not at all (users are private by default, 101); the master key’s without token', async () => {
    const own = await rest('GET', `users/${eve.id}`, { session: eve.token });
    expect(own.body).toMatchObject({ objectId: eve.id, email: 'eve@example.com', sessionToken: eve.token, ACL: { [eve.id]: { read: true, write: true } } });
    expect(own.body.ACL).not.toHaveProperty('*');
    const other = await rest('GET', `users/${eve.id}`, { session: fay.token });
    expect([other.status, other.body]).toEqual([404, { code: 101, error: 'Object not found.' }]);
    const anon = await rest('GET', `classes/_User/${eve.id}`);
    expect([anon.status, anon.body]).toEqual([404, { code: 101, error: 'Object not found.' }]);
    const master = await rest('GET', `classes/_User/${eve.id}`, { master: true, session: eve.token });
    expect(master.body).toMatchObject({ objectId: eve.id, email: 'eve@example.com' });
    expect(master.body).not.toHaveProperty('sessionToken');
  });

  it('finds users with the parameters of classes: only those the caller may read; never a password, a hash or a token', async () => {
    const r = await rest('GET', 'users', { session: fay.token, params: { where: { username: { $in: ['eve', 'fay'] } }, order: 'username', count: 1 } });
    expect(r.body.count).toBe(1);
    expect(r.body.results.map((u: { username: string }) => u.username)).toEqual(['fay']);
    const all = await rest('GET', 'users', { master: true, params: { where: { username: { $in: ['eve', 'fay'] } }, order: 'username' } });
    expect(all.body.results.map((u: { username: string }) => u.username)).toEqual(['eve', 'fay']);
    const text = JSON.stringify((await rest('GET', 'classes/_User', { master: true })).body);
    expect(text).not.toMatch(/password|argon2|sessionToken/);
  });

  it('lets a user change themselves only: another user and the anonymous caller get Parse’s 206', async () => {
    const own = await rest('PUT', `users/${eve.id}`, { session: eve.token, body: { team: 'blue' } });
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ updatedAt: expect.any(String) });
    const other = await rest('PUT', `users/${eve.id}`, { session: fay.token, body: { team: 'green' } });
    expect(other.status).toBe(400);
    expect(other.body).toEqual({ code: 206, error: 'Insufficient auth.' });
    const anon = await rest('PUT', `classes/_User/${eve.id}`, { body: { team: 'green' } });
    expect(anon.body).toEqual({ code: 206, error: `Cannot modify user ${eve.id}.` });
    expect((await rest('PUT', `classes/_User/${eve.id}`, { master: true, body: { rank: 3 } })).status).toBe(200);
    expect((await rest('GET', `users/${eve.id}`, { master: true })).body).toMatchObject({ team: 'blue', rank: 3 });
  });

  it('keeps the email and username rules on update: 125, 203, 202, and emailVerified is the master key’s (119)', async () => {
    const put = (body: Record<string, unknown>) => rest('PUT', `users/${eve.id}`, { session: eve.token, body });
    expect((await put({ email: 'nope' })).body).toEqual({ code: 125, error: 'Email address format is invalid.' });
    expect((await put({ email: 'FAY@example.com' })).body).toEqual({ code: 203, error: 'Account already exists for this email address.' });
    expect((await put({ username: 'Fay' })).body).toEqual({ code: 202, error: 'Account already exists for this username.' });
    expect((await put({ emailVerified: true })).body).toEqual({ code: 119, error: "Clients aren't allowed to manually update email verification." });
  });

  it('hashes a new password; the session that changed it lives on, the user’s other sessions end', async () => {
    const phone = (await rest('GET', 'login', { params: { username: 'eve', password: 'password one' } })).body.sessionToken;
    const r = await rest('PUT', `users/${eve.id}`, { session: eve.token, body: { password: 'password two' } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ updatedAt: expect.any(String) });
    const [row] = await s.plinth.db.query<{ h: string }>('SELECT "_hashed_password" AS "h" FROM "_User" WHERE "objectId" = $1', [eve.id]);
    expect(row.h).toMatch(/^\$argon2id\$/);
    expect(row.h).not.toContain('password two');
    expect((await rest('GET', 'login', { params: { username: 'eve', password: 'password one' } })).body).toEqual(INVALID_LOGIN);
    expect((await rest('GET', 'login', { params: { username: 'eve', password: 'password two' } })).status).toBe(200);
    expect((await rest('GET', 'users/me', { session: eve.token })).status).toBe(200);
    expect((await rest('GET', 'users/me', { session: phone })).body).toEqual(NO_SESSION);
  });

  it('deletes users as Parse does: not another’s (206), not without a session (206), the caller’s own and any with the master key', async () => {
    const gus = await signUp('gus');
    const hal = await signUp('hal');
    expect((await rest('DELETE', `users/${gus.id}`, { session: fay.token })).body).toEqual({ code: 206, error: 'Insufficient auth.' });
    expect((await rest('DELETE', `users/${gus.id}`)).body).toEqual({ code: 206, error: 'Insufficient auth to delete user' });
    expect((await rest('DELETE', `users/${gus.id}`, { session: gus.token })).body).toEqual({});
    expect((await rest('GET', 'users/me', { session: gus.token })).body).toEqual(NO_SESSION);
    expect((await rest('DELETE', `classes/_User/${hal.id}`, { master: true })).body).toEqual({});
    expect((await rest('GET', `users/${hal.id}`, { master: true })).status).toBe(404);
  });
});

describe('loginAs', () => {
  let ivy: SignedUp;
  beforeAll(async () => {
    ivy = await signUp('ivy', { email: 'ivy@example.com' });
  });

  it('is the master key’s only (119 for anonymous callers and users)', async () => {
    for (const call of [{}, { session: ivy.token }]) {
      const r = await rest('POST', 'loginAs', { ...call, body: { userId: ivy.id } });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ code: 119, error: 'master key is required' });
    }
  });

  it('starts a session for the user with the master key; 162 without userId, 101 for an unknown one', async () => {
    const r = await rest('POST', 'loginAs', { master: true, body: { userId: ivy.id } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ objectId: ivy.id, username: 'ivy', email: 'ivy@example.com', sessionToken: expect.stringMatching(/^r:/) });
    expect((await rest('GET', 'users/me', { session: r.body.sessionToken })).body.objectId).toBe(ivy.id);
    const [session] = await s.plinth.db.query<{ createdWith: unknown }>(
      'SELECT "createdWith" FROM "_Session" WHERE "user" = $1 ORDER BY "createdAt" DESC LIMIT 1',
      [ivy.id],
    );
    const createdWith = typeof session.createdWith === 'string' ? JSON.parse(session.createdWith) : session.createdWith;
    expect(createdWith).toEqual({ action: 'login', authProvider: 'masterkey' });
    expect((await rest('POST', 'loginAs', { master: true, params: { userId: ivy.id } })).status).toBe(200);
    expect((await rest('POST', 'loginAs', { master: true, body: {} })).body).toEqual({ code: 162, error: 'userId must not be empty, null, or undefined' });
    const unknown = await rest('POST', 'loginAs', { master: true, body: { userId: 'nobody0000' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ code: 101, error: 'user not found' });
  });
});

describe('email flows', () => {
  it('requestPasswordReset answers {} and mails the link to an account’s email; alike for an unknown email', async () => {
    const jo = await signUp('jo', { email: 'jo@example.com' });
    const r = await rest('POST', 'requestPasswordReset', { body: { email: 'jo@example.com' } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({});
    const message = await mail.next();
    expect(message.to).toBe('jo@example.com');
    expect(linkIn(message).searchParams.get('username')).toBe('jo');
    expect((await rest('POST', 'requestPasswordReset', { session: jo.token, body: { email: 'nobody@example.com' } })).body).toEqual({});
    await mail.expectNone();
  });

  it('refuses a reset request without an email (204), with a non-string one (125) or token (162)', async () => {
    expect((await rest('POST', 'requestPasswordReset', { body: {} })).body).toEqual({ code: 204, error: 'you must provide an email' });
    expect((await rest('POST', 'requestPasswordReset', { body: { email: 42 } })).body).toEqual({ code: 125, error: 'you must provide a valid email string' });
    expect((await rest('POST', 'requestPasswordReset', { body: { token: 42 } })).body).toEqual({ code: 162, error: 'token must be a string' });
  });

  it('verificationEmailRequest answers {} (nothing to send while verification is off) and refuses a missing email (204)', async () => {
    expect((await rest('POST', 'verificationEmailRequest', { body: { email: 'jo@example.com' } })).body).toEqual({});
    await mail.expectNone();
    expect((await rest('POST', 'verificationEmailRequest', { body: {} })).body).toEqual({ code: 204, error: 'you must provide an email' });
  });
});

describe('email verification, as Accounts enforces it', () => {
  let v: TestServer;
  let vrest: ReturnType<typeof restClient>;
  let vmail: CapturedMail;
  beforeAll(async () => {
    vmail = captureMail();
    v = await startTestServer(
      { auth: { verifyUserEmails: true, preventLoginWithUnverifiedEmail: true, rateLimits: { perIpPerMinute: 0, perAccountPerMinute: 0 } } },
      { mail: vmail.adapter },
    );
    vrest = restClient(v.plinth);
  });
  afterAll(() => v?.close());

  it('creates the user but starts no session until the email is verified (205); verificationEmailRequest sends the link again', async () => {
    const r = await vrest('POST', 'users', { body: { username: 'kim', password: 'password one', email: 'kim@example.com' } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ code: 205, error: 'User email is not verified.' });
    expect((await vmail.next()).to).toBe('kim@example.com');
    expect((await vrest('GET', 'login', { params: { username: 'kim', password: 'password one' } })).body).toEqual({
      code: 205,
      error: 'User email is not verified.',
    });
    expect((await vrest('POST', 'verificationEmailRequest', { body: { email: 'kim@example.com' } })).body).toEqual({});
    const again = await vmail.next();
    expect(again.to).toBe('kim@example.com');
    expect(linkIn(again).pathname).toContain('verify_email');
    expect((await vrest('POST', 'verificationEmailRequest', { body: { email: 'nobody@example.com' } })).body).toEqual({});
    await vmail.expectNone();
  });
});
