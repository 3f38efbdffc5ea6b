import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInUser } from '../security/helpers.ts';
import { hubSubscribers, MASTER_KEY, startWsServer, stream, until, type WsTestServer } from './ws-server.ts';

// The graphql-ws transport on /graphql: credentials in connectionParams, keep-alive, teardown
// on disconnect and on server shutdown. (Event semantics: subscriptions.db.test.ts.)

let server: WsTestServer;
const NOTES = `subscription { noteEvents { event note { text } } }`;

/** The close event a refused connection ends with. */
function closeOf(error: unknown): { code: number; reason: string } {
  const e = error as { code?: number; reason?: string };
  return { code: e?.code ?? -1, reason: String(e?.reason ?? '') };
}

beforeAll(async () => {
  server = await startWsServer({ live: { keepAliveMs: 1000 } });
  await server.ok(`mutation { createClass(input: { name: "Note", schemaFields: { addStrings: [{ name: "text" }] } }) { clientMutationId } }`);
});
afterAll(() => server?.close());

describe('graphql-ws on /graphql', () => {
  it('runs subscriptions and queries with the credentials of connectionParams', async () => {
    const client = server.client({ masterKey: MASTER_KEY });
    const s = stream(client, NOTES);
    await until(() => hubSubscribers(server, 'Note') === 1);
    await server.ok(`mutation { createNote(input: { fields: { text: "hi" } }) { note { objectId } } }`);
    expect((await s.next()).data).toEqual({ noteEvents: { event: 'CREATE', note: { text: 'hi' } } });
    // A query on the same connection, with the master key's view (classes are master-only).
    const q = stream(client, `{ classes { name } }`);
    await q.ended();
    expect(q.results[0]?.errors).toBeUndefined();
    expect(q.results[0]?.data?.classes.map((c: { name: string }) => c.name)).toContain('Note');
    s.stop();
    await until(() => hubSubscribers(server, 'Note') === 0);
  });

  it('accepts a valid session token and an anonymous connection', async () => {
    const user = await signedInUser(server, 'wsuser');
    const q = stream(server.client({ sessionToken: user.headers['x-parse-session-token'] }), `{ viewer { user { username } } }`);
    await q.ended();
    expect(q.results[0]?.errors).toBeUndefined();
    expect(q.results[0]?.data).toEqual({ viewer: { user: { username: 'wsuser' } } });
    const anon = stream(server.client({}), `{ health }`);
    await anon.ended();
    expect(anon.results[0]?.data).toEqual({ health: true });
  });

  it.each([
    ['a wrong application id', { applicationId: 'other-app' }],
    ['no application id', { applicationId: undefined }],
  ])('refuses a connection with %s (4403, unauthorized)', async (_name, params) => {
    const s = stream(server.client(params), `{ health }`);
    await s.ended();
    expect(s.results).toEqual([]);
    expect(closeOf(s.error)).toEqual({ code: 4403, reason: JSON.stringify({ error: 'unauthorized' }) });
  });

  it('refuses an invalid session token (4403 with code 209) instead of downgrading it', async () => {
    const s = stream(server.client({ sessionToken: 'r:not-a-session' }), `{ health }`);
    await s.ended();
    expect(s.results).toEqual([]);
    const close = closeOf(s.error);
    expect(close.code).toBe(4403);
    expect(JSON.parse(close.reason)).toEqual({ code: 209, error: 'Invalid session token' });
  });

  it('closes a connection whose session ends (4403 with code 209)', async () => {
    const user = await signedInUser(server, 'leaver');
    let closed: { code: number; reason: string } | undefined;
    const s = stream(server.client({ sessionToken: user.headers['x-parse-session-token'] }, { onClosed: (e) => (closed = e) }), NOTES);
    await until(() => hubSubscribers(server, 'Note') === 1);
    const r = await server.request(`mutation { logOut(input: {}) { clientMutationId } }`, {}, user.headers);
    expect(r.errors).toBeUndefined();
    await s.ended();
    await until(() => closed !== undefined);
    expect(closed!.code).toBe(4403);
    expect(JSON.parse(closed!.reason)).toEqual({ code: 209, error: 'Invalid session token' });
    await until(() => hubSubscribers(server, 'Note') === 0);
  });

  it('looks the session up again for each operation: a session gone meanwhile gets 209', async () => {
    const user = await signedInUser(server, 'vanishing');
    let closed: { code: number; reason: string } | undefined;
    const client = server.client({ sessionToken: user.headers['x-parse-session-token'] }, { onClosed: (e) => (closed = e) });
    const before = stream(client, `{ viewer { user { username } } }`);
    const keep = stream(client, NOTES);
    await before.ended();
    expect(before.results[0]?.data).toEqual({ viewer: { user: { username: 'vanishing' } } });
    // Removed behind the server's back: no ended-session message, only the next lookup finds out.
    await server.plinth.db.execute('DELETE FROM "_Session" WHERE "user" = $1', [user.userId]);
    const after = stream(client, `{ health }`);
    await after.ended();
    expect((after.results[0]?.errors ?? (after.error as unknown[]))?.[0]).toMatchObject({ extensions: { code: 209 } });
    // The connection then closes (4403), ending what still ran on it.
    await until(() => closed !== undefined);
    expect(closed!.code).toBe(4403);
    await keep.ended();
    await until(() => hubSubscribers(server, 'Note') === 0);
  });

  it('ends the subscriptions of a client that disconnects', async () => {
    const client = server.client({ masterKey: MASTER_KEY });
    stream(client, NOTES);
    stream(client, `subscription { noteEvents(events: [DELETE]) { event } }`);
    await until(() => hubSubscribers(server, 'Note') === 2);
    await client.dispose();
    await until(() => hubSubscribers(server, 'Note') === 0 && server.running.ws.connections === 0);
    expect(server.plinth.live.hub.isInterested('Note')).toBe(false);
  });

  it('pings idle connections (keep-alive) and answers graphql-ws pings', async () => {
    const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
    let pinged = false;
    const messages: string[] = [];
    socket.on('ping', () => (pinged = true));
    socket.on('message', (m) => messages.push(String(m)));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { applicationId: 'test-app' } }));
    await until(() => messages.some((m) => JSON.parse(m).type === 'connection_ack'));
    socket.send(JSON.stringify({ type: 'ping' }));
    await until(() => messages.some((m) => JSON.parse(m).type === 'pong'));
    await until(() => pinged, 5000, 'a keep-alive ping');
    socket.close();
  });

  it('refuses upgrades on other paths', async () => {
    const socket = new WebSocket(server.wsUrl.replace('/graphql', '/other'), 'graphql-transport-ws');
    const status = await new Promise<number | undefined>((resolve) => {
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode));
      socket.once('error', () => resolve(undefined));
    });
    expect(status).toBe(404);
  });
});

describe('server shutdown', () => {
  it('closes WebSocket connections (1001) and their subscriptions, and stops', async () => {
    const own = await startWsServer();
    try {
      await own.ok(`mutation { createClass(input: { name: "Note", schemaFields: { addStrings: [{ name: "text" }] } }) { clientMutationId } }`);
      let closed: { code: number; reason: string } | undefined;
      const s = stream(own.client({ masterKey: MASTER_KEY }, { onClosed: (e) => (closed = e) }), NOTES);
      await until(() => hubSubscribers(own, 'Note') === 1);
      await own.running.stop(5000);
      await until(() => closed !== undefined);
      expect(closed?.code).toBe(1001);
      expect(s.completed).toBe(true);
      expect(hubSubscribers(own, 'Note')).toBe(0);
      expect(own.running.server.listening).toBe(false);
    } finally {
      if (own.database.kind === 'postgres') await own.database.drop();
    }
  });
});
