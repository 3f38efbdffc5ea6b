import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CloudError } from '../../src/cloud/errors.ts';
import type { AfterFindRequest, BeforeFindRequest, CloudApi } from '../../src/cloud/types.ts';
import { failure, globalId, startCloudServer, type CloudTestServer } from './harness.ts';

// beforeFind and afterFind on every read path of the GraphQL API: get, find, node, pointers,
// relation pages, counts. What the trigger sees (request.query as Parse's REST form, isGet,
// count), what it may change, and what the client then gets. Mutation payloads are not reads.

type Seen = { kind: string; className: string; isGet: boolean; count?: boolean; query: Record<string, any>; ids?: string[] };
let seen: Seen[] = [];
let before: Record<string, (req: BeforeFindRequest) => unknown> = {};
let after: Record<string, (req: AfterFindRequest) => unknown> = {};

function setup(cloud: CloudApi) {
  for (const className of ['Post', 'Author']) {
    cloud.beforeFind(className, (req) => {
      seen.push({ kind: 'beforeFind', className, isGet: req.isGet, count: req.count, query: req.query.toJSON() });
      return before[className]?.(req) as any;
    });
    cloud.afterFind(className, (req) => {
      seen.push({ kind: 'afterFind', className, isGet: req.isGet, query: req.query.toJSON(), ids: req.objects.map((o) => o.id!) });
      return after[className]?.(req) as any;
    });
  }
}

let s: CloudTestServer;
const ids: Record<string, string> = {};

beforeAll(async () => {
  s = await startCloudServer(setup);
  await s.ok(`mutation {
    a: createClass(input: { name: "Author", schemaFields: { addStrings: [{ name: "name" }], addBooleans: [{ name: "hidden" }] } }) { clientMutationId }
    p: createClass(input: { name: "Post", schemaFields: { addStrings: [{ name: "title" }, { name: "status" }], addNumbers: [{ name: "views" }],
      addPointers: [{ name: "author", targetClassName: "Author" }, { name: "editor", targetClassName: "_User" }], addRelations: [{ name: "fans", targetClassName: "Author" }] } }) { clientMutationId }
  }`);
  const editor = await s.ok(
    `mutation { createUser(input: { fields: { username: "ed", password: "correct-horse-battery", ACL: { public: { read: true, write: false } } } }) { user { objectId } } }`,
  );
  ids.ed = editor.createUser.user.objectId;
  for (const [key, name, hidden] of [
    ['ann', 'Ann', false],
    ['bob', 'Bob', false],
    ['ghost', 'Ghost', true],
  ] as const) {
    const d = await s.ok(`mutation($f: CreateAuthorFieldsInput) { createAuthor(input: { fields: $f }) { author { objectId } } }`, { f: { name, hidden } });
    ids[key] = d.createAuthor.author.objectId;
  }
  const posts = [
    ['p1', 'one', 'published', 10, 'ann'],
    ['p2', 'two', 'draft', 20, 'bob'],
    ['p3', 'three', 'published', 30, 'ghost'],
    ['p4', 'four', 'published', 40, 'ann'],
  ] as const;
  for (const [key, title, status, views, by] of posts) {
    const d = await s.ok(`mutation($f: CreatePostFieldsInput) { createPost(input: { fields: $f }) { post { objectId } } }`, {
      f: { title, status, views, author: { link: ids[by] }, editor: { link: ids.ed }, fans: { add: [ids.ann, ids.bob, ids.ghost] } },
    });
    ids[key] = d.createPost.post.objectId;
  }
});
afterAll(() => s?.close());
beforeEach(() => {
  seen = [];
  before = {};
  after = {};
});

const titles = (r: any) => r.data.posts.edges.map((e: any) => e.node.title);

describe('which read paths run the find triggers, and what they say', () => {
  it.each([
    {
      path: 'get',
      query: () => `{ post(id: "${ids.p1}") { title } }`,
      expected: [
        { kind: 'beforeFind', className: 'Post', isGet: true, count: false },
        { kind: 'afterFind', className: 'Post', isGet: true },
      ],
    },
    {
      path: 'node',
      query: () => `{ node(id: "${globalId('Post', ids.p1)}") { ... on Post { title } } }`,
      expected: [
        { kind: 'beforeFind', className: 'Post', isGet: true },
        { kind: 'afterFind', className: 'Post', isGet: true },
      ],
    },
    {
      path: 'find',
      query: () => `{ posts { edges { node { title } } } }`,
      expected: [
        { kind: 'beforeFind', className: 'Post', isGet: false, count: false },
        { kind: 'afterFind', className: 'Post', isGet: false },
      ],
    },
    {
      path: 'count only (beforeFind with count, no afterFind)',
      query: () => `{ posts { count } }`,
      expected: [{ kind: 'beforeFind', className: 'Post', isGet: false, count: true }],
    },
    {
      path: 'a pointer field (a get of the target, batched)',
      query: () => `{ posts { edges { node { author { name } } } } }`,
      expected: [
        { kind: 'beforeFind', className: 'Post' },
        { kind: 'afterFind', className: 'Post' },
        { kind: 'beforeFind', className: 'Author', isGet: true },
        { kind: 'afterFind', className: 'Author', isGet: true },
      ],
    },
    {
      path: 'a relation connection (a find of the target)',
      query: () => `{ post(id: "${ids.p1}") { fans { count edges { node { name } } } } }`,
      expected: [
        { kind: 'beforeFind', className: 'Post', isGet: true },
        { kind: 'afterFind', className: 'Post', isGet: true },
        { kind: 'beforeFind', className: 'Author', isGet: false, count: false },
        { kind: 'afterFind', className: 'Author', isGet: false },
      ],
    },
  ])('$path', async ({ query, expected }) => {
    const r = await s.anon(query());
    expect(r.errors).toBeUndefined();
    expect(seen).toMatchObject(expected);
    expect(seen).toHaveLength(expected.length);
  });

  it('request.query is Parse.Query-like: className, the REST where, limit, skip, order, keys', async () => {
    let q: any;
    before.Post = (req) => {
      q = { className: req.query.className, json: req.query.toJSON(), master: req.master, user: req.user };
    };
    await s.anon(
      `{ posts(where: { views: { greaterThan: 5 }, status: { equalTo: "published" } }, order: [views_DESC], first: 2, skip: 1) { edges { node { title views } } } }`,
    );
    expect(q.className).toBe('Post');
    expect(q.json.where).toEqual({ views: { $gt: 5 }, status: 'published' });
    expect(q.json).toMatchObject({ limit: 2, skip: 1, order: '-views' });
    expect(q.json.keys.split(',')).toEqual(expect.arrayContaining(['title', 'views']));
    expect([q.master, q.user]).toEqual([false, undefined]);
    // A get shows its id as Parse's does; a batch of pointer loads as $in.
    await s.anon(`{ post(id: "${ids.p1}") { title } }`);
    expect(q.json.where).toEqual({ objectId: ids.p1 });
    seen = [];
    await s.anon(`{ posts { edges { node { author { name } } } } }`);
    expect(Object.keys(seen.find((x) => x.className === 'Author')!.query.where.objectId)).toEqual(['$in']);
  });
});

describe('beforeFind changes the read', () => {
  it.each([
    {
      change: "narrows the where (equalTo), on top of the client's",
      trigger: (req: BeforeFindRequest) => void req.query.equalTo('status', 'published'),
      query: `{ posts(where: { views: { lessThan: 35 } }, order: [views_ASC]) { count edges { node { title } } } }`,
      titles: ['one', 'three'],
      count: 2,
    },
    {
      change: 'changes order, limit and skip',
      trigger: (req: BeforeFindRequest) => void req.query.descending('views').limit(2).skip(1),
      query: `{ posts(order: [views_ASC], first: 10) { edges { node { title } } } }`,
      titles: ['three', 'two'],
    },
    {
      change: 'narrows with containedIn and an OR the client sent',
      trigger: (req: BeforeFindRequest) => void req.query.containedIn('title', ['one', 'two', 'four']),
      query: `{ posts(where: { OR: [{ status: { equalTo: "draft" } }, { views: { greaterThan: 35 } }] }, order: [views_ASC]) { edges { node { title } } } }`,
      titles: ['two', 'four'],
    },
  ])('$change', async ({ trigger, query, titles: expected, count }) => {
    before.Post = trigger;
    const r = await s.anon(query);
    expect(r.errors).toBeUndefined();
    expect(titles(r)).toEqual(expected);
    if (count !== undefined) expect(r.data.posts.count).toBe(count);
  });

  it('narrows counts too (count: true)', async () => {
    before.Post = (req) => void req.query.equalTo('status', 'draft');
    const r = await s.anon(`{ posts { count } }`);
    expect(r.data.posts.count).toBe(1);
    expect(seen[0]).toMatchObject({ count: true });
  });

  it('narrows gets and node: an object outside the narrowed query is not found (101)', async () => {
    before.Post = (req) => void req.query.equalTo('status', 'published');
    expect(failure(await s.anon(`{ post(id: "${ids.p2}") { title } }`))).toEqual({ code: 101, message: 'Object not found.' });
    expect((await s.anon(`{ node(id: "${globalId('Post', ids.p2)}") { id } }`)).data.node).toBeNull();
    expect((await s.anon(`{ post(id: "${ids.p1}") { title } }`)).data.post.title).toBe('one');
  });

  it('narrows pointer loads (a hidden author reads as null) and relation pages', async () => {
    before.Author = (req) => void req.query.notEqualTo('hidden', true);
    const r = await s.anon(
      `{ posts(order: [views_ASC]) { edges { node { title author { name } fans(order: [name_ASC]) { count edges { node { name } } } } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const nodes = r.data.posts.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.author?.name ?? null)).toEqual(['Ann', 'Bob', null, 'Ann']);
    expect(nodes[0].fans).toEqual({ count: 2, edges: [{ node: { name: 'Ann' } }, { node: { name: 'Bob' } }] });
  });

  it('a pointer joined into the page (target without triggers) under a narrowed, then replaced, result', async () => {
    before.Post = (req) => void req.query.equalTo('status', 'published');
    after.Post = (req) => req.objects.map((o) => o.set('title', String(o.get('title')).toUpperCase()));
    const r = await s.anon(`{ posts(order: [views_ASC]) { edges { node { title editor { username } author { name } } } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.posts.edges.map((e: any) => [e.node.title, e.node.editor?.username, e.node.author?.name])).toEqual([
      ['ONE', 'ed', 'Ann'],
      ['THREE', 'ed', 'Ghost'],
      ['FOUR', 'ed', 'Ann'],
    ]);
  });

  it('select adds to the keys read (as Parse.Query.select); exclude leaves fields out', async () => {
    before.Post = (req) => void req.query.select('status');
    const selected = await s.anon(`{ posts(order: [views_ASC]) { edges { node { title } } } }`);
    expect(selected.data.posts.edges[0].node).toEqual({ title: 'one' });
    before.Post = (req) => void req.query.exclude('views', 'status');
    const r = await s.anon(`{ posts(order: [title_ASC]) { edges { node { title views status } } } }`);
    expect(r.data.posts.edges[0].node).toEqual({ title: 'four', views: null, status: null });
    const got = await s.anon(`{ post(id: "${ids.p1}") { title views } }`);
    expect(got.data.post).toEqual({ title: 'one', views: null });
  });

  it('paging with after keeps working under a narrowed query', async () => {
    before.Post = (req) => void req.query.equalTo('status', 'published');
    const page1 = await s.anon(`{ posts(order: [views_ASC], first: 2) { edges { node { title } } pageInfo { endCursor hasNextPage } } }`);
    expect(titles(page1)).toEqual(['one', 'three']);
    expect(page1.data.posts.pageInfo.hasNextPage).toBe(true);
    const page2 = await s.anon(`query($a: String) { posts(order: [views_ASC], first: 2, after: $a) { edges { node { title } } pageInfo { hasNextPage } } }`, {
      a: page1.data.posts.pageInfo.endCursor,
    });
    expect(titles(page2)).toEqual(['four']);
    expect(page2.data.posts.pageInfo.hasNextPage).toBe(false);
  });

  it('returning objects answers without the database (find, get, count)', async () => {
    before.Post = (req) => [{ objectId: 'virtual1', title: req.isGet ? 'got' : 'made up', views: 1 }];
    expect(titles(await s.anon(`{ posts { count edges { node { objectId title views } } } }`))).toEqual(['made up']);
    expect((await s.anon(`{ posts { count } }`)).data.posts.count).toBe(1);
    expect((await s.anon(`{ post(id: "virtual1") { title } }`)).data.post.title).toBe('got');
    expect(seen.filter((x) => x.kind === 'afterFind').length).toBe(0);
  });

  it.each([
    { thrown: () => new Error('no reading'), code: 141, message: 'no reading' },
    { thrown: () => new CloudError(119, 'forbidden here'), code: 119, message: 'forbidden here' },
  ])('a throw refuses the read ($code)', async ({ thrown, code, message }) => {
    before.Post = () => {
      throw thrown();
    };
    expect(failure(await s.anon(`{ posts { edges { node { title } } } }`))).toEqual({ code, message });
    expect(failure(await s.anon(`{ post(id: "${ids.p1}") { title } }`))).toEqual({ code, message });
  });
});

describe('afterFind changes the results', () => {
  it('filters and changes objects (find), keeping the count of the query', async () => {
    after.Post = (req) => req.objects.filter((o) => o.get('views') !== 20).map((o) => o.set('title', String(o.get('title')).toUpperCase()));
    // afterFind sees the fields the query reads (Parse's `keys`): views is selected for it.
    const r = await s.anon(`{ posts(order: [views_ASC]) { edges { node { title views } } } }`);
    expect(titles(r)).toEqual(['ONE', 'THREE', 'FOUR']);
  });

  it('changing request.objects in place without returning keeps the change', async () => {
    after.Post = (req) => {
      for (const o of req.objects) o.set('status', 'seen');
    };
    const r = await s.anon(`{ post(id: "${ids.p2}") { status } }`);
    expect(r.data.post.status).toBe('seen');
  });

  it('replacing the list with nothing makes a get 101', async () => {
    after.Post = () => [];
    expect(failure(await s.anon(`{ post(id: "${ids.p1}") { title } }`))).toEqual({ code: 101, message: 'Object not found.' });
  });

  it('applies to pointer loads and relation pages', async () => {
    after.Author = (req) => req.objects.map((o) => o.set('name', `~${o.get('name')}`));
    const r = await s.anon(`{ post(id: "${ids.p1}") { author { name } fans(order: [name_ASC], first: 1) { edges { node { name } } } } }`);
    expect(r.data.post).toEqual({ author: { name: '~Ann' }, fans: { edges: [{ node: { name: '~Ann' } }] } });
  });

  it('a throwing afterFind fails the read', async () => {
    after.Post = () => {
      throw new Error('after broke');
    };
    expect(failure(await s.anon(`{ posts { edges { node { title } } } }`))).toEqual({ code: 141, message: 'after broke' });
  });
});

describe('mutation payloads are the object as saved, not passed through find triggers', () => {
  it.each([
    [
      'create',
      `mutation { createPost(input: { fields: { title: "fresh", views: 1 } }) { post { objectId title views } } }`,
      (d: any) => d.createPost.post,
      { title: 'fresh', views: 1 },
    ],
    [
      'update',
      () => `mutation { updatePost(input: { id: "${ids.p4}", fields: { views: 41 } }) { post { title views status } } }`,
      (d: any) => d.updatePost.post,
      { title: 'four', views: 41, status: 'published' },
    ],
    [
      'delete',
      () => `mutation { deletePost(input: { id: "${ids.p2}" }) { post { title views } } }`,
      (d: any) => d.deletePost.post,
      { title: 'two', views: 20 },
    ],
  ] as const)('%s', async (_kind, query, pick, expected) => {
    before.Post = () => {
      throw new Error('no reads of Post');
    };
    after.Post = () => [];
    const r = await s.anon(typeof query === 'function' ? query() : query);
    expect(r.errors).toBeUndefined();
    expect(pick(r.data)).toMatchObject(expected);
    expect(seen.filter((x) => x.className === 'Post')).toEqual([]);
  });
});
