import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';

describe('a class defined at run time is served at once', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await s.ok(`mutation { createClass(input: { name: "Author", schemaFields: { addStrings: [{ name: "name" }] } }) { class { name } } }`);
    await s.ok(`mutation { createClass(input: { name: "Post", schemaFields: {
      addStrings: [{ name: "title" }], addNumbers: [{ name: "views" }],
      addPointers: [{ name: "author", targetClassName: "Author" }] } }) { class { name } } }`);
  });
  afterAll(() => s?.close());

  it('creates, reads and lists objects with their pointers', async () => {
    const a = await s.ok(`mutation { createAuthor(input: { fields: { name: "Ann" } }) { author { id objectId name } } }`);
    const author = a.createAuthor.author;
    expect(author.name).toBe('Ann');
    const p = await s.ok(
      `mutation($a: ID!) { createPost(input: { fields: { title: "Hello", views: 3, author: { link: $a } } }) { post { id title author { name } } } }`,
      { a: author.id },
    );
    expect(p.createPost.post).toMatchObject({ title: 'Hello', author: { name: 'Ann' } });
    const got = await s.ok(`query($id: ID!) { post(id: $id) { title views author { objectId } } }`, { id: p.createPost.post.id });
    expect(got.post).toEqual({ title: 'Hello', views: 3, author: { objectId: author.objectId } });
    const list = await s.ok(`{ posts(where: { views: { greaterThan: 1 } }, order: [views_DESC]) { count edges { node { title author { name } } } } }`);
    expect(list.posts.count).toBe(1);
    expect(list.posts.edges[0].node).toEqual({ title: 'Hello', author: { name: 'Ann' } });
  });
});
