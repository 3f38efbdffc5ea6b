import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubSubscribers, MASTER_KEY, startWsServer, stream, until, type WsTestServer } from './ws-server.ts';

// Limits of the graphql-ws transport: subscriptions per connection, connections per address.

let server: WsTestServer;
const NOTES = `subscription { noteEvents { event note { text } } }`;

beforeAll(async () => {
  server = await startWsServer({ live: { maxSubscriptionsPerConnection: 2, maxConnectionsPerIp: 3 } });
  await server.ok(`mutation { createClass(input: { name: "Note", schemaFields: { addStrings: [{ name: "text" }] } }) { clientMutationId } }`);
});
afterAll(() => server?.close());

describe('graphql-ws limits', () => {
  it('refuses a subscription over the per-connection limit with code 155, and keeps the others', async () => {
    const client = server.client({ masterKey: MASTER_KEY });
    const first = stream(client, NOTES);
    const second = stream(client, NOTES);
    await until(() => hubSubscribers(server, 'Note') === 2);
    const third = stream(client, NOTES);
    await third.ended();
    const errors = (third.results[0]?.errors ?? third.error) as { message: string; extensions?: { code?: number } }[];
    expect(errors[0]?.extensions?.code).toBe(155);
    expect(errors[0]?.message).toMatch(/Too many subscriptions on this connection \(at most 2\)/);
    // Queries are not subscriptions: they still run.
    const query = stream(client, `{ health }`);
    await query.ended();
    expect(query.results[0]?.data).toEqual({ health: true });
    await server.ok(`mutation { createNote(input: { fields: { text: "x" } }) { note { objectId } } }`);
    await first.next();
    await second.next();
    // A subscription that ends frees its place.
    first.stop();
    await until(() => hubSubscribers(server, 'Note') === 1);
    const again = stream(client, NOTES);
    await until(() => hubSubscribers(server, 'Note') === 2);
    expect(again.completed).toBe(false);
    second.stop();
    again.stop();
    await until(() => hubSubscribers(server, 'Note') === 0);
  });

  it('closes a connection over the per-address limit with 4429 (code 155); a freed place is usable again', async () => {
    await until(() => server.running.ws.connections === 0);
    const open = [1, 2, 3].map(() => server.client({ masterKey: MASTER_KEY }));
    const streams = open.map((c) => stream(c, NOTES));
    await until(() => hubSubscribers(server, 'Note') === 3);
    const extra = stream(server.client({ masterKey: MASTER_KEY }), NOTES);
    await extra.ended();
    const close = extra.error as { code?: number; reason?: string };
    expect(close.code).toBe(4429);
    expect(JSON.parse(String(close.reason))).toEqual({ code: 155, error: 'Too many connections from this address' });
    // The others are untouched.
    expect(streams.every((s) => !s.completed)).toBe(true);
    await open[0]!.dispose();
    await until(() => server.running.ws.connections === 2);
    const third = server.client({ masterKey: MASTER_KEY });
    const later = stream(third, NOTES);
    await until(() => hubSubscribers(server, 'Note') === 3);
    expect(later.completed).toBe(false);
    await Promise.all([...open, third].map((c) => c.dispose()));
    await until(() => server.running.ws.connections === 0);
  });

  it('applies the document limits of HTTP requests to graphql-ws operations (102)', async () => {
    const client = server.client({ masterKey: MASTER_KEY });
    const nested = stream(client, `{ ${'health { '.repeat(200)}${'}'.repeat(200)} }`);
    const deepVariables = stream(client, `query($o: Object) { health }`, { o: JSON.parse('{"a":'.repeat(100) + '1' + '}'.repeat(100)) });
    for (const s of [nested, deepVariables]) {
      await s.ended();
      const errors = (s.results[0]?.errors ?? s.error) as { extensions?: { code?: number } }[];
      expect(errors[0]?.extensions?.code, JSON.stringify(errors)).toBe(102);
    }
    await client.dispose();
  });
});
