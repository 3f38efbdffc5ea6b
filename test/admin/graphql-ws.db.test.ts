import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Auth } from '../../src/security/index.ts';
import type { AdminPrincipal } from '../../src/admin/types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { adminApi, makeAdmin, type AdminApi } from '../helpers/admin.ts';
import { stream } from '../live/ws-server.ts';

// Issue 14, point 3: the live grid — objectEvents over the dashboard's graphql-ws, and sockets
// of ended sessions closed.
let s: TestServer;
let api: AdminApi;
let owner: AdminPrincipal;
let server: http.Server;
let ws: { close(): Promise<void> };
let url: string;
const endedListeners = new Set<(ids: readonly string[]) => void>();
const clients: Client[] = [];

beforeAll(async () => {
  s = await startTestServer();
  api = adminApi(s.plinth);
  owner = await makeAdmin(s.plinth, 'OWNER');
  await api.ok(owner, `mutation { createClass(className: "Feed", fields: {title: {type: "String"}, at: {type: "Date"}}) { className } }`);
  server = http.createServer((_req, res) => res.writeHead(404).end());
  // The cookie check of the accounts module, reduced to a header naming the session.
  ws = api.graphql.attachWebSocket(
    server,
    async (req) => (req.headers.cookie === `session=${owner.sessionId}` ? owner : null),
    (listener) => {
      endedListeners.add(listener);
      return () => endedListeners.delete(listener);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/dashboard/graphql`;
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await ws?.close();
  if (server?.listening) await new Promise((resolve) => server.close(resolve));
  await s?.close();
});

/** Polls until `check` holds (fails after 10 s). */
async function waitFor(check: () => boolean | Promise<boolean>): Promise<void> {
  const end = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function client(cookie: string | undefined, onClosed?: (e: { code: number }) => void): Client {
  class CookieSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers: cookie ? { cookie } : {} });
    }
  }
  const c = createClient({ url, webSocketImpl: CookieSocket, retryAttempts: 0, lazy: true, on: { closed: (e) => onClosed?.(e as { code: number }) } });
  clients.push(c);
  return c;
}

describe('objectEvents over the dashboard WebSocket', () => {
  it('delivers others’ writes as they happen, in REST JSON, filtered by where', async () => {
    const events = stream(
      client(`session=${owner.sessionId}`),
      `subscription { objectEvents(className: "Feed", where: {title: {notEqualTo: "no"}}) { kind object original } }`,
    );
    // Writes it does not match are not seen; once one it matches arrives, the subscription is live.
    await s.plinth.core.create(Auth.master(), 'Feed', { title: 'no' });
    await waitFor(async () => {
      await s.plinth.core.create(Auth.master(), 'Feed', { title: 'yes probe' });
      return events.results.length > 0;
    });
    await new Promise((r) => setTimeout(r, 100));
    const seen = events.results.length;
    expect(events.results.map((r) => r.errors ?? (r.data as any)?.objectEvents.object.title)).toEqual(Array(seen).fill('yes probe'));
    const created = await s.plinth.core.create(Auth.master(), 'Feed', { title: 'yes 1', at: '2026-03-04T05:06:07.000Z' });
    const first = await events.next(seen + 1);
    expect(first.errors).toBeUndefined();
    expect(first.data).toMatchObject({
      objectEvents: {
        kind: 'CREATE',
        object: { objectId: created.objectId, title: 'yes 1', at: { __type: 'Date', iso: '2026-03-04T05:06:07.000Z' } },
        original: null,
      },
    });
    await s.plinth.core.update(Auth.master(), 'Feed', created.objectId, { title: 'yes 2' });
    const second = await events.next(seen + 2);
    expect(second.data).toMatchObject({ objectEvents: { kind: 'UPDATE', object: { title: 'yes 2' }, original: { title: 'yes 1' } } });
    events.stop();
  });

  it('refuses an upgrade without a dashboard session', async () => {
    let closed: number | undefined;
    const events = stream(
      client(undefined, (e) => (closed = e.code)),
      `subscription { objectEvents(className: "Feed") { kind } }`,
    );
    await waitFor(() => closed !== undefined || events.error !== undefined);
    expect(events.results).toEqual([]);
  });

  it('closes the sockets of a session that ended with 4401', async () => {
    let closed: number | undefined;
    const c = client(`session=${owner.sessionId}`, (e) => (closed = e.code));
    const events = stream(c, `subscription { objectEvents(className: "Feed") { kind } }`);
    // Wait for the connection to be open before ending its session.
    await waitFor(async () => {
      await s.plinth.core.create(Auth.master(), 'Feed', { title: 'ping' });
      return events.results.length > 0;
    });
    for (const listener of endedListeners) listener([owner.sessionId]);
    await waitFor(() => closed !== undefined);
    expect(closed).toBe(4401);
  });
});
