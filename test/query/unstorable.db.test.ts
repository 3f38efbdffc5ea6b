import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQueryFixture, type QueryFixture } from './fixture.ts';

// Values that PostgreSQL cannot take — a NUL character in text, jsonb or a key path; a date
// outside the years 0001–9999 — are refused by the query parser with 111, as writes refuse them,
// before any SQL runs (never a database error, never a statement with the value in it).
describe('where: values the database cannot take', () => {
  let f: QueryFixture;
  const NUL = '\u0000';

  /** The error of a find with this where, and the statements it sent to the class tables. */
  async function attempt(where: unknown): Promise<{ code: number | undefined; message: string; statements: string[] }> {
    const statements: string[] = [];
    const stop = f.s.plinth.db.onQuery((text) => {
      if (/"(Item|Author)"/.test(text)) statements.push(text);
    });
    try {
      return { ...(await f.error('Item', where)), statements };
    } finally {
      stop();
    }
  }

  /** The where as Parse's REST form, inside an inQueryKey subquery over the same class. */
  const rest = (where: unknown) => ({ objectId: { inQueryKey: { key: 'objectId', query: { className: 'Item', where } } } });

  async function expectRefused(where: unknown, message: RegExp): Promise<void> {
    const result = await attempt(where);
    expect(result, JSON.stringify(where)).toMatchObject({ code: 111, statements: [] });
    expect(result.message, JSON.stringify(where)).toMatch(message);
  }

  beforeAll(async () => {
    f = await startQueryFixture();
    await f.createClass('Author', { addStrings: [{ name: 'title' }] });
    await f.createClass('Item', {
      addStrings: [{ name: 'title' }],
      addDates: [{ name: 'when' }],
      addFiles: [{ name: 'doc' }],
      addBytes: [{ name: 'data' }],
      addObjects: [{ name: 'meta' }],
      addArrays: [{ name: 'list' }],
      addPointers: [{ name: 'author', targetClassName: 'Author' }],
      addRelations: [{ name: 'fans', targetClassName: 'Author' }],
    });
    await f.add('Item', { title: 'first', when: '0001-01-01T00:00:00.000Z', meta: { a: 'x' }, list: ['x'] });
    await f.add('Item', { title: 'last', when: '9999-12-31T23:59:59.999Z' });
    await f.add('Item', { title: `ctrl${'\u0001'}` });
  });
  afterAll(() => f?.close());

  it('a NUL character in a string, id or file name is error 111', async () => {
    const cases = [
      { title: { equalTo: `a${NUL}b` } },
      { title: { notEqualTo: NUL } },
      { title: { in: ['first', `x${NUL}`] } },
      { title: { matchesRegex: `^a${NUL}` } },
      { title: { text: { search: { term: `run${NUL}` } } } },
      { id: { equalTo: `abc${NUL}` } },
      { objectId: { in: [`abc${NUL}`] } },
      { doc: { equalTo: `a${NUL}.txt` } },
      { author: { have: { title: { equalTo: NUL } } } },
      { OR: [{ title: { equalTo: 'first' } }, { title: { equalTo: NUL } }] },
    ];
    for (const where of cases) await expectRefused(where, /NUL character/);
  });

  it('in the REST form too: pointers, relations, files, bytes, nested subqueries', async () => {
    const cases = [
      { title: `a${NUL}` },
      { author: `abc${NUL}` },
      { author: { $in: [{ __type: 'Pointer', className: 'Author', objectId: `abc${NUL}` }] } },
      { fans: { __type: 'Pointer', className: 'Author', objectId: `abc${NUL}` } },
      { doc: { __type: 'File', name: `a${NUL}` } },
      { data: { __type: 'Bytes', base64: `QQ==${NUL}` } },
      { 'meta.a': NUL },
      { author: { $inQuery: { className: 'Author', where: { title: NUL } } } },
    ];
    for (const where of cases) await expectRefused(rest(where), /NUL character/);
  });

  it('a NUL character in an Object key path, key or value, or in an array value, is error 111', async () => {
    const cases = [
      { meta: { equalTo: { key: `a${NUL}`, value: 'x' } } },
      { meta: { equalTo: { key: 'a', value: `x${NUL}` } } },
      { meta: { equalTo: { key: 'a', value: { [`k${NUL}`]: 1 } } } },
      { meta: { in: [{ key: 'a', value: ['x', [`y${NUL}`]] }] } },
      { list: { contains: ['x', `y${NUL}`] } },
      { list: { containedBy: [{ deep: [NUL] }] } },
      { list: { equalTo: `x${NUL}` } },
    ];
    for (const where of cases) await expectRefused(where, /NUL character/);
    await expectRefused(rest({ [`meta.a${NUL}`]: 1 }), /NUL character/);
  });

  it('a date outside 0001–9999 is error 111', async () => {
    const cases = [
      { when: { equalTo: '0000-06-01T00:00:00.000Z' } },
      { when: { lessThan: '+010000-01-01T00:00:00.000Z' } },
      { when: { greaterThan: '-000001-01-01T00:00:00.000Z' } },
      { when: { in: ['2020-01-01T00:00:00.000Z', '+275760-09-13T00:00:00.000Z'] } },
      { createdAt: { lessThanOrEqualTo: '0000-12-31T23:59:59.999Z' } },
    ];
    for (const where of cases) await expectRefused(where, /between 0001-01-01 and 9999-12-31/);
    await expectRefused(rest({ when: { $gt: { __type: 'Date', iso: '+010000-01-01T00:00:00.000Z' } } }), /between 0001-01-01 and 9999-12-31/);
  });

  it('values next to those limits are ordinary', async () => {
    expect(await f.titles('Item', { when: { equalTo: '0001-01-01T00:00:00.000Z' } })).toEqual(['first']);
    expect(await f.titles('Item', { when: { greaterThanOrEqualTo: '9999-12-31T23:59:59.999Z' } })).toEqual(['last']);
    expect(await f.titles('Item', { when: { in: ['0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z'] } })).toEqual(['first', 'last']);
    expect(await f.titles('Item', { title: { equalTo: `ctrl${'\u0001'}` } })).toEqual([`ctrl${'\u0001'}`]);
    expect(await f.titles('Item', { title: { matchesRegex: '\\x01$' } })).toEqual([`ctrl${'\u0001'}`]);
    // a NUL spelled as a regex escape is fine: it matches nothing stored
    expect(await f.titles('Item', { title: { matchesRegex: '\\x00|\\0' } })).toEqual([]);
  });
});
