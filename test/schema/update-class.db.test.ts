import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { columnTypes, expectError, tableNames } from './support.ts';

// updateClass with additions and `remove` in one input, as Parse Server applies it: removes
// after adds — a name in `remove` is never added, an existing field in it is dropped, an
// unknown one is ignored — checked against Parse 9.10's answers.

let s: TestServer;
const fieldsOf = (d: any) => d.updateClass.class.schemaFields.map((f: { name: string }) => f.name);
const UPDATE = `mutation($fields: SchemaFieldsInput) { updateClass(input: { name: "Note", schemaFields: $fields }) { class { schemaFields { name __typename } } } }`;

beforeAll(async () => {
  s = await startTestServer();
  await s.ok(`mutation { createClass(input: { name: "Note", schemaFields: {
    addStrings: [{ name: "title" }], addNumbers: [{ name: "views" }], addRelations: [{ name: "readers", targetClassName: "_User" }] } }) { class { name } } }`);
});
afterAll(() => s?.close());

describe('updateClass with adds and removes in one input', () => {
  it('adds what is not removed, drops existing fields listed in remove, and ignores unknown names', async () => {
    const d = await s.ok(UPDATE, {
      fields: {
        addStrings: [{ name: 'fresh' }, { name: 'kept' }],
        addNumbers: [{ name: 'views' }],
        remove: [{ name: 'views' }, { name: 'fresh' }, { name: 'ghost' }],
      },
    });
    const names = fieldsOf(d);
    expect(names).toContain('kept');
    expect(names).toContain('title');
    for (const gone of ['views', 'fresh', 'ghost']) expect(names).not.toContain(gone);
    const columns = await columnTypes(s.plinth.db, 'Note');
    expect(columns).toMatchObject({ kept: 'text', title: 'text' });
    expect(columns.views).toBeUndefined();
    expect(columns.fresh).toBeUndefined();
    const r = await s.master(`{ notes { edges { node { views } } } }`);
    expect(r.errors?.[0].message).toMatch(/Cannot query field "views"/);
  });

  it('drops a relation listed in both, with its join table', async () => {
    const d = await s.ok(UPDATE, { fields: { addRelations: [{ name: 'readers', targetClassName: '_User' }], remove: [{ name: 'readers' }] } });
    expect(fieldsOf(d)).not.toContain('readers');
    expect(await tableNames(s.plinth.db)).not.toContain('_Join:readers:Note');
  });

  it('takes a name listed twice among the additions when remove lists it too (Parse: no duplicate)', async () => {
    const d = await s.ok(UPDATE, { fields: { addStrings: [{ name: 'twice' }], addNumbers: [{ name: 'twice' }], remove: [{ name: 'twice' }] } });
    expect(fieldsOf(d)).not.toContain('twice');
  });

  it('still refuses to add an existing field that is not removed (105) and to remove a default one (136)', async () => {
    expectError(await s.master(UPDATE, { fields: { addStrings: [{ name: 'title' }] } }), 105, 'Duplicated field name: title');
    expectError(await s.master(UPDATE, { fields: { addStrings: [{ name: 'a' }, { name: 'a' }] } }), 105, 'Duplicated field name: a');
    expectError(
      await s.master(UPDATE, { fields: { addStrings: [{ name: 'createdAt' }], remove: [{ name: 'createdAt' }] } }),
      136,
      'field createdAt cannot be changed',
    );
  });
});
