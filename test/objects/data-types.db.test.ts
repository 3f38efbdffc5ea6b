import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { ACL_FIELDS, createClass, expectError, globalId } from './helpers.ts';

/** Every data type, written through create and update and read back through the payload, get and find. */
describe('data types round-trip exactly', () => {
  let s: TestServer;
  const THING = `id objectId createdAt updatedAt s n b d o
    a { __typename ... on Element { value } ... on Target { objectId name } }
    f { name url } g { latitude longitude } p { latitude longitude } by
    ptr { objectId name } ${ACL_FIELDS}`;

  beforeAll(async () => {
    s = await startTestServer({ publicUrl: 'https://api.example.com' });
    await createClass(s, 'Target', 'addStrings: [{ name: "name" }]');
    await createClass(
      s,
      'Thing',
      `addStrings: [{ name: "s" }], addNumbers: [{ name: "n" }], addBooleans: [{ name: "b" }], addDates: [{ name: "d" }],
       addObjects: [{ name: "o" }], addArrays: [{ name: "a" }], addFiles: [{ name: "f" }], addGeoPoint: { name: "g" },
       addPolygons: [{ name: "p" }], addBytes: [{ name: "by" }],
       addPointers: [{ name: "ptr", targetClassName: "Target" }], addRelations: [{ name: "rel", targetClassName: "Target" }]`,
    );
  });
  afterAll(() => s?.close());

  async function create(fields: Record<string, unknown>) {
    const d = await s.ok(`mutation($f: CreateThingFieldsInput) { createThing(input: { fields: $f }) { thing { ${THING} } } }`, { f: fields });
    return d.createThing.thing;
  }
  async function update(id: string, fields: Record<string, unknown>) {
    const d = await s.ok(`mutation($id: ID!, $f: UpdateThingFieldsInput) { updateThing(input: { id: $id, fields: $f }) { thing { ${THING} } } }`, {
      id,
      f: fields,
    });
    return d.updateThing.thing;
  }
  async function get(id: string) {
    return (await s.ok(`query($id: ID!) { thing(id: $id) { ${THING} } }`, { id })).thing;
  }
  async function findOne(objectId: string) {
    const d = await s.ok(`query($id: ID!) { things(where: { objectId: { equalTo: $id } }) { count edges { node { ${THING} } } } }`, { id: objectId });
    expect(d.things.count).toBe(1);
    return d.things.edges[0].node;
  }
  /** Reads an object every way there is and checks that each read gives the same thing. */
  async function readsBack(created: { id: string; objectId: string }) {
    const got = await get(created.id);
    expect(await findOne(created.objectId)).toEqual(got);
    return got;
  }

  /** For each type: values to create with, and the value an update sets. */
  const cases: [field: string, values: unknown[], updated: unknown][] = [
    ['s', ['héllo wörld ✓ 日本語 🎉', '', '  spaced  ', 'line\nbreak "quoted" \\ back', 'x'.repeat(10_000)], 'changed'],
    ['n', [0, 42, -7, Math.PI, -0.000123, 1e300, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 60], 2.5],
    ['b', [true, false], true],
    ['d', ['2020-01-02T03:04:05.678Z', '1969-07-20T20:17:40.001Z', '2999-12-31T23:59:59.999Z'], '2021-06-07T08:09:10.011Z'],
    [
      'o',
      [{}, { a: 1, nested: { deep: { list: [1, 'two', { three: 3 }], nil: null } } }, { 'clé ünicode': '値', '🔑': true, 'with space': [] }],
      { replaced: true },
    ],
    ['a', [[], [1, 'two', true, 3.5, { k: 'v' }, ['nested']], ['only strings', 'here']], ['x']],
    ['by', ['aGVsbG8gd29ybGQ=', '', 'AAEC/w=='], 'Ynll'],
    [
      'g',
      [
        { latitude: 0, longitude: 0 },
        { latitude: -33.8688, longitude: 151.2093 },
        { latitude: 90, longitude: -180 },
      ],
      { latitude: 1.5, longitude: 2.5 },
    ],
  ];

  for (const [field, values, updated] of cases) {
    it(`${field}: create → get/find → update → get`, async () => {
      for (const value of values) {
        const created = await create({ [field]: value });
        expect(created[field], `create ${JSON.stringify(value)}`).toEqual(expectedOf(field, value));
        const got = await readsBack(created);
        expect(got[field], `read ${JSON.stringify(value)}`).toEqual(expectedOf(field, value));
        const after = await update(created.id, { [field]: updated });
        expect(after[field]).toEqual(expectedOf(field, updated));
        expect((await readsBack(created))[field]).toEqual(expectedOf(field, updated));
      }
    });
  }

  /** The API shape of a stored value: arrays as Elements, everything else as written. */
  function expectedOf(field: string, value: unknown) {
    if (field === 'a') return (value as unknown[]).map((v) => ({ __typename: 'Element', value: v }));
    return value;
  }

  it('keeps the exact value of doubles (no float4 rounding)', async () => {
    const t = await create({ n: 0.1 + 0.2 });
    expect((await get(t.id)).n).toBe(0.1 + 0.2);
  });

  it('stores dates with millisecond precision and returns them in UTC with a Z', async () => {
    const t = await create({ d: '2020-05-06T07:08:09.123+02:00' });
    expect(t.d).toBe('2020-05-06T05:08:09.123Z');
    expect((await get(t.id)).d).toBe('2020-05-06T05:08:09.123Z');
    const dateOnly = await create({ d: '2020-05-06' });
    expect((await get(dateOnly.id)).d).toBe('2020-05-06T00:00:00.000Z');
    expect(t.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(t.updatedAt).toBe(t.createdAt);
    expect((await get(t.id)).createdAt).toBe(t.createdAt);
  });

  it('accepts Parse date objects, file objects and bytes objects as input', async () => {
    const t = await create({ d: { __type: 'Date', iso: '2022-02-02T02:02:02.222Z' }, by: { __type: 'Bytes', base64: 'YWJj' } });
    expect(t.d).toBe('2022-02-02T02:02:02.222Z');
    expect(t.by).toBe('YWJj');
  });

  it('closes polygon rings the way Parse does: the first point repeated at the end', async () => {
    const open = [
      { latitude: 0, longitude: 0 },
      { latitude: 0, longitude: 1 },
      { latitude: 1, longitude: 1 },
    ];
    const closed = [...open, open[0]];
    const a = await create({ p: open });
    expect(a.p).toEqual(closed);
    expect((await readsBack(a)).p).toEqual(closed);
    // An already closed ring is not closed twice.
    const b = await create({ p: closed });
    expect((await get(b.id)).p).toEqual(closed);
    const moved = open.map((q) => ({ latitude: q.latitude + 10.25, longitude: q.longitude - 20.5 }));
    expect((await update(a.id, { p: moved })).p).toEqual([...moved, moved[0]]);
    expect((await get(a.id)).p).toEqual([...moved, moved[0]]);
  });

  it('stores GeoPoints and polygons in Parse’s layout (x = longitude, y = latitude)', async () => {
    const t = await create({
      g: { latitude: 10, longitude: 20 },
      p: [
        { latitude: 1, longitude: 2 },
        { latitude: 3, longitude: 4 },
        { latitude: 5, longitude: 6 },
      ],
    });
    const [row] = await s.plinth.db.query<{ g: string; p: string }>(`SELECT "g"::text AS "g", "p"::text AS "p" FROM "Thing" WHERE "objectId" = $1`, [
      t.objectId,
    ]);
    expect(row.g).toBe('(20,10)');
    expect(row.p).toBe('((2,1),(4,3),(6,5),(2,1))');
  });

  it('stores Bytes, Objects and Arrays as Parse does (jsonb)', async () => {
    const t = await create({ by: 'aGk=', o: { k: [1] }, a: [1, 'a'] });
    const [row] = await s.plinth.db.query<{ by: string; o: string; a: string }>(
      `SELECT "by"::text AS "by", "o"::text AS "o", "a"::text AS "a" FROM "Thing" WHERE "objectId" = $1`,
      [t.objectId],
    );
    expect(JSON.parse(row.by)).toEqual({ __type: 'Bytes', base64: 'aGk=' });
    expect(JSON.parse(row.o)).toEqual({ k: [1] });
    expect(JSON.parse(row.a)).toEqual([1, 'a']);
  });

  it('files: a name or a Parse file object in, FileInfo {name url} out', async () => {
    const a = await create({ f: { file: 'abc_photo.jpg' } });
    expect(a.f).toEqual({ name: 'abc_photo.jpg', url: 'https://api.example.com/files/test-app/abc_photo.jpg' });
    expect((await readsBack(a)).f).toEqual(a.f);
    const b = await create({ f: { file: { __type: 'File', name: 'doc one.pdf', url: 'http://elsewhere/doc.pdf' } } });
    expect(b.f).toEqual({ name: 'doc one.pdf', url: 'https://api.example.com/files/test-app/doc%20one.pdf' });
    expect((await update(a.id, { f: { file: 'other.png' } })).f.name).toBe('other.png');
    expect((await get(a.id)).f.name).toBe('other.png');
    const [row] = await s.plinth.db.query<{ f: string }>(`SELECT "f" FROM "Thing" WHERE "objectId" = $1`, [a.objectId]);
    expect(row.f).toBe('other.png');
  });

  it('files: an upload is refused with 130 until uploads exist, and so is an input with neither', async () => {
    const before = (await s.ok(`{ things { count } }`)).things.count;
    expectError(await s.master(`mutation { createThing(input: { fields: { f: {} } }) { thing { objectId } } }`), 130);
    expectError(await s.master(`mutation { createThing(input: { fields: { f: { file: null } } }) { thing { objectId } } }`), 130);
    const upload = await s.master(`mutation($u: Upload) { createThing(input: { fields: { s: "up", f: { upload: $u } } }) { thing { objectId } } }`, {
      u: 'not really a file',
    });
    expectError(upload, 130);
    expect((await s.ok(`{ things { count } }`)).things.count).toBe(before);
  });

  it('arrays: mixed elements come back as Element {value}; Parse pointers inside resolve to objects', async () => {
    const target = (await s.ok(`mutation { createTarget(input: { fields: { name: "inside" } }) { target { objectId } } }`)).createTarget.target;
    const pointer = { __type: 'Pointer', className: 'Target', objectId: target.objectId };
    const t = await create({ a: [1, pointer, 'text', { __type: 'Pointer', className: 'Target', objectId: 'doesNotExist' }] });
    const expected = [
      { __typename: 'Element', value: 1 },
      { __typename: 'Target', objectId: target.objectId, name: 'inside' },
      { __typename: 'Element', value: 'text' },
      null,
    ];
    expect(t.a).toEqual(expected);
    expect((await readsBack(t)).a).toEqual(expected);
  });

  it('arrays: null elements read back as null, not as an error', async () => {
    const t = await create({ a: [1, null, 'x'] });
    const expected = [{ __typename: 'Element', value: 1 }, null, { __typename: 'Element', value: 'x' }];
    expect(t.a).toEqual(expected);
    expect((await readsBack(t)).a).toEqual(expected);
  });

  it('an object with every type set at once reads back the same from every path', async () => {
    const target = (await s.ok(`mutation { createTarget(input: { fields: { name: "t" } }) { target { id objectId } } }`)).createTarget.target;
    const created = await create({
      s: 'all',
      n: 1,
      b: true,
      d: '2020-01-01T00:00:00.000Z',
      o: { x: 1 },
      a: ['y'],
      f: { file: 'f.txt' },
      g: { latitude: 1, longitude: 1 },
      p: [
        { latitude: 0, longitude: 0 },
        { latitude: 0, longitude: 1 },
        { latitude: 1, longitude: 0 },
      ],
      by: 'eg==',
      ptr: { link: target.id },
    });
    expect(created.ptr).toEqual({ objectId: target.objectId, name: 't' });
    const { updatedAt: _u, ...rest } = created;
    const got = await readsBack(created);
    expect(got).toMatchObject(rest);
    const node = (await s.ok(`query($id: ID!) { node(id: $id) { id ... on Thing { ${THING} } } }`, { id: created.id })).node;
    expect(node).toEqual(got);
  });

  it('null unsets every kind of field', async () => {
    const target = (await s.ok(`mutation { createTarget(input: { fields: { name: "t" } }) { target { objectId } } }`)).createTarget.target;
    const created = await create({
      s: 'x',
      n: 1,
      b: false,
      d: '2020-01-01T00:00:00.000Z',
      o: { x: 1 },
      a: [1],
      f: { file: 'f.txt' },
      g: { latitude: 1, longitude: 1 },
      p: [
        { latitude: 0, longitude: 0 },
        { latitude: 0, longitude: 1 },
        { latitude: 1, longitude: 0 },
      ],
      by: 'eg==',
      ptr: { link: target.objectId },
    });
    const nulls = { s: null, n: null, b: null, d: null, o: null, a: null, f: null, g: null, p: null, by: null, ptr: null };
    const after = await update(created.id, nulls);
    expect(after).toMatchObject(nulls);
    expect(await get(created.id)).toMatchObject(nulls);
    const [row] = await s.plinth.db.query(
      `SELECT "s", "n", "b", "d", "o", "a", "f", "g"::text AS "g", "p"::text AS "p", "by", "ptr" FROM "Thing" WHERE "objectId" = $1`,
      [created.objectId],
    );
    expect(Object.values(row).every((v) => v === null)).toBe(true);
    // Fields left out of an update keep their values.
    await update(created.id, { s: 'kept', n: 5 });
    const partly = await update(created.id, { n: 6 });
    expect(partly).toMatchObject({ s: 'kept', n: 6 });
  });

  it('fields never set read as null', async () => {
    const t = await create({});
    const got = await get(t.id);
    for (const f of ['s', 'n', 'b', 'd', 'o', 'a', 'f', 'g', 'p', 'by', 'ptr']) expect(got[f], f).toBeNull();
    expect(got.ACL).toEqual({ public: { read: true, write: true }, users: null, roles: null });
  });

  it('update moves updatedAt forward and keeps createdAt', async () => {
    const t = await create({ s: 'a' });
    await new Promise((r) => setTimeout(r, 5));
    const after = await update(t.id, { s: 'b' });
    expect(after.createdAt).toBe(t.createdAt);
    expect(Date.parse(after.updatedAt)).toBeGreaterThan(Date.parse(t.updatedAt));
    expect((await get(t.id)).updatedAt).toBe(after.updatedAt);
  });

  it('echoes clientMutationId on create, update and delete', async () => {
    const c = await s.ok(`mutation { createThing(input: { fields: { s: "c" }, clientMutationId: "c-1" }) { clientMutationId thing { id } } }`);
    expect(c.createThing.clientMutationId).toBe('c-1');
    const id = c.createThing.thing.id;
    const u = await s.ok(`mutation($id: ID!) { updateThing(input: { id: $id, fields: { s: "u" }, clientMutationId: "u-2" }) { clientMutationId } }`, { id });
    expect(u.updateThing.clientMutationId).toBe('u-2');
    const d = await s.ok(`mutation($id: ID!) { deleteThing(input: { id: $id, clientMutationId: "d-3" }) { clientMutationId } }`, { id });
    expect(d.deleteThing.clientMutationId).toBe('d-3');
    const none = await s.ok(`mutation { createThing(input: { fields: { s: "n" } }) { clientMutationId } }`);
    expect(none.createThing.clientMutationId).toBeNull();
  });

  it('delete returns the object as it was, and it is gone afterwards', async () => {
    const target = (await s.ok(`mutation { createTarget(input: { fields: { name: "pointed" } }) { target { objectId } } }`)).createTarget.target;
    const t = await create({
      s: 'doomed',
      n: 9,
      o: { k: 'v' },
      a: [1],
      ptr: { link: target.objectId },
      ACL: { public: { read: true, write: true }, roles: [{ roleName: 'R', read: true, write: false }] },
    });
    const d = await s.ok(`mutation($id: ID!) { deleteThing(input: { id: $id }) { thing { ${THING} } } }`, { id: t.id });
    const { updatedAt: _a, ...was } = t;
    expect(d.deleteThing.thing).toMatchObject(was);
    expectError(await s.master(`query($id: ID!) { thing(id: $id) { objectId } }`, { id: t.id }), 101, 'Object not found.');
    expect((await s.ok(`query($id: ID!) { things(where: { objectId: { equalTo: $id } }) { count } }`, { id: t.objectId })).things.count).toBe(0);
    expectError(await s.master(`mutation($id: ID!) { deleteThing(input: { id: $id }) { thing { objectId } } }`, { id: t.id }), 101, 'Object not found.');
  });

  it('the global id is base64 of "Class:objectId"; id and objectId differ', async () => {
    const t = await create({ s: 'ids' });
    expect(t.objectId).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(t.id).toBe(globalId('Thing', t.objectId));
    expect(t.id).not.toBe(t.objectId);
  });
});

describe('required fields and default values', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await createClass(s, 'Owner', 'addStrings: [{ name: "name" }]');
    await createClass(
      s,
      'Strict',
      `addStrings: [{ name: "title", required: true }, { name: "note" }, { name: "status", defaultValue: "draft" }],
       addNumbers: [{ name: "views", required: true, defaultValue: 7 }],
       addBooleans: [{ name: "flag", defaultValue: false }],
       addArrays: [{ name: "tags", required: true }],
       addPointers: [{ name: "owner", targetClassName: "Owner", required: true }]`,
    );
    await createClass(s, 'Crew', 'addStrings: [{ name: "name" }], addRelations: [{ name: "members", targetClassName: "Owner", required: true }]');
  });
  afterAll(() => s?.close());

  async function typeOf(typeName: string, field: string, input = false): Promise<string> {
    const d = await s.ok(
      `query($t: String!) { __type(name: $t) { fields { name type { kind name ofType { kind name } } } inputFields { name type { kind name ofType { kind name } } } } }`,
      { t: typeName },
    );
    const list = input ? d.__type.inputFields : d.__type.fields;
    const f = list.find((x: { name: string }) => x.name === field);
    const t = f.type;
    return t.kind === 'NON_NULL' ? `${t.ofType.name ?? t.ofType.kind}!` : (t.name ?? t.kind);
  }

  it('required fields are non-null in the object type and the create input (unless they have a default)', async () => {
    expect(await typeOf('Strict', 'title')).toBe('String!');
    expect(await typeOf('Strict', 'views')).toBe('Float!');
    expect(await typeOf('Strict', 'tags')).toBe('LIST!');
    expect(await typeOf('Strict', 'note')).toBe('String');
    expect(await typeOf('CreateStrictFieldsInput', 'title', true)).toBe('String!');
    expect(await typeOf('CreateStrictFieldsInput', 'tags', true)).toBe('LIST!');
    expect(await typeOf('CreateStrictFieldsInput', 'owner', true)).toBe('OwnerPointerInput!');
    expect(await typeOf('CreateStrictFieldsInput', 'views', true)).toBe('Float');
    expect(await typeOf('CreateStrictFieldsInput', 'note', true)).toBe('String');
    expect(await typeOf('UpdateStrictFieldsInput', 'title', true)).toBe('String');
    expect(await typeOf('CreateCrewFieldsInput', 'members', true)).toBe('OwnerRelationInput!');
    expect(await typeOf('UpdateCrewFieldsInput', 'members', true)).toBe('OwnerRelationInput');
  });

  it('as in Parse, null on create takes the default, and the empty string does not count as a value', async () => {
    const d = await s.ok(
      `mutation { createStrict(input: { fields: { title: "t", tags: [], views: null, status: null, owner: { createAndLink: { name: "o" } } } }) { strict { id views status } } }`,
    );
    expect(d.createStrict.strict).toMatchObject({ views: 7, status: 'draft' });
    expect((await s.ok(`query($id: ID!) { strict(id: $id) { views status } }`, { id: d.createStrict.strict.id })).strict).toEqual({
      views: 7,
      status: 'draft',
    });
    const before = (await s.ok(`{ stricts { count } }`)).stricts.count;
    expectError(
      await s.master(`mutation { createStrict(input: { fields: { title: "", tags: [], owner: { createAndLink: { name: "o" } } } }) { strict { id } } }`),
      142,
      /title is required/,
    );
    expect((await s.ok(`{ stricts { count } }`)).stricts.count).toBe(before);
    expectError(
      await s.master(`mutation($id: ID!) { updateStrict(input: { id: $id, fields: { title: "" } }) { strict { id } } }`, { id: d.createStrict.strict.id }),
      142,
      /title is required/,
    );
  });

  it('a required relation must be given on create, and may be changed freely afterwards', async () => {
    const noMembers = await s.master(`mutation($f: CreateCrewFieldsInput!) { createCrew(input: { fields: $f }) { crew { id } } }`, { f: { name: 'x' } });
    expect(noMembers.errors?.[0].message).toMatch(/members/);
    const d = await s.ok(
      `mutation { createCrew(input: { fields: { name: "c", members: { createAndAdd: [{ name: "m" }] } } }) { crew { id members { count } } } }`,
    );
    expect(d.createCrew.crew.members.count).toBe(1);
    const u = await s.ok(`mutation($id: ID!) { updateCrew(input: { id: $id, fields: { name: "renamed" } }) { crew { name members { count } } } }`, {
      id: d.createCrew.crew.id,
    });
    expect(u.updateCrew.crew).toEqual({ name: 'renamed', members: { count: 1 } });
  });

  it('defaults apply on create when the field is absent, never over a given value', async () => {
    const d = await s.ok(
      `mutation { createStrict(input: { fields: { title: "t", tags: [], owner: { createAndLink: { name: "o" } } } }) { strict { id title views flag status tags { __typename } owner { name } } } }`,
    );
    expect(d.createStrict.strict).toMatchObject({ title: 't', views: 7, flag: false, status: 'draft', tags: [], owner: { name: 'o' } });
    const got = (await s.ok(`query($id: ID!) { strict(id: $id) { views flag status } }`, { id: d.createStrict.strict.id })).strict;
    expect(got).toEqual({ views: 7, flag: false, status: 'draft' });
    const given = await s.ok(
      `mutation { createStrict(input: { fields: { title: "t", tags: [1], views: 1, flag: true, status: "live", owner: { createAndLink: { name: "o" } } } }) { strict { views flag status } } }`,
    );
    expect(given.createStrict.strict).toEqual({ views: 1, flag: true, status: 'live' });
  });

  it('writing null to a required field fails clearly and changes nothing', async () => {
    const d = await s.ok(
      `mutation { createStrict(input: { fields: { title: "keep", tags: ["a"], owner: { createAndLink: { name: "o" } } } }) { strict { id } } }`,
    );
    const id = d.createStrict.strict.id;
    const r = await s.master(`mutation($id: ID!) { updateStrict(input: { id: $id, fields: { title: null, note: "n" } }) { strict { title } } }`, { id });
    expectError(r, 142, /title is required/);
    const v = await s.master(`mutation($id: ID!, $v: Float) { updateStrict(input: { id: $id, fields: { views: $v } }) { strict { views } } }`, { id, v: null });
    expectError(v, 142, /views is required/);
    const p = await s.master(`mutation($id: ID!) { updateStrict(input: { id: $id, fields: { owner: null } }) { strict { objectId } } }`, { id });
    expectError(p, 142, /owner is required/);
    const got = (await s.ok(`query($id: ID!) { strict(id: $id) { title note views owner { name } } }`, { id })).strict;
    expect(got).toEqual({ title: 'keep', note: null, views: 7, owner: { name: 'o' } });
  });

  it('a create without a required field fails (GraphQL validation, or 142 for a null variable)', async () => {
    const before = (await s.ok(`{ stricts { count } }`)).stricts.count;
    const owners = (await s.ok(`{ owners { count } }`)).owners.count;
    const missing = await s.master(
      `mutation { createStrict(input: { fields: { tags: [], owner: { createAndLink: { name: "o" } } } }) { strict { objectId } } }`,
    );
    expect(missing.errors?.[0].message).toMatch(/title/);
    const viaNull = await s.master(`mutation($f: CreateStrictFieldsInput) { createStrict(input: { fields: $f }) { strict { objectId } } }`, {
      f: { title: null, tags: [], owner: { createAndLink: { name: 'o' } } },
    });
    expect(viaNull.errors?.[0].message).toMatch(/title/);
    const noFields = await s.master(`mutation { createStrict(input: {}) { strict { objectId } } }`);
    expectError(noFields, 142, /is required/);
    expect((await s.ok(`{ stricts { count } }`)).stricts.count).toBe(before);
    expect((await s.ok(`{ owners { count } }`)).owners.count).toBe(owners);
  });
});
