import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashEmailToken } from '../../src/auth/email/tokens.ts';
import { APP_ID, startTestServer, type TestServer } from '../helpers/server.ts';
import { captureMail, createUser, linkIn, openPage, userRow, type CapturedMail } from './email-helpers.ts';

const PUBLIC_URL = 'https://app.example.com';

async function emailVerified(s: TestServer, id: string): Promise<boolean | null> {
  return (await s.ok(`query($id: ID!) { user(id: $id) { emailVerified } }`, { id })).user.emailVerified;
}

describe('email verification (verifyUserEmails on)', () => {
  let s: TestServer;
  let mail: CapturedMail;
  beforeAll(async () => {
    mail = captureMail();
    s = await startTestServer({ publicUrl: PUBLIC_URL, auth: { appName: 'Acme', verifyUserEmails: true } }, { mail: mail.adapter });
  });
  afterAll(() => s?.close());

  it('a new user with an email is unverified and gets a link; opening it verifies the email, once', async () => {
    const id = await createUser(s, { username: 'ann', password: 'password 1', email: 'ann@example.com' });
    expect(await emailVerified(s, id)).toBe(false);
    const message = await mail.next();
    expect(message.to).toBe('ann@example.com');
    expect(message.subject).toBe('Please verify your e-mail for Acme');
    const link = linkIn(message);
    expect(`${link.origin}${link.pathname}`).toBe(`${PUBLIC_URL}/apps/${APP_ID}/verify_email`);
    expect(link.searchParams.get('username')).toBe('ann');
    const token = link.searchParams.get('token')!;
    const row = await userRow(s, id);
    expect(row._email_verify_token).toBe(hashEmailToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(new Date(row._email_verify_token_expires_at).getTime()).toBeGreaterThan(Date.now());

    const page = await openPage(s, link);
    expect(page.status, page.html).toBe(200);
    expect(page.html).toContain('your email address is verified');
    expect(await emailVerified(s, id)).toBe(true);
    expect((await userRow(s, id))._email_verify_token).toBeNull();

    // Used up: a second opening (often a mail scanner opened it first) changes nothing and says so.
    await expect(s.plinth.emailFlows.verifyEmail('ann', token)).rejects.toMatchObject({ code: -1, message: 'This email address is already verified.' });
    const again = await openPage(s, link);
    expect(again.status).toBe(200);
    expect(again.html).toContain('already verified');
    expect(await emailVerified(s, id)).toBe(true);
  });

  it('a user without an email gets no mail; the master key may create a user already verified', async () => {
    const plain = await createUser(s, { username: 'bob', password: 'password 1' });
    const verified = await createUser(s, { username: 'cid', password: 'password 1', email: 'cid@example.com', emailVerified: true });
    await mail.expectNone();
    expect(await emailVerified(s, plain)).toBeNull();
    expect(await emailVerified(s, verified)).toBe(true);
  });

  it('changing the email makes it unverified, sends a link to the new address, and ends the old link', async () => {
    const id = await createUser(s, { username: 'dan', password: 'password 1', email: 'dan@example.com' });
    const oldLink = linkIn(await mail.next());
    await s.ok(`mutation($id: ID!) { updateUser(input: { id: $id, fields: { email: "dan@example.com", username: "dan" } }) { user { objectId } } }`, { id });
    await mail.expectNone();
    await s.ok(`mutation($id: ID!) { updateUser(input: { id: $id, fields: { email: "dan2@example.com" } }) { user { objectId } } }`, { id });
    const message = await mail.next();
    expect(message.to).toBe('dan2@example.com');
    expect((await openPage(s, oldLink)).status).toBe(400);
    expect(await emailVerified(s, id)).toBe(false);
    expect((await openPage(s, linkIn(message))).status).toBe(200);
    expect(await emailVerified(s, id)).toBe(true);

    // Verified, then changed again: unverified once more.
    await s.ok(`mutation($id: ID!) { updateUser(input: { id: $id, fields: { email: "dan3@example.com" } }) { user { objectId } } }`, { id });
    expect((await mail.next()).to).toBe('dan3@example.com');
    expect(await emailVerified(s, id)).toBe(false);
  });

  it('sendVerificationEmail sends a fresh link (the earlier one stops working), and nothing for verified or unknown addresses', async () => {
    const id = await createUser(s, { username: 'eve', password: 'password 1', email: 'eve@example.com' });
    const first = linkIn(await mail.next());
    await s.plinth.emailFlows.sendVerificationEmail('EVE@example.com');
    const second = linkIn(await mail.next());
    expect(second.searchParams.get('token')).not.toBe(first.searchParams.get('token'));
    expect((await openPage(s, first)).status).toBe(400);
    expect((await openPage(s, second)).status).toBe(200);
    expect(await emailVerified(s, id)).toBe(true);

    await s.plinth.emailFlows.sendVerificationEmail('eve@example.com');
    await s.plinth.emailFlows.sendVerificationEmail('nobody@example.com');
    await mail.expectNone();
    await expect(s.plinth.emailFlows.sendVerificationEmail('')).rejects.toMatchObject({ code: 204 });
  });

  it('a wrong token or another user’s name is refused and verifies nothing', async () => {
    const fay = await createUser(s, { username: 'fay', password: 'password 1', email: 'fay@example.com' });
    const gus = await createUser(s, { username: 'gus', password: 'password 1', email: 'gus@example.com' });
    const fayToken = linkIn(await mail.next()).searchParams.get('token')!;
    await mail.next();
    const flows = s.plinth.emailFlows;
    await expect(flows.verifyEmail('fay', 'b'.repeat(32))).rejects.toMatchObject({ code: -1 });
    await expect(flows.verifyEmail('gus', fayToken)).rejects.toMatchObject({ code: -1 });
    const wrongUser = await openPage(s, `${PUBLIC_URL}/apps/${APP_ID}/verify_email?token=${fayToken}&username=gus`);
    expect(wrongUser.status).toBe(400);
    expect(await emailVerified(s, fay)).toBe(false);
    expect(await emailVerified(s, gus)).toBe(false);
    await flows.verifyEmail('fay', fayToken);
    expect(await emailVerified(s, fay)).toBe(true);
  });
});

describe('email verification links expire', () => {
  let s: TestServer;
  let mail: CapturedMail;
  beforeAll(async () => {
    mail = captureMail();
    s = await startTestServer({ auth: { verifyUserEmails: true, emailVerifyTokenTtlMs: 1500 } }, { mail: mail.adapter });
  });
  afterAll(() => s?.close());

  it('after its lifetime the link verifies nothing and the page says it has expired', async () => {
    const id = await createUser(s, { username: 'hal', password: 'password 1', email: 'hal@example.com' });
    const link = linkIn(await mail.next());
    await new Promise((r) => setTimeout(r, 1600));
    const page = await openPage(s, link);
    expect(page.status).toBe(400);
    expect(page.html).toContain('The email verification link has expired');
    expect(await emailVerified(s, id)).toBe(false);
  });
});

describe('email verification off (the default)', () => {
  let s: TestServer;
  let mail: CapturedMail;
  beforeAll(async () => {
    mail = captureMail();
    s = await startTestServer({}, { mail: mail.adapter });
  });
  afterAll(() => s?.close());

  it('sends nothing on signup or on request, and leaves emailVerified unset', async () => {
    const id = await createUser(s, { username: 'ivy', password: 'password 1', email: 'ivy@example.com' });
    await s.plinth.emailFlows.sendVerificationEmail('ivy@example.com');
    await mail.expectNone();
    expect(await emailVerified(s, id)).toBeNull();
    expect((await userRow(s, id))._email_verify_token).toBeNull();
  });
});
