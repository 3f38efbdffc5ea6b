import { describe, expect, it } from 'vitest';
import { CloudFileValue, CloudGeoPointValue, CloudObjectImpl, newObject } from '../../src/cloud/object/index.ts';
import { CloudQueryImpl } from '../../src/cloud/query/index.ts';
import { and, parseWhere, type Condition } from '../../src/query/index.ts';
import { conditionToRest } from '../../src/query/rest/index.ts';
import { classes, env, parseError, Post } from './object-fixture.ts';

// CloudQuery: Parse.Query's surface, writing Parse's REST where exactly as Parse.Query does,
// and read back by parseWhere (what the operation that runs it does).

const query = () => new CloudQueryImpl('Post');
const parsed = (q: CloudQueryImpl): Condition => parseWhere(q.result().where, Post, { classes });
const author = new CloudObjectImpl('Author', env, 'a1');
const SF = { latitude: 37.77, longitude: -122.42 };

describe('constraints compose as Parse.Query composes them', () => {
  it('equalTo sets the value; other constraints on a key gather in one object; the last of an operator wins', () => {
    const q = query().equalTo('title', 'a').greaterThan('views', 1).lessThan('views', 10).notEqualTo('views', 5).greaterThan('views', 2);
    expect(q.toJSON()).toEqual({ where: { title: 'a', views: { $gt: 2, $lt: 10, $ne: 5 } } });
  });

  it('equalTo replaces the constraints on its key, and a constraint replaces an equality', () => {
    expect(query().greaterThan('views', 1).equalTo('views', 3).result().where).toEqual({ views: 3 });
    expect(query().equalTo('views', 3).lessThan('views', 9).result().where).toEqual({ views: { $lt: 9 } });
    expect(query().equalTo('author', author).notEqualTo('author', null).result().where).toEqual({ author: { $ne: null } });
  });

  it('equalTo undefined is doesNotExist; equalTo and notEqualTo take an object of keys', () => {
    expect(query().equalTo('title', undefined).result().where).toEqual({ title: { $exists: false } });
    expect(query().equalTo({ title: 'a', views: 2 }).notEqualTo({ published: true }).result().where).toEqual({
      title: 'a',
      views: 2,
      published: { $ne: true },
    });
  });

  it('encodes values as the REST API takes them', () => {
    const when = new Date('2024-01-01T00:00:00Z');
    const q = query()
      .equalTo('author', author)
      .greaterThan('when', when)
      .equalTo('cover', new CloudFileValue('c.png', 'http://files.test/c.png'))
      .containedIn('tags', [author, when]);
    expect(q.result().where).toEqual({
      author: { __type: 'Pointer', className: 'Author', objectId: 'a1' },
      when: { $gt: { __type: 'Date', iso: '2024-01-01T00:00:00.000Z' } },
      cover: { __type: 'File', name: 'c.png', url: 'http://files.test/c.png' },
      tags: {
        $in: [
          { __type: 'Pointer', className: 'Author', objectId: 'a1' },
          { __type: 'Date', iso: '2024-01-01T00:00:00.000Z' },
        ],
      },
    });
    expect(parseError(() => query().equalTo('author', newObject('Author', {}, env))).code).toBe(104);
  });

  it('keys named like Object.prototype members are ordinary keys', () => {
    const q = query().equalTo('__proto__', 'x').lessThan('constructor', 'b').greaterThan('toString', 1);
    const where = q.result().where;
    expect(Object.getPrototypeOf(where)).toBe(Object.prototype);
    expect(JSON.stringify(where)).toBe('{"__proto__":"x","constructor":{"$lt":"b"},"toString":{"$gt":1}}');
    expect(parsed(q)).toMatchObject({
      kind: 'and',
      conditions: [{ kind: 'compare', field: { name: '__proto__' } }, { field: { name: 'constructor' } }, { field: { name: 'toString' } }],
    });
  });
});

describe('regular expressions', () => {
  const regexOf = (q: CloudQueryImpl) => {
    const c = parsed(q) as Extract<Condition, { kind: 'regex' }>;
    return new RegExp(c.pattern, c.options);
  };

  it("matches takes a RegExp's flags or modifiers; a later regex without them drops the old ones", () => {
    expect(query().matches('title', /^a.b$/im).result().where).toEqual({ title: { $regex: '^a.b$', $options: 'im' } });
    expect(query().matches('title', 'x', 'i').matches('title', 'y').result().where).toEqual({ title: { $regex: 'y' } });
    expect(regexOf(query().matches('title', /^hello/i)).test('HELLO world')).toBe(true);
  });

  it('startsWith, endsWith and contains quote their text', () => {
    expect(query().startsWith('title', 'a.b').result().where).toEqual({ title: { $regex: '^\\Qa.b\\E' } });
    const starts = regexOf(query().startsWith('title', 'a.b'));
    expect([starts.test('a.bc'), starts.test('axbc'), starts.test('za.b')]).toEqual([true, false, false]);
    const ends = regexOf(query().endsWith('title', '(x)'));
    expect([ends.test('a(x)'), ends.test('ax')]).toEqual([true, false]);
    const contains = regexOf(query().contains('title', 'a\\Eb*'));
    expect([contains.test('za\\Eb*z'), contains.test('zab')]).toEqual([true, false]);
    expect(regexOf(query().startsWith('title', 'ab', 'i')).test('ABC')).toBe(true);
  });

  it('refuses what is not a string', () => {
    expect(parseError(() => query().startsWith('title', 1 as unknown as string)).code).toBe(102);
    expect(parseError(() => query().fullText('title', '')).code).toBe(102);
    expect(parseError(() => query().fullText('title', 'x', { stemming: true } as never)).code).toBe(102);
  });
});

describe('every constraint reads back through parseWhere', () => {
  const area = [
    { latitude: 0, longitude: 0 },
    { latitude: 0, longitude: 1 },
    { latitude: 1, longitude: 1 },
  ];
  const authors = () => new CloudQueryImpl('Author').equalTo('name', 'Ann');
  const cases: [string, (q: CloudQueryImpl) => CloudQueryImpl, Record<string, unknown>][] = [
    ['equalTo', (q) => q.equalTo('title', 'a'), { kind: 'compare', op: 'eq', value: 'a' }],
    ['equalTo a pointer', (q) => q.equalTo('author', author), { kind: 'compare', op: 'eq', value: 'a1' }],
    ['equalTo a relation member', (q) => q.equalTo('editors', author), { kind: 'relationContains', objectIds: ['a1'] }],
    ['notEqualTo', (q) => q.notEqualTo('views', 1), { kind: 'compare', op: 'ne', value: 1 }],
    ['lessThan a date', (q) => q.lessThan('when', new Date('2024-01-01T00:00:00Z')), { kind: 'compare', op: 'lt', value: '2024-01-01T00:00:00.000Z' }],
    ['lessThanOrEqualTo', (q) => q.lessThanOrEqualTo('views', 1), { kind: 'compare', op: 'lte' }],
    ['greaterThan', (q) => q.greaterThan('views', 1), { kind: 'compare', op: 'gt' }],
    ['greaterThanOrEqualTo', (q) => q.greaterThanOrEqualTo('createdAt', new Date(0)), { kind: 'compare', op: 'gte', value: '1970-01-01T00:00:00.000Z' }],
    ['containedIn pointers', (q) => q.containedIn('author', [author, 'a2']), { kind: 'in', values: ['a1', 'a2'], negated: false }],
    ['notContainedIn', (q) => q.notContainedIn('title', ['a']), { kind: 'in', negated: true }],
    ['containsAll', (q) => q.containsAll('tags', ['a', 'b']), { kind: 'containsAll', values: ['a', 'b'] }],
    ['containsAllStartingWith', (q) => q.containsAllStartingWith('tags', ['fo', 'a.b']), { kind: 'containsAllStartingWith', prefixes: ['fo', 'a.b'] }],
    ['containedBy', (q) => q.containedBy('tags', ['a', 'b']), { kind: 'containedBy' }],
    ['exists', (q) => q.exists('title'), { kind: 'exists', exists: true }],
    ['doesNotExist on a relation', (q) => q.doesNotExist('editors'), { kind: 'relationMatches', negated: true }],
    ['matches', (q) => q.matches('title', /a/i), { kind: 'regex', pattern: 'a', options: 'i' }],
    [
      'equalTo an object at a key inside an Object field',
      (q) => q.equalTo('meta.size', { w: 1 }),
      { kind: 'compare', op: 'eq', field: { name: 'meta', path: ['size'] }, value: { w: 1 } },
    ],
    ['matches a key inside an Object field', (q) => q.matches('meta.color', '^r'), { kind: 'regex', field: { name: 'meta', type: 'Object', path: ['color'] } }],
    [
      'fullText',
      (q) => q.fullText('title', 'hello', { language: 'fr', diacriticSensitive: false }),
      { kind: 'text', language: 'french', diacriticSensitive: false, caseSensitive: false },
    ],
    ['near', (q) => q.near('loc', new CloudGeoPointValue(SF)), { kind: 'near', point: SF, maxDistanceRadians: undefined }],
    ['withinKilometers (sorted)', (q) => q.withinKilometers('loc', SF, 63.71), { kind: 'near', maxDistanceRadians: 0.01 }],
    ['withinMiles, unsorted', (q) => q.withinMiles('loc', SF, 39.588, false), { kind: 'withinSphere', center: SF, radiusRadians: 0.01 }],
    ['withinRadians', (q) => q.withinRadians('loc', SF, 0.5), { kind: 'near', maxDistanceRadians: 0.5 }],
    [
      'withinGeoBox',
      (q) => q.withinGeoBox('loc', { latitude: 1, longitude: 2 }, { latitude: 3, longitude: 4 }),
      { kind: 'withinBox', bottomLeft: { latitude: 1, longitude: 2 } },
    ],
    ['withinPolygon', (q) => q.withinPolygon('loc', area), { kind: 'withinPolygon', points: area }],
    ['polygonContains', (q) => q.polygonContains('area', SF), { kind: 'intersectsPoint', point: SF }],
    ['matchesQuery on a pointer', (q) => q.matchesQuery('author', authors()), { kind: 'pointerMatches', targetClass: 'Author', negated: false }],
    ['doesNotMatchQuery on a relation', (q) => q.doesNotMatchQuery('editors', authors()), { kind: 'relationMatches', negated: true }],
    ['matchesKeyInQuery', (q) => q.matchesKeyInQuery('title', 'name', authors()), { kind: 'inQueryKey', className: 'Author', negated: false }],
    ['doesNotMatchKeyInQuery', (q) => q.doesNotMatchKeyInQuery('author', 'mentor', authors()), { kind: 'inQueryKey', negated: true }],
    ['or', () => CloudQueryImpl.or(query().equalTo('title', 'a'), query().greaterThan('views', 2)), { kind: 'or' }],
    ['and', () => CloudQueryImpl.and(query().equalTo('title', 'a'), query().equalTo('title', 'b')), { kind: 'and' }],
    ['nor', () => CloudQueryImpl.nor(query().exists('title')), { kind: 'nor' }],
  ];
  for (const [name, build, expected] of cases) {
    it(name, () => {
      const condition = parsed(build(query()));
      if ('maxDistanceRadians' in expected && typeof expected.maxDistanceRadians === 'number') {
        expect((condition as { maxDistanceRadians: number }).maxDistanceRadians).toBeCloseTo(expected.maxDistanceRadians, 9);
        delete expected.maxDistanceRadians;
      }
      if ('radiusRadians' in expected) {
        expect((condition as { radiusRadians: number }).radiusRadians).toBeCloseTo(expected.radiusRadians as number, 9);
        delete expected.radiusRadians;
      }
      expect(condition).toMatchObject(expected);
    });
  }

  it('a nested query carries its class and where, as Parse.Query nests it', () => {
    expect(query().matchesKeyInQuery('title', 'name', authors().limit(3)).result().where).toEqual({
      title: { $select: { key: 'name', query: { className: 'Author', where: { name: 'Ann' }, limit: 3 } } },
    });
    expect(parsed(query().matchesQuery('author', authors()))).toEqual(parseWhere({ author: { have: { name: { equalTo: 'Ann' } } } }, Post, { classes }));
  });

  it('refuses bad points (107) and queries of different classes (102)', () => {
    expect(parseError(() => query().near('loc', { latitude: 95, longitude: 0 })).code).toBe(107);
    expect(parseError(() => query().withinKilometers('loc', SF, -1)).code).toBe(102);
    expect(parseError(() => CloudQueryImpl.or(query(), new CloudQueryImpl('Author'))).code).toBe(102);
  });
});

describe('limit, skip, order, keys, include', () => {
  it("toJSON gives Parse's REST parameters; result() the parts as lists", () => {
    const q = query()
      .limit(10)
      .skip(20)
      .descending('views')
      .addAscending('title, createdAt')
      .select('title', ['views'])
      .exclude('meta')
      .include('author', ['author.mentor']);
    expect(q.toJSON()).toEqual({
      where: {},
      limit: 10,
      skip: 20,
      order: '-views,title,createdAt',
      keys: 'title,views',
      excludeKeys: 'meta',
      include: 'author,author.mentor',
    });
    expect(q.result()).toEqual({
      where: {},
      limit: 10,
      skip: 20,
      order: ['-views', 'title', 'createdAt'],
      keys: ['title', 'views'],
      excludeKeys: ['meta'],
      include: ['author', 'author.mentor'],
    });
    expect(query().ascending('a').ascending('b').addDescending(['c', 'd']).result().order).toEqual(['b', '-c', '-d']);
  });

  it('leaves out what was not asked', () => {
    expect(query().result()).toEqual({
      where: {},
      limit: undefined,
      skip: undefined,
      order: undefined,
      keys: undefined,
      excludeKeys: undefined,
      include: undefined,
    });
    expect(query().toJSON()).toEqual({ where: {} });
  });

  it('refuses a limit or skip that is not a number (102)', () => {
    expect(parseError(() => query().limit('10' as unknown as number)).code).toBe(102);
    expect(parseError(() => query().skip(-1)).code).toBe(102);
  });
});

describe('a query built from an operation (beforeFind)', () => {
  it('starts from the REST parts given, and keeps its own copy of the where', () => {
    const where = { title: { $ne: 'x' } };
    const q = new CloudQueryImpl('Post', { where, limit: 5, skip: 2, order: ['-views', 'title'], keys: ['title'], excludeKeys: ['meta'], include: ['author'] });
    q.greaterThan('views', 1);
    expect(where).toEqual({ title: { $ne: 'x' } });
    expect(q.result()).toEqual({
      where: { title: { $ne: 'x' }, views: { $gt: 1 } },
      limit: 5,
      skip: 2,
      order: ['-views', 'title'],
      keys: ['title'],
      excludeKeys: ['meta'],
      include: ['author'],
    });
    const parts = q.result();
    (parts.where.title as Record<string, unknown>).$ne = 'changed';
    expect(q.result().where.title).toEqual({ $ne: 'x' });
    expect(parseError(() => new CloudQueryImpl('Post', { where: 'title' as never })).code).toBe(102);
  });

  it('a GraphQL where, written as REST, narrowed by a trigger, reads back as both conditions', () => {
    const graphql = { OR: [{ title: { equalTo: 'a' } }, { views: { greaterThan: 3 } }], author: { have: { name: { in: ['Ann'] } } } };
    const original = parseWhere(graphql, Post, { classes });
    const q = new CloudQueryImpl('Post', { where: conditionToRest(original) });
    q.equalTo('published', true).lessThan('views', 100);
    const narrowed = parseWhere(q.result().where, Post, { classes });
    const extra = parseWhere({ published: { equalTo: true }, views: { lessThan: 100 } }, Post, { classes });
    const flat = (c: Condition): Condition[] => (c.kind === 'and' ? c.conditions.flatMap(flat) : [c]);
    const sorted = (c: Condition) =>
      flat(c)
        .map((x) => JSON.stringify(x))
        .sort();
    expect(sorted(narrowed)).toEqual(sorted(and([original, extra])));
  });
});
