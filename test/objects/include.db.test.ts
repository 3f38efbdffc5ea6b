import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type GraphQLResponse, type TestServer } from '../helpers/server.ts';
import { ACL_FIELDS, createClass } from './helpers.ts';

/*
 * A class find reads the pointers selected on its objects in the page's own statement (the page
 * as an inner query, each target LEFT JOINed by id with the caller's read filter in the join
 * condition). `node(id:)` and deeper levels still load pointers through the per-class loader,
 * so every answer here is compared with the same objects read through `node`, and every paged
 * answer with the same page read without any pointer selected.
 */
describe('pointers joined into a find (include)', () => {
  let s: TestServer;
  /** A target field whose name is as long as an identifier may be (63 bytes). */
  const LONG = 'long' + 'x'.repeat(59);
  const ids = new Map<string, string>();
  const id = (label: string) => ids.get(label)!;
  const HIDDEN = { public: { read: false, write: false } };

  beforeAll(async () => {
    s = await startTestServer({ publicUrl: 'https://api.example.com', schemaPollMs: 3_600_000 });
    await createClass(s, 'Publisher', 'addStrings: [{ name: "name" }]');
    await createClass(
      s,
      'Author',
      `addStrings: [{ name: "name" }, { name: "bio" }, { name: "${LONG}" }], addNumbers: [{ name: "age" }], addDates: [{ name: "born" }],
       addObjects: [{ name: "meta" }], addGeoPoint: { name: "home" }, addPolygons: [{ name: "area" }], addBytes: [{ name: "bytes" }],
       addFiles: [{ name: "file" }], addPointers: [{ name: "publisher", targetClassName: "Publisher" }]`,
    );
    await createClass(
      s,
      'Post',
      `addStrings: [{ name: "title" }], addNumbers: [{ name: "rank" }], addObjects: [{ name: "meta" }], addGeoPoint: { name: "loc" },
       addPointers: [{ name: "author", targetClassName: "Author" }, { name: "editor", targetClassName: "Author" }, { name: "parent", targetClassName: "Post" }]`,
    );

    const create = async (type: string, label: string, fields: Record<string, unknown>) => {
      const lower = type[0].toLowerCase() + type.slice(1);
      const d = await s.ok(`mutation($f: Create${type}FieldsInput) { create${type}(input: { fields: $f }) { ${lower} { objectId } } }`, { f: fields });
      ids.set(label, d[`create${type}`][lower].objectId);
    };
    await create('Publisher', 'acme', { name: 'Acme' });
    await create('Publisher', 'hush', { name: 'Hush', ACL: HIDDEN });
    const rich = {
      born: '1980-05-06T07:08:09.123Z',
      meta: { tags: ['a', 'b'], nested: { n: 1, nil: null } },
      home: { latitude: 59.91, longitude: 10.75 },
      area: [
        { latitude: 1, longitude: 2 },
        { latitude: 3, longitude: 4 },
        { latitude: 5, longitude: 2 },
      ],
      bytes: 'aGVsbG8=',
      file: { file: 'abc_photo.jpg' },
    };
    await create('Author', 'ann', { name: 'Ann', age: 41, bio: 'bio of Ann', [LONG]: 'long value of Ann', publisher: { link: id('acme') }, ...rich });
    await create('Author', 'bob', { name: 'Bob', age: 35, bio: 'bio of Bob', [LONG]: 'long value of Bob', publisher: { link: id('hush') } });
    await create('Author', 'hid', {
      name: 'Hidden Name',
      age: 99,
      bio: 'TOP-SECRET bio',
      [LONG]: 'TOP-SECRET long',
      publisher: { link: id('acme') },
      ...rich,
      ACL: HIDDEN,
    });
    await create('Author', 'gone', { name: 'Gone', age: 1 });

    // Ten posts: authors cycle through every case (P01 bob, P02 ann, P03 hidden, P04 deleted
    // later, P05 never existed, P06 unset, P07 bob …); editors bob (odd) and ann (even); ranks
    // with NULLs (a nullable order key); points at growing distances from (0, 0); posts 05 and
    // 10 are not publicly readable.
    const authors = ['bob', 'ann', 'hid', 'gone', 'dangling', 'none'];
    for (let i = 1; i <= 10; i++) {
      const a = authors[(i - 1) % authors.length];
      const fields: Record<string, unknown> = {
        title: `P${String(i).padStart(2, '0')}`,
        rank: i % 3 === 0 ? null : (i * 7) % 11,
        meta: i % 4 === 0 ? null : { k: (i * 5) % 7, s: `v${i}` },
        loc: { latitude: i / 2, longitude: (i % 5) / 3 },
        editor: { link: id(i % 2 ? 'bob' : 'ann') },
      };
      if (a === 'dangling') fields.author = { link: 'NoSuchId00' };
      else if (a !== 'none') fields.author = { link: id(a) };
      if (i > 1) fields.parent = { link: id(`p${i - 1}`) };
      if (i % 5 === 0) fields.ACL = HIDDEN;
      await create('Post', `p${i}`, fields);
    }
    // P01's parent is itself; P04's author is deleted after being linked.
    await s.ok(`mutation($id: ID!) { updatePost(input: { id: $id, fields: { parent: { link: $id } } }) { post { objectId } } }`, { id: id('p1') });
    await s.ok(`mutation($id: ID!) { deleteAuthor(input: { id: $id }) { author { objectId } } }`, { id: id('gone') });
  });
  afterAll(() => s?.close());

  type As = 'master' | 'anonymous';
  const send = (as: As, query: string, variables?: Record<string, unknown>) => (as === 'master' ? s.master(query, variables) : s.anon(query, variables));

  /** Runs an operation (no errors allowed) and records the SQL statements it caused. */
  const run = async (as: As, query: string, variables?: Record<string, unknown>) => {
    const statements: { sql: string; params: unknown[] }[] = [];
    const stop = s.plinth.db.onQuery((sql, params) => statements.push({ sql, params: [...params] }));
    let res: GraphQLResponse;
    try {
      res = await send(as, query, variables);
    } finally {
      stop();
    }
    expect(res.errors, JSON.stringify(res.body)).toBeUndefined();
    return { data: res.data as any, body: res.body, statements };
  };

  /** Reads every node of a list again through `node(id:)` (pointers through the loader), as the same caller. */
  const viaNode = async (as: As, nodeIds: string[], selection: string) => {
    if (!nodeIds.length) return [];
    const fields = nodeIds.map((_, i) => `n${i}: node(id: $id${i}) { ... on Post { ${selection} } }`).join('\n');
    const vars = nodeIds.map((_, i) => `$id${i}: ID!`).join(', ');
    const { data } = await run(as, `query(${vars}) { ${fields} }`, Object.fromEntries(nodeIds.map((n, i) => [`id${i}`, n])));
    return nodeIds.map((_, i) => data[`n${i}`]);
  };

  /** A list's nodes equal the same objects read through node(id:). */
  const expectSameAsNode = async (as: As, nodes: { id: string }[], selection: string) => {
    expect(nodes.length).toBeGreaterThan(0);
    expect(
      await viaNode(
        as,
        nodes.map((n) => n.id),
        selection,
      ),
    ).toEqual(nodes);
  };

  /** The statements that read the Post page (with or without joins). */
  const pageStatements = <S extends { sql: string }>(statements: S[]) => statements.filter((st) => /FROM "Post" t/.test(st.sql) && !/count\(\*\)/.test(st.sql));

  it('a pointer the caller may not read is null and none of its fields leave the database', async () => {
    const selection = `id title author { objectId name bio ${LONG} meta }`;
    const query = `{ posts(order: [title_ASC]) { edges { node { ${selection} } } } }`;
    const anon = await run('anonymous', query);
    const nodes = anon.data.posts.edges.map((e: any) => e.node);
    const hiddenAuthor = nodes.filter((n: any) => ['P03', 'P09'].includes(n.title));
    expect(hiddenAuthor).toHaveLength(2);
    for (const n of hiddenAuthor) expect(n.author).toBeNull();
    const body = JSON.stringify(anon.body);
    for (const secret of ['TOP-SECRET', 'Hidden Name', id('hid')]) expect(body).not.toContain(secret);
    await expectSameAsNode('anonymous', nodes, selection);

    // The filter is in the join condition: the joined columns of those rows are NULL in the result set itself.
    const [page] = pageStatements(anon.statements);
    expect(page.sql).toMatch(/LEFT JOIN "Author" i0 ON i0\."objectId" = t\."author" AND \(i0\."_rperm" IS NULL OR i0\."_rperm" && \$\d+::text\[\]\)/);
    const raw = await s.plinth.db.queryArrays(page.sql, page.params);
    const titleAt = raw.columns.indexOf('title');
    const joined = raw.columns.map((c, i) => [c, i] as const).filter(([c]) => !raw.columns.slice(0, titleAt + 1).includes(c) && c.includes(':'));
    expect(joined.length).toBeGreaterThan(0);
    const hiddenRows = raw.rows.filter((r) => ['P03', 'P09'].includes(r[titleAt] as string));
    expect(hiddenRows).toHaveLength(2);
    for (const r of hiddenRows) for (const [, i] of joined) expect(r[i]).toBeNull();
    expect(JSON.stringify(raw.rows)).not.toContain('TOP-SECRET');

    // The master key reads the same author.
    const master = await run('master', query);
    const p03 = master.data.posts.edges.find((e: any) => e.node.title === 'P03').node;
    expect(p03.author).toMatchObject({ objectId: id('hid'), name: 'Hidden Name', bio: 'TOP-SECRET bio' });
  });

  it('a dangling pointer (target deleted, or never there) is null, as is an unset one', async () => {
    const selection = 'id title author { id objectId name }';
    const { data, statements } = await run('master', `{ posts(order: [title_ASC]) { edges { node { ${selection} } } } }`);
    const nodes = data.posts.edges.map((e: any) => e.node);
    const byTitle = new Map(nodes.map((n: any) => [n.title, n]));
    expect((byTitle.get('P04') as any).author).toBeNull(); // deleted
    expect((byTitle.get('P05') as any).author).toBeNull(); // NoSuchId00
    expect((byTitle.get('P06') as any).author).toBeNull(); // unset
    expect((byTitle.get('P01') as any).author).toEqual({ id: Buffer.from(`Author:${id('bob')}`).toString('base64'), objectId: id('bob'), name: 'Bob' });
    const [row] = await s.plinth.db.query<{ author: string }>(`SELECT "author" FROM "Post" WHERE "objectId" = $1`, [id('p4')]);
    expect(row.author).toBe(id('gone'));
    expect(statements).toHaveLength(1);
    await expectSameAsNode('master', nodes, selection);
  });

  it('a pointer to its own class: the first level joined, the next through one batched query', async () => {
    for (const as of ['master', 'anonymous'] as const) {
      const selection = 'id title parent { objectId title rank parent { title author { name } } }';
      const { data, statements } = await run(as, `{ posts(order: [title_ASC]) { edges { node { ${selection} } } } }`);
      const nodes = data.posts.edges.map((e: any) => e.node);
      // Post → its parent (joined) → the parent's parent (one Post query) → that post's author (one Author query).
      expect(statements).toHaveLength(3);
      expect(statements[0].sql).toMatch(/FROM \(SELECT .* FROM "Post" t .*\) t LEFT JOIN "Post" i0 ON i0\."objectId" = t\."parent"/);
      expect(statements[1].sql).toMatch(/^SELECT .* FROM "Post" t WHERE t\."objectId" = ANY/);
      expect(statements[2].sql).toMatch(/^SELECT .* FROM "Author" t WHERE t\."objectId" = ANY/);
      const p01 = nodes.find((n: any) => n.title === 'P01');
      expect(p01.parent).toMatchObject({ objectId: id('p1'), title: 'P01', parent: { title: 'P01' } });
      const p07 = nodes.find((n: any) => n.title === 'P07');
      expect(p07.parent.title).toBe('P06');
      // P05 is not publicly readable: joined or loaded, it is null for an anonymous caller.
      if (as === 'master') expect(p07.parent.parent.title).toBe('P05');
      else {
        expect(p07.parent.parent).toBeNull();
        expect(nodes.find((n: any) => n.title === 'P06').parent).toBeNull();
      }
      await expectSameAsNode(as, nodes, selection);
    }
  });

  it('one pointer under two aliases with different sub-fields: both answered from one join', async () => {
    const selection = `id title a: author { name } b: author { age born meta publisher { name } } editor { name }`;
    const { data, statements } = await run('master', `{ posts(order: [title_ASC]) { edges { node { ${selection} } } } }`);
    const nodes = data.posts.edges.map((e: any) => e.node);
    expect(statements).toHaveLength(2); // the page with author and editor joined; the publishers
    expect(statements[0].sql.match(/LEFT JOIN/g)).toHaveLength(2);
    const p01 = nodes.find((n: any) => n.title === 'P01');
    expect(p01.a).toEqual({ name: 'Bob' });
    expect(p01.b).toEqual({ age: 35, born: null, meta: null, publisher: { name: 'Hush' } });
    const p02 = nodes.find((n: any) => n.title === 'P02');
    expect(p02.b).toMatchObject({ age: 41, born: '1980-05-06T07:08:09.123Z', meta: { tags: ['a', 'b'], nested: { n: 1, nil: null } } });
    await expectSameAsNode('master', nodes, selection);
  });

  it("a target's GeoPoint, Polygon, ACL, Object, Date, Bytes and File fields decode as through node", async () => {
    const selection = `id title author { objectId home { latitude longitude } area { latitude longitude } ${ACL_FIELDS} meta born bytes file { name url } age }`;
    const { data, statements } = await run('master', `{ posts(order: [title_ASC]) { edges { node { ${selection} } } } }`);
    expect(statements).toHaveLength(1);
    const nodes = data.posts.edges.map((e: any) => e.node);
    const p02 = nodes.find((n: any) => n.title === 'P02');
    expect(p02.author).toEqual({
      objectId: id('ann'),
      home: { latitude: 59.91, longitude: 10.75 },
      area: [
        { latitude: 1, longitude: 2 },
        { latitude: 3, longitude: 4 },
        { latitude: 5, longitude: 2 },
        { latitude: 1, longitude: 2 },
      ],
      ACL: { public: { read: true, write: true }, users: null, roles: null },
      meta: { tags: ['a', 'b'], nested: { n: 1, nil: null } },
      born: '1980-05-06T07:08:09.123Z',
      bytes: 'aGVsbG8=',
      file: { name: 'abc_photo.jpg', url: 'https://api.example.com/files/test-app/abc_photo.jpg' },
      age: 41,
    });
    const p03 = nodes.find((n: any) => n.title === 'P03');
    // No public entry reads as `public: null` (Parse's ACL type does the same).
    expect(p03.author.ACL).toEqual({ public: null, users: null, roles: null });
    await expectSameAsNode('master', nodes, selection);
  });

  it('a target field whose name is 63 bytes long is read through the join', async () => {
    const selection = `id title author { name ${LONG} }`;
    const { data } = await run('master', `{ posts(order: [title_ASC]) { edges { node { ${selection} } } } }`);
    const nodes = data.posts.edges.map((e: any) => e.node);
    expect(nodes.find((n: any) => n.title === 'P01').author).toEqual({ name: 'Bob', [LONG]: 'long value of Bob' });
    await expectSameAsNode('master', nodes, selection);
  });

  describe('paging is the same with and without a pointer selected', () => {
    const PAGE = 'count pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id title rank meta AUTHOR } }';
    // Every post has a readable editor, so the publishers' query runs for every page.
    const WITH = 'author { name publisher { name } } editor { name publisher { name } }';

    /** Runs a posts query once without and once with pointers selected: same page, same cursors, same pointers as node(id:). */
    const samePage = async (as: As, args: string, variables: Record<string, unknown> = {}, joined = true) => {
      const varDefs = Object.keys(variables).length
        ? `(${Object.keys(variables)
            .map((k) => `$${k}: String`)
            .join(', ')})`
        : '';
      const query = (sel: string) => `query${varDefs} { posts(${args}) { ${PAGE.replace('AUTHOR', sel)} } }`;
      const plain = await run(as, query(''), variables);
      const withPointers = await run(as, query(WITH), variables);
      const strip = (conn: any) => ({
        ...conn,
        edges: conn.edges.map((e: any) => ({ cursor: e.cursor, node: { id: e.node.id, title: e.node.title, rank: e.node.rank, meta: e.node.meta } })),
      });
      expect(strip(withPointers.data.posts)).toEqual(plain.data.posts);
      // The page statement is the one that joins; the deeper level (publisher) is one more query.
      const extra = joined ? 1 : 2;
      expect(withPointers.statements).toHaveLength(plain.statements.length + extra);
      const pages = pageStatements(withPointers.statements);
      expect(pages).toHaveLength(1);
      if (joined) expect(pages[0].sql).toContain('LEFT JOIN "Author" i0');
      else expect(pages[0].sql).not.toContain('LEFT JOIN');
      const nodes = withPointers.data.posts.edges.map((e: any) => e.node);
      await expectSameAsNode(as, nodes, `id title rank meta ${WITH}`);
      return withPointers.data.posts;
    };
    const cursorsOf = async (as: As, args: string) => (await run(as, `{ posts(${args}) { edges { cursor node { title } } } }`)).data.posts.edges;

    for (const as of ['master', 'anonymous'] as const) {
      describe(as === 'master' ? 'master key' : 'anonymous', () => {
        it('first, with a nullable order key', async () => {
          await samePage(as, 'first: 4, order: [rank_DESC]');
          await samePage(as, 'first: 4, order: [rank_ASC, title_DESC]');
        });

        it('skip', async () => {
          const page = await samePage(as, 'skip: 2, first: 3, order: [title_ASC]');
          expect(page.pageInfo.hasPreviousPage).toBe(true);
          // Past the end: an empty page (no rows to join) with the same pageInfo and count.
          const past = (sel: string) =>
            run(as, `{ posts(skip: 50, first: 3, order: [title_ASC]) { count pageInfo { hasNextPage hasPreviousPage } edges { node { title ${sel} } } } }`);
          const [plain, joined] = [await past(''), await past('author { name }')];
          expect(joined.data.posts.edges).toEqual([]);
          expect(joined.data).toEqual(plain.data);
        });

        it('after a keyset cursor (ascending on a nullable key: the two-branch page)', async () => {
          const edges = await cursorsOf(as, 'first: 10, order: [rank_ASC]');
          const page = await samePage(as, 'first: 3, after: $after, order: [rank_ASC]', { after: edges[1].cursor });
          expect(page.edges.map((e: any) => e.node.title)).toEqual(edges.slice(2, 5).map((e: any) => e.node.title));
          // Across the end of the non-NULL ranks into the NULLs.
          const late = await samePage(as, 'first: 3, after: $after, order: [rank_ASC]', { after: edges[edges.length - 3].cursor });
          expect(late.edges.map((e: any) => e.node.title)).toEqual(edges.slice(-2).map((e: any) => e.node.title));
        });

        it('a backward page: last before a keyset cursor', async () => {
          const edges = await cursorsOf(as, 'first: 10, order: [rank_ASC]');
          const page = await samePage(as, 'last: 3, before: $before, order: [rank_ASC]', { before: edges[5].cursor });
          expect(page.edges.map((e: any) => e.node.title)).toEqual(edges.slice(2, 5).map((e: any) => e.node.title));
          const desc = await cursorsOf(as, 'first: 10, order: [title_DESC]');
          const back = await samePage(as, 'last: 2, before: $before, order: [title_DESC]', { before: desc[3].cursor });
          expect(back.edges.map((e: any) => e.node.title)).toEqual(desc.slice(1, 3).map((e: any) => e.node.title));
        });

        it('ordered by the pointer itself, after a keyset cursor', async () => {
          const edges = await cursorsOf(as, 'first: 10, order: [author_ASC, title_ASC]');
          await samePage(as, 'first: 4, order: [author_DESC]');
          const page = await samePage(as, 'first: 3, after: $after, order: [author_ASC, title_ASC]', { after: edges[2].cursor });
          expect(page.edges.map((e: any) => e.node.title)).toEqual(edges.slice(3, 6).map((e: any) => e.node.title));
        });

        it('last alone (placed by a count)', async () => {
          await samePage(as, 'last: 3, order: [title_ASC]');
        });

        it('ordered by an Object field, with an offset cursor after', async () => {
          const page = await samePage(as, 'first: 3, order: [meta_ASC]');
          await samePage(as, 'first: 3, after: $after, order: [meta_DESC]', { after: page.pageInfo.endCursor });
          // The order key not selected: the inner page still reads it for the outer ORDER BY.
          const titles = async (sel: string) =>
            (await run(as, `{ posts(first: 6, order: [meta_DESC, rank_ASC]) { edges { node { title ${sel} } } } }`)).data.posts.edges.map(
              (e: any) => e.node.title,
            );
          expect(await titles('author { name }')).toEqual(await titles(''));
        });

        it('ordered by distance (nearSphere): the pointers come through the loader, with the same answer', async () => {
          const page = await samePage(as, 'first: 4, skip: 1, where: { loc: { nearSphere: { latitude: 0, longitude: 0 } } }', {}, false);
          const titles = page.edges.map((e: any) => e.node.title);
          // Points at growing distances: P01 is nearest (skipped), then P02, P03, P04 …
          const expected = ['P02', 'P03', 'P04', 'P05', 'P06'].filter((t) => as === 'master' || t !== 'P05').slice(0, 4);
          expect(titles).toEqual(expected);
          // An explicit order under nearSphere orders by that order, not by distance: joined.
          await samePage(
            as,
            'first: 4, order: [title_DESC], where: { loc: { nearSphere: { latitude: 0, longitude: 0 }, maxDistanceInKilometers: 1000 } }',
            {},
            true,
          );
        });
      });
    }
  });
});
