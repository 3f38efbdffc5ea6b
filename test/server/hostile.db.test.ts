import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { paramsError } from '../../src/server/plugins/use-limits.ts';
import { APP_ID, MASTER_KEY, expectNoInternals, startLoggedServer, type LoggedServer, type RawResponse } from './helpers.ts';

// Issue 11, hostile input against a production server (NODE_ENV=production): every answer is
// JSON in the API's error format, with nothing of the server's insides.
let s: LoggedServer;
const master = { 'x-parse-master-key': MASTER_KEY };
const seen: RawResponse[] = [];
async function track(r: Promise<RawResponse>): Promise<RawResponse> {
  const res = await r;
  seen.push(res);
  return res;
}

beforeAll(async () => {
  s = await startLoggedServer({ production: true });
  const created = await s.graphql(
    `mutation { createClass(input: { name: "Item", schemaFields: { addStrings: [{ name: "label" }], addObjects: [{ name: "meta" }], addArrays: [{ name: "tags" }] } }) { class { name } } }`,
    {},
    master,
  );
  expect(created.body.errors).toBeUndefined();
});
afterAll(async () => {
  for (const r of seen) {
    expectNoInternals(r.text);
    expect(r.text).not.toContain('originalError');
    expect(r.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
  }
  // None of it was an unexpected error, and the server still answers.
  expect(s.logs.filter((l) => l.level >= 50)).toEqual([]);
  expect((await s.graphql('{ health }')).body).toEqual({ data: { health: true } });
  await s?.close();
});

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  track(s.send('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', 'x-parse-application-id': APP_ID, ...headers }, body }));
const get = (params: Record<string, string>, headers: Record<string, string> = {}) =>
  track(s.send(`/graphql?${new URLSearchParams(params)}`, { headers: { 'x-parse-application-id': APP_ID, ...headers } }));
const itemCount = async () => (await s.graphql('{ items { count } }', {}, master)).body.data.items.count as number;

describe('a document that fails to parse or validate: HTTP 400, its errors and no data, as Parse answers', () => {
  const documents = [
    ['a syntax error', '{ items { count ', 'GRAPHQL_PARSE_FAILED', /^Syntax Error: /],
    ['an unknown field', '{ items { count nope } }', 'GRAPHQL_VALIDATION_FAILED', /^Cannot query field "nope"/],
    ['an unknown input field', '{ items(where: { bogus: { exists: true } }) { count } }', 'GRAPHQL_VALIDATION_FAILED', /"bogus"/],
  ] as const;
  // No Accept header, the default of most clients, and the two media types of GraphQL over HTTP.
  const accepts = [undefined, 'application/json', 'application/graphql-response+json'];

  for (const [what, query, code, message] of documents) {
    for (const accept of accepts) {
      it(`${what}, over GET and POST, accepting ${accept ?? 'anything'}`, async () => {
        const headers: Record<string, string> = accept ? { accept } : {};
        for (const r of [await post(JSON.stringify({ query }), headers), await get({ query }, headers)]) {
          expect(r.status).toBe(400);
          expect(Object.keys(r.body)).toEqual(['errors']);
          expect(r.body.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(message), extensions: { code } })]);
          expect(r.headers.get('content-type')).toBe(`${accept ?? 'application/json'}; charset=utf-8`);
        }
      });
    }
  }

  it('a document over a limit (aliases, directives, depth, tokens) answers the same way', async () => {
    let deep = 'objectId';
    for (let i = 0; i < 10; i++) deep = `edges { node { roles { ${deep} } } }`;
    for (const [query, message] of [
      [`{ ${Array.from({ length: 600 }, (_, i) => `a${i}: health`).join(' ')} }`, /Aliases limit of \d+ exceeded/],
      [`{ health ${'@include(if: true) '.repeat(100)}}`, /Directives limit of \d+ exceeded/],
      [`{ users { ${deep} } }`, /Query depth limit of \d+ exceeded/],
      [`{ ${'health '.repeat(60_000)} }`, /Token limit of \d+ exceeded/],
    ] as const) {
      const r = await post(JSON.stringify({ query }), { accept: 'application/json' });
      expect(r.status).toBe(400);
      expect(Object.keys(r.body)).toEqual(['errors']);
      expect(r.body.errors[0].message).toMatch(message);
    }
  });

  it('a document that runs still answers 200, with its resolver errors next to its data', async () => {
    const r = await post(JSON.stringify({ query: '{ health item(id: "nope") { objectId } }' }), { accept: 'application/json' });
    expect(r.status).toBe(200);
    expect(r.body.errors[0].extensions).toEqual({ code: 101 });
  });
});

describe("malformed bodies: 400 with a plain message, never the JSON parser's own text or position", () => {
  const INVALID_JSON = { errors: [{ message: 'POST body sent invalid JSON.', extensions: { code: 'BAD_REQUEST' } }] };
  const valid = '{"query":"{ health }"}';
  const bodies: [string, BodyInit][] = [
    ['invalid JSON', '{not json'],
    ['truncated JSON', valid.slice(0, -1)],
    ['an empty body', ''],
    ['a raw control character in a string', '{"query":"{ health\u0001 }"}'],
    ['a raw NUL byte', '{"query":"{ health }\u0000"}'],
    ['text after the JSON', `${valid}garbage`],
    ['UTF-16 (with its byte order mark)', new Uint8Array(Buffer.from(`\ufeff${valid}`, 'utf16le'))],
  ];
  for (const [what, body] of bodies) {
    it(what, async () => {
      for (const accept of ['application/json', 'application/graphql-response+json']) {
        const r = await post(body, { accept });
        expect({ what, accept, status: r.status, body: r.body }).toEqual({ what, accept, status: 400, body: INVALID_JSON });
        expect(r.text).not.toMatch(/position|line \d|column \d|Unexpected/i);
      }
    });
  }

  it('one UTF-8 byte order mark is read past, as Parse and the Fetch standard read JSON', async () => {
    const r = await post(new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(valid)]));
    expect(r.body).toEqual({ data: { health: true } });
  });

  it('variables that are not JSON, in a GET or a form body: 400, not an internal error', async () => {
    const NOT_JSON = { errors: [{ message: 'The variables or extensions sent are not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] };
    const viaGet = await get({ query: 'query($n: Int) { items(first: $n) { count } }', variables: '{"n": 1' });
    expect({ status: viaGet.status, body: viaGet.body }).toEqual({ status: 400, body: NOT_JSON });
    const viaForm = await post(new URLSearchParams({ query: '{ health }', extensions: '{oops' }).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect({ status: viaForm.status, body: viaForm.body }).toEqual({ status: 400, body: NOT_JSON });
  });

  it("a multipart body that cannot be read: 400 without the multipart parser's message", async () => {
    const r = await post('--x\r\nnot a part at all', { 'content-type': 'multipart/form-data; boundary=x' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ errors: [{ message: 'The multipart request is malformed.', extensions: { code: 'BAD_REQUEST' } }] });
  });
});

describe('the document size is capped before parsing', () => {
  const limit = 512 * 1024;
  const tooLarge = { errors: [{ message: `The document is larger than ${limit} bytes (send large values as variables).`, extensions: { code: 102 } }] };

  it('by default at 512 KiB; PLINTH_MAX_DOCUMENT_BYTES changes it', () => {
    expect(s.plinth.config.limits.maxDocumentBytes).toBe(limit);
    const env = { PLINTH_MAX_DOCUMENT_BYTES: '1000' };
    expect(loadConfig(env, { masterKey: MASTER_KEY, dataDir: '/tmp/plinth-test-unused' }).limits.maxDocumentBytes).toBe(1000);
    expect(() => loadConfig({ PLINTH_MAX_DOCUMENT_BYTES: '0' }, { masterKey: MASTER_KEY, dataDir: '/tmp/plinth-test-unused' })).toThrow(
      /PLINTH_MAX_DOCUMENT_BYTES/,
    );
  });

  it('a megabyte of white space or of comments around a valid operation is refused (neither counts as a token)', async () => {
    const megabyte = 1024 * 1024;
    for (const query of [`{ health ${' '.repeat(megabyte)}}`, `${'# a comment that the parser would skip\n'.repeat(megabyte / 40)}{ health }`]) {
      const r = await post(JSON.stringify({ query }));
      expect({ status: r.status, body: r.body }).toEqual({ status: 400, body: tooLarge });
    }
  });

  it('the size is counted in UTF-8 bytes, and checked before the parser sees the document', async () => {
    // Fewer characters than the limit, more bytes (three per "€"); and an unterminated selection,
    // whose syntax error would be the answer had it been parsed.
    const query = `# ${'€'.repeat(limit / 3 + 10)}\n{ health `;
    expect(query.length).toBeLessThan(limit);
    const r = await post(JSON.stringify({ query }));
    expect({ status: r.status, body: r.body }).toEqual({ status: 400, body: tooLarge });
  });

  it('a document of exactly the limit is served', async () => {
    const core = '{ health }';
    const r = await post(JSON.stringify({ query: core + ' '.repeat(limit - core.length) }));
    expect(r.body).toEqual({ data: { health: true } });
  });

  it('graphql-ws operations go through the same check (server/ws.ts calls paramsError)', () => {
    const error = paramsError({ query: `{ health ${' '.repeat(limit)}}` }, s.plinth.config.limits);
    expect(error?.message).toBe(tooLarge.errors[0].message);
  });
});

describe("values PostgreSQL cannot store: 111 naming the field, before any SQL, never PostgreSQL's text", () => {
  const CREATE = 'mutation($f: CreateItemFieldsInput) { createItem(input: { fields: $f }) { item { objectId } } }';
  const expect111 = (r: RawResponse, message: string) => {
    expect(r.status).toBe(200);
    expect(r.body.errors).toEqual([expect.objectContaining({ message, extensions: { code: 111 } })]);
    expect(r.text).not.toMatch(/byte sequence|Unicode|surrogate must|json|escape/i);
  };
  const refusedByDatabase = () => s.logs.filter((l) => l.msg === 'the database refused a value sent in a request');

  it('in writes: String, Object values and keys, Array elements', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ label: 'a\ud800b' }, 'Invalid value for field label: text cannot contain a lone UTF-16 surrogate (\\ud800)'],
      [{ label: 'tail\udfff' }, 'Invalid value for field label: text cannot contain a lone UTF-16 surrogate (\\udfff)'],
      [{ label: 'a\u0000b' }, 'Invalid value for field label: text cannot contain the NUL character (\\u0000)'],
      [{ meta: { nested: ['ok', 'x\udc00'] } }, 'Invalid value for field meta: text cannot contain a lone UTF-16 surrogate (\\udc00)'],
      [{ meta: { 'key\ud83d': 1 } }, 'Invalid value for field meta: keys cannot contain a lone UTF-16 surrogate (\\ud83d)'],
      [{ tags: ['\ud800'] }, 'Invalid value for field tags: text cannot contain a lone UTF-16 surrogate (\\ud800)'],
    ];
    for (const [fields, message] of cases) expect111(await track(s.graphql(CREATE, { f: fields })), message);
    expect(await itemCount()).toBe(0);
    // A well-formed pair (an emoji) is text like any other.
    const emoji = await track(s.graphql(CREATE, { f: { label: '\ud83d\ude00', meta: { '\ud83d\ude00': '\ud83d\ude00' } } }));
    expect(emoji.body.errors).toBeUndefined();
    expect(refusedByDatabase()).toEqual([]);
  });

  it('in where values: comparisons, keys into an Object, text search, regular expressions', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [
        'query($v: String) { items(where: { label: { equalTo: $v } }) { count } }',
        { v: 'a\ud800' },
        'Invalid value for field label: text cannot contain a lone UTF-16 surrogate (\\ud800)',
      ],
      [
        'query($v: [String]) { items(where: { label: { in: $v } }) { count } }',
        { v: ['ok', 'a\u0000'] },
        'Invalid value for field label: text cannot contain the NUL character (\\u0000)',
      ],
      [
        'query($k: String!) { items(where: { meta: { equalTo: { key: $k, value: 1 } } }) { count } }',
        { k: 'a\udc00' },
        'Invalid value for field meta: keys cannot contain a lone UTF-16 surrogate (\\udc00)',
      ],
      [
        'query($t: String!) { items(where: { label: { text: { search: { term: $t } } } }) { count } }',
        { t: 'x\ud800' },
        'Invalid value for field label: text cannot contain a lone UTF-16 surrogate (\\ud800)',
      ],
      [
        'query($p: String) { items(where: { label: { matchesRegex: $p } }) { count } }',
        { p: '^\ud800' },
        'Invalid value for field label: text cannot contain a lone UTF-16 surrogate (\\ud800)',
      ],
    ];
    for (const [query, variables, message] of cases) expect111(await track(s.graphql(query, variables)), message);
    expect(refusedByDatabase()).toEqual([]);
  });

  it('in signUp and logIn: the field is named, and a name no row can hold logs nobody in', async () => {
    const signUp = await track(
      s.graphql('mutation($u: String) { signUp(input: { fields: { username: $u, password: "long enough" } }) { viewer { sessionToken } } }', {
        u: 'bad\u0000name',
      }),
    );
    expect111(signUp, 'Invalid value for field username: text cannot contain the NUL character (\\u0000)');
    const logIn = await track(
      s.graphql('mutation($u: String!) { logIn(input: { username: $u, password: "long enough" }) { viewer { sessionToken } } }', { u: 'bad\u0000name' }),
    );
    expect(logIn.body.errors).toEqual([expect.objectContaining({ message: 'Invalid username/password.', extensions: { code: 101 } })]);
    expect(refusedByDatabase()).toEqual([]);
  });

  it("a value the database refuses that no check caught: 111 without PostgreSQL's text, which is logged", async () => {
    const unregister = s.plinth.hooks.register('Item', {
      async inTransaction(_op, tx) {
        await tx.query(`SELECT 'not a number'::int`);
      },
    });
    try {
      const r = await track(s.graphql(CREATE, { f: { label: 'fine' } }));
      expect111(r, 'Invalid value: the database cannot store a value sent in this request.');
      expect(r.text).not.toContain('not a number');
      expect(refusedByDatabase().map((l) => l.err?.message)).toEqual([expect.stringContaining('not a number')]);
    } finally {
      unregister();
    }
  });
});

describe('an invalid regular expression: one clean 102', () => {
  const query = 'query($p: String) { items(where: { label: { matchesRegex: $p } }) { count } }';
  beforeAll(async () => {
    // PostgreSQL compiles a pattern only when it has a row to match.
    await s.graphql('mutation { createItem(input: { fields: { label: "abc" } }) { item { objectId } } }', {}, master);
  });

  it('one that JavaScript refuses: its reason, once', async () => {
    for (const [pattern, reason] of [
      ['(', 'Unterminated group'],
      ['a**', 'Nothing to repeat'],
      ['[z-a]', 'Range out of order in character class'],
    ]) {
      const r = await track(s.graphql(query, { p: pattern }));
      expect(r.body.errors).toEqual([expect.objectContaining({ message: `Invalid regular expression: ${reason}`, extensions: { code: 102 } })]);
    }
  });

  it('one that only PostgreSQL refuses: its reason, once, under the same prefix', async () => {
    const r = await track(s.graphql(query, { p: 'a{1000}' }));
    expect(r.body.errors).toEqual([expect.objectContaining({ message: 'Invalid regular expression: invalid repetition count(s)', extensions: { code: 102 } })]);
  });
});
