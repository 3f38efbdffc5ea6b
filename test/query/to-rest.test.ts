import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors/index.ts';
import { parseWhere, type Condition, type FieldRef } from '../../src/query/index.ts';
import { conditionToRest } from '../../src/query/rest/index.ts';
import type { ClassDef, FieldDef } from '../../src/schema/index.ts';
import { ALL_CASES } from './agreement-cases.ts';

// conditionToRest writes the query AST back in Parse's REST where form (how a GraphQL where
// reaches a beforeFind trigger as a Parse.Query). What it writes must read back, through
// parseWhere, as the same condition.

function classDef(className: string, fields: Record<string, FieldDef>): ClassDef {
  const system: Record<string, FieldDef> = { objectId: { type: 'String' }, createdAt: { type: 'Date' }, updatedAt: { type: 'Date' }, ACL: { type: 'ACL' } };
  return { className, fields: { ...system, ...fields }, classLevelPermissions: {}, indexes: {} };
}

const Owner = classDef('Owner', {
  title: { type: 'String' },
  name: { type: 'String' },
  rank: { type: 'Number' },
  boss: { type: 'Pointer', targetClass: 'Owner' },
});
const Thing = classDef('Thing', {
  title: { type: 'String' },
  name: { type: 'String' },
  note: { type: 'String' },
  n: { type: 'Number' },
  flag: { type: 'Boolean' },
  when: { type: 'Date' },
  data: { type: 'Bytes' },
  doc: { type: 'File' },
  meta: { type: 'Object' },
  tags: { type: 'Array' },
  nums: { type: 'Array' },
  objs: { type: 'Array' },
  words: { type: 'Array' },
  loc: { type: 'GeoPoint' },
  area: { type: 'Polygon' },
  owner: { type: 'Pointer', targetClass: 'Owner' },
  fans: { type: 'Relation', targetClass: 'Owner' },
  ['__proto__']: { type: 'String' },
});
const classes = new Map([
  ['Owner', Owner],
  ['Thing', Thing],
]);
const parse = (where: unknown) => parseWhere(where, Thing, { classes });
const ids = (title: string) => `id${title}0000000`;

/** A condition in a canonical form: `and` flattened and sorted, empty combinators and lists as constants. */
function canonical(c: Condition): unknown {
  switch (c.kind) {
    case 'containsAll':
      return c.values.length ? JSON.parse(JSON.stringify(c)) : { kind: 'const', value: false };
    case 'containsAllStartingWith':
      return c.prefixes.length ? JSON.parse(JSON.stringify(c)) : { kind: 'const', value: false };
    case 'and': {
      const parts = c.conditions.map(canonical).flatMap((p) => ((p as Condition).kind === 'and' ? (p as { conditions: Condition[] }).conditions : [p]));
      const kept = parts.filter((p) => !((p as Condition).kind === 'const' && (p as { value: boolean }).value));
      if (kept.length === 0) return { kind: 'const', value: true };
      if (kept.length === 1) return kept[0];
      return { kind: 'and', conditions: kept.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) };
    }
    case 'or':
    case 'nor':
      if (c.conditions.length === 0) return { kind: 'const', value: c.kind === 'nor' };
      return { kind: c.kind, conditions: c.conditions.map(canonical) };
    case 'pointerMatches':
    case 'relationMatches':
    case 'inQueryKey':
      return JSON.parse(JSON.stringify({ ...c, where: canonical(c.where) }));
    default:
      return JSON.parse(JSON.stringify(c));
  }
}

function roundTrip(condition: Condition): Condition {
  return parse(JSON.parse(JSON.stringify(conditionToRest(condition))));
}

/** Where inputs for the kinds the agreement table (which runs without other classes) leaves out. */
const MORE_WHERES: [string, unknown][] = [
  ['text search with options', { note: { text: { search: { term: 'line -second', language: 'fr', caseSensitive: true, diacriticSensitive: false } } } }],
  ['pointer have', { owner: { have: { name: { equalTo: 'Ann' }, rank: { greaterThan: 2 } } } }],
  ['pointer haveNot, nested have', { owner: { haveNot: { boss: { have: { name: { in: ['A', 'B'] } } } } } }],
  ['relation have / haveNot', { fans: { have: { rank: { lessThan: 3 } }, haveNot: { name: { equalTo: 'Bob' } } } }],
  ['relation exists', { fans: { exists: true } }],
  ['relation does not exist', { fans: { exists: false } }],
  ['relation equal to a pointer', { fans: { equalTo: ids('o1') } }],
  ['inQueryKey', { name: { inQueryKey: { key: 'name', query: { className: 'Owner', where: { rank: { $gt: 1 } } } } } }],
  ['notInQueryKey on a pointer', { owner: { notInQueryKey: { key: 'objectId', query: { className: 'Owner', where: {} } } } }],
  [
    'inQueryKey on an Object key, by a dotted key',
    { 'meta.color': { $select: { key: 'name', query: { className: 'Owner', where: { name: { exists: true } } } } } },
  ],
  ['a dotted key equal to an object (REST literal)', { 'meta.nested': { deep: true }, 'meta.empty': {} }],
  ['inQueryKey on a whole Object field', { meta: { inQueryKey: { key: 'title', query: { className: 'Thing', where: { n: 1 } } } } }],
  ['objectId in', { objectId: { in: [ids('a'), ids('b')] } }],
  ['id notIn', { id: { notIn: [ids('a')] } }],
  ['pointer in / notIn with null', { owner: { in: [ids('o1'), null], notIn: [ids('o2')] } }],
  ['several operators on one key, beside other keys', { n: { greaterThan: 1, lessThan: 9, notEqualTo: 5 }, name: { exists: true }, tags: { contains: ['a'] } }],
  ['equality beside an operator on the same key', { AND: [{ n: { equalTo: 3 } }, { n: { greaterThan: 1 } }] }],
  ['the same operator twice on one key', { AND: [{ n: { greaterThan: 1 } }, { n: { greaterThan: 2 } }], OR: [{ flag: { equalTo: true } }] }],
  ['two ORs', { AND: [{ OR: [{ n: { equalTo: 1 } }, { n: { equalTo: 2 } }] }, { OR: [{ name: { equalTo: 'a' } }, { NOR: [] }] }] }],
  ['two regexes on one key', { AND: [{ note: { matchesRegex: '^a', options: 'i' } }, { note: { matchesRegex: 'b$' } }] }],
  ['an Array equal to an object', { objs: { equalTo: { k: 1, v: 'a' } } }],
  ['a key inside an Object equal to an object', { meta: { equalTo: { key: 'nested', value: { deep: true } } } }],
  ['an Object key equal to null, an Object key in', { 'meta.color': { $eq: null }, 'meta.size': { $in: [1, 2] } }],
  ['a whole Object field equal to a literal', { meta: 'red' }],
  ['pointer equal to null / not null', { owner: { equalTo: null }, name: { notEqualTo: null } }],
  [
    'dates and createdAt',
    { when: { greaterThan: '2024-01-01T00:00:00Z' }, createdAt: { lessThanOrEqualTo: { __type: 'Date', iso: '2030-01-01T00:00:00.000Z' } } },
  ],
  ['a field named __proto__', JSON.parse('{"__proto__": {"equalTo": "x"}}')],
];

describe('conditionToRest: parseWhere reads it back as the same condition', () => {
  for (const c of ALL_CASES) {
    it(c.name, () => {
      const condition = c.ast ?? parse(typeof c.where === 'function' ? c.where(ids) : c.where);
      if (c.ast?.kind === 'compare' && c.ast.field.type === 'Object' && !c.ast.field.path) return; // whole-Object comparisons: below
      expect(canonical(roundTrip(condition))).toEqual(canonical(condition));
    });
  }
  for (const [name, where] of MORE_WHERES) {
    it(name, () => {
      const condition = parse(where);
      expect(canonical(roundTrip(condition))).toEqual(canonical(condition));
    });
  }

  it('the corpus covers every kind of condition', () => {
    const kinds = new Set<string>();
    const walk = (c: Condition) => {
      kinds.add(c.kind);
      if ('conditions' in c) c.conditions.forEach(walk);
      if ('where' in c) walk(c.where);
    };
    for (const c of ALL_CASES) walk(c.ast ?? parse(typeof c.where === 'function' ? c.where(ids) : c.where));
    for (const [, where] of MORE_WHERES) walk(parse(where));
    const every = [
      'and',
      'or',
      'nor',
      'const',
      'compare',
      'in',
      'exists',
      'regex',
      'text',
      'containsAll',
      'containsAllStartingWith',
      'containedBy',
      'near',
      'withinBox',
      'withinPolygon',
      'withinSphere',
      'intersectsPoint',
      'inQueryKey',
      'pointerMatches',
      'relationMatches',
      'relationContains',
    ];
    expect([...kinds].sort()).toEqual(every.sort());
  });
});

describe("conditionToRest: Parse's REST form", () => {
  const f = (name: string, type: FieldRef['type'], more: Partial<FieldRef> = {}): FieldRef => ({ name, type, ...more });

  it('encodes values as Parse does: pointers, dates, files, bytes and points', () => {
    expect(conditionToRest(parse({ owner: { equalTo: ids('o1') } }))).toEqual({ owner: { __type: 'Pointer', className: 'Owner', objectId: ids('o1') } });
    expect(conditionToRest(parse({ when: { lessThan: '2024-06-01T14:00:00+02:00' } }))).toEqual({
      when: { $lt: { __type: 'Date', iso: '2024-06-01T12:00:00.000Z' } },
    });
    expect(conditionToRest(parse({ doc: { in: ['a.txt'] } }))).toEqual({ doc: { $in: [{ __type: 'File', name: 'a.txt' }] } });
    expect(conditionToRest(parse({ data: { notEqualTo: 'AQID' } }))).toEqual({ data: { $ne: { __type: 'Bytes', base64: 'AQID' } } });
    expect(conditionToRest(parse({ loc: { nearSphere: { latitude: 1, longitude: 2 }, maxDistanceInKilometers: 6371 } }))).toEqual({
      loc: { $nearSphere: { __type: 'GeoPoint', latitude: 1, longitude: 2 }, $maxDistance: 1 },
    });
  });

  it('writes equality as a literal and gathers the operators of one key in one object', () => {
    expect(conditionToRest(parse({ name: { equalTo: 'a' }, n: { greaterThan: 1, lessThan: 5 } }))).toEqual({ name: 'a', n: { $gt: 1, $lt: 5 } });
    expect(conditionToRest(parse({ AND: [{ n: { greaterThan: 1 } }, { n: { lessThan: 5 } }] }))).toEqual({ n: { $gt: 1, $lt: 5 } });
  });

  it('puts what collides on one key under $and', () => {
    expect(conditionToRest(parse({ AND: [{ n: { equalTo: 3 } }, { n: { greaterThan: 1 } }] }))).toEqual({ n: 3, $and: [{ n: { $gt: 1 } }] });
    expect(conditionToRest(parse({ AND: [{ note: { matchesRegex: 'a', options: 'i' } }, { note: { matchesRegex: 'b' } }] }))).toEqual({
      note: { $regex: 'a', $options: 'i' },
      $and: [{ note: { $regex: 'b' } }],
    });
  });

  it("writes prefixes as Parse.Query's containsAllStartingWith does, every \\E inside quoted", () => {
    expect(conditionToRest(parse({ words: { $all: [{ $regex: '^fo' }, { $regex: '^\\Qa.b\\E' }] } }))).toEqual({
      words: { $all: [{ $regex: '^\\Qfo\\E' }, { $regex: '^\\Qa.b\\E' }] },
    });
    const prefixes = ['a\\Eb\\Ec', 'ends\\', '\\Q', '\\E'];
    const cond: Condition = { kind: 'containsAllStartingWith', field: f('words', 'Array'), prefixes };
    const patterns = ['^\\Qa\\E\\\\E\\Qb\\E\\\\E\\Qc\\E', '^\\Qends\\\\E', '^\\Q\\Q\\E', '^\\Q\\E\\\\E\\Q\\E'];
    expect(conditionToRest(cond)).toEqual({ words: { $all: patterns.map(($regex) => ({ $regex })) } });
    expect(roundTrip(cond)).toEqual(cond);
  });

  it('subqueries carry their class name', () => {
    expect(conditionToRest(parse({ owner: { have: { name: { equalTo: 'Ann' } } } }))).toEqual({
      owner: { $inQuery: { className: 'Owner', where: { name: 'Ann' } } },
    });
    expect(conditionToRest(parse({ name: { notInQueryKey: { key: 'name', query: { className: 'Owner', where: {} } } } }))).toEqual({
      name: { $dontSelect: { key: 'name', query: { className: 'Owner', where: {} } } },
    });
  });

  it('constants: true is {}, false an empty $or; ordering against null matches nothing', () => {
    expect(conditionToRest({ kind: 'const', value: true })).toEqual({});
    expect(conditionToRest({ kind: 'const', value: false })).toEqual({ $or: [] });
    expect(conditionToRest({ kind: 'compare', field: f('n', 'Number'), op: 'lt', value: null })).toEqual({ $or: [] });
  });

  it('a relation equal to several objects: any of them', () => {
    const cond: Condition = {
      kind: 'relationContains',
      field: f('fans', 'Relation', { targetClass: 'Owner' }),
      ownerClass: 'Thing',
      objectIds: [ids('a'), ids('b')],
    };
    const back = roundTrip(cond);
    expect(back).toEqual({
      kind: 'or',
      conditions: [
        { ...cond, objectIds: [ids('a')] },
        { ...cond, objectIds: [ids('b')] },
      ],
    });
  });

  it('a whole Object field: equality to a literal, its negation under $nor, in as $or', () => {
    const meta = f('meta', 'Object');
    expect(conditionToRest({ kind: 'compare', field: meta, op: 'ne', value: 'x' })).toEqual({ $nor: [{ meta: 'x' }] });
    expect(conditionToRest({ kind: 'in', field: meta, values: ['x', null], negated: false })).toEqual({ $or: [{ meta: 'x' }, { meta: null }] });
    expect(roundTrip({ kind: 'in', field: meta, values: ['x'], negated: true })).toEqual({
      kind: 'nor',
      conditions: [{ kind: 'compare', field: meta, op: 'eq', value: 'x' }],
    });
  });

  it('refuses with 102 what the REST form cannot spell (whole Object fields compared to objects or ordered)', () => {
    for (const c of ALL_CASES.filter((c) => c.ast?.kind === 'compare' && c.ast.field.type === 'Object' && !c.ast.field.path)) {
      let error: unknown;
      try {
        conditionToRest(c.ast!);
      } catch (e) {
        error = e;
      }
      expect(error, c.name).toBeInstanceOf(ParseError);
      expect((error as ParseError).code).toBe(102);
      expect((error as ParseError).message).toMatch(/compare condition on meta cannot be written in Parse's REST form/);
    }
  });

  it('a field named __proto__ is an own key, not the prototype', () => {
    const rest = conditionToRest(parse(JSON.parse('{"__proto__": {"equalTo": "x"}, "n": {"equalTo": 1}}')));
    expect(Object.getPrototypeOf(rest)).toBe(Object.prototype);
    expect(Object.keys(rest)).toEqual(['__proto__', 'n']);
    expect(JSON.stringify(rest)).toBe('{"__proto__":"x","n":1}');
  });
});
