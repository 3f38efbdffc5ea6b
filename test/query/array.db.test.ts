import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQueryFixture, type QueryFixture } from './fixture.ts';

// Array fields follow MongoDB: equality with a scalar means "contains it", with an array
// means "is exactly it"; in matches when any element is in the list; ordering operators
// match when any element of the same JSON type compares true.
describe('where: Array fields', () => {
  let f: QueryFixture;
  const t = (where: unknown) => f.titles('Bag', where);
  beforeAll(async () => {
    f = await startQueryFixture();
    await f.createClass('Bag', { addStrings: [{ name: 'title' }], addArrays: [{ name: 'tags' }, { name: 'nums' }, { name: 'objs' }] });
    await f.add('Bag', { title: 'a1', tags: ['red', 'green'], nums: [1, 5], objs: [{ k: 1, v: 'a' }] });
    await f.add('Bag', { title: 'a2', tags: ['blue'], nums: [10], objs: [{ k: 2 }, { k: 1, v: 'b' }] });
    await f.add('Bag', { title: 'a3', tags: ['red', 'blue', 'green'], nums: [] });
    await f.add('Bag', { title: 'a4', tags: [], nums: [2, 'x'] });
    await f.add('Bag', { title: 'a5' });
    await f.add('Bag', { title: 'a6', tags: [['red', 'green'], 'pink'] });
  });
  afterAll(() => f?.close());

  it('equalTo a scalar: the array contains it; equalTo an array: exactly that array, or has it as an element', async () => {
    expect(await t({ tags: { equalTo: 'red' } })).toEqual(['a1', 'a3']);
    expect(await t({ tags: { equalTo: ['red', 'green'] } })).toEqual(['a1', 'a6']);
    expect(await t({ tags: { equalTo: ['red'] } })).toEqual([]);
    expect(await t({ tags: { equalTo: ['green', 'red'] } })).toEqual([]);
    expect(await t({ tags: { equalTo: [] } })).toEqual(['a4']);
    expect(await t({ nums: { equalTo: 5 } })).toEqual(['a1']);
    expect(await t({ nums: { equalTo: 'x' } })).toEqual(['a4']);
    // elements compare by deep equality: a part of an object is not equal to it
    expect(await t({ objs: { equalTo: { k: 1, v: 'a' } } })).toEqual(['a1']);
    expect(await t({ objs: { equalTo: { v: 'a', k: 1 } } })).toEqual(['a1']);
    expect(await t({ objs: { equalTo: { k: 1 } } })).toEqual([]);
    expect(await t({ objs: { equalTo: { k: 2 } } })).toEqual(['a2']);
  });

  it('notEqualTo is the negation, so objects without the field match', async () => {
    expect(await t({ tags: { notEqualTo: 'red' } })).toEqual(['a2', 'a4', 'a5', 'a6']);
    expect(await t({ tags: { notEqualTo: ['red', 'green'] } })).toEqual(['a2', 'a3', 'a4', 'a5']);
  });

  it('in: any element is in the list (an array in the list matches the whole array); notIn: none is', async () => {
    expect(await t({ tags: { in: ['blue', 'yellow'] } })).toEqual(['a2', 'a3']);
    expect(await t({ tags: { in: [['red', 'green']] } })).toEqual(['a1', 'a6']);
    expect(await t({ tags: { notIn: ['blue'] } })).toEqual(['a1', 'a4', 'a5', 'a6']);
    expect(await t({ tags: { in: [] } })).toEqual([]);
    expect(await t({ tags: { notIn: [] } })).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
    expect(await t({ tags: { in: [null, 'blue'] } })).toEqual(['a2', 'a3', 'a5']);
    expect(await t({ tags: { notIn: [null, 'blue'] } })).toEqual(['a1', 'a4', 'a6']);
  });

  it('contains: every listed value is an element', async () => {
    expect(await t({ tags: { contains: ['red'] } })).toEqual(['a1', 'a3']);
    expect(await t({ tags: { contains: ['red', 'green'] } })).toEqual(['a1', 'a3']);
    expect(await t({ tags: { contains: ['red', 'blue'] } })).toEqual(['a3']);
    expect(await t({ tags: { contains: [] } })).toEqual([]);
    expect(await t({ nums: { contains: [1, 5] } })).toEqual(['a1']);
    expect(await t({ objs: { contains: [{ k: 1, v: 'b' }, { k: 2 }] } })).toEqual(['a2']);
    expect(await t({ objs: { contains: [{ k: 1 }] } })).toEqual([]);
    expect(await t({ tags: { contains: [['red', 'green'], 'pink'] } })).toEqual(['a6']);
    expect(await t({ tags: { contains: [['red']] } })).toEqual([]);
  });

  it('containedBy: every element is in the list (an empty array always is)', async () => {
    expect(await t({ tags: { containedBy: ['red', 'green', 'blue'] } })).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(await t({ tags: { containedBy: ['red', 'green'] } })).toEqual(['a1', 'a4']);
    expect(await t({ tags: { containedBy: [] } })).toEqual(['a4']);
    expect(await t({ tags: { contains: ['red'], containedBy: ['red', 'green'] } })).toEqual(['a1']);
    expect(await t({ objs: { containedBy: [{ k: 2 }, { k: 1, v: 'b' }, 'x'] } })).toEqual(['a2']);
    expect(await t({ objs: { containedBy: [{ k: 2 }, { k: 1 }] } })).toEqual([]);
    expect(await t({ tags: { containedBy: [['red', 'green'], 'pink', 'blue'] } })).toEqual(['a2', 'a4', 'a6']);
  });

  it('ordering operators: some element of the same type compares true', async () => {
    expect(await t({ nums: { lessThan: 5 } })).toEqual(['a1', 'a4']);
    expect(await t({ nums: { lessThanOrEqualTo: 1 } })).toEqual(['a1']);
    expect(await t({ nums: { greaterThan: 5 } })).toEqual(['a2']);
    expect(await t({ nums: { greaterThanOrEqualTo: 5 } })).toEqual(['a1', 'a2']);
    expect(await t({ nums: { greaterThan: 'a' } })).toEqual(['a4']);
  });

  it('exists: an empty array is a value', async () => {
    expect(await t({ tags: { exists: true } })).toEqual(['a1', 'a2', 'a3', 'a4', 'a6']);
    expect(await t({ nums: { exists: false } })).toEqual(['a5', 'a6']);
  });

  it('contains / containedBy on a non-Array field is error 102', async () => {
    const onString = { objectId: { inQueryKey: { key: 'objectId', query: { className: 'Bag', where: { title: { $all: ['a'] } } } } } };
    expect(await f.error('Bag', onString)).toMatchObject({ code: 102 });
  });
});
