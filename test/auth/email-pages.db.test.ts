import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ID, startTestServer, type TestServer } from '../helpers/server.ts';
import { captureMail, createUser, formOf, linkIn, openPage, passwordIs, submitForm, type CapturedMail } from './email-helpers.ts';

const PUBLIC_URL = 'http://plinth.test';
const RESET = `${PUBLIC_URL}/apps/${APP_ID}/request_password_reset`;
const VERIFY = `${PUBLIC_URL}/apps/${APP_ID}/verify_email`;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** The pages that emailed links open: what a browser gets, and what they refuse. */
describe('account pages', () => {
  let s: TestServer;
  let mail: CapturedMail;
  let userId: string;
  beforeAll(async () => {
    mail = captureMail();
    s = await startTestServer({ publicUrl: PUBLIC_URL, auth: { appName: 'Acme <Shop> & "Co"', mailPerRecipientPerHour: 0 } }, { mail: mail.adapter });
    userId = await createUser(s, { username: `<img src=x onerror="alert(1)">'&`, password: 'old password 1', email: 'xss@example.com' });
  });
  afterAll(() => s?.close());

  const freshLink = async () => {
    await s.plinth.emailFlows.requestPasswordReset('xss@example.com');
    return linkIn(await mail.next());
  };

  it('answer a browser that sends no Parse headers, while GraphQL still requires the application id', async () => {
    const page = await openPage(s, await freshLink());
    expect(page.status).toBe(200);
    const graphql = await openPage(s, `${PUBLIC_URL}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ health }"}',
    });
    expect(graphql.status).toBe(403);
  });

  it('are plain HTML that loads nothing, keeps the address out of Referer headers and caches, and escapes what they show', async () => {
    const page = await openPage(s, await freshLink());
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self'");
    // The one inline style is allowed by its hash, so the browser applies it.
    const style = /<style>([\s\S]*?)<\/style>/.exec(page.html)![1];
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(page.html).not.toMatch(/<script|src=|href=/i);
    expect(page.html).not.toContain('<img');
    expect(page.html).not.toContain('<Shop>');
    expect(page.html).toContain('&#60;img src&#61;x onerror&#61;&#34;alert(1)&#34;&#62;&#39;&#38;');
    expect(page.html).toMatch(/<html lang="en">/);
    // Every visible input has a label.
    for (const [, id] of page.html.matchAll(/<input id="([^"]+)"/g)) expect(page.html).toContain(`<label for="${id}">`);
  });

  it('post the form to the page’s own path, without the token in the address', async () => {
    const link = await freshLink();
    const form = formOf(await openPage(s, link));
    expect(form.action.href).toBe(RESET);
    expect(form.fields).toMatchObject({ token: link.searchParams.get('token'), username: link.searchParams.get('username') });
  });

  it('refuse a token or a password in the address of the form’s POST, and leave the link usable', async () => {
    const link = await freshLink();
    const token = link.searchParams.get('token')!;
    const username = link.searchParams.get('username')!;
    const body = new URLSearchParams({ username, token, new_password: 'new password 2', confirm_password: 'new password 2' });
    const inAddress = await openPage(s, `${RESET}?token=${token}&username=${encodeURIComponent(username)}`, { method: 'POST', headers: FORM, body });
    expect(inAddress.status).toBe(400);
    const passwordInAddress = await openPage(s, `${link.href}&new_password=new+password+2`);
    expect(passwordInAddress.status).toBe(400);
    expect(passwordInAddress.html).not.toContain('<form');
    expect(await passwordIs(s, userId, 'old password 1')).toBe(true);
    const ok = await submitForm(s, await openPage(s, link), { new_password: 'new password 2', confirm_password: 'new password 2' });
    expect(ok.status).toBe(200);
    expect(await passwordIs(s, userId, 'new password 2')).toBe(true);
    await s.plinth.emailFlows.confirmPasswordReset(username, (await freshLink()).searchParams.get('token')!, 'old password 1');
  });

  it('accept only their own form: JSON is refused with 415', async () => {
    const link = await freshLink();
    const body = JSON.stringify({ username: link.searchParams.get('username'), token: link.searchParams.get('token'), new_password: 'new password 3' });
    const res = await openPage(s, RESET, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(415);
    expect(await passwordIs(s, userId, 'old password 1')).toBe(true);
  });

  it.each([
    ['an incomplete reset link', `${RESET}?username=ann`, 'GET', 400],
    ['an incomplete verification link', `${VERIFY}?token=abc`, 'GET', 400],
    ['another app id', `${PUBLIC_URL}/apps/other-app/request_password_reset?token=a&username=b`, 'GET', 404],
    ['an unknown page', `${PUBLIC_URL}/apps/${APP_ID}/choose_password`, 'GET', 404],
    ['DELETE on the reset page', RESET, 'DELETE', 405],
    ['POST on the verification page', VERIFY, 'POST', 405],
  ])('answer %s with a page and status %s', async (_case, url, method, status) => {
    const res = await openPage(s, url, { method });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.html).toContain('role="alert"');
    if (status === 405) expect(res.headers.get('allow')).toMatch(/GET/);
  });

  it('a submitted form without a password shows the form again', async () => {
    const page = await openPage(s, await freshLink());
    const res = await submitForm(s, page, { new_password: '', confirm_password: '' });
    expect(res.status).toBe(400);
    expect(res.html).toContain('Enter a new password.');
    expect(res.html).toContain('name="new_password"');
  });
});
