import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQueryFixture, type QueryFixture } from './fixture.ts';

// Bad `where` input gets a clear Parse error — 111 for a value of the wrong type, 102 for a
// malformed query — never code 1 or a crash. The REST form (inside inQueryKey subqueries)
// reaches the query parser with any JSON at all, so most cases go through it.
describe('where: bad input', () => {
  let f: QueryFixture;
  /** A find whose where holds `where` as a Parse REST subquery over the same class. */
  const rest = (where: unknown) => f.error('Item', { objectId: { inQueryKey: { key: 'objectId', query: { className: 'Item', where } } } });
  beforeAll(async () => {
    f = await startQueryFixture();
    await f.createClass('Author', { addStrings: [{ name: 'title' }] });
    await f.createClass('Item', {
      addStrings: [{ name: 'title' }, { name: 'password' }],
      addNumbers: [{ name: 'n' }],
      addBooleans: [{ name: 'flag' }],
      addDates: [{ name: 'when' }],
      addBytes: [{ name: 'data' }],
      addGeoPoint: { name: 'loc' },
      addObjects: [{ name: 'meta' }],
      addArrays: [{ name: 'tags' }],
      addPointers: [{ name: 'author', targetClassName: 'Author' }],
    });
    await f.add('Item', { title: 'one', n: 1, password: 'visible' });
  });
  afterAll(() => f?.close());

  it('a value of the wrong type is error 111', async () => {
    const cases = [
      { n: { $gt: 'x' } },
      { n: 'one' },
      { n: { $in: [1, 'two'] } },
      { flag: 'yes' },
      { when: 'not a date' },
      { when: { $lt: 5 } },
      { title: 5 },
      { title: { $in: [1] } },
      { title: { $ne: { a: 1 } } },
      { data: 5 },
      { author: 5 },
      { author: { $in: [{ objectId: 7 }] } },
      { loc: { $nearSphere: 'here' } },
      { loc: { $within: { $box: [1, 2] } } },
    ];
    for (const where of cases) expect(await rest(where), JSON.stringify(where)).toMatchObject({ code: 111 });
  });

  it('a GraphQL value of the wrong type is an error with a Parse code, never code 1', async () => {
    const res = await f.s.master(`query($w: ItemWhereInput) { items(where: $w) { count } }`, { w: { n: { equalTo: 'abc' } } });
    expect(res.errors?.[0].extensions?.code).toBe(111);
    const date = await f.s.master(`query($w: ItemWhereInput) { items(where: $w) { count } }`, { w: { when: { lessThan: 'soon' } } });
    expect(date.errors?.[0].extensions?.code).toBe(111);
    const literal = await f.s.master(`{ items(where: { n: { equalTo: "abc" } }) { count } }`);
    // An inline literal of the wrong type fails validation: GraphQL's own code, HTTP 400.
    expect(literal.status).toBe(400);
    expect(literal.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('a malformed query is error 102', async () => {
    const cases = [
      { title: { $in: 'x' } },
      { title: { $nin: { a: 1 } } },
      { title: { $exists: 'yes' } },
      { $or: { title: 'x' } },
      { $and: 'x' },
      { $or: [5] },
      { $nor: [[{ title: 'x' }]] },
      { title: { $regex: 5 } },
      { title: { $options: 'i' } },
      { title: { $text: { $search: 'x' } } },
      { n: { $text: { $search: { $term: 'x' } } } },
      { n: { $all: [1] } },
      { title: { $nearSphere: { latitude: 0, longitude: 0 } } },
      { loc: { $maxDistance: 1 } },
      { loc: { $geoIntersects: { $point: { latitude: 0, longitude: 0 } } } },
      { loc: { $eq: { latitude: 0, longitude: 0 } } },
      { loc: { $in: [{ latitude: 0, longitude: 0 }] } },
      { ACL: { $eq: 'x' } },
      { ACL: { $exists: true } },
      { ACL: { $in: ['x'] } },
      { ACL: { $regex: 'x' } },
      { meta: { a: 1 } },
      { author: { $gt: 'x' } },
      { author: { $inQuery: 'x' } },
    ];
    for (const where of cases) expect(await rest(where), JSON.stringify(where)).toMatchObject({ code: 102 });
  });

  it('$all with regexes: only prefixes, and none beside plain values (102)', async () => {
    const mixed = { tags: { $all: [{ $regex: '^\\Qa\\E' }, 'b'] } };
    expect(await rest(mixed)).toEqual({ code: 102, message: 'All $all values must be of regex type or none: [{"$regex":"^\\\\Qa\\\\E"},"b"]' });
    expect(await rest({ tags: { $all: ['b', { $regex: '^b' }] } })).toMatchObject({
      code: 102,
      message: expect.stringMatching(/^All \$all values must be of regex type or none/),
    });
    for (const $regex of ['b', 'b$', '^b$', '^b.', '^\\d', '^(b)', '^[b]', '^b|c', '^b\\Q.\\E+', '\\Q^b\\E']) {
      const res = await rest({ tags: { $all: [{ $regex }] } });
      expect(res, $regex).toMatchObject({ code: 102, message: expect.stringMatching(/^A regex in \$all must be a prefix: \^ and literal text/) });
    }
    const refused = [
      { tags: { $all: [{ $regex: '^b', $options: 'i' }] } },
      { tags: { $all: [{ $regex: '^b', $ne: 'c' }] } },
      { tags: { $all: [{ $regex: 5 }] } },
      { tags: { $all: [{ $regex: '^(' }] } },
      { title: { $all: [{ $regex: '^b' }] } },
    ];
    for (const where of refused) expect(await rest(where), JSON.stringify(where)).toMatchObject({ code: 102 });
    // a prefix PostgreSQL cannot hold is a value of the wrong kind, as in any other regex
    expect(await rest({ tags: { $all: [{ $regex: '^\\Qa\u0000\\E' }] } })).toMatchObject({ code: 111 });
  });

  it('an unknown field or operator is error 102', async () => {
    const cases: Record<string, unknown>[] = [
      { nope: 1 },
      { 'title.x': 1 },
      { 'nope.x': 1 },
      { 'meta.': 1 },
      { 'meta..x': 1 },
      { title: { $foo: 1 } },
      { title: { equalsTo: 'x' } },
      { $where: 'sleep(1)' },
      { _rperm: { $in: ['*'] } },
      { constructor: 1 },
      { toString: { $eq: 1 } },
      { title: { toString: 1 } },
      { title: { constructor: 1 } },
      { 'title\'; DROP TABLE "Item"; --': 1 },
    ];
    for (const where of cases) expect(await rest(JSON.parse(JSON.stringify(where))), JSON.stringify(where)).toMatchObject({ code: 102 });
    // _User's password is write-only; a field called password elsewhere is ordinary
    const userPassword = { objectId: { inQueryKey: { key: 'objectId', query: { className: '_User', where: { password: 'x' } } } } };
    expect(await f.error('Item', userPassword)).toMatchObject({ code: 102 });
    expect(await f.titles('Item', { password: { equalTo: 'visible' } })).toEqual(['one']);
    // the REST __proto__ key, as JSON.parse makes it (an own property)
    expect(await rest(JSON.parse('{"__proto__": {"$eq": 1}}'))).toMatchObject({ code: 102 });
    expect(await rest({ title: { $text: { $search: { $term: 'x', $language: 'constructor' } } } })).toMatchObject({ code: 102 });
    for (const acl of [{ exists: true }, { equalTo: { key: '*.read', value: true } }, { in: [{ key: 'x', value: 1 }] }]) {
      expect(await f.error('Item', { ACL: acl }), JSON.stringify(acl)).toMatchObject({ code: 102 });
    }
    const res = await f.s.master(`query($w: ItemWhereInput) { items(where: $w) { count } }`, { w: { nope: { equalTo: 1 } } });
    // An unknown field in a variable fails the variable's coercion: 111, naming it.
    expect(res.errors?.[0].extensions?.code).toBe(111);
    expect(res.errors?.[0].message).toMatch(/nope/);
  });

  it('values are data, never SQL', async () => {
    expect(await f.titles('Item', { title: { equalTo: "x' OR '1'='1" } })).toEqual([]);
    expect(await f.titles('Item', { title: { in: ['one\'); DROP TABLE "Item"; --'] } })).toEqual([]);
    expect(await f.titles('Item', { meta: { equalTo: { key: "a'}') OR TRUE --", value: 1 } } })).toEqual([]);
    expect(await f.titles('Item', { title: { matchesRegex: "' OR TRUE --" } })).toEqual([]);
    expect(await f.titles('Item', { tags: { contains: [{ $regex: "^\\Q') OR TRUE --\\E" }] } })).toEqual([]);
    expect(await f.titles('Item', { title: { equalTo: 'one' } })).toEqual(['one']);
  });

  it('a deeply nested where is error 102', async () => {
    let deep: Record<string, unknown> = { title: { equalTo: 'one' } };
    for (let i = 0; i < 14; i++) deep = { OR: [deep] };
    expect(await f.error('Item', deep)).toMatchObject({ code: 102 });
    let shallow: Record<string, unknown> = { title: { equalTo: 'one' } };
    for (let i = 0; i < 8; i++) shallow = { OR: [shallow] };
    expect(await f.titles('Item', shallow)).toEqual(['one']);
    // in a literal document too, and nesting through subqueries counts
    const literal = `{ items(where: ${'{ OR: ['.repeat(14)}{ title: { equalTo: "one" } }${'] }'.repeat(14)}) { count } }`;
    expect((await f.s.master(literal)).errors?.[0].extensions?.code).toBe(102);
    const subquery = (levels: number): string =>
      levels === 0
        ? '{ title: { equalTo: "one" } }'
        : `{ objectId: { inQueryKey: { key: "objectId", query: { className: "Item", where: ${subquery(levels - 1)} } } } }`;
    expect((await f.s.master(`{ items(where: ${subquery(14)}) { count } }`)).errors?.[0].extensions?.code).toBe(102);
    expect(await f.s.ok(`{ items(where: ${subquery(4)}) { count } }`)).toEqual({ items: { count: 1 } });
  });

  it('a where with too many conditions is error 102', async () => {
    const many = { OR: Array.from({ length: 2100 }, (_, i) => ({ n: { equalTo: i } })) };
    expect(await f.error('Item', many)).toMatchObject({ code: 102 });
  });
});
