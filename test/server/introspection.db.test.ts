import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminPrincipal } from '../../src/admin/types.ts';
import { loadConfig } from '../../src/config/index.ts';
import { Auth } from '../../src/security/index.ts';
import { graphqlProxy } from '../../src/server/dashboard/proxy.ts';
import { overSocket, startTestServer, type TestServer } from '../helpers/server.ts';
import { APP_ID, MASTER_KEY, startWsServer, stream, type WsTestServer } from '../live/ws-server.ts';

// PLINTH_PUBLIC_INTROSPECTION (Parse's graphQLPublicIntrospection): off in production, callers
// without the master key may not read the schema (`__schema`, `__type`) — HTTP 403 and Parse's
// own answer — on every transport. `__typename` stays allowed. Decided on the parsed document.
const REFUSED = { errors: [{ message: 'Introspection is not allowed' }] };
const SCHEMA = '{ __schema { queryType { name } } }';

let s: WsTestServer;
let session: string;
beforeAll(async () => {
  s = await startWsServer({ production: true });
  expect(s.plinth.config.publicIntrospection).toBe(false);
  await s.ok(`mutation { createClass(input: { name: "Note", schemaFields: { addStrings: [{ name: "text" }] } }) { class { name } } }`);
  await s.anon(`mutation { createNote(input: { fields: { text: "__schema" } }) { note { objectId } } }`);
  const signUp = await s.anon(`mutation { signUp(input: { fields: { username: "reader", password: "reader's password 1" } }) { viewer { sessionToken } } }`);
  session = signUp.data.signUp.viewer.sessionToken;
});
afterAll(() => s?.close());

/** The same request through the direct lane (a plain JSON POST) and through Yoga (with an Origin). */
async function bothLanes(query: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  const answers = [];
  for (const origin of [undefined, 'http://app.test']) {
    const res = await overSocket(s.plinth, '/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-parse-application-id': APP_ID, ...(origin ? { origin } : {}), ...headers },
      body: JSON.stringify({ query, ...extra }),
    });
    answers.push({ status: res.status, body: await res.json() });
  }
  expect(answers[1]).toEqual(answers[0]);
  return answers[0]!;
}

describe('callers without the master key may not read the schema', () => {
  it.each([
    ['__schema', SCHEMA],
    ['__type(name:)', '{ __type(name: "Note") { name fields { name } } }'],
    ['GraphiQL’s introspection query', getIntrospectionQuery()],
    ['beside ordinary fields', '{ notes { count } __type(name: "Note") { name } }'],
    ['under an alias', '{ s: __schema { types { name } } }'],
    ['in a named fragment', 'query { ...Schema } fragment Schema on Query { __schema { types { name } } }'],
    ['in an inline fragment', '{ ... on Query { __type(name: "Note") { name } } }'],
    ['in a fragment of a fragment', 'query { ...A } fragment A on Query { notes { count } ...B } fragment B on Query { __schema { queryType { name } } }'],
  ])('%s: HTTP 403, Parse’s answer, and nothing runs', async (_what, query) => {
    expect(await bothLanes(query)).toEqual({ status: 403, body: REFUSED });
  });

  it('a signed-in user neither', async () => {
    expect(await bothLanes(SCHEMA, { 'x-parse-session-token': session })).toEqual({ status: 403, body: REFUSED });
  });

  it('over GET', async () => {
    const res = await overSocket(s.plinth, `/graphql?${new URLSearchParams({ query: SCHEMA })}`, { headers: { 'x-parse-application-id': APP_ID } });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual(REFUSED);
  });

  it('over graphql-ws (no HTTP status there: the error alone)', async () => {
    const refused = stream(s.client(), SCHEMA);
    expect(await refused.next(1)).toEqual(REFUSED);
    const master = stream(s.client({ masterKey: MASTER_KEY }), SCHEMA);
    expect(await master.next(1)).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('the GraphiQL page says the schema needs the master key', async () => {
    const page = await overSocket(s.plinth, '/graphql', { headers: { accept: 'text/html' } });
    expect(await page.text()).toContain('this server shows its schema to the master key only');
  });

  it('the master key may', async () => {
    const r = await bothLanes(SCHEMA, { 'x-parse-master-key': MASTER_KEY });
    expect(r).toEqual({ status: 200, body: { data: { __schema: { queryType: { name: 'Query' } } } } });
    const full = await s.master(getIntrospectionQuery());
    expect(full.errors).toBeUndefined();
    expect(full.data.__schema.types.map((t: { name: string }) => t.name)).toContain('Note');
  });
});

describe('what is not introspection runs', () => {
  it('__typename', async () => {
    expect(await bothLanes('{ __typename notes { __typename count } }')).toEqual({
      status: 200,
      body: { data: { __typename: 'Query', notes: { __typename: 'NoteConnection', count: 1 } } },
    });
  });

  it('the names in strings, comments and aliases (the document is parsed, not searched)', async () => {
    const q = '# __schema __type(name: "Note")\n{ __type: notes(where: { text: { equalTo: "__schema" } }) { count } }';
    expect(await bothLanes(q)).toEqual({ status: 200, body: { data: { __type: { count: 1 } } } });
  });

  it('another operation of the document than the one that introspects', async () => {
    const doc = `query Schema ${SCHEMA} query Count { notes { count } }`;
    expect(await bothLanes(doc, {}, { operationName: 'Count' })).toEqual({ status: 200, body: { data: { notes: { count: 1 } } } });
    expect(await bothLanes(doc, {}, { operationName: 'Schema' })).toEqual({ status: 403, body: REFUSED });
  });
});

describe('"Did you mean" suggestions name the schema: hidden too', () => {
  it('an unknown field is refused without naming the real one', async () => {
    const r = await s.anon('{ notez { count } }');
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.message).toMatch(/^Cannot query field "notez" on type "Query"\.?/);
    expect(r.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });
});

describe('the dashboard', () => {
  const principal = (auth: Auth): AdminPrincipal => ({
    sessionId: 'dash-session',
    user: {
      id: 'admin1',
      email: 'admin@example.com',
      role: 'OWNER',
      scope: null,
      disabled: false,
      totpEnabled: false,
      createdAt: new Date(),
      lastLoginAt: null,
    },
    auth,
    csrfToken: 'csrf',
    can: () => true,
  });
  const proxied = async (as: string, query: string) => {
    const request = new Request(`http://localhost/dashboard/api/graphql-proxy?as=${as}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-plinth-csrf': 'csrf' },
      body: JSON.stringify({ query }),
    });
    const res = await graphqlProxy(request, principal(Auth.admin({ adminId: 'admin1', email: 'admin@example.com', readOnly: true })), s.plinth);
    return { status: res.status, body: (await res.json()) as any };
  };

  it('its GraphiQL gets the schema (completion, docs) whichever identity it runs as; the operations keep that identity', async () => {
    for (const as of ['master', 'anonymous']) {
      const r = await proxied(as, getIntrospectionQuery());
      expect(r.status).toBe(200);
      expect(r.body.data.__schema.types.map((t: { name: string }) => t.name)).toContain('Note');
    }
    const anonymous = await proxied('anonymous', '{ classes { name } }');
    expect(anonymous.body.errors).toEqual([expect.objectContaining({ extensions: { code: 119 } })]);
  });

  it('a dashboard admin’s Auth counts as master (Auth.admin)', () => {
    expect(Auth.admin({ adminId: 'a', email: 'a@example.com', readOnly: true }).isMaster).toBe(true);
  });
});

describe('PLINTH_PUBLIC_INTROSPECTION', () => {
  const env = { PLINTH_MASTER_KEY: MASTER_KEY, PLINTH_DATA_DIR: '/tmp/plinth-test-unused' };
  it('is off in production and on in development (GraphiQL on a laptop); either can be set', () => {
    expect(loadConfig({ ...env, NODE_ENV: 'production' }).publicIntrospection).toBe(false);
    expect(loadConfig({ ...env, NODE_ENV: 'development' }).publicIntrospection).toBe(true);
    expect(loadConfig(env).publicIntrospection).toBe(true);
    expect(loadConfig({ ...env, NODE_ENV: 'production', PLINTH_PUBLIC_INTROSPECTION: 'true' }).publicIntrospection).toBe(true);
    expect(loadConfig({ ...env, PLINTH_PUBLIC_INTROSPECTION: 'false' }).publicIntrospection).toBe(false);
    expect(() => loadConfig({ ...env, PLINTH_PUBLIC_INTROSPECTION: 'maybe' })).toThrow('PLINTH_PUBLIC_INTROSPECTION must be true or false, got "maybe"');
  });

  describe('on (the development default, here set in production)', () => {
    let open: TestServer;
    beforeAll(async () => {
      open = await startTestServer({ production: true, publicIntrospection: true });
    });
    afterAll(() => open?.close());
    it('anyone may introspect: GraphiQL works without a key, the page and its introspection query', async () => {
      expect((await open.anon(SCHEMA)).body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
      const page = await overSocket(open.plinth, '/graphql', { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Plinth GraphiQL');
      const r = await open.anon(getIntrospectionQuery());
      expect(r.status).toBe(200);
      expect(r.errors).toBeUndefined();
      expect(r.data.__schema.queryType.name).toBe('Query');
    });
  });

  describe('off, in development', () => {
    let closed: TestServer;
    beforeAll(async () => {
      closed = await startTestServer({ publicIntrospection: false });
    });
    afterAll(() => closed?.close());
    it('introspection is refused, and suggestions are hidden as in production', async () => {
      const r = await closed.anon(SCHEMA);
      expect({ status: r.status, body: r.body }).toEqual({ status: 403, body: REFUSED });
      const unknown = await closed.anon('{ healt }');
      expect(unknown.errors?.[0]?.message).not.toMatch(/Did you mean/);
    });
  });
});
