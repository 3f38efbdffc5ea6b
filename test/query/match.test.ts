import { describe, expect, it } from 'vitest';
import { ErrorCode, ParseError } from '../../src/errors/index.ts';
import { compileMatcher, parseWhere, unsupportedInMemory, type Condition } from '../../src/query/index.ts';
import { compareJson, compareText } from '../../src/query/match/json.ts';
import type { ClassDef, FieldDef } from '../../src/schema/index.ts';

// The in-memory matcher of live queries (src/query/match/). Its agreement with the SQL compiler
// is held by test/query/agreement.db.test.ts; this covers what needs no database: refusals,
// the object forms a change event may carry, and PostgreSQL's orderings it reproduces.

function classDef(className: string, fields: Record<string, FieldDef>): ClassDef {
  return { className, fields: { objectId: { type: 'String' }, ...fields }, classLevelPermissions: {}, indexes: {} };
}

const Author = classDef('Author', { name: { type: 'String' } });
const Post = classDef('Post', {
  title: { type: 'String' },
  n: { type: 'Number' },
  when: { type: 'Date' },
  meta: { type: 'Object' },
  tags: { type: 'Array' },
  loc: { type: 'GeoPoint' },
  author: { type: 'Pointer', targetClass: 'Author' },
  likers: { type: 'Relation', targetClass: 'Author' },
});
const classes = new Map([
  ['Author', Author],
  ['Post', Post],
]);
const where = (input: unknown) => parseWhere(input, Post, { classes });
const matcher = (input: unknown) => compileMatcher(where(input), Post);

function refusal(cond: Condition): { code: number; message: string } {
  try {
    compileMatcher(cond, Post);
  } catch (e) {
    if (e instanceof ParseError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('not refused');
}

describe('compileMatcher: conditions that need more than the object', () => {
  const refused: [string, unknown, RegExp][] = [
    [
      'inQueryKey',
      { title: { inQueryKey: { key: 'name', query: { className: 'Author', where: {} } } } },
      /inQueryKey on field title cannot be used in a subscription/,
    ],
    ['notInQueryKey', { title: { notInQueryKey: { key: 'name', query: { className: 'Author', where: {} } } } }, /notInQueryKey on field title/],
    ['have', { author: { have: { name: { equalTo: 'Ann' } } } }, /have on pointer field author cannot be used in a subscription/],
    ['haveNot', { author: { haveNot: { name: { equalTo: 'Ann' } } } }, /haveNot on pointer field author/],
    ['a Relation field', { likers: { exists: true } }, /Relation field likers cannot be queried in a subscription/],
    ['a Relation equal to a pointer', { likers: { equalTo: 'a1b2c3d4e5' } }, /Relation field likers/],
    ['text search', { title: { text: { search: { term: 'hello', language: 'simple' } } } }, /text search on field title cannot be used in a subscription/],
    ['one inside OR / NOR', { OR: [{ n: { equalTo: 1 } }, { NOR: [{ author: { have: {} } }] }] }, /have on pointer field author/],
  ];
  for (const [family, input, message] of refused) {
    it(`refuses ${family} with 102 and says why`, () => {
      const cond = where(input);
      expect(unsupportedInMemory(cond)).toMatch(message);
      const error = refusal(cond);
      expect(error.code).toBe(ErrorCode.INVALID_QUERY);
      expect(error.code).toBe(102);
      expect(error.message).toMatch(message);
      expect(error.message).toContain('class Post');
    });
  }

  it('accepts everything else, and says nothing', () => {
    const cond = where({
      n: { greaterThan: 1 },
      author: { equalTo: 'a1b2c3d4e5', exists: true },
      meta: { equalTo: { key: 'a.b', value: 1 } },
      OR: [{ tags: { contains: ['x'] } }],
    });
    expect(unsupportedInMemory(cond)).toBeUndefined();
    expect(() => compileMatcher(cond, Post)).not.toThrow();
  });

  it('refuses comparisons no evaluator defines (geo equality) instead of guessing', () => {
    const cond: Condition = { kind: 'compare', field: { name: 'loc', type: 'GeoPoint' }, op: 'eq', value: { latitude: 1, longitude: 2 } };
    expect(refusal(cond).code).toBe(102);
  });

  it('refuses a value of the wrong type for the field (111)', () => {
    const cond: Condition = { kind: 'compare', field: { name: 'n', type: 'Number' }, op: 'lt', value: 'ten' };
    expect(() => compileMatcher(cond, Post)).toThrow(expect.objectContaining({ code: ErrorCode.INCORRECT_TYPE }));
  });
});

describe('compileMatcher: objects as change events carry them', () => {
  it('a field absent from the object has no value', () => {
    expect(matcher({ title: { notEqualTo: 'x' } })({ objectId: 'a' })).toBe(true);
    expect(matcher({ title: { equalTo: null } })({ objectId: 'a' })).toBe(true);
    expect(matcher({ title: { exists: true } })({ objectId: 'a' })).toBe(false);
    expect(matcher({ n: { lessThan: 5 } })({ objectId: 'a' })).toBe(false);
  });

  it('never reads inherited properties as values', () => {
    const fields: Record<string, FieldDef> = { meta: { type: 'Object' } };
    // biome-ignore lint/complexity/useLiteralKeys: a field named like an inherited property, on purpose
    fields['constructor'] = { type: 'String' };
    const cls = classDef('Odd', fields);
    const cond = parseWhere({ constructor: { exists: true } }, cls, { classes });
    expect(compileMatcher(cond, cls)({ objectId: 'a' })).toBe(false);
    const path = parseWhere({ meta: { exists: true }, 'meta.toString': { $exists: true } }, cls, { classes });
    expect(compileMatcher(path, cls)({ objectId: 'a', meta: {} })).toBe(false);
    expect(compileMatcher(path, cls)({ objectId: 'a', meta: { toString: 1 } })).toBe(true);
  });

  it('dates compare as instants, whatever the zone of the object value', () => {
    const m = matcher({ when: { equalTo: '2024-06-01T12:00:00.000Z' } });
    expect(m({ when: '2024-06-01T14:00:00+02:00' })).toBe(true);
    expect(m({ when: new Date('2024-06-01T12:00:00Z') })).toBe(true);
    expect(m({ when: 'not a date' })).toBe(false);
    expect(matcher({ when: { notEqualTo: '2024-06-01T12:00:00.000Z' } })({ when: 'not a date' })).toBe(true);
  });

  it('pointers as objectIds or {objectId}', () => {
    const m = matcher({ author: { in: ['a1b2c3d4e5'] } });
    expect(m({ author: 'a1b2c3d4e5' })).toBe(true);
    expect(m({ author: { __type: 'Pointer', className: 'Author', objectId: 'a1b2c3d4e5' } })).toBe(true);
    expect(m({ author: 'zzzzzzzzzz' })).toBe(false);
  });

  it('a regex keeps no state between objects', () => {
    const m = matcher({ title: { matchesRegex: 'a', options: 'i' } });
    expect([m({ title: 'A' }), m({ title: 'A' }), m({ title: 'b' }), m({ title: 'xa' })]).toEqual([true, true, false, true]);
  });
});

describe('compileMatcher: PostgreSQL behaviours it reproduces', () => {
  it("polygons: PostgreSQL's point_inside, with its 1e-6 tolerance on crossing edges", () => {
    const square = [
      { latitude: 0, longitude: 0 },
      { latitude: 0, longitude: 10 },
      { latitude: 10, longitude: 10 },
      { latitude: 10, longitude: 0 },
    ];
    const m = matcher({ loc: { geoWithin: { polygon: square } } });
    const at = (latitude: number, longitude: number) => m({ loc: { latitude, longitude } });
    expect([at(5, 5), at(5, 10), at(0, 0), at(10, 3)]).toEqual([true, true, true, true]);
    // PostgreSQL (checked on PGlite) counts a point 5e-7 south of the south edge as on it, but
    // not one 5e-7 east of the east edge: its ray runs east, its tolerance applies to latitudes.
    expect([at(-0.0000005, 5), at(5, 10.0000005), at(5, 10.00001), at(-0.00001, 5)]).toEqual([true, false, false, false]);
    expect(m({ loc: null })).toBe(false);
  });

  it('paths step into arrays like #>: integer positions, negative from the end', () => {
    const at = (key: string) => matcher({ meta: { equalTo: { key: `list.${key}`, value: 'z' } } })({ meta: { list: ['x', 'y', 'z'] } });
    expect(['2', '-1', '02', '+2'].map(at)).toEqual([true, true, true, true]);
    expect(['3', '-4', '2x', 'length'].map(at)).toEqual([false, false, false, false]);
  });

  it('strings order by code point, jsonb values by type then value', () => {
    expect(compareText('\u{1D49C}', '\uFF5A')).toBeGreaterThan(0);
    expect(compareText('B', 'a')).toBeLessThan(0);
    expect(compareText('ab', 'abc')).toBeLessThan(0);
    const ordered = [null, '', 'a', -1, 2, false, true, [], [9], [1, 2], {}, { b: 1 }, { aa: 0, b: 1 }];
    for (let i = 1; i < ordered.length; i++) expect(compareJson(ordered[i - 1], ordered[i]), JSON.stringify(ordered[i])).toBeLessThan(0);
    expect(compareJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2.0 }], a: 1 })).toBe(0);
  });
});
