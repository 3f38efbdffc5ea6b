import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParseObject } from '../../src/core/index.ts';
import { compileMatcher, parseWhere, type Condition } from '../../src/query/index.ts';
import type { ClassDef } from '../../src/schema/index.ts';
import { Auth } from '../../src/security/index.ts';
import { ALL, ALL_CASES, OWNER_FIELDS, THING_FIELDS, THINGS, UNSET, type AgreementCase } from './agreement-cases.ts';
import { startQueryFixture, type QueryFixture } from './fixture.ts';

// "Same language, same answer": every case of one table runs through the SQL compiler (a find
// on the database) and through the in-memory matcher of live queries (over the very objects
// read back through core), and both must give the expected objects.
describe('where: the SQL compiler and the in-memory matcher agree', () => {
  let f: QueryFixture;
  let cls: ClassDef;
  let objects: ParseObject[];
  const id = (title: string) => f.ids.get(title) ?? expect.unreachable(`no object ${title}`);
  const titles = (list: readonly ParseObject[]) => list.map((o) => o.title as string).sort();

  beforeAll(async () => {
    f = await startQueryFixture();
    await f.createClass('Owner', OWNER_FIELDS);
    await f.createClass('Thing', THING_FIELDS);
    for (const title of ['o1', 'o2']) await f.add('Owner', { title });
    for (const fields of THINGS(id)) await f.add('Thing', fields);
    await f.s.ok(`mutation($id: ID!, $fields: UpdateThingFieldsInput) { updateThing(input: { id: $id, fields: $fields }) { thing { objectId } } }`, {
      id: id('u'),
      fields: UNSET,
    });
    cls = f.s.plinth.schemaStore.current.classes.get('Thing')!;
    objects = (await read(undefined, Object.keys(cls.fields))).objects;
  });
  afterAll(() => f?.close());

  function read(where: Condition | undefined, fields: readonly string[]) {
    return f.s.plinth.core.find(Auth.master(), 'Thing', { where, fields, page: { first: 100 }, wantObjects: true, wantCount: false, wantHasNext: false });
  }

  function conditionOf(c: AgreementCase): Condition {
    if (c.ast) return c.ast;
    const where = typeof c.where === 'function' ? c.where(id) : c.where;
    return parseWhere(where, cls, { classes: f.s.plinth.schemaStore.current.classes });
  }

  it('reads every object back, "u" without the values it had', () => {
    expect(titles(objects)).toEqual([...ALL].sort());
    const u = objects.find((o) => o.title === 'u')!;
    for (const field of Object.keys(UNSET)) expect(u[field] ?? null, field).toBeNull();
  });

  for (const c of ALL_CASES) {
    it(c.name, async () => {
      const cond = conditionOf(c);
      const sql = titles((await read(cond, ['title'])).objects);
      const matches = compileMatcher(cond, cls);
      const memory = titles(objects.filter((o) => matches(o)));
      const expected = [...c.expected].sort();
      expect({ sql, memory }, JSON.stringify(cond)).toEqual({ sql: expected, memory: expected });
    });
  }
});
