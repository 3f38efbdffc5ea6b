import { createECDH, randomBytes } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress, publicLookup, type Resolver } from '../../src/push/providers/public-address.ts';
import type { DeliveryResult } from '../../src/push/providers/types.ts';
import { createWebPushProvider } from '../../src/push/providers/web.ts';
import { testKeys } from '../helpers/push/keys.ts';

/*
 * Web Push endpoints are written by clients without a session: the server must never connect
 * to its own network through one, whatever the endpoint's spelling or what its name resolves to.
 * Listeners on the loopback addresses count the connections that get through: there must be none.
 */

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '0.0.0.0',
    '0.1.2.3',
    '10.1.2.3',
    '100.64.0.1',
    '100.127.255.254',
    '169.254.169.254',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '192.0.2.10',
    '198.18.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '::7f00:1',
    '::127.0.0.1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '::ffff:10.0.0.1',
    '::ffff:0:7f00:1',
    '64:ff9b::7f00:1',
    '64:ff9b::a9fe:a9fe',
    '2002:7f00:1::1',
    '2002:c0a8:101::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'fe80::1%eth0',
    'fec0::1',
    'ff02::1',
    '2001:db8::1',
    '2001::1',
    'localhost',
    'not an address',
  ])('%s is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '8.8.8.8',
    '142.250.74.46',
    '100.63.255.255',
    '100.128.0.1',
    '172.32.0.1',
    '2606:4700::1111',
    '2a00:1450:4007:80e::200a',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('%s is public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('publicLookup', () => {
  const lookup = (resolve: Resolver, all: boolean) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[] }>((done) =>
      publicLookup(resolve)('push.example.com', { all }, (error, address) => done({ error, address })),
    );

  it('hands on only the public addresses a name resolves to', async () => {
    const resolve: Resolver = async () => [
      { address: '127.0.0.1', family: 4 },
      { address: '93.184.215.14', family: 4 },
      { address: '::1', family: 6 },
    ];
    expect(await lookup(resolve, true)).toEqual({ error: null, address: [{ address: '93.184.215.14', family: 4 }] });
    expect(await lookup(resolve, false)).toEqual({ error: null, address: '93.184.215.14' });
  });

  it('fails with ENOTPUBLIC when none is public, and passes the resolver’s own errors on', async () => {
    const local = await lookup(async () => [{ address: '10.0.0.8', family: 4 }], true);
    expect(local.error?.code).toBe('ENOTPUBLIC');
    const missing = await lookup(async () => Promise.reject(Object.assign(new Error('no such name'), { code: 'ENOTFOUND' })), false);
    expect(missing.error?.code).toBe('ENOTFOUND');
  });
});

describe('Web Push endpoints at non-public addresses', () => {
  const keys = testKeys();
  // Real browser keys, so that only the endpoint can be the reason for a refusal.
  const ecdh = createECDH('prime256v1');
  const p256dh = ecdh.generateKeys().toString('base64url');
  const auth = randomBytes(16).toString('base64url');
  const sub = (endpoint: string) => JSON.stringify({ endpoint, keys: { p256dh, auth } });
  const servers: Server[] = [];
  const connections: string[] = [];
  let port = 0;

  /** A listener on `host`:`port` (0: any port) that counts and drops each connection. */
  async function listen(host: string, at: number): Promise<number> {
    const server = createServer((socket) => {
      connections.push(`${host} from ${socket.remoteAddress}`);
      socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(at, host, resolve);
    });
    servers.push(server);
    return (server.address() as { port: number }).port;
  }

  beforeAll(async () => {
    port = await listen('127.0.0.1', 0);
    await listen('::1', port);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  async function send(endpoints: string[], options: { lookup?: Resolver; allowLocal?: boolean } = {}): Promise<DeliveryResult[]> {
    const provider = createWebPushProvider({ ...keys.vapid, allowLocalEndpoints: options.allowLocal }, { timeoutMs: 2000, lookup: options.lookup });
    try {
      return await provider.send(
        endpoints.map((endpoint, i) => ({ installationId: String(i), token: sub(endpoint), data: { alert: 'x' } })),
        { pushId: 'p' },
      );
    } finally {
      await provider.close();
    }
  }

  it('are reached when local endpoints are allowed (the listeners see connections)', async () => {
    connections.length = 0;
    await send([`http://127.0.0.1:${port}/a`, `http://[::1]:${port}/b`, `https://[::ffff:127.0.0.1]:${port}/c`], { allowLocal: true });
    expect(connections.length).toBeGreaterThanOrEqual(3);
  });

  it('fail, never connected to, whatever their spelling', async () => {
    connections.length = 0;
    const endpoints = [
      `https://127.0.0.1:${port}/a`,
      `https://[::ffff:127.0.0.1]:${port}/b`,
      `https://[::ffff:7f00:1]:${port}/c`,
      `https://[::]:${port}/d`,
      `https://[::7f00:1]:${port}/e`,
      `https://[::1]:${port}/f`,
      `https://0.0.0.0:${port}/g`,
      `https://0x7f.1:${port}/h`,
      `https://2130706433:${port}/i`,
      `https://[64:ff9b::7f00:1]:${port}/j`,
      `https://localhost:${port}/k`,
      `https://foo.localhost:${port}/l`,
      'https://[::ffff:a9fe:a9fe]/latest/meta-data',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/x',
      'https://[fd00::1]/x',
      'https://[fe80::1]/x',
    ];
    const results = await send(endpoints);
    expect(results).toEqual(endpoints.map(() => ({ status: 'failed', error: 'endpoint is not at a public address' })));
    expect(connections).toEqual([]);
  });

  it('fail, never connected to, when their name resolves to a non-public address', async () => {
    connections.length = 0;
    const resolved: Record<string, LookupAddress[]> = {
      'push.attacker.example': [{ address: '127.0.0.1', family: 4 }],
      'v6.attacker.example': [{ address: '::1', family: 6 }],
      'mapped.attacker.example': [{ address: '::ffff:127.0.0.1', family: 6 }],
      'metadata.google.internal': [{ address: '169.254.169.254', family: 4 }],
    };
    const asked: string[] = [];
    const lookup: Resolver = async (hostname) => {
      asked.push(hostname);
      return resolved[hostname] ?? [];
    };
    const endpoints = Object.keys(resolved).map((name) => `https://${name}:${port}/x`);
    const results = await send(endpoints, { lookup });
    expect(results).toEqual(endpoints.map(() => ({ status: 'failed', error: 'endpoint is not at a public address' })));
    expect(asked.sort()).toEqual(Object.keys(resolved).sort());
    expect(connections).toEqual([]);
  });
});
