import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { countRows, createClass, expectError, globalId } from './helpers.ts';

describe('pointers, relations and ids', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await createClass(s, 'Author', 'addStrings: [{ name: "name" }], addNumbers: [{ name: "age" }]');
    await createClass(s, 'Tag', 'addStrings: [{ name: "label" }], addNumbers: [{ name: "rank" }]');
    await createClass(
      s,
      'Post',
      `addStrings: [{ name: "title" }], addPointers: [{ name: "author", targetClassName: "Author" }],
       addRelations: [{ name: "tags", targetClassName: "Tag" }]`,
    );
  });
  afterAll(() => s?.close());

  const author = async (name: string) =>
    (await s.ok(`mutation($n: String) { createAuthor(input: { fields: { name: $n } }) { author { id objectId } } }`, { n: name })).createAuthor.author;
  const tag = async (label: string, rank = 0) =>
    (await s.ok(`mutation($l: String, $r: Float) { createTag(input: { fields: { label: $l, rank: $r } }) { tag { id objectId } } }`, { l: label, r: rank }))
      .createTag.tag;
  const POST = 'id objectId title author { objectId name } tags(order: [label_ASC]) { count edges { node { objectId label } } }';
  const createPost = (fields: Record<string, unknown>) =>
    s.master(`mutation($f: CreatePostFieldsInput) { createPost(input: { fields: $f }) { post { ${POST} } } }`, { f: fields });
  const updatePost = (id: string, fields: Record<string, unknown>) =>
    s.master(`mutation($id: ID!, $f: UpdatePostFieldsInput) { updatePost(input: { id: $id, fields: $f }) { post { ${POST} } } }`, { id, f: fields });
  const getPost = async (id: string) => (await s.ok(`query($id: ID!) { post(id: $id) { ${POST} } }`, { id })).post;
  const labels = (post: { tags: { edges: { node: { label: string } }[] } }) => post.tags.edges.map((e) => e.node.label);

  describe('pointers', () => {
    it('link takes a global id or a raw objectId and stores the objectId', async () => {
      const a = await author('Ann');
      const byGlobal = (await createPost({ title: 'g', author: { link: a.id } })).data!.createPost.post;
      const byRaw = (await createPost({ title: 'r', author: { link: a.objectId } })).data!.createPost.post;
      for (const p of [byGlobal, byRaw]) {
        expect(p.author).toEqual({ objectId: a.objectId, name: 'Ann' });
        expect((await getPost(p.id)).author).toEqual({ objectId: a.objectId, name: 'Ann' });
        const [row] = await s.plinth.db.query<{ author: string }>(`SELECT "author" FROM "Post" WHERE "objectId" = $1`, [p.objectId]);
        expect(row.author).toBe(a.objectId);
      }
    });

    it('update relinks and null unlinks', async () => {
      const [a, b] = [await author('A'), await author('B')];
      const p = (await createPost({ author: { link: a.id } })).data!.createPost.post;
      expect((await updatePost(p.id, { author: { link: b.objectId } })).data!.updatePost.post.author.name).toBe('B');
      expect((await getPost(p.id)).author.name).toBe('B');
      expect((await updatePost(p.id, { author: null })).data!.updatePost.post.author).toBeNull();
      expect((await getPost(p.id)).author).toBeNull();
    });

    it('createAndLink creates the target in the same mutation', async () => {
      const before = await countRows(s, 'Author');
      const p = (await createPost({ title: 'nested', author: { createAndLink: { name: 'New', age: 30 } } })).data!.createPost.post;
      expect(p.author.name).toBe('New');
      expect(await countRows(s, 'Author')).toBe(before + 1);
      const [row] = await s.plinth.db.query<{ author: string }>(`SELECT "author" FROM "Post" WHERE "objectId" = $1`, [p.objectId]);
      expect(row.author).toBe(p.author.objectId);
      const updated = (await updatePost(p.id, { author: { createAndLink: { name: 'Newer' } } })).data!.updatePost.post;
      expect(updated.author.name).toBe('Newer');
      expect(await countRows(s, 'Author')).toBe(before + 2);
    });

    it('both link and createAndLink, or neither, is 106 and stores nothing', async () => {
      const a = await author('X');
      const posts = await countRows(s, 'Post');
      const authors = await countRows(s, 'Author');
      expectError(await createPost({ author: { link: a.id, createAndLink: { name: 'Y' } } }), 106);
      expectError(await createPost({ author: {} }), 106);
      expectError(await createPost({ author: { link: null } }), 106);
      expectError(await createPost({ author: { link: null, createAndLink: null } }), 106);
      const p = (await createPost({ title: 'keep', author: { link: a.id } })).data!.createPost.post;
      expectError(await updatePost(p.id, { author: {} }), 106);
      expect(await countRows(s, 'Post')).toBe(posts + 1);
      expect(await countRows(s, 'Author')).toBe(authors);
      expect((await getPost(p.id)).author.name).toBe('X');
    });

    it('a pointer to a missing object reads as null', async () => {
      const p = (await createPost({ title: 'dangling', author: { link: 'NoSuchId00' } })).data!.createPost.post;
      expect(p.author).toBeNull();
      expect((await getPost(p.id)).author).toBeNull();
      const a = await author('Gone');
      const q = (await createPost({ author: { link: a.id } })).data!.createPost.post;
      await s.ok(`mutation($id: ID!) { deleteAuthor(input: { id: $id }) { author { objectId } } }`, { id: a.id });
      expect((await getPost(q.id)).author).toBeNull();
    });

    it('pointers in a list are loaded for every row', async () => {
      const a = await author('Listed');
      for (let i = 0; i < 3; i++) await createPost({ title: `listed ${i}`, author: { link: a.id } });
      const d = await s.ok(`{ posts(where: { title: { matchesRegex: "^listed" } }, order: [title_ASC]) { edges { node { title author { name } } } } }`);
      expect(d.posts.edges.map((e: { node: unknown }) => e.node)).toEqual([0, 1, 2].map((i) => ({ title: `listed ${i}`, author: { name: 'Listed' } })));
    });
  });

  describe('relations', () => {
    it('add takes global and raw ids; the relation reads as a connection with the find arguments', async () => {
      const [a, b, c] = [await tag('a', 3), await tag('b', 2), await tag('c', 1)];
      const p = (await createPost({ title: 'rel', tags: { add: [a.id, b.objectId] } })).data!.createPost.post;
      expect(p.tags.count).toBe(2);
      expect(labels(p)).toEqual(['a', 'b']);
      await updatePost(p.id, { tags: { add: [c.id] } });
      const d = await s.ok(
        `query($id: ID!) { post(id: $id) {
          all: tags { count }
          ranked: tags(order: [rank_ASC], first: 2) { edges { node { label } } pageInfo { hasNextPage } }
          filtered: tags(where: { rank: { greaterThan: 1 } }, order: [label_DESC]) { count edges { node { label } } }
        } }`,
        { id: p.id },
      );
      expect(d.post.all.count).toBe(3);
      expect(d.post.ranked.edges.map((e: { node: { label: string } }) => e.node.label)).toEqual(['c', 'b']);
      expect(d.post.ranked.pageInfo.hasNextPage).toBe(true);
      expect(d.post.filtered).toEqual({ count: 2, edges: [{ node: { label: 'b' } }, { node: { label: 'a' } }] });
      const rows = await s.plinth.db.query<{ relatedId: string }>(`SELECT "relatedId" FROM "_Join:tags:Post" WHERE "owningId" = $1 ORDER BY 1`, [p.objectId]);
      expect(rows.map((r) => r.relatedId)).toEqual([a.objectId, b.objectId, c.objectId].sort());
    });

    it('remove takes global and raw ids; adding twice keeps one link', async () => {
      const [a, b, c] = [await tag('ra'), await tag('rb'), await tag('rc')];
      const p = (await createPost({ tags: { add: [a.id, b.id, c.id] } })).data!.createPost.post;
      expect((await updatePost(p.id, { tags: { add: [a.id] } })).data!.updatePost.post.tags.count).toBe(3);
      expect(labels((await updatePost(p.id, { tags: { remove: [a.id, b.objectId] } })).data!.updatePost.post)).toEqual(['rc']);
      expect(labels(await getPost(p.id))).toEqual(['rc']);
      // Removing what is not there is harmless.
      expect((await updatePost(p.id, { tags: { remove: [a.objectId] } })).data!.updatePost.post.tags.count).toBe(1);
      // The removed objects themselves are untouched.
      expect((await s.ok(`query($id: ID!) { tag(id: $id) { label } }`, { id: a.id })).tag.label).toBe('ra');
    });

    it('createAndAdd creates the targets in the same mutation, together with add and remove', async () => {
      const [a, b] = [await tag('ca'), await tag('cb')];
      const before = await countRows(s, 'Tag');
      const p = (await createPost({ tags: { add: [a.id], createAndAdd: [{ label: 'new1' }, { label: 'new2' }] } })).data!.createPost.post;
      expect(labels(p)).toEqual(['ca', 'new1', 'new2']);
      expect(await countRows(s, 'Tag')).toBe(before + 2);
      const u = (await updatePost(p.id, { tags: { add: [b.objectId], remove: [a.id], createAndAdd: [{ label: 'new3' }] } })).data!.updatePost.post;
      expect(labels(u)).toEqual(['cb', 'new1', 'new2', 'new3']);
      expect(labels(await getPost(p.id))).toEqual(['cb', 'new1', 'new2', 'new3']);
    });

    it('a relation input with none of add, remove, createAndAdd is 106 and changes nothing', async () => {
      const a = await tag('n');
      const p = (await createPost({ title: 'before', tags: { add: [a.id] } })).data!.createPost.post;
      const posts = await countRows(s, 'Post');
      expectError(await createPost({ tags: {} }), 106);
      expectError(await createPost({ tags: { add: null, remove: null, createAndAdd: null } }), 106);
      expectError(await updatePost(p.id, { title: 'after', tags: {} }), 106);
      expect(await countRows(s, 'Post')).toBe(posts);
      const got = await getPost(p.id);
      expect(got.title).toBe('before');
      expect(labels(got)).toEqual(['n']);
    });

    it('relations of many posts in a list each show their own objects', async () => {
      const [x, y] = [await tag('lx'), await tag('ly')];
      await createPost({ title: 'many 1', tags: { add: [x.id] } });
      await createPost({ title: 'many 2', tags: { add: [x.id, y.id] } });
      await createPost({ title: 'many 3' });
      const d = await s.ok(
        `{ posts(where: { title: { matchesRegex: "^many" } }, order: [title_ASC]) { edges { node { title tags(order: [label_ASC]) { count edges { node { label } } } } } } }`,
      );
      expect(
        d.posts.edges.map((e: { node: { title: string; tags: { count: number } } }) => [e.node.title, e.node.tags.count, labels(e.node as never)]),
      ).toEqual([
        ['many 1', 1, ['lx']],
        ['many 2', 2, ['lx', 'ly']],
        ['many 3', 0, []],
      ]);
    });

    it('deleting the owner removes its relation rows, not the related objects', async () => {
      const a = await tag('kept');
      const p = (await createPost({ tags: { add: [a.id] } })).data!.createPost.post;
      await s.ok(`mutation($id: ID!) { deletePost(input: { id: $id }) { post { objectId } } }`, { id: p.id });
      const rows = await s.plinth.db.query(`SELECT 1 FROM "_Join:tags:Post" WHERE "owningId" = $1`, [p.objectId]);
      expect(rows).toHaveLength(0);
      expect((await s.ok(`query($id: ID!) { tag(id: $id) { label } }`, { id: a.id })).tag.label).toBe('kept');
    });
  });

  describe('ids', () => {
    it('node(id:) resolves global ids of every class; id and objectId are distinct fields', async () => {
      const a = await author('Node');
      const t = await tag('node');
      const p = (await createPost({ title: 'node', author: { link: a.id } })).data!.createPost.post;
      const d = await s.ok(
        `query($a: ID!, $t: ID!, $p: ID!) {
          a: node(id: $a) { id ... on Author { objectId name } }
          t: node(id: $t) { id ... on Tag { objectId label } }
          p: node(id: $p) { __typename id ... on Post { objectId title author { id name } } }
        }`,
        { a: a.id, t: t.id, p: p.id },
      );
      expect(d.a).toEqual({ id: globalId('Author', a.objectId), objectId: a.objectId, name: 'Node' });
      expect(d.t).toEqual({ id: globalId('Tag', t.objectId), objectId: t.objectId, label: 'node' });
      expect(d.p).toEqual({ __typename: 'Post', id: p.id, objectId: p.objectId, title: 'node', author: { id: a.id, name: 'Node' } });
    });

    it('node(id:) with an unknown object is 101, with something that is not a global id a coded error', async () => {
      expectError(await s.master(`query($id: ID!) { node(id: $id) { id } }`, { id: globalId('Author', 'missing123') }), 101, 'Object not found.');
      const bad = await s.master(`{ node(id: "not-a-global-id") { id } }`);
      expect(bad.errors?.[0].extensions?.code).toBe(102);
      const unknownClass = await s.master(`query($id: ID!) { node(id: $id) { id } }`, { id: globalId('Nope', 'abc') });
      expect(unknownClass.errors?.[0].extensions?.code).toBe(102);
    });

    it('get, update and delete take a raw objectId as well as a global id', async () => {
      const a = await author('Raw');
      expect((await s.ok(`query($id: ID!) { author(id: $id) { id name } }`, { id: a.objectId })).author).toEqual({ id: a.id, name: 'Raw' });
      const u = await s.ok(`mutation($id: ID!) { updateAuthor(input: { id: $id, fields: { name: "Raw2" } }) { author { id name } } }`, { id: a.objectId });
      expect(u.updateAuthor.author).toEqual({ id: a.id, name: 'Raw2' });
      const d = await s.ok(`mutation($id: ID!) { deleteAuthor(input: { id: $id }) { author { id name } } }`, { id: a.objectId });
      expect(d.deleteAuthor.author).toEqual({ id: a.id, name: 'Raw2' });
      expect(await s.plinth.db.query(`SELECT 1 FROM "Author" WHERE "objectId" = $1`, [a.objectId])).toHaveLength(0);
    });

    it('ids that name nothing are 101 on get, update and delete', async () => {
      const a = await author('Other');
      const wrongClass = globalId('Tag', a.objectId);
      for (const id of ['nope', '', 'x'.repeat(500), globalId('Author', 'missing123'), wrongClass, '\'; DROP TABLE "Author"; --']) {
        expectError(await s.master(`query($id: ID!) { author(id: $id) { objectId } }`, { id }), 101, 'Object not found.');
        expectError(
          await s.master(`mutation($id: ID!) { updateAuthor(input: { id: $id, fields: { name: "z" } }) { author { objectId } } }`, { id }),
          101,
          'Object not found.',
        );
        expectError(await s.master(`mutation($id: ID!) { deleteAuthor(input: { id: $id }) { author { objectId } } }`, { id }), 101, 'Object not found.');
      }
      expect((await s.ok(`query($id: ID!) { author(id: $id) { name } }`, { id: a.id })).author.name).toBe('Other');
    });

    it('objectId filters take raw and global ids', async () => {
      const a = await author('Filter');
      for (const id of [a.id, a.objectId]) {
        const d = await s.ok(
          `query($id: ID!) { authors(where: { objectId: { equalTo: $id } }) { count } byId: authors(where: { id: { equalTo: $id } }) { count } }`,
          { id },
        );
        expect(d.authors.count).toBe(1);
        expect(d.byId.count).toBe(1);
      }
    });
  });
});
