import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config/index.ts';
import { createPlinth, type Plinth } from '../../src/server/app.ts';
import { listen, type RunningServer } from '../../src/server/http.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

const PASSWORD = 'correct horse battery';

/** Opens a WebSocket and answers how it went: 'open' (with the socket) or the HTTP status of the refusal. */
function connect(url: string, headers: Record<string, string>, protocol = 'graphql-transport-ws'): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocol, { headers });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.once('error', () => resolve({ status: -1 }));
  });
}

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

/** The dashboard's socket over node:http: cookie and Origin checked on upgrade (no cross-site WebSocket hijacking). */
describe('dashboard WebSocket', () => {
  let database: TestDatabase;
  let running: RunningServer;
  let origin: string;
  let cookie: string;
  let userId: string;
  let plinth: Plinth;

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = loadConfig({}, { appId: 'test-app', masterKey: 'test-master-key-0123456789', dataDir: '/tmp/plinth-test-unused', logLevel: 'silent' });
    plinth = await createPlinth(config, { db: database.db });
    running = await listen(plinth, 0, '127.0.0.1');
    origin = `http://127.0.0.1:${(running.server.address() as AddressInfo).port}`;
    const user = await plinth.admin.accounts.users.create({ email: 'ann@example.com', password: PASSWORD, role: 'OWNER' });
    userId = user.id;
    const login = await fetch(`${origin}/dashboard/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ email: user.email, password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    cookie = login.headers.getSetCookie()[0].split(';')[0];
  });
  afterAll(async () => {
    await running?.stop(1000);
    if (database?.kind === 'postgres') await database.drop();
  });

  it('refuses an upgrade from another origin, or without a session', async () => {
    const url = origin.replace('http', 'ws') + '/dashboard/graphql';
    expect((await connect(url, { cookie, origin: 'https://evil.example' })).status).toBe(401);
    expect((await connect(url, { cookie })).status).toBe(401);
    expect((await connect(url, { origin })).status).toBe(401);
  });

  it('accepts a same-origin upgrade with the cookie, and closes it when the user is disabled', async () => {
    const { ws, status } = await connect(origin.replace('http', 'ws') + '/dashboard/graphql', { cookie, origin });
    expect(status).toBeUndefined();
    const acked = new Promise<string>((resolve) => ws!.once('message', (data) => resolve(String(data))));
    ws!.send(JSON.stringify({ type: 'connection_init' }));
    expect(JSON.parse(await acked)).toMatchObject({ type: 'connection_ack' });
    const done = closed(ws!);
    // Another owner first: the last one may not be disabled.
    await plinth.admin.accounts.users.create({ email: 'other@example.com', password: PASSWORD, role: 'OWNER' });
    await plinth.admin.accounts.users.update(userId, { disabled: true });
    expect(await done).toBe(4401);
  });

  it('leaves the public graphql-ws as it was', async () => {
    const { ws } = await connect(origin.replace('http', 'ws') + '/graphql', {});
    expect(ws).toBeDefined();
    ws!.close();
    expect((await connect(origin.replace('http', 'ws') + '/elsewhere', {})).status).toBe(404);
  });
});
