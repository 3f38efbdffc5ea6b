import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import {
  PAGE_INFO,
  createClass,
  createMany,
  cursorText,
  expectError,
  isKeysetCursor,
  isOffsetCursor,
  offsetCursor,
  statementsOf,
  walkBackward,
  walkForward,
  type Page,
} from './helpers.ts';

/**
 * Parse's pagination over a class find, end to end through GraphQL: ordering, offset and
 * keyset cursors, skip/first/after/last/before, pageInfo, counts, limits and errors.
 */

interface Item {
  objectId: string;
  tag: string | null;
  rank: number | null;
  when: string | null;
  flag: boolean | null;
  owner: { objectId: string } | null;
}

const NODE = 'objectId tag rank when flag owner { objectId }';
const N = 37;
const MAX_LIMIT = 120;

let s: TestServer;
let owners: string[];
let items: string[];

/** Data with duplicates and NULLs in every order key. */
function itemFields(i: number, ownerIds: string[]) {
  const dates = ['2024-03-01T00:00:00.000Z', '2023-01-01T10:00:00.500Z', '2024-03-01T00:00:00.001Z'];
  return {
    name: `n${String(i).padStart(2, '0')}`,
    tag: i % 5 === 0 ? null : ['a', 'b', 'c'][i % 3],
    rank: i % 4 === 0 ? null : (i * 7) % 5,
    when: i % 6 === 0 ? null : dates[i % 3],
    flag: i % 7 === 0 ? null : i % 2 === 0,
    owner: i % 3 === 0 ? null : { link: ownerIds[i % 2] },
    meta: { k: i % 4, s: `v${i % 3}` },
    loc: { latitude: (i % 9) - 4, longitude: ((i * 5) % 11) - 5 },
  };
}

beforeAll(async () => {
  s = await startTestServer({ maxLimit: MAX_LIMIT });
  await createClass(s, 'Owner', 'addStrings: [{ name: "name" }]');
  await createClass(
    s,
    'Item',
    `addStrings: [{ name: "name" }, { name: "tag" }], addNumbers: [{ name: "rank" }], addDates: [{ name: "when" }],
     addBooleans: [{ name: "flag" }], addObjects: [{ name: "meta" }], addGeoPoint: { name: "loc" },
     addPointers: [{ name: "owner", targetClassName: "Owner" }]`,
  );
  owners = await createMany(s, 'Owner', [{ name: 'x' }, { name: 'y' }]);
  items = await createMany(
    s,
    'Item',
    Array.from({ length: N }, (_, i) => itemFields(i, owners)),
  );
});
afterAll(() => s?.close());

async function page(args: Record<string, unknown>, selection = `count edges { cursor node { ${NODE} } } ${PAGE_INFO}`): Promise<Page<Item>> {
  const data = await s.ok(
    `query($where: ItemWhereInput, $order: [ItemOrder!], $skip: Int, $first: Int, $after: String, $last: Int, $before: String) {
      items(where: $where, order: $order, skip: $skip, first: $first, after: $after, last: $last, before: $before) { ${selection} } }`,
    args,
  );
  return data.items;
}

/** The whole ordered result in one page (the reference a paged walk must reproduce). */
async function all(order: string[], where?: unknown): Promise<Item[]> {
  const p = await page({ order, where, first: 1000 });
  expect(p.pageInfo.hasNextPage).toBe(false);
  return p.edges.map((e) => e.node);
}

const ids = (nodes: { objectId: string }[]) => nodes.map((n) => n.objectId);
const nodesOf = (pages: Page<Item>[]) => pages.flatMap((p) => p.edges.map((e) => e.node));

type Key = keyof Item;
function value(item: Item, key: Key): string | number | boolean | null {
  const v = item[key];
  return v && typeof v === 'object' ? v.objectId : v;
}

/** Asserts `nodes` are in the order of `order` on its leading key, with PostgreSQL's NULL placement. */
function expectLeadingKeyOrder(nodes: Item[], order: string[]): void {
  const [, name, dir] = /^(.+)_(ASC|DESC)$/.exec(order[0])!;
  if (!NODE.split(' ').includes(name)) return;
  const values = nodes.map((n) => value(n, name as Key));
  const nonNull = values.filter((v) => v !== null);
  const nulls = values.length - nonNull.length;
  // NULLs last ascending, first descending.
  if (dir === 'ASC') expect(values.slice(values.length - nulls).every((v) => v === null)).toBe(true);
  else expect(values.slice(0, nulls).every((v) => v === null)).toBe(true);
  if (name === 'owner') return; // objectIds compare by the database's collation
  const sorted = [...nonNull].sort((a, b) => (a! < b! ? -1 : a! > b! ? 1 : 0));
  expect(nonNull).toEqual(dir === 'ASC' ? sorted : sorted.reverse());
}

describe('ordering', () => {
  it('applies the order list in list order', async () => {
    const byTagThenRank = await all(['tag_ASC', 'rank_DESC']);
    const byRankThenTag = await all(['rank_DESC', 'tag_ASC']);
    expect(byTagThenRank).toHaveLength(N);
    expectLeadingKeyOrder(byTagThenRank, ['tag_ASC']);
    expectLeadingKeyOrder(byRankThenTag, ['rank_DESC']);
    // Within one tag, ranks descend (NULLs first).
    for (const tag of ['a', 'b', 'c', null])
      expectLeadingKeyOrder(
        byTagThenRank.filter((n) => n.tag === tag),
        ['rank_DESC'],
      );
    expect(ids(byTagThenRank)).not.toEqual(ids(byRankThenTag));
  });

  it('breaks ties by objectId, ascending, so that the order is total and stable', async () => {
    const byId = ids(await all(['id_ASC']));
    const rankOf = new Map(byId.map((id, i) => [id, i]));
    const byFlag = await all(['flag_ASC']);
    for (const flag of [false, true, null]) {
      const tied = ids(byFlag.filter((n) => n.flag === flag));
      expect(tied.length).toBeGreaterThan(1);
      expect(tied).toEqual([...tied].sort((a, b) => rankOf.get(a)! - rankOf.get(b)!));
    }
    expect(ids(await all(['flag_ASC']))).toEqual(ids(byFlag));
  });

  it('orders by id_* and objectId_* the same way', async () => {
    const asc = ids(await all(['id_ASC']));
    expect(asc.slice().sort()).toEqual([...items].sort());
    expect(ids(await all(['objectId_ASC']))).toEqual(asc);
    expect(ids(await all(['id_DESC']))).toEqual([...asc].reverse());
  });

  it('defaults to objectId order', async () => {
    expect(ids(await all([]))).toEqual(ids(await all(['id_ASC'])));
  });
});

describe('walking a whole class page by page visits every object exactly once', () => {
  const orders: string[][] = [
    [],
    ['tag_ASC'],
    ['tag_DESC'],
    ['rank_ASC'],
    ['rank_DESC'],
    ['when_ASC'],
    ['when_DESC'],
    ['flag_ASC', 'rank_DESC'],
    ['owner_DESC', 'tag_ASC'],
    ['tag_ASC', 'rank_DESC', 'when_ASC'],
    ['id_DESC'],
    ['createdAt_DESC'],
  ];

  it.each(orders.map((o) => [o.join(', ') || '(default)', o]))('forward, keyset cursors: %s', async (_name, order) => {
    const reference = await all(order);
    expect(reference).toHaveLength(N);
    if (order.length) expectLeadingKeyOrder(reference, order);
    for (const [size, selection] of [
      [4, `count edges { cursor node { ${NODE} } } ${PAGE_INFO}`],
      [7, `edges { cursor node { objectId } } ${PAGE_INFO}`],
    ] as const) {
      const pages = await walkForward(size, (args) => page({ order, ...args }, selection));
      expect(ids(nodesOf(pages))).toEqual(ids(reference));
      expect(pages).toHaveLength(Math.ceil(N / size));
      for (const p of pages) {
        for (const e of p.edges) expect(isKeysetCursor(e.cursor), cursorText(e.cursor)).toBe(true);
        if (selection.startsWith('count')) expect(p.count).toBe(N);
      }
    }
  });

  it.each(orders.map((o) => [o.join(', ') || '(default)', o]))('backward with last/before: %s', async (_name, order) => {
    const reference = ids(await all(order));
    const pages = await walkBackward(5, (args) => page({ order, ...args }));
    expect(pages.reverse().flatMap((p) => ids(p.edges.map((e) => e.node)))).toEqual(reference);
  });

  it('with a filter, and counts the filtered set', async () => {
    const where = { rank: { greaterThan: 0 } };
    const reference = await all(['rank_DESC', 'tag_ASC'], where);
    const pages = await walkForward(3, (args) => page({ where, order: ['rank_DESC', 'tag_ASC'], ...args }));
    expect(ids(nodesOf(pages))).toEqual(ids(reference));
    expect(pages.every((p) => p.count === reference.length)).toBe(true);
  });

  it('ordered by an Object field, with offset cursors', async () => {
    const reference = await all(['meta_ASC']);
    const pages = await walkForward(6, (args) => page({ order: ['meta_ASC'], ...args }));
    expect(ids(nodesOf(pages))).toEqual(ids(reference));
    const cursors = pages.flatMap((p) => p.edges.map((e) => e.cursor));
    expect(cursors).toEqual(reference.map((_, i) => offsetCursor(i)));
  });

  it('ordered by distance (nearSphere), with offset cursors', async () => {
    const where = { loc: { nearSphere: { latitude: 1, longitude: 2 } } };
    const data = await s.ok(
      `{ items(where: { loc: { nearSphere: { latitude: 1, longitude: 2 } } }, first: 1000) { edges { node { objectId loc { latitude longitude } } } } }`,
    );
    const reference = data.items.edges.map((e: any) => e.node);
    const distance = (p: { latitude: number; longitude: number }) => {
      const rad = Math.PI / 180;
      const h = Math.sin(((p.latitude - 1) * rad) / 2) ** 2 + Math.cos(rad) * Math.cos(p.latitude * rad) * Math.sin(((p.longitude - 2) * rad) / 2) ** 2;
      return 2 * Math.asin(Math.min(1, Math.sqrt(h)));
    };
    const d = reference.map((n: any) => distance(n.loc));
    for (let i = 1; i < d.length; i++) expect(d[i]).toBeGreaterThanOrEqual(d[i - 1] - 1e-12);
    const pages = await walkForward(8, (args) => page({ where, ...args }));
    expect(ids(nodesOf(pages))).toEqual(ids(reference));
    expect(pages.every((p) => p.edges.every((e) => isOffsetCursor(e.cursor)))).toBe(true);
  });

  it('nearSphere with an explicit order: that order, with keyset cursors', async () => {
    const where = { loc: { nearSphere: { latitude: 1, longitude: 2 }, maxDistanceInRadians: 0.09 } };
    const reference = await all(['rank_DESC'], where);
    expect(reference.length).toBeGreaterThan(5);
    expect(reference.length).toBeLessThan(N);
    expectLeadingKeyOrder(reference, ['rank_DESC']);
    const pages = await walkForward(4, (args) => page({ where, order: ['rank_DESC'], ...args }));
    expect(ids(nodesOf(pages))).toEqual(ids(reference));
    expect(pages.every((p) => p.edges.every((e) => isKeysetCursor(e.cursor)))).toBe(true);
  });

  it('with dates that differ only in microseconds (keyset values are exact)', async () => {
    await createClass(s, 'Tick', 'addDates: [{ name: "at" }], addStrings: [{ name: "label" }]');
    const ticks = await createMany(
      s,
      'Tick',
      Array.from({ length: 9 }, (_, i) => ({ label: `t${i}`, at: '2024-05-05T05:05:05.123Z' })),
    );
    // Rows written by another client (or Parse Server) may carry microseconds; the API shows milliseconds.
    await s.plinth.db.execute(`UPDATE "Tick" SET "at" = '2024-05-05T05:05:05.123Z'::timestamptz + (ascii(right("label", 1)) % 4) * interval '1 microsecond'`);
    for (const order of [['at_ASC'], ['at_DESC']]) {
      const ref = await s.ok(`query($o: [TickOrder!]) { ticks(order: $o, first: 100) { edges { node { objectId } } } }`, { o: order });
      const pages = await walkForward(
        2,
        async (args) =>
          (
            await s.ok(
              `query($o: [TickOrder!], $first: Int, $after: String) { ticks(order: $o, first: $first, after: $after) { edges { cursor node { objectId } } ${PAGE_INFO} } }`,
              { o: order, ...args },
            )
          ).ticks,
      );
      const walked = pages.flatMap((p) => p.edges.map((e: any) => e.node.objectId));
      expect(walked).toEqual(ref.ticks.edges.map((e: any) => e.node.objectId));
      expect([...walked].sort()).toEqual([...ticks].sort());
    }
  });
});

describe('keyset cursors', () => {
  it('page by key: the next page starts right after the cursor row even when rows before it go away', async () => {
    await createClass(s, 'Note', 'addNumbers: [{ name: "n" }]');
    await createMany(
      s,
      'Note',
      Array.from({ length: 10 }, (_, i) => ({ n: i })),
    );
    const query = `query($first: Int, $after: String) { notes(order: [n_ASC], first: $first, after: $after) { edges { cursor node { objectId n } } } }`;
    const first = (await s.ok(query, { first: 4 })).notes.edges;
    expect(first.map((e: any) => e.node.n)).toEqual([0, 1, 2, 3]);
    await s.ok(`mutation($id: ID!) { deleteNote(input: { id: $id }) { note { objectId } } }`, { id: first[0].node.objectId });
    const { result, sql } = await statementsOf(s, ['Note'], () => s.ok(query, { first: 4, after: first[3].cursor }));
    expect(result.notes.edges.map((e: any) => e.node.n)).toEqual([4, 5, 6, 7]);
    // Found by key, not by counting rows: no OFFSET.
    expect(sql).toHaveLength(1);
    expect(sql[0]).not.toMatch(/OFFSET/);
    // Parse's offset cursor for the same position now lands one row further, as in Parse.
    const byOffset = (await s.ok(query, { first: 4, after: offsetCursor(3) })).notes.edges;
    expect(byOffset.map((e: any) => e.node.n)).toEqual([5, 6, 7, 8]);
  });

  it('place a last page after them by the rows that really follow, even when rows before them went away', async () => {
    await createClass(s, 'Memo', 'addNumbers: [{ name: "n" }]');
    const memos = await createMany(
      s,
      'Memo',
      Array.from({ length: 12 }, (_, i) => ({ n: i })),
    );
    const query = `query($first: Int, $after: String, $last: Int) { memos(order: [n_DESC], first: $first, after: $after, last: $last) {
      count edges { node { n } } ${PAGE_INFO} } }`;
    const first = (await s.ok(query, { first: 5 })).memos;
    expect(first.edges.map((e: any) => e.node.n)).toEqual([11, 10, 9, 8, 7]);
    // Two rows before the cursor go away: the cursor's position (4) is now stale.
    for (const id of memos.slice(10)) await s.ok(`mutation($id: ID!) { deleteMemo(input: { id: $id }) { memo { objectId } } }`, { id });
    const tail = (await s.ok(query, { after: first.pageInfo.endCursor, last: 3 })).memos;
    expect(tail.edges.map((e: any) => e.node.n)).toEqual([2, 1, 0]);
    expect(tail.count).toBe(10);
    expect(tail.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const all = (await s.ok(query, { after: first.pageInfo.endCursor, last: 30 })).memos;
    expect(all.edges.map((e: any) => e.node.n)).toEqual([6, 5, 4, 3, 2, 1, 0]);
    expect(all.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
  });

  it('page backward by key: last before a cursor reads the rows right before it, in constant time', async () => {
    await createClass(s, 'Step', 'addNumbers: [{ name: "n" }]');
    const steps = await createMany(
      s,
      'Step',
      Array.from({ length: 10 }, (_, i) => ({ n: i })),
    );
    const query = `query($first: Int, $before: String, $last: Int) { steps(order: [n_ASC], first: $first, before: $before, last: $last) {
      edges { cursor node { n } } ${PAGE_INFO} } }`;
    const all = (await s.ok(query, { first: 10 })).steps.edges;
    const at6 = all[6].cursor;
    const { result, sql } = await statementsOf(s, ['Step'], () => s.ok(query, { last: 3, before: at6 }));
    expect(result.steps.edges.map((e: any) => e.node.n)).toEqual([3, 4, 5]);
    expect(result.steps.edges.map((e: any) => e.cursor)).toEqual(all.slice(3, 6).map((e: any) => e.cursor));
    expect(result.steps.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    expect(sql).toHaveLength(1);
    expect(sql[0]).not.toMatch(/OFFSET|count\(/);
    // Rows before the cursor go away: still the rows right before it.
    for (const id of steps.slice(0, 2)) await s.ok(`mutation($id: ID!) { deleteStep(input: { id: $id }) { step { objectId } } }`, { id });
    expect((await s.ok(query, { last: 3, before: at6 })).steps.edges.map((e: any) => e.node.n)).toEqual([3, 4, 5]);
    const start = (await s.ok(query, { last: 10, before: at6 })).steps;
    expect(start.edges.map((e: any) => e.node.n)).toEqual([2, 3, 4, 5]);
    expect(start.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    // Tampered: 102 with the argument's name.
    const [offset, signature] = JSON.parse(cursorText(at6).slice('plinth:k:'.length));
    const forged = Buffer.from('plinth:k:' + JSON.stringify([offset, signature, ['six', 'x']])).toString('base64');
    expectError(await s.master(query, { last: 2, before: forged }), 102, 'Before is not a valid cursor');
  });

  it('after and before keyset cursors together bound the page', async () => {
    const reference = ids(await all(['rank_DESC', 'when_ASC']));
    const p = await page({ order: ['rank_DESC', 'when_ASC'], first: 10 });
    const between = await page({ order: ['rank_DESC', 'when_ASC'], after: p.edges[2].cursor, before: p.edges[7].cursor });
    expect(ids(between.edges.map((e) => e.node))).toEqual(reference.slice(3, 7));
    const tail = await page({ order: ['rank_DESC', 'when_ASC'], after: p.edges[2].cursor, before: p.edges[7].cursor, last: 2 });
    expect(ids(tail.edges.map((e) => e.node))).toEqual(reference.slice(5, 7));
    expect(tail.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });

  it('number their rows by position: cursors of consecutive pages continue the count', async () => {
    const p1 = await page({ order: ['rank_ASC'], first: 5 });
    const p2 = await page({ order: ['rank_ASC'], first: 5, after: p1.pageInfo.endCursor });
    const positions = [...p1.edges, ...p2.edges].map((e) => JSON.parse(cursorText(e.cursor).slice('plinth:k:'.length))[0]);
    expect(positions).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // So `before` (an offset) works with them: last 3 before the 8th row.
    const back = await page({ order: ['rank_ASC'], last: 3, before: p2.edges[2].cursor });
    expect(ids(back.edges.map((e) => e.node))).toEqual(ids([...p1.edges, ...p2.edges].slice(4, 7).map((e) => e.node)));
  });

  it.each([[['tag_DESC', 'rank_ASC']], [['tag_ASC', 'rank_ASC']], [['rank_ASC']]])('skip and a keyset after add up: %j', async (order) => {
    const reference = ids(await all(order));
    for (const [at, skip] of [
      [5, 3],
      [20, 7],
      [28, 3],
    ]) {
      const p1 = await page({ order, first: at + 1 });
      const p2 = await page({ order, skip, first: 5, after: p1.pageInfo.endCursor });
      expect(ids(p2.edges.map((e) => e.node))).toEqual(reference.slice(at + 1 + skip, at + 6 + skip));
      expect(p2.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: at + 6 + skip < N });
      // Cursors keep counting from the skipped position.
      const p3 = await page({ order, first: 100, after: p2.pageInfo.endCursor });
      expect(ids(p3.edges.map((e) => e.node))).toEqual(reference.slice(at + 6 + skip));
      expect(p3.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    }
  });

  it('mean their position when reused under another order (as Parse cursors do)', async () => {
    const p1 = await page({ order: ['rank_ASC'], first: 5 });
    const other = ids(await all(['tag_ASC']));
    const p2 = await page({ order: ['tag_ASC'], first: 3, after: p1.pageInfo.endCursor });
    expect(ids(p2.edges.map((e) => e.node))).toEqual(other.slice(5, 8));
  });

  it('last with a keyset after-cursor takes the tail after it', async () => {
    const reference = ids(await all(['when_ASC']));
    const p1 = await page({ order: ['when_ASC'], first: 10 });
    const tail = await page({ order: ['when_ASC'], after: p1.pageInfo.endCursor, last: 4 });
    expect(ids(tail.edges.map((e) => e.node))).toEqual(reference.slice(N - 4));
    expect(tail.count).toBe(N);
    expect(tail.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const more = await page({ order: ['when_ASC'], after: p1.edges[N - 35].cursor, last: 40 });
    expect(ids(more.edges.map((e) => e.node))).toEqual(reference.slice(N - 34));
  });

  it('that were tampered with are error 102', async () => {
    const p1 = await page({ order: ['rank_ASC'], first: 2 });
    const [offset, signature, values] = JSON.parse(cursorText(p1.pageInfo.endCursor!).slice('plinth:k:'.length));
    const forged = (v: unknown[]) => Buffer.from('plinth:k:' + JSON.stringify([offset, signature, v])).toString('base64');
    for (const bad of [['1', values[1]], [values[0]], [true, values[1]], [values[0], null]]) {
      const res = await s.master(`query($a: String) { items(order: [rank_ASC], after: $a) { edges { node { objectId } } } }`, { a: forged(bad) });
      expectError(res, 102, 'After is not a valid cursor');
    }
  });
});

describe("Parse's offset cursors and arguments", () => {
  it('accepts arrayconnection cursors for after and before', async () => {
    const reference = ids(await all(['rank_DESC']));
    const after = await page({ order: ['rank_DESC'], first: 4, after: offsetCursor(4) });
    expect(ids(after.edges.map((e) => e.node))).toEqual(reference.slice(5, 9));
    const before = await page({ order: ['rank_DESC'], last: 3, before: offsetCursor(8) });
    expect(ids(before.edges.map((e) => e.node))).toEqual(reference.slice(5, 8));
    const between = await page({ order: ['rank_DESC'], after: offsetCursor(2), before: offsetCursor(6) });
    expect(ids(between.edges.map((e) => e.node))).toEqual(reference.slice(3, 6));
  });

  it('skip and an offset after add up', async () => {
    const reference = ids(await all(['tag_ASC']));
    const p = await page({ order: ['tag_ASC'], skip: 2, after: offsetCursor(4), first: 3 });
    expect(ids(p.edges.map((e) => e.node))).toEqual(reference.slice(7, 10));
    expect(p.edges.map((e) => JSON.parse(cursorText(e.cursor).slice('plinth:k:'.length))[0])).toEqual([7, 8, 9]);
  });

  it('first with last takes the tail of the first page', async () => {
    const reference = ids(await all(['when_DESC']));
    const p = await page({ order: ['when_DESC'], first: 10, last: 3 });
    expect(ids(p.edges.map((e) => e.node))).toEqual(reference.slice(7, 10));
    expect(p.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });

  it('last without first counts first, then reads the tail', async () => {
    const reference = ids(await all(['rank_ASC']));
    const { result, sql } = await statementsOf(s, ['Item'], () => page({ order: ['rank_ASC'], last: 5 }, `edges { node { objectId } } ${PAGE_INFO}`));
    expect(ids(result.edges.map((e) => e.node))).toEqual(reference.slice(N - 5));
    expect(result.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    expect(sql).toHaveLength(2);
    expect(sql[0]).toMatch(/count\(\*\)/);
    // With skip beyond the tail's start, the page starts at skip.
    const late = await page({ order: ['rank_ASC'], skip: N - 2, last: 5 });
    expect(ids(late.edges.map((e) => e.node))).toEqual(reference.slice(N - 2));
    // More than there are: everything.
    const big = await page({ order: ['rank_ASC'], last: 100 });
    expect(ids(big.edges.map((e) => e.node))).toEqual(reference);
    expect(big.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: false });
  });
});

describe('pageInfo follows Parse (hasPreviousPage: rows were skipped and any exist; hasNextPage: rows follow)', () => {
  const selection = `edges { node { objectId } } ${PAGE_INFO}`;

  it.each<[string, Record<string, unknown>, number, boolean, boolean, number]>([
    // name, args, edges, hasPreviousPage, hasNextPage, position of startCursor when empty
    ['a first page', { first: 5 }, 5, false, true, 0],
    ['the whole set', { first: 1000 }, N, false, false, 0],
    ['a middle page', { skip: 10, first: 5 }, 5, true, true, 0],
    ['the last page, exactly', { skip: N - 5, first: 5 }, 5, true, false, 0],
    ['skip beyond the end', { skip: 1000, first: 5 }, 0, true, false, 1000],
    ['first: 0', { first: 0 }, 0, false, true, 0],
    ['first: 0 after skip', { skip: 3, first: 0 }, 0, true, true, 3],
    ['before at skip: nothing', { skip: 4, before: offsetCursor(4) }, 0, true, true, 4],
    ['last: 0', { last: 0 }, 0, false, true, 0],
    ['after the last row', { after: offsetCursor(N - 1), first: 5 }, 0, true, false, N],
    ['nothing matches', { where: { tag: { equalTo: 'zzz' } }, first: 5 }, 0, false, false, 0],
    ['nothing matches, skipped', { where: { tag: { equalTo: 'zzz' } }, skip: 3 }, 0, false, false, 3],
  ])('%s', async (_name, args, edges, hasPreviousPage, hasNextPage, emptyAt) => {
    for (const withCount of [false, true]) {
      const p = await page({ order: ['rank_ASC'], ...args }, (withCount ? 'count ' : '') + selection);
      expect(p.edges).toHaveLength(edges);
      expect(p.pageInfo.hasPreviousPage).toBe(hasPreviousPage);
      expect(p.pageInfo.hasNextPage).toBe(hasNextPage);
      if (!edges) expect([p.pageInfo.startCursor, p.pageInfo.endCursor]).toEqual([offsetCursor(emptyAt), offsetCursor(emptyAt)]);
    }
  });

  it('cursors alone need no look-ahead row and no count', async () => {
    const { result, sql } = await statementsOf(s, ['Item'], () => page({ first: 3 }, 'pageInfo { startCursor endCursor }'));
    expect(result.pageInfo.startCursor).toBeTruthy();
    expect(sql).toHaveLength(1);
    expect(sql[0]).not.toMatch(/count\(/);
  });
});

describe('counts and the work a selection causes', () => {
  const run = (args: Record<string, unknown>, selection: string) => statementsOf(s, ['Item'], () => page(args, selection));

  it('count alone runs only a count query', async () => {
    const { result, sql } = await run({ where: { flag: { equalTo: true } } }, 'count');
    expect(result.count).toBe(Array.from({ length: N }, (_, i) => i).filter((i) => i % 7 !== 0 && i % 2 === 0).length);
    expect(sql).toHaveLength(1);
    expect(sql[0]).toMatch(/^SELECT count\(\*\)/);
  });

  it('count alone ignores paging arguments (it is the total)', async () => {
    const { result, sql } = await run({ first: 2, skip: 5, last: 1 }, 'count');
    expect(result.count).toBe(N);
    expect(sql).toHaveLength(1);
  });

  it('first: 0 returns no edges but the count', async () => {
    const { result, sql } = await run({ first: 0 }, 'count edges { node { objectId } }');
    expect(result).toEqual({ count: N, edges: [] });
    expect(sql).toHaveLength(1);
    expect(sql[0]).toMatch(/count\(\*\)/);
  });

  it('edges alone run one query; with count, two; with last and count, still two', async () => {
    expect((await run({ first: 3 }, 'edges { node { objectId } }')).sql).toHaveLength(1);
    const both = await run({ first: 3 }, 'count edges { node { objectId } }');
    expect(both.sql).toHaveLength(2);
    expect(both.result.count).toBe(N);
    const last = await run({ last: 3 }, 'count edges { node { objectId } }');
    expect(last.sql).toHaveLength(2);
    expect(last.result.count).toBe(N);
  });

  it('hasNextPage reads one extra row instead of counting', async () => {
    const { result, sql } = await run({ first: 3 }, `edges { node { objectId } } pageInfo { hasNextPage }`);
    expect(result.edges).toHaveLength(3);
    expect(result.pageInfo.hasNextPage).toBe(true);
    expect(sql).toHaveLength(1);
  });

  it('reads only the selected columns (plus the order keys for cursors)', async () => {
    const { sql } = await run({ order: ['rank_DESC'], first: 3 }, 'edges { cursor node { tag } }');
    const columns = sql[0].slice(0, sql[0].indexOf(' FROM '));
    expect(columns).toMatch(/"tag"/);
    expect(columns).toMatch(/"rank"/);
    expect(sql[0]).not.toMatch(/"meta"|"loc"|"when"|"flag"/);
  });
});

describe('limits', () => {
  let bulkIds: string[];
  beforeAll(async () => {
    await createClass(s, 'Bulk', 'addNumbers: [{ name: "n" }]');
    bulkIds = await createMany(
      s,
      'Bulk',
      Array.from({ length: MAX_LIMIT + 5 }, (_, i) => ({ n: i })),
    );
  });
  const bulk = async (args: string) =>
    (await s.ok(`{ bulks(order: [n_ASC]${args}) { count edges { node { n } } pageInfo { hasNextPage hasPreviousPage } } }`)).bulks;

  it('the default page is 100 when edges are selected', async () => {
    const p = await bulk('');
    expect(p.edges).toHaveLength(100);
    expect(p.pageInfo.hasNextPage).toBe(true);
  });

  it('first above the configured maximum is capped silently', async () => {
    const p = await bulk(', first: 100000');
    expect(p.edges.map((e: any) => e.node.n)).toEqual(Array.from({ length: MAX_LIMIT }, (_, i) => i));
    expect(p.pageInfo.hasNextPage).toBe(true);
  });

  it('last above the configured maximum is capped silently', async () => {
    const p = await bulk(', last: 100000');
    expect(p.edges.map((e: any) => e.node.n)).toEqual(Array.from({ length: MAX_LIMIT }, (_, i) => i + 5));
    expect(p.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
    expect(p.count).toBe(MAX_LIMIT + 5);
  });

  it('relation connections are capped too', async () => {
    await createClass(s, 'Shelf', 'addRelations: [{ name: "bulks", targetClassName: "Bulk" }]');
    const shelf = await s.ok(`mutation($ids: [ID!]) { createShelf(input: { fields: { bulks: { add: $ids } } }) { shelf { objectId } } }`, { ids: bulkIds });
    const data = await s.ok(
      `query($id: ID!) { shelf(id: $id) { a: bulks(first: 100000) { count edges { node { objectId } } } b: bulks { edges { node { objectId } } } } }`,
      {
        id: shelf.createShelf.shelf.objectId,
      },
    );
    expect(data.shelf.a.count).toBe(MAX_LIMIT + 5);
    expect(data.shelf.a.edges).toHaveLength(MAX_LIMIT);
    expect(data.shelf.b.edges).toHaveLength(100);
  });
});

describe('errors (102, with Parse’s messages)', () => {
  it.each<[string, string, string]>([
    ['skip: -1', 'skip: -1', 'Skip should be a positive number'],
    ['first: -1', 'first: -1', 'First should be a positive number'],
    ['last: -1', 'last: -1', 'Last should be a positive number'],
    ['a bad after', 'after: "garbage"', 'After is not a valid cursor'],
    ['a bad before', 'before: "garbage"', 'Before is not a valid cursor'],
    ['a negative offset cursor', `after: "${Buffer.from('arrayconnection:-1').toString('base64')}"`, 'After is not a valid cursor'],
    ['an empty offset cursor', `before: "${Buffer.from('arrayconnection:').toString('base64')}"`, 'Before is not a valid cursor'],
  ])('%s', async (_name, args, message) => {
    for (const selection of ['edges { node { objectId } }', 'count']) {
      expectError(await s.master(`{ items(${args}) { ${selection} } }`), 102, message);
    }
  });
});
