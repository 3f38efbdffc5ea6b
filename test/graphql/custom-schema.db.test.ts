import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudError } from '../../src/cloud/errors.ts';
import type { CloudData, CloudSetup, FunctionRequest } from '../../src/cloud/types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/*
 * The custom schema (PLINTH_GRAPHQL_SCHEMA, Parse's `graphQLSchema` option) through the front
 * door, its `@resolve` fields answered by the server's own cloud functions.
 */

const fixture = (name: string) => path.join(import.meta.dirname, '../fixtures/custom-schema', name);

interface Call {
  name: string;
  params: Record<string, unknown>;
  master: boolean;
}

describe('a custom schema merged into the generated one', () => {
  let s: TestServer;
  const calls: Call[] = [];
  let postId = '';
  /** What `search` answers; a test changes it while class Post does not exist. */
  let searchHits: (data: CloudData) => Promise<unknown[]> = async (data) => [await data.first('Post'), { __typename: 'Tag', name: 'news' }];

  const setup: CloudSetup = (cloud) => {
    const define = (name: string, handler: (request: FunctionRequest) => unknown) =>
      cloud.define(name, (request) => {
        calls.push({ name: request.functionName, params: request.params, master: request.master });
        return handler(request);
      });
    define('hello', ({ params }) => `hello ${params.name}`.repeat(params.times ?? 1));
    define('add', ({ params }) => params.input.a + params.input.b);
    define('stats', ({ params }) => ({
      total: 7,
      label: 'weekly',
      kind: params.kind ?? 'DAILY',
      since: new Date('2024-05-01T10:00:00.000Z'),
      best: { __type: 'Pointer', className: 'Post', objectId: postId },
    }));
    define('anything', () => ({ when: new Date('2024-01-02T03:04:05.000Z'), n: 1 }));
    define('failing', () => {
      throw new CloudError(CloudError.OBJECT_NOT_FOUND, 'nothing here');
    });
    define('topPost', ({ data }) => data.get('Post', postId));
    define('recentPosts', async ({ data, params }) =>
      [
        await data.get('Post', postId),
        {
          __type: 'Object',
          className: 'Post',
          objectId: postId,
          title: 'As Parse JSON',
          createdAt: '2024-02-01T00:00:00.000Z',
          updatedAt: { __type: 'Date', iso: '2024-02-02T00:00:00.000Z' },
        },
        { objectId: 'plain1', title: 'As a plain object' },
      ].slice(0, params.first ?? 3),
    );
    define('search', ({ data }) => searchHits(data));
    define('otherClass', ({ data }) => data.as({ useMasterKey: true }).first('_User'));
  };
  const q = (query: string, variables?: Record<string, unknown>) => s.anon(query, variables);

  beforeAll(async () => {
    s = await startTestServer({ graphqlSchemaFile: fixture('app.graphql') }, { cloud: setup });
  });
  afterAll(() => s?.close());

  it('answers a Query field with the cloud function of its name, the arguments as params', async () => {
    const r = await q(`{ hello(name: "Ann", times: 2) }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.hello).toBe('hello Annhello Ann');
    expect(calls.at(-1)).toEqual({ name: 'hello', params: { name: 'Ann', times: 2 }, master: false });
  });

  it("calls the function named by @resolve(to:), as the request's caller", async () => {
    const r = await s.master(`query($n: String!) { greeting(name: $n) }`, { n: 'Bo' });
    expect(r.data.greeting).toBe('hello Bo');
    expect(calls.at(-1)).toEqual({ name: 'hello', params: { name: 'Bo' }, master: true });
  });

  it('answers a custom mutation, its input object as a param', async () => {
    const r = await q(`mutation { addNumbers(input: { a: 1.5, b: 2 }) }`);
    expect(r.data.addNumbers).toBe(3.5);
    expect(calls.at(-1)?.params).toEqual({ input: { a: 1.5, b: 2 } });
  });

  it('returns @mock values, for scalars, JSON and custom types alike', async () => {
    const r = await q(`{ version settings mockedStats { total label kind } }`);
    expect(r.data).toEqual({ version: '1.2.3', settings: { theme: 'dark', sizes: [1, 2] }, mockedStats: { total: 3, label: 'mocked', kind: 'WEEKLY' } });
  });

  it("serves custom types and enums from a function's result, and Any as Parse JSON", async () => {
    const r = await q(`{ stats(kind: WEEKLY) { total label kind since } anything }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.stats).toEqual({ total: 7, label: 'weekly', kind: 'WEEKLY', since: '2024-05-01T10:00:00.000Z' });
    expect(calls.find((c) => c.name === 'stats')?.params).toEqual({ kind: 'WEEKLY' });
    expect(r.data.anything).toEqual({ when: { __type: 'Date', iso: '2024-01-02T03:04:05.000Z' }, n: 1 });
  });

  it('leaves a field with neither directive null', async () => {
    const r = await q(`{ nothing }`);
    expect(r.data).toEqual({ nothing: null });
  });

  it("keeps a function's Parse error code; an undefined function is 141", async () => {
    const failing = await q(`{ failing }`);
    expect(failing.errors?.[0]).toMatchObject({ message: 'nothing here', extensions: { code: 101 } });
    const missing = await q(`{ missingFunction }`);
    expect(missing.errors?.[0]).toMatchObject({ message: 'Invalid function: "noSuchFunction"', extensions: { code: 141 } });
  });

  it('leaves out fields that need a class until the class exists, then serves them', async () => {
    const before = await q(`{ topPost { objectId } }`);
    expect(before.errors?.[0]?.message).toMatch(/Cannot query field "topPost"/);
    // The union is served without its Post member meanwhile.
    searchHits = async () => [{ __typename: 'Tag', name: 'early' }];
    const union = await q(`{ search(term: "x") { ... on Tag { name } } }`);
    expect(union.data).toEqual({ search: [{ name: 'early' }] });
    searchHits = async (data) => [await data.first('Post'), { __typename: 'Tag', name: 'news' }];

    await s.ok(`mutation { createClass(input: { name: "Post", schemaFields: { addStrings: [{ name: "title" }] } }) { class { name } } }`);
    const created = await s.ok(`mutation { createPost(input: { fields: { title: "Stored title" } }) { post { objectId createdAt } } }`);
    postId = created.createPost.post.objectId;

    // The rebuilt schema still has every custom field, plus the ones that needed Post.
    const again = await q(`{ hello(name: "C") version }`);
    expect(again.data).toEqual({ hello: 'hello C', version: '1.2.3' });
    const r = await q(`{ topPost { id objectId title createdAt teaser } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.topPost).toEqual({
      id: Buffer.from(`Post:${postId}`).toString('base64'),
      objectId: postId,
      title: 'Stored title',
      createdAt: created.createPost.post.createdAt,
      teaser: 'read more',
    });
  });

  it('turns CloudObjects, Parse JSON and plain objects into class objects; a pointer is read from the database', async () => {
    const r = await q(`{ recentPosts { objectId title } first: recentPosts(first: 2) { title updatedAt } stats { best { title teaser } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.recentPosts).toEqual([
      { objectId: postId, title: 'Stored title' },
      { objectId: postId, title: 'As Parse JSON' },
      { objectId: 'plain1', title: 'As a plain object' },
    ]);
    expect(r.data.first[1]).toEqual({ title: 'As Parse JSON', updatedAt: '2024-02-02T00:00:00.000Z' });
    expect(calls.filter((c) => c.name === 'recentPosts').at(-1)?.params).toEqual({ first: 2 });
    expect(r.data.stats.best).toEqual({ title: 'Stored title', teaser: 'read more' });
  });

  it('resolves a union of a class type and a custom type', async () => {
    const r = await q(`{ search(term: "x") { __typename ... on Post { title } ... on Tag { name } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.search).toEqual([
      { __typename: 'Post', title: 'Stored title' },
      { __typename: 'Tag', name: 'news' },
    ]);
  });

  it('refuses a result of another class (141)', async () => {
    await s.ok(`mutation { signUp(input: { fields: { username: "ann", password: "a-long-password" } }) { viewer { sessionToken } } }`);
    const r = await q(`{ otherClass { objectId } }`);
    expect(r.errors?.[0]).toMatchObject({ extensions: { code: 141 } });
    expect(r.errors?.[0]?.message).toMatch(/cannot be a Post: it is a User/);
  });
});
