import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BaseRequest, CloudApi, LoginRequest, LogoutRequest, PasswordResetRequest, SaveRequest } from '../../src/cloud/types.ts';
import { hashEmailToken } from '../../src/auth/email/tokens.ts';
import { RegistryBuilder } from '../../src/cloud/registry.ts';
import { failure, startCloudServer, type CloudTestServer } from './harness.ts';

// The account paths: signUp and logInWith (save triggers on _User, the password visible to
// beforeSave as in Parse), logIn and logInWith (beforeLogin refuses, afterLogin runs), logOut
// (afterLogout with the ended session and its user), resetPassword (beforePasswordResetRequest
// refuses). What the client gets, and what the database then holds.

const PASSWORD = 'correct-horse-battery';
let calls: string[] = [];
let when: Record<string, (req: any) => unknown> = {};
let seen: Record<string, any[]> = {};

function record(name: string) {
  return (req: BaseRequest) => {
    calls.push(name);
    (seen[name] ??= []).push(req);
    return when[name]?.(req);
  };
}

function setup(cloud: CloudApi) {
  cloud.beforeSave('_User', record('beforeSave _User'));
  cloud.afterSave('_User', record('afterSave _User'));
  cloud.beforeLogin(record('beforeLogin'));
  cloud.afterLogin(record('afterLogin'));
  cloud.afterLogout(record('afterLogout'));
  cloud.beforePasswordResetRequest(record('beforePasswordResetRequest'));
}

let s: CloudTestServer;
beforeAll(async () => {
  s = await startCloudServer(setup);
  await s.ok(`mutation { updateClass(input: { name: "_User", schemaFields: { addStrings: [{ name: "nickname" }] } }) { class { name } } }`);
});
afterAll(() => s?.close());
beforeEach(() => {
  calls = [];
  when = {};
  seen = {};
});

const SIGN_UP = `mutation($f: CreateUserFieldsInput) { signUp(input: { fields: $f }) { viewer { sessionToken user { objectId username nickname } } } }`;
const LOG_IN = `mutation($u: String!, $p: String!) { logIn(input: { username: $u, password: $p }) { viewer { sessionToken user { objectId } } } }`;
const LOG_IN_WITH = `mutation($a: Object!) { logInWith(input: { authData: $a }) { viewer { sessionToken user { objectId } } } }`;
const sessionsOf = async (userId: string) => (await s.rows('_Session', `"user" = $1`, [userId])).length;

async function signUp(username: string, extra: Record<string, unknown> = {}) {
  const r = await s.anon(SIGN_UP, { f: { username, password: PASSWORD, ...extra } });
  expect(r.errors).toBeUndefined();
  calls = [];
  seen = {};
  return { id: r.data.signUp.viewer.user.objectId as string, token: r.data.signUp.viewer.sessionToken as string };
}

describe('signUp', () => {
  it('runs beforeSave/afterSave on _User; beforeSave sees the password and what it sets is saved and returned', async () => {
    let dirty: string[] = [];
    when['beforeSave _User'] = (req: SaveRequest) => {
      dirty = [...req.object.dirtyKeys()].sort();
      req.object.set('nickname', `${req.object.get('username')}!`);
    };
    const r = await s.anon(SIGN_UP, { f: { username: 'sam', password: PASSWORD, email: 'sam@example.com' } });
    expect(r.errors).toBeUndefined();
    expect(r.data.signUp.viewer.user).toMatchObject({ username: 'sam', nickname: 'sam!' });
    expect(calls).toEqual(['beforeSave _User', 'afterSave _User']);
    const [req] = seen['beforeSave _User'] as SaveRequest[];
    expect(req.object.get('password')).toBe(PASSWORD);
    expect(dirty).toEqual(['email', 'password', 'username']);
    expect([req.user, req.master, req.original]).toEqual([undefined, false, undefined]);
    // afterSave sees the user as stored: never the password or its hash.
    const [saved] = seen['afterSave _User'] as SaveRequest[];
    expect(saved.object.id).toBe(r.data.signUp.viewer.user.objectId);
    expect(saved.object.get('password')).toBeUndefined();
    expect(saved.object.get('_hashed_password')).toBeUndefined();
    const [row] = await s.rows('_User', `"username" = 'sam'`);
    expect(row.nickname).toBe('sam!');
    expect(row._hashed_password).toMatch(/^\$argon2id\$/);
    expect(await sessionsOf(row.objectId)).toBe(1);
  });

  it('a beforeSave that refuses leaves no user and no session', async () => {
    when['beforeSave _User'] = () => {
      throw new Error('sign-ups are closed');
    };
    expect(failure(await s.anon(SIGN_UP, { f: { username: 'nope', password: PASSWORD } }))).toEqual({ code: 141, message: 'sign-ups are closed' });
    expect(await s.rows('_User', `"username" = 'nope'`)).toEqual([]);
    expect(calls).toEqual(['beforeSave _User']);
  });

  it('a beforeSave may read through the data API during signUp (outside the signUp transaction)', async () => {
    when['beforeSave _User'] = async (req: SaveRequest) => {
      const taken = await req.data.count('_User', { nickname: { equalTo: 'dup' } }, { useMasterKey: true });
      if (taken) throw new Error('nickname taken');
      req.object.set('nickname', 'dup');
    };
    const started = Date.now();
    expect((await s.anon(SIGN_UP, { f: { username: 'first-dup', password: PASSWORD } })).errors).toBeUndefined();
    expect(failure(await s.anon(SIGN_UP, { f: { username: 'second-dup', password: PASSWORD } }))).toEqual({ code: 141, message: 'nickname taken' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await s.rows('_User', `"nickname" = 'dup'`)).map((u) => u.username)).toEqual(['first-dup']);
  });
});

describe('logIn and logInWith', () => {
  it('beforeLogin sees the user (no request.user yet) and may refuse: no session is made', async () => {
    const u = await signUp('lou');
    when.beforeLogin = (req: LoginRequest) => {
      if (req.object.get('username') === 'lou') throw new Error('lou is banned');
    };
    const r = await s.anon(LOG_IN, { u: 'lou', p: PASSWORD });
    expect(failure(r)).toEqual({ code: 141, message: 'lou is banned' });
    expect(calls).toEqual(['beforeLogin']);
    const [req] = seen.beforeLogin as LoginRequest[];
    expect([req.object.className, req.object.id, req.user, req.triggerName]).toEqual(['_User', u.id, undefined, 'beforeLogin']);
    expect(req.object.get('password')).toBeUndefined();
    expect(await sessionsOf(u.id)).toBe(1); // only the signUp's
  });

  it('afterLogin runs once the session exists, with request.user the user; its failure is logged and the login stands', async () => {
    const u = await signUp('amy');
    when.afterLogin = async (_req: LoginRequest) => {
      expect(await sessionsOf(u.id)).toBe(2);
      throw new Error('after login broke');
    };
    const r = await s.request(LOG_IN, { u: 'amy', p: PASSWORD }, { 'x-parse-installation-id': 'inst-amy' });
    expect(r.errors).toBeUndefined();
    expect(r.data.logIn.viewer.sessionToken).toMatch(/^r:/);
    expect(calls).toEqual(['beforeLogin', 'afterLogin']);
    const [req] = seen.afterLogin as LoginRequest[];
    expect([req.object.id, req.user?.id, req.user?.get('username'), req.installationId]).toEqual([u.id, u.id, 'amy', 'inst-amy']);
    expect(s.logs.some((l) => l.level >= 50 && /after login broke/.test(JSON.stringify(l)))).toBe(true);
    expect(await sessionsOf(u.id)).toBe(2);
  });

  it('logInWith: a new account runs the save triggers; logging in again runs beforeLogin and afterLogin', async () => {
    const authData = { anonymous: { id: '0b3c5f0e-5f7e-4d6e-8f7e-0c1d2e3f4a5b' } };
    const first = await s.anon(LOG_IN_WITH, { a: authData });
    expect(first.errors).toBeUndefined();
    expect(calls).toEqual(['beforeSave _User', 'afterSave _User']);
    calls = [];
    when.beforeLogin = () => {
      throw new Error('anonymous logins are over');
    };
    expect(failure(await s.anon(LOG_IN_WITH, { a: authData }))).toEqual({ code: 141, message: 'anonymous logins are over' });
    expect(calls).toEqual(['beforeLogin']);
    const userId = first.data.logInWith.viewer.user.objectId;
    expect(await sessionsOf(userId)).toBe(1);
    when = {};
    calls = [];
    expect((await s.anon(LOG_IN_WITH, { a: authData })).errors).toBeUndefined();
    expect(calls).toEqual(['beforeLogin', 'afterLogin']);
    expect(await sessionsOf(userId)).toBe(2);
  });
});

describe('logOut', () => {
  it('afterLogout gets the ended session (no token) and request.user its user; the session is gone', async () => {
    const u = await signUp('olga');
    const r = await s.as(u.token, `mutation { logOut(input: {}) { ok } }`, {}, { 'x-parse-installation-id': 'inst-olga' });
    expect(r.errors).toBeUndefined();
    expect(calls).toEqual(['afterLogout']);
    const [req] = seen.afterLogout as LogoutRequest[];
    expect(req.object.className).toBe('_Session');
    expect(typeof req.object.id).toBe('string');
    expect(req.object.get('user').id).toBe(u.id);
    expect(req.object.get('expiresAt')).toBeInstanceOf(Date);
    expect(req.object.get('sessionToken')).toBeUndefined();
    expect(JSON.stringify(req.object.toJSON())).not.toContain(u.token);
    expect([req.user?.id, req.user?.get('username')]).toEqual([u.id, 'olga']);
    expect(await sessionsOf(u.id)).toBe(0);
  });

  it('a failing afterLogout is logged; the session is still ended', async () => {
    const u = await signUp('otto');
    when.afterLogout = () => {
      throw new Error('logout hook broke');
    };
    expect((await s.as(u.token, `mutation { logOut(input: {}) { ok } }`)).errors).toBeUndefined();
    expect(await sessionsOf(u.id)).toBe(0);
    expect(s.logs.some((l) => l.level >= 50 && /logout hook broke/.test(JSON.stringify(l)))).toBe(true);
  });
});

describe('resetPassword', () => {
  const RESET = `mutation($e: String!) { resetPassword(input: { email: $e }) { ok } }`;
  it('beforePasswordResetRequest sees the user and may refuse: no reset token is stored', async () => {
    const u = await signUp('rita', { email: 'rita@example.com' });
    when.beforePasswordResetRequest = (req: PasswordResetRequest) => {
      throw new Error(`no reset for ${req.object.get('username')}`);
    };
    expect(failure(await s.anon(RESET, { e: 'rita@example.com' }))).toEqual({ code: 141, message: 'no reset for rita' });
    const [req] = seen.beforePasswordResetRequest as PasswordResetRequest[];
    expect([req.object.id, req.object.get('email'), req.triggerName]).toEqual([u.id, 'rita@example.com', 'beforePasswordResetRequest']);
    expect((await s.rows('_User', `"objectId" = $1`, [u.id]))[0]._perishable_token).toBeNull();
  });

  it('allowed: the token is stored; an unknown address runs no trigger and answers alike', async () => {
    const u = await signUp('ron', { email: 'ron@example.com' });
    expect((await s.anon(RESET, { e: 'ron@example.com' })).data.resetPassword.ok).toBe(true);
    expect((await s.rows('_User', `"objectId" = $1`, [u.id]))[0]._perishable_token).toEqual(expect.any(String));
    calls = [];
    expect((await s.anon(RESET, { e: 'nobody@example.com' })).data.resetPassword.ok).toBe(true);
    expect(calls).toEqual([]);
  });
});

describe('password changes by emailed link', () => {
  it('confirming a reset runs beforeSave/afterSave on _User (the new password visible to beforeSave), without waiting on its own transaction', async () => {
    const u = await signUp('petra', { email: 'petra@example.com' });
    await s.plinth.db.execute(`UPDATE "_User" SET "_perishable_token" = $2, "_perishable_token_expires_at" = now() + interval '1 hour' WHERE "objectId" = $1`, [
      u.id,
      hashEmailToken('reset-token'),
    ]);
    let sawPassword: unknown;
    let sawOriginal: unknown;
    when['beforeSave _User'] = (req: SaveRequest) => {
      sawPassword = req.object.get('password');
      sawOriginal = req.original?.get('username');
    };
    const started = Date.now();
    await s.plinth.emailFlows.confirmPasswordReset('petra', 'reset-token', 'a brand new password');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(calls).toEqual(['beforeSave _User', 'afterSave _User']);
    expect([sawPassword, sawOriginal]).toEqual(['a brand new password', 'petra']);
    expect((await s.anon(LOG_IN, { u: 'petra', p: 'a brand new password' })).errors).toBeUndefined();
  });
});

describe('registration', () => {
  it.each(['beforeLogin', 'afterLogin', 'afterLogout'] as const)('%s takes only a handler (no class, no validator), as in Parse', (kind) => {
    const builder = new RegistryBuilder(s.plinth.cloud.runtime.data, s.plinth.logger);
    expect(() => (builder[kind] as (...a: unknown[]) => void)(() => undefined, { requireUser: true })).toThrow(`${kind} takes only a handler`);
    expect(() => (builder[kind] as (...a: unknown[]) => void)('_User', () => undefined)).toThrow();
    expect(() => builder[kind](() => undefined)).not.toThrow();
  });
});
