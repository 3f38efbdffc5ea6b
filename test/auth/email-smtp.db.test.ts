import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../conformance/smtp-server.ts';
import { createUser, linkIn, openPage, passwordIs, submitForm } from './email-helpers.ts';

/** The whole path with no test double: Plinth → nodemailer → a real SMTP server → the link → the page. */
describe('password reset through a real SMTP server', () => {
  let smtp: TestSmtpServer;
  let s: TestServer;
  beforeAll(async () => {
    smtp = await startTestSmtpServer({ user: 'plinth', pass: 'mail-secret' });
    s = await startTestServer({ publicUrl: 'http://plinth.test', auth: { smtpUrl: smtp.url, mailFrom: 'accounts@plinth.test', appName: 'Acme' } });
  });
  afterAll(async () => {
    await s?.close();
    await smtp?.close();
  });

  it('the emailed link, as received, opens the form that sets the new password', async () => {
    const id = await createUser(s, { username: 'ann', password: 'old password 1', email: 'ann@example.com' });
    await s.plinth.emailFlows.requestPasswordReset('ann@example.com');
    const [received] = await smtp.waitFor(1);
    expect(received.user).toBe('plinth');
    expect(received.envelope).toEqual({ from: 'accounts@plinth.test', to: ['ann@example.com'] });
    const parsed = await simpleParser(received.raw);
    expect(parsed.subject).toBe('Password Reset for Acme');
    const link = linkIn({ to: 'ann@example.com', subject: parsed.subject!, text: parsed.text ?? '' });

    const page = await openPage(s, link);
    expect(page.status, page.html).toBe(200);
    const done = await submitForm(s, page, { new_password: 'new password 2', confirm_password: 'new password 2' });
    expect(done.status, done.html).toBe(200);
    expect(await passwordIs(s, id, 'new password 2')).toBe(true);
    expect(await passwordIs(s, id, 'old password 1')).toBe(false);
    expect((await openPage(s, link)).status).toBe(400);
  });
});
