import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminFeature, AdminPrincipal, AdminRole } from '../../src/admin/types.ts';
import { Auth } from '../../src/security/index.ts';
import { graphiqlPage } from '../../src/server/dashboard/graphiql.ts';
import { graphqlProxy } from '../../src/server/dashboard/proxy.ts';
import { MASTER_KEY, startTestServer, type TestServer } from '../helpers/server.ts';

// Issue 14, point 9: the dashboard's GraphiQL runs as anonymous, a user or the admin, chosen on
// the server; the page never holds the master key or a session token.
let s: TestServer;
let ann: { objectId: string; sessionToken: string };
const CSRF = 'csrf-token-of-the-session';

function principal(role: AdminRole, features: AdminFeature[] = ['graphiql']): AdminPrincipal {
  const scope = role === 'SCOPED' ? { classes: [{ className: 'Note', write: true }], features } : null;
  return {
    sessionId: 'dash-session',
    user: { id: 'admin1', email: 'admin@example.com', role, scope, disabled: false, totpEnabled: false, createdAt: new Date(), lastLoginAt: null },
    auth: Auth.admin({
      adminId: 'admin1',
      email: 'admin@example.com',
      readOnly: role === 'READ_ONLY',
      classes: scope ? new Map(scope.classes.map((c) => [c.className, { write: c.write }])) : undefined,
    }),
    csrfToken: CSRF,
    can: (feature) => (role === 'SCOPED' ? (features as string[]).includes(feature) : feature !== 'admins' && feature !== 'audit'),
  };
}

async function proxied(as: string, query: string, who = principal('OWNER'), headers: Record<string, string> = {}) {
  const request = new Request(`http://localhost/dashboard/api/graphql-proxy?as=${encodeURIComponent(as)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-plinth-csrf': CSRF, ...headers },
    body: JSON.stringify({ query }),
  });
  const res = await graphqlProxy(request, who, s.plinth);
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

const page = (as: string, who = principal('OWNER')) =>
  graphiqlPage(new Request(`http://localhost/dashboard/api/graphiql?as=${encodeURIComponent(as)}`), who, s.plinth);
const COUNT = '{ notes { count } }';

beforeAll(async () => {
  s = await startTestServer();
  await s.ok(`mutation { createClass(input: { name: "Note", schemaFields: { addStrings: [{ name: "text" }] } }) { class { name } } }`);
  const signedUp = await s.anon<any>(
    `mutation { signUp(input: { fields: { username: "ann", password: "ann's password 1" } }) { viewer { sessionToken user { objectId } } } }`,
  );
  ann = { objectId: signedUp.data.signUp.viewer.user.objectId, sessionToken: signedUp.data.signUp.viewer.sessionToken };
  // One public note, one only Ann may read.
  await s.ok(`mutation { createNote(input: { fields: { text: "public" } }) { note { objectId } } }`);
  await s.ok(`mutation($acl: ACLInput!) { createNote(input: { fields: { text: "ann's", ACL: $acl } }) { note { objectId } } }`, {
    acl: { users: [{ userId: ann.objectId, read: true, write: true }], public: { read: false, write: false } },
  });
});
afterAll(async () => {
  await s?.close();
});

describe('the proxy runs as the identity chosen', () => {
  it('anonymous sees only public objects, whatever credentials the page sends', async () => {
    expect((await proxied('anonymous', COUNT)).body).toEqual({ data: { notes: { count: 1 } } });
    const withKey = await proxied('anonymous', COUNT, principal('OWNER'), { 'x-parse-master-key': MASTER_KEY, 'x-parse-session-token': ann.sessionToken });
    expect(withKey.body).toEqual({ data: { notes: { count: 1 } } });
  });

  it('a user sees what their ACLs allow', async () => {
    const res = await proxied(`user:${ann.objectId}`, COUNT);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { notes: { count: 2 } } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('master runs with the admin’s own reach', async () => {
    expect((await proxied('master', COUNT)).body).toEqual({ data: { notes: { count: 2 } } });
    const created = await proxied('master', `mutation { createNote(input: { fields: { text: "by owner" } }) { note { text } } }`);
    expect(created.body).toEqual({ data: { createNote: { note: { text: 'by owner' } } } });
  });

  it('a read-only admin cannot write through it', async () => {
    const res = await proxied('master', `mutation { createNote(input: { fields: { text: "by read-only" } }) { note { text } } }`, principal('READ_ONLY'));
    expect(res.body.errors?.[0]?.extensions?.code).toBe(119);
    expect((await s.ok(`{ notes(where: { text: { equalTo: "by read-only" } }) { count } }`)).notes.count).toBe(0);
  });

  it('refuses without the CSRF header, without the feature, and users for read-only or scoped admins', async () => {
    expect((await proxied('master', COUNT, principal('OWNER'), { 'x-plinth-csrf': 'wrong' })).status).toBe(403);
    const noFeature = await proxied('anonymous', COUNT, principal('SCOPED', ['data']));
    expect(noFeature.status).toBe(403);
    expect(noFeature.body.code).toBe(119);
    expect((await proxied(`user:${ann.objectId}`, COUNT, principal('READ_ONLY'))).status).toBe(403);
    expect((await proxied(`user:${ann.objectId}`, COUNT, principal('SCOPED'))).status).toBe(403);
    expect((await proxied('anonymous', COUNT, principal('SCOPED'))).status).toBe(200);
  });

  it('answers bad identities in Parse’s error format', async () => {
    expect(await proxied('user:nobody00', COUNT)).toMatchObject({ status: 404, body: { code: 101 } });
    expect(await proxied('user:</script>', COUNT)).toMatchObject({ status: 400, body: { code: 102 } });
    expect(await proxied('root', COUNT)).toMatchObject({ status: 400, body: { code: 102 } });
  });
});

describe('the public endpoint with an Auth in its server context', () => {
  it('runs as that Auth, whatever credentials the request carries', async () => {
    const request = new Request('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-parse-application-id': 'test-app', 'x-parse-master-key': MASTER_KEY },
      body: JSON.stringify({ query: COUNT }),
    });
    const anonymous = (await s.anon(COUNT)).data.notes.count;
    const master = (await s.master(COUNT)).data.notes.count;
    expect(master).toBeGreaterThan(anonymous);
    const res = await s.plinth.graphql.fetch(request, { auth: Auth.anonymous() });
    expect(await res.json()).toEqual({ data: { notes: { count: anonymous } } });
  });
});

describe('the GraphiQL page', () => {
  it('points at the proxy with the CSRF header, under its own nonce-based CSP', async () => {
    const res = await page(`user:${ann.objectId}`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    const html = await res.text();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain(`/dashboard/api/graphql-proxy?as=user%3A${ann.objectId}`);
    expect(html).toContain(CSRF);
    expect(html).not.toContain(MASTER_KEY);
    expect(html).not.toContain(ann.sessionToken);
    // A fresh nonce per response.
    const again = (await page('master')).headers.get('content-security-policy');
    expect(again).not.toContain(nonce);
  });

  it('is refused as the proxy would refuse it', async () => {
    expect((await page('anonymous', principal('SCOPED', ['data']))).status).toBe(403);
    expect((await page(`user:${ann.objectId}`, principal('READ_ONLY'))).status).toBe(403);
    expect((await page('user:"><img>')).status).toBe(400);
  });
});
