import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveRequest } from '../../src/server/http.ts';
import { contextSeed } from '../../src/server/yoga.ts';
import { Auth } from '../../src/security/index.ts';
import { APP_ID, MASTER_KEY, startTestServer, type TestServer } from '../helpers/server.ts';

// The direct lane (server/direct-lane.ts) serves plain JSON POSTs without Yoga's HTTP layer.
// Whatever it answers must be what Yoga answers: each request below is sent twice over a real
// socket, once as the lane takes it and once with an Origin header, which sends it to Yoga.
let s: TestServer;
let server: http.Server;
let base: string;
let postId: string;
let sessionToken: string;

beforeAll(async () => {
  s = await startTestServer();
  server = http.createServer((req, res) => serveRequest(s.plinth, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await s.ok(
    `mutation { createClass(input: { name: "Post", schemaFields: { addStrings: [{ name: "title" }], addNumbers: [{ name: "views" }] } }) { class { name } } }`,
  );
  postId = (await s.ok(`mutation { createPost(input: { fields: { title: "hello", views: 3 } }) { post { objectId } } }`)).createPost.post.objectId;
  const signUp = await s.anon(`mutation { signUp(input: { fields: { username: "lane", password: "secret-pass-1" } }) { viewer { sessionToken } } }`);
  sessionToken = signUp.data.signUp.viewer.sessionToken;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await s?.close();
});

interface Answer {
  status: number;
  contentType: string | null;
  body: unknown;
}

async function send(body: string, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // compared as text
  }
  return { status: res.status, contentType: res.headers.get('content-type'), body: parsed };
}

/**
 * The same request through the lane and through Yoga; both answers, which must be equal. It is
 * sent once before, so that both run the same plan (a document is compiled on its second run).
 */
async function both(body: string, headers: Record<string, string> = {}): Promise<Answer> {
  await send(body, headers);
  const lane = await send(body, headers);
  const yoga = await send(body, { ...headers, origin: 'https://app.example' });
  expect(lane).toEqual(yoga);
  return lane;
}

const app = { 'x-parse-application-id': APP_ID };
const master = { ...app, 'x-parse-master-key': MASTER_KEY };
const gql = (query: string, variables?: unknown, operationName?: string) => JSON.stringify({ query, variables, operationName });

describe('the direct lane answers as Yoga does', () => {
  it('a read, with and without variables, as master, a user and the public', async () => {
    const read = gql('query R($id: ID!) { post(id: $id) { objectId title views } }', { id: postId });
    const ok = await both(read, master);
    expect(ok.status).toBe(200);
    expect(ok.contentType).toBe('application/json; charset=utf-8');
    expect(ok.body).toEqual({ data: { post: { objectId: postId, title: 'hello', views: 3 } } });
    await both(read, app);
    await both(read, { ...app, 'x-parse-session-token': sessionToken });
    await both(gql('{ posts { count edges { cursor node { title } } pageInfo { hasNextPage endCursor } } }'), master);
  });

  it('a mutation runs once, whichever way it came', async () => {
    const create = gql('mutation { createPost(input: { fields: { title: "lane", views: 1 } }) { post { title views } } }');
    await send(create, master);
    const lane = await send(create, master);
    const yoga = await send(create, { ...master, origin: 'https://app.example' });
    expect(lane).toEqual(yoga);
    const count = await s.ok('{ posts(where: { title: { equalTo: "lane" } }) { count } }');
    expect(count.posts.count).toBe(3);
  });

  it('errors raised while executing (Parse codes, partial data)', async () => {
    const missing = await both(gql('{ post(id: "nothere") { objectId } }'), master);
    expect(missing.status).toBe(200);
    expect((missing.body as { errors: { extensions: { code: number } }[] }).errors[0].extensions.code).toBe(101);
    await both(gql('mutation { deletePost(input: { id: "nothere" }) { post { objectId } } }'), app);
    await both(gql('{ posts(where: { views: { greaterThan: 0 } }, skip: -1) { count } }'), master);
  });

  it('requests refused before anything runs: credentials, documents, variables, limits', async () => {
    expect((await both(gql('{ health }'), {})).status).toBe(403);
    expect((await both(gql('{ health }'), { 'x-parse-application-id': 'other' })).status).toBe(403);
    expect((await both(gql('{ health }'), { ...app, 'x-parse-session-token': 'r:bogus' })).body).toEqual({ code: 209, error: 'Invalid session token' });
    expect((await both(gql('{ health }'), { ...app, 'x-parse-cloud-context': '[1]' })).status).toBe(400);
    expect((await both(gql('{ nope }'), master)).status).toBe(400);
    expect((await both(gql('{ health '), master)).status).toBe(400);
    await both(gql('query R($id: ID!) { post(id: $id) { objectId } }', { id: 5 }), master);
    await both(gql('query R($id: ID!) { post(id: $id) { objectId } }'), master);
    await both(gql('query A { health } query B { health }'), master);
    await both(gql('query A { health } query B { health }', undefined, 'B'), master);
    await both(gql(`{ ${'posts { edges { node { title } } } '.repeat(1)}${'a: health '.repeat(40)} }`), master);
    // Asked for JSON only (Accept */* would open an event stream): Yoga's 406.
    expect((await both(gql('subscription { postEvents { event } }'), { ...master, accept: 'application/json' })).status).toBe(406);
  });

  it('bodies that are not a plain request: not JSON, a BOM, an array, extra or mistyped keys', async () => {
    expect((await both('{"query": "{ health }"', master)).status).toBe(400);
    await both('\ufeff{"query": "{ health }"}', master);
    await both('[{"query": "{ health }"}]', master);
    await both('{"query": "{ health }", "extra": 1}', master);
    await both('{"query": 5}', master);
    await both('{"query": "{ health }", "variables": [1]}', master);
    await both('{"query": "{ health }", "operationName": 7}', master);
    await both('null', master);
    await both('', master);
  });
});

describe("the context's shape (the lane's and graphql-ws')", () => {
  it('is built into the seed without adding a key, so that every request has one object shape', async () => {
    // The lane hands envelop contextSeed(...); the context factory then only overwrites its
    // slots. A key the factory adds that the seed lacks would turn the context into a dictionary.
    const request = { method: 'POST', url: 'http://localhost/graphql', headers: new Headers({ 'x-parse-application-id': APP_ID }) } as Request;
    const seed = contextSeed({ request, params: { query: '{ health }' }, req: {}, res: {} });
    const seededKeys = Object.keys(seed);
    const context = await s.plinth.graphql.getEnveloped(seed).contextFactory();
    expect(context).toBe(seed);
    expect(Object.keys(context)).toEqual(seededKeys);
    expect((context as { core?: unknown }).core).toBeDefined();
    expect((context as { loaders?: unknown }).loaders).toBeDefined();
    expect((context as { transport?: unknown }).transport).toBe('http');
  });

  it('a graphql-ws operation: built into its seed, keeping its caller, address and installation', async () => {
    const request = { method: 'GET', url: 'http://localhost/graphql', headers: new Headers() } as Request;
    const auth = Auth.masterKey();
    const seed = contextSeed({
      socketAuth: auth,
      clientIp: '10.1.2.3',
      installationId: 'inst-1',
      request,
      req: {},
      socket: {},
      params: { query: '{ health }' },
    });
    const seededKeys = Object.keys(seed);
    const context = (await s.plinth.graphql.getEnveloped(seed).contextFactory()) as Record<string, unknown>;
    expect(context).toBe(seed);
    expect(Object.keys(context)).toEqual(seededKeys);
    expect(context.transport).toBe('ws');
    expect(context.clientIp).toBe('10.1.2.3');
    expect(context.installationId).toBe('inst-1');
    expect((context.auth as Auth).isMaster).toBe(true);
  });
});
