import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent, ParseObject, WriteInput } from '../../src/core/index.ts';
import { Auth } from '../../src/security/index.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

// Parse's dotted keys (`"meta.a.b"`): writes inside an Object field, applied by the database
// in the update's own statement (a create computes the value in memory by the same rules),
// with the hooks and change events seeing the whole field as the write left it.

let s: TestServer;
const master = Auth.master();
const plain = (o: ParseObject) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>;

beforeAll(async () => {
  s = await startTestServer();
  await s.plinth.schemaStore.createClass('Doc', { addFields: { title: { type: 'String' }, meta: { type: 'Object' }, tags: { type: 'Array' } } });
});
afterAll(() => s?.close());

const create = (input: WriteInput) => s.plinth.core.create(master, 'Doc', input);
const update = (id: string, input: WriteInput) => s.plinth.core.update(master, 'Doc', id, input, { fields: ['meta'] });
const metaOf = async (id: string) => (await s.plinth.core.get(master, 'Doc', id, ['meta'])).meta;

/** Parse's error of a write: its code and message. */
async function refusal(write: Promise<unknown>): Promise<{ code: number; message: string }> {
  const error = (await write.then(
    () => undefined,
    (e: unknown) => e,
  )) as { code: number; message: string } | undefined;
  expect(error, 'expected the write to be refused').toBeDefined();
  return { code: error!.code, message: error!.message };
}

describe('dotted keys on update', () => {
  it('set, increment and delete keys inside the field, keeping the others', async () => {
    const { objectId } = await create({ meta: { stars: 1, name: 'x', keep: true, gone: 1 } });
    const saved = await update(objectId, { 'meta.name': 'y', 'meta.stars': { __op: 'Increment', amount: 2 }, 'meta.gone': { __op: 'Delete' } });
    expect(saved.meta).toEqual({ stars: 3, name: 'y', keep: true });
    expect(await metaOf(objectId)).toEqual({ stars: 3, name: 'y', keep: true });
  });

  it('deeper paths create the objects on the way; a level that is no object becomes one', async () => {
    const { objectId } = await create({ meta: { a: { keep: 1 }, flat: 5, list: [1, 2] } });
    await update(objectId, { 'meta.a.b.c': 'deep', 'meta.flat.x': 1, 'meta.list.y': true, 'meta.a.n': { __op: 'Increment' } });
    expect(await metaOf(objectId)).toEqual({ a: { keep: 1, b: { c: 'deep' }, n: 1 }, flat: { x: 1 }, list: { y: true } });
  });

  it('a field that was never set starts as an empty object; a delete there leaves it unset', async () => {
    const { objectId } = await create({ title: 'empty' });
    await update(objectId, { 'meta.gone': { __op: 'Delete' } });
    expect(await metaOf(objectId)).toBeNull();
    await update(objectId, { 'meta.count': { __op: 'Increment', amount: 1.5 }, 'meta.v': null });
    expect(await metaOf(objectId)).toEqual({ count: 1.5, v: null });
  });

  it('a delete leaves what it does not find, and never walks into an array or a scalar', async () => {
    const { objectId } = await create({ meta: { list: [{ b: 1 }], n: 1, a: { b: 2, c: 3 } } });
    await update(objectId, {
      'meta.list.b': { __op: 'Delete' },
      'meta.n.b': { __op: 'Delete' },
      'meta.none.b': { __op: 'Delete' },
      'meta.a.b': { __op: 'Delete' },
    });
    expect(await metaOf(objectId)).toEqual({ list: [{ b: 1 }], n: 1, a: { c: 3 } });
  });

  it('Add, AddUnique and Remove on an array inside the field', async () => {
    const { objectId } = await create({ meta: { tags: ['a', 'b'], gone: [1, 2, 1], none: 'text' } });
    await update(objectId, {
      'meta.tags': { __op: 'AddUnique', objects: ['b', 'c', 'c'] },
      'meta.gone': { __op: 'Remove', objects: [1] },
      'meta.none': { __op: 'Add', objects: [{ x: 1 }] },
      'meta.fresh': { __op: 'Add', objects: [1] },
    });
    expect(await metaOf(objectId)).toEqual({ tags: ['a', 'b', 'c'], gone: [2], none: [{ x: 1 }], fresh: [1] });
  });

  it('keys and values are data, never SQL', async () => {
    const { objectId } = await create({ meta: {} });
    const key = `it's"); DROP TABLE "Doc"; --`;
    await update(objectId, { [`meta.${key}`]: `'; DELETE FROM "Doc"; --`, 'meta.ünï cødé': 'ok' });
    expect(await metaOf(objectId)).toEqual({ [key]: `'; DELETE FROM "Doc"; --`, 'ünï cødé': 'ok' });
  });

  it('many keys in one write, and paths down to the nesting limit, make a statement that grows only linearly', async () => {
    const { objectId } = await create({ meta: { n: 0 } });
    const input: WriteInput = {};
    for (let i = 0; i < 60; i++) input[`meta.g${i % 6}.k${i}`] = { __op: 'Increment', amount: i };
    const deep = Array.from({ length: 30 }, (_, i) => `d${i}`);
    input[`meta.${deep.join('.')}`] = 'bottom';
    await update(objectId, input);
    const meta = (await metaOf(objectId)) as Record<string, any>;
    expect(Object.keys(meta.g0)).toHaveLength(10);
    expect(meta.g5.k59).toBe(59);
    expect(deep.reduce((node, key) => node[key], meta)).toBe('bottom');
  });

  it('concurrent increments of the same nested number all count', async () => {
    const { objectId } = await create({ meta: { n: 0 } });
    const one = (i: number) => update(objectId, { 'meta.n': { __op: 'Increment' } }).then(() => i);
    const two = (i: number) => update(objectId, { 'meta.n': { __op: 'Increment' }, 'meta.m': { __op: 'Increment', amount: 2 } }).then(() => i);
    await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? one(i) : two(i))));
    expect(await metaOf(objectId)).toEqual({ n: 8, m: 8 });
  });

  it('hooks and change events see the whole field before and after', async () => {
    const { objectId } = await create({ meta: { n: 1, keep: 'k' } });
    const seen: { object: ParseObject; original?: ParseObject }[] = [];
    const events: ChangeEvent[] = [];
    const unhook = s.plinth.hooks.register('Doc', { wholeObjects: true, afterCommit: (_op, object, original) => void seen.push({ object, original }) });
    const unlisten = s.plinth.events.on((e) => e.className === 'Doc' && events.push(e));
    try {
      await s.plinth.core.update(master, 'Doc', objectId, { 'meta.n': { __op: 'Increment', amount: 4 }, 'meta.x.y': 'z' });
    } finally {
      unhook();
      unlisten();
    }
    expect(seen).toHaveLength(1);
    expect(seen[0].object.meta).toEqual({ n: 5, keep: 'k', x: { y: 'z' } });
    expect(seen[0].original?.meta).toEqual({ n: 1, keep: 'k' });
    const event = events.find((e) => e.objectId === objectId)!;
    expect(event.fields).toEqual(['meta']);
    expect(event.object.meta).toEqual({ n: 5, keep: 'k', x: { y: 'z' } });
  });
});

describe('dotted keys on create, and with the whole field', () => {
  it('a create builds the field from its dotted keys (an increment gives its amount)', async () => {
    const created = await create({
      'meta.a.b': 1,
      'meta.n': { __op: 'Increment', amount: 3 },
      'meta.list': { __op: 'AddUnique', objects: [1, 1] },
      'meta.x': { __op: 'Delete' },
    });
    expect(created.meta).toEqual({ a: { b: 1 }, n: 3, list: [1] });
    expect(await metaOf(created.objectId)).toEqual({ a: { b: 1 }, n: 3, list: [1] });
  });

  it('dotted keys change the value given for the whole field in the same write', async () => {
    const created = await create({ 'meta.n': { __op: 'Increment' }, meta: { n: 1, drop: true }, 'meta.drop': { __op: 'Delete' } });
    expect(await metaOf(created.objectId)).toEqual({ n: 2 });
    await update(created.objectId, { meta: { fresh: 1 }, 'meta.more': 2 });
    expect(await metaOf(created.objectId)).toEqual({ fresh: 1, more: 2 });
  });

  it('in memory (create) and in the database (update) the same edits give the same value', async () => {
    const start = { a: { b: [1, { c: 2 }], q: 1 }, n: 'not a number', s: 1, d: { e: { f: 1, g: 2 } } };
    const edits: WriteInput = {
      'meta.a.b': { __op: 'Remove', objects: [{ c: 2 }] },
      'meta.a.q': { __op: 'Delete' },
      'meta.d.e.f': { __op: 'Delete' },
      'meta.a.z.y': 0.1,
      'meta.n': { __op: 'Increment', amount: 0.2 },
      'meta.s.t': 'u',
      'meta.gone.deep': { __op: 'Delete' },
      'meta.u': {
        __op: 'AddUnique',
        objects: [
          { k: 1, j: 2 },
          { j: 2, k: 1 },
        ],
      },
    };
    const inMemory = await create({ meta: start, ...edits });
    const stored = await create({ meta: start });
    const inSql = await update(stored.objectId, edits);
    expect(inSql.meta).toEqual(inMemory.meta);
    expect(await metaOf(stored.objectId)).toEqual(await metaOf(inMemory.objectId));
    expect(plain(inMemory).meta).toEqual({ a: { b: [1], z: { y: 0.1 } }, n: 0.2, s: { t: 'u' }, u: [{ k: 1, j: 2 }], d: { e: { g: 2 } } });
  });
});

describe('dotted keys refused', () => {
  let id: string;
  beforeAll(async () => {
    id = (await create({ meta: {}, title: 't' })).objectId;
  });

  it.each([
    ['a field the class does not have', { 'nope.a': 1 }, 105, 'Field nope does not exist in class Doc.'],
    ['a field that is no Object', { 'title.a': 1 }, 111, 'Cannot write title.a: title is not an Object field'],
    ['an Array field', { 'tags.0': 1 }, 111, 'Cannot write tags.0: tags is not an Object field'],
    ['an empty segment', { 'meta..a': 1 }, 105, 'Invalid field name: meta..a.'],
    ['a trailing dot', { 'meta.': 1 }, 105, 'Invalid field name: meta..'],
    ['a leading dot', { '.meta': 1 }, 105, 'Invalid field name: .meta.'],
    ['a $ in a key', { 'meta.$set': 1 }, 121, "Nested keys should not contain the '$' or '.' characters"],
    ['__proto__', { 'meta.__proto__.polluted': 1 }, 105, 'Prohibited keyword in request data: {"key":"__proto__"}.'],
    ['constructor', { 'meta.constructor': 1 }, 105, 'Prohibited keyword in request data: {"key":"constructor"}.'],
    ['a server field', { 'objectId.a': 1 }, 105, 'objectId.a is an invalid field name.'],
    ['keys that overlap', { 'meta.a.b': 1, 'meta.a': {} }, 105, 'Keys meta.a.b and meta.a overlap: one write cannot change a value and what is inside it'],
    [
      'keys that overlap, the other way',
      { 'meta.a': 1, 'meta.a.b.c': 2 },
      105,
      'Keys meta.a and meta.a.b.c overlap: one write cannot change a value and what is inside it',
    ],
    ['an unknown operation', { 'meta.a': { __op: 'AddRelation', objects: [] } }, 107, 'Unknown operation "AddRelation" on meta.a'],
    ['an increment by a non-number', { 'meta.a': { __op: 'Increment', amount: '1' } }, 111, 'Increment of meta.a needs a finite number amount'],
  ])('%s', async (_what, input, code, message) => {
    expect(await refusal(update(id, input))).toEqual({ code, message });
    expect(await refusal(create(input))).toEqual({ code, message });
  });

  it('a key or value the database cannot store (111), a path past the nesting limit (107)', async () => {
    expect((await refusal(update(id, { 'meta.a\u0000b': 1 }))).code).toBe(111);
    expect((await refusal(update(id, { 'meta.a': 'x\u0000' }))).code).toBe(111);
    const deep = Array.from({ length: 40 }, (_, i) => `k${i}`).join('.');
    expect((await refusal(update(id, { [`meta.${deep}`]: 1 }))).code).toBe(107);
    let value: unknown = 1;
    for (let i = 0; i < 30; i++) value = { v: value };
    expect((await refusal(update(id, { 'meta.a.b.c': value }))).code).toBe(107);
    expect(await metaOf(id)).toEqual({});
  });

  it("the system classes' own Object fields (authData is written through its providers)", async () => {
    const user = await s.plinth.core.create(master, '_User', { username: 'dotted', password: 'pw-dotted-1' });
    const refused = await refusal(s.plinth.core.update(master, '_User', user.objectId, { 'authData.facebook': { id: 'someone-else' } }));
    expect(refused).toEqual({ code: 105, message: 'Invalid field name for update: authData.facebook' });
  });
});
