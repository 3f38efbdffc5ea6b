import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '../cloud/harness.ts';
import { restClient } from '../helpers/rest.ts';
import { APP_ID, overSocket, startTestServer, type TestServer } from '../helpers/server.ts';

// Parse Config through Parse's REST API: `GET /config` for anyone (masterKeyOnly params only
// for the master key), `PUT /config` for the master key, merged as Parse merges it, in Parse's
// own `_GlobalConfig` row, read per request (a change made elsewhere is seen at once).

let s: TestServer;
let rest: ReturnType<typeof restClient>;
let user: { id: string; token: string };

beforeAll(async () => {
  s = await startTestServer();
  rest = restClient(s.plinth);
  user = await signUp(s, `config-user-${Date.now()}`);
});
afterAll(() => s?.close());

const WHEN = { __type: 'Date', iso: '2024-01-02T03:04:05.000Z' };

describe('GET and PUT /config', () => {
  it('before any write: {params: {}} for everyone', async () => {
    const r = await rest('GET', 'config');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ params: {} });
  });

  it('PUT is refused without the master key (403 Permission denied), nothing written', async () => {
    for (const call of [{}, { session: user.token }]) {
      const r = await rest('PUT', 'config', { ...call, body: { params: { hacked: true } } });
      expect(r.status).toBe(403);
      expect(r.body).toEqual({ error: 'Permission denied' });
    }
    expect((await rest('GET', 'config', { master: true })).body).toEqual({ params: {} });
  });

  it('the master key writes params; masterKeyOnly ones are hidden from anonymous callers and users', async () => {
    const put = await rest('PUT', 'config', {
      master: true,
      body: { params: { welcome: 'hi', secret: 's3cret', n: 1, when: WHEN }, masterKeyOnly: { secret: true } },
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ result: true });
    const client = { params: { welcome: 'hi', n: 1, when: WHEN }, masterKeyOnly: { welcome: false, n: false, when: false } };
    expect((await rest('GET', 'config')).body).toEqual(client);
    expect((await rest('GET', 'config', { session: user.token })).body).toEqual(client);
    const master = await rest('GET', 'config', { master: true });
    expect(master.body).toEqual({
      params: { welcome: 'hi', secret: 's3cret', n: 1, when: WHEN },
      masterKeyOnly: { welcome: false, secret: true, n: false, when: false },
    });
  });

  it('a PUT merges: named params change (Delete removes one), the others keep their values and flags', async () => {
    await rest('PUT', 'config', { master: true, body: { params: { n: 2, welcome: { __op: 'Delete' }, extra: null } } });
    const master = await rest('GET', 'config', { master: true });
    expect(master.body.params).toEqual({ secret: 's3cret', n: 2, when: WHEN, extra: null });
    expect(master.body.masterKeyOnly).toMatchObject({ secret: true, n: false, welcome: false, extra: false });
    expect((await rest('GET', 'config')).body.params).toEqual({ n: 2, when: WHEN, extra: null });
  });

  it('concurrent PUTs of different params all land (one merging statement each)', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => rest('PUT', 'config', { master: true, body: { params: { [`k${i}`]: i } } })));
    const params = (await rest('GET', 'config', { master: true })).body.params;
    for (let i = 0; i < 8; i++) expect(params[`k${i}`]).toBe(i);
  });

  it('a change made outside this server (another instance, Parse Server) is seen on the next request', async () => {
    await s.database.db.execute(`UPDATE "_GlobalConfig" SET "params" = "params" || '{"fromElsewhere": "yes"}'::jsonb WHERE "objectId" = '1'`);
    expect((await rest('GET', 'config')).body.params.fromElsewhere).toBe('yes');
  });

  it('user-chosen names stay names: a __proto__ param is stored and read back as a key', async () => {
    await rest('PUT', 'config', { master: true, body: '{"params": {"__proto__": {"polluted": true}}}' });
    const got = await rest('GET', 'config', { master: true });
    expect(Object.hasOwn(got.body.params, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('params that are not an object: 107', async () => {
    const r = await rest('PUT', 'config', { master: true, body: { params: 'nope' } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ code: 107, error: 'params must be an object' });
  });

  it('the JavaScript SDK’s Parse.Config.get: a text/plain POST with _method GET', async () => {
    const res = await overSocket(s.plinth, '/parse/config', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ _method: 'GET', _ApplicationId: APP_ID, _ClientVersion: 'js8.6.2' }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.params.n).toBe(2);
    expect(body.params.secret).toBeUndefined();
  });
});
