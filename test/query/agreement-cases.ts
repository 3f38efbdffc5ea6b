import type { Condition, FieldRef } from '../../src/query/index.ts';
import { toGlobalId } from '../../src/schema/index.ts';

/**
 * One table of `where` cases for both evaluators of the query language (see ast.ts): the SQL
 * compiler (a find on the database) and the in-memory matcher of live queries. Each case gives
 * the where — in GraphQL input form (or Parse's REST form, which parseWhere also reads), or
 * as an AST where no input spells it — and the titles of the objects it must match.
 */

/** The objectId of an object by its title (Owner objects o1, o2; Thing objects a…x). */
export type Ids = (title: string) => string;

export interface AgreementCase {
  name: string;
  /** The where input; a function when it needs objectIds. */
  where?: unknown;
  /** The where as an AST, for what no input form spells. */
  ast?: Condition;
  expected: string[];
}

const SF = { latitude: 37.7749, longitude: -122.4194 };
const square = (south: number, west: number, north: number, east: number) => [
  { latitude: south, longitude: west },
  { latitude: north, longitude: west },
  { latitude: north, longitude: east },
  { latitude: south, longitude: east },
];

export const OWNER_FIELDS = { addStrings: [{ name: 'title' }] };

export const THING_FIELDS = {
  addStrings: [{ name: 'title' }, { name: 'name' }, { name: 'note' }],
  addNumbers: [{ name: 'n' }],
  addBooleans: [{ name: 'flag' }],
  addDates: [{ name: 'when' }],
  addBytes: [{ name: 'data' }],
  addFiles: [{ name: 'doc' }],
  addObjects: [{ name: 'meta' }],
  addArrays: [{ name: 'tags' }, { name: 'nums' }, { name: 'objs' }, { name: 'words' }],
  addGeoPoint: { name: 'loc' },
  addPolygons: [{ name: 'area' }],
  addPointers: [{ name: 'owner', targetClassName: 'Owner' }],
};

/** Thing objects in GraphQL create form. "u" is created with values that are then unset (UNSET). */
export const THINGS = (id: Ids): Record<string, unknown>[] => [
  {
    title: 'a',
    name: 'apple',
    n: 1,
    flag: true,
    when: '2024-01-01T00:00:00.000Z',
    data: 'AQID',
    doc: { file: 'a.txt' },
    owner: { link: id('o1') },
    note: 'first line\nsecond line',
    meta: { color: 'red', size: 10, nested: { deep: true }, tags: ['a', 'b'] },
    tags: ['red', 'green'],
    nums: [1, 5],
    objs: [{ k: 1, v: 'a' }],
    words: ['foo', 'drop', 'Bar'],
    loc: SF,
    area: square(37, -123, 38, -122),
  },
  {
    title: 'b',
    name: 'banana',
    n: 2.5,
    flag: false,
    when: '2024-06-01T12:00:00.000Z',
    data: 'BAUG',
    doc: { file: 'b.txt' },
    owner: { link: id('o2') },
    note: 'ONE\r\nTwo',
    meta: { color: 'blue', size: 20, nested: { deep: false } },
    tags: ['blue'],
    nums: [10],
    objs: [{ k: 2 }, { k: 1, v: 'b' }],
    words: ['50%_off', 'a\\b', 'x.y*', 'fo', 'tab\there'],
    loc: { latitude: 37.8044, longitude: -122.2712 },
    area: square(33, -119, 35, -117),
  },
  {
    title: 'c',
    name: 'cherry',
    n: -3,
    flag: true,
    when: '2025-01-01T00:00:00.000Z',
    data: 'BwgJ',
    doc: { file: 'c.txt' },
    owner: { link: id('o1') },
    note: 'dot\u2028all',
    meta: { color: 'red', size: '30' },
    tags: ['red', 'blue', 'green'],
    nums: [],
    words: ['food', 12, 'dr'],
    loc: { latitude: 37.3382, longitude: -121.8863 },
  },
  { title: 'd', name: 'Date', n: 0, note: 'Ünïcödé straße', meta: {}, tags: [], nums: [2, 'x'], words: [], loc: { latitude: 34.0522, longitude: -118.2437 } },
  {
    title: 'e',
    name: '',
    note: 'no\u00a0break',
    meta: { color: null, size: 5 },
    tags: [['red', 'green'], 'pink'],
    words: [['foo'], 'dx', { foo: 'dr' }],
    loc: { latitude: 40.7128, longitude: -74.006 },
  },
  {
    title: 'f',
    name: 'éclair',
    note: 'café au lait',
    meta: { "it's": 1, 'a b': { 'c-d': 'x' } },
    words: ['Foo', 'DROP', 'ünï'],
    loc: { latitude: 10, longitude: 15 },
  },
  { title: 'g', nums: [1.5, 'a', true, null], words: [123, 'x\\Ey', null], loc: { latitude: 20, longitude: 20 } },
  { title: 'h', loc: { latitude: 15, longitude: 20.00001 } },
  { title: 'i', loc: { latitude: -17.7134, longitude: 178.065 } },
  { title: 'j', loc: { latitude: -13.759, longitude: -172.1046 } },
  // 5e-7 outside a polygon's south edge (PostgreSQL counts it as on the edge), and east edge (it does not)
  { title: 'm', loc: { latitude: -0.0000005, longitude: 5 } },
  { title: 'n', loc: { latitude: 5, longitude: 10.0000005 } },
  { title: 'k', name: '\u{1D49C}' }, // above U+FFFF: after U+FF5A in code point order, before it in UTF-16 units
  { title: 'l', name: '\uFF5A' },
  { title: 'u', name: 'gone', n: 7, flag: true, meta: { color: 'red' }, tags: ['red'], words: ['foo', 'drop'], loc: SF, owner: { link: id('o2') } },
  { title: 'x' },
];

/** The fields of "u" set to null after it is created (unset: no value any more). */
export const UNSET = { name: null, n: null, flag: null, meta: null, tags: null, words: null, loc: null, owner: null };

export const ALL = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'u', 'x'];
/** Every title but these. */
export const but = (...titles: string[]) => ALL.filter((t) => !titles.includes(t));

const f = (name: string, type: FieldRef['type']): FieldRef => ({ name, type });

const NAMED = ['a', 'b', 'c', 'd', 'e', 'f', 'k', 'l'];
const WITH_META = ['a', 'b', 'c', 'd', 'e', 'f'];
const WITH_LOC = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'm', 'n'];
const FUTURE = '2999-01-01T00:00:00.000Z';

export const COMPARE_CASES: AgreementCase[] = [
  { name: 'String equalTo', where: { name: { equalTo: 'banana' } }, expected: ['b'] },
  { name: 'String notEqualTo matches objects without a value', where: { name: { notEqualTo: 'banana' } }, expected: but('b') },
  { name: 'String lessThan (code point order: "D" and "" before "b")', where: { name: { lessThan: 'banana' } }, expected: ['a', 'd', 'e'] },
  { name: 'String greaterThanOrEqualTo', where: { name: { greaterThanOrEqualTo: 'cherry' } }, expected: ['c', 'f', 'k', 'l'] },
  { name: 'String order by code point above U+FFFF (greaterThan)', where: { name: { greaterThan: '\uFF5A' } }, expected: ['k'] },
  { name: 'String order by code point above U+FFFF (lessThan)', where: { name: { lessThan: '\u{1D49C}' } }, expected: ['a', 'b', 'c', 'd', 'e', 'f', 'l'] },
  { name: 'equalTo null = no value (unset included)', where: { name: { equalTo: null } }, expected: but(...NAMED) },
  { name: 'notEqualTo null = has a value (an empty string is one)', where: { name: { notEqualTo: null } }, expected: NAMED },
  { name: 'Number equalTo', where: { n: { equalTo: 2.5 } }, expected: ['b'] },
  { name: 'Number notEqualTo', where: { n: { notEqualTo: 1 } }, expected: but('a') },
  { name: 'Number lessThan', where: { n: { lessThan: 1 } }, expected: ['c', 'd'] },
  { name: 'Number lessThanOrEqualTo', where: { n: { lessThanOrEqualTo: 1 } }, expected: ['a', 'c', 'd'] },
  { name: 'Number range', where: { n: { greaterThan: -5, lessThan: 2 } }, expected: ['a', 'c', 'd'] },
  { name: 'Number greaterThanOrEqualTo', where: { n: { greaterThanOrEqualTo: -3 } }, expected: ['a', 'b', 'c', 'd'] },
  { name: 'Boolean equalTo', where: { flag: { equalTo: true } }, expected: ['a', 'c'] },
  { name: 'Boolean notEqualTo', where: { flag: { notEqualTo: true } }, expected: but('a', 'c') },
  { name: 'Boolean ordering (false < true)', where: { flag: { lessThan: true } }, expected: ['b'] },
  { name: 'Date equalTo the same instant in another zone', where: { when: { equalTo: '2024-06-01T14:00:00+02:00' } }, expected: ['b'] },
  { name: 'Date {__type: Date} form', where: { when: { equalTo: { __type: 'Date', iso: '2024-06-01T12:00:00.000Z' } } }, expected: ['b'] },
  { name: 'Date lessThan', where: { when: { lessThan: '2024-06-01T12:00:00.000Z' } }, expected: ['a'] },
  { name: 'Date greaterThanOrEqualTo', where: { when: { greaterThanOrEqualTo: '2024-06-01T12:00:00.000Z' } }, expected: ['b', 'c'] },
  { name: 'Date notEqualTo', where: { when: { notEqualTo: '2024-06-01T12:00:00Z' } }, expected: but('b') },
  { name: 'createdAt', where: { createdAt: { lessThan: FUTURE } }, expected: ALL },
  { name: 'Bytes equalTo', where: { data: { equalTo: 'BAUG' } }, expected: ['b'] },
  { name: 'Bytes {__type: Bytes} form', where: { data: { equalTo: { __type: 'Bytes', base64: 'BAUG' } } }, expected: ['b'] },
  { name: 'Bytes lessThan (base64 text)', where: { data: { lessThan: 'B' } }, expected: ['a'] },
  { name: 'File equalTo', where: { doc: { equalTo: 'b.txt' } }, expected: ['b'] },
  { name: 'File greaterThan', where: { doc: { greaterThan: 'a.txt' } }, expected: ['b', 'c'] },
  { name: 'Pointer equalTo', where: (id: Ids) => ({ owner: { equalTo: id('o1') } }), expected: ['a', 'c'] },
  { name: 'Pointer notEqualTo', where: (id: Ids) => ({ owner: { notEqualTo: id('o1') } }), expected: but('a', 'c') },
  { name: 'objectId equalTo', where: (id: Ids) => ({ objectId: { equalTo: id('b') } }), expected: ['b'] },
];

export const OBJECT_CASES: AgreementCase[] = [
  { name: 'key equalTo', where: { meta: { equalTo: { key: 'color', value: 'red' } } }, expected: ['a', 'c'] },
  { name: 'key notEqualTo: a missing key or object is not equal', where: { meta: { notEqualTo: { key: 'color', value: 'red' } } }, expected: but('a', 'c') },
  { name: 'key equalTo a number', where: { meta: { equalTo: { key: 'size', value: 10 } } }, expected: ['a'] },
  { name: 'type mismatch: "10" is not 10', where: { meta: { equalTo: { key: 'size', value: '10' } } }, expected: [] },
  { name: 'key lessThan: numbers only', where: { meta: { lessThan: { key: 'size', value: 20 } } }, expected: ['a', 'e'] },
  { name: 'key lessThanOrEqualTo', where: { meta: { lessThanOrEqualTo: { key: 'size', value: 20 } } }, expected: ['a', 'b', 'e'] },
  { name: 'key greaterThan a string: strings only', where: { meta: { greaterThan: { key: 'size', value: '2' } } }, expected: ['c'] },
  { name: 'nested key', where: { meta: { equalTo: { key: 'nested.deep', value: true } } }, expected: ['a'] },
  { name: 'key equalTo an object (deep)', where: { meta: { equalTo: { key: 'nested', value: { deep: true } } } }, expected: ['a'] },
  { name: 'array position in a path', where: { meta: { equalTo: { key: 'tags.1', value: 'b' } } }, expected: ['a'] },
  { name: 'negative array position counts from the end', where: { meta: { equalTo: { key: 'tags.-1', value: 'b' } } }, expected: ['a'] },
  { name: 'array position with a leading zero', where: { meta: { equalTo: { key: 'tags.01', value: 'b' } } }, expected: ['a'] },
  { name: 'key equalTo null: missing key or JSON null', where: { meta: { equalTo: { key: 'color', value: null } } }, expected: but('a', 'b', 'c') },
  { name: 'keys with punctuation', where: { meta: { equalTo: { key: 'a b.c-d', value: 'x' } } }, expected: ['f'] },
  { name: 'key in with null', where: { meta: { in: [{ key: 'color', value: ['blue', null] }] } }, expected: but('a', 'c') },
  { name: 'key notIn', where: { meta: { notIn: [{ key: 'color', value: 'red' }] } }, expected: but('a', 'c') },
  {
    name: 'in on two keys',
    where: {
      meta: {
        in: [
          { key: 'color', value: 'red' },
          { key: 'size', value: 10 },
        ],
      },
    },
    expected: ['a'],
  },
  { name: 'exists on the field ({} is a value)', where: { meta: { exists: true } }, expected: WITH_META },
  { name: 'REST: key $exists (a JSON null is present)', where: { 'meta.color': { $exists: true } }, expected: ['a', 'b', 'c', 'e'] },
  { name: 'REST: key $exists false', where: { 'meta.color': { $exists: false } }, expected: but('a', 'b', 'c', 'e') },
  { name: 'REST: key range', where: { 'meta.size': { $gte: 10, $lt: 30 } }, expected: ['a', 'b'] },
  { name: 'REST: regex on a key (strings only)', where: { 'meta.color': { $regex: '^r' } }, expected: ['a', 'c'] },
  { name: 'REST: object ordering on a key', where: { 'meta.nested': { $lt: { deep: true } } }, expected: ['b'] },
  {
    name: 'whole objects order as jsonb: size first, then keys in storage order',
    ast: { kind: 'compare', field: f('meta', 'Object'), op: 'lt', value: { color: null, zz: 1 } },
    expected: ['c', 'd', 'e', 'f'],
  },
  {
    name: 'whole objects greaterThan',
    ast: { kind: 'compare', field: f('meta', 'Object'), op: 'gt', value: { color: 'blue', size: 20 } },
    expected: ['a', 'b'],
  },
  {
    name: 'whole object equality ignores key order',
    ast: { kind: 'compare', field: f('meta', 'Object'), op: 'eq', value: { size: 5, color: null } },
    expected: ['e'],
  },
];

export const ARRAY_CASES: AgreementCase[] = [
  { name: 'Array equalTo a scalar: has the element', where: { tags: { equalTo: 'red' } }, expected: ['a', 'c'] },
  { name: 'Array equalTo an array: is it, or has it as an element', where: { tags: { equalTo: ['red', 'green'] } }, expected: ['a', 'e'] },
  { name: 'Array notEqualTo', where: { tags: { notEqualTo: 'red' } }, expected: but('a', 'c') },
  { name: 'Array equalTo null ([] is a value)', where: { tags: { equalTo: null } }, expected: but('a', 'b', 'c', 'd', 'e') },
  { name: 'Array lessThan: some string element', where: { tags: { lessThan: 'c' } }, expected: ['b', 'c'] },
  { name: 'Array greaterThan: some number element', where: { nums: { greaterThan: 4 } }, expected: ['a', 'b'] },
  { name: 'Array lessThan a string skips numbers', where: { nums: { lessThan: 'y' } }, expected: ['d', 'g'] },
  { name: 'Array greaterThanOrEqualTo a boolean', where: { nums: { greaterThanOrEqualTo: true } }, expected: ['g'] },
  { name: 'Array equalTo a string among numbers', where: { nums: { equalTo: 'x' } }, expected: ['d'] },
  { name: 'Array equalTo 1 (not 1.5, not true)', where: { nums: { equalTo: 1 } }, expected: ['a'] },
  { name: 'Array equalTo an object: an exact element', where: { objs: { equalTo: { k: 1, v: 'a' } } }, expected: ['a'] },
  { name: 'Array equalTo a partial object matches nothing', where: { objs: { equalTo: { k: 1 } } }, expected: [] },
  { name: 'contains', where: { tags: { contains: ['red', 'green'] } }, expected: ['a', 'c'] },
  { name: 'contains nothing matches nothing', where: { tags: { contains: [] } }, expected: [] },
  { name: 'contains an array element', where: { tags: { contains: [['red', 'green']] } }, expected: ['e'] },
  { name: 'contains null', where: { nums: { contains: [null] } }, expected: ['g'] },
  { name: 'contains an object', where: { objs: { contains: [{ k: 1, v: 'b' }] } }, expected: ['b'] },
  { name: 'containedBy (an empty array qualifies)', where: { tags: { containedBy: ['red', 'green', 'blue'] } }, expected: ['a', 'b', 'c', 'd'] },
  { name: 'containedBy nothing: only empty arrays', where: { tags: { containedBy: [] } }, expected: ['d'] },
  { name: 'containedBy numbers', where: { nums: { containedBy: [1, 5, 10] } }, expected: ['a', 'b', 'c'] },
  { name: 'containedBy mixed scalars and null', where: { nums: { containedBy: [1.5, 'a', true, null] } }, expected: ['c', 'g'] },
  { name: 'containedBy objects', where: { objs: { containedBy: [{ k: 2 }, { k: 1, v: 'b' }, { k: 3 }] } }, expected: ['b'] },
];

export const IN_EXISTS_CASES: AgreementCase[] = [
  { name: 'String in', where: { name: { in: ['apple', 'cherry'] } }, expected: ['a', 'c'] },
  { name: 'String in with null', where: { name: { in: ['apple', null] } }, expected: ['a', ...but(...NAMED)].sort() },
  { name: 'String notIn', where: { name: { notIn: ['apple', 'cherry'] } }, expected: but('a', 'c') },
  { name: 'String notIn with null', where: { name: { notIn: ['apple', null] } }, expected: NAMED.filter((t) => t !== 'a') },
  { name: 'in nothing', where: { name: { in: [] } }, expected: [] },
  { name: 'notIn nothing', where: { name: { notIn: [] } }, expected: ALL },
  { name: 'Number in with null', where: { n: { in: [1, 2.5, null] } }, expected: but('c', 'd') },
  { name: 'Number notIn', where: { n: { notIn: [1, 2.5] } }, expected: but('a', 'b') },
  { name: 'Boolean in with null', where: { flag: { in: [false, null] } }, expected: but('a', 'c') },
  { name: 'Date in (as instants)', where: { when: { in: ['2024-01-01T01:00:00+01:00', '2025-01-01T00:00:00Z'] } }, expected: ['a', 'c'] },
  { name: 'Bytes in', where: { data: { in: ['AQID', 'BwgJ'] } }, expected: ['a', 'c'] },
  { name: 'File notIn', where: { doc: { notIn: ['a.txt'] } }, expected: but('a') },
  { name: 'Pointer in with null', where: (id: Ids) => ({ owner: { in: [id('o2'), null] } }), expected: but('a', 'c') },
  { name: 'Pointer notIn', where: (id: Ids) => ({ owner: { notIn: [id('o2')] } }), expected: but('b') },
  { name: 'Array in: an element, or the whole array', where: { tags: { in: ['pink', ['red', 'green']] } }, expected: ['a', 'e'] },
  { name: 'Array notIn', where: { tags: { notIn: ['red'] } }, expected: but('a', 'c') },
  { name: 'Array in null = no value', where: { nums: { in: [null] } }, expected: but('a', 'b', 'c', 'd', 'g') },
  { name: 'exists true (unset fields have none)', where: { name: { exists: true } }, expected: NAMED },
  { name: 'exists false', where: { name: { exists: false } }, expected: but(...NAMED) },
  { name: 'Array exists ([] is a value)', where: { tags: { exists: true } }, expected: ['a', 'b', 'c', 'd', 'e'] },
  { name: 'Pointer exists', where: { owner: { exists: true } }, expected: ['a', 'b', 'c'] },
  { name: 'GeoPoint exists false', where: { loc: { exists: false } }, expected: but(...WITH_LOC) },
];

/** The Relay global id of an object by its title (o1, o2 are Owners, the rest Things). */
const gid = (id: Ids, title: string) => toGlobalId(title.startsWith('o') ? 'Owner' : 'Thing', id(title));

/** Global and raw ids mean the same object at any depth; another class's global id matches nothing. */
export const ID_CASES: AgreementCase[] = [
  { name: 'id equalTo a global id', where: (id: Ids) => ({ id: { equalTo: gid(id, 'b') } }), expected: ['b'] },
  { name: 'objectId in global and raw ids', where: (id: Ids) => ({ objectId: { in: [gid(id, 'a'), id('b')] } }), expected: ['a', 'b'] },
  { name: 'id notIn a global id', where: (id: Ids) => ({ id: { notIn: [gid(id, 'a')] } }), expected: but('a') },
  {
    name: 'global ids inside OR, AND and NOR',
    where: (id: Ids) => ({ OR: [{ id: { equalTo: gid(id, 'b') } }, { AND: [{ NOR: [{ objectId: { notEqualTo: gid(id, 'c') } }] }] }] }),
    expected: ['b', 'c'],
  },
  { name: "another class's global id matches nothing", where: (id: Ids) => ({ id: { in: [gid(id, 'o1')] } }), expected: [] },
  { name: "notEqualTo another class's global id matches everything", where: (id: Ids) => ({ id: { notEqualTo: gid(id, 'o1') } }), expected: ALL },
  // A have that tests only the target's id is decided from the pointer itself in memory (live queries).
  { name: 'have on the target id', where: (id: Ids) => ({ owner: { have: { objectId: { equalTo: gid(id, 'o1') } } } }), expected: ['a', 'c'] },
  { name: 'have on the target id, in', where: (id: Ids) => ({ owner: { have: { id: { in: [id('o2'), gid(id, 'o1')] } } } }), expected: ['a', 'b', 'c'] },
  {
    name: 'have notEqualTo: pointers without a value never match',
    where: (id: Ids) => ({ owner: { have: { id: { notEqualTo: id('o1') } } } }),
    expected: ['b'],
  },
  { name: 'haveNot on the target id', where: (id: Ids) => ({ owner: { haveNot: { objectId: { equalTo: id('o1') } } } }), expected: but('a', 'c') },
  {
    name: 'have on the target id with combinators',
    where: (id: Ids) => ({ owner: { have: { OR: [{ objectId: { equalTo: id('o2') } }, { NOR: [{ id: { notIn: [gid(id, 'o1')] } }] }] } } }),
    expected: ['a', 'b', 'c'],
  },
  { name: 'have on the target id: objectId exists false', where: { owner: { have: { objectId: { exists: false } } } }, expected: [] },
  { name: "have with a global id of the pointer's own class", where: (id: Ids) => ({ owner: { have: { id: { equalTo: gid(id, 'a') } } } }), expected: [] },
];

export const REGEX_CASES: AgreementCase[] = [
  { name: '^ is the start of the string without m', where: { note: { matchesRegex: '^second' } }, expected: [] },
  { name: '^ after \\n with m', where: { note: { matchesRegex: '^second', options: 'm' } }, expected: ['a'] },
  { name: '$ at the end', where: { note: { matchesRegex: 'line$' } }, expected: ['a'] },
  { name: '$ before \\n only with m', where: { note: { matchesRegex: 'first line$' } }, expected: [] },
  { name: '$ before \\n with m', where: { note: { matchesRegex: 'first line$', options: 'm' } }, expected: ['a'] },
  { name: 'i', where: { note: { matchesRegex: 'one', options: 'i' } }, expected: ['b'] },
  { name: '^ after \\r\\n with mi', where: { note: { matchesRegex: '^two', options: 'mi' } }, expected: ['b'] },
  { name: '. does not match \\r without s', where: { note: { matchesRegex: 'ONE..Two' } }, expected: [] },
  { name: '. matches \\r and \\n with s', where: { note: { matchesRegex: 'ONE..Two', options: 's' } }, expected: ['b'] },
  { name: '. does not match U+2028 without s', where: { note: { matchesRegex: 'dot.all' } }, expected: [] },
  { name: '. matches U+2028 with s', where: { note: { matchesRegex: 'dot.all', options: 's' } }, expected: ['c'] },
  { name: '^ after U+2028 with m', where: { note: { matchesRegex: '^all', options: 'm' } }, expected: ['c'] },
  { name: '[^x] matches line breaks', where: { note: { matchesRegex: '^[^x]*$' } }, expected: ['a', 'b', 'c', 'd', 'e', 'f'] },
  { name: 'non-ASCII literal', where: { note: { matchesRegex: 'straße$' } }, expected: ['d'] },
  { name: '\\b word boundary', where: { note: { matchesRegex: '\\bline\\b' } }, expected: ['a'] },
  { name: '\\b: "é" is no word character in JavaScript', where: { note: { matchesRegex: 'caf\\b' } }, expected: ['f'] },
  { name: '\\B', where: { note: { matchesRegex: 'caf\\B' } }, expected: [] },
  { name: '\\w is ASCII', where: { note: { matchesRegex: 'caf\\w' } }, expected: [] },
  { name: '\\W', where: { note: { matchesRegex: 'caf\\W' } }, expected: ['f'] },
  { name: '\\s includes the no-break space', where: { note: { matchesRegex: 'no\\sbreak' } }, expected: ['e'] },
  { name: '\\S excludes it', where: { note: { matchesRegex: 'no\\S' } }, expected: [] },
  { name: '\\s inside a class', where: { note: { matchesRegex: 'no[\\s]break' } }, expected: ['e'] },
  { name: '\\d is ASCII', where: { note: { matchesRegex: '\\d' } }, expected: [] },
  { name: 'File names', where: { doc: { matchesRegex: '^[ab]\\.' } }, expected: ['a', 'b'] },
  { name: 'REST \\Q…\\E quoting', where: { doc: { $regex: '\\Q.txt\\E$' } }, expected: ['a', 'b', 'c'] },
  { name: 'i on non-ASCII letters', where: { note: { matchesRegex: 'ÜNÏ', options: 'i' } }, expected: ['d'] },
];

const NEAR_SF = (more: Record<string, unknown>) => ({ loc: { nearSphere: SF, ...more } });

export const GEO_CASES: AgreementCase[] = [
  { name: 'nearSphere without a bound: every point', where: NEAR_SF({}), expected: WITH_LOC },
  { name: 'nearSphere maxDistanceInKilometers', where: NEAR_SF({ maxDistanceInKilometers: 20 }), expected: ['a', 'b'] },
  { name: 'nearSphere maxDistanceInMiles', where: NEAR_SF({ maxDistanceInMiles: 50 }), expected: ['a', 'b', 'c'] },
  { name: 'nearSphere maxDistance (radians)', where: NEAR_SF({ maxDistance: 0.1 }), expected: ['a', 'b', 'c', 'd'] },
  {
    name: 'within box, edges included',
    where: { loc: { within: { box: { bottomLeft: { latitude: 10, longitude: 15 }, upperRight: { latitude: 20, longitude: 20 } } } } },
    expected: ['f', 'g'],
  },
  {
    name: 'within box across the antimeridian',
    where: { loc: { within: { box: { bottomLeft: { latitude: -20, longitude: 170 }, upperRight: { latitude: -10, longitude: -170 } } } } },
    expected: ['i', 'j'],
  },
  {
    name: 'within box west of the antimeridian',
    where: { loc: { within: { box: { bottomLeft: { latitude: -20, longitude: 170 }, upperRight: { latitude: -10, longitude: 179 } } } } },
    expected: ['i'],
  },
  { name: 'geoWithin polygon, boundary included', where: { loc: { geoWithin: { polygon: square(0, 10, 30, 20) } } }, expected: ['f', 'g', 'n'] },
  { name: "geoWithin polygon: PostgreSQL's 1e-6 tolerance", where: { loc: { geoWithin: { polygon: square(0, 0, 10, 10) } } }, expected: ['m'] },
  { name: 'geoWithin polygon around the bay', where: { loc: { geoWithin: { polygon: square(37, -123, 38, -122) } } }, expected: ['a', 'b'] },
  {
    name: 'geoWithin triangle with a point at a vertex',
    where: {
      loc: {
        geoWithin: {
          polygon: [
            { latitude: 10, longitude: 15 },
            { latitude: 10, longitude: 16 },
            { latitude: 11, longitude: 16 },
          ],
        },
      },
    },
    expected: ['f'],
  },
  {
    name: 'REST $geoWithin $polygon as [lng, lat] pairs',
    where: {
      loc: {
        $geoWithin: {
          $polygon: [
            [10, 0],
            [10, 30],
            [20, 30],
            [20, 0],
          ],
        },
      },
    },
    expected: ['f', 'g', 'n'],
  },
  { name: 'geoWithin centerSphere', where: { loc: { geoWithin: { centerSphere: { center: SF, distance: 0.01 } } } }, expected: ['a', 'b'] },
  { name: 'geoWithin a larger centerSphere', where: { loc: { geoWithin: { centerSphere: { center: SF, distance: 0.011 } } } }, expected: ['a', 'b', 'c'] },
  // A radius that covers the whole sphere: every point, never an object without one.
  { name: 'geoWithin centerSphere of π radians', where: { loc: { geoWithin: { centerSphere: { center: SF, distance: Math.PI } } } }, expected: WITH_LOC },
  {
    name: 'geoWithin centerSphere beyond π',
    where: { loc: { geoWithin: { centerSphere: { center: { latitude: -90, longitude: 0 }, distance: 1e9 } } } },
    expected: WITH_LOC,
  },
  { name: 'REST $centerSphere of a huge radius', where: { loc: { $geoWithin: { $centerSphere: [[0, 0], 1e300] } } }, expected: WITH_LOC },
  { name: 'nearSphere maxDistanceInKilometers around the whole earth', where: NEAR_SF({ maxDistanceInKilometers: 1e7 }), expected: WITH_LOC },
  { name: 'geoIntersects inside', where: { area: { geoIntersects: { point: { latitude: 37.5, longitude: -122.5 } } } }, expected: ['a'] },
  { name: 'geoIntersects on an edge', where: { area: { geoIntersects: { point: { latitude: 37, longitude: -122.5 } } } }, expected: ['a'] },
  { name: 'geoIntersects at a vertex', where: { area: { geoIntersects: { point: { latitude: 38, longitude: -122 } } } }, expected: ['a'] },
  { name: 'geoIntersects another polygon', where: { area: { geoIntersects: { point: { latitude: 34, longitude: -118 } } } }, expected: ['b'] },
  { name: 'geoIntersects outside every polygon', where: { area: { geoIntersects: { point: { latitude: 0, longitude: 0 } } } }, expected: [] },
];

/** `$all` of `{$regex: '^\\Q…\\E'}` objects, as Parse.Query's containsAllStartingWith sends it. */
const startingWith = (...prefixes: string[]) => ({ words: { $all: prefixes.map((p) => ({ $regex: `^\\Q${p}\\E` })) } });
const WITH_STRING_WORDS = ['a', 'b', 'c', 'e', 'f', 'g'];

export const STARTING_WITH_CASES: AgreementCase[] = [
  { name: 'containsAllStartingWith: every prefix starts some element', where: startingWith('fo', 'dr'), expected: ['a', 'c'] },
  { name: 'containsAllStartingWith one prefix', where: startingWith('fo'), expected: ['a', 'b', 'c'] },
  { name: 'containsAllStartingWith is case-sensitive', where: startingWith('Fo'), expected: ['f'] },
  { name: 'containsAllStartingWith: a whole element is its own prefix', where: startingWith('drop'), expected: ['a'] },
  { name: 'containsAllStartingWith: longer than every element', where: startingWith('drops'), expected: [] },
  { name: 'containsAllStartingWith: % is literal', where: startingWith('50%'), expected: ['b'] },
  { name: 'containsAllStartingWith: % alone matches no element', where: startingWith('%'), expected: [] },
  { name: 'containsAllStartingWith: _ is literal', where: startingWith('5_'), expected: [] },
  { name: 'containsAllStartingWith: % and _ literal together', where: startingWith('50%_'), expected: ['b'] },
  { name: 'containsAllStartingWith: a backslash is literal', where: startingWith('a\\b'), expected: ['b'] },
  { name: 'containsAllStartingWith: regex punctuation is literal', where: startingWith('x.'), expected: ['b'] },
  { name: 'containsAllStartingWith: white space', where: startingWith('tab\t'), expected: ['b'] },
  { name: 'containsAllStartingWith: beyond ASCII', where: startingWith('ün'), expected: ['f'] },
  {
    name: 'containsAllStartingWith: a \\E in the text, quoted as the SDK quotes it',
    where: { words: { $all: [{ $regex: '^\\Qx\\E\\\\E\\Qy\\E' }] } },
    expected: ['g'],
  },
  { name: 'containsAllStartingWith: numbers are not strings', where: startingWith('1'), expected: [] },
  { name: 'containsAllStartingWith: nested arrays and objects are not strings', where: startingWith('foo', 'dx'), expected: [] },
  { name: 'containsAllStartingWith an empty prefix: some string element', where: startingWith(''), expected: WITH_STRING_WORDS },
  { name: '$all of a plain ^prefix regex', where: { words: { $all: [{ $regex: '^dr' }] } }, expected: ['a', 'c'] },
  { name: '$all of a ^prefix with escaped punctuation', where: { words: { $all: [{ $regex: '^x\\.y\\*' }] } }, expected: ['b'] },
  { name: 'GraphQL contains with $regex objects', where: { words: { contains: [{ $regex: '^\\Qdr\\E' }] } }, expected: ['a', 'c'] },
  { name: 'NOR of containsAllStartingWith is its complement', where: { NOR: [startingWith('fo')] }, expected: but('a', 'b', 'c') },
  {
    name: 'containsAllStartingWith of no prefix matches nothing',
    ast: { kind: 'containsAllStartingWith', field: f('words', 'Array'), prefixes: [] },
    expected: [],
  },
  { name: 'a \\E that closes no \\Q is ignored (as PCRE does)', where: { name: { $regex: '^app\\Ele' } }, expected: ['a'] },
];

export const COMBINATOR_CASES: AgreementCase[] = [
  { name: 'fields are combined with AND', where: { flag: { equalTo: true }, name: { notEqualTo: 'apple' } }, expected: ['c'] },
  { name: 'OR', where: { OR: [{ name: { equalTo: 'apple' } }, { n: { greaterThan: 2 } }] }, expected: ['a', 'b'] },
  { name: 'NOR is the complement of OR', where: { NOR: [{ name: { equalTo: 'apple' } }, { n: { greaterThan: 2 } }] }, expected: but('a', 'b') },
  { name: 'NOR of notEqualTo', where: { NOR: [{ name: { notEqualTo: 'apple' } }] }, expected: ['a'] },
  { name: 'AND', where: { AND: [{ tags: { equalTo: 'red' } }, { flag: { equalTo: true } }] }, expected: ['a', 'c'] },
  {
    name: 'nested combinators',
    where: { OR: [{ AND: [{ flag: { equalTo: true } }, { n: { lessThan: 0 } }] }, { NOR: [{ meta: { exists: true } }] }] },
    expected: ['c', ...but(...WITH_META)],
  },
  { name: 'an empty OR is false', where: { OR: [] }, expected: [] },
  { name: 'an empty NOR is true', where: { NOR: [] }, expected: ALL },
  { name: 'const false', ast: { kind: 'const', value: false }, expected: [] },
  { name: 'an empty and is true', ast: { kind: 'and', conditions: [] }, expected: ALL },
];

export const ALL_CASES: AgreementCase[] = [
  ...COMPARE_CASES,
  ...OBJECT_CASES,
  ...ARRAY_CASES,
  ...IN_EXISTS_CASES,
  ...ID_CASES,
  ...REGEX_CASES,
  ...STARTING_WITH_CASES,
  ...GEO_CASES,
  ...COMBINATOR_CASES,
];
