import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQueryFixture, type QueryFixture } from './fixture.ts';

// in / notIn / exists. As in Parse on MongoDB, notIn matches objects without a value, and a
// null in the list of `in` matches them.
describe('where: in / notIn / exists', () => {
  let f: QueryFixture;
  const t = (where: unknown) => f.titles('Item', where);
  beforeAll(async () => {
    f = await startQueryFixture();
    await f.createClass('Item', {
      addStrings: [{ name: 'title' }, { name: 'color' }],
      addNumbers: [{ name: 'size' }],
      addBooleans: [{ name: 'ok' }],
      addDates: [{ name: 'due' }],
      addGeoPoint: { name: 'where' },
      addPolygons: [{ name: 'area' }],
      addArrays: [{ name: 'tags' }],
      addObjects: [{ name: 'meta' }],
    });
    await f.add('Item', {
      title: 'red1',
      color: 'red',
      size: 1,
      ok: true,
      due: '2024-01-01T00:00:00.000Z',
      where: { latitude: 1, longitude: 2 },
      tags: [],
      meta: {},
    });
    await f.add('Item', {
      title: 'blue2',
      color: 'blue',
      size: 2,
      ok: false,
      area: [
        { latitude: 0, longitude: 0 },
        { latitude: 0, longitude: 1 },
        { latitude: 1, longitude: 1 },
      ],
      tags: ['a'],
      meta: { k: 1 },
    });
    await f.add('Item', { title: 'green3', color: 'green', size: 3, due: '2025-01-01T00:00:00.000Z' });
    await f.add('Item', { title: 'none' });
  });
  afterAll(() => f?.close());

  it('in / notIn on strings', async () => {
    expect(await t({ color: { in: ['red', 'green', 'purple'] } })).toEqual(['green3', 'red1']);
    expect(await t({ color: { notIn: ['red', 'green'] } })).toEqual(['blue2', 'none']);
    expect(await t({ color: { in: [] } })).toEqual([]);
    expect(await t({ color: { notIn: [] } })).toEqual(['blue2', 'green3', 'none', 'red1']);
  });

  it('in / notIn on numbers and dates', async () => {
    expect(await t({ size: { in: [1, 3] } })).toEqual(['green3', 'red1']);
    expect(await t({ size: { notIn: [1, 3] } })).toEqual(['blue2', 'none']);
    expect(await t({ due: { in: ['2025-01-01T00:00:00.000Z'] } })).toEqual(['green3']);
    expect(await t({ due: { notIn: ['2025-01-01T00:00:00.000Z'] } })).toEqual(['blue2', 'none', 'red1']);
  });

  it('null in the list stands for "no value"', async () => {
    expect(await t({ color: { in: ['red', null] } })).toEqual(['none', 'red1']);
    expect(await t({ color: { notIn: ['red', null] } })).toEqual(['blue2', 'green3']);
    expect(await t({ size: { in: [null] } })).toEqual(['none']);
    expect(await t({ size: { notIn: [null] } })).toEqual(['blue2', 'green3', 'red1']);
    expect(await t({ due: { in: [null, '2024-01-01T00:00:00.000Z'] } })).toEqual(['blue2', 'none', 'red1']);
  });

  it('in and notIn together', async () => {
    expect(await t({ size: { in: [1, 2, 3], notIn: [2] } })).toEqual(['green3', 'red1']);
  });

  it('exists on every kind of field', async () => {
    expect(await t({ color: { exists: true } })).toEqual(['blue2', 'green3', 'red1']);
    expect(await t({ color: { exists: false } })).toEqual(['none']);
    expect(await t({ ok: { exists: true } })).toEqual(['blue2', 'red1']);
    expect(await t({ due: { exists: false } })).toEqual(['blue2', 'none']);
    expect(await t({ where: { exists: true } })).toEqual(['red1']);
    expect(await t({ area: { exists: true } })).toEqual(['blue2']);
    expect(await t({ area: { exists: false } })).toEqual(['green3', 'none', 'red1']);
    // an empty array or object is a value
    expect(await t({ tags: { exists: true } })).toEqual(['blue2', 'red1']);
    expect(await t({ meta: { exists: true } })).toEqual(['blue2', 'red1']);
    expect(await t({ meta: { exists: false } })).toEqual(['green3', 'none']);
  });

  it('a field that was unset no longer exists', async () => {
    const id = await f.add('Item', { title: 'tmp', color: 'red' });
    await f.s.ok(`mutation($id: ID!) { updateItem(input: { id: $id, fields: { color: null } }) { item { objectId } } }`, { id });
    expect(await t({ color: { exists: false } })).toEqual(['none', 'tmp']);
    expect(await t({ color: { notIn: ['blue'] } })).toEqual(['green3', 'none', 'red1', 'tmp']);
    await f.s.ok(`mutation($id: ID!) { deleteItem(input: { id: $id }) { item { objectId } } }`, { id });
  });
});
