import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ID, MASTER_KEY, startTestServer, type TestServer } from '../helpers/server.ts';
import { signedInUser } from '../security/helpers.ts';
import { hubSubscribers, until } from './ws-server.ts';
import { readSse } from '../helpers/sse.ts';

// Subscriptions over Server-Sent Events (Yoga's own transport), through the in-process front
// door with header credentials — the same plugins as any HTTP request.

let server: TestServer;

/** Opens an SSE subscription; `events()` yields the parsed `next` payloads as they arrive. */
async function sse(query: string, headers: Record<string, string>, method: 'POST' | 'GET' = 'POST') {
  const url = new URL('http://plinth.test/graphql');
  if (method === 'GET') url.searchParams.set('query', query);
  const response = await server.plinth.fetch(
    new Request(url, {
      method,
      headers: {
        accept: 'text/event-stream',
        'x-parse-application-id': APP_ID,
        ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: method === 'POST' ? JSON.stringify({ query }) : undefined,
    }),
  );
  return readSse(response);
}

beforeAll(async () => {
  server = await startTestServer();
  await server.ok(`mutation { createClass(input: { name: "Note", schemaFields: { addStrings: [{ name: "text" }] } }) { clientMutationId } }`);
});
afterAll(() => server?.close());

describe('subscriptions over SSE', () => {
  it.each(['POST', 'GET'] as const)('streams events to a %s request with header credentials, and ends when the client goes', async (method) => {
    const s = await sse(`subscription { noteEvents { event note { text } } }`, { 'x-parse-master-key': MASTER_KEY }, method);
    expect(s.response.status).toBe(200);
    expect(s.response.headers.get('content-type')).toContain('text/event-stream');
    await until(() => hubSubscribers(server, 'Note') === 1);
    await server.ok(`mutation { createNote(input: { fields: { text: "over sse" } }) { note { objectId } } }`);
    await until(() => s.received.length === 1);
    expect(s.received[0]).toEqual({ data: { noteEvents: { event: 'CREATE', note: { text: 'over sse' } } } });
    await s.close();
    await until(() => hubSubscribers(server, 'Note') === 0);
  });

  it('applies the session of the headers: a user sees only what it may read', async () => {
    const user = await signedInUser(server, 'sse-user');
    const s = await sse(`subscription { noteEvents { note { text } } }`, user.headers);
    await until(() => hubSubscribers(server, 'Note') === 1);
    await server.ok(`mutation { createNote(input: { fields: { text: "private", ACL: { public: { read: false, write: false } } } }) { note { objectId } } }`);
    await server.ok(`mutation { createNote(input: { fields: { text: "public" } }) { note { objectId } } }`);
    await until(() => s.received.length === 1);
    expect(s.received[0]).toEqual({ data: { noteEvents: { note: { text: 'public' } } } });
    await s.close();
    await until(() => hubSubscribers(server, 'Note') === 0);
  });

  it('refuses an invalid session token before subscribing (209), as for any request', async () => {
    const s = await sse(`subscription { noteEvents { event } }`, { 'x-parse-session-token': 'r:nope' });
    expect(s.response.status).toBe(400);
    expect(await s.response.json()).toEqual({ code: 209, error: 'Invalid session token' });
    expect(hubSubscribers(server, 'Note')).toBe(0);
  });

  it('delivers a refusal at subscribe time as a GraphQL error with its code', async () => {
    const s = await sse(`subscription { noteEvents(where: { text: { inQueryKey: { key: "text", query: { className: "Note", where: {} } } } }) { event } }`, {
      'x-parse-master-key': MASTER_KEY,
    });
    await until(() => s.received.length === 1 || s.isEnded());
    expect(s.received[0]?.errors?.[0]?.extensions?.code).toBe(102);
  });
});

describe('SSE subscriptions per client address', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ live: { maxConnectionsPerIp: 2 } });
    await limited.ok(`mutation { createClass(input: { name: "Note", schemaFields: { addStrings: [{ name: "text" }] } }) { clientMutationId } }`);
  });
  afterAll(() => limited?.close());

  it('refuses one over the limit with 155, and frees a slot when a stream ends', async () => {
    const previous = server;
    server = limited; // sse() and hubSubscribers() speak to `server`
    try {
      const headers = { 'x-parse-master-key': MASTER_KEY };
      const query = `subscription { noteEvents { event } }`;
      const first = await sse(query, headers);
      const second = await sse(query, headers);
      await until(() => hubSubscribers(limited, 'Note') === 2);
      const third = await sse(query, headers);
      await until(() => third.received.length === 1 || third.isEnded());
      expect(third.received[0]?.errors?.[0]).toMatchObject({
        message: 'Too many subscriptions from this address (at most 2 at once).',
        extensions: { code: 155 },
      });
      expect(hubSubscribers(limited, 'Note')).toBe(2);
      await first.close();
      await until(() => hubSubscribers(limited, 'Note') === 1);
      const fourth = await sse(query, headers);
      await until(() => hubSubscribers(limited, 'Note') === 2);
      await limited.ok(`mutation { createNote(input: { fields: { text: "after" } }) { note { objectId } } }`);
      await until(() => fourth.received.length === 1);
      expect(fourth.received[0]).toEqual({ data: { noteEvents: { event: 'CREATE' } } });
      await second.close();
      await fourth.close();
      await until(() => hubSubscribers(limited, 'Note') === 0);
    } finally {
      server = previous;
    }
  });
});
