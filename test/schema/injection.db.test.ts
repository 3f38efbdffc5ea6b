import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { columnTypes, expectError, indexesOf, tableNames } from './support.ts';

/**
 * Hostile names through every path that reaches DDL: class names, field names, index names,
 * index keys, targetClassName and CLP entities. Each must be refused with a Parse error (never
 * an internal error, never a statement that runs), and the catalog must be unchanged after.
 */
const HOSTILE = [
  `Robert"; DROP TABLE "_SCHEMA"; --`,
  `x" text); DROP TABLE "_User"; --`,
  `a'b`,
  `a;b`,
  `a b`,
  `a\u0000b`,
  `a\nb`,
  `Café`,
  `Ünïcödé`,
  `名前`,
  `a\u200bb`,
  `${'A'.repeat(64)}`,
  `${'é'.repeat(32)}`,
  ``,
  `1abc`,
  `_Hidden`,
  `__proto__`,
  `pg_class`,
  `a-b`,
  `$1`,
];

describe('SQL injection through names', () => {
  let s: TestServer;
  let tablesBefore: string[];
  let schemaBefore: unknown;
  const statements: string[] = [];
  beforeAll(async () => {
    s = await startTestServer();
    await s.ok(`mutation { createClass(input: { name: "Safe", schemaFields: { addStrings: [{ name: "name" }] } }) { class { name } } }`);
    tablesBefore = await tableNames(s.plinth.db);
    schemaBefore = await s.plinth.db.query(`SELECT "className", "schema"::text FROM "_SCHEMA" ORDER BY 1`);
    s.plinth.db.onQuery((text) => statements.push(text));
  });
  afterAll(() => s?.close());

  for (const name of HOSTILE) {
    const label = JSON.stringify(name).slice(0, 40);
    it(`class name ${label} → 103`, async () => {
      expectError(await s.master(`mutation($n: String!) { createClass(input: { name: $n }) { class { name } } }`, { n: name }), 103);
      expectError(
        await s.master(`mutation($n: String!) { updateClass(input: { name: $n, schemaFields: { addStrings: [{ name: "a" }] } }) { class { name } } }`, {
          n: name,
        }),
        103,
      );
      expectError(await s.master(`mutation($n: String!) { deleteClass(input: { name: $n }) { class { name } } }`, { n: name }), 103);
      expectError(await s.master(`query($n: String!) { class(name: $n) { name } }`, { n: name }), 103);
    });

    // `pg_class` is a fine column name; only as a table name would it shadow the system catalog.
    it.skipIf(name === 'pg_class')(`field name ${label} → 105`, async () => {
      expectError(
        await s.master(`mutation($n: String!) { updateClass(input: { name: "Safe", schemaFields: { addStrings: [{ name: $n }] } }) { class { name } } }`, {
          n: name,
        }),
        105,
      );
      expectError(
        await s.master(
          `mutation($n: String!) { createClass(input: { name: "Fresh", schemaFields: { addRelations: [{ name: $n, targetClassName: "_User" }] } }) { class { name } } }`,
          { n: name },
        ),
        105,
      );
    });

    it(`targetClassName ${label} → 103`, async () => {
      expectError(
        await s.master(
          `mutation($n: String!) { updateClass(input: { name: "Safe", schemaFields: { addPointers: [{ name: "p", targetClassName: $n }] } }) { class { name } } }`,
          { n: name },
        ),
        103,
      );
    });

    it(`index name and index key ${label} → 102`, async () => {
      if (name !== '_Hidden' && name !== '__proto__') {
        expectError(
          await s.master(`mutation($i: Object) { updateClass(input: { name: "Safe", indexes: $i }) { class { name } } }`, { i: { [name]: { name: 1 } } }),
          102,
        );
      }
      expectError(
        await s.master(`mutation($i: Object) { updateClass(input: { name: "Safe", indexes: $i }) { class { name } } }`, { i: { ok_index: { [name]: 1 } } }),
        102,
      );
    });

    // Alphanumeric names are user ids, which CLPs may name.
    it.skipIf(/^[A-Za-z0-9]{1,64}$/.test(name))(`CLP entity ${label} → 107`, async () => {
      expectError(
        await s.master(`mutation($c: Object) { updateClass(input: { name: "Safe", classLevelPermissions: $c }) { class { name } } }`, {
          c: { find: { [name]: true } },
        }),
        107,
      );
    });
  }

  it('keeps an index named __proto__ as an ordinary name', async () => {
    const d = await s.ok(`mutation($i: Object) { updateClass(input: { name: "Safe", indexes: $i }) { class { indexes } } }`, {
      i: JSON.parse('{"__proto__": {"name": 1}}'),
    });
    expect(Object.hasOwn(d.updateClass.class.indexes, '__proto__')).toBe(true);
    expect(Object.keys(await indexesOf(s.plinth.db, 'Safe'))).toContain('__proto__');
    await s.ok(`mutation($i: Object) { updateClass(input: { name: "Safe", indexes: $i }) { class { indexes } } }`, {
      i: JSON.parse('{"__proto__": {"__op": "Delete"}}'),
    });
    expect(Object.keys(await indexesOf(s.plinth.db, 'Safe'))).not.toContain('__proto__');
  });

  it('refuses an index direction that is not 1, -1 or "text" (it would be spliced into DDL)', async () => {
    expectError(
      await s.master(`mutation($i: Object) { updateClass(input: { name: "Safe", indexes: $i }) { class { name } } }`, {
        i: { i1: { name: '1); DROP TABLE "_User"; --' } },
      }),
      102,
    );
  });

  it('ran no other DDL for any of them, and the catalog is unchanged', async () => {
    expect(statements.filter((q) => /^\s*(CREATE|ALTER|DROP|LOCK)\b/i.test(q) && !/__proto__/.test(q))).toEqual([]);
    expect(await tableNames(s.plinth.db)).toEqual(tablesBefore);
    expect(await s.plinth.db.query(`SELECT "className", "schema"::text FROM "_SCHEMA" ORDER BY 1`)).toEqual(schemaBefore);
    expect(await columnTypes(s.plinth.db, 'Safe')).toEqual({
      objectId: 'text',
      createdAt: 'timestamp with time zone',
      updatedAt: 'timestamp with time zone',
      _rperm: 'text[]',
      _wperm: 'text[]',
      name: 'text',
    });
    expect(Object.keys(await indexesOf(s.plinth.db, 'Safe'))).toHaveLength(2);
  });
});

describe('names at the limits that are valid work end to end', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s?.close());

  it('a 63-byte class name and field name', async () => {
    const cls = 'C' + 'x'.repeat(62);
    const field = 'f' + 'y'.repeat(62);
    await s.ok(`mutation($c: String!, $f: String!) { createClass(input: { name: $c, schemaFields: { addStrings: [{ name: $f }] } }) { class { name } } }`, {
      c: cls,
      f: field,
    });
    expect(Object.keys(await columnTypes(s.plinth.db, cls))).toContain(field);
    const d = await s.ok(`mutation { create${cls}(input: { fields: { ${field}: "v" } }) { ${'c' + 'x'.repeat(62)} { ${field} } } }`);
    expect(d[`create${cls}`][`c${'x'.repeat(62)}`][field]).toBe('v');
  });

  it('a relation whose join table name would exceed 63 bytes is refused with 105, not truncated', async () => {
    const cls = 'R' + 'x'.repeat(40);
    await s.ok(`mutation($c: String!) { createClass(input: { name: $c }) { class { name } } }`, { c: cls });
    const r = await s.master(
      `mutation($c: String!) { updateClass(input: { name: $c, schemaFields: { addRelations: [{ name: "${'r'.repeat(20)}", targetClassName: "_User" }] } }) { class { name } } }`,
      { c: cls },
    );
    expectError(r, 105, /exceeds 63 bytes/);
  });

  it('SQL keywords as class and field names', async () => {
    await s.ok(
      `mutation { createClass(input: { name: "Select", schemaFields: { addStrings: [{ name: "from" }, { name: "where" }, { name: "order" }], addNumbers: [{ name: "limit" }] }, indexes: { from_where: { from: 1, where: -1 } } }) { class { name } } }`,
    );
    const d = await s.ok(`mutation { createSelect(input: { fields: { from: "a", where: "b", order: "c", limit: 1 } }) { select { from where order limit } } }`);
    expect(d.createSelect.select).toEqual({ from: 'a', where: 'b', order: 'c', limit: 1 });
    const q = await s.ok(`{ selects(where: { from: { equalTo: "a" } }, order: [limit_DESC]) { count } }`);
    expect(q.selects.count).toBe(1);
  });

  it('values that look like SQL are stored as values', async () => {
    await s.ok(
      `mutation { createClass(input: { name: "Note", schemaFields: { addStrings: [{ name: "text", defaultValue: "'); DROP TABLE \\"_User\\"; --" }] } }) { class { name } } }`,
    );
    const d = await s.ok(`mutation { createNote(input: { fields: {} }) { note { text } } }`);
    expect(d.createNote.note.text).toBe(`'); DROP TABLE "_User"; --`);
    expect(await tableNames(s.plinth.db)).toContain('_User');
  });
});
