import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { openDatabase } from '../../src/db/index.ts';
import { createPlinth } from '../../src/server/app.ts';
import { createTestDatabase, testDbKind } from '../helpers/database.ts';
import { APP_ID, MASTER_KEY, readResponse, startLoggedServer, type LoggedServer } from './helpers.ts';

// API.md: HTTP `GET /health` (the process answers) and `GET /ready` (it can serve), for load
// balancers and orchestrators: no credentials, JSON reasons.
let s: LoggedServer;
beforeAll(async () => {
  // The background polls (other instances' class, role, job and hook changes) are slowed down so
  // that "asks nothing of the database" sees the request's own statements only, however loaded the machine.
  const quiet = 600_000;
  s = await startLoggedServer({ schemaPollMs: quiet, jobs: { pollMs: quiet }, webhooks: { pollMs: quiet } });
});
afterAll(() => s?.close());

describe('GET /health', () => {
  it('answers 200 without credentials, and asks nothing of the database', async () => {
    const statements: string[] = [];
    const stop = s.plinth.db.onQuery((text) => statements.push(text));
    const r = await s.send('/health');
    stop();
    expect(r.status).toBe(200);
    expect(statements).toEqual([]);
  });
});

describe('GET /ready', () => {
  it('answers 200 without credentials, with what it checked', async () => {
    const r = await s.send('/ready');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toEqual({
      ready: true,
      checks: { database: 'ok', migrations: 'ok', schema: 'ok', redis: 'not configured' },
      schemaVersion: s.plinth.schemaStore.current.version,
    });
  });

  it('reports the catalog version served, which follows class changes', async () => {
    await s.graphql(`mutation { createClass(input: { name: "Ping" }) { class { name } } }`, {}, { 'x-parse-master-key': MASTER_KEY });
    const r = await s.send('/ready');
    expect(r.body.schemaVersion).toBe(s.plinth.schemaStore.current.version);
    expect(Number(r.body.schemaVersion)).toBeGreaterThan(0);
  });

  it('is not GraphQL: the app id is not needed, and a GraphQL request on the same server still needs it', async () => {
    const refused = await s.send('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ health }' }),
    });
    expect(refused.status).toBe(403);
    const ok = await s.graphql('{ health }');
    expect(ok.body).toEqual({ data: { health: true } });
  });
});

describe('GET /ready with Redis configured', () => {
  it('checks that the pub/sub reaches Redis', async () => {
    const withRedis = await startLoggedServer({ redisUrl: 'redis://127.0.0.1:6379' });
    try {
      await vi.waitFor(() => expect(withRedis.plinth.live.pubsub.connected).toBe(true), { timeout: 10_000 });
      const r = await withRedis.send('/ready');
      expect(r.status).toBe(200);
      expect(r.body.checks.redis).toBe('ok');
    } finally {
      await withRedis.close();
    }
  });
});

describe('GET /ready when the instance cannot serve', () => {
  it('answers 503 with a reason once the server starts shutting down', async () => {
    const other = await startLoggedServer();
    try {
      other.plinth.readiness.stop();
      const r = await other.send('/ready');
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ ready: false, reason: 'shutting down', checks: { database: 'ok' } });
    } finally {
      await other.close();
    }
  });

  it('answers 503 {reason: "the database is unreachable"} when the database is gone', async () => {
    const other = await startLoggedServer();
    try {
      await other.plinth.db.close();
      const r = await other.send('/ready');
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ ready: false, reason: 'the database is unreachable', checks: { database: 'unreachable', migrations: 'unknown' } });
      // The detail goes to the log, once, not to whoever asked.
      expect(r.text).not.toMatch(/pool|PGlite|closed|ECONN/i);
      expect(other.logs.filter((l) => l.msg === 'not ready: the database is unreachable')).toHaveLength(1);
      await other.send('/ready');
      expect(other.logs.filter((l) => l.msg === 'not ready: the database is unreachable')).toHaveLength(1);
    } finally {
      await other.plinth.close().catch(() => undefined);
    }
  });

  // PGlite runs inside the process: there is no connection to lose. On PostgreSQL the server
  // is reached through a proxy that the test cuts and restores.
  it.runIf(testDbKind() === 'postgres')('answers 503 while the PostgreSQL server is unreachable, and 200 again once it is back', async () => {
    const database = await createTestDatabase();
    const proxy = await tcpProxy(new URL(database.url!));
    const url = new URL(database.url!);
    url.host = `127.0.0.1:${proxy.port}`;
    const db = await openDatabase({ url: url.toString(), poolSize: 2 });
    const config = loadConfig({}, { appId: APP_ID, masterKey: MASTER_KEY, dataDir: '/tmp/plinth-test-unused', logLevel: 'silent' });
    const plinth = await createPlinth(config, { db });
    const ready = async () => readResponse(await plinth.fetch(new Request('http://plinth.test/ready')));
    try {
      expect((await ready()).status).toBe(200);
      proxy.cut();
      const down = await ready();
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ ready: false, reason: 'the database is unreachable' });
      proxy.restore();
      // The pool drops the connections it lost as it notices; the next probes reconnect.
      await vi.waitFor(async () => expect((await ready()).status).toBe(200), { timeout: 10_000, interval: 50 });
    } finally {
      proxy.restore();
      await plinth.close();
      await proxy.close();
      await database.drop();
    }
  });
});

/** A TCP proxy to the database server that can be cut (every connection dropped, new ones refused) and restored. */
async function tcpProxy(target: URL) {
  let down = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (down) return void client.destroy();
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      down = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      down = false;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
