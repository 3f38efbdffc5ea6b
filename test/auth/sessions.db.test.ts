import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sessions } from '../../src/auth/sessions.ts';
import { expectCode, LOG_IN, signUpUser, sleep, startAuthServer, VIEWER, type AuthServer } from './helpers.ts';

const is209 = (r: { status: number; body: any }) => r.status === 400 && r.body?.code === 209;

describe('session expiry (sliding)', () => {
  const LENGTH = 4000;
  let s: AuthServer;
  beforeAll(async () => {
    s = await startAuthServer({ sessionLengthMs: LENGTH });
  });
  afterAll(() => s?.close());

  /** Waits until `time` (ms since the epoch) has passed by `margin`. */
  const until = (time: number, margin = 150) => sleep(Math.max(0, time + margin - Date.now()));
  const expiresAt = async (userId: string) =>
    new Date(String((await s.plinth.db.query<{ e: string }>('SELECT "expiresAt" AS "e" FROM "_Session" WHERE "user" = $1', [userId]))[0]?.e)).getTime();

  it('a session used in the second half of its life is renewed; one left unused expires and is deleted', async () => {
    const { token: kept, userId: keptUser } = await signUpUser(s, 'renewed', 'long enough');
    const { token: idle, userId: idleUser } = await signUpUser(s, 'idle', 'long enough');
    const first = await expiresAt(keptUser);
    const idleExpiry = await expiresAt(idleUser);

    // Within the first half: used, not renewed.
    expect((await s.ok(VIEWER, {}, { token: kept })).viewer.user.objectId).toBe(keptUser);
    expect(await expiresAt(keptUser)).toBe(first);
    // Past half: renewed to a full length from now.
    await until(first - LENGTH / 2);
    await s.ok(VIEWER, {}, { token: kept });
    const renewed = await expiresAt(keptUser);
    expect(renewed).toBeGreaterThan(first + LENGTH / 4);
    // Past the first expiry: alive thanks to the renewal. The idle one is gone.
    await until(Math.max(first, idleExpiry));
    expect((await s.ok(VIEWER, {}, { token: kept })).viewer.user.objectId).toBe(keptUser);
    expect(is209(await s.gql(VIEWER, {}, { token: idle }))).toBe(true);
    expect(await s.plinth.db.query('SELECT 1 FROM "_Session" WHERE "user" = $1', [idleUser])).toHaveLength(0);
    // And a login still works for the idle user.
    expect((await s.ok(LOG_IN, { username: 'idle', password: 'long enough' })).logIn.viewer.user.objectId).toBe(idleUser);
  });
});

describe('revocation', () => {
  let s: AuthServer;
  beforeAll(async () => {
    s = await startAuthServer();
  });
  afterAll(() => s?.close());

  const UPDATE = `mutation($id: ID!, $f: UpdateUserFieldsInput) { updateUser(input: { id: $id, fields: $f }) { user { objectId } } }`;
  const logIn = async (username: string, password: string) => (await s.ok(LOG_IN, { username, password })).logIn.viewer.sessionToken as string;

  it('a password change ends the user’s other sessions and keeps the one that made it', async () => {
    const { token: a, userId } = await signUpUser(s, 'changer', 'first password');
    const b = await logIn('changer', 'first password');
    const c = await logIn('changer', 'first password');
    const { token: stranger } = await signUpUser(s, 'bystander', 'long enough');
    await s.ok(UPDATE, { id: userId, f: { password: 'second password' } }, { token: a });
    expect((await s.ok(VIEWER, {}, { token: a })).viewer.user.objectId).toBe(userId);
    for (const token of [b, c]) expect(is209(await s.gql(VIEWER, {}, { token }))).toBe(true);
    expect((await s.ok(VIEWER, {}, { token: stranger })).viewer.user.username).toBe('bystander');
    expectCode(await s.gql(LOG_IN, { username: 'changer', password: 'first password' }), 101);
    await logIn('changer', 'second password');
  });

  it('an update without a password keeps every session', async () => {
    const { token: a, userId } = await signUpUser(s, 'keeper', 'long enough');
    const b = await logIn('keeper', 'long enough');
    await s.ok(UPDATE, { id: userId, f: { email: 'keeper@example.com' } }, { token: a });
    expect((await s.ok(VIEWER, {}, { token: b })).viewer.user.objectId).toBe(userId);
  });

  it('a password set with the master key ends every session of the user', async () => {
    const { token: a, userId } = await signUpUser(s, 'reset-by-admin', 'long enough');
    const b = await logIn('reset-by-admin', 'long enough');
    await s.ok(UPDATE, { id: userId, f: { password: 'admin chose this' } }, { master: true });
    for (const token of [a, b]) expect(is209(await s.gql(VIEWER, {}, { token }))).toBe(true);
  });

  it('deleting a user deletes their sessions', async () => {
    const { token, userId } = await signUpUser(s, 'leaving', 'long enough');
    await s.ok(`mutation($id: ID!) { deleteUser(input: { id: $id }) { user { objectId } } }`, { id: userId }, { token });
    expect(await s.plinth.db.query('SELECT 1 FROM "_Session" WHERE "user" = $1', [userId])).toHaveLength(0);
    expect(is209(await s.gql(VIEWER, {}, { token }))).toBe(true);
  });

  it('logOut ends only the session it came with; without a session it is ok and changes nothing', async () => {
    const { token: a, userId } = await signUpUser(s, 'two-devices', 'long enough');
    const b = await logIn('two-devices', 'long enough');
    await s.ok(`mutation { logOut(input: {}) { ok } }`, {}, { token: a });
    expect(is209(await s.gql(VIEWER, {}, { token: a }))).toBe(true);
    expect((await s.ok(VIEWER, {}, { token: b })).viewer.user.objectId).toBe(userId);
    expect((await s.ok(`mutation { logOut(input: {}) { ok } }`)).logOut.ok).toBe(true);
    expect((await s.ok(VIEWER, {}, { token: b })).viewer.user.objectId).toBe(userId);
  });

  it('stores only the SHA-256 of each token', async () => {
    const { token, userId } = await signUpUser(s, 'hashed-token', 'long enough');
    const rows = await s.plinth.db.query<{ sessionToken: string }>('SELECT "sessionToken" FROM "_Session" WHERE "user" = $1', [userId]);
    expect(rows).toEqual([{ sessionToken: Sessions.hash(token) }]);
    expect(JSON.stringify(await s.plinth.db.query('SELECT * FROM "_Session"'))).not.toContain(token);
  });
});

describe('sessions Parse Server created (plain tokens in the table)', () => {
  let s: AuthServer;
  beforeAll(async () => {
    s = await startAuthServer();
  });
  afterAll(() => s?.close());

  /** A session row as Parse Server writes it: the token itself in "sessionToken". */
  const parseSession = async (userId: string, token: string, expiresAt = new Date(Date.now() + 3_600_000)) => {
    await s.plinth.db.execute(
      `INSERT INTO "_Session" ("objectId", "createdAt", "updatedAt", "user", "sessionToken", "expiresAt", "createdWith", "_rperm", "_wperm")
       VALUES ($1, now(), now(), $2, $3, $4::timestamptz, '{"action":"login","authProvider":"password"}'::jsonb, $5::text[], $5::text[])`,
      [`ps${Math.random().toString(36).slice(2, 10)}`, userId, token, expiresAt.toISOString(), [userId]],
    );
  };
  const storedTokens = async (userId: string) =>
    (await s.plinth.db.query<{ t: string }>('SELECT "sessionToken" AS "t" FROM "_Session" WHERE "user" = $1 ORDER BY 1', [userId])).map((r) => r.t);

  it('a token Parse stored in plain keeps its user logged in, and its row then holds only the hash', async () => {
    const { userId } = await signUpUser(s, 'migrated', 'long enough');
    const token = 'r:0123456789abcdef0123456789abcdef';
    await parseSession(userId, token);
    expect((await s.ok(VIEWER, {}, { token })).viewer.user.objectId).toBe(userId);
    const stored = await storedTokens(userId);
    expect(stored).not.toContain(token);
    expect(stored).toContain(Sessions.hash(token));
    // Still valid afterwards, now through its hash.
    expect((await s.ok(VIEWER, {}, { token })).viewer.user.objectId).toBe(userId);
  });

  it('an expired plain token is refused (209) and removed', async () => {
    const { userId } = await signUpUser(s, 'expiredmigrant', 'long enough');
    const token = 'r:fedcba9876543210fedcba9876543210';
    await parseSession(userId, token, new Date(Date.now() - 1000));
    expect(is209(await s.gql(VIEWER, {}, { token }))).toBe(true);
    const stored = await storedTokens(userId);
    expect(stored).toHaveLength(1); // the sign-up's own session
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(Sessions.hash(token));
  });

  it('a stored hash presented as a token is no session', async () => {
    const { userId } = await signUpUser(s, 'hashholder', 'long enough');
    const [hash] = await storedTokens(userId);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(is209(await s.gql(VIEWER, {}, { token: hash }))).toBe(true);
    expect(is209(await s.gql(VIEWER, {}, { token: `r:${hash}` }))).toBe(true);
  });
});

describe('sessions Parse Server created, while Parse Server shares the database (PLINTH_PASSWORD_HASH=bcrypt)', () => {
  let s: AuthServer;
  beforeAll(async () => {
    s = await startAuthServer({ auth: { passwordHash: 'bcrypt' } });
  });
  afterAll(() => s?.close());

  it('a plain Parse token works and is left as Parse stored it (Parse still reads it)', async () => {
    const { userId } = await signUpUser(s, 'sharedmigrant', 'long enough');
    const token = 'r:00112233445566778899aabbccddeeff';
    await s.plinth.db.execute(
      `INSERT INTO "_Session" ("objectId", "createdAt", "updatedAt", "user", "sessionToken", "expiresAt", "_rperm", "_wperm")
       VALUES ('sharedps01', now(), now(), $1, $2, now() + interval '1 hour', $3::text[], $3::text[])`,
      [userId, token, [userId]],
    );
    expect((await s.ok(VIEWER, {}, { token })).viewer.user.objectId).toBe(userId);
    expect((await s.ok(VIEWER, {}, { token })).viewer.user.objectId).toBe(userId);
    const stored = await s.plinth.db.query<{ t: string }>('SELECT "sessionToken" AS "t" FROM "_Session" WHERE "objectId" = $1', ['sharedps01']);
    expect(stored[0].t).toBe(token);
  });
});
