import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParseObject } from '../../src/core/index.ts';
import { compileMatcher, parseWhere } from '../../src/query/index.ts';
import { toGlobalId } from '../../src/schema/index.ts';
import { Auth } from '../../src/security/index.ts';
import { startQueryFixture, type QueryFixture } from './fixture.ts';

// Relay global ids and raw objectIds name the same object in every id constraint — equalTo,
// notEqualTo, in, notIn on `id` and `objectId` — at any depth of AND / OR / NOR and inside
// have / haveNot and inQueryKey subqueries, in results and in counts, and in the live matcher.
// A global id of another class names no object of this one: it matches nothing (its negation
// everything), and is no error.

describe('global and raw ids in id constraints', () => {
  let f: QueryFixture;
  let items: ParseObject[];
  /** An object's raw objectId, and its global id (of its own class, or of `asClass`). */
  const raw = (title: string) => f.ids.get(title) ?? expect.unreachable(`no object ${title}`);
  const gid = (title: string, asClass?: string) => toGlobalId(asClass ?? (title.startsWith('o') ? 'Owner' : 'Item'), raw(title));

  beforeAll(async () => {
    f = await startQueryFixture();
    await f.createClass('Owner', { addStrings: [{ name: 'title' }] });
    await f.createClass('Item', {
      addStrings: [{ name: 'title' }],
      addPointers: [{ name: 'owner', targetClassName: 'Owner' }],
      addRelations: [{ name: 'fans', targetClassName: 'Owner' }],
    });
    for (const title of ['o1', 'o2']) await f.add('Owner', { title });
    await f.add('Item', { title: 'a', owner: { link: gid('o1') }, fans: { add: [raw('o1'), gid('o2')] } });
    await f.add('Item', { title: 'b', owner: { link: raw('o2') }, fans: { add: [gid('o2')] } });
    await f.add('Item', { title: 'c' });
    const classes = f.s.plinth.schemaStore.current.classes;
    items = (
      await f.s.plinth.core.find(Auth.master(), 'Item', {
        fields: Object.keys(classes.get('Item')!.fields),
        page: { first: 100 },
        wantObjects: true,
        wantCount: false,
        wantHasNext: false,
      })
    ).objects;
  });
  afterAll(() => f?.close());

  /** Each operator with a global id, a raw id and both mixed, as the id or objectId key. */
  function forms(key: 'id' | 'objectId', op: string, titles: string[], asClass?: string): unknown[] {
    const list = op === 'in' || op === 'notIn';
    const value = (ids: string[]) => (list ? ids : ids[0]);
    return [
      { [key]: { [op]: value(titles.map((t) => gid(t, asClass))) } },
      { [key]: { [op]: value(titles.map((t) => (asClass ? gid(t, asClass) : raw(t)))) } },
      ...(list && titles.length > 1 ? [{ [key]: { [op]: titles.map((t, i) => (i % 2 || asClass ? gid(t, asClass) : raw(t))) } }] : []),
    ];
  }

  /** The same condition at several depths of the combinators. */
  function depths(where: unknown): unknown[] {
    return [where, { AND: [where] }, { OR: [{ AND: [where] }] }, { NOR: [{ NOR: [where] }] }, { OR: [{ OR: [] }, { AND: [{ OR: [where] }] }] }];
  }

  function inMemory(where: unknown): string[] {
    const classes = f.s.plinth.schemaStore.current.classes;
    const cls = classes.get('Item')!;
    const matches = compileMatcher(parseWhere(where, cls, { classes }), cls);
    return items
      .filter((o) => matches(o))
      .map((o) => o.title as string)
      .sort();
  }

  async function expectMatches(where: unknown, expected: string[], live = true): Promise<void> {
    const context = JSON.stringify(where);
    expect(await f.titles('Item', where), context).toEqual(expected);
    expect(await f.count('Item', where), context).toBe(expected.length);
    if (live) expect(inMemory(where), context).toEqual(expected);
  }

  const operators: [string, string[], string[]][] = [
    ['equalTo', ['a'], ['a']],
    ['notEqualTo', ['a'], ['b', 'c']],
    ['in', ['a', 'b'], ['a', 'b']],
    ['notIn', ['a', 'b'], ['c']],
  ];
  for (const key of ['id', 'objectId'] as const) {
    for (const [op, operand, expected] of operators) {
      it(`${key} ${op}: global, raw and mixed ids, at every depth`, async () => {
        for (const form of forms(key, op, operand)) for (const where of depths(form)) await expectMatches(where, expected);
      });
      it(`${key} ${op} with global ids of another class: as ids of no object, no error`, async () => {
        const none = op === 'equalTo' || op === 'in' ? [] : ['a', 'b', 'c'];
        for (const form of forms(key, op, operand, 'Owner')) for (const where of depths(form)) await expectMatches(where, none);
      });
    }
  }

  it('inside have / haveNot on a pointer (the target class’s ids)', async () => {
    // a links o1, b links o2, c has no owner.
    const cases: [string, string[], string[]][] = [
      ['equalTo', ['o1'], ['a']],
      ['notEqualTo', ['o1'], ['b']],
      ['in', ['o1', 'o2'], ['a', 'b']],
      ['notIn', ['o1', 'o2'], []],
    ];
    for (const [op, operand, expected] of cases) {
      const rest = ['a', 'b', 'c'].filter((t) => !expected.includes(t));
      for (const form of forms('id', op, operand)) {
        for (const where of depths(form)) {
          await expectMatches({ owner: { have: where } }, expected);
          await expectMatches({ owner: { haveNot: where } }, rest);
        }
      }
    }
    // An Item's global id names no Owner.
    await expectMatches({ owner: { have: { id: { equalTo: gid('a') } } } }, []);
  });

  it('inside have on a relation (not decidable live: SQL only)', async () => {
    await expectMatches({ fans: { have: { id: { equalTo: gid('o1') } } } }, ['a'], false);
    await expectMatches({ fans: { have: { OR: [{ objectId: { in: [gid('o2')] } }] } } }, ['a', 'b'], false);
    await expectMatches({ fans: { haveNot: { NOR: [{ id: { notEqualTo: raw('o2') } }] } } }, ['c'], false);
  });

  it('inside an inQueryKey subquery', async () => {
    const select = (where: unknown) => ({ id: { inQueryKey: { key: 'objectId', query: { className: 'Item', where } } } });
    await expectMatches(select({ id: { in: [gid('a'), raw('b')] } }), ['a', 'b'], false);
    await expectMatches(select({ OR: [{ objectId: { equalTo: gid('c') } }] }), ['c'], false);
    await expectMatches(select({ id: { equalTo: gid('o1') } }), [], false);
    const owners = (where: unknown) => ({ owner: { have: { id: { inQueryKey: { key: 'objectId', query: { className: 'Owner', where } } } } } });
    await expectMatches(owners({ id: { notIn: [gid('o2')] } }), ['a'], false);
  });

  it("in a relation field's own where (its connection arguments)", async () => {
    const data = await f.s.ok(`query($id: ID!, $w: OwnerWhereInput) { item(id: $id) { fans(where: $w) { count edges { node { title } } } } }`, {
      id: gid('a'),
      w: { OR: [{ id: { equalTo: gid('o2') } }, { NOR: [{ objectId: { notIn: [gid('o2', 'Item')] } }] }] },
    });
    expect(data.item.fans).toEqual({ count: 1, edges: [{ node: { title: 'o2' } }] });
  });
});
