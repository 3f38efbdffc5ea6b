import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { overSocket } from '../helpers/server.ts';
import { APP_ID, MASTER_KEY, startWsServer, stream, type WsTestServer } from '../live/ws-server.ts';

// PLINTH_MAX_ROWS_PER_REQUEST: callers without the master key may not ask one request for more
// rows than the budget (default 50,000). The estimate (plugins/row-estimate.ts) is made before
// anything runs, from the operation's pages and the request's variables; a refusal is 102,
// HTTP 400, on every transport: the direct lane, Yoga, graphql-ws.
let s: WsTestServer;
let session: string;
const BUDGET = 50_000;
const EDGES = 'edges { node { objectId } }';
const aliases = (n: number, field: string) => Array.from({ length: n }, (_, i) => `p${i}: ${field}`).join(' ');
/** The probe's request: the alias cap times the page cap. */
const FLOOD = `{ ${aliases(500, `posts(first: 1000) { ${EDGES} }`)} }`;
/** A real screen: 100 posts, each with 10 comments and 5 tags. */
const SCREEN = `{ posts(first: 100) { edges { node { title comments(first: 10) { edges { node { text } } } tags(first: 5) { edges { node { name } } } } } } }`;

beforeAll(async () => {
  s = await startWsServer();
  expect(s.plinth.config.limits.maxRowsPerRequest).toBe(BUDGET);
  for (const [name, fields] of [
    ['Comment', 'addStrings: [{ name: "text" }]'],
    ['Tag', 'addStrings: [{ name: "name" }]'],
    ['Post', 'addStrings: [{ name: "title" }], addRelations: [{ name: "comments", targetClassName: "Comment" }, { name: "tags", targetClassName: "Tag" }]'],
  ]) {
    await s.ok(`mutation { createClass(input: { name: "${name}", schemaFields: { ${fields} } }) { class { name } } }`);
  }
  const comments = Array.from({ length: 10 }, (_, i) => `{ text: "c${i}" }`).join(', ');
  const tags = Array.from({ length: 5 }, (_, i) => `{ name: "t${i}" }`).join(', ');
  for (let batch = 0; batch < 10; batch++) {
    await s.ok(
      `mutation { ${aliases(10, `createPost(input: { fields: { title: "post", comments: { createAndAdd: [${comments}] }, tags: { createAndAdd: [${tags}] } } }) { clientMutationId }`)} }`,
    );
  }
  const signUp = await s.anon(`mutation { signUp(input: { fields: { username: "reader", password: "reader's password 1" } }) { viewer { sessionToken } } }`);
  session = signUp.data.signUp.viewer.sessionToken;
}, 120_000);
afterAll(() => s?.close());

/** The statements that touched the Post table while `fn` ran. */
async function postStatements(fn: () => Promise<unknown>): Promise<string[]> {
  const statements: string[] = [];
  const stop = s.plinth.db.onQuery((text) => {
    if (text.includes('"Post"')) statements.push(text);
  });
  try {
    await fn();
  } finally {
    stop();
  }
  return statements;
}

const overBudget = (rows: number) => ({
  message: `This request could read up to ${rows} rows, more than the ${BUDGET} one request may read: ask for smaller pages (first, last) or split it into several requests.`,
  extensions: { code: 102 },
});

describe('over the budget: refused before any SQL runs, 102 and HTTP 400', () => {
  it('the alias cap times the page cap (500 × first: 1000), through the direct lane', async () => {
    let r: Awaited<ReturnType<WsTestServer['anon']>> | undefined;
    expect(await postStatements(async () => (r = await s.anon(FLOOD)))).toEqual([]);
    expect(r!.status).toBe(400);
    expect(r!.body).toEqual({ errors: [overBudget(500_000)] });
  });

  it('through Yoga too (a request with an Origin), and over GET', async () => {
    const headers = { 'content-type': 'application/json', 'x-parse-application-id': APP_ID, origin: 'http://app.test' };
    const post = await overSocket(s.plinth, '/graphql', { method: 'POST', headers, body: JSON.stringify({ query: FLOOD }) });
    expect(post.status).toBe(400);
    expect(await post.json()).toEqual({ errors: [overBudget(500_000)] });
    const query = `{ ${aliases(60, `posts(first: 1000) { ${EDGES} }`)} }`;
    const get = await overSocket(s.plinth, `/graphql?${new URLSearchParams({ query })}`, { headers: { 'x-parse-application-id': APP_ID } });
    expect(get.status).toBe(400);
    expect(await get.json()).toEqual({ errors: [overBudget(60_000)] });
  });

  it('a signed-in user is held to it as well', async () => {
    const r = await s.request(FLOOD, undefined, { 'x-parse-session-token': session });
    expect(r.status).toBe(400);
    expect(r.errors).toEqual([overBudget(500_000)]);
  });

  it('nested pages multiply: relations without first take the default page under every row', async () => {
    const q = `{ posts(first: 1000) { edges { node { comments { ${EDGES} } } } } }`;
    expect((await s.anon(q)).errors).toEqual([overBudget(1000 + 1000 * 100)]);
  });

  it('fragments and variables are resolved as the operation runs them', async () => {
    const aliased = `query Flood($n: Int) { ${Array.from({ length: 60 }, (_, i) => `p${i}: posts(first: $n) { ...Edges }`).join(' ')} } fragment Edges on PostConnection { ${EDGES} }`;
    const refused = await s.anon(aliased, { n: 1000 });
    expect(refused.status).toBe(400);
    expect(refused.errors).toEqual([overBudget(60_000)]);
    const small = await s.anon(aliased, { n: 10 });
    expect(small.status).toBe(200);
    expect(small.data.p59.edges).toHaveLength(10);
  });

  it('exactly the budget runs; one row more does not', async () => {
    const at = `{ ${aliases(50, `posts(first: 1000) { ${EDGES} }`)} }`;
    const r = await s.anon(at);
    expect(r.status).toBe(200);
    expect(r.data.p49.edges).toHaveLength(100);
    const over = `{ ${aliases(50, `posts(first: 1000) { ${EDGES} }`)} one: posts(first: 1) { ${EDGES} } }`;
    expect((await s.anon(over)).errors).toEqual([overBudget(BUDGET + 1)]);
  });
});

describe('within the budget', () => {
  it('a real screen — 100 posts, each with 10 comments and 5 tags — runs', async () => {
    const r = await s.anon(SCREEN);
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
    expect(r.data.posts.edges).toHaveLength(100);
    expect(r.data.posts.edges[0].node.comments.edges).toHaveLength(10);
    expect(r.data.posts.edges[0].node.tags.edges).toHaveLength(5);
  });

  it('counts read no rows: 1,000 posts with the count of their comments run', async () => {
    const r = await s.anon('{ posts(first: 1000) { edges { node { title comments { count } } } } }');
    expect(r.errors).toBeUndefined();
    expect(r.data.posts.edges[0].node.comments.count).toBe(10);
  });

  it('the master key has no budget', async () => {
    const r = await s.master(`{ ${aliases(60, `posts(first: 1000) { ${EDGES} }`)} }`);
    expect(r.status).toBe(200);
    expect(r.data.p59.edges).toHaveLength(100);
  });
});

describe('over graphql-ws', () => {
  it('a query over the budget is refused; within it, it runs', async () => {
    const refused = stream(s.client(), `{ ${aliases(60, `posts(first: 1000) { ${EDGES} }`)} }`);
    expect(await refused.next(1)).toEqual({ errors: [overBudget(60_000)] });
    const ok = stream(s.client(), '{ posts(first: 2) { count } }');
    expect(await ok.next(1)).toEqual({ data: { posts: { count: 100 } } });
  });

  it('a subscription’s selection is budgeted before its stream opens; the master key’s is not', async () => {
    const live = `subscription { posts(first: 1000) { edges { node { comments(first: 1000) { ${EDGES} } } } } }`;
    const refused = stream(s.client(), live);
    expect(await refused.next(1)).toEqual({ errors: [overBudget(1000 + 1000 * 1000)] });
    await refused.ended();
    const master = stream(s.client({ masterKey: MASTER_KEY }), 'subscription { posts(first: 1000) { count } }');
    expect(await master.next(1)).toEqual({ data: { posts: { count: 100 } } });
    master.stop();
  });
});

describe('PLINTH_MAX_ROWS_PER_REQUEST', () => {
  const env = { PLINTH_MASTER_KEY: MASTER_KEY, PLINTH_DATA_DIR: '/tmp/plinth-test-unused' };
  it('defaults to 50,000; 0 turns the budget off; anything but a whole number stops the server', () => {
    expect(loadConfig(env).limits.maxRowsPerRequest).toBe(50_000);
    expect(loadConfig({ ...env, PLINTH_MAX_ROWS_PER_REQUEST: '2000' }).limits.maxRowsPerRequest).toBe(2000);
    expect(loadConfig({ ...env, PLINTH_MAX_ROWS_PER_REQUEST: '0' }).limits.maxRowsPerRequest).toBe(0);
    expect(() => loadConfig({ ...env, PLINTH_MAX_ROWS_PER_REQUEST: 'lots' })).toThrow('PLINTH_MAX_ROWS_PER_REQUEST must be an integer');
  });
});
