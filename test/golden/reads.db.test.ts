import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoldenFixture, type GoldenFixture } from './fixture.ts';
import { checkGolden } from './golden.ts';

// Golden recordings of reads: operation in, SQL statements out (with parameters), response.
// The snapshots under __snapshots__/ are the same on PGlite and PostgreSQL.
describe('golden SQL: reads', () => {
  let f: GoldenFixture;
  const globalId = (className: string, label: string) => Buffer.from(`${className}:${f.id(label)}`).toString('base64');
  beforeAll(async () => {
    f = await startGoldenFixture();
  });
  afterAll(() => f?.close());

  it('read by id (the bench read)', async () => {
    await checkGolden(f, {
      name: 'read-by-id',
      title: 'Read one object by global id',
      about: "The bench's read. One SELECT of the selected columns by primary key; the global id is decoded to the objectId before SQL.",
      query: 'query ReadPost($id: ID!) { post(id: $id) { id title views } }',
      variables: { id: globalId('Post', 'post07') },
      statements: 1,
    });
  });

  it('the bench list: 50 rows, their authors joined into the page statement', async () => {
    const rec = await checkGolden(f, {
      name: 'list-with-pointer',
      title: 'List of 50 posts with their author (the bench list)',
      about:
        "The bench's list, in ONE statement: the page's own SELECT (filter, order, LIMIT) as an inner query, the author LEFT JOINed by id after the LIMIT (reading only `name` and objectId), and the page's order applied again.",
      query:
        'query ListPosts($n: Float!) { posts(first: 100, where: { views: { greaterThan: $n } }, order: [views_DESC]) { edges { node { title views author { name } } } } }',
      variables: { n: 100 },
      statements: 1,
    });
    expect(rec.response.data!.posts.edges).toHaveLength(50);
  });

  it('two pointer fields to the same class: two LEFT JOINs in the page statement', async () => {
    await checkGolden(f, {
      name: 'two-pointers-same-class',
      title: 'Two pointer fields to the same class in a list',
      about:
        '`author` and `editor` both point to Author: each is its own LEFT JOIN of Author in the page statement, reading the columns selected under that field.',
      query: '{ posts(first: 12, order: [views_DESC]) { edges { node { title author { name } editor { name age } } } } }',
      statements: 1,
    });
  });

  it('nested pointers: the first level joined into the page, one query per deeper level', async () => {
    await checkGolden(f, {
      name: 'nested-pointers',
      title: 'Nested pointers: post → author → publisher',
      about:
        "The posts with their authors joined in (the author's `publisher` column read for the next level), then ONE batched query for the publishers of all those authors.",
      query: '{ posts(first: 12, order: [title_ASC]) { edges { node { title author { name publisher { name country } } } } } }',
      statements: 2,
    });
  });

  it('a relation on every item of a list, with count', async () => {
    await checkGolden(f, {
      name: 'relation-on-list-with-count',
      title: 'A relation connection on every post of a list, with count',
      about:
        'The tags of all 14 posts in one query (a LATERAL page per owner, so each post gets its own `first`/`order`), and all the counts in one grouped query (Post 35 has no tags: count 0).',
      query: '{ posts(first: 14, order: [views_ASC]) { edges { node { title tags(order: [rank_ASC]) { count edges { node { label rank } } } } } } }',
      statements: 3,
    });
  });

  it('a relation on every item of a list, without count', async () => {
    await checkGolden(f, {
      name: 'relation-on-list',
      title: 'A relation connection on every post of a list, without count',
      about: 'The same list without `count`: no count query runs.',
      query: '{ posts(first: 10, order: [views_ASC]) { edges { node { title tags(first: 1, order: [rank_DESC]) { edges { node { label } } } } } } }',
      statements: 2,
    });
  });

  it('relation inside relation: one query per level', async () => {
    await checkGolden(f, {
      name: 'relation-in-relation',
      title: 'A relation inside a relation: post → tags → categories',
      about: 'One query for the posts, one for the tags of all of them, one for the categories of all those tags.',
      query:
        '{ posts(first: 6, order: [views_ASC]) { edges { node { title tags(order: [rank_ASC]) { edges { node { label categories(order: [name_ASC]) { edges { node { name } } } } } } } } } }',
      statements: 3,
    });
  });

  it('count only', async () => {
    await checkGolden(f, {
      name: 'count-only',
      title: 'Count alone',
      about: 'Only `count` is selected: only a count query runs, no page is read.',
      query: '{ posts(where: { views: { greaterThan: 300 } }) { count } }',
      statements: 1,
    });
  });

  it('first: 0 with count', async () => {
    await checkGolden(f, {
      name: 'first-zero-with-count',
      title: '`first: 0` with count',
      about: '`first: 0` gives no edges and the count: only the count query runs (it also tells hasNextPage).',
      query: '{ posts(first: 0) { count edges { node { title } } pageInfo { hasNextPage hasPreviousPage } } }',
      statements: 1,
    });
  });

  it('keyset paging with after', async () => {
    const query =
      'query($after: String) { posts(first: 3, after: $after, order: [views_DESC]) { edges { cursor node { title views } } pageInfo { hasNextPage hasPreviousPage endCursor } } }';
    const first = await f.s.ok(query, { after: null });
    await checkGolden(f, {
      name: 'keyset-after',
      title: 'The page after a keyset cursor',
      about:
        'The cursor of the third row carries its order values: the next page starts right after that row by key (no OFFSET), reading one row more to tell hasNextPage.',
      query,
      variables: { after: first.posts.pageInfo.endCursor },
      statements: 1,
    });
  });

  it('a backward keyset page with its pointer joined in', async () => {
    const query =
      'query($before: String) { posts(last: 3, before: $before, order: [views_DESC]) { edges { cursor node { title views author { name } } } pageInfo { hasNextPage hasPreviousPage startCursor } } }';
    const forward = await f.s.ok('{ posts(first: 10, order: [views_DESC]) { edges { cursor } } }');
    const rec = await checkGolden(f, {
      name: 'keyset-before-with-pointer',
      title: 'The page before a keyset cursor, with its pointer joined in',
      about:
        "The inner page reads backward from the cursor's row (the order reversed, one row more for hasPreviousPage), the author is LEFT JOINed to those rows, and the outer ORDER BY keeps the reversed order; the rows are turned around in memory.",
      query,
      variables: { before: forward.posts.edges[9].cursor },
      statements: 1,
    });
    expect(rec.response.data!.posts.edges.map((e: { cursor: string }) => e.cursor)).toEqual(
      forward.posts.edges.slice(6, 9).map((e: { cursor: string }) => e.cursor),
    );
  });

  it('where with have (nested) and inQueryKey subqueries', async () => {
    await checkGolden(f, {
      name: 'where-have-in-query-key',
      title: 'A where with pointer `have` (nested) and `inQueryKey`',
      about: 'The subqueries are inside the page query (EXISTS), not run apart; the selected pointers are LEFT JOINed to that page in the same statement.',
      query: `query($where: PostWhereInput) { posts(where: $where, order: [views_DESC], first: 5) { edges { node { title country author { name } editor { name } } } } }`,
      variables: {
        where: {
          author: { have: { publisher: { have: { country: { equalTo: 'NO' } } } } },
          editor: { have: { age: { lessThan: 40 } } },
          country: { inQueryKey: { key: 'country', query: { className: 'Publisher', where: { name: { equalTo: 'Birch Books' } } } } },
        },
      },
      statements: 1,
    });
  });

  it('where with full-text search', async () => {
    await checkGolden(f, {
      name: 'where-text-search',
      title: 'A where with full-text search',
      about: 'The search is one condition of the page query (to_tsvector @@ websearch_to_tsquery), in the default language.',
      query: '{ posts(where: { title: { text: { search: { term: "post" } } } }, order: [views_ASC], first: 3) { edges { node { title } } } }',
      statements: 1,
    });
  });

  it('anonymous find: the ACL filter is inside the SQL', async () => {
    const rec = await checkGolden(f, {
      name: 'anonymous-find',
      title: 'A find without the master key',
      about:
        "The read-access filter (`_rperm`) is in the page's WHERE, in the author's join condition and in the count: hidden posts are neither returned nor counted, and the hidden author is not joined, so it reads as null.",
      as: 'anonymous',
      query: '{ posts(first: 8, order: [views_DESC]) { count edges { node { title author { name } } } } }',
      statements: 2,
    });
    expect(rec.response.data!.posts.count).toBe(48);
  });

  it('node(id:)', async () => {
    await checkGolden(f, {
      name: 'node-by-id',
      title: 'Relay node(id:)',
      about: 'The global id names the class: one SELECT of that class with the columns the fragment selects, then the pointer.',
      query: 'query($id: ID!) { node(id: $id) { id ... on Post { title views author { name } } } }',
      variables: { id: globalId('Post', 'post12') },
      statements: 2,
    });
  });
});
