import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminRole } from '../../src/admin/types.ts';
import { countRows, createClass, createObject, signUp } from './fixtures.ts';
import {
  closeBrowser,
  MASTER_KEY,
  otherOrigin,
  pageStorage,
  PASSWORD,
  recordTraffic,
  roleSessions,
  startDashboard,
  until,
  type Dashboard,
  type OtherOrigin,
} from './harness.ts';

// Issue 14, point 2 in a real browser: no secret reaches the page, cross-site requests and
// sockets are refused, stored data is shown as text, the CSP holds, and a disabled admin is out.
let dash: Dashboard;
let evil: OtherOrigin;
let appUser: { id: string; sessionToken: string };
const XSS_IMG = '<img src=x onerror=window.__xss=1>';
const XSS_SCRIPT = '<script>window.__xss=2</script>';
const XSS_SVG = '<svg onload=window.__xss=5>';
const XSS_EMAIL = '<img/src=x/onerror=window.__xss=4>@example.test';
const sessionsFor = roleSessions(() => dash, { classes: [{ className: 'Note', fields: ['text', 'tag'], write: true }], features: ['data', 'schema'] });

beforeAll(async () => {
  dash = await startDashboard();
  evil = await otherOrigin();
  // Field names that are also names of every JS object's properties: the page must not mistake them.
  await createClass(dash, 'Note', {
    text: { type: 'String' },
    tag: { type: 'String' },
    secretNote: { type: 'String' },
    constructor: { type: 'String' },
    toString: { type: 'String' },
  });
  await createClass(dash, 'Vault', { code: { type: 'String' } }, { find: {}, get: {}, count: {}, create: {}, update: {}, delete: {}, addField: {} });
  await createObject(dash, 'Note', { text: XSS_IMG, tag: XSS_SCRIPT, secretNote: 'hidden from the scoped admin', constructor: XSS_SVG, toString: 'plain' });
  await createObject(dash, 'Note', { text: 'plain', tag: 'a "quoted" & <b>bold</b> tag' });
  await createObject(dash, 'Vault', { code: 'vault-code-1' });
  appUser = await signUp(dash, `<img src=x onerror=window.__xss=3>`, 'app-user-password-9', { email: 'app.user@example.test' });
});
afterAll(async () => {
  await sessionsFor.close();
  await closeBrowser();
  await evil?.close();
  await dash?.stop();
});

/** Clicks through every screen in the nav, then My account, waiting for each to settle. */
async function visitEveryScreen(page: Page): Promise<string[]> {
  // The shell renders its nav once the session has loaded: wait for it before reading it.
  await page.locator('[data-testid^="nav-"]').first().waitFor();
  const ids = await page.locator('[data-testid^="nav-"]').evaluateAll((links) => links.map((l) => l.getAttribute('data-testid')!.slice(4)));
  const settle = async (id: string) => {
    await page.waitForURL(new RegExp(`/dashboard/${id}`));
    // A loaded CI machine can take longer than Playwright's 10 s default for the GraphiQL screen's bundle.
    await page.waitForLoadState('networkidle', { timeout: 30_000 });
    await until(async () => (await page.getByText('Loading…').count()) === 0, 10_000, `the ${id} screen to load`);
    expect(await page.getByTestId('screen-error').count(), `the ${id} screen failed`).toBe(0);
  };
  for (const id of ids) {
    await page.getByTestId(`nav-${id}`).click();
    await settle(id);
  }
  await page.getByTestId('user-menu').click();
  await page.getByTestId('menu-account').click();
  await settle('account');
  return [...ids, 'account'];
}

describe.each(['OWNER', 'ADMIN', 'READ_ONLY', 'SCOPED'] as AdminRole[])('as %s', (role) => {
  it('no master key, session token, password or cookie value anywhere the page can see', async () => {
    const viewer = await sessionsFor.as(role);
    const { page, context } = viewer;
    const traffic = recordTraffic(page);
    await page.goto('/dashboard/');
    const visited = await visitEveryScreen(page);
    expect(visited).toContain('account');
    if (role !== 'SCOPED') expect(visited).toEqual(expect.arrayContaining(['data', 'schema', 'users', 'logs']));
    // Open the data browser on a class, where object data flows.
    await page.goto('/dashboard/data/Note');
    await page.waitForLoadState('networkidle');
    await traffic.settle();

    const cookies = await context.cookies();
    const cookie = cookies.find((c) => c.name === 'plinth_admin');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: expect.stringMatching(/^\/dashboard/) });
    const seen = [...traffic.texts, await pageStorage(page)].join('\n');
    const secrets = { masterKey: MASTER_KEY, sessionToken: appUser.sessionToken, cookie: cookie!.value, ...PASSWORD, appPassword: 'app-user-password-9' };
    for (const [name, value] of Object.entries(secrets)) expect(seen.includes(value), `${name} seen by the page`).toBe(false);
    // The cookie is out of script's reach.
    expect(await page.evaluate(() => document.cookie)).not.toContain('plinth_admin');
    expect(viewer.errors).toEqual([]);
  });
});

describe('XSS and CSP', () => {
  it('stored markup shows as text in the grid and never runs; no CSP violation; inline script is blocked', async () => {
    const { page, console: logged } = await sessionsFor.as('OWNER');
    const response = await page.goto('/dashboard/data/Note');
    const csp = response!.headers()['content-security-policy'];
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).not.toMatch(/unsafe-inline[^;]*;?.*script|script-src[^;]*unsafe-inline/);
    expect(csp).toMatch(/frame-ancestors 'none'|frame-ancestors 'self'/);
    await page.getByText(XSS_IMG, { exact: true }).first().waitFor();
    await page.getByText(XSS_SCRIPT, { exact: true }).first().waitFor();
    await page.getByText('a "quoted" & <b>bold</b> tag', { exact: true }).first().waitFor();
    await page.getByText(XSS_SVG, { exact: true }).first().waitFor();
    await page.getByTestId('header-constructor').waitFor();
    // A dashboard user whose email is markup, on the owner's admins screen.
    await dash.createAdmin('ADMIN', { email: XSS_EMAIL, password: 'markup-admin-pass-1' });
    await page.goto('/dashboard/admins');
    await page.getByText(XSS_EMAIL, { exact: true }).first().waitFor();
    // The users screen lists the app user whose username is markup.
    await page.getByTestId('nav-users').click();
    await page.waitForLoadState('networkidle');
    await page.getByText('<img src=x onerror=window.__xss=3>', { exact: true }).first().waitFor();
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(logged.filter((l) => /content security policy/i.test(l))).toEqual([]);

    // The CSP is really in force: an injected inline script does not run (and is reported).
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inline = 1';
      document.body.append(s);
    });
    expect(await page.evaluate(() => (window as { __inline?: number }).__inline)).toBeUndefined();
    await until(() => logged.some((l) => /content security policy/i.test(l)), 3000, 'the CSP violation report');
  });
});

describe('cross-site requests', () => {
  it('a form post and a fetch from another origin to /dashboard/graphql and the API routes change nothing', async () => {
    const { context } = await sessionsFor.as('OWNER');
    const owner = await sessionsFor.user('OWNER');
    const [note] = await dash.sql<{ objectId: string }>(`SELECT "objectId" FROM "Note" ORDER BY "createdAt" LIMIT 1`);
    const deletion = JSON.stringify({ query: `mutation { deleteObjects(className: "Note", objectIds: ["${note.objectId}"]) }` });
    const sessionsBefore = await dash.sql(`SELECT "id" FROM "_PlinthAdminSession" WHERE "admin_id" = $1`, [owner.id]);
    evil.serve(
      '/attack.html',
      `<!doctype html><body>
      <iframe name="sink"></iframe>
      <form id="f1" method="POST" action="${dash.origin}/dashboard/graphql" enctype="text/plain" target="sink">
        <input name='${deletion.slice(0, -1)},"x":"' value='"}' /></form>
      <form id="f2" method="POST" action="${dash.origin}/dashboard/api/logout" target="sink"></form>
      <script>
        window.results = [];
        const target = ${JSON.stringify(dash.origin)};
        async function attack() {
          document.getElementById('f1').submit();
          await new Promise((r) => setTimeout(r, 300));
          document.getElementById('f2').submit();
          await new Promise((r) => setTimeout(r, 300));
          for (const [path, type, body] of [
            ['/dashboard/graphql', 'text/plain', ${JSON.stringify(deletion)}],
            ['/dashboard/graphql', 'application/json', ${JSON.stringify(deletion)}],
            ['/dashboard/api/logout', 'text/plain', '{}'],
            ['/dashboard/api/totp/enroll', 'text/plain', '{}'],
          ]) {
            try {
              const res = await fetch(target + path, { method: 'POST', credentials: 'include', headers: { 'content-type': type }, body });
              window.results.push(path + ' ' + res.status + ' ' + (await res.text()));
            } catch (e) {
              window.results.push(path + ' failed: ' + e.message);
            }
            try {
              await fetch(target + path, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body });
            } catch {}
          }
          window.done = true;
        }
        attack();
      </script></body>`,
    );
    const page = await context.newPage();
    await page.goto(`${evil.origin}/attack.html`);
    await page.waitForFunction(() => (window as { done?: boolean }).done === true);
    const results = await page.evaluate(() => (window as { results?: string[] }).results ?? []);
    // Nothing the other origin can read: CORS failures or refusals, never data.
    for (const r of results) expect(r).not.toMatch(/"deleteObjects"|"secret"|"uri"/);
    await page.close();

    expect(await countRows(dash, 'Note', `"objectId" = '${note.objectId}'`)).toBe(1);
    expect(await dash.sql(`SELECT "id" FROM "_PlinthAdminSession" WHERE "admin_id" = $1`, [owner.id])).toEqual(sessionsBefore);
    expect(Number((await dash.sql(`SELECT count(*)::int AS n FROM "_PlinthAdmin" WHERE "totp_pending" IS NOT NULL`))[0].n)).toBe(0);
  });

  it('a WebSocket to /dashboard/graphql from another origin is refused; the dashboard’s own is accepted', async () => {
    const { context, page: own } = await sessionsFor.as('OWNER');
    const probe = (url: string) => `
      window.outcome = new Promise((resolve) => {
        const ws = new WebSocket(${JSON.stringify(url)}, 'graphql-transport-ws');
        ws.onopen = () => ws.send(JSON.stringify({ type: 'connection_init' }));
        ws.onmessage = (m) => { resolve('message ' + m.data); ws.close(); };
        ws.onclose = (e) => resolve('closed ' + e.code);
        setTimeout(() => resolve('timeout'), 5000);
      });`;
    const wsUrl = `${dash.origin.replace('http', 'ws')}/dashboard/graphql`;
    evil.serve('/socket.html', `<!doctype html><script>${probe(wsUrl)}</script>`);
    const page = await context.newPage();
    await page.goto(`${evil.origin}/socket.html`);
    const foreign = await page.evaluate(() => (window as unknown as { outcome: Promise<string> }).outcome);
    expect(foreign).not.toContain('connection_ack');
    expect(foreign).toMatch(/^closed/);
    await page.close();

    await own.goto('/dashboard/account');
    const mine = await own.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(url, 'graphql-transport-ws');
          ws.onopen = () => ws.send(JSON.stringify({ type: 'connection_init' }));
          ws.onmessage = (m) => {
            resolve(`message ${m.data}`);
            ws.close();
          };
          ws.onclose = (e) => resolve(`closed ${e.code}`);
        }),
      wsUrl,
    );
    expect(mine).toContain('connection_ack');
  });
});

describe('disabling an admin', () => {
  it('ends their open session and socket: their page falls back to the login form', async () => {
    const { page, sockets } = await sessionsFor.as('ADMIN');
    const admin = await sessionsFor.user('ADMIN');
    // Sockets of earlier pages (before a navigation) are not reported closed: watch only this page's.
    const from = sockets.length;
    await page.goto('/dashboard/data/Note');
    await page.waitForLoadState('networkidle');
    // The live grid holds a socket open.
    await until(() => sockets.slice(from).some((s) => s.url.endsWith('/dashboard/graphql') && !s.closed), 5000, 'the live grid socket');
    // The owner disables the admin from the admins screen.
    const { page: ownerPage } = await sessionsFor.as('OWNER');
    await ownerPage.goto('/dashboard/admins');
    await ownerPage.getByTestId(`admin-toggle-${admin.email}`).click();
    await until(async () => (await dash.sql(`SELECT "disabled" FROM "_PlinthAdmin" WHERE "id" = $1`, [admin.id]))[0].disabled === true, 5000, 'disabled');
    expect(await dash.sql(`SELECT "id" FROM "_PlinthAdminSession" WHERE "admin_id" = $1`, [admin.id])).toEqual([]);
    // Their next request (here: another screen) finds no session.
    await page.getByTestId('nav-schema').click();
    await page.getByTestId('login-form').waitFor({ timeout: 10_000 });
    const adminSockets = () => sockets.slice(from).filter((s) => s.url.endsWith('/dashboard/graphql'));
    await until(() => adminSockets().every((s) => s.closed), 5000, `the socket to close: ${JSON.stringify(sockets)}`);
  });
});
