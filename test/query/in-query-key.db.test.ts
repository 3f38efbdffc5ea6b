import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQueryFixture, type QueryFixture } from './fixture.ts';

// inQueryKey / notInQueryKey: the field's value is (is not) the `key` of some object that the
// subquery finds. The subquery's `where` is an Object in Parse REST form or in GraphQL form.
describe('where: inQueryKey / notInQueryKey', () => {
  let f: QueryFixture;
  const select = (className: string, where: unknown, key: string) => ({ query: { className, where }, key });
  const players = (where: unknown) => f.titles('Player', where);
  beforeAll(async () => {
    f = await startQueryFixture();
    await f.createClass('Team', { addStrings: [{ name: 'title' }, { name: 'name' }, { name: 'city' }], addNumbers: [{ name: 'rank' }] });
    await f.createClass('Player', {
      addStrings: [{ name: 'title' }, { name: 'teamName' }, { name: 'homeCity' }],
      addNumbers: [{ name: 'rank' }],
      addPointers: [{ name: 'team', targetClassName: 'Team' }],
    });
    const lions = await f.add('Team', { title: 'lions', name: 'Lions', city: 'Paris', rank: 1 });
    const bears = await f.add('Team', { title: 'bears', name: 'Bears', city: 'Oslo', rank: 2 });
    const hidden = await f.add('Team', { title: 'hidden', name: 'Hidden', city: 'Rome', rank: 3, ACL: { public: { read: false, write: false } } });
    await f.add('Player', { title: 'p1', teamName: 'Lions', homeCity: 'Paris', rank: 1, team: { link: lions } });
    await f.add('Player', { title: 'p2', teamName: 'Bears', homeCity: 'Paris', rank: 2, team: { link: bears } });
    await f.add('Player', { title: 'p3', teamName: 'Hidden', homeCity: 'Rome', rank: 3, team: { link: hidden } });
    await f.add('Player', { title: 'p4', teamName: 'Nobody', rank: 7 });
    await f.add('Player', { title: 'p5' });
  });
  afterAll(() => f?.close());

  it('matches the key of any object the subquery finds', async () => {
    expect(await players({ teamName: { inQueryKey: select('Team', {}, 'name') } })).toEqual(['p1', 'p2', 'p3']);
    expect(await players({ homeCity: { inQueryKey: select('Team', { rank: { $lt: 2 } }, 'city') } })).toEqual(['p1', 'p2']);
    expect(await players({ rank: { inQueryKey: select('Team', {}, 'rank') } })).toEqual(['p1', 'p2', 'p3']);
    expect(await players({ teamName: { inQueryKey: select('Team', { city: 'Nowhere' }, 'name') } })).toEqual([]);
  });

  it('the subquery where may be in REST form or GraphQL form', async () => {
    const forms = [
      { city: 'Paris' },
      { city: { $eq: 'Paris' } },
      { city: { equalTo: 'Paris' } },
      { city: { $in: ['Paris'] } },
      { city: { in: ['Paris'] } },
      { $or: [{ city: 'Paris' }, { rank: { $gt: 5 } }] },
      { OR: [{ city: { equalTo: 'Paris' } }, { rank: { greaterThan: 5 } }] },
      { AND: [{ city: { notEqualTo: 'Oslo' } }, { rank: { lessThan: 3 } }] },
      { city: { $regex: '^par', $options: 'i' } },
      { city: { matchesRegex: '^Par' } },
    ];
    for (const where of forms) expect(await players({ teamName: { inQueryKey: select('Team', where, 'name') } }), JSON.stringify(where)).toEqual(['p1']);
  });

  it('notInQueryKey: no object of the subquery has that key (objects without the field match)', async () => {
    expect(await players({ teamName: { notInQueryKey: select('Team', { city: 'Paris' }, 'name') } })).toEqual(['p2', 'p3', 'p4', 'p5']);
    expect(await players({ teamName: { notInQueryKey: select('Team', {}, 'name') } })).toEqual(['p4', 'p5']);
    expect(await players({ rank: { notInQueryKey: select('Team', { rank: { $gte: 2 } }, 'rank') } })).toEqual(['p1', 'p4', 'p5']);
  });

  it('id, objectId and pointer keys', async () => {
    expect(await players({ objectId: { inQueryKey: select('Player', { rank: { $gt: 2 } }, 'objectId') } })).toEqual(['p3', 'p4']);
    expect(await players({ id: { notInQueryKey: select('Player', { rank: { $gt: 2 } }, 'id') } })).toEqual(['p1', 'p2', 'p5']);
    // REST form: a pointer field against the objectIds of another class, and against a pointer key
    const byTeam = { team: { $select: select('Team', { city: 'Oslo' }, 'objectId') } };
    expect(await players({ objectId: { inQueryKey: select('Player', byTeam, 'objectId') } })).toEqual(['p2']);
    const samePointer = { team: { $select: select('Player', { rank: 1 }, 'team') } };
    expect(await players({ objectId: { inQueryKey: select('Player', samePointer, 'objectId') } })).toEqual(['p1']);
  });

  describe('across types', () => {
    const codes = (where: unknown) => f.titles('Code', where);
    beforeAll(async () => {
      await f.createClass('Code', {
        addStrings: [{ name: 'title' }, { name: 'code' }],
        addNumbers: [{ name: 'num' }],
        addDates: [{ name: 'day' }],
        addObjects: [{ name: 'meta' }],
        addArrays: [{ name: 'tags' }],
      });
      await f.add('Code', { title: 'c1', code: '1', num: 1, day: '2024-01-01T00:00:00.000Z', meta: { n: 1, s: '1' }, tags: ['1', 'x'] });
      await f.add('Code', { title: 'c2', code: '2024-01-01T00:00:00.000Z', num: 2, meta: { n: 2 }, tags: [2] });
    });

    it('values of different types never match (the string "1" is not the number 1)', async () => {
      expect(await codes({ code: { inQueryKey: select('Code', {}, 'num') } })).toEqual([]);
      expect(await codes({ num: { inQueryKey: select('Code', {}, 'code') } })).toEqual([]);
      expect(await codes({ code: { inQueryKey: select('Code', {}, 'day') } })).toEqual([]);
      expect(await codes({ code: { notInQueryKey: select('Code', {}, 'num') } })).toEqual(['c1', 'c2']);
      expect(await codes({ num: { inQueryKey: select('Code', {}, 'num') } })).toEqual(['c1', 'c2']);
    });

    it('keys inside Object fields, and Array fields (any element)', async () => {
      expect(await codes({ code: { inQueryKey: select('Code', {}, 'meta.s') } })).toEqual(['c1']);
      expect(await codes({ num: { inQueryKey: select('Code', {}, 'meta.n') } })).toEqual(['c1', 'c2']);
      expect(await codes({ code: { inQueryKey: select('Code', {}, 'meta.n') } })).toEqual([]);
      expect(await codes({ tags: { inQueryKey: select('Code', {}, 'code') } })).toEqual(['c1']);
      expect(await codes({ tags: { inQueryKey: select('Code', {}, 'num') } })).toEqual(['c2']);
      expect(await codes({ tags: { notInQueryKey: select('Code', {}, 'num') } })).toEqual(['c1']);
      const rest = (where: unknown) => codes({ objectId: { inQueryKey: select('Code', where, 'objectId') } });
      expect(await rest({ 'meta.n': { $select: select('Code', {}, 'num') } })).toEqual(['c1', 'c2']);
      expect(await rest({ 'meta.s': { $select: select('Code', {}, 'num') } })).toEqual([]);
      expect(await rest({ 'meta.s': { $dontSelect: select('Code', {}, 'code') } })).toEqual(['c2']);
    });
  });

  it('nests: a subquery with its own inQueryKey', async () => {
    const inner = { name: { $select: select('Player', { rank: { $lte: 2 } }, 'teamName') } };
    expect(await players({ homeCity: { inQueryKey: select('Team', inner, 'city') } })).toEqual(['p1', 'p2']);
    const graphqlInner = { name: { inQueryKey: select('Player', { rank: { equalTo: 2 } }, 'teamName') } };
    expect(await players({ homeCity: { inQueryKey: select('Team', graphqlInner, 'city') } })).toEqual([]);
  });

  it('a subquery sees only the objects the caller may read', async () => {
    const query = `query($where: PlayerWhereInput) { players(where: $where) { edges { node { title } } } }`;
    const res = await f.s.anon(query, { where: { teamName: { inQueryKey: select('Team', {}, 'name') } } });
    expect(res.errors).toBeUndefined();
    expect(res.data.players.edges.map((e: any) => e.node.title).sort()).toEqual(['p1', 'p2']);
    const not = await f.s.anon(query, { where: { teamName: { notInQueryKey: select('Team', {}, 'name') } } });
    expect(not.data.players.edges.map((e: any) => e.node.title).sort()).toEqual(['p3', 'p4', 'p5']);
  });

  it('bad subqueries are errors', async () => {
    expect(await f.error('Player', { teamName: { inQueryKey: select('Team', {}, 'nope') } })).toMatchObject({ code: 102 });
    expect(await f.error('Player', { teamName: { inQueryKey: select('Team', { nope: 1 }, 'name') } })).toMatchObject({ code: 102 });
    expect(await f.error('Player', { teamName: { inQueryKey: select('Team', { city: { $bogus: 1 } }, 'name') } })).toMatchObject({ code: 102 });
    expect(await f.error('Player', { teamName: { inQueryKey: select('Team', { rank: { $gt: 'x' } }, 'name') } })).toMatchObject({ code: 111 });
    expect(await f.error('Player', { teamName: { inQueryKey: select('Nope', {}, 'name') } })).toMatchObject({ code: 103 });
  });
});
