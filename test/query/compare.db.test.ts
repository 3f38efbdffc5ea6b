import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQueryFixture, type QueryFixture } from './fixture.ts';

// Comparison operators on every scalar type. "x" has no value for any field but its title:
// a missing value never equals, is never less or greater, and always matches notEqualTo.
describe('where: equalTo / notEqualTo / lessThan / … on scalar fields', () => {
  let f: QueryFixture;
  const t = (where: unknown) => f.titles('Item', where);
  beforeAll(async () => {
    f = await startQueryFixture();
    await f.createClass('Item', {
      addStrings: [{ name: 'title' }, { name: 'name' }],
      addNumbers: [{ name: 'n' }],
      addBooleans: [{ name: 'flag' }],
      addDates: [{ name: 'when' }],
      addBytes: [{ name: 'data' }],
      addFiles: [{ name: 'doc' }],
    });
    await f.add('Item', { title: 'a', name: 'apple', n: 1, flag: true, when: '2024-01-01T00:00:00.000Z', data: 'AQID', doc: { file: 'a.txt' } });
    await f.add('Item', { title: 'b', name: 'banana', n: 2.5, flag: false, when: '2024-06-01T12:00:00.000Z', data: 'BAUG', doc: { file: 'b.txt' } });
    await f.add('Item', { title: 'c', name: 'cherry', n: -3, flag: true, when: '2025-01-01T00:00:00.000Z', data: 'BwgJ', doc: { file: 'c.txt' } });
    await f.add('Item', { title: 'x' });
  });
  afterAll(() => f?.close());

  it('String', async () => {
    expect(await t({ name: { equalTo: 'banana' } })).toEqual(['b']);
    expect(await t({ name: { notEqualTo: 'banana' } })).toEqual(['a', 'c', 'x']);
    expect(await t({ name: { lessThan: 'banana' } })).toEqual(['a']);
    expect(await t({ name: { lessThanOrEqualTo: 'banana' } })).toEqual(['a', 'b']);
    expect(await t({ name: { greaterThan: 'banana' } })).toEqual(['c']);
    expect(await t({ name: { greaterThanOrEqualTo: 'banana' } })).toEqual(['b', 'c']);
    expect(await t({ name: { greaterThan: 'apple', lessThan: 'cherry' } })).toEqual(['b']);
    expect(await t({ name: { equalTo: 'Banana' } })).toEqual([]);
  });

  it('Number (integers and fractions, negative values)', async () => {
    expect(await t({ n: { equalTo: 2.5 } })).toEqual(['b']);
    expect(await t({ n: { notEqualTo: 1 } })).toEqual(['b', 'c', 'x']);
    expect(await t({ n: { lessThan: 1 } })).toEqual(['c']);
    expect(await t({ n: { lessThanOrEqualTo: 1 } })).toEqual(['a', 'c']);
    expect(await t({ n: { greaterThan: 1 } })).toEqual(['b']);
    expect(await t({ n: { greaterThanOrEqualTo: -3 } })).toEqual(['a', 'b', 'c']);
    expect(await t({ n: { greaterThan: -5, lessThan: 2 } })).toEqual(['a', 'c']);
  });

  it('Boolean', async () => {
    expect(await t({ flag: { equalTo: true } })).toEqual(['a', 'c']);
    expect(await t({ flag: { equalTo: false } })).toEqual(['b']);
    expect(await t({ flag: { notEqualTo: true } })).toEqual(['b', 'x']);
    expect(await t({ flag: { notEqualTo: false } })).toEqual(['a', 'c', 'x']);
  });

  it('Date (ISO strings; Parse {__type: "Date", iso} too)', async () => {
    expect(await t({ when: { equalTo: '2024-06-01T12:00:00.000Z' } })).toEqual(['b']);
    expect(await t({ when: { equalTo: { __type: 'Date', iso: '2024-06-01T12:00:00.000Z' } } })).toEqual(['b']);
    expect(await t({ when: { notEqualTo: '2024-06-01T12:00:00.000Z' } })).toEqual(['a', 'c', 'x']);
    expect(await t({ when: { lessThan: '2024-06-01T12:00:00.000Z' } })).toEqual(['a']);
    expect(await t({ when: { lessThanOrEqualTo: '2024-06-01T12:00:00.000Z' } })).toEqual(['a', 'b']);
    expect(await t({ when: { greaterThan: '2024-06-01T12:00:00.000Z' } })).toEqual(['c']);
    expect(await t({ when: { greaterThanOrEqualTo: '2024-01-01T00:00:00.000Z', lessThan: '2025-01-01T00:00:00.000Z' } })).toEqual(['a', 'b']);
    // the same instant in another time zone
    expect(await t({ when: { equalTo: '2024-06-01T14:00:00+02:00' } })).toEqual(['b']);
  });

  it('createdAt and updatedAt', async () => {
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect(await t({ createdAt: { lessThan: future } })).toEqual(['a', 'b', 'c', 'x']);
    expect(await t({ updatedAt: { greaterThan: future } })).toEqual([]);
    expect(await t({ createdAt: { exists: true } })).toEqual(['a', 'b', 'c', 'x']);
  });

  it('Bytes (base64)', async () => {
    expect(await t({ data: { equalTo: 'BAUG' } })).toEqual(['b']);
    expect(await t({ data: { equalTo: { __type: 'Bytes', base64: 'BAUG' } } })).toEqual(['b']);
    expect(await t({ data: { notEqualTo: 'BAUG' } })).toEqual(['a', 'c', 'x']);
    expect(await t({ data: { in: ['AQID', 'BwgJ'] } })).toEqual(['a', 'c']);
    expect(await t({ data: { exists: false } })).toEqual(['x']);
  });

  it('File (by file name)', async () => {
    expect(await t({ doc: { equalTo: 'b.txt' } })).toEqual(['b']);
    expect(await t({ doc: { equalTo: { __type: 'File', name: 'b.txt' } } })).toEqual(['b']);
    expect(await t({ doc: { notEqualTo: 'b.txt' } })).toEqual(['a', 'c', 'x']);
    expect(await t({ doc: { greaterThan: 'a.txt' } })).toEqual(['b', 'c']);
    expect(await t({ doc: { in: ['a.txt', 'c.txt'] } })).toEqual(['a', 'c']);
  });

  it('objectId and id take raw objectIds and global ids', async () => {
    const a = f.ids.get('a')!;
    const b = f.ids.get('b')!;
    const globalB = Buffer.from(`Item:${b}`).toString('base64');
    expect(await t({ objectId: { equalTo: b } })).toEqual(['b']);
    expect(await t({ id: { equalTo: b } })).toEqual(['b']);
    expect(await t({ id: { equalTo: globalB } })).toEqual(['b']);
    expect(await t({ objectId: { equalTo: globalB } })).toEqual(['b']);
    expect(await t({ id: { notEqualTo: globalB } })).toEqual(['a', 'c', 'x']);
    expect(await t({ id: { in: [a, globalB] } })).toEqual(['a', 'b']);
    expect(await t({ id: { notIn: [a, globalB] } })).toEqual(['c', 'x']);
    // a global id of another class is not an id of this one
    expect(await t({ id: { equalTo: Buffer.from(`Other:${b}`).toString('base64') } })).toEqual([]);
    const sorted = [...f.ids.values()].sort();
    const below = await t({ objectId: { lessThan: sorted[2] } });
    expect(below).toHaveLength(2);
    expect(await t({ objectId: { greaterThanOrEqualTo: sorted[2] } })).toHaveLength(2);
  });

  it('equalTo null means "has no value", notEqualTo null "has a value"', async () => {
    expect(await t({ name: { equalTo: null } })).toEqual(['x']);
    expect(await t({ name: { notEqualTo: null } })).toEqual(['a', 'b', 'c']);
    expect(await t({ n: { equalTo: null } })).toEqual(['x']);
    expect(await t({ when: { notEqualTo: null } })).toEqual(['a', 'b', 'c']);
  });

  it('several fields are combined with AND', async () => {
    expect(await t({ flag: { equalTo: true }, n: { greaterThan: 0 } })).toEqual(['a']);
    expect(await t({ flag: { equalTo: true }, name: { notEqualTo: 'apple' } })).toEqual(['c']);
  });

  it('literal (non-variable) where arguments behave the same', async () => {
    const data = await f.s.ok(
      `{ items(where: { n: { greaterThan: 0 }, when: { lessThan: "2025-01-01T00:00:00.000Z" }, data: { notEqualTo: "AQID" } }) { edges { node { title } } } }`,
    );
    expect(data.items.edges.map((e: any) => e.node.title)).toEqual(['b']);
  });
});
