import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { estimateRows, pageSize, planRows } from '../../src/server/plugins/row-estimate.ts';

// The row estimate behind PLINTH_MAX_ROWS_PER_REQUEST (plugins/use-row-budget.ts), on a schema
// of the shape Plinth generates: find queries and relation fields take the find arguments and
// return connections (`edges`, `pageInfo`, `count`); a custom field answered by cloud code
// (`@resolve`) returns a list that is not a page.
const schema = buildSchema(`
  directive @resolve(to: String) on FIELD_DEFINITION
  directive @mock(with: String) on FIELD_DEFINITION
  interface Node { id: ID! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type Post implements Node {
    id: ID!
    title: String
    author: User
    parent: Post
    comments(skip: Int, after: String, first: Int, before: String, last: Int): CommentConnection!
    tags(first: Int, last: Int): TagConnection!
  }
  type Comment implements Node { id: ID! text: String likes(first: Int, last: Int): UserConnection! }
  type Tag { name: String }
  type User implements Node { id: ID! name: String }
  type PostEdge { cursor: String! node: Post }
  type PostConnection { edges: [PostEdge] pageInfo: PageInfo! count: Int! }
  type CommentEdge { node: Comment }
  type CommentConnection { edges: [CommentEdge] pageInfo: PageInfo! count: Int! }
  type TagEdge { node: Tag }
  type TagConnection { edges: [TagEdge] count: Int! }
  type UserEdge { node: User }
  type UserConnection { edges: [UserEdge] count: Int! }
  type Query {
    health: Boolean!
    node(id: ID!): Node
    post(id: ID!): Post!
    posts(skip: Int, after: String, first: Int, before: String, last: Int): PostConnection!
    topPosts(first: Int): [Post!]! @resolve(to: "top")
    webhookFailures(first: Int): [Tag!]!
  }
  type CreatePostPayload { post: Post }
  type Mutation { createPost(title: String): CreatePostPayload }
  type Subscription { posts(first: Int, last: Int): PostConnection! }
`);
const sizes = { defaultLimit: 100, maxLimit: 1000 };
const rows = (query: string, variables?: Record<string, unknown>, operationName?: string) =>
  estimateRows(planRows(schema, parse(query), operationName, sizes), variables, sizes);
const EDGES = 'edges { node { id } }';

describe('a page counts the rows core reads for it (query/paging.ts planPage)', () => {
  it.each([
    ['no first or last: the default page', `{ posts { ${EDGES} } }`, 100],
    ['first', `{ posts(first: 10) { ${EDGES} } }`, 10],
    ['last', `{ posts(last: 7) { ${EDGES} } }`, 7],
    ['first and last: the tail of the first', `{ posts(first: 10, last: 5) { ${EDGES} } }`, 5],
    ['first over the cap: capped', `{ posts(first: 5000) { ${EDGES} } }`, 1000],
    ['last over the cap: capped', `{ posts(last: 5000) { ${EDGES} } }`, 1000],
    ['first: 0 reads nothing, nor anything below it', `{ posts(first: 0) { edges { node { comments { ${EDGES} } } } } }`, 0],
    ['only count: a count, no rows', '{ posts(first: 1000) { count __typename } }', 0],
    ['pageInfo reads the page', '{ posts(first: 20) { pageInfo { hasNextPage } } }', 20],
    ['a single object is not a page', '{ post(id: "x") { title author { name } } node(id: "y") { id } health }', 0],
    ['an explicit null is no value: the default page', `{ posts(first: null) { ${EDGES} } }`, 100],
  ])('%s', (_what, query, expected) => {
    expect(rows(query)).toBe(expected);
  });

  it('pageSize is planPage’s limit', () => {
    expect(pageSize(null, null, sizes)).toBe(100);
    expect(pageSize(3, null, sizes)).toBe(3);
    expect(pageSize(null, 2000, sizes)).toBe(1000);
    expect(pageSize(50, 80, sizes)).toBe(50);
    expect(pageSize(-1, null, sizes)).toBe(0);
  });
});

describe('nested pages multiply, siblings and aliases add up', () => {
  it('100 posts, each with 10 comments and 5 tags: 100 + 1,000 + 500', () => {
    expect(rows(`{ posts(first: 100) { edges { node { title comments(first: 10) { ${EDGES} } tags(first: 5) { edges { node { name } } } } } } }`)).toBe(1600);
  });

  it('relations without first take the default page under every row', () => {
    expect(rows(`{ posts { edges { node { comments { ${EDGES} } } } } }`)).toBe(100 + 100 * 100);
  });

  it('three levels deep', () => {
    const q = `{ posts(first: 10) { edges { node { comments(first: 20) { edges { node { likes(first: 30) { ${EDGES} } } } } } } } }`;
    expect(rows(q)).toBe(10 + 10 * 20 + 10 * 20 * 30);
  });

  it('a relation counted per row reads no rows of its own', () => {
    expect(rows('{ posts(first: 1000) { edges { node { title comments { count } } } } }')).toBe(1000);
  });

  it('500 aliases of the largest page: 500,000 rows', () => {
    const q = `{ ${Array.from({ length: 500 }, (_, i) => `p${i}: posts(first: 1000) { ${EDGES} }`).join(' ')} }`;
    expect(rows(q)).toBe(500_000);
  });

  it('a page under a single object counts once per object', () => {
    expect(rows(`{ post(id: "x") { comments(first: 40) { ${EDGES} } } a: post(id: "y") { comments(first: 2) { ${EDGES} } } }`)).toBe(42);
  });
});

describe('fragments', () => {
  it('named and inline fragments count, nested in each other', () => {
    const q = `
      query { ...Feed ... on Query { more: posts(first: 3) { ...Page } } }
      fragment Feed on Query { posts(first: 10) { ...Page } }
      fragment Page on PostConnection { edges { node { ...Comments } } }
      fragment Comments on Post { comments(first: 2) { ${EDGES} } }`;
    expect(rows(q)).toBe(10 + 20 + 3 + 6);
  });

  it('a field two fragments select is one field, as execution merges it', () => {
    const q = `
      { ...List ...Header }
      fragment List on Query { posts(first: 10) { edges { node { title comments(first: 5) { ${EDGES} } } } } }
      fragment Header on Query { posts(first: 10) { count edges { node { id comments(first: 5) { count } } } } }`;
    expect(rows(q)).toBe(10 + 50);
  });

  it('a fragment spread twice in one selection counts once', () => {
    expect(rows(`{ ...F ...F } fragment F on Query { posts(first: 10) { ${EDGES} } }`)).toBe(10);
  });

  it('a fragment spread under many aliases counts for each', () => {
    expect(rows(`{ a: posts(first: 10) { ...E } b: posts(first: 10) { ...E } } fragment E on PostConnection { ${EDGES} }`)).toBe(20);
  });

  it('type conditions on an interface count for each type', () => {
    const q = `{ node(id: "x") { ... on Post { comments(first: 4) { ${EDGES} } } ... on Comment { likes(first: 6) { ${EDGES} } } } }`;
    expect(rows(q)).toBe(10);
  });

  it('a fragment bomb is too large to plan: it counts as infinitely many rows', () => {
    // Each level selects the next under four aliases: 4^10 selections once expanded, in a document of 2 KB.
    const levels = 10;
    const fragments = Array.from(
      { length: levels },
      (_, i) => `fragment F${i} on Post { ${['a', 'b', 'c', 'd'].map((a) => `${a}: parent { ...F${i + 1} }`).join(' ')} }`,
    );
    fragments.push(`fragment F${levels} on Post { comments(first: 1) { count } }`);
    const plan = planRows(schema, parse(`{ post(id: "x") { ...F0 } } ${fragments.join(' ')}`), undefined, sizes);
    expect(plan.tooLarge).toBe(true);
    expect(estimateRows(plan, {}, sizes)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('variables are resolved as the request sends them', () => {
  const q = `query Feed($n: Int, $m: Int = 20, $tail: Int) { posts(first: $n, last: $tail) { edges { node { comments(first: $m) { ${EDGES} } } } } }`;
  it.each([
    [{ n: 10, m: 3 }, 10 + 30],
    [{ n: 10 }, 10 + 200], // $m's declared default
    [{ n: 10, m: null }, 10 + 1000], // null: no value, the default page
    [{}, 100 + 100 * 20], // $n not sent, no default: the default page
    [{ n: 1000, tail: 4, m: 1 }, 4 + 4],
    [{ n: 'lots' }, 1000 + 1000 * 20], // not an integer (refused when it runs): counted as the largest page
  ])('%j → %i', (variables, expected) => {
    expect(rows(q, variables)).toBe(expected);
  });

  it('the operation that runs is the one counted', () => {
    const doc = `query A { posts(first: 5) { ${EDGES} } } query B($n: Int) { posts(first: $n) { ${EDGES} } }`;
    expect(rows(doc, {}, 'A')).toBe(5);
    expect(rows(doc, { n: 7 }, 'B')).toBe(7);
  });
});

describe('what is not a page, and what is left out', () => {
  it('a custom field answered by cloud code returns a list, not a page', () => {
    expect(rows('{ topPosts(first: 1000) { title } }')).toBe(0);
    expect(rows(`{ topPosts(first: 1000) { comments(first: 3) { ${EDGES} } } }`)).toBe(3);
  });

  it('a plain list that takes first is a page', () => {
    expect(rows('{ webhookFailures(first: 30) { name } }')).toBe(30);
  });

  it('@skip(if: true) and @include(if: false) leave a selection out; a variable condition counts it', () => {
    expect(rows(`{ posts(first: 10) @skip(if: true) { ${EDGES} } a: posts(first: 3) @include(if: true) { ${EDGES} } }`)).toBe(3);
    expect(rows(`query($on: Boolean!) { posts(first: 10) @include(if: $on) { ${EDGES} } }`, { on: false })).toBe(10);
  });
});

describe('every kind of operation', () => {
  it('a mutation’s payload', () => {
    expect(rows(`mutation { a: createPost(title: "x") { post { comments(first: 50) { ${EDGES} } } } b: createPost { post { id } } }`)).toBe(50);
  });

  it('a subscription’s selection (each event reads it again)', () => {
    expect(rows(`subscription { posts(first: 10) { edges { node { comments { ${EDGES} } } } } }`)).toBe(10 + 1000);
  });
});
