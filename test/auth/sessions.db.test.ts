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
