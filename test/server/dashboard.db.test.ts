import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type ConfigInput } from '../../src/config/index.ts';
import { createPlinth, type Plinth } from '../../src/server/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { overSocket, stopRequester } from '../helpers/server.ts';

const BASE = 'http://localhost:1337';
const PASSWORD = 'correct horse battery';
const INDEX = '<!doctype html><title>Plinth</title><script type="module" src="/dashboard/assets/index-abc123.js"></script>';

interface Running {
  plinth: Plinth;
  database: TestDatabase;
  close(): Promise<void>;
}

/** A built UI of a few files, standing in for dist/dashboard. */
function fakeBuild(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'plinth-dashboard-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), INDEX);
  writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log("dashboard");\n');
  writeFileSync(path.join(dir, 'assets', 'index-abc123.css'), 'body{margin:0}\n');
  writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  // A secret beside the build: never reachable.
  writeFileSync(path.join(path.dirname(dir), `${path.basename(dir)}-secret.txt`), 'secret');
  return dir;
}

async function start(overrides: ConfigInput = {}, dashboardDir?: string): Promise<Running> {
  const database = await createTestDatabase();
  const config = loadConfig(
    {},
    { appId: 'test-app', masterKey: 'test-master-key-0123456789', dataDir: '/tmp/plinth-test-unused', logLevel: 'silent', ...overrides },
  );
  const plinth = await createPlinth(config, { db: database.db, dashboardDir });
  return {
    plinth,
    database,
    async close() {
      await stopRequester(plinth);
      await plinth.close();
      if (database.kind === 'postgres') await database.drop();
    },
  };
}

function post(pathname: string, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(BASE + pathname, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: BASE, ...headers },
    body: JSON.stringify(body),
  });
}

/** A GET with the path sent exactly as given (no client-side dot-segment folding). */
async function rawGet(plinth: Plinth, rawPath: string): Promise<{ status: number; body: string }> {
  const probe = await overSocket(plinth, '/dashboard/');
  await probe.text();
  const { port } = new URL(probe.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The cookie pair (name=value) a response sets. */
function cookieOf(response: Response): string {
  return response.headers.getSetCookie()[0].split(';')[0];
}

describe('dashboard HTTP routes', () => {
  let s: Running;
  let dist: string;
  let setupToken: string;

  beforeAll(async () => {
    dist = fakeBuild();
    s = await start({ dashboard: { loginRate: { perIpPerMinute: 1000, perAccountPerMinute: 20 } } }, dist);
    setupToken = new URL(s.plinth.admin.setupUrl!.replace('#', '?')).searchParams.get('token')!;
  });
  afterAll(async () => {
    await s?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('first run: the setup link creates the first owner once and signs them in', async () => {
    expect(s.plinth.admin.setupUrl).toMatch(/^http:\/\/localhost:\d+\/dashboard\/setup#token=[a-z2-7]{32}$/);
    // Cross-origin first: refused before anything else.
    const cross = await s.plinth.fetch(
      post('/dashboard/api/setup', { token: setupToken, email: 'owner@example.com', password: PASSWORD }, { origin: 'https://evil.example' }),
    );
    expect(cross.status).toBe(403);
    expect(await cross.json()).toEqual({ code: 119, error: 'Cross-origin request refused.' });

    const bad = await s.plinth.fetch(post('/dashboard/api/setup', { token: 'x'.repeat(32), email: 'owner@example.com', password: PASSWORD }));
    expect(bad.status).toBe(403);

    const done = await s.plinth.fetch(post('/dashboard/api/setup', { token: setupToken, email: 'Owner@Example.com', password: PASSWORD }));
    expect(done.status).toBe(200);
    const body = await done.json();
    expect(body).toMatchObject({ user: { email: 'owner@example.com', role: 'OWNER', totpEnabled: false }, canWrite: true, browsingAs: null });
    expect(body.features).toEqual(expect.arrayContaining(['data', 'admins', 'audit']));
    expect(done.headers.getSetCookie()[0]).toMatch(/^plinth_admin=[a-z2-7]{32}; HttpOnly; SameSite=Strict; Path=\/dashboard; Max-Age=43200$/);

    const again = await s.plinth.fetch(post('/dashboard/api/setup', { token: setupToken, email: 'second@example.com', password: PASSWORD }));
    expect(again.status).toBe(403);
    expect(await again.json()).toEqual({ code: 119, error: 'This setup link is not valid (it expired or has been used).' });
  });

  it('login sets the cookie; session answers the principal; wrong password and unknown email answer the same', async () => {
    const login = await s.plinth.fetch(post('/dashboard/api/login', { email: 'owner@example.com', password: PASSWORD }));
    expect(login.status).toBe(200);
    const cookie = cookieOf(login);
    const { csrfToken } = await login.json();
    expect(csrfToken).toMatch(/^[a-z2-7]{32}$/);

    const session = await s.plinth.fetch(new Request(BASE + '/dashboard/api/session', { headers: { cookie } }));
    expect(session.status).toBe(200);
    expect(session.headers.get('cache-control')).toBe('no-store');
    expect(await session.json()).toMatchObject({ user: { email: 'owner@example.com' }, csrfToken, browsingAs: null });

    const none = await s.plinth.fetch(new Request(BASE + '/dashboard/api/session'));
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ code: 209, error: 'Invalid session token' });

    const wrong = await s.plinth.fetch(post('/dashboard/api/login', { email: 'owner@example.com', password: 'wrong password' }));
    const unknown = await s.plinth.fetch(post('/dashboard/api/login', { email: 'nobody@example.com', password: 'wrong password' }));
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    const [a, b] = [await wrong.text(), await unknown.text()];
    expect(a).toBe(b);
    expect(JSON.parse(a)).toEqual({ code: 101, error: 'Invalid email or password.' });
    expect(wrong.headers.getSetCookie()).toEqual([]);

    const crossLogin = await s.plinth.fetch(
      post('/dashboard/api/login', { email: 'owner@example.com', password: PASSWORD }, { origin: 'http://localhost.evil.example' }),
    );
    expect(crossLogin.status).toBe(403);
    const noOrigin = await s.plinth.fetch(
      new Request(BASE + '/dashboard/api/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'owner@example.com', password: PASSWORD }),
      }),
    );
    expect(noOrigin.status).toBe(403);
    const form = await s.plinth.fetch(post('/dashboard/api/login', {}, { 'content-type': 'text/plain' }));
    expect(form.status).toBe(415);
  });

  it('signed-in POSTs need the CSRF token and the same origin; logout ends the session', async () => {
    const login = await s.plinth.fetch(post('/dashboard/api/login', { email: 'owner@example.com', password: PASSWORD }));
    const cookie = cookieOf(login);
    const { csrfToken } = await login.json();

    const missing = await s.plinth.fetch(post('/dashboard/api/logout', {}, { cookie }));
    expect(missing.status).toBe(403);
    expect(await missing.json()).toEqual({ code: 119, error: 'Missing or wrong CSRF token.' });
    const wrong = await s.plinth.fetch(post('/dashboard/api/logout', {}, { cookie, 'x-plinth-csrf': 'a'.repeat(32) }));
    expect(wrong.status).toBe(403);
    const cross = await s.plinth.fetch(post('/dashboard/api/logout', {}, { cookie, 'x-plinth-csrf': csrfToken, origin: 'https://evil.example' }));
    expect(cross.status).toBe(403);
    // The admin GraphQL endpoint has the same checks.
    const gql = (headers: Record<string, string>) => s.plinth.fetch(post('/dashboard/graphql', { query: '{ me { user { email } } }' }, headers));
    expect((await gql({ cookie })).status).toBe(403);
    expect((await gql({})).status).toBe(401);
    expect((await gql({ cookie, 'x-plinth-csrf': csrfToken, origin: 'https://evil.example' })).status).toBe(403);
    const me = await gql({ cookie, 'x-plinth-csrf': csrfToken });
    expect(me.status).toBe(200);
    expect(me.headers.get('content-security-policy')).toContain("default-src 'self'");

    const out = await s.plinth.fetch(post('/dashboard/api/logout', {}, { cookie, 'x-plinth-csrf': csrfToken }));
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie()[0]).toMatch(/^plinth_admin=; HttpOnly; SameSite=Strict; Path=\/dashboard; Max-Age=0$/);
    expect((await s.plinth.fetch(new Request(BASE + '/dashboard/api/session', { headers: { cookie } }))).status).toBe(401);
  });

  it('exports a class as a download: cookie and the CSRF token of the link', async () => {
    const login = await s.plinth.fetch(post('/dashboard/api/login', { email: 'owner@example.com', password: PASSWORD }));
    const cookie = cookieOf(login);
    const { csrfToken } = await login.json();
    const gql = async (query: string, variables: object) => {
      const res = await s.plinth.fetch(post('/dashboard/graphql', { query, variables }, { cookie, 'x-plinth-csrf': csrfToken }));
      const body = await res.json();
      expect(body.errors).toBeUndefined();
      return body.data;
    };
    await gql('mutation($f: JSON) { createClass(className: "Book", fields: $f) { className } }', { f: { title: { type: 'String' } } });
    for (const title of ['Dune', 'Emma']) await gql('mutation($f: JSON!) { createObject(className: "Book", fields: $f) }', { f: { title } });

    const url = (q: Record<string, string>) => `${BASE}/dashboard/api/export?${new URLSearchParams(q)}`;
    const csv = await s.plinth.fetch(new Request(url({ className: 'Book', format: 'csv', csrf: csrfToken }), { headers: { cookie } }));
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="Book.csv"');
    const text = await csv.text();
    expect(text).toContain('Dune');
    expect(text).toContain('Emma');

    expect((await s.plinth.fetch(new Request(url({ className: 'Book', format: 'csv' }), { headers: { cookie } }))).status).toBe(403);
    expect((await s.plinth.fetch(new Request(url({ className: 'Book', format: 'csv', csrf: csrfToken })))).status).toBe(401);
    const bad = await s.plinth.fetch(new Request(url({ className: 'Book', format: 'xml', csrf: csrfToken }), { headers: { cookie } }));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/format/);
  });

  it('routes the GraphiQL screen and its proxy behind the session (the page keeps its own nonce policy)', async () => {
    const login = await s.plinth.fetch(post('/dashboard/api/login', { email: 'owner@example.com', password: PASSWORD }));
    const cookie = cookieOf(login);
    const { csrfToken } = await login.json();
    expect((await s.plinth.fetch(new Request(`${BASE}/dashboard/api/graphiql?as=anonymous`))).status).toBe(401);
    const page = await s.plinth.fetch(new Request(`${BASE}/dashboard/api/graphiql?as=anonymous`, { headers: { cookie } }));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'nonce-/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    await page.text();

    const query = { query: '{ health }' };
    expect((await s.plinth.fetch(post('/dashboard/api/graphql-proxy?as=anonymous', query, { cookie }))).status).toBe(403);
    const ran = await s.plinth.fetch(post('/dashboard/api/graphql-proxy?as=anonymous', query, { cookie, 'x-plinth-csrf': csrfToken }));
    expect(ran.status).toBe(200);
    expect(await ran.json()).toEqual({ data: { health: true } });
  });

  it('throttled logins answer 429 with code 155', async () => {
    const attempt = () => s.plinth.fetch(post('/dashboard/api/login', { email: 'flood@example.com', password: 'guess' }));
    for (let i = 0; i < 20; i++) expect((await attempt()).status).toBe(401);
    const refused = await attempt();
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ code: 155, error: 'Too many requests' });
  });

  it('TOTP over HTTP: enrol, confirm, then login needs the code', async () => {
    const { generateHOTP } = await import('@oslojs/otp');
    const { decodeBase32IgnorePadding } = await import('@oslojs/encoding');
    const code = (secret: string, offset = 0) => generateHOTP(decodeBase32IgnorePadding(secret), BigInt(Math.floor(Date.now() / 30_000) + offset), 6);
    const user = await s.plinth.admin.accounts.users.create({ email: 'totp@example.com', password: PASSWORD, role: 'ADMIN' });
    const login = await s.plinth.fetch(post('/dashboard/api/login', { email: user.email, password: PASSWORD }));
    const headers = { cookie: cookieOf(login), 'x-plinth-csrf': (await login.json()).csrfToken };

    const enrol = await s.plinth.fetch(post('/dashboard/api/totp/enroll', {}, headers));
    const { secret, uri } = await enrol.json();
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    expect((await s.plinth.fetch(post('/dashboard/api/totp/confirm', { code: '000000' }, headers))).status).toBe(401);
    expect((await s.plinth.fetch(post('/dashboard/api/totp/confirm', { code: code(secret, -1) }, headers))).status).toBe(200);

    const needs = await s.plinth.fetch(post('/dashboard/api/login', { email: user.email, password: PASSWORD }));
    expect(needs.status).toBe(401);
    expect(await needs.json()).toEqual({ code: 101, error: 'A one-time code is required.', totpRequired: true });
    const ok = await s.plinth.fetch(post('/dashboard/api/login', { email: user.email, password: PASSWORD, totp: code(secret) }));
    expect(ok.status).toBe(200);
    expect((await ok.json()).user.totpEnabled).toBe(true);
    expect((await s.plinth.fetch(post('/dashboard/api/totp/disable', { code: code(secret, 1) }, headers))).status).toBe(200);
  });

  it('disabling a user ends their session at once', async () => {
    const user = await s.plinth.admin.accounts.users.create({ email: 'gone@example.com', password: PASSWORD, role: 'READ_ONLY' });
    const login = await s.plinth.fetch(post('/dashboard/api/login', { email: user.email, password: PASSWORD }));
    const cookie = cookieOf(login);
    expect((await login.json()).canWrite).toBe(false);
    await s.plinth.admin.accounts.users.update(user.id, { disabled: true });
    expect((await s.plinth.fetch(new Request(BASE + '/dashboard/api/session', { headers: { cookie } }))).status).toBe(401);
  });

  it('serves the UI: index.html not cached, hashed assets immutable, security headers on every answer', async () => {
    const redirect = await s.plinth.fetch(new Request(BASE + '/dashboard'));
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/dashboard/');

    for (const route of ['/dashboard/', '/dashboard/setup', '/dashboard/classes/Post']) {
      const page = await s.plinth.fetch(new Request(BASE + route));
      expect(page.status).toBe(200);
      expect(await page.text()).toBe(INDEX);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('cache-control')).toBe('no-cache');
      const csp = page.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(page.headers.get('referrer-policy')).toBe('same-origin');
    }

    const js = await s.plinth.fetch(new Request(BASE + '/dashboard/assets/index-abc123.js'));
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await js.text()).toBe('console.log("dashboard");\n');
    const css = await s.plinth.fetch(new Request(BASE + '/dashboard/assets/index-abc123.css'));
    expect(css.headers.get('content-type')).toBe('text/css');
    const icon = await s.plinth.fetch(new Request(BASE + '/dashboard/favicon.svg'));
    expect([icon.status, icon.headers.get('content-type'), icon.headers.get('cache-control')]).toEqual([200, 'image/svg+xml', 'no-cache']);
    // A stale asset name is 404, never the page.
    const stale = await s.plinth.fetch(new Request(BASE + '/dashboard/assets/index-old.js'));
    expect(stale.status).toBe(404);
    expect(stale.headers.get('content-security-policy')).toBeTruthy();

    const headOnly = await s.plinth.fetch(new Request(BASE + '/dashboard/assets/index-abc123.js', { method: 'HEAD' }));
    expect(headOnly.status).toBe(200);
    expect(headOnly.headers.get('content-length')).toBe('26');
  });

  it('refuses path traversal, literal, encoded or with NUL', async () => {
    const secret = `${path.basename(dist)}-secret.txt`;
    for (const p of [
      `/dashboard/assets/../../${secret}`,
      `/dashboard/assets/%2e%2e/%2e%2e/${secret}`,
      `/dashboard/assets/..%2f..%2f${secret}`,
      `/dashboard/..%2f${secret}`,
      `/dashboard/assets/%2e%2e%2f${secret}`,
      `/dashboard/assets/..%5c${secret}`,
      '/dashboard/assets/index-abc123.js%00.html',
      '/dashboard/%00',
      '/dashboard/assets/%E0%A4%A',
    ]) {
      for (const send of [(u: string) => s.plinth.fetch(new Request(BASE + u)), (u: string) => overSocket(s.plinth, u)]) {
        const res = await send(p);
        const text = await res.text();
        expect(text, p).not.toBe('secret');
        expect(text, p).not.toContain('console.log');
        if (res.status === 200) expect(text, p).toBe(INDEX);
      }
    }
    // Over a socket, a raw `..` is sent as typed (fetch would fold it first): nothing outside the build, not even the page.
    await overSocket(s.plinth, '/dashboard/');
    for (const raw of [`/dashboard/assets/../../${secret}`, '/dashboard/assets/../../../package.json', '/dashboard/../package.json']) {
      const { status, body } = await rawGet(s.plinth, raw);
      expect(status, raw).toBe(404);
      expect(body, raw).not.toContain('secret');
    }
  });

  it('serves over node:http too (cookies, streaming, headers)', async () => {
    const login = await overSocket(s.plinth, '/dashboard/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1' },
      body: JSON.stringify({ email: 'owner@example.com', password: PASSWORD }),
    });
    // The origin is compared with the Host the request was sent to (127.0.0.1:<port>), not just the host name.
    expect(login.status).toBe(403);
    const { port } = new URL(login.url);
    const ok = await overSocket(s.plinth, '/dashboard/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: `http://127.0.0.1:${port}` },
      body: JSON.stringify({ email: 'owner@example.com', password: PASSWORD }),
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.getSetCookie()[0]).toContain('HttpOnly; SameSite=Strict; Path=/dashboard');
    const js = await overSocket(s.plinth, '/dashboard/assets/index-abc123.js');
    expect([js.status, js.headers.get('cache-control'), await js.text()]).toEqual([200, 'public, max-age=31536000, immutable', 'console.log("dashboard");\n']);
  });
});

describe('dashboard settings', () => {
  it('PLINTH_DASHBOARD=false: every dashboard path is 404 and no setup link is made', async () => {
    const s = await start({ dashboard: { enabled: false } }, fakeBuild());
    try {
      expect(s.plinth.admin.setupUrl).toBeUndefined();
      for (const p of ['/dashboard', '/dashboard/', '/dashboard/api/session', '/dashboard/assets/index-abc123.js']) {
        expect((await s.plinth.fetch(new Request(BASE + p))).status, p).toBe(404);
      }
      expect((await s.plinth.fetch(post('/dashboard/api/login', { email: 'a@b.c', password: 'x' }))).status).toBe(404);
    } finally {
      await s.close();
    }
  });

  it('PLINTH_DASHBOARD_CSP=false drops the policy; no build answers 503; https sets Secure cookies', async () => {
    const s = await start({ dashboard: { csp: false }, publicUrl: 'https://admin.example.com' }, path.join(tmpdir(), 'plinth-no-such-build'));
    try {
      const page = await s.plinth.fetch(new Request(BASE + '/dashboard/'));
      expect(page.status).toBe(503);
      expect(await page.text()).toContain('run npm run build');
      expect(page.headers.get('content-security-policy')).toBeNull();
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');

      const token = new URL(s.plinth.admin.setupUrl!.replace('#', '?')).searchParams.get('token');
      expect(s.plinth.admin.setupUrl).toMatch(/^https:\/\/admin\.example\.com\/dashboard\/setup#token=/);
      // The public URL's origin counts as this server's (behind a proxy).
      const setup = await s.plinth.fetch(
        post('/dashboard/api/setup', { token, email: 'owner@example.com', password: PASSWORD }, { origin: 'https://admin.example.com' }),
      );
      expect(setup.status).toBe(200);
      expect(setup.headers.getSetCookie()[0]).toMatch(/; Secure$/);
    } finally {
      await s.close();
    }
  });
});
