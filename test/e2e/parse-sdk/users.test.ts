import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { captureMail, formOf, linkIn, type CapturedMail } from '../../auth/email-helpers.ts';
import { as, master, Parse, startSdkServer, type SdkServer } from './harness.ts';

// Users as an app on the SDK has them: sign up, log in, become, the current user, log out
// (the session ends), password change and reset by email, and who sees and changes whom.

let s: SdkServer;
let mail: CapturedMail;

beforeAll(async () => {
  mail = captureMail();
  s = await startSdkServer({}, { mail: mail.adapter });
  // The current user, as a browser app keeps it (the SDK keeps none in Node unless told).
  Parse.User.enableUnsafeCurrentUser();
});
afterAll(async () => {
  Parse.User.disableUnsafeCurrentUser();
  await s?.close();
});
afterEach(async () => {
  if (Parse.User.current()) await Parse.User.logOut();
});

async function newUser(username: string, password = 'first-pass-1', email?: string): Promise<Parse.User> {
  const user = new Parse.User();
  user.set({ username, password, ...(email ? { email } : {}) });
  return user.signUp();
}

describe('sign up, log in, become, log out', () => {
  it('signUp answers a session and makes the user current; its session is a live session', async () => {
    const user = await newUser('ann', 'first-pass-1', 'ann@example.com');
    expect(user.id).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(user.getSessionToken()).toMatch(/^r:/);
    expect(user.get('password')).toBeUndefined();
    expect(Parse.User.current()?.id).toBe(user.id);
    const session = await Parse.Session.current();
    expect(session.getSessionToken()).toBe(user.getSessionToken());
    const me = await Parse.User.me(user.getSessionToken()!);
    expect(me.get('username')).toBe('ann');
    expect(me.get('email')).toBe('ann@example.com');
  });

  it('refuses a taken username (202), a taken email (203), and a sign-up without password (201)', async () => {
    await newUser('dupe', 'first-pass-1', 'dupe@example.com');
    await Parse.User.logOut();
    await expect(newUser('dupe')).rejects.toMatchObject({ code: Parse.Error.USERNAME_TAKEN });
    await expect(newUser('other', 'first-pass-1', 'dupe@example.com')).rejects.toMatchObject({ code: Parse.Error.EMAIL_TAKEN });
    const noPassword = new Parse.User();
    noPassword.set('username', 'nopass');
    await expect(noPassword.save()).rejects.toMatchObject({ code: Parse.Error.PASSWORD_MISSING });
  });

  it('logIn with the right password; the wrong one is 101; become restores a user from a token', async () => {
    await newUser('bea', 'right-pass-1');
    await Parse.User.logOut();
    expect(Parse.User.current()).toBeNull();
    await expect(Parse.User.logIn('bea', 'wrong-pass-1')).rejects.toMatchObject({ code: Parse.Error.OBJECT_NOT_FOUND });
    await expect(Parse.User.logIn('nobody', 'right-pass-1')).rejects.toMatchObject({ code: Parse.Error.OBJECT_NOT_FOUND });
    const logged = await Parse.User.logIn('bea', 'right-pass-1');
    const token = logged.getSessionToken()!;
    expect(Parse.User.current()?.get('username')).toBe('bea');
    // Forget the user locally (the session stays), then come back with the token.
    await forgetCurrentUser();
    expect(Parse.User.current()).toBeNull();
    const back = await Parse.User.become(token);
    expect(back.id).toBe(logged.id);
    expect(Parse.User.current()?.getSessionToken()).toBe(token);
    await expect(Parse.User.become('r:not-a-real-token')).rejects.toMatchObject({ code: Parse.Error.INVALID_SESSION_TOKEN });
  });

  it('logOut ends the session: its token is refused afterwards (209)', async () => {
    const user = await newUser('cy');
    const token = user.getSessionToken()!;
    await seedNote();
    expect(await new Parse.Query('Note').count({ sessionToken: token })).toBeGreaterThan(0);
    await Parse.User.logOut();
    expect(Parse.User.current()).toBeNull();
    await expect(Parse.User.become(token)).rejects.toMatchObject({ code: Parse.Error.INVALID_SESSION_TOKEN });
    await expect(new Parse.Query('Note').find({ sessionToken: token })).rejects.toMatchObject({ code: Parse.Error.INVALID_SESSION_TOKEN });
    await expect(new Parse.Query(Parse.Session).find({ sessionToken: token })).rejects.toMatchObject({ code: Parse.Error.INVALID_SESSION_TOKEN });
  });
});

/** Drops the current user on this side only: unlike logOut, its session stays valid. */
async function forgetCurrentUser(): Promise<void> {
  await Parse.CoreManager.getUserController().removeUserFromDisk();
}

async function seedNote(): Promise<void> {
  if ((await new Parse.Query('Note').count(master)) === 0) await new Parse.Object('Note').save({ text: 'public' }, master);
}

describe('sessions and anonymous users', () => {
  it('a user lists only its own sessions: one per device, a new login on a device replaces its session', async () => {
    const ivy = await newUser('ivy', 'ivy-pass-1');
    const first = ivy.getSessionToken()!;
    await forgetCurrentUser();
    const elsewhere = await Parse.User.logIn('ivy', 'ivy-pass-1', { installationId: 'second-device-of-ivy' });
    await forgetCurrentUser();
    const other = await newUser('jon', 'jon-pass-1');
    await forgetCurrentUser();
    const sessions = await new Parse.Query(Parse.Session).find({ sessionToken: first });
    expect(sessions).toHaveLength(2);
    expect(sessions.every((x) => x.get('user').id === ivy.id)).toBe(true);
    // Plinth keeps only the tokens' hashes: a listed session does not carry its token.
    const devices = sessions.map((x) => x.get('installationId') as string);
    expect(devices).toContain('second-device-of-ivy');
    expect(new Set(devices).size).toBe(2);
    expect(elsewhere.getSessionToken()).not.toBe(first);
    expect(await new Parse.Query(Parse.Session).find({ sessionToken: other.getSessionToken()! })).toHaveLength(1);
    // Logging in again from the first device (the SDK's installation) ends that device's old session.
    const again = await Parse.User.logIn('ivy', 'ivy-pass-1');
    await expect(new Parse.Query(Parse.Session).find({ sessionToken: first })).rejects.toMatchObject({ code: Parse.Error.INVALID_SESSION_TOKEN });
    expect(await new Parse.Query(Parse.Session).find({ sessionToken: again.getSessionToken()! })).toHaveLength(2);
  });

  it('Parse.AnonymousUtils.logIn makes an anonymous user with a session', async () => {
    const anon = await Parse.AnonymousUtils.logIn();
    expect(anon.id).toBeDefined();
    expect(anon.getSessionToken()).toMatch(/^r:/);
    expect(Parse.AnonymousUtils.isLinked(anon)).toBe(true);
    const me = await Parse.User.me(anon.getSessionToken()!);
    expect(me.id).toBe(anon.id);
    expect(me.get('authData')?.anonymous?.id).toBeDefined();
  });
});

describe('passwords', () => {
  it('a user changes their password: the new one logs in, the old one no longer', async () => {
    const user = await newUser('dan', 'old-pass-1');
    user.setPassword('new-pass-2');
    await user.save();
    await Parse.User.logOut();
    await expect(Parse.User.logIn('dan', 'old-pass-1')).rejects.toMatchObject({ code: Parse.Error.OBJECT_NOT_FOUND });
    expect((await Parse.User.logIn('dan', 'new-pass-2')).id).toBe(user.id);
  });

  it('requestPasswordReset mails a link whose form sets a new password', async () => {
    const user = await newUser('eve', 'before-reset-1', 'eve@example.com');
    await Parse.User.logOut();
    await Parse.User.requestPasswordReset('eve@example.com');
    // An unknown address is answered the same, and nothing is sent.
    await Parse.User.requestPasswordReset('nobody@example.com');
    const message = await mail.next();
    expect(message.to).toBe('eve@example.com');
    const link = linkIn(message);
    const page = await fetch(link);
    expect(page.status).toBe(200);
    const form = formOf({ status: page.status, headers: page.headers, html: await page.text(), url: new URL(page.url) });
    const submitted = await fetch(form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form.fields, new_password: 'after-reset-2', confirm_password: 'after-reset-2' }),
      redirect: 'manual',
    });
    expect(submitted.status).toBeLessThan(400);
    await mail.expectNone();
    await expect(Parse.User.logIn('eve', 'before-reset-1')).rejects.toMatchObject({ code: Parse.Error.OBJECT_NOT_FOUND });
    expect((await Parse.User.logIn('eve', 'after-reset-2')).id).toBe(user.id);
  });

  it('requestPasswordReset without an email is refused (204)', async () => {
    await expect(Parse.User.requestPasswordReset('')).rejects.toMatchObject({ code: Parse.Error.EMAIL_MISSING });
  });
});

describe('who sees and changes whom', () => {
  it('another user cannot read a private user (the default, 101), reads a public one without its email, and may not change it (206); the master key may', async () => {
    // Both stay signed in (their sessions live on), neither is the current user.
    const fay = await newUser('fay', 'fay-pass-1', 'fay@example.com');
    await forgetCurrentUser();
    const gus = await newUser('gus', 'gus-pass-1');
    await forgetCurrentUser();
    await expect(new Parse.Query(Parse.User).get(fay.id!, as(gus))).rejects.toMatchObject({ code: Parse.Error.OBJECT_NOT_FOUND });
    // Fay makes her profile public (her own ACL), as an app with public profiles does at sign-up.
    const publicAcl = new Parse.ACL(fay);
    publicAcl.setPublicReadAccess(true);
    fay.setACL(publicAcl);
    await fay.save(null, as(fay));
    const seen = await new Parse.Query(Parse.User).get(fay.id!, as(gus));
    expect(seen.get('username')).toBe('fay');
    expect(seen.get('email')).toBeUndefined();
    expect(seen.getSessionToken()).toBeUndefined();
    const mine = await new Parse.Query(Parse.User).get(fay.id!, as(fay));
    expect(mine.get('email')).toBe('fay@example.com');

    const hijack = Parse.User.createWithoutData(fay.id!) as Parse.User;
    hijack.set('username', 'hijacked');
    await expect(hijack.save(null, as(gus))).rejects.toMatchObject({ code: Parse.Error.SESSION_MISSING });
    const byMaster = Parse.User.createWithoutData(fay.id!) as Parse.User;
    byMaster.set('nickname', 'set by master');
    await byMaster.save(null, master);
    expect((await new Parse.Query(Parse.User).get(fay.id!, master)).get('nickname')).toBe('set by master');
    await expect(Parse.User.createWithoutData(fay.id!).destroy(as(gus))).rejects.toBeInstanceOf(Parse.Error);
    expect((await new Parse.Query(Parse.User).get(fay.id!, master)).get('username')).toBe('fay');
  });

  it('a user updates its own fields with its session (current user save)', async () => {
    const hal = await newUser('hal', 'hal-pass-1');
    hal.set('score', 7);
    await hal.save();
    expect((await new Parse.Query(Parse.User).get(hal.id!, master)).get('score')).toBe(7);
    const fetched = await Parse.User.current()!.fetch();
    expect(fetched.get('score')).toBe(7);
  });
});
