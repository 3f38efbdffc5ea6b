import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Auth } from '../../src/security/index.ts';
import { SchemaHolder } from '../../src/server/schema-holder.ts';
import { createGraphQLHandler } from '../../src/server/yoga.ts';
import { APP_ID, MASTER_KEY, expectNoInternals, readResponse, startLoggedServer, type LoggedServer, type RawResponse } from './helpers.ts';

// API.md "Errors" and issue 2 item 10, through the front door.
let s: LoggedServer;
const master = { 'x-parse-master-key': MASTER_KEY };
beforeAll(async () => {
  s = await startLoggedServer();
  const created = await s.graphql(
    `mutation { createClass(input: { name: "Item", schemaFields: { addStrings: [{ name: "label" }], addNumbers: [{ name: "n" }], addDates: [{ name: "due" }] } }) { class { name } } }`,
    {},
    master,
  );
  expect(created.body.errors).toBeUndefined();
});
afterAll(() => s?.close());

const errorsOf = (r: RawResponse) => r.body?.errors as { message: string; extensions?: Record<string, unknown>; path?: unknown[] }[];
const post = (body: string, headers: Record<string, string> = {}) =>
  s.send('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', 'x-parse-application-id': APP_ID, ...headers }, body });
const itemCount = async () => (await s.graphql('{ items { count } }', {}, master)).body.data.items.count as number;

describe('resolver errors: HTTP 200, the Parse code in extensions.code, and the message', () => {
  it('101 for an object that does not exist', async () => {
    const r = await s.graphql('{ item(id: "doesNotExist") { objectId } }');
    expect(r.status).toBe(200);
    expect(errorsOf(r)).toEqual([expect.objectContaining({ message: 'Object not found.', extensions: { code: 101 }, path: ['item'] })]);
  });

  it('the same error, locations included, on every run of a document (it is compiled from its second run on)', async () => {
    const query = 'query Q { ...F } fragment F on Query { missing: item(id: "alsoMissing") { objectId } }';
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(errorsOf(await s.graphql(query)));
    expect(answers[0]).toEqual([{ message: 'Object not found.', locations: [{ line: 1, column: 40 }], path: ['missing'], extensions: { code: 101 } }]);
    for (const later of answers.slice(1)) expect(later).toEqual(answers[0]);
  });

  it('119 for the schema API without the master key', async () => {
    const r = await s.graphql('{ classes { name } }');
    expect(r.status).toBe(200);
    expect(errorsOf(r)).toEqual([expect.objectContaining({ message: 'unauthorized: master key is required', extensions: { code: 119 } })]);
  });

  it('103 for a class that already exists', async () => {
    const r = await s.graphql(`mutation { createClass(input: { name: "Item" }) { class { name } } }`, {}, master);
    expect(r.status).toBe(200);
    expect(errorsOf(r)).toEqual([expect.objectContaining({ message: 'Class Item already exists.', extensions: { code: 103 } })]);
  });

  it('102 for bad paging', async () => {
    const r = await s.graphql('{ items(first: -1) { count } }');
    expect(r.status).toBe(200);
    expect(errorsOf(r)[0].extensions).toEqual({ code: 102 });
  });

  it('an error in one field leaves the other fields answered', async () => {
    // `node` is nullable, so its error leaves `health` in place (a non-null field's error would
    // null the whole `data`, as GraphQL requires).
    const r = await s.graphql('{ health node(id: "not a global id!") { id } }');
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual({ health: true, node: null });
    expect(errorsOf(r).map((e) => e.extensions?.code)).toEqual([102]);
  });
});

describe('unexpected errors: code 1 "Internal server error", the detail only in the log', () => {
  it('a plain exception in a write (a bug in a trigger) is masked, and logged with its detail and stack', async () => {
    const secret = 'disk quota exceeded on /srv/plinth/secret-volume';
    const unregister = s.plinth.hooks.register('Item', {
      before() {
        throw new Error(secret);
      },
    });
    try {
      const r = await s.graphql(`mutation { createItem(input: { fields: { label: "x" } }) { item { objectId } } }`);
      expect(r.status).toBe(200);
      expect(errorsOf(r)).toEqual([expect.objectContaining({ message: 'Internal server error', extensions: { code: 1 }, path: ['createItem'] })]);
      expect(r.text).not.toContain('quota');
      expectNoInternals(r.text);
      const logged = s.logs.filter((l) => l.level === 50 && l.err?.message === secret);
      expect(logged).toHaveLength(1);
      expect(logged[0].err.stack).toMatch(/Error: disk quota exceeded[\s\S]*\n\s+at /);
    } finally {
      unregister();
    }
  });

  it('an unexpected database error inside the transaction is masked, logged, and the write rolled back', async () => {
    const before = await itemCount();
    const unregister = s.plinth.hooks.register('Item', {
      async inTransaction(_op, tx) {
        await tx.query('SELECT * FROM "no_such_table_for_this_test"');
      },
    });
    try {
      const r = await s.graphql(`mutation { createItem(input: { fields: { label: "rolled back" } }) { item { objectId } } }`);
      expect(errorsOf(r)).toEqual([expect.objectContaining({ message: 'Internal server error', extensions: { code: 1 } })]);
      expect(r.text).not.toContain('no_such_table');
      expectNoInternals(r.text);
      expect(s.logs.some((l) => l.level === 50 && String(l.err?.message).includes('no_such_table_for_this_test'))).toBe(true);
    } finally {
      unregister();
    }
    expect(await itemCount()).toBe(before);
  });

  const failingSessions = (error: Error) => ({
    async resolve(): Promise<Auth | undefined> {
      throw error;
    },
  });

  it('the session store unreachable (its database down) is a retryable 503, code 1, logged as a warning', async () => {
    const sessions = failingSessions(new Error('session store unreachable: connect ECONNREFUSED 10.0.0.7:5432'));
    const { config, logger, core, schemaStore, accounts, emailFlows } = s.plinth;
    const handler = createGraphQLHandler({
      config,
      logger,
      core,
      schemaStore,
      schemas: new SchemaHolder(schemaStore),
      sessions,
      accounts,
      emailFlows,
      routes: [],
    });
    const res = await readResponse(
      await handler.fetch(
        new Request('http://plinth.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-parse-application-id': APP_ID, 'x-parse-session-token': 'r:abc' },
          body: JSON.stringify({ query: '{ health }' }),
        }),
      ),
    );
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ code: 1, error: 'The database is unavailable; try again.' });
    expectNoInternals(res.text);
    expect(s.logs.some((l) => l.level === 40 && String(l.reason).startsWith('session store unreachable'))).toBe(true);
  });

  it('a failure while resolving credentials is answered with code 1 and logged, never with a stack trace', async () => {
    // The session store failing in a way that is not an outage — not an invalid token either.
    const sessions = failingSessions(new Error('session store broke: unexpected reply'));
    const { config, logger, core, schemaStore, accounts, emailFlows } = s.plinth;
    const handler = createGraphQLHandler({
      config,
      logger,
      core,
      schemaStore,
      schemas: new SchemaHolder(schemaStore),
      sessions,
      accounts,
      emailFlows,
      routes: [],
    });
    const res = await readResponse(
      await handler.fetch(
        new Request('http://plinth.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-parse-application-id': APP_ID, 'x-parse-session-token': 'r:abc' },
          body: JSON.stringify({ query: '{ health }' }),
        }),
      ),
    );
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ code: 1, error: 'Internal server error' });
    expectNoInternals(res.text);
    expect(s.logs.some((l) => l.level === 50 && String(l.err?.message).startsWith('session store broke'))).toBe(true);
  });

  it('expected errors are not logged as errors', async () => {
    const errorsBefore = s.logs.filter((l) => l.level >= 50).length;
    await s.graphql('{ item(id: "nope") { objectId } }');
    await s.graphql('{ classes { name } }');
    expect(s.logs.filter((l) => l.level >= 50).length).toBe(errorsBefore);
  });
});

describe('malformed requests get a clear error, never a crash, a hang or a stack trace', () => {
  const seen: RawResponse[] = [];
  const track = async (r: Promise<RawResponse>) => {
    const res = await r;
    seen.push(res);
    return res;
  };
  afterAll(async () => {
    for (const r of seen) expectNoInternals(r.text);
    // And the server still answers.
    expect((await s.graphql('{ health }')).body).toEqual({ data: { health: true } });
  });

  it('invalid JSON → 400', async () => {
    for (const body of ['{not json', '', '{"query": "{ health }"', 'null']) {
      const r = await track(post(body));
      expect({ body, status: r.status }).toEqual({ body, status: 400 });
      expect(errorsOf(r)[0].message).toMatch(/JSON|body|object/i);
    }
  });

  it('a body of the wrong shape → 400', async () => {
    for (const [body, pattern] of [
      ['[]', /batching/i],
      ['{"query": 5}', /query.*string/i],
      ['{"query": "{ health }", "variables": "x"}', /variables/i],
    ] as const) {
      const r = await track(post(body));
      expect({ body, status: r.status }).toEqual({ body, status: 400 });
      expect(errorsOf(r)[0].message).toMatch(pattern);
    }
  });

  it('no query at all → a clear error', async () => {
    const r = await track(post('{}'));
    expect(errorsOf(r)[0].message).toMatch(/query/i);
  });

  it('a syntax error → its message and location', async () => {
    const r = await track(s.graphql('{ items { count '));
    expect(errorsOf(r)[0].message).toMatch(/^Syntax Error/);
  });

  it('a variable of the wrong type → 111, naming the variable', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['query($n: Int) { items(first: $n) { count } }', { n: 'ten' }],
      ['query($n: Int) { items(first: $n) { count } }', { n: 2 ** 40 }],
      ['query($w: ItemWhereInput) { items(where: $w) { count } }', { w: { label: { equalTo: 5 } } }],
      ['query($w: ItemWhereInput) { items(where: $w) { count } }', { w: { due: { equalTo: 'not a date' } } }],
      ['mutation($f: CreateItemFieldsInput) { createItem(input: { fields: $f }) { item { objectId } } }', { f: { n: 'seven' } }],
    ];
    for (const [query, variables] of cases) {
      const r = await track(s.graphql(query, variables));
      expect(r.status).toBe(200);
      const [error] = errorsOf(r);
      expect({ variables, code: error.extensions?.code }).toEqual({ variables, code: 111 });
      expect(error.message).toMatch(/^Variable "\$\w+" got invalid value/);
    }
    expect(await itemCount()).toBe(0);
  });

  it('an unknown field, in the selection or in an input → a clear error naming it', async () => {
    const selection = await track(s.graphql('{ items { count nope } }'));
    expect(errorsOf(selection)[0].message).toMatch(/Cannot query field "nope" on type "ItemConnection"/);
    const literal = await track(s.graphql('mutation { createItem(input: { fields: { bogus: 1 } }) { item { objectId } } }'));
    expect(errorsOf(literal)[0].message).toMatch(/"bogus"/);
    const variable = await track(
      s.graphql('mutation($f: CreateItemFieldsInput) { createItem(input: { fields: $f }) { item { objectId } } }', { f: { bogus: 1 } }),
    );
    expect(errorsOf(variable)[0]).toMatchObject({ extensions: { code: 111 } });
    expect(errorsOf(variable)[0].message).toMatch(/Field "bogus" is not defined by type "?CreateItemFieldsInput"?/);
  });

  it('an operation that cannot be chosen → 400', async () => {
    const r = await track(post(JSON.stringify({ query: 'query A { health } query B { health }' })));
    expect(r.status).toBe(400);
    expect(errorsOf(r)[0].message).toMatch(/operation/i);
  });

  it('a huge document → the token limit', async () => {
    const r = await track(s.graphql(`{ ${'health '.repeat(60_000)} }`));
    expect(errorsOf(r)[0].message).toMatch(/Token limit of \d+ exceeded/);
  });

  it('a deeply nested selection → the depth limit', async () => {
    let selection = 'objectId';
    for (let i = 0; i < 10; i++) selection = `edges { node { roles { ${selection} } } }`;
    const r = await track(s.graphql(`{ users { ${selection} } }`));
    expect(errorsOf(r)[0].message).toMatch(/depth limit of \d+ exceeded/i);
  });

  it('a document nested thousands of levels deep → a clear error before parsing (the parser would overflow its stack)', async () => {
    const documents = [
      `{ users { ${'edges { node { roles { '.repeat(2000)}objectId${' } } }'.repeat(2000)} } }`,
      `{ items(where: { label: { equalTo: ${'['.repeat(20_000)}${']'.repeat(20_000)} } }) { count } }`,
      `{ users(where: { authData: { equalTo: ${'{ a: '.repeat(10_000)}1${' }'.repeat(10_000)} } }) { count } }`,
    ];
    for (const document of documents) {
      const r = await track(s.graphql(document));
      expect(r.status).toBe(400);
      expect(errorsOf(r)).toEqual([{ message: expect.stringMatching(/nested more than \d+ levels deep/), extensions: { code: 102 } }]);
    }
    expect(s.logs.filter((l) => l.err?.type === 'RangeError')).toEqual([]);
  });

  it('brackets inside strings and comments do not count as nesting', async () => {
    const label = '{'.repeat(500) + '['.repeat(500);
    const r = await track(s.graphql(`# ${'('.repeat(500)}\n{ items(where: { label: { equalTo: ${JSON.stringify(label)} } }) { count } }`));
    expect(r.body).toEqual({ data: { items: { count: 0 } } });
  });

  it('too many aliases → the alias limit', async () => {
    const r = await track(s.graphql(`{ ${Array.from({ length: 600 }, (_, i) => `a${i}: health`).join(' ')} }`));
    expect(errorsOf(r)[0].message).toMatch(/Aliases limit of \d+ exceeded/);
  });

  it('too many directives → the directive limit', async () => {
    const r = await track(s.graphql(`{ health ${'@include(if: true) '.repeat(100)}}`));
    expect(errorsOf(r)[0].message).toMatch(/Directives limit of \d+ exceeded/);
  });

  it('deeply nested variables → 400, 102 (an invalid query, like a too-deep where)', async () => {
    let nested: unknown = 1;
    for (let i = 0; i < 100; i++) nested = { a: nested };
    const r = await track(s.graphql('query($o: Object) { users(where: { authData: { equalTo: $o } }) { count } }', { o: nested }));
    expect(r.status).toBe(400);
    expect(errorsOf(r)).toEqual([{ message: expect.stringMatching(/Variables are nested more than \d+ levels deep/), extensions: { code: 102 } }]);
    // Nested so deep that a recursive JSON walk would overflow: still the same answer.
    const body = `{"query":"{ health }","variables":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    const deep = await track(post(body));
    expect(deep.status).toBe(400);
    expect(errorsOf(deep)[0].extensions).toEqual({ code: 102 });
  });

  it('a body over the size limit → 413, with or without a Content-Length, and nothing is written', async () => {
    const limit = s.plinth.config.limits.maxBodyBytes;
    const before = await itemCount();
    const body = JSON.stringify({
      query: 'mutation($l: String) { createItem(input: { fields: { label: $l } }) { item { objectId } } }',
      variables: { l: 'x'.repeat(limit) },
    });
    const withLength = await track(post(body, { 'content-length': String(Buffer.byteLength(body)) }));
    expect(withLength.status).toBe(413);
    expect(errorsOf(withLength)[0].message).toMatch(/too large/i);
    const chunks = [body.slice(0, 1000), body.slice(1000)];
    const stream = new ReadableStream({
      start(controller) {
        for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
        controller.close();
      },
    });
    const streamed = await track(
      s.send('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-parse-application-id': APP_ID },
        body: stream,
        duplex: 'half',
      } as RequestInit),
    );
    expect(streamed.status).toBe(413);
    expect(await itemCount()).toBe(before);
  });

  it('a body just under the limit is served', async () => {
    const limit = s.plinth.config.limits.maxBodyBytes;
    const padding = 'x'.repeat(limit - 200);
    const body = JSON.stringify({ query: `{ health }`, variables: { padding } });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(limit);
    const r = await track(post(body));
    expect(r.body).toEqual({ data: { health: true } });
  });
});
