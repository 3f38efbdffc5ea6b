import { generateHOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/index.ts';
import { loadDashboardConfig } from '../../src/config/dashboard.ts';
import { ADMIN_COOKIE, AdminAccounts, type AdminLoginError } from '../../src/admin/accounts/index.ts';
import { ParseError } from '../../src/errors/index.ts';
import { MemoryBus, MemoryPubSub } from '../../src/live/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

const PASSWORD = 'correct horse battery';

function cookie(token: string): Headers {
  return new Headers({ cookie: `other=1; ${ADMIN_COOKIE}=${token}` });
}

/** The code an authenticator app shows now for a base32 secret. */
function codeOf(secret: string, stepOffset = 0): string {
  const step = BigInt(Math.floor(Date.now() / 30_000) + stepOffset);
  return generateHOTP(decodeBase32IgnorePadding(secret), step, 6);
}

async function refusal(promise: Promise<unknown>): Promise<{ code: number; message: string; status: number; totpRequired?: boolean }> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    return { code: error.code, message: error.message, status: error.httpStatus, totpRequired: (error as AdminLoginError).totpRequired };
  }
  throw new Error('expected a refusal');
}

describe('dashboard accounts', () => {
  let database: TestDatabase;
  let accounts: AdminAccounts;

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrate(database.db);
  });
  afterAll(() => database?.drop());
  beforeEach(async () => {
    await database.db.execute('DELETE FROM "_PlinthAdmin"');
    await database.db.execute('DELETE FROM "_PlinthAdminSetup"');
    accounts = new AdminAccounts({ db: database.db, config: loadDashboardConfig({}, { loginRate: { perIpPerMinute: 1000, perAccountPerMinute: 1000 } }) });
  });

  it('creates a user with a lower-cased email and an argon2id hash; logs in; the cookie resolves to a principal', async () => {
    const user = await accounts.users.create({ email: ' Ann@Example.COM ', password: PASSWORD, role: 'OWNER' });
    expect(user).toMatchObject({ email: 'ann@example.com', role: 'OWNER', disabled: false, totpEnabled: false, lastLoginAt: null });
    const [row] = await database.db.query<{ password_hash: string }>('SELECT "password_hash" FROM "_PlinthAdmin"');
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    await expect(accounts.users.create({ email: 'ANN@example.com', password: PASSWORD, role: 'ADMIN' })).rejects.toMatchObject({ code: 203 });

    const { session } = await accounts.login.login({ email: 'ANN@example.com', password: PASSWORD });
    expect(session.token).toMatch(/^[a-z2-7]{32}$/);
    // Only the token's hash is stored.
    const stored = await database.db.query<{ id: string }>('SELECT "id" FROM "_PlinthAdminSession"');
    expect(stored.map((r) => r.id)).toEqual([session.sessionId]);
    expect(session.sessionId).not.toContain(session.token);

    const principal = await accounts.sessions.resolve(cookie(session.token));
    expect(principal).toMatchObject({ sessionId: session.sessionId, csrfToken: session.csrfToken, user: { id: user.id } });
    expect(principal!.user.lastLoginAt).toBeInstanceOf(Date);
    expect(principal!.auth.isMaster).toBe(true);
    expect(principal!.auth.admin).toMatchObject({ adminId: user.id, email: 'ann@example.com', readOnly: false, classes: undefined });
    expect(['admins', 'audit', 'data', 'graphiql'].map((f) => principal!.can(f as never))).toEqual([true, true, true, true]);
    expect(await accounts.sessions.resolve(cookie('a'.repeat(32)))).toBeNull();
    expect(await accounts.sessions.resolve(new Headers())).toBeNull();
  });

  it('answers an unknown email exactly as a wrong password, in comparable time', async () => {
    await accounts.users.create({ email: 'ann@example.com', password: PASSWORD, role: 'ADMIN' });
    const timed = async (email: string) => {
      const t = performance.now();
      const r = await refusal(accounts.login.login({ email, password: 'wrong password!' }));
      return { r, ms: performance.now() - t };
    };
    // The first wrong passwords set the pace; then compare.
    await timed('ann@example.com');
    const wrong = await timed('ann@example.com');
    const unknown = await timed('nobody@example.com');
    expect(unknown.r).toEqual(wrong.r);
    expect(wrong.r).toEqual({ code: 101, message: 'Invalid email or password.', status: 401, totpRequired: false });
    expect(unknown.ms).toBeGreaterThan(wrong.ms * 0.5);
  });

  it('throttles logins per email and per client address (155), whether the email exists or not', async () => {
    const strict = new AdminAccounts({ db: database.db, config: loadDashboardConfig({}, { loginRate: { perIpPerMinute: 6, perAccountPerMinute: 2 } }) });
    await strict.users.create({ email: 'ann@example.com', password: PASSWORD, role: 'ADMIN' });
    for (const email of ['ann@example.com', 'nobody@example.com']) {
      for (let i = 0; i < 2; i++) expect((await refusal(strict.login.login({ email, password: 'x', ip: '10.0.0.1' }))).code).toBe(101);
      expect((await refusal(strict.login.login({ email, password: 'x', ip: '10.0.0.1' }))).code).toBe(155);
    }
    // The address's budget (6) is spent too, whatever email it tries next.
    expect((await refusal(strict.login.login({ email: 'bob@example.com', password: 'x', ip: '10.0.0.1' }))).code).toBe(155);
    expect((await refusal(strict.login.login({ email: 'bob@example.com', password: 'x', ip: '10.0.0.2' }))).code).toBe(101);
  });

  it('TOTP: enrolment is off until a code confirms it; then logins need a code, each code works once', async () => {
    const user = await accounts.users.create({ email: 'ann@example.com', password: PASSWORD, role: 'OWNER' });
    const { secret, uri } = await accounts.totp.enroll(user.id, user.email);
    expect(uri).toMatch(/^otpauth:\/\/totp\/Plinth:ann%40example\.com\?/);
    // Not on yet: a login needs no code.
    await accounts.login.login({ email: user.email, password: PASSWORD });
    await expect(accounts.totp.confirm(user.id, '000000')).rejects.toMatchObject({ code: 101 });
    await accounts.totp.confirm(user.id, codeOf(secret, -1));
    expect((await accounts.users.get(user.id))?.totpEnabled).toBe(true);
    await expect(accounts.totp.enroll(user.id, user.email)).rejects.toMatchObject({ code: 119 });

    expect(await refusal(accounts.login.login({ email: user.email, password: PASSWORD }))).toEqual({
      code: 101,
      message: 'A one-time code is required.',
      status: 401,
      totpRequired: true,
    });
    // A wrong password with a code is still a wrong password.
    expect((await refusal(accounts.login.login({ email: user.email, password: 'nope', totp: codeOf(secret) }))).message).toBe('Invalid email or password.');
    expect((await refusal(accounts.login.login({ email: user.email, password: PASSWORD, totp: '123' }))).message).toBe('Invalid one-time code.');
    // The confirming code's step is spent: the code of the step after works, and only once.
    const code = codeOf(secret);
    await accounts.login.login({ email: user.email, password: PASSWORD, totp: code });
    expect((await refusal(accounts.login.login({ email: user.email, password: PASSWORD, totp: code }))).message).toBe('Invalid one-time code.');

    await expect(accounts.totp.disable(user.id, '000000')).rejects.toMatchObject({ code: 101 });
    await accounts.totp.disable(user.id, codeOf(secret, 1));
    await accounts.login.login({ email: user.email, password: PASSWORD });
  });

  it('the setup token creates the first owner once; none is made once an admin exists', async () => {
    const token = (await accounts.setup.prepare())!;
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    await expect(accounts.setup.complete('b'.repeat(32), 'owner@example.com', PASSWORD)).rejects.toMatchObject({ code: 119 });
    const { user, session } = await accounts.setup.complete(token, 'Owner@example.com', PASSWORD);
    expect(user).toMatchObject({ email: 'owner@example.com', role: 'OWNER' });
    expect((await accounts.sessions.resolve(cookie(session.token)))?.user.id).toBe(user.id);
    await expect(accounts.setup.complete(token, 'other@example.com', PASSWORD)).rejects.toMatchObject({ code: 119 });
    expect(await accounts.setup.prepare()).toBeUndefined();
    expect((await accounts.users.list()).map((u) => u.email)).toEqual(['owner@example.com']);
  });

  it('disabling, a new password and deleting end the sessions and tell onEnded; logout ends one', async () => {
    await accounts.users.create({ email: 'owner@example.com', password: PASSWORD, role: 'OWNER' });
    const bob = await accounts.users.create({ email: 'bob@example.com', password: PASSWORD, role: 'ADMIN' });
    const ended: string[][] = [];
    accounts.sessions.onEnded((ids) => ended.push([...ids]));
    const a = (await accounts.login.login({ email: bob.email, password: PASSWORD })).session;
    const b = (await accounts.login.login({ email: bob.email, password: PASSWORD })).session;

    await accounts.sessions.end(a.sessionId);
    expect(ended).toEqual([[a.sessionId]]);
    expect(await accounts.sessions.resolve(cookie(a.token))).toBeNull();

    await accounts.users.update(bob.id, { disabled: true });
    expect(ended[1]).toEqual([b.sessionId]);
    expect(await accounts.sessions.resolve(cookie(b.token))).toBeNull();
    expect((await refusal(accounts.login.login({ email: bob.email, password: PASSWORD }))).message).toBe('Invalid email or password.');

    await accounts.users.update(bob.id, { disabled: false });
    const c = (await accounts.login.login({ email: bob.email, password: PASSWORD })).session;
    const d = (await accounts.login.login({ email: bob.email, password: PASSWORD })).session;
    // A new password ends the other sessions, not the one that changed it.
    await accounts.users.update(bob.id, { password: 'another long password' }, d.sessionId);
    expect(ended[2]).toEqual([c.sessionId]);
    expect(await accounts.sessions.resolve(cookie(d.token))).not.toBeNull();

    // A new role ends every session, the changer's included: signed in again, they get the new reach.
    await accounts.users.update(bob.id, { role: 'ADMIN' }, d.sessionId);
    expect(ended).toHaveLength(3);
    await accounts.users.update(bob.id, { role: 'READ_ONLY' }, d.sessionId);
    expect(ended[3]).toEqual([d.sessionId]);
    const e = (await accounts.login.login({ email: bob.email, password: 'another long password' })).session;
    expect((await accounts.sessions.resolve(cookie(e.token)))?.auth.admin?.readOnly).toBe(true);

    expect(await accounts.users.delete(bob.id)).toBe(true);
    expect(ended[4]).toEqual([e.sessionId]);
    expect(await accounts.sessions.resolve(cookie(e.token))).toBeNull();
  });

  it('the last owner cannot be demoted, disabled or deleted', async () => {
    const owner = await accounts.users.create({ email: 'owner@example.com', password: PASSWORD, role: 'OWNER' });
    await expect(accounts.users.update(owner.id, { role: 'ADMIN' })).rejects.toMatchObject({ code: 119 });
    await expect(accounts.users.update(owner.id, { disabled: true })).rejects.toMatchObject({ code: 119 });
    await expect(accounts.users.delete(owner.id)).rejects.toMatchObject({ code: 119 });
    const second = await accounts.users.create({ email: 'second@example.com', password: PASSWORD, role: 'OWNER' });
    await accounts.users.update(owner.id, { role: 'ADMIN' });
    await expect(accounts.users.delete(second.id)).rejects.toMatchObject({ code: 119 });
  });

  it('roles and scopes give the Auth and the features', async () => {
    const principalFor = async (email: string, role: 'ADMIN' | 'READ_ONLY' | 'SCOPED', scope?: object) => {
      await accounts.users.create({ email, password: PASSWORD, role, scope: scope as never });
      const { session } = await accounts.login.login({ email, password: PASSWORD });
      return (await accounts.sessions.resolve(cookie(session.token)))!;
    };
    const admin = await principalFor('admin@example.com', 'ADMIN');
    expect([admin.can('data'), admin.can('admins'), admin.can('audit')]).toEqual([true, false, false]);
    expect(admin.auth.admin?.readOnly).toBe(false);

    const reader = await principalFor('reader@example.com', 'READ_ONLY');
    expect([reader.can('schema'), reader.can('admins'), reader.can('audit')]).toEqual([true, false, false]);
    expect(reader.auth.admin).toMatchObject({ readOnly: true, classes: undefined });

    const scoped = await principalFor('scoped@example.com', 'SCOPED', {
      classes: [
        { className: 'Post', write: true },
        { className: 'Note', fields: ['title'], write: false },
      ],
      features: ['data'],
    });
    expect([scoped.can('data'), scoped.can('schema'), scoped.can('admins')]).toEqual([true, false, false]);
    const classes = scoped.auth.admin!.classes!;
    expect([...classes.keys()]).toEqual(['Post', 'Note']);
    expect(classes.get('Post')).toEqual({ fields: undefined, write: true });
    expect([...classes.get('Note')!.fields!]).toEqual(['title']);
    await expect(
      accounts.users.create({ email: 'x@example.com', password: PASSWORD, role: 'SCOPED', scope: { classes: [], features: ['nope' as never] } }),
    ).rejects.toMatchObject({ code: 142 });
    await expect(accounts.users.create({ email: 'y@example.com', password: 'short', role: 'ADMIN' })).rejects.toMatchObject({ code: 142 });
  });

  it('setBrowsingAs is carried by the principal', async () => {
    await accounts.users.create({ email: 'ann@example.com', password: PASSWORD, role: 'OWNER' });
    const { session } = await accounts.login.login({ email: 'ann@example.com', password: PASSWORD });
    await accounts.sessions.setBrowsingAs(session.sessionId, 'user123');
    expect((await accounts.sessions.resolve(cookie(session.token)))?.browsingAs).toBe('user123');
    await accounts.sessions.setBrowsingAs(session.sessionId, null);
    expect((await accounts.sessions.resolve(cookie(session.token)))?.browsingAs).toBeUndefined();
  });

  it('sessions expire, and slide when used in the second half of their life', async () => {
    await accounts.users.create({ email: 'ann@example.com', password: PASSWORD, role: 'OWNER' });
    const { session } = await accounts.login.login({ email: 'ann@example.com', password: PASSWORD });
    const lifetime = loadDashboardConfig({}).sessionLengthMs;
    const soon = new Date(Date.now() + lifetime / 4).toISOString();
    await database.db.execute('UPDATE "_PlinthAdminSession" SET "expires_at" = $1::timestamptz', [soon]);
    expect(await accounts.sessions.resolve(cookie(session.token))).not.toBeNull();
    const [renewed] = await database.db.query<{ expires_at: string }>('SELECT "expires_at" FROM "_PlinthAdminSession"');
    expect(new Date(renewed.expires_at).getTime()).toBeGreaterThan(Date.now() + lifetime * 0.9);
    const ended: string[][] = [];
    accounts.sessions.onEnded((ids) => ended.push([...ids]));
    await database.db.execute(`UPDATE "_PlinthAdminSession" SET "expires_at" = now() - interval '1 second'`);
    expect(await accounts.sessions.resolve(cookie(session.token))).toBeNull();
    expect(ended).toEqual([[session.sessionId]]);
  });

  it('sessions ended through one instance are told to the others (pub/sub), once each', async () => {
    const bus = new MemoryBus();
    const config = loadDashboardConfig({});
    const [one, two] = [new AdminAccounts({ db: database.db, config }), new AdminAccounts({ db: database.db, config })];
    const stops = [await one.sessions.share(new MemoryPubSub(bus), 'app'), await two.sessions.share(new MemoryPubSub(bus), 'app')];
    const heard: Record<string, string[][]> = { one: [], two: [] };
    one.sessions.onEnded((ids) => heard.one.push([...ids]));
    two.sessions.onEnded((ids) => heard.two.push([...ids]));
    await one.users.create({ email: 'owner@example.com', password: PASSWORD, role: 'OWNER' });
    const bob = await one.users.create({ email: 'bob@example.com', password: PASSWORD, role: 'ADMIN' });
    const { session } = await two.login.login({ email: bob.email, password: PASSWORD });
    await one.users.update(bob.id, { disabled: true });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(heard).toEqual({ one: [[session.sessionId]], two: [[session.sessionId]] });
    for (const stop of stops) await stop();
  });
});
