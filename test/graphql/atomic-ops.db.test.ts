import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';

// Parse's atomic operations in GraphQL updates (beyond Parse's GraphQL API, which has none):
// `increment`, `addToArray`, `addUniqueToArray`, `removeFromArray` beside `fields`, applied in SQL.

let s: TestServer;
let owner: { id: string; token: string };
let other: { token: string };

const TAGS = 'tags { ... on Element { value } }';
const UPDATE = `mutation($input: UpdatePostInput!) { updatePost(input: $input) { post { views ${TAGS} title } clientMutationId } }`;

async function signUp(username: string) {
  const r = await s.anon(
    `mutation { signUp(input: { fields: { username: "${username}", password: "a good password 1" } }) { viewer { sessionToken user { objectId } } } }`,
  );
  return { id: r.data.signUp.viewer.user.objectId as string, token: r.data.signUp.viewer.sessionToken as string };
}

async function newPost(fields: Record<string, unknown> = {}): Promise<string> {
  const data = await s.ok(`mutation($f: CreatePostFieldsInput) { createPost(input: { fields: $f }) { post { objectId } } }`, { f: fields });
  return data.createPost.post.objectId;
}

async function read(id: string) {
  return (await s.ok(`query($id: ID!) { post(id: $id) { views ${TAGS} title } }`, { id })).post;
}

beforeAll(async () => {
  s = await startTestServer();
  await s.ok(`mutation {
    createClass(input: { name: "Post", schemaFields: { addStrings: [{ name: "title" }], addNumbers: [{ name: "views" }], addArrays: [{ name: "tags" }] } }) { class { name } }
  }`);
  await s.ok(`mutation { createClass(input: { name: "Note", schemaFields: { addStrings: [{ name: "text" }] } }) { class { name } } }`);
  owner = await signUp('owner');
  other = await signUp('other');
});
afterAll(() => s.close());

describe('atomic operations in GraphQL updates', () => {
  it('counts every one of many concurrent increments', async () => {
    const id = await newPost({ views: 0 });
    const results = await Promise.all(Array.from({ length: 20 }, () => s.master(UPDATE, { input: { id, increment: { views: 1 } } })));
    for (const r of results) expect(r.errors).toBeUndefined();
    expect((await read(id)).views).toBe(20);
    // Each answer is a total some increment produced: every one from 1 to 20, once.
    expect(results.map((r) => r.data.updatePost.post.views).sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('increments an unset field from nothing, and a negative amount subtracts', async () => {
    const id = await newPost({ title: 'fresh' });
    expect((await s.master(UPDATE, { input: { id, increment: { views: 5 } } })).data.updatePost.post.views).toBe(5);
    expect((await s.master(UPDATE, { input: { id, increment: { views: -2.5 } } })).data.updatePost.post.views).toBe(2.5);
  });

  it('adds, adds unique and removes array items, together with plain fields', async () => {
    const id = await newPost({ tags: ['a'] });
    const added = await s.master(UPDATE, { input: { id, fields: { title: 'tagged' }, addToArray: { tags: ['b', 'a'] }, clientMutationId: 'm1' } });
    expect(added.data.updatePost).toEqual({
      post: { views: null, tags: [{ value: 'a' }, { value: 'b' }, { value: 'a' }], title: 'tagged' },
      clientMutationId: 'm1',
    });
    const unique = await s.master(UPDATE, { input: { id, addUniqueToArray: { tags: ['b', 'c', { k: 1 }] } } });
    expect(unique.data.updatePost.post.tags).toEqual([{ value: 'a' }, { value: 'b' }, { value: 'a' }, { value: 'c' }, { value: { k: 1 } }]);
    const removed = await s.master(UPDATE, { input: { id, removeFromArray: { tags: ['a', { k: 1 }] } } });
    expect(removed.data.updatePost.post.tags).toEqual([{ value: 'b' }, { value: 'c' }]);
    expect(await read(id)).toEqual({ views: null, tags: [{ value: 'b' }, { value: 'c' }], title: 'tagged' });
  });

  it('refuses a field changed twice (105) and leaves the object as it was', async () => {
    const id = await newPost({ views: 1, tags: [] });
    const twice = await s.master(UPDATE, { input: { id, fields: { views: 10 }, increment: { views: 1 } } });
    expect(twice.errors?.[0].extensions?.code).toBe(105);
    expect(twice.errors?.[0].message).toMatch(/views is changed twice/);
    const twoOps = await s.master(UPDATE, { input: { id, addToArray: { tags: ['x'] }, removeFromArray: { tags: ['x'] } } });
    expect(twoOps.errors?.[0].extensions?.code).toBe(105);
    expect(await read(id)).toEqual({ views: 1, tags: [], title: null });
  });

  it('applies the caller’s write access: another user or anonymous cannot increment a protected post', async () => {
    const created = await s.request(
      `mutation($f: CreatePostFieldsInput) { createPost(input: { fields: $f }) { post { objectId } } }`,
      { f: { views: 1, ACL: { users: [{ userId: owner.id, read: true, write: true }] } } },
      { 'x-parse-session-token': owner.token },
    );
    const id = created.data.createPost.post.objectId;
    const input = { id, increment: { views: 1 } };
    const byOther = await s.request(UPDATE, { input }, { 'x-parse-session-token': other.token });
    expect(byOther.errors?.[0].extensions?.code).toBe(101);
    const byAnon = await s.anon(UPDATE, { input });
    expect(byAnon.errors?.[0].extensions?.code).toBe(101);
    const byOwner = await s.request(UPDATE, { input }, { 'x-parse-session-token': owner.token });
    expect(byOwner.errors).toBeUndefined();
    expect(byOwner.data.updatePost.post.views).toBe(2);
    expect((await read(id)).views).toBe(2);
  });

  it('adds the operation fields only to classes with such fields, beside Parse’s own', async () => {
    const fieldsOf = async (type: string) =>
      (await s.ok(`query($t: String!) { __type(name: $t) { inputFields { name type { name kind ofType { name } } } } }`, { t: type })).__type;
    const update = await fieldsOf('UpdatePostInput');
    expect(update.inputFields.map((f: { name: string }) => f.name)).toEqual([
      'id',
      'fields',
      'increment',
      'addToArray',
      'addUniqueToArray',
      'removeFromArray',
      'clientMutationId',
    ]);
    expect((await fieldsOf('IncrementPostFieldsInput')).inputFields.map((f: { name: string }) => f.name)).toEqual(['views']);
    expect((await fieldsOf('PostArrayItemsInput')).inputFields.map((f: { name: string }) => f.name)).toEqual(['tags']);
    expect((await fieldsOf('UpdateNoteInput')).inputFields.map((f: { name: string }) => f.name)).toEqual(['id', 'fields', 'clientMutationId']);
    expect(await fieldsOf('IncrementNoteFieldsInput')).toBeNull();
  });
});
