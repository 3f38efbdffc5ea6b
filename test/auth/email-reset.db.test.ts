import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashEmailToken } from '../../src/auth/email/tokens.ts';
import { Auth } from '../../src/security/index.ts';
import { APP_ID, startTestServer, type TestServer } from '../helpers/server.ts';
import { captureMail, createUser, linkIn, openPage, passwordIs, submitForm, userRow, type CapturedMail } from './email-helpers.ts';

const PUBLIC_URL = 'https://app.example.com';
const FAILED = 'Failed to reset password: username / email / token is invalid';

/** The reset link emailed for `email` (the request answers alike whether or not the account exists). */
async function resetLink(s: TestServer, mail: CapturedMail, email: string): Promise<URL> {
  await s.plinth.emailFlows.requestPasswordReset(email);
  return linkIn(await mail.next());
}

describe('password reset by email', () => {
  let s: TestServer;
  let mail: CapturedMail;
  beforeAll(async () => {
    mail = captureMail();
    s = await startTestServer({ publicUrl: PUBLIC_URL, auth: { appName: 'Acme', passwordResetTokenTtlMs: 3_600_000 } }, { mail: mail.adapter });
  });
  afterAll(() => s?.close());

  it('emails a single-use link to the reset page; only the token’s hash is stored', async () => {
    const id = await createUser(s, { username: 'ann', password: 'old password 1', email: 'ann@example.com' });
    const before = Date.now();
    await s.plinth.emailFlows.requestPasswordReset('ann@example.com');
    const message = await mail.next();
    expect(message.to).toBe('ann@example.com');
    expect(message.subject).toBe('Password Reset for Acme');
    expect(message.text).toContain("(your username is 'ann')");
    const link = linkIn(message);
    expect(`${link.origin}${link.pathname}`).toBe(`${PUBLIC_URL}/apps/${APP_ID}/request_password_reset`);
    expect(link.searchParams.get('username')).toBe('ann');
    const token = link.searchParams.get('token')!;
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    const row = await userRow(s, id);
    expect(row._perishable_token).toBe(hashEmailToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    const expires = new Date(row._perishable_token_expires_at).getTime();
    expect(expires).toBeGreaterThanOrEqual(before + 3_600_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1000);
  });

  it('following the link and submitting the form sets the new password, ends the sessions, and the link then stops working', async () => {
    const id = await createUser(s, { username: 'bob', password: 'old password 1', email: 'bob@example.com' });
    const session = await s.plinth.sessions.create(id, { action: 'login' });
    const link = await resetLink(s, mail, 'bob@example.com');

    const form = await openPage(s, link);
    expect(form.status).toBe(200);
    expect(form.html).toContain('name="new_password"');
    const done = await submitForm(s, form, { new_password: 'new password 2', confirm_password: 'new password 2' });
    expect(done.status, done.html).toBe(200);
    expect(done.html).toContain('Your password has been changed.');

    expect(await passwordIs(s, id, 'new password 2')).toBe(true);
    expect(await passwordIs(s, id, 'old password 1')).toBe(false);
    expect(await s.plinth.sessions.validate(session.token)).toBeUndefined();
    expect((await userRow(s, id))._perishable_token).toBeNull();

    const again = await openPage(s, link);
    expect(again.status).toBe(400);
    expect(again.html).not.toContain('<form');
    const replay = await submitForm(s, form, { new_password: 'third password 3', confirm_password: 'third password 3' });
    expect(replay.status).toBe(400);
    expect(replay.html).toContain(FAILED);
    expect(await passwordIs(s, id, 'new password 2')).toBe(true);
  });

  it('confirmPasswordReset takes a token once; a wrong token, or another user’s, is refused with Parse’s error', async () => {
    const cid = await createUser(s, { username: 'cid', password: 'old password 1', email: 'cid@example.com' });
    const dan = await createUser(s, { username: 'dan', password: 'old password 1', email: 'dan@example.com' });
    const token = (await resetLink(s, mail, 'cid@example.com')).searchParams.get('token')!;
    const flows = s.plinth.emailFlows;
    await expect(flows.confirmPasswordReset('cid', 'a'.repeat(32), 'new password 2')).rejects.toMatchObject({ code: -1, message: FAILED });
    await expect(flows.confirmPasswordReset('dan', token, 'new password 2')).rejects.toMatchObject({ code: -1, message: FAILED });
    expect(await passwordIs(s, dan, 'old password 1')).toBe(true);
    await flows.confirmPasswordReset('CID', token, 'new password 2');
    expect(await passwordIs(s, cid, 'new password 2')).toBe(true);
    await expect(flows.confirmPasswordReset('cid', token, 'new password 3')).rejects.toMatchObject({ code: -1, message: FAILED });
    expect(await passwordIs(s, cid, 'new password 2')).toBe(true);
  });

  it('two uses of one token at the same time: exactly one succeeds', async () => {
    const id = await createUser(s, { username: 'eve', password: 'old password 1', email: 'eve@example.com' });
    const token = (await resetLink(s, mail, 'eve@example.com')).searchParams.get('token')!;
    const results = await Promise.allSettled([
      s.plinth.emailFlows.confirmPasswordReset('eve', token, 'first password 1'),
      s.plinth.emailFlows.confirmPasswordReset('eve', token, 'second password 2'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const won = results[0].status === 'fulfilled' ? 'first password 1' : 'second password 2';
    expect(await passwordIs(s, id, won)).toBe(true);
  });

  it('a new request replaces the earlier link', async () => {
    const id = await createUser(s, { username: 'fay', password: 'old password 1', email: 'fay@example.com' });
    const first = (await resetLink(s, mail, 'fay@example.com')).searchParams.get('token')!;
    const second = (await resetLink(s, mail, 'fay@example.com')).searchParams.get('token')!;
    expect(second).not.toBe(first);
    await expect(s.plinth.emailFlows.confirmPasswordReset('fay', first, 'new password 2')).rejects.toMatchObject({ code: -1 });
    await s.plinth.emailFlows.confirmPasswordReset('fay', second, 'new password 2');
    expect(await passwordIs(s, id, 'new password 2')).toBe(true);
  });

  it('finds the account by email regardless of case, or by username when it has no email, and tells nothing when there is none', async () => {
    await createUser(s, { username: 'gus', password: 'old password 1', email: 'Gus@Example.com' });
    await s.plinth.emailFlows.requestPasswordReset('gus@example.COM');
    expect((await mail.next()).to).toBe('Gus@Example.com');

    await createUser(s, { username: 'hal@example.com', password: 'old password 1' });
    await s.plinth.emailFlows.requestPasswordReset('hal@example.com');
    const m = await mail.next();
    expect(m.to).toBe('hal@example.com');
    expect(linkIn(m).searchParams.get('username')).toBe('hal@example.com');

    await expect(s.plinth.emailFlows.requestPasswordReset('nobody@example.com')).resolves.toBeUndefined();
    await mail.expectNone();
  });

  it('refuses a missing or non-string email with Parse’s errors', async () => {
    await expect(s.plinth.emailFlows.requestPasswordReset('')).rejects.toMatchObject({ code: 204, message: 'you must provide an email' });
    await expect(s.plinth.emailFlows.requestPasswordReset(42 as unknown as string)).rejects.toMatchObject({ code: 125 });
    await mail.expectNone();
  });

  it('a password the policy refuses shows the form again with the reason, and the link still works', async () => {
    const id = await createUser(s, { username: 'ivy', password: 'old password 1', email: 'ivy@example.com' });
    const page = await openPage(s, await resetLink(s, mail, 'ivy@example.com'));
    const short = await submitForm(s, page, { new_password: 'short', confirm_password: 'short' });
    expect(short.status).toBe(400);
    expect(short.html).toContain('role="alert"');
    expect(short.html).toContain('name="new_password"');
    expect(await passwordIs(s, id, 'old password 1')).toBe(true);
    const mismatch = await submitForm(s, short, { new_password: 'long enough 1', confirm_password: 'long enough 2' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.html).toContain('The two passwords do not match.');
    const ok = await submitForm(s, mismatch, { new_password: 'long enough 1', confirm_password: 'long enough 1' });
    expect(ok.status, ok.html).toBe(200);
    expect(await passwordIs(s, id, 'long enough 1')).toBe(true);
  });

  it('changing the password or the email ends a pending reset link', async () => {
    const jo = await createUser(s, { username: 'jo', password: 'old password 1', email: 'jo@example.com' });
    const byPassword = (await resetLink(s, mail, 'jo@example.com')).searchParams.get('token')!;
    await s.plinth.core.update(Auth.master(), '_User', jo, { password: 'changed password 2' });
    await expect(s.plinth.emailFlows.confirmPasswordReset('jo', byPassword, 'new password 3')).rejects.toMatchObject({ code: -1 });

    const byEmail = (await resetLink(s, mail, 'jo@example.com')).searchParams.get('token')!;
    await s.ok(`mutation($id: ID!) { updateUser(input: { id: $id, fields: { email: "jo2@example.com" } }) { user { objectId } } }`, { id: jo });
    await expect(s.plinth.emailFlows.confirmPasswordReset('jo', byEmail, 'new password 3')).rejects.toMatchObject({ code: -1 });
    expect(await passwordIs(s, jo, 'changed password 2')).toBe(true);
  });
});

describe('password reset links expire', () => {
  let s: TestServer;
  let mail: CapturedMail;
  beforeAll(async () => {
    mail = captureMail();
    s = await startTestServer({ auth: { passwordResetTokenTtlMs: 1500 } }, { mail: mail.adapter });
  });
  afterAll(() => s?.close());

  it('works within its lifetime and not after; the page says it has expired', async () => {
    const id = await createUser(s, { username: 'kim', password: 'old password 1', email: 'kim@example.com' });
    const link = await resetLink(s, mail, 'kim@example.com');
    expect((await openPage(s, link)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    const page = await openPage(s, link);
    expect(page.status).toBe(400);
    expect(page.html).toContain('The password reset link has expired');
    expect(page.html).not.toContain('<form');
    const token = link.searchParams.get('token')!;
    await expect(s.plinth.emailFlows.confirmPasswordReset('kim', token, 'new password 2')).rejects.toMatchObject({
      code: -1,
      message: 'The password reset link has expired',
    });
    expect(await passwordIs(s, id, 'old password 1')).toBe(true);
    // A fresh link works again.
    await s.plinth.emailFlows.confirmPasswordReset('kim', (await resetLink(s, mail, 'kim@example.com')).searchParams.get('token')!, 'new password 2');
    expect(await passwordIs(s, id, 'new password 2')).toBe(true);
  });

  it('sends at most 5 emails to one address in a burst; more requests answer alike but send nothing', async () => {
    await createUser(s, { username: 'flooded', password: 'old password 1', email: 'flooded@example.com' });
    await createUser(s, { username: 'other', password: 'old password 1', email: 'other@example.com' });
    for (let i = 0; i < 8; i++) await s.plinth.emailFlows.requestPasswordReset('Flooded@example.com');
    for (let i = 0; i < 5; i++) expect((await mail.next()).to).toBe('flooded@example.com');
    await mail.expectNone(300);
    // Another address has its own budget.
    await s.plinth.emailFlows.requestPasswordReset('other@example.com');
    expect((await mail.next()).to).toBe('other@example.com');
  });
});
