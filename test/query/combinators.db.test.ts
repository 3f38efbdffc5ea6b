import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQueryFixture, type QueryFixture } from './fixture.ts';

// OR / AND / NOR, nested. Every condition is true or false for every object — an object
// without a value is simply "not equal", "not greater", … — so NOR is the exact complement
// of OR, also for objects with missing values.
describe('where: OR / AND / NOR', () => {
  let f: QueryFixture;
  const t = (where: unknown) => f.titles('Row', where);
  beforeAll(async () => {
    f = await startQueryFixture();
    await f.createClass('Row', { addStrings: [{ name: 'title' }, { name: 'b' }], addNumbers: [{ name: 'a' }], addBooleans: [{ name: 'c' }] });
    await f.add('Row', { title: 'r1', a: 1, b: 'x', c: true });
    await f.add('Row', { title: 'r2', a: 2, b: 'y', c: false });
    await f.add('Row', { title: 'r3', a: 3, b: 'x' });
    await f.add('Row', { title: 'r4' });
    await f.add('Row', { title: 'r5', a: 2 });
  });
  afterAll(() => f?.close());

  it('OR and AND', async () => {
    expect(await t({ OR: [{ a: { equalTo: 1 } }, { b: { equalTo: 'y' } }] })).toEqual(['r1', 'r2']);
    expect(await t({ AND: [{ a: { greaterThan: 1 } }, { b: { equalTo: 'x' } }] })).toEqual(['r3']);
    expect(await t({ a: { greaterThanOrEqualTo: 2 }, OR: [{ b: { equalTo: 'x' } }, { c: { exists: false } }] })).toEqual(['r3', 'r5']);
    expect(await t({ OR: [{ a: { equalTo: 1 } }], AND: [{ c: { equalTo: true } }] })).toEqual(['r1']);
  });

  it('a missing value matches no comparison, in, or regex, through OR and AND', async () => {
    // r4 has no a, b or c: no positive test can match it, whichever way they combine.
    expect(await t({ OR: [{ a: { greaterThan: 1 } }, { b: { equalTo: 'x' } }] })).toEqual(['r1', 'r2', 'r3', 'r5']);
    expect(await t({ OR: [{ a: { lessThan: 2 } }, { b: { matchesRegex: '^y' } }, { a: { in: [3] } }] })).toEqual(['r1', 'r2', 'r3']);
    expect(await t({ OR: [{ a: { lessThanOrEqualTo: 0 } }, { b: { in: ['z'] } }] })).toEqual([]);
    expect(await f.count('Row', { OR: [{ a: { greaterThan: 1 } }, { c: { equalTo: true } }] })).toBe(4);
    expect(await t({ OR: [{ a: { greaterThan: 1 } }, { b: { exists: false } }] })).toEqual(['r2', 'r3', 'r4', 'r5']);
  });

  it('NOR is the complement of OR, missing values included', async () => {
    expect(await t({ NOR: [{ a: { equalTo: 1 } }, { b: { equalTo: 'y' } }] })).toEqual(['r3', 'r4', 'r5']);
    expect(await t({ NOR: [{ a: { greaterThan: 1 } }] })).toEqual(['r1', 'r4']);
    expect(await t({ NOR: [{ a: { notEqualTo: 1 } }] })).toEqual(['r1']);
    expect(await t({ NOR: [{ a: { in: [1, 2] } }] })).toEqual(['r3', 'r4']);
    expect(await t({ NOR: [{ a: { notIn: [1, 2] } }] })).toEqual(['r1', 'r2', 'r5']);
    expect(await t({ NOR: [{ c: { exists: true } }] })).toEqual(['r3', 'r4', 'r5']);
    expect(await t({ NOR: [{ b: { matchesRegex: 'x' } }] })).toEqual(['r2', 'r4', 'r5']);
    const all = ['r1', 'r2', 'r3', 'r4', 'r5'];
    for (const cond of [{ a: { lessThan: 3 } }, { b: { notEqualTo: 'x' } }, { c: { equalTo: false } }, { a: { equalTo: null } }]) {
      const [yes, no] = [await t(cond), await t({ NOR: [cond] })];
      expect([...yes, ...no].sort(), JSON.stringify(cond)).toEqual(all);
      expect(yes.filter((x) => no.includes(x))).toEqual([]);
    }
  });

  it('nests to any shape', async () => {
    expect(await t({ OR: [{ AND: [{ a: { greaterThanOrEqualTo: 2 } }, { b: { equalTo: 'x' } }] }, { NOR: [{ a: { exists: true } }] }] })).toEqual(['r3', 'r4']);
    expect(await t({ NOR: [{ OR: [{ NOR: [{ a: { equalTo: 2 } }] }, { c: { equalTo: false } }] }] })).toEqual(['r5']);
    expect(await t({ AND: [{ OR: [{ a: { equalTo: 1 } }, { a: { equalTo: 3 } }] }, { OR: [{ b: { equalTo: 'x' } }, { c: { equalTo: true } }] }] })).toEqual([
      'r1',
      'r3',
    ]);
  });

  it('empty lists and empty conditions', async () => {
    expect(await t({ OR: [] })).toEqual([]);
    expect(await t({ AND: [] })).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(await t({ NOR: [] })).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(await t({ OR: [{}] })).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(await t({ NOR: [{}] })).toEqual([]);
    expect(await t({})).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
  });

  it('REST combinators in subqueries', async () => {
    const rest = (where: unknown) => t({ objectId: { inQueryKey: { key: 'objectId', query: { className: 'Row', where } } } });
    expect(await rest({ $or: [{ a: 1 }, { b: 'y' }] })).toEqual(['r1', 'r2']);
    expect(await rest({ $and: [{ a: { $gt: 1 } }, { b: 'x' }] })).toEqual(['r3']);
    expect(await rest({ $nor: [{ a: 1 }, { b: 'y' }] })).toEqual(['r3', 'r4', 'r5']);
  });

  it('counts agree with the objects', async () => {
    expect(await f.count('Row', { NOR: [{ a: { greaterThan: 1 } }] })).toBe(2);
    expect(await f.count('Row', { OR: [{ a: { equalTo: 1 } }, { b: { equalTo: 'y' } }] })).toBe(2);
  });
});
