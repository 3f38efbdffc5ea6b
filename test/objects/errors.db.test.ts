import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { APP_ID, MASTER_KEY, startTestServer, type TestServer } from '../helpers/server.ts';
import { countRows, createClass, expectCodes, expectError, expectNoStack, globalId } from './helpers.ts';

/** Malformed input gets a clear, coded error — never a crash, a stack trace, or a half-written object. */
describe('errors of object operations', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
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

  const create = (fields: Record<string, unknown>) =>
    s.master(`mutation($f: CreateThingFieldsInput) { createThing(input: { fields: $f }) { thing { objectId } } }`, { f: fields });
  const things = () => countRows(s, 'Thing');

  describe('wrong types are 111', () => {
    const cases: [string, Record<string, unknown>][] = [
      ['a number for a String', { s: 5 }],
      ['a string for a Number', { n: 'five' }],
      ['a string for a Boolean', { b: 'yes' }],
      ['a bad date', { d: 'yesterday' }],
      ['a date out of range', { d: '+010000-01-01T00:00:00.000Z' }],
      ['a date before year 1', { d: '0000-12-31T00:00:00.000Z' }],
      ['an array for an Object', { o: [1, 2] }],
      ['a string for an Object', { o: 'text' }],
      ['bad base64 for Bytes', { by: 'not base64!' }],
      ['a string for a GeoPoint coordinate', { g: { latitude: 'north', longitude: 0 } }],
      ['NUL in a String', { s: 'a\u0000b' }],
      ['NUL in an Object value', { o: { k: 'a\u0000' } }],
      ['NUL in an Object key', { o: { 'k\u0000': 1 } }],
      ['NUL in an Array element', { a: ['ok', ['a\u0000']] }],
      ['NUL in a file name', { f: { file: 'a\u0000.txt' } }],
      ['NUL in a pointer id', { ptr: { link: 'abc\u0000' } }],
    ];
    for (const [what, fields] of cases) {
      it(`${what}`, async () => {
        const before = await things();
        expectError(await create(fields), 111);
        expect(await things()).toBe(before);
      });
    }

    it('in an inline literal, too (a non-finite number, a wrong scalar)', async () => {
      expectError(await s.master(`mutation { createThing(input: { fields: { n: 1e400 } }) { thing { objectId } } }`), 111, /n/);
      expectError(await s.master(`mutation { createThing(input: { fields: { o: { big: 1e400 } } }) { thing { objectId } } }`), 111);
      const literal = await s.master(`mutation { createThing(input: { fields: { n: "five" } }) { thing { objectId } } }`);
      // A document that does not validate is refused before execution, with GraphQL's own code.
      expect(literal.errors?.[0].message).toMatch(/Float cannot represent/);
      expect(literal.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expectNoStack(literal);
    });

    it('on update, leaving the object as it was', async () => {
      const id = (await create({ s: 'kept', n: 1 })).data!.createThing.thing.objectId;
      expectError(
        await s.master(`mutation($id: ID!, $f: UpdateThingFieldsInput) { updateThing(input: { id: $id, fields: $f }) { thing { s } } }`, {
          id,
          f: { s: 'changed', o: [1] },
        }),
        111,
      );
      expectError(await s.master(`mutation($id: ID!) { updateThing(input: { id: $id, fields: { s: "changed", d: "soon" } }) { thing { s } } }`, { id }), 111);
      expect((await s.ok(`query($id: ID!) { thing(id: $id) { s n } }`, { id })).thing).toEqual({ s: 'kept', n: 1 });
    });
  });

  describe('other malformed values', () => {
    it('GeoPoints out of bounds and polygons with fewer than 3 points are 107', async () => {
      const before = await things();
      expectError(await create({ g: { latitude: 90.5, longitude: 0 } }), 107, /latitude/);
      expectError(await create({ g: { latitude: 0, longitude: -180.5 } }), 107, /longitude/);
      expectError(
        await create({
          p: [
            { latitude: 0, longitude: 0 },
            { latitude: 1, longitude: 1 },
          ],
        }),
        107,
        /3 points/,
      );
      expect(await things()).toBe(before);
    });

    it('unknown fields are refused by GraphQL validation (literals) or variable coercion, naming the field', async () => {
      const literal = await s.master(`mutation { createThing(input: { fields: { nope: 1 } }) { thing { objectId } } }`);
      expect(literal.errors?.[0].message).toMatch(/"nope" is not defined by type "CreateThingFieldsInput"/);
      expect(literal.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expectNoStack(literal);
      const variable = await create({ s: 'x', nope: 1 });
      expectError(variable, 111, /nope/);
      const unknownOutput = await s.master(`{ things { edges { node { nope } } } }`);
      expect(unknownOutput.errors?.[0].message).toMatch(/Cannot query field "nope" on type "Thing"/);
      expect(unknownOutput.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expectNoStack(unknownOutput);
    });

    it('the built-in fields cannot be written', async () => {
      for (const field of ['objectId', 'createdAt', 'updatedAt', 'id']) {
        const r = await create({ [field]: 'x' });
        expect(r.errors?.[0].message).toMatch(new RegExp(field));
        expectNoStack(r);
      }
    });

    it('relation ids that cannot exist are 106', async () => {
      const before = await things();
      expectError(await create({ rel: { add: ['x'.repeat(121)] } }), 106);
      expectError(await create({ rel: { add: ['bad\u0000id'] } }), 106);
      expectError(await create({ rel: { remove: [''] } }), 106);
      expect(await things()).toBe(before);
    });
  });

  describe('huge and deeply nested values', () => {
    const nested = (levels: number, leaf: unknown = 1): unknown => {
      let v = leaf;
      for (let i = 0; i < levels; i++) v = { k: v };
      return v;
    };
    const nestedLiteral = (levels: number, open = '{ k: ', close = ' }') => `${open.repeat(levels)}1${close.repeat(levels)}`;

    it('an Object nested beyond the limit is a clear error (inline literal or variables), not a crash', async () => {
      const before = await things();
      expectError(await s.master(`mutation { createThing(input: { fields: { o: ${nestedLiteral(40)} } }) { thing { objectId } } }`), 107, /nested too deeply/);
      expectError(
        await s.master(`mutation { createThing(input: { fields: { a: ${nestedLiteral(40, '[', ']')} } }) { thing { objectId } } }`),
        107,
        /nested too deeply/,
      );
      const viaVariables = await create({ o: nested(60) });
      expectCodes(viaVariables);
      expect(viaVariables.errors?.[0].message).toMatch(/nested/);
      expect(await things()).toBe(before);
    });

    it('extreme nesting (thousands of levels) is refused before it can exhaust the stack', async () => {
      const deep = await s.master(`mutation { createThing(input: { fields: { o: ${nestedLiteral(5000)} } }) { thing { objectId } } }`);
      expectCodes(deep);
      // Built by hand: JSON.stringify itself cannot go this deep.
      const query = 'mutation($f: CreateThingFieldsInput) { createThing(input: { fields: $f }) { thing { objectId } } }';
      const body = `{"query":${JSON.stringify(query)},"variables":{"f":{"o":${'{"k":'.repeat(20_000)}1${'}'.repeat(20_000)}}}}`;
      const res = await s.plinth.fetch(
        new Request('http://plinth.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-parse-application-id': APP_ID, 'x-parse-master-key': MASTER_KEY },
          body,
        }),
      );
      const text = await res.text();
      expect(res.status).toBeLessThan(500);
      const parsed = JSON.parse(text);
      expectCodes({ status: res.status, errors: parsed.errors, body: parsed });
      expect((await s.master(`{ health }`)).data).toEqual({ health: true });
    });

    it('Objects nested up to the limit are stored and read back', async () => {
      const value = nested(20, 'leaf');
      const r = await create({ o: value });
      expect(r.errors).toBeUndefined();
      expect((await s.ok(`query($id: ID!) { thing(id: $id) { o } }`, { id: r.data!.createThing.thing.objectId })).thing.o).toEqual(value);
    });

    it('large values within the request size limit round-trip', async () => {
      const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`key${i}`, `value ${i}`]));
      const big = 'x'.repeat(500_000);
      const r = await create({ o: wide, s: big, a: Array.from({ length: 5000 }, (_, i) => i) });
      expect(r.errors).toBeUndefined();
      const got = (await s.ok(`query($id: ID!) { thing(id: $id) { o s } }`, { id: r.data!.createThing.thing.objectId })).thing;
      expect(got.o).toEqual(wide);
      expect(got.s).toHaveLength(500_000);
    });
  });

  describe('ids', () => {
    it('update and delete of ids that cannot exist are 101 and write nothing', async () => {
      for (const id of ['missing000', 'bad\u0000id', globalId('Thing', 'missing000'), globalId('Target', 'x')]) {
        expectError(
          await s.master(`mutation($id: ID!) { updateThing(input: { id: $id, fields: { s: "x" } }) { thing { objectId } } }`, { id }),
          101,
          'Object not found.',
        );
        expectError(await s.master(`mutation($id: ID!) { deleteThing(input: { id: $id }) { thing { objectId } } }`, { id }), 101, 'Object not found.');
      }
    });

    it('get and node of ids that cannot exist are 101', async () => {
      for (const id of ['missing000', 'bad\u0000id']) {
        expectError(await s.master(`query($id: ID!) { thing(id: $id) { objectId } }`, { id }), 101, 'Object not found.');
      }
      expectError(await s.master(`query($id: ID!) { node(id: $id) { id } }`, { id: globalId('Thing', 'bad\u0000id') }), 101, 'Object not found.');
    });
  });

  describe('unexpected failures', () => {
    it('are code 1 "Internal server error" with the detail only in the log', async () => {
      const logged: unknown[] = [];
      const spy = vi.spyOn(s.plinth.logger, 'error').mockImplementation(((obj: unknown) => void logged.push(obj)) as never);
      const stop = s.plinth.hooks.register('Thing', {
        before() {
          throw new Error('database password is hunter2');
        },
      });
      try {
        const r = await create({ s: 'x' });
        expectError(r, 1, /^Internal server error$/);
        expect(JSON.stringify(r.body)).not.toContain('hunter2');
        expect(logged.some((entry) => String((entry as { err?: Error }).err?.message).includes('hunter2'))).toBe(true);
      } finally {
        stop();
        spy.mockRestore();
      }
    });

    it('every error of a mixed request carries a numeric code', async () => {
      const r = await s.master(`mutation {
        a: createThing(input: { fields: { o: { k: "\\u0000" } } }) { thing { objectId } }
        b: updateThing(input: { id: "nope", fields: { s: "x" } }) { thing { objectId } }
        c: createThing(input: { fields: { ptr: {} } }) { thing { objectId } }
        d: createThing(input: { fields: { f: {} } }) { thing { objectId } }
      }`);
      expect(expectCodes(r).sort()).toEqual([101, 106, 111, 130]);
    });
  });
});
