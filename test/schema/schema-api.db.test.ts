import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, MASTER_KEY, type TestServer } from '../helpers/server.ts';
import { columnTypes, expectError, FIELD_SELECTION, indexesOf, rootQueryFields, storedSchema, tableNames, clientFor } from './support.ts';

const CREATE_KITCHEN = `mutation {
  createClass(input: { name: "Kitchen", clientMutationId: "k1", schemaFields: {
    addStrings: [{ name: "s" }], addNumbers: [{ name: "n" }], addBooleans: [{ name: "b" }],
    addArrays: [{ name: "arr" }], addObjects: [{ name: "obj" }], addDates: [{ name: "d" }],
    addFiles: [{ name: "f" }], addGeoPoint: { name: "geo" }, addPolygons: [{ name: "poly" }],
    addBytes: [{ name: "by" }], addPointers: [{ name: "owner", targetClassName: "_User" }],
    addRelations: [{ name: "fans", targetClassName: "_User" }] } }) {
    clientMutationId
    class { name schemaFields { ${FIELD_SELECTION} } }
  }
}`;

describe('schema API: master key only', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await s.ok(`mutation { createClass(input: { name: "Locked" }) { class { name } } }`);
  });
  afterAll(() => s?.close());

  const operations: [string, string][] = [
    ['class', `{ class(name: "Locked") { name } }`],
    ['classes', `{ classes { name } }`],
    ['createClass', `mutation { createClass(input: { name: "Sneaky" }) { class { name } } }`],
    ['updateClass', `mutation { updateClass(input: { name: "Locked", schemaFields: { addStrings: [{ name: "x" }] } }) { class { name } } }`],
    ['deleteClass', `mutation { deleteClass(input: { name: "Locked" }) { class { name } } }`],
  ];

  for (const [name, query] of operations) {
    it(`${name} without the master key → 119`, async () => {
      expectError(await s.anon(query), 119, 'unauthorized: master key is required');
    });
    it(`${name} with a wrong master key → 119`, async () => {
      expectError(await s.request(query, undefined, { 'x-parse-master-key': MASTER_KEY + 'x' }), 119, 'unauthorized: master key is required');
    });
  }

  it('changed nothing while refusing', async () => {
    const d = await s.ok(`{ class(name: "Locked") { schemaFields { name } } classes { name } }`);
    expect(d.classes.map((c: { name: string }) => c.name)).toEqual([
      '_User',
      '_Role',
      '_Installation',
      '_JobSchedule',
      '_JobStatus',
      '_PushStatus',
      '_Session',
      'Locked',
    ]);
    expect(d.class.schemaFields.map((f: { name: string }) => f.name)).toEqual(['objectId', 'createdAt', 'updatedAt', 'ACL']);
  });
});

describe('createClass with every field type', () => {
  let s: TestServer;
  let created: any;
  beforeAll(async () => {
    s = await startTestServer();
    created = (await s.ok(CREATE_KITCHEN)).createClass;
  });
  afterAll(() => s?.close());

  // Default fields, then the others as jsonb orders keys (shorter first): what Parse Server returns.
  const expectedFields = [
    { name: 'objectId', __typename: 'SchemaStringField' },
    { name: 'createdAt', __typename: 'SchemaDateField' },
    { name: 'updatedAt', __typename: 'SchemaDateField' },
    { name: 'ACL', __typename: 'SchemaACLField' },
    { name: 'b', __typename: 'SchemaBooleanField' },
    { name: 'd', __typename: 'SchemaDateField' },
    { name: 'f', __typename: 'SchemaFileField' },
    { name: 'n', __typename: 'SchemaNumberField' },
    { name: 's', __typename: 'SchemaStringField' },
    { name: 'by', __typename: 'SchemaBytesField' },
    { name: 'arr', __typename: 'SchemaArrayField' },
    { name: 'geo', __typename: 'SchemaGeoPointField' },
    { name: 'obj', __typename: 'SchemaObjectField' },
    { name: 'fans', __typename: 'SchemaRelationField', targetClassName: '_User' },
    { name: 'poly', __typename: 'SchemaPolygonField' },
    { name: 'owner', __typename: 'SchemaPointerField', targetClassName: '_User' },
  ];

  it('returns the class with one typed field per input, in Parse’s order on PostgreSQL', () => {
    expect(created.clientMutationId).toBe('k1');
    expect(created.class.name).toBe('Kitchen');
    expect(created.class.schemaFields.map(({ required: _r, ...f }: any) => f)).toEqual(expectedFields);
  });

  it('class(name) and classes return the same definition', async () => {
    const d = await s.ok(`{ class(name: "Kitchen") { name schemaFields { ${FIELD_SELECTION} } } classes { name } }`);
    expect(d.class).toEqual(created.class);
    expect(d.classes.map((c: any) => c.name)).toEqual(['_User', '_Role', '_Installation', '_JobSchedule', '_JobStatus', '_PushStatus', '_Session', 'Kitchen']);
  });

  it('creates a table with the typed columns of Parse Server’s layout', async () => {
    expect(await columnTypes(s.plinth.db, 'Kitchen')).toEqual({
      objectId: 'text',
      createdAt: 'timestamp with time zone',
      updatedAt: 'timestamp with time zone',
      _rperm: 'text[]',
      _wperm: 'text[]',
      s: 'text',
      n: 'double precision',
      b: 'boolean',
      arr: 'jsonb',
      obj: 'jsonb',
      d: 'timestamp with time zone',
      f: 'text',
      geo: 'point',
      poly: 'polygon',
      by: 'jsonb',
      owner: 'text',
    });
  });

  it('stores a relation in its own join table "_Join:<field>:<Class>"', async () => {
    expect(await tableNames(s.plinth.db)).toContain('_Join:fans:Kitchen');
    expect(await columnTypes(s.plinth.db, '_Join:fans:Kitchen')).toEqual({ relatedId: 'character varying', owningId: 'character varying' });
  });

  it('makes objectId the primary key and GIN-indexes the read ACL', async () => {
    const defs = Object.values(await indexesOf(s.plinth.db, 'Kitchen'));
    expect(defs.some((d) => /UNIQUE INDEX .* USING btree \("objectId"\)/.test(d))).toBe(true);
    expect(defs.some((d) => /USING gin \(_rperm\)/.test(d))).toBe(true);
  });

  it('keeps the definition in "_SCHEMA" in Parse Server’s JSON format', async () => {
    const stored = await storedSchema(s.plinth.db, 'Kitchen');
    expect(stored.className).toBe('Kitchen');
    expect(stored.fields).toMatchObject({
      objectId: { type: 'String' },
      _rperm: { type: 'Array' },
      _wperm: { type: 'Array' },
      geo: { type: 'GeoPoint' },
      owner: { type: 'Pointer', targetClass: '_User' },
      fans: { type: 'Relation', targetClass: '_User' },
    });
    expect(stored.fields.ACL).toBeUndefined();
    expect(stored.classLevelPermissions).toEqual({
      ACL: { '*': { read: true, write: true } },
      find: { '*': true },
      count: { '*': true },
      get: { '*': true },
      create: { '*': true },
      update: { '*': true },
      delete: { '*': true },
      addField: { '*': true },
      protectedFields: { '*': [] },
    });
  });

  it('serves the class on the very next request', async () => {
    const d = await s.ok(`mutation { createKitchen(input: { fields: {
        s: "x", n: 1.5, b: true, arr: [1, "a"], obj: { k: { deep: 1 } }, d: "2024-01-02T03:04:05.678Z",
        geo: { latitude: 10, longitude: 20 }, poly: [{ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 1 }, { latitude: 1, longitude: 1 }],
        by: "aGVsbG8=" } }) { kitchen { objectId s n b obj d geo { latitude longitude } by } } }`);
    expect(d.createKitchen.kitchen).toMatchObject({
      s: 'x',
      n: 1.5,
      b: true,
      obj: { k: { deep: 1 } },
      d: '2024-01-02T03:04:05.678Z',
      geo: { latitude: 10, longitude: 20 },
      by: 'aGVsbG8=',
    });
    const list = await s.ok(`{ kitchens { count } }`);
    expect(list.kitchens.count).toBe(1);
  });
});

describe('_User and _Role exist from the start', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s?.close());

  it('as classes with their built-in fields', async () => {
    const d = await s.ok(
      `{ user: class(name: "_User") { name schemaFields { ${FIELD_SELECTION} } } role: class(name: "_Role") { name schemaFields { ${FIELD_SELECTION} } } }`,
    );
    expect(d.user.schemaFields.map((f: any) => [f.name, f.__typename])).toEqual([
      ['objectId', 'SchemaStringField'],
      ['createdAt', 'SchemaDateField'],
      ['updatedAt', 'SchemaDateField'],
      ['ACL', 'SchemaACLField'],
      ['username', 'SchemaStringField'],
      ['password', 'SchemaStringField'],
      ['email', 'SchemaStringField'],
      ['emailVerified', 'SchemaBooleanField'],
      ['authData', 'SchemaObjectField'],
    ]);
    expect(d.role.schemaFields.map((f: any) => [f.name, f.targetClassName ?? null])).toEqual([
      ['objectId', null],
      ['createdAt', null],
      ['updatedAt', null],
      ['ACL', null],
      ['name', null],
      ['users', '_User'],
      ['roles', '_Role'],
    ]);
  });

  it('as tables in Parse’s layout (the password is stored hashed, never as a column of its own)', async () => {
    const user = await columnTypes(s.plinth.db, '_User');
    expect(user).toMatchObject({
      objectId: 'text',
      username: 'text',
      email: 'text',
      emailVerified: 'boolean',
      authData: 'jsonb',
      _hashed_password: 'text',
      _rperm: 'text[]',
    });
    expect(user.password).toBeUndefined();
    expect(await columnTypes(s.plinth.db, '_Role')).toMatchObject({ objectId: 'text', name: 'text', _rperm: 'text[]', _wperm: 'text[]' });
    expect(await tableNames(s.plinth.db)).toEqual(expect.arrayContaining(['_Join:users:_Role', '_Join:roles:_Role']));
  });

  it('in the generated API', async () => {
    expect(await rootQueryFields(clientFor(s.plinth))).toEqual(expect.arrayContaining(['user', 'users', 'role', 'roles']));
  });

  it('can gain fields but not lose their built-in ones, and cannot be created or deleted', async () => {
    const d = await s.ok(
      `mutation { updateClass(input: { name: "_User", schemaFields: { addStrings: [{ name: "nickname" }] } }) { class { schemaFields { name } } } }`,
    );
    expect(d.updateClass.class.schemaFields.map((f: any) => f.name)).toContain('nickname');
    expect((await columnTypes(s.plinth.db, '_User')).nickname).toBe('text');
    expect((await storedSchema(s.plinth.db, '_User')).fields._hashed_password).toEqual({ type: 'String' });
    expectError(
      await s.master(`mutation { updateClass(input: { name: "_User", schemaFields: { remove: [{ name: "username" }] } }) { class { name } } }`),
      136,
      'field username cannot be changed',
    );
    expectError(
      await s.master(`mutation { updateClass(input: { name: "_Role", schemaFields: { remove: [{ name: "users" }] } }) { class { name } } }`),
      136,
      'field users cannot be changed',
    );
    expectError(await s.master(`mutation { createClass(input: { name: "_User" }) { class { name } } }`), 103, 'Class _User already exists.');
    expectError(await s.master(`mutation { deleteClass(input: { name: "_Role" }) { class { name } } }`), 255);
    expect(await tableNames(s.plinth.db)).toEqual(expect.arrayContaining(['_User', '_Role']));
  });
});

describe('updateClass', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await s.ok(
      `mutation { createClass(input: { name: "Post", schemaFields: { addStrings: [{ name: "title" }], addRelations: [{ name: "likes", targetClassName: "_User" }] } }) { class { name } } }`,
    );
    await s.ok(`mutation { createPost(input: { fields: { title: "kept" } }) { post { objectId } } }`);
  });
  afterAll(() => s?.close());

  it('adds a column with ALTER TABLE … ADD COLUMN, without rewriting the table', async () => {
    const file = async () => (await s.plinth.db.query<{ f: string }>(`SELECT pg_relation_filenode('"Post"')::text AS f`))[0].f;
    const before = await file();
    const statements: string[] = [];
    const stop = s.plinth.db.onQuery((text) => statements.push(text));
    const d = await s.ok(
      `mutation { updateClass(input: { name: "Post", schemaFields: { addNumbers: [{ name: "views" }], addDates: [{ name: "publishedAt" }] } }) { class { schemaFields { name __typename } } } }`,
    );
    stop();
    expect(d.updateClass.class.schemaFields).toEqual(
      expect.arrayContaining([
        { name: 'views', __typename: 'SchemaNumberField' },
        { name: 'publishedAt', __typename: 'SchemaDateField' },
      ]),
    );
    expect(statements.filter((q) => /ALTER TABLE/.test(q))).toEqual([
      'ALTER TABLE "Post" ADD COLUMN "views" double precision',
      'ALTER TABLE "Post" ADD COLUMN "publishedAt" timestamp with time zone',
    ]);
    expect(await file()).toBe(before);
    expect(await columnTypes(s.plinth.db, 'Post')).toMatchObject({ views: 'double precision', publishedAt: 'timestamp with time zone' });
    // The existing object is intact and the new field is usable at once.
    const list = await s.ok(`{ posts { edges { node { title views } } } }`);
    expect(list.posts.edges).toEqual([{ node: { title: 'kept', views: null } }]);
    const u = await s.ok(`mutation { createPost(input: { fields: { title: "new", views: 3 } }) { post { views } } }`);
    expect(u.createPost.post.views).toBe(3);
  });

  it('refuses a field that exists, or is given twice: 105 Duplicated field name', async () => {
    expectError(
      await s.master(`mutation { updateClass(input: { name: "Post", schemaFields: { addStrings: [{ name: "title" }] } }) { class { name } } }`),
      105,
      'Duplicated field name: title',
    );
    expectError(
      await s.master(
        `mutation { updateClass(input: { name: "Post", schemaFields: { addStrings: [{ name: "dup" }], addNumbers: [{ name: "dup" }] } }) { class { name } } }`,
      ),
      105,
      'Duplicated field name: dup',
    );
    expectError(
      await s.master(`mutation { updateClass(input: { name: "Post", schemaFields: { addStrings: [{ name: "objectId" }] } }) { class { name } } }`),
      105,
      'Duplicated field name: objectId',
    );
    expect((await columnTypes(s.plinth.db, 'Post')).dup).toBeUndefined();
  });

  it('refuses a class that does not exist: 103', async () => {
    expectError(
      await s.master(`mutation { updateClass(input: { name: "Nope", schemaFields: { addStrings: [{ name: "a" }] } }) { class { name } } }`),
      103,
      'Class Nope does not exist.',
    );
    expectError(await s.master(`{ class(name: "Nope") { name } }`), 103, 'Class Nope does not exist.');
  });

  it('removes fields: the column or the join table goes; a field it does not have is ignored, as in Parse', async () => {
    const d = await s.ok(
      `mutation { updateClass(input: { name: "Post", schemaFields: { remove: [{ name: "publishedAt" }, { name: "likes" }, { name: "notThere" }] } }) { class { schemaFields { name } } } }`,
    );
    const names = d.updateClass.class.schemaFields.map((f: any) => f.name);
    expect(names).not.toContain('publishedAt');
    expect(names).not.toContain('likes');
    expect((await columnTypes(s.plinth.db, 'Post')).publishedAt).toBeUndefined();
    expect(await tableNames(s.plinth.db)).not.toContain('_Join:likes:Post');
    const r = await s.master(`{ posts { edges { node { publishedAt } } } }`);
    expect(r.errors?.[0].message).toMatch(/Cannot query field "publishedAt"/);
  });

  it('refuses to remove a default field', async () => {
    expectError(
      await s.master(`mutation { updateClass(input: { name: "Post", schemaFields: { remove: [{ name: "createdAt" }] } }) { class { name } } }`),
      136,
      'field createdAt cannot be changed',
    );
  });

  it('applies removes after adds, as Parse: a field both added and removed ends absent (test/schema/update-class.db.test.ts)', async () => {
    const d = await s.ok(
      `mutation { updateClass(input: { name: "Post", schemaFields: { remove: [{ name: "views" }], addStrings: [{ name: "views" }] } }) { class { schemaFields { name __typename } } } }`,
    );
    expect(d.updateClass.class.schemaFields.map((f: any) => f.name)).not.toContain('views');
    expect((await columnTypes(s.plinth.db, 'Post')).views).toBeUndefined();
  });

  it('leaves nothing behind when one part of an update fails', async () => {
    const before = await columnTypes(s.plinth.db, 'Post');
    const r = await s.master(
      `mutation { updateClass(input: { name: "Post", schemaFields: { addStrings: [{ name: "fine" }], addPointers: [{ name: "p", targetClassName: "Missing" }] } }) { class { name } } }`,
    );
    expectError(r, 103, 'Target class Missing of field p does not exist.');
    expect(await columnTypes(s.plinth.db, 'Post')).toEqual(before);
  });
});

describe('required and defaultValue', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s?.close());

  it('are stored, returned and applied', async () => {
    const d = await s.ok(`mutation { createClass(input: { name: "Task", schemaFields: {
      addStrings: [{ name: "title", required: true }, { name: "state", defaultValue: "open" }],
      addNumbers: [{ name: "priority", required: true, defaultValue: 3 }],
      addBooleans: [{ name: "done", defaultValue: false }],
      addDates: [{ name: "due", defaultValue: "2030-01-01T00:00:00.000Z" }],
      addObjects: [{ name: "meta", defaultValue: { a: 1 } }], addArrays: [{ name: "tags", defaultValue: ["x"] }] } }) {
      class { schemaFields { name required } } } }`);
    const required = Object.fromEntries(d.createClass.class.schemaFields.map((f: any) => [f.name, f.required]));
    expect(required).toMatchObject({ title: true, state: false, priority: true, done: false });
    const stored = await storedSchema(s.plinth.db, 'Task');
    expect(stored.fields.title).toEqual({ type: 'String', required: true });
    expect(stored.fields.priority).toEqual({ type: 'Number', required: true, defaultValue: 3 });
    expect(stored.fields.due).toEqual({ type: 'Date', defaultValue: { __type: 'Date', iso: '2030-01-01T00:00:00.000Z' } });

    const created = await s.ok(
      `mutation { createTask(input: { fields: { title: "t" } }) { task { title state priority done due meta tags { ... on Element { value } } } } }`,
    );
    expect(created.createTask.task).toEqual({
      title: 't',
      state: 'open',
      priority: 3,
      done: false,
      due: '2030-01-01T00:00:00.000Z',
      meta: { a: 1 },
      tags: [{ value: 'x' }],
    });
  });

  it('make a required field without default non-null in the create input and the object type', async () => {
    const d = await s.ok(
      `{ input: __type(name: "CreateTaskFieldsInput") { inputFields { name type { kind } } } object: __type(name: "Task") { fields { name type { kind } } } }`,
    );
    const input = Object.fromEntries(d.input.inputFields.map((f: any) => [f.name, f.type.kind]));
    expect(input).toMatchObject({ title: 'NON_NULL', priority: 'SCALAR', state: 'SCALAR' });
    const object = Object.fromEntries(d.object.fields.map((f: any) => [f.name, f.type.kind]));
    expect(object).toMatchObject({ title: 'NON_NULL', state: 'SCALAR' });
  });

  it('refuse a default of the wrong type (111) or for a type that cannot have one', async () => {
    expectError(
      await s.master(
        `mutation { createClass(input: { name: "Bad1", schemaFields: { addNumbers: [{ name: "n", defaultValue: "three" }] } }) { class { name } } }`,
      ),
      111,
    );
    expectError(
      await s.master(
        `mutation { createClass(input: { name: "Bad2", schemaFields: { addDates: [{ name: "d", defaultValue: "not a date" }] } }) { class { name } } }`,
      ),
      111,
    );
    expectError(
      await s.master(
        `mutation { createClass(input: { name: "Bad3", schemaFields: { addPointers: [{ name: "p", targetClassName: "_User", defaultValue: "abc" }] } }) { class { name } } }`,
      ),
      111,
    );
    const d = await s.ok(`{ classes { name } }`);
    expect(d.classes.map((c: any) => c.name)).not.toContain('Bad1');
  });
});

describe('classLevelPermissions', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s?.close());

  const clp = {
    find: { '*': true },
    get: { requiresAuthentication: true, 'role:Admin': true },
    count: {},
    create: { pointerFields: ['owner'] },
    update: { aUserId123: true },
    delete: { 'role:Admin': true },
    addField: {},
    protectedFields: { '*': ['secret'], 'role:Admin': [] },
    readUserFields: ['owner'],
    writeUserFields: ['owner'],
  };

  it('are validated, stored in Parse’s format and returned', async () => {
    const d = await s.ok(
      `mutation($clp: Object) { createClass(input: { name: "Doc", classLevelPermissions: $clp, schemaFields: { addStrings: [{ name: "secret" }], addPointers: [{ name: "owner", targetClassName: "_User" }] } }) { class { classLevelPermissions } } }`,
      { clp },
    );
    expect(d.createClass.class.classLevelPermissions).toEqual(clp);
    expect((await storedSchema(s.plinth.db, 'Doc')).classLevelPermissions).toEqual(clp);
    const again = await s.ok(`{ class(name: "Doc") { classLevelPermissions } }`);
    expect(again.class.classLevelPermissions).toEqual(clp);
  });

  it('default to Parse’s open CLPs', async () => {
    const d = await s.ok(`mutation { createClass(input: { name: "Open" }) { class { classLevelPermissions } } }`);
    expect(d.createClass.class.classLevelPermissions).toEqual({
      ACL: { '*': { read: true, write: true } },
      find: { '*': true },
      count: { '*': true },
      get: { '*': true },
      create: { '*': true },
      update: { '*': true },
      delete: { '*': true },
      addField: { '*': true },
      protectedFields: { '*': [] },
    });
  });

  it('are replaced whole by updateClass, and kept when it does not mention them', async () => {
    const next = { find: { 'role:Staff': true }, get: { 'role:Staff': true } };
    const d = await s.ok(`mutation($clp: Object) { updateClass(input: { name: "Doc", classLevelPermissions: $clp }) { class { classLevelPermissions } } }`, {
      clp: next,
    });
    expect(d.updateClass.class.classLevelPermissions).toEqual(next);
    const e = await s.ok(
      `mutation { updateClass(input: { name: "Doc", schemaFields: { addStrings: [{ name: "other" }] } }) { class { classLevelPermissions } } }`,
    );
    expect(e.updateClass.class.classLevelPermissions).toEqual(next);
  });

  const bad: [string, unknown, RegExp][] = [
    ['an unknown operation', { destroy: { '*': true } }, /destroy is not a valid operation/],
    ['a value that is not true', { find: { '*': false } }, /not a valid value/],
    ['an operation that is not an object', { find: true }, /must be an object/],
    ['an entity that is not a user, role or *', { find: { 'no"pe;': true } }, /not a valid key/],
    ['pointerFields naming a field that is not a user pointer', { find: { pointerFields: ['secret'] } }, /not a valid column/],
    ['readUserFields that is not a list', { readUserFields: 'owner' }, /expected an array/],
    ['protectedFields naming an unknown field', { protectedFields: { '*': ['nope'] } }, /does not exist/],
    ['protectedFields naming a default field', { protectedFields: { '*': ['objectId'] } }, /Default field 'objectId' can not be protected/],
    ['protectedFields naming an inherited property', { protectedFields: { '*': ['toString'] } }, /does not exist/],
  ];
  for (const [what, value, message] of bad) {
    it(`refuse ${what}: 107`, async () => {
      const r = await s.master(`mutation($clp: Object) { updateClass(input: { name: "Doc", classLevelPermissions: $clp }) { class { name } } }`, {
        clp: value,
      });
      expectError(r, 107, message);
    });
  }
});

describe('indexes', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await s.ok(
      `mutation { createClass(input: { name: "Place", schemaFields: { addStrings: [{ name: "name" }, { name: "about" }], addNumbers: [{ name: "rank" }], addGeoPoint: { name: "where" }, addRelations: [{ name: "r", targetClassName: "_User" }] }, indexes: { name_1: { name: 1 } } }) { class { name } } }`,
    );
  });
  afterAll(() => s?.close());

  it('are created as PostgreSQL indexes and returned in Parse’s format', async () => {
    const idx = await indexesOf(s.plinth.db, 'Place');
    expect(idx.name_1).toMatch(/CREATE INDEX name_1 ON (public\.)?"Place" USING btree \(name\)/);
    const d = await s.ok(
      `mutation { updateClass(input: { name: "Place", indexes: { rank_name: { rank: -1, name: 1 }, about_text: { about: "text" }, where_geo: { where: "2dsphere" } } }) { class { indexes } } }`,
    );
    expect(d.updateClass.class.indexes).toEqual({
      _id_: { _id: 1 },
      name_1: { name: 1 },
      rank_name: { rank: -1, name: 1 },
      about_text: { about: 'text' },
      where_geo: { where: '2dsphere' },
    });
    const after = await indexesOf(s.plinth.db, 'Place');
    expect(after.rank_name).toMatch(/USING btree \(rank DESC, name\)/);
    expect(after.about_text).toMatch(/USING gin \(to_tsvector/);
    expect(after.where_geo).toMatch(/USING gist \("where"\)/);
    expect((await storedSchema(s.plinth.db, 'Place')).indexes).toEqual({
      name_1: { name: 1 },
      rank_name: { rank: -1, name: 1 },
      about_text: { about: 'text' },
      where_geo: { where: '2dsphere' },
    });
  });

  it('are dropped with {__op: "Delete"}', async () => {
    const d = await s.ok(`mutation { updateClass(input: { name: "Place", indexes: { rank_name: { __op: "Delete" } } }) { class { indexes } } }`);
    expect(d.updateClass.class.indexes.rank_name).toBeUndefined();
    expect((await indexesOf(s.plinth.db, 'Place')).rank_name).toBeUndefined();
  });

  it('go with the field they index', async () => {
    await s.ok(
      `mutation { updateClass(input: { name: "Place", schemaFields: { addStrings: [{ name: "tmp" }] }, indexes: { tmp_1: { tmp: 1 } } }) { class { name } } }`,
    );
    expect((await indexesOf(s.plinth.db, 'Place')).tmp_1).toBeDefined();
    const d = await s.ok(`mutation { updateClass(input: { name: "Place", schemaFields: { remove: [{ name: "tmp" }] } }) { class { indexes } } }`);
    expect(d.updateClass.class.indexes.tmp_1).toBeUndefined();
    expect((await indexesOf(s.plinth.db, 'Place')).tmp_1).toBeUndefined();
  });

  const bad: [string, string, RegExp][] = [
    ['on an unknown field', `{ i1: { nope: 1 } }`, /Field nope does not exist, cannot add index/],
    ['on an inherited property name', `{ i1: { toString: 1 } }`, /Field toString does not exist/],
    ['on a relation', `{ i1: { r: 1 } }`, /Field r does not exist/],
    ['with a bad direction', `{ i1: { name: 2 } }`, /must be 1, -1/],
    ['text on a number', `{ i1: { rank: "text" } }`, /text indexes need String fields/],
    ['mixing a geo field with others', `{ i1: { where: 1, name: 1 } }`, /indexed alone/],
    ['empty', `{ i1: {} }`, /must map field names/],
    ['that exists already', `{ name_1: { about: 1 } }`, /Index name_1 exists, cannot update/],
    ['deleting one that does not exist', `{ ghost: { __op: "Delete" } }`, /Index ghost does not exist, cannot delete/],
    ['named _id_', `{ _id_: { name: 1 } }`, /Invalid index name/],
    ['named like a catalog index', `{ pg_class_oid_index: { name: 1 } }`, /Invalid index name/],
  ];
  for (const [what, indexes, message] of bad) {
    it(`refuse an index ${what}: 102`, async () => {
      const before = await indexesOf(s.plinth.db, 'Place');
      expectError(await s.master(`mutation { updateClass(input: { name: "Place", indexes: ${indexes} }) { class { name } } }`), 102, message);
      expect(await indexesOf(s.plinth.db, 'Place')).toEqual(before);
    });
  }

  it('refuse an index whose name another class’s index has (PostgreSQL index names are per schema): 102', async () => {
    await s.ok(`mutation { createClass(input: { name: "Other", schemaFields: { addStrings: [{ name: "name" }] } }) { class { name } } }`);
    expectError(
      await s.master(`mutation { updateClass(input: { name: "Other", indexes: { name_1: { name: 1 } } }) { class { name } } }`),
      102,
      /Cannot create the index/,
    );
    expect((await indexesOf(s.plinth.db, 'Place')).name_1).toBeDefined();
    // The refused createClass left nothing behind.
    expectError(
      await s.master(
        `mutation { createClass(input: { name: "Third", schemaFields: { addStrings: [{ name: "name" }] }, indexes: { name_1: { name: 1 } } }) { class { name } } }`,
      ),
      102,
    );
    expect(await tableNames(s.plinth.db)).not.toContain('Third');
  });

  it('never drop an index of another table', async () => {
    // A catalog entry (e.g. written by another server) naming an index that belongs to another table.
    await s.plinth.db.execute(`UPDATE "_SCHEMA" SET "schema" = jsonb_set("schema", '{indexes}', '{"name_1": {"name": 1}}') WHERE "className" = 'Other'`);
    await s.plinth.schemaStore.load();
    await s.ok(`mutation { updateClass(input: { name: "Other", indexes: { name_1: { __op: "Delete" } } }) { class { name } } }`);
    expect((await indexesOf(s.plinth.db, 'Place')).name_1).toBeDefined();
  });
});

describe('deleteClass', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await s.ok(
      `mutation { createClass(input: { name: "Gone", schemaFields: { addStrings: [{ name: "a" }], addRelations: [{ name: "rel", targetClassName: "_User" }] } }) { class { name } } }`,
    );
    await s.ok(`mutation { createClass(input: { name: "Full", schemaFields: { addStrings: [{ name: "a" }] } }) { class { name } } }`);
    await s.ok(
      `mutation { createClass(input: { name: "Referrer", schemaFields: { addPointers: [{ name: "to", targetClassName: "Gone" }], addStrings: [{ name: "a" }] } }) { class { name } } }`,
    );
    await s.ok(`mutation { createFull(input: { fields: { a: "1" } }) { full { objectId } } }`);
    await s.ok(`mutation { createFull(input: { fields: { a: "2" } }) { full { objectId } } }`);
  });
  afterAll(() => s?.close());

  it('refuses a class that does not exist: 103', async () => {
    expectError(await s.master(`mutation { deleteClass(input: { name: "Nope" }) { class { name } } }`), 103, 'Class Nope does not exist.');
  });

  it('refuses a class that has objects: 255', async () => {
    expectError(
      await s.master(`mutation { deleteClass(input: { name: "Full" }) { class { name } } }`),
      255,
      'Class Full is not empty, contains 2 objects, cannot drop schema.',
    );
    expect(await tableNames(s.plinth.db)).toContain('Full');
    expect((await s.ok(`{ fulls { count } }`)).fulls.count).toBe(2);
  });

  it('drops an empty class with its tables, returns it as it was, and the API forgets it at once', async () => {
    const d = await s.ok(`mutation { deleteClass(input: { name: "Gone", clientMutationId: "z" }) { clientMutationId class { name schemaFields { name } } } }`);
    expect(d.deleteClass).toEqual({
      clientMutationId: 'z',
      class: {
        name: 'Gone',
        schemaFields: [{ name: 'objectId' }, { name: 'createdAt' }, { name: 'updatedAt' }, { name: 'ACL' }, { name: 'a' }, { name: 'rel' }],
      },
    });
    const tables = await tableNames(s.plinth.db);
    expect(tables).not.toContain('Gone');
    expect(tables).not.toContain('_Join:rel:Gone');
    expect(await storedSchema(s.plinth.db, 'Gone')).toBeUndefined();
    const fields = await rootQueryFields(clientFor(s.plinth));
    expect(fields).not.toContain('gones');
    expectError(await s.master(`{ class(name: "Gone") { name } }`), 103, 'Class Gone does not exist.');
  });

  it('keeps serving a class whose pointer target was deleted (the pointer is left out of its type)', async () => {
    const d = await s.ok(`mutation { createReferrer(input: { fields: { a: "x" } }) { referrer { a } } }`);
    expect(d.createReferrer.referrer.a).toBe('x');
    const t = await s.ok(`{ __type(name: "Referrer") { fields { name } } }`);
    expect(t.__type.fields.map((f: any) => f.name)).not.toContain('to');
  });

  it('lets a deleted class be created again, empty', async () => {
    await s.ok(`mutation { createClass(input: { name: "Gone", schemaFields: { addNumbers: [{ name: "a" }] } }) { class { name } } }`);
    expect((await columnTypes(s.plinth.db, 'Gone')).a).toBe('double precision');
    expect((await s.ok(`{ gones { count } }`)).gones.count).toBe(0);
  });
});

describe('createClass errors', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await s.ok(`mutation { createClass(input: { name: "Car" }) { class { name } } }`);
  });
  afterAll(() => s?.close());

  it('refuses a class that exists: 103', async () => {
    expectError(await s.master(`mutation { createClass(input: { name: "Car" }) { class { name } } }`), 103, 'Class Car already exists.');
  });

  it('refuses a field given twice: 105', async () => {
    expectError(
      await s.master(`mutation { createClass(input: { name: "Twice", schemaFields: { addStrings: [{ name: "a" }, { name: "a" }] } }) { class { name } } }`),
      105,
      'Duplicated field name: a',
    );
  });

  it('refuses a pointer or relation to a class that does not exist or has a bad name: 103', async () => {
    expectError(
      await s.master(
        `mutation { createClass(input: { name: "P1", schemaFields: { addPointers: [{ name: "p", targetClassName: "Missing" }] } }) { class { name } } }`,
      ),
      103,
      /Missing/,
    );
    expectError(
      await s.master(
        `mutation { createClass(input: { name: "P2", schemaFields: { addRelations: [{ name: "r", targetClassName: "bad-name" }] } }) { class { name } } }`,
      ),
      103,
      /Invalid classname: bad-name/,
    );
  });

  it('accepts a pointer and a relation to the class itself', async () => {
    const d = await s.ok(
      `mutation { createClass(input: { name: "Node2", schemaFields: { addPointers: [{ name: "parent", targetClassName: "Node2" }], addRelations: [{ name: "children", targetClassName: "Node2" }] } }) { class { name } } }`,
    );
    expect(d.createClass.class.name).toBe('Node2');
    const c = await s.ok(`mutation { createNode2(input: { fields: { parent: { createAndLink: {} } } }) { node2 { parent { objectId } } } }`);
    expect(c.createNode2.node2.parent.objectId).toEqual(expect.any(String));
  });

  it('refuses names the generated types reserve (id, OR, AND, NOR) and Parse reserves (className)', async () => {
    for (const name of ['id', 'OR', 'AND', 'NOR', 'className']) {
      expectError(
        await s.master(`mutation { createClass(input: { name: "R${name}", schemaFields: { addStrings: [{ name: "${name}" }] } }) { class { name } } }`),
        105,
        new RegExp(`Invalid field name: ${name}`),
      );
    }
  });

  it('accepts names that are also properties of every JavaScript object', async () => {
    const d = await s.ok(
      `mutation { createClass(input: { name: "constructor", schemaFields: { addStrings: [{ name: "toString" }, { name: "constructor" }, { name: "hasOwnProperty" }], addNumbers: [{ name: "valueOf" }] } }) { class { name schemaFields { name } } } }`,
    );
    expect(d.createClass.class.schemaFields.map((f: any) => f.name)).toEqual([
      'objectId',
      'createdAt',
      'updatedAt',
      'ACL',
      'valueOf',
      'toString',
      'constructor',
      'hasOwnProperty',
    ]);
    expect(await columnTypes(s.plinth.db, 'constructor')).toMatchObject({
      toString: 'text',
      constructor: 'text',
      hasOwnProperty: 'text',
      valueOf: 'double precision',
    });
    await s.ok(`mutation { updateClass(input: { name: "constructor", schemaFields: { remove: [{ name: "hasOwnProperty" }] } }) { class { name } } }`);
    expect(Object.keys(await columnTypes(s.plinth.db, 'constructor'))).not.toContain('hasOwnProperty');
  });
});
