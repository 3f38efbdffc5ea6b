import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import {
  PAGE_INFO,
  createClass,
  createMany,
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
 * Relation fields are connections with the find arguments, applied to each owner's related
 * objects on its own, and loaded for all owners of a list at once. The oracle for every case is
 * the class find of the same objects (`players` restricted to the owner's members) with the
 * same arguments: same edges, same cursors, same pageInfo, same count.
 */

interface Player {
  objectId: string;
  name: string;
  score: number | null;
}

const JOIN = '_Join:members:Team';
const CONNECTION = `count edges { cursor node { objectId name score } } ${PAGE_INFO}`;

let s: TestServer;
let players: string[];
/** Team name → member objectIds; T0 has none. */
const teams = new Map<string, string[]>();
const teamIds = new Map<string, string>();
let hidden: string;

beforeAll(async () => {
  s = await startTestServer();
  await createClass(
    s,
    'Player',
    'addStrings: [{ name: "name" }], addNumbers: [{ name: "score" }], addBooleans: [{ name: "active" }], addGeoPoint: { name: "loc" }',
  );
  await createClass(s, 'Team', 'addStrings: [{ name: "name" }], addRelations: [{ name: "members", targetClassName: "Player" }]');
  players = await createMany(
    s,
    'Player',
    Array.from({ length: 20 }, (_, i) => ({
      name: `p${String(i).padStart(2, '0')}`,
      score: i % 4 === 1 ? null : i % 3,
      active: i % 3 !== 0,
      loc: { latitude: (i % 5) * 2, longitude: (i % 7) - 3 },
    })),
  );
  // Readable by the master key only: must never show up (or be counted) for anyone else.
  [hidden] = await createMany(s, 'Player', [{ name: 'hidden', score: 1, active: true, ACL: { public: { read: false, write: false } } }]);
  teams.set('T0', []);
  teams.set('T1', [players[3]]);
  teams.set('T2', players.slice(0, 5));
  teams.set('T3', players.slice(4, 16));
  teams.set('T4', [...players.filter((_, i) => i % 2 === 0).slice(0, 11), hidden]);
  teams.set('T5', players.slice(13, 20));
  const names = [...teams.keys()];
  const ids = await createMany(
    s,
    'Team',
    names.map((name) => ({ name, members: teams.get(name)!.length ? { add: teams.get(name) } : undefined })),
  );
  for (const [i, name] of names.entries()) teamIds.set(name, ids[i]);
});
afterAll(() => s?.close());

const ARGS = '$where: PlayerWhereInput, $order: [PlayerOrder!], $skip: Int, $first: Int, $after: String, $last: Int, $before: String';
const PASS = 'where: $where, order: $order, skip: $skip, first: $first, after: $after, last: $last, before: $before';

/** Every team's relation page, in one request. */
async function relationPages(args: Record<string, unknown>, selection = CONNECTION, as: 'master' | 'anon' = 'master'): Promise<Map<string, Page<Player>>> {
  const query = `query(${ARGS}) { teams(first: 100) { edges { node { name members(${PASS}) { ${selection} } } } } }`;
  const res = await (as === 'master' ? s.master(query, args) : s.anon(query, args));
  expect(res.errors, JSON.stringify(res.body)).toBeUndefined();
  return new Map(res.data.teams.edges.map((e: any) => [e.node.name, e.node.members]));
}

/** The oracle: the class find over the team's members with the same arguments. */
async function classPage(team: string, args: Record<string, unknown>, selection = CONNECTION, as: 'master' | 'anon' = 'master'): Promise<Page<Player>> {
  const members = { objectId: { in: teams.get(team)!.length ? teams.get(team) : ['none'] } };
  const where = args.where ? { AND: [args.where, members] } : members;
  const res = await (as === 'master' ? s.master : s.anon)(`query(${ARGS}) { players(${PASS}) { ${selection} } }`, { ...args, where });
  expect(res.errors, JSON.stringify(res.body)).toBeUndefined();
  return res.data.players;
}

describe('relation connections take the find arguments, per owner', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['no arguments', {}],
    ['order and first', { order: ['score_DESC'], first: 3 }],
    ['two keys, skip and first', { order: ['score_ASC', 'name_DESC'], skip: 2, first: 4 }],
    ['last', { last: 3 }],
    ['last with skip', { order: ['score_ASC'], skip: 3, last: 4 }],
    ['first and last', { first: 5, last: 2 }],
    ['a filter', { where: { active: { equalTo: true } }, order: ['name_ASC'], first: 2 }],
    ['a filter and last', { where: { active: { equalTo: true } }, order: ['score_DESC'], last: 2 }],
    ['skip beyond the end', { skip: 100, first: 2 }],
    ['first: 0', { first: 0 }],
    ['last: 0', { last: 0 }],
    ['an offset after', { order: ['name_DESC'], after: offsetCursor(1), first: 3 }],
    ['an offset before with last', { before: offsetCursor(4), last: 2 }],
    ['an offset after with last', { order: ['score_DESC'], after: offsetCursor(2), last: 3 }],
    ['last larger than any team', { order: ['score_ASC'], last: 50 }],
  ];

  it.each(cases)('%s', async (_name, args) => {
    const { result: pages, sql } = await statementsOf(s, [JOIN], () => relationPages(args));
    // One statement for all pages and one for all counts, whatever the number of teams.
    expect(sql.length).toBeGreaterThanOrEqual(1);
    expect(sql.length).toBeLessThanOrEqual(2);
    expect([...pages.keys()].sort()).toEqual([...teams.keys()].sort());
    for (const team of teams.keys()) {
      expect(pages.get(team), `${team} ${JSON.stringify(args)}`).toEqual(await classPage(team, args));
    }
  });

  it('give each owner its own count', async () => {
    const pages = await relationPages({}, 'count');
    for (const [team, members] of teams) expect(pages.get(team)!.count).toBe(members.length);
  });

  it('count and page only what the caller may read', async () => {
    const pages = await relationPages({ last: 20 }, CONNECTION, 'anon');
    const t4 = pages.get('T4')!;
    expect(t4.count).toBe(teams.get('T4')!.length - 1);
    expect(t4.edges.map((e) => e.node.objectId)).not.toContain(hidden);
    expect(t4).toEqual(await classPage('T4', { last: 20 }, CONNECTION, 'anon'));
    expect((await relationPages({ last: 20 })).get('T4')!.count).toBe(teams.get('T4')!.length);
  });

  it('order by distance under nearSphere, with offset cursors', async () => {
    const args = { where: { loc: { nearSphere: { latitude: 3, longitude: 1 } } }, first: 4, skip: 1 };
    const pages = await relationPages(args);
    for (const team of teams.keys()) expect(pages.get(team)).toEqual(await classPage(team, args));
    const t3 = pages.get('T3')!;
    expect(t3.edges).toHaveLength(4);
    expect(t3.edges.every((e) => isOffsetCursor(e.cursor))).toBe(true);
  });
});

describe('relation connections are batched', () => {
  const run = (args: Record<string, unknown>, selection: string) => statementsOf(s, [JOIN, 'Team'], () => relationPages(args, selection));

  it('count alone: one grouped count for all owners', async () => {
    const { sql } = await run({}, 'count');
    const relationSql = sql.filter((q) => q.includes(JOIN));
    expect(relationSql).toHaveLength(1);
    expect(relationSql[0]).toMatch(/count\(\*\)/);
    expect(relationSql[0]).toMatch(/GROUP BY/);
  });

  it('edges: one statement for all owners', async () => {
    const { sql } = await run({ order: ['score_DESC'], first: 2 }, 'edges { node { name } }');
    expect(sql.filter((q) => q.includes(JOIN))).toHaveLength(1);
  });

  it('last: one grouped count to place the pages, then one statement for all pages', async () => {
    const { sql } = await run({ last: 2 }, 'count edges { node { name } }');
    const relationSql = sql.filter((q) => q.includes(JOIN));
    expect(relationSql).toHaveLength(2);
    expect(relationSql[0]).toMatch(/GROUP BY/);
    expect(relationSql[1]).toMatch(/LATERAL/);
  });

  it('hasNextPage reads one extra row per owner instead of counting', async () => {
    const { result, sql } = await run({ first: 2 }, 'edges { node { name } } pageInfo { hasNextPage }');
    expect(sql.filter((q) => q.includes(JOIN))).toHaveLength(1);
    for (const [team, members] of teams) expect(result.get(team)!.pageInfo.hasNextPage).toBe(members.length > 2);
  });

  it('pageInfo of empty pages asks for the counts once, for all owners', async () => {
    const { result, sql } = await run({ skip: 5, first: 2 }, 'edges { node { name } } pageInfo { hasPreviousPage hasNextPage }');
    expect(sql.filter((q) => q.includes(JOIN))).toHaveLength(2);
    for (const [team, members] of teams) {
      expect(result.get(team)!.pageInfo).toEqual({ hasPreviousPage: members.length > 0, hasNextPage: members.length > 7 });
    }
  });

  it('nested relation connections in a list of lists stay one statement per level', async () => {
    await createClass(s, 'League', 'addStrings: [{ name: "name" }], addRelations: [{ name: "teams", targetClassName: "Team" }]');
    await createMany(s, 'League', [
      { name: 'L1', teams: { add: [...teamIds.values()].slice(0, 3) } },
      { name: 'L2', teams: { add: [...teamIds.values()].slice(2) } },
    ]);
    const { result, sql } = await statementsOf(s, ['_Join:teams:League', JOIN], () =>
      s.ok(
        `{ leagues(order: [name_ASC]) { edges { node { name teams(order: [name_ASC]) { edges { node { name members(order: [name_ASC], first: 2) { count edges { node { name } } } } } } } } } }`,
      ),
    );
    expect(sql.filter((q) => q.includes('_Join:teams:League'))).toHaveLength(1);
    expect(sql.filter((q) => q.includes(JOIN))).toHaveLength(2);
    const l2 = result.leagues.edges[1].node.teams.edges.map((e: any) => e.node);
    expect(l2.map((t: any) => t.name)).toEqual(['T2', 'T3', 'T4', 'T5']);
    const t3 = l2[1].members;
    expect(t3.count).toBe(12);
    expect(t3.edges.map((e: any) => e.node.name)).toEqual(['p04', 'p05']);
  });
});

describe('paging through a relation visits every related object exactly once', () => {
  const fetch = (team: string, order: string[]) => async (args: Record<string, unknown>) => {
    const data = await s.ok(`query($id: ID!, ${ARGS}) { team(id: $id) { members(${PASS}) { ${CONNECTION} } } }`, { id: teamIds.get(team), order, ...args });
    return data.team.members as Page<Player>;
  };

  it.each([[['score_ASC']], [['score_DESC']], [['score_DESC', 'name_ASC']], [[]]])('order %j', async (order) => {
    const reference = (await classPage('T3', { order, first: 100 })).edges.map((e) => e.node.objectId);
    expect(reference).toHaveLength(12);
    const forward = await walkForward(5, fetch('T3', order));
    expect(forward.flatMap((p) => p.edges.map((e) => e.node.objectId))).toEqual(reference);
    expect(forward.every((p) => p.edges.every((e) => isKeysetCursor(e.cursor)))).toBe(true);
    const backward = await walkBackward(5, fetch('T3', order));
    expect(backward.reverse().flatMap((p) => p.edges.map((e) => e.node.objectId))).toEqual(reference);
  });

  it('a keyset cursor bounds the relation page by key', async () => {
    const order = ['score_ASC', 'name_ASC'];
    const first = await fetch('T3', order)({ first: 4 });
    const next = await fetch('T3', order)({ first: 4, after: first.pageInfo.endCursor });
    const reference = (await classPage('T3', { order, first: 100 })).edges.map((e) => e.node.objectId);
    expect(next.edges.map((e) => e.node.objectId)).toEqual(reference.slice(4, 8));
    const { sql } = await statementsOf(s, [JOIN], () => fetch('T3', order)({ first: 4, after: first.pageInfo.endCursor }));
    expect(sql[0]).not.toMatch(/OFFSET/);
    // Backward by key: the rows right before a cursor, again without OFFSET or count.
    const back = await statementsOf(s, [JOIN], () => fetch('T3', order)({ last: 3, before: next.edges[2].cursor }));
    expect(back.result.edges.map((e) => e.node.objectId)).toEqual(reference.slice(3, 6));
    expect(back.result.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    expect(back.sql.filter((q) => !q.includes('GROUP BY'))).toHaveLength(1);
    expect(back.sql.join('\n')).not.toMatch(/OFFSET/);
    // The tail after a keyset cursor, placed by the owner's count of the rows after it.
    const tail = await fetch('T3', order)({ last: 3, after: first.pageInfo.endCursor });
    expect(tail.edges.map((e) => e.node.objectId)).toEqual(reference.slice(9));
    expect(tail).toEqual(await classPage('T3', { order, last: 3, after: first.pageInfo.endCursor }));
  });

  it('keyset cursors work across all owners of a list at once', async () => {
    const order = ['score_DESC', 'name_ASC'];
    const firstPages = await relationPages({ order, first: 2 });
    const cursor = firstPages.get('T3')!.pageInfo.endCursor;
    for (const args of [
      { order, first: 3, after: cursor },
      { order, last: 2, before: cursor },
      { order, last: 2, after: cursor },
    ]) {
      const pages = await relationPages(args);
      for (const team of teams.keys()) expect(pages.get(team), `${team} ${JSON.stringify(args)}`).toEqual(await classPage(team, args));
    }
  });
});

describe('relation connection errors', () => {
  it.each([
    ['first: -2', 'First should be a positive number'],
    ['last: -1', 'Last should be a positive number'],
    ['skip: -1', 'Skip should be a positive number'],
    ['before: "x"', 'Before is not a valid cursor'],
    ['after: "x"', 'After is not a valid cursor'],
  ])('%s → 102', async (args, message) => {
    expectError(await s.master(`query($id: ID!) { team(id: $id) { members(${args}) { count } } }`, { id: teamIds.get('T2') }), 102, message);
  });
});
