import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../../src/server/http.ts';
import { loadConfig } from '../../src/config/index.ts';
import { APP_ID, MASTER_KEY, startAuthServer, type AuthServer } from './helpers.ts';

const CLASSES = '{ classes { name } }';
const REFUSED = { code: 119, error: 'unauthorized: the master key is not accepted from this address' };

/** POSTs a GraphQL request over TCP from `localAddress` to the server. */
function post(url: string, localAddress: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'x-parse-application-id': APP_ID, ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ query: CLASSES }));
  });
}

describe('masterKeyIps over a real socket', () => {
  let s: AuthServer;
  let running: RunningServer;
  beforeAll(async () => {
    s = await startAuthServer({ auth: { masterKeyIps: ['127.0.0.1'] } });
    running = await listen(s.plinth, 0, '127.0.0.1');
  });
  afterAll(async () => {
    await new Promise((resolve) => running?.server.close(resolve));
    running?.server.closeAllConnections();
    await s?.close();
  });

  it('accepts the master key from a listed address and refuses it (403) from another one', async () => {
    const allowed = await post(running.url, '127.0.0.1', { 'x-parse-master-key': MASTER_KEY });
    expect(allowed.status).toBe(200);
    expect(allowed.body.data.classes.map((c: { name: string }) => c.name)).toContain('_User');
    // 127.0.0.2 is a loopback address too, but not a listed one.
    const refused = await post(running.url, '127.0.0.2', { 'x-parse-master-key': MASTER_KEY });
    expect(refused).toEqual({ status: 403, body: REFUSED });
    const warning = s.logs.find((l) => l.msg?.startsWith('master key refused'));
    expect(warning).toMatchObject({ ip: '127.0.0.2' });
    expect(JSON.stringify(s.logs)).not.toContain(MASTER_KEY);
  });

  it('other requests from that address are served; a wrong master key there is simply anonymous', async () => {
    const anonymous = await post(running.url, '127.0.0.2', {});
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.errors[0].extensions.code).toBe(119);
    const wrongKey = await post(running.url, '127.0.0.2', { 'x-parse-master-key': 'not the key' });
    expect(wrongKey.status).toBe(200);
    expect(wrongKey.body.errors[0].message).toBe('unauthorized: master key is required');
  });
});

describe('masterKeyIps in process', () => {
  it('requests without a socket count as loopback; a remote address outside the list is refused', async () => {
    const s = await startAuthServer({ auth: { masterKeyIps: ['10.0.0.0/8', '::1'] } });
    try {
      expect((await s.gql(CLASSES, {}, { master: true })).status).toBe(200);
      expect((await s.gql(CLASSES, {}, { master: true, ip: '10.20.30.40' })).status).toBe(200);
      expect((await s.gql(CLASSES, {}, { master: true, ip: '::ffff:10.1.1.1' })).status).toBe(200);
      for (const ip of ['11.0.0.1', '2001:db8::1', '::ffff:192.0.2.1']) {
        const r = await s.gql(CLASSES, {}, { master: true, ip });
        expect({ ip, status: r.status, body: r.body }).toEqual({ ip, status: 403, body: REFUSED });
      }
    } finally {
      await s.close();
    }
  });

  it('without loopback in the list, even in-process master requests are refused', async () => {
    const s = await startAuthServer({ auth: { masterKeyIps: ['10.0.0.0/8'] } });
    try {
      expect((await s.gql(CLASSES, {}, { master: true })).status).toBe(403);
    } finally {
      await s.close();
    }
  });

  it('defaults: loopback only in production, every address in development', () => {
    expect(loadConfig({ NODE_ENV: 'production', PLINTH_MASTER_KEY: MASTER_KEY }, { dataDir: '/tmp/plinth-test-unused' }).auth.masterKeyIps).toEqual([
      '127.0.0.1',
      '::1',
    ]);
    expect(loadConfig({}, { masterKey: MASTER_KEY, dataDir: '/tmp/plinth-test-unused' }).auth.masterKeyIps).toEqual(['0.0.0.0/0', '::/0']);
  });
});
