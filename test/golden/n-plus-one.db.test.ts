import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTS, postLabel, startGoldenFixture, type GoldenFixture } from './fixture.ts';
import { includeParts, queriesOf, record, selectedColumns, type Operation, type Statement } from './record.ts';

// No N+1: whatever the number of rows, a list costs the same statements. The pointers selected
// on a class find's objects are LEFT JOINed into the page's own statement; deeper pointers and
// relations take one batched statement per class and nesting level. Only the selected columns
// are read. Asserted directly here (the golden snapshots show the same, as text).
describe('no N+1', () => {
  let f: GoldenFixture;
  beforeAll(async () => {
    f = await startGoldenFixture();
  });
  afterAll(() => f?.close());

  /** What a statement reads: the tables after FROM and JOIN, in order (e.g. `Tag ⨝ _Join:tags:Post`). */
  const tablesOf = (s: Statement) => [...s.sql.matchAll(/\b(?:FROM|JOIN) "((?:[^"]|"")+)"/g)].map((m) => m[1]).join(' ⨝ ');
  const shape = (statements: Statement[]) => queriesOf(statements).map(tablesOf);

  /** Runs an operation (no errors allowed) and returns its SQL statements and data. */
  const run = async (op: Operation) => {
    const rec = await record(f.s, op);
    expect(rec.response.errors, JSON.stringify(rec.response.body)).toBeUndefined();
    return { statements: queriesOf(rec.statements), data: rec.response.data as any };
  };

  /** Runs `query` with `$n` = 2 and = 50 and checks that both run identical statements (only parameters differ), on the expected tables. */
  const sameForTwoAndFifty = async (query: string, expected: string[], as?: Operation['as']) => {
    const small = await run({ query, variables: { n: 2 }, as });
    const large = await run({ query, variables: { n: 50 }, as });
    expect(small.data.posts.edges).toHaveLength(2);
    expect(large.data.posts.edges).toHaveLength(as === 'anonymous' ? 48 : 50);
    expect(shape(small.statements)).toEqual(expected);
    expect(large.statements.map((s) => s.sql)).toEqual(small.statements.map((s) => s.sql));
    return { small, large };
  };

  const only = (statements: Statement[], table: string) => {
    const found = statements.filter((s) => tablesOf(s) === table);
    expect(found, `statements on ${table}`).toHaveLength(1);
    return found[0];
  };

  /** Post title → the names of its author and editor and the age of its editor, read with plain SQL (no API, no access rules). */
  const truth = async () => {
    const rows = await f.s.plinth.db.query<{ title: string; author: string | null; editor: string | null; editorAge: number | null; authorPublic: boolean }>(
      `SELECT p."title", a."name" AS "author", e."name" AS "editor", e."age" AS "editorAge", (a."_rperm" IS NULL OR '*' = ANY(a."_rperm")) AS "authorPublic"
         FROM "Post" p LEFT JOIN "Author" a ON a."objectId" = p."author" LEFT JOIN "Author" e ON e."objectId" = p."editor"`,
    );
    return new Map(rows.map((r) => [r.title, r]));
  };

  describe('pointers of a list: joined into the page statement', () => {
    it('a pointer in a list: one statement, the same for 2 rows as for 50, its target joined after the LIMIT', async () => {
      const { large } = await sameForTwoAndFifty('query($n: Int) { posts(first: $n, order: [title_ASC]) { edges { node { title author { name } } } } }', [
        'Post ⨝ Author',
      ]);
      const { inner, joins } = includeParts(large.statements[0].sql);
      expect(inner).toMatch(/ LIMIT \$\d+$/);
      expect(joins.map((j) => [j.table, j.field])).toEqual([['Author', 'author']]);
      const expected = await truth();
      for (const e of large.data.posts.edges) expect(e.node.author?.name, e.node.title).toBe(expected.get(e.node.title)!.author);
    });

    it('two pointer fields to one class: two LEFT JOINs in the one statement', async () => {
      const { large } = await sameForTwoAndFifty(
        'query($n: Int) { posts(first: $n, order: [title_ASC]) { edges { node { title author { name } editor { age } } } } }',
        ['Post ⨝ Author ⨝ Author'],
      );
      const { joins } = includeParts(large.statements[0].sql);
      expect(joins.map((j) => [j.table, j.field, j.columns.sort()])).toEqual([
        ['Author', 'author', ['name', 'objectId']],
        ['Author', 'editor', ['age', 'objectId']],
      ]);
      const expected = await truth();
      for (const e of large.data.posts.edges) {
        expect(e.node.author.name, e.node.title).toBe(expected.get(e.node.title)!.author);
        expect(e.node.editor.age, e.node.title).toBe(expected.get(e.node.title)!.editorAge);
      }
    });

    it('nested pointers: one batched query per deeper level, for 2 rows as for 50', async () => {
      const { large } = await sameForTwoAndFifty(
        'query($n: Int) { posts(first: $n, order: [title_ASC]) { edges { node { author { name publisher { name } } editor { name publisher { country } } } } } }',
        ['Post ⨝ Author ⨝ Author', 'Publisher'],
      );
      // The joined authors carry their publisher column; the publishers of all of them come in one query, each id once.
      expect(includeParts(large.statements[0].sql).joins.map((j) => j.columns.sort())).toEqual([
        ['name', 'objectId', 'publisher'],
        ['name', 'objectId', 'publisher'],
      ]);
      const ids = only(large.statements, 'Publisher').params[0] as string[];
      expect([...ids].sort()).toEqual(['acme', 'birch'].map(f.id).sort());
      for (const e of large.data.posts.edges) {
        expect(typeof e.node.author.publisher.name).toBe('string');
        expect(typeof e.node.editor.publisher.country).toBe('string');
      }
    });

    it('without the master key: the same single statement, with the read filter in the page and in the join condition', async () => {
      const { large } = await sameForTwoAndFifty(
        'query($n: Int) { posts(first: $n, order: [title_ASC]) { edges { node { title author { name } } } } }',
        ['Post ⨝ Author'],
        'anonymous',
      );
      const { inner, joins } = includeParts(large.statements[0].sql);
      expect(inner).toMatch(/\bt\."_rperm" && /);
      expect(joins[0].condition).toMatch(/^\(i0\."_rperm" IS NULL OR i0\."_rperm" && \$\d+::text\[\]\)$/);
      // dee is not publicly readable: her posts show a null author, not an error; the others show theirs.
      const expected = await truth();
      const hidden = large.data.posts.edges.filter((e: any) => !expected.get(e.node.title)!.authorPublic);
      expect(hidden.length).toBeGreaterThan(0);
      for (const e of large.data.posts.edges) {
        const t = expected.get(e.node.title)!;
        expect(e.node.author, e.node.title).toEqual(t.authorPublic ? { name: t.author } : null);
      }
    });
  });

  describe('relations', () => {
    it('a relation on every item: one query for all owners, plus one grouped count when count is selected', async () => {
      const withCount = await sameForTwoAndFifty(
        'query($n: Int) { posts(first: $n, order: [title_ASC]) { edges { node { title tags(order: [rank_ASC]) { count edges { node { label } } } } } } }',
        ['Post', 'Tag ⨝ _Join:tags:Post', '_Join:tags:Post ⨝ Tag'],
      );
      const owners = only(withCount.large.statements, 'Tag ⨝ _Join:tags:Post').params[0] as string[];
      expect(owners).toHaveLength(50);
      await sameForTwoAndFifty(
        'query($n: Int) { posts(first: $n, order: [title_ASC]) { edges { node { title tags(order: [rank_ASC]) { edges { node { label } } } } } } }',
        ['Post', 'Tag ⨝ _Join:tags:Post'],
      );
    });

    it('a relation inside a relation: one query per level', async () => {
      await sameForTwoAndFifty(
        'query($n: Int) { posts(first: $n, order: [title_ASC]) { edges { node { tags { edges { node { label categories { edges { node { name } } } } } } } } } }',
        ['Post', 'Tag ⨝ _Join:tags:Post', 'Category ⨝ _Join:categories:Tag'],
      );
    });

    it('every item gets its own page of the relation', async () => {
      const { data } = await run({
        query: `{ posts(first: ${POSTS}, order: [title_ASC]) { edges { node { title tags(first: 1, order: [rank_DESC]) { count edges { node { label rank } } } } } } }`,
      });
      const edges = data.posts.edges as { node: { title: string; tags: { count: number; edges: { node: { label: string; rank: number } }[] } } }[];
      expect(edges).toHaveLength(POSTS);
      for (const [index, e] of edges.entries()) {
        const i = index + 1;
        expect(e.node.title).toBe(`Post ${postLabel(i).slice(4)}`);
        // The fixture links post i to tags i%4 and (i+1)%4 (ranks i%4+1 and (i+1)%4+1), none when i%7 = 0.
        const ranks = i % 7 === 0 ? [] : [(i % 4) + 1, ((i + 1) % 4) + 1];
        expect(e.node.tags.count).toBe(ranks.length);
        expect(e.node.tags.edges.map((t) => t.node.rank)).toEqual(ranks.length ? [Math.max(...ranks)] : []);
      }
    });
  });

  describe('only the selected columns are read', () => {
    const statementsOf = async (query: string) => (await run({ query })).statements;
    const columns = (s: Statement) => [...selectedColumns(s.sql)].sort();
    const joined = (s: Statement) => Object.fromEntries(includeParts(s.sql).joins.map((j) => [j.field, j.columns.sort()]));

    it('a joined pointer reads the selected fields and objectId, nothing else', async () => {
      const st = await statementsOf('{ posts(first: 20, order: [views_DESC]) { edges { node { title author { name age } } } } }');
      const page = only(st, 'Post ⨝ Author');
      expect(joined(page)).toEqual({ author: ['age', 'name', 'objectId'] });
      // The inner page reads its selected fields, the pointer column and its order key.
      expect([...selectedColumns(includeParts(page.sql).inner)].sort()).toEqual(['author', 'objectId', 'title', 'views']);
    });

    it('a pointer selected through aliases and fragments: one join per field, with the union of its fields', async () => {
      const st = await statementsOf(`{ posts(first: 20, order: [views_DESC]) { edges { node {
        a: author { name } b: author { ...Age } editor { ... on Author { bio } }
      } } } }
      fragment Age on Author { age }`);
      expect(joined(only(st, 'Post ⨝ Author ⨝ Author'))).toEqual({ author: ['age', 'name', 'objectId'], editor: ['bio', 'objectId'] });
    });

    it('a pointer with only its id selected joins only objectId', async () => {
      const st = await statementsOf('{ posts(first: 20, order: [views_DESC]) { edges { node { author { id objectId } } } } }');
      expect(joined(only(st, 'Post ⨝ Author'))).toEqual({ author: ['objectId'] });
    });

    it('a deeper pointer level reads the selected fields and objectId', async () => {
      const st = await statementsOf('{ posts(first: 20, order: [views_DESC]) { edges { node { author { publisher { country } } } } } }');
      expect(joined(only(st, 'Post ⨝ Author'))).toEqual({ author: ['objectId', 'publisher'] });
      expect(columns(only(st, 'Publisher'))).toEqual(['country', 'objectId']);
    });

    it('a relation page reads the selected fields, objectId and the order key', async () => {
      const st = await statementsOf('{ posts(first: 20, order: [views_DESC]) { edges { node { tags(order: [rank_ASC]) { edges { node { label } } } } } } }');
      const page = only(st, 'Tag ⨝ _Join:tags:Post');
      const inner = /\(SELECT (.*?) FROM "Tag" t/.exec(page.sql);
      expect(inner, page.sql).not.toBeNull();
      expect([...selectedColumns(`SELECT ${inner![1]} FROM x`)].sort()).toEqual(['label', 'objectId', 'rank']);
    });
  });
});
