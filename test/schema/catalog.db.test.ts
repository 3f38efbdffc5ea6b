import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { clientFor, columnTypes, expectError, rootQueryFields, storedSchema, tableNames } from './support.ts';

describe('GraphQL name collisions through the schema API', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await s.ok(`mutation { createClass(input: { name: "Car" }) { class { name } } }`);
    await s.ok(`mutation { createClass(input: { name: "PostConnection" }) { class { name } } }`);
  });
  afterAll(() => s?.close());

  const refused: [string, RegExp][] = [
    ['car', /Class car cannot be exposed in GraphQL: its type name Car is already used by class Car/],
    ['Post', /PostConnection is already used by class PostConnection/],
    ['CarConnection', /CarConnection is already used by class Car/],
    ['Class', /type name Class is a built-in type/],
    ['Node', /built-in type/],
    ['ACL', /built-in type/],
    ['User', /already used by class _User/],
  ];
  for (const [name, message] of refused) {
    it(`refuses ${name} (103) and creates nothing`, async () => {
      expectError(await s.master(`mutation { createClass(input: { name: "${name}" }) { class { name } } }`), 103, message);
      expect(Object.keys(await columnTypes(s.plinth.db, name))).toEqual([]);
      expect(await storedSchema(s.plinth.db, name)).toBeUndefined();
    });
  }

  it('keeps serving the classes that were there', async () => {
    const fields = await rootQueryFields(clientFor(s.plinth));
    expect(fields).toEqual(expect.arrayContaining(['car', 'cars', 'postConnection', 'postConnections']));
  });
});

describe('the catalog as another server left it', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    // What Parse Server (or an older Plinth) may have written: names and types Plinth cannot serve.
    await s.plinth.db.execute(
      `CREATE TABLE "Legacy" ("objectId" text PRIMARY KEY, "createdAt" timestamptz, "updatedAt" timestamptz, "_rperm" text[], "_wperm" text[], "id" text, "OR" text, "title" text, "odd" text)`,
    );
    await s.plinth.db.execute(`INSERT INTO "_SCHEMA" ("className", "schema", "isParseClass") VALUES ('Legacy', $1::jsonb, true), ('Data', $2::jsonb, true)`, [
      JSON.stringify({
        className: 'Legacy',
        fields: {
          objectId: { type: 'String' },
          id: { type: 'String' },
          OR: { type: 'String' },
          title: { type: 'String' },
          odd: { type: 'Money' },
          _secret: { type: 'String' },
          AND: { type: 'Relation', targetClass: '_User' },
        },
      }),
      JSON.stringify({ className: 'Data', fields: {} }),
    ]);
    await s.plinth.db.execute(`CREATE TABLE "Data" ("objectId" text PRIMARY KEY)`);
    await s.plinth.db.execute(`CREATE TABLE "_Join:AND:Legacy" ("relatedId" varchar(120), "owningId" varchar(120))`);
    await s.plinth.schemaStore.load();
  });
  afterAll(() => s?.close());

  it('is served without the fields and classes the API cannot expose', async () => {
    const d = await s.ok(`{ __type(name: "Legacy") { fields { name } } }`);
    const names = d.__type.fields.map((f: any) => f.name);
    expect(names).toContain('title');
    expect(names.filter((n: string) => n === 'id')).toHaveLength(1); // the Relay id only
    expect(names).not.toContain('OR');
    expect(names).not.toContain('odd');
    expect(await rootQueryFields(clientFor(s.plinth))).not.toContain('datas');
  });

  it('can still be changed, and what Plinth does not model is kept in "_SCHEMA"', async () => {
    await s.ok(`mutation { updateClass(input: { name: "Legacy", schemaFields: { addNumbers: [{ name: "score" }] } }) { class { name } } }`);
    await s.ok(`mutation { updateClass(input: { name: "Data", schemaFields: { addNumbers: [{ name: "score" }] } }) { class { name } } }`);
    const stored = await storedSchema(s.plinth.db, 'Legacy');
    expect(stored.fields).toMatchObject({
      id: { type: 'String' },
      OR: { type: 'String' },
      odd: { type: 'Money' },
      _secret: { type: 'String' },
      title: { type: 'String' },
      score: { type: 'Number' },
    });
    expect((await columnTypes(s.plinth.db, 'Data')).score).toBe('double precision');
  });

  it('refuses a field whose column is already there instead of reusing a column of another type', async () => {
    expectError(
      await s.master(`mutation { updateClass(input: { name: "Legacy", schemaFields: { addNumbers: [{ name: "odd" }] } }) { class { name } } }`),
      105,
      'Duplicated field name: odd',
    );
  });

  it('deletes such a class with every join table it has, served or not', async () => {
    await s.ok(`mutation { deleteClass(input: { name: "Legacy" }) { class { name } } }`);
    const tables = await tableNames(s.plinth.db);
    expect(tables).not.toContain('Legacy');
    expect(tables).not.toContain('_Join:AND:Legacy');
  });

  it('refuses a class whose table exists without a catalog entry (103, nothing changed)', async () => {
    await s.plinth.db.execute(`CREATE TABLE "Orphan" ("objectId" text PRIMARY KEY, "keep" text)`);
    await s.plinth.db.execute(`INSERT INTO "Orphan" VALUES ('a', 'data')`);
    expectError(await s.master(`mutation { createClass(input: { name: "Orphan" }) { class { name } } }`), 103, /a table named "Orphan" already exists/);
    expect(await s.plinth.db.query(`SELECT * FROM "Orphan"`)).toEqual([{ objectId: 'a', keep: 'data' }]);
  });
});

describe('changes and catalog reloads racing on one instance', () => {
  let s: TestServer;
  beforeAll(async () => {
    // A poll every 10 ms keeps reloads in flight while the changes commit.
    s = await startTestServer({ schemaPollMs: 10 });
  });
  afterAll(() => s?.close());

  it('every change is visible to the request right after it, whatever reload was in flight', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `Race${i}`);
    await Promise.all(
      names.map(async (name) => {
        await s.ok(`mutation { createClass(input: { name: "${name}", schemaFields: { addStrings: [{ name: "a" }] } }) { class { name } } }`);
        const d = await s.ok(`{ ${name.charAt(0).toLowerCase() + name.slice(1)}s { count } }`);
        expect(Object.values(d)[0]).toEqual({ count: 0 });
        await s.ok(`mutation { updateClass(input: { name: "${name}", schemaFields: { addNumbers: [{ name: "b" }] } }) { class { name } } }`);
        await s.ok(`mutation { create${name}(input: { fields: { b: 1 } }) { ${name.charAt(0).toLowerCase() + name.slice(1)} { b } } }`);
      }),
    );
    const d = await s.ok(`{ classes { name } }`);
    expect(d.classes.map((c: any) => c.name)).toEqual(['_User', '_Role', '_Installation', '_JobSchedule', '_JobStatus', '_PushStatus', '_Session', ...names]);
  });
});
