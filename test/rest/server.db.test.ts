import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '../cloud/harness.ts';
import { restClient } from '../helpers/rest.ts';
import { APP_ID, MASTER_KEY, overSocket, startTestServer, type TestServer } from '../helpers/server.ts';

// `GET /health` (Parse's answer, without credentials: Parse serves it before its header checks)
// and `GET /serverInfo` (master key only, in the shape of Parse's FeaturesRouter, true only for
// what this server offers).

let s: TestServer;
let rest: ReturnType<typeof restClient>;

beforeAll(async () => {
  s = await startTestServer();
  rest = restClient(s.plinth);
});
afterAll(() => s?.close());

describe('GET /health', () => {
  it('answers {status: "ok"} without an application id, with CORS, for GET and POST', async () => {
    const res = await overSocket(s.plinth, '/parse/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const post = await overSocket(s.plinth, '/parse/health', { method: 'POST' });
    expect(await post.json()).toEqual({ status: 'ok' });
  });

  it('a wrong application id or session token changes nothing', async () => {
    const r = await rest('GET', 'health', { headers: { 'X-Parse-Application-Id': 'other' }, session: 'r:bogus' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ok' });
  });
});

describe('GET /serverInfo', () => {
  it('is refused without the master key: 403 unauthorized without an app id, Permission denied for clients', async () => {
    const noApp = await overSocket(s.plinth, '/parse/serverInfo');
    expect(noApp.status).toBe(403);
    expect(await noApp.json()).toEqual({ error: 'unauthorized' });
    const user = await signUp(s, `info-${Date.now()}`);
    for (const call of [{}, { session: user.token }]) {
      const r = await rest('GET', 'serverInfo', call);
      expect(r.status).toBe(403);
      expect(r.body).toEqual({ error: 'Permission denied' });
    }
  });

  it('for the master key: the Parse version answered and the features this server has', async () => {
    const r = await rest('GET', 'serverInfo', { master: true });
    expect(r.status).toBe(200);
    expect(r.body.parseServerVersion).toBe('9.10.0');
    expect(r.body.features).toEqual({
      globalConfig: { create: true, read: true, update: true, delete: true },
      hooks: { create: false, read: false, update: false, delete: false },
      cloudCode: { jobs: true },
      logs: { level: false, size: false, order: false, until: false, from: false },
      // No push provider is configured on this server.
      push: { immediatePush: false, scheduledPush: false, storedPushData: false, pushAudiences: false, localization: false },
      schemas: {
        addField: true,
        removeField: true,
        addClass: true,
        removeClass: true,
        clearAllDataFromClass: true,
        exportClass: false,
        editClassLevelPermissions: true,
        editPointerPermissions: true,
      },
      settings: { securityCheck: false },
    });
  });
});

describe('the master key from an address PLINTH_MASTER_KEY_IPS does not list', () => {
  it('is refused (403, 119): the REST API checks the caller’s address, loopback only here', async () => {
    const fenced = await startTestServer({ auth: { masterKeyIps: ['127.0.0.1'] } });
    try {
      const call = (ip: string) =>
        fenced.plinth.rest.fetch(
          new Request('http://plinth.test/parse/serverInfo', { headers: { 'X-Parse-Application-Id': APP_ID, 'X-Parse-Master-Key': MASTER_KEY } }),
          { ip },
        );
      const remote = await call('203.0.113.9');
      expect(remote.status).toBe(403);
      expect((await remote.json()).code).toBe(119);
      expect((await call('127.0.0.1')).status).toBe(200);
    } finally {
      await fenced.close();
    }
  });
});
