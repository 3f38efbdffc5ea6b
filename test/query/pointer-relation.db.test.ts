import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQueryFixture, type QueryFixture } from './fixture.ts';

// Pointer and Relation fields: have / haveNot / exists. `have` matches when the pointed-to
// (for a relation: some related) object exists, may be read by the caller, and matches the
// inner where; haveNot is its negation.
describe('where: Pointer and Relation have / haveNot / exists', () => {
  let f: QueryFixture;
  const author: Record<string, string> = {};
  const posts = (where: unknown) => f.titles('Post', where);
  const anonPosts = async (where: unknown) => {
    const res = await f.s.anon(`query($where: PostWhereInput) { posts(where: $where) { edges { node { title } } } }`, { where });
    expect(res.errors).toBeUndefined();
    return res.data.posts.edges.map((e: any) => e.node.title).sort();
  };
  beforeAll(async () => {
    f = await startQueryFixture();
    await f.createClass('Company', { addStrings: [{ name: 'title' }, { name: 'name' }] });
    await f.createClass('Author', {
      addStrings: [{ name: 'title' }, { name: 'name' }],
      addNumbers: [{ name: 'age' }],
      addPointers: [{ name: 'company', targetClassName: 'Company' }],
    });
    await f.createClass('Post', {
      addStrings: [{ name: 'title' }],
      addPointers: [{ name: 'author', targetClassName: 'Author' }],
      addRelations: [{ name: 'likers', targetClassName: 'Author' }],
    });
    const acme = await f.add('Company', { title: 'acme', name: 'Acme' });
    author.ann = await f.add('Author', { title: 'ann', name: 'Ann', age: 30, company: { link: acme } });
    author.bob = await f.add('Author', { title: 'bob', name: 'Bob', age: 40 });
    author.hidden = await f.add('Author', { title: 'hidden', name: 'Hidden', age: 50, ACL: { public: { read: false, write: false } } });
    author.cid = await f.add('Author', { title: 'cid', name: 'Cid', age: 20, company: { createAndLink: { title: 'globex', name: 'Globex' } } });
    author.gone = await f.add('Author', { title: 'gone', name: 'Gone', age: 60 });
    await f.add('Post', { title: 'post1', author: { link: author.ann }, likers: { add: [author.bob, author.cid] } });
    await f.add('Post', { title: 'post2', author: { link: author.bob }, likers: { add: [author.ann] } });
    await f.add('Post', { title: 'post3', author: { link: author.hidden }, likers: { add: [author.hidden] } });
    await f.add('Post', { title: 'post4' });
    await f.add('Post', { title: 'post5', author: { link: author.gone }, likers: { add: [author.gone] } });
    // post5 now points at an object that no longer exists
    await f.s.ok(`mutation($id: ID!) { deleteAuthor(input: { id: $id }) { author { objectId } } }`, { id: author.gone });
  });
  afterAll(() => f?.close());

  it('pointer have / haveNot', async () => {
    expect(await posts({ author: { have: { name: { equalTo: 'Ann' } } } })).toEqual(['post1']);
    expect(await posts({ author: { have: { age: { greaterThan: 25 } } } })).toEqual(['post1', 'post2', 'post3']);
    expect(await posts({ author: { have: {} } })).toEqual(['post1', 'post2', 'post3']);
    expect(await posts({ author: { haveNot: { name: { equalTo: 'Ann' } } } })).toEqual(['post2', 'post3', 'post4', 'post5']);
    expect(await posts({ author: { have: { name: { equalTo: 'Ann' } }, haveNot: { age: { lessThan: 18 } } } })).toEqual(['post1']);
  });

  it('pointer have by id, global id, and nested have', async () => {
    const globalAnn = Buffer.from(`Author:${author.ann}`).toString('base64');
    expect(await posts({ author: { have: { id: { equalTo: globalAnn } } } })).toEqual(['post1']);
    expect(await posts({ author: { have: { objectId: { in: [author.ann, author.bob] } } } })).toEqual(['post1', 'post2']);
    expect(await posts({ author: { have: { company: { have: { name: { equalTo: 'Acme' } } } } } })).toEqual(['post1']);
    expect(await posts({ author: { have: { company: { exists: false } } } })).toEqual(['post2', 'post3']);
  });

  it('pointer exists: the field has a value (even one pointing at a deleted object)', async () => {
    expect(await posts({ author: { exists: true } })).toEqual(['post1', 'post2', 'post3', 'post5']);
    expect(await posts({ author: { exists: false } })).toEqual(['post4']);
  });

  it('relation have / haveNot: some related object matches / none does', async () => {
    expect(await posts({ likers: { have: { name: { equalTo: 'Bob' } } } })).toEqual(['post1']);
    expect(await posts({ likers: { have: { age: { lessThan: 35 } } } })).toEqual(['post1', 'post2']);
    expect(await posts({ likers: { haveNot: { name: { equalTo: 'Bob' } } } })).toEqual(['post2', 'post3', 'post4', 'post5']);
    expect(await posts({ likers: { have: { company: { have: { name: { equalTo: 'Globex' } } } } } })).toEqual(['post1']);
  });

  it('relation exists: at least one related object (that still exists)', async () => {
    expect(await posts({ likers: { exists: true } })).toEqual(['post1', 'post2', 'post3']);
    expect(await posts({ likers: { exists: false } })).toEqual(['post4', 'post5']);
  });

  it('pointers and relations combine with each other and with OR', async () => {
    expect(await posts({ author: { have: { name: { equalTo: 'Ann' } } }, likers: { have: { name: { equalTo: 'Cid' } } } })).toEqual(['post1']);
    expect(await posts({ OR: [{ author: { exists: false } }, { likers: { have: { name: { equalTo: 'Ann' } } } }] })).toEqual(['post2', 'post4']);
  });

  it('objects the caller may not read never satisfy have, and count as absent for haveNot', async () => {
    expect(await anonPosts({ author: { have: { age: { greaterThan: 25 } } } })).toEqual(['post1', 'post2']);
    expect(await anonPosts({ author: { haveNot: { age: { greaterThan: 25 } } } })).toEqual(['post3', 'post4', 'post5']);
    expect(await anonPosts({ likers: { exists: true } })).toEqual(['post1', 'post2']);
    expect(await anonPosts({ likers: { have: { name: { equalTo: 'Hidden' } } } })).toEqual([]);
  });

  it('Parse REST forms (in subqueries)', async () => {
    const rest = (where: unknown) => posts({ objectId: { inQueryKey: { key: 'objectId', query: { className: 'Post', where } } } });
    const pointer = (objectId: string) => ({ __type: 'Pointer', className: 'Author', objectId });
    expect(await rest({ author: pointer(author.bob) })).toEqual(['post2']);
    expect(await rest({ author: author.bob })).toEqual(['post2']);
    expect(await rest({ author: { $eq: pointer(author.bob) } })).toEqual(['post2']);
    expect(await rest({ author: { $ne: pointer(author.bob) } })).toEqual(['post1', 'post3', 'post4', 'post5']);
    expect(await rest({ author: { $in: [pointer(author.ann), pointer(author.bob)] } })).toEqual(['post1', 'post2']);
    expect(await rest({ author: { $nin: [pointer(author.ann)] } })).toEqual(['post2', 'post3', 'post4', 'post5']);
    expect(await rest({ author: { $exists: false } })).toEqual(['post4']);
    expect(await rest({ author: { $inQuery: { className: 'Author', where: { name: 'Ann' } } } })).toEqual(['post1']);
    expect(await rest({ author: { $notInQuery: { className: 'Author', where: { name: 'Ann' } } } })).toEqual(['post2', 'post3', 'post4', 'post5']);
    // a relation "equal to" a pointer: the relation contains it
    expect(await rest({ likers: pointer(author.bob) })).toEqual(['post1']);
    expect(await rest({ likers: { $eq: pointer(author.ann) } })).toEqual(['post2']);
    expect(await rest({ likers: { $inQuery: { className: 'Author', where: { age: { $lt: 35 } } } } })).toEqual(['post1', 'post2']);
  });

  it('bad inner conditions are error 102', async () => {
    const inSubquery = (where: unknown) => ({ objectId: { inQueryKey: { key: 'objectId', query: { className: 'Post', where } } } });
    expect(await f.error('Post', inSubquery({ author: { $inQuery: { className: 'Author', where: { nope: 1 } } } }))).toMatchObject({ code: 102 });
    expect(await f.error('Post', inSubquery({ author: { have: { nope: { equalTo: 1 } } } }))).toMatchObject({ code: 102 });
    expect(await f.error('Post', inSubquery({ author: { $regex: 'a' } }))).toMatchObject({ code: 102 });
    expect(await f.error('Post', inSubquery({ likers: { $gt: 'a' } }))).toMatchObject({ code: 102 });
    expect(await f.error('Post', inSubquery({ likers: { $select: { query: { className: 'Author', where: {} }, key: 'objectId' } } }))).toMatchObject({
      code: 102,
    });
    expect(await f.error('Post', { likers: { haveNot: { name: { matchesRegex: '(' } } } })).toMatchObject({ code: 102 });
    expect(await f.error('Post', inSubquery({ author: { $inQuery: { className: 'Company', where: {} } } }))).toMatchObject({ code: 102 });
  });
});
