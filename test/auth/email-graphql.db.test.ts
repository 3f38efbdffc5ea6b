import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { expectError } from '../objects/helpers.ts';
import { captureMail, createUser, linkIn, openPage, type CapturedMail } from './email-helpers.ts';

const RESET = 'mutation($email: String!) { resetPassword(input: { email: $email }) { ok } }';
const CONFIRM = 'mutation($u: String!, $p: String!, $t: String!) { confirmResetPassword(input: { username: $u, password: $p, token: $t }) { ok } }';
const SEND = 'mutation($email: String!) { sendVerificationEmail(input: { email: $email }) { ok } }';
const LOG_IN = 'mutation($u: String!, $p: String!) { logIn(input: { username: $u, password: $p }) { viewer { sessionToken } } }';

/** The email flows through Parse's GraphQL mutations, as an app calls them (no master key). */
describe('email flows over GraphQL', () => {
  let s: TestServer;
  let mail: CapturedMail;
  beforeAll(async () => {
    mail = captureMail();
    s = await startTestServer({ auth: { verifyUserEmails: true } }, { mail: mail.adapter });
  });
  afterAll(() => s?.close());

  it('resetPassword answers ok whether or not the account exists; confirmResetPassword sets the password once', async () => {
    await createUser(s, { username: 'ann', password: 'old password 1', email: 'ann@example.com' });
    await mail.next(); // the verification email of the new account
    const session = (await s.anon(LOG_IN, { u: 'ann', p: 'old password 1' })).data?.logIn.viewer.sessionToken;
    expect(session).toMatch(/^r:/);

    expect((await s.anon(RESET, { email: 'nobody@example.com' })).body).toEqual({ data: { resetPassword: { ok: true } } });
    await mail.expectNone();
    expect((await s.anon(RESET, { email: 'ann@example.com' })).body).toEqual({ data: { resetPassword: { ok: true } } });
    const token = linkIn(await mail.next()).searchParams.get('token')!;

    expectError(
      await s.anon(CONFIRM, { u: 'ann', p: 'new password 2', t: 'x'.repeat(32) }),
      -1,
      'Failed to reset password: username / email / token is invalid',
    );
    expect((await s.anon(CONFIRM, { u: 'ann', p: 'new password 2', t: token })).body).toEqual({ data: { confirmResetPassword: { ok: true } } });
    expectError(await s.anon(CONFIRM, { u: 'ann', p: 'new password 3', t: token }), -1);

    expect((await s.anon(LOG_IN, { u: 'ann', p: 'new password 2' })).data?.logIn.viewer.sessionToken).toMatch(/^r:/);
    expectError(await s.anon(LOG_IN, { u: 'ann', p: 'old password 1' }), 101);
    // The session from before the reset has ended.
    const viewer = await s.request('{ viewer { sessionToken } }', {}, { 'x-parse-session-token': session });
    expect(viewer.status).toBe(400);
    expect(viewer.body).toEqual({ code: 209, error: 'Invalid session token' });
  });

  it('sendVerificationEmail answers ok and sends a link that verifies the email', async () => {
    const id = await createUser(s, { username: 'bob', password: 'password 1', email: 'bob@example.com' });
    await mail.next();
    expect((await s.anon(SEND, { email: 'bob@example.com' })).body).toEqual({ data: { sendVerificationEmail: { ok: true } } });
    expect((await s.anon(SEND, { email: 'nobody@example.com' })).body).toEqual({ data: { sendVerificationEmail: { ok: true } } });
    const link = linkIn(await mail.next());
    await mail.expectNone();
    expect((await openPage(s, link)).status).toBe(200);
    expect((await s.ok('query($id: ID!) { user(id: $id) { emailVerified } }', { id })).user.emailVerified).toBe(true);
  });
});
