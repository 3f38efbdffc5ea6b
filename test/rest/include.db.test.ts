import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { restClient } from '../helpers/rest.ts';
import { clp } from '../security/helpers.ts';

// `include`, `keys` and `excludeKeys` of REST reads, answered as Parse Server 9.10 answers them
// (each expected body below is Parse's own answer to the same data, with ids and dates named).
let s: TestServer;
let rest: ReturnType<typeof restClient>;
const ids: Record<string, string> = {};

const ptr = (className: string, id: string) => ({ __type: 'Pointer', className, objectId: id });

/** A body with dates as `T` and object ids as `<name>`, to compare with Parse's answer. */
function named(body: unknown): any {
  let text = JSON.stringify(body, (k, v) => (k === 'createdAt' || k === 'updatedAt' ? 'T' : v));
  for (const [name, id] of Object.entries(ids)) text = text.split(`"${id}"`).join(`"<${name}>"`);
  return JSON.parse(text);
}

async function create(className: string, body: Record<string, unknown>): Promise<string> {
  const r = await rest('POST', `classes/${className}`, { master: true, body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.objectId;
}

/** A find on IncA (by seq) and a get of a1, with the same parameters: both answers, named. */
async function read(params: Record<string, unknown>, call: { session?: string; master?: boolean } = {}) {
  const found = await rest('GET', 'classes/IncA', { ...call, params: { ...params, order: 'seq' } });
  expect(found.status, JSON.stringify(found.body)).toBe(200);
  const got = await rest('GET', `classes/IncA/${ids.a1}`, { ...call, params });
  expect(got.status, JSON.stringify(got.body)).toBe(200);
  expect(named(got.body)).toEqual(named(found.body.results[0]));
  return named(found.body.results);
}

const T = { createdAt: 'T', updatedAt: 'T' };
const P = (className: string, name: string) => ({ __type: 'Pointer', className, objectId: `<${name}>` });
const o1 = { objectId: '<o1>', ...T, oname: 'o1', __type: 'Object', className: 'IncO' };
const c1 = { objectId: '<c1>', ...T, cname: 'c1', cextra: 1, __type: 'Object', className: 'IncC' };
const b1 = { objectId: '<b1>', ...T, bname: 'b1', n: 1, label: 'L1', c: P('IncC', 'c1'), owner: P('IncO', 'o1'), __type: 'Object', className: 'IncB' };
const b2 = { objectId: '<b2>', ...T, bname: 'b2', n: 2, label: 'L2', owner: P('IncO', 'o1'), __type: 'Object', className: 'IncB' };

beforeAll(async () => {
  s = await startTestServer();
  rest = restClient(s.plinth);
  ids.o1 = await create('IncO', { oname: 'o1' });
  ids.c1 = await create('IncC', { cname: 'c1', cextra: 1 });
  ids.b1 = await create('IncB', { bname: 'b1', n: 1, label: 'L1', c: ptr('IncC', ids.c1), owner: ptr('IncO', ids.o1) });
  ids.b2 = await create('IncB', { bname: 'b2', n: 2, label: 'L2', owner: ptr('IncO', ids.o1) });
  ids.priv = await create('IncB', { bname: 'private', n: 3, ACL: {} });
  ids.gone = await create('IncB', { bname: 'gone' });
  const B = (name: string) => ptr('IncB', ids[name]);
  ids.a1 = await create('IncA', {
    name: 'a1',
    seq: 1,
    arr: [B('b1'), B('b2'), 'str', B('priv'), B('gone'), ptr('IncC', ids.c1), 5, null, { x: B('b1') }, [B('b2')]],
    b: B('b1'),
    par: B('b2'),
    priv: B('priv'),
    gone: B('gone'),
    obj: { p: B('b1'), q: 1 },
  });
  ids.a2 = await create('IncA', { name: 'a2', seq: 2, arr: [], b: B('b2') });
  expect((await rest('DELETE', `classes/IncB/${ids.gone}`, { master: true })).status).toBe(200);
});
afterAll(() => s.close());

describe('REST include through arrays', () => {
  it('include=arr: readable pointers become objects, unreadable and deleted ones leave the array, other values stay', async () => {
    const [a1, a2] = await read({ include: 'arr' });
    expect(a1.arr).toEqual([b1, b2, 'str', c1, 5, null, { x: P('IncB', 'b1') }, [b2]]);
    expect(a2.arr).toEqual([]);
    // The other pointers are not included.
    expect(a1.b).toEqual(P('IncB', 'b1'));
    expect(a1.priv).toEqual(P('IncB', 'priv'));
    // The master key reads the private one; the deleted one is gone for everyone.
    const [master] = await read({ include: 'arr' }, { master: true });
    expect(master.arr.slice(0, 4)).toEqual([b1, b2, 'str', { objectId: '<priv>', ...T, bname: 'private', n: 3, ACL: {}, __type: 'Object', className: 'IncB' }]);
    expect(master.arr).toHaveLength(9);
  });

  it('dotted paths through arrays and objects: arr.owner, arr.c, arr.x, obj.p, obj.p.owner', async () => {
    const withOwner = { ...b1, owner: o1 };
    expect((await read({ include: 'arr.owner' }))[0].arr).toEqual([
      withOwner,
      { ...b2, owner: o1 },
      'str',
      c1,
      5,
      null,
      { x: P('IncB', 'b1') },
      [{ ...b2, owner: o1 }],
    ]);
    expect((await read({ include: 'arr.c' }))[0].arr.slice(0, 2)).toEqual([{ ...b1, c: c1 }, b2]);
    // An object in the array holding a pointer: `arr.x` reads it (the array is included too).
    expect((await read({ include: 'arr.x' }))[0].arr.slice(6, 8)).toEqual([{ x: b1 }, [b2]]);
    const [a1] = await read({ include: 'obj.p.owner' });
    expect(a1.obj).toEqual({ p: withOwner, q: 1 });
    expect(a1.arr[0]).toEqual(P('IncB', 'b1'));
  });

  it('include=* is every pointer and array field, one level; with keys, those fields are answered too', async () => {
    const [a1, a2] = await read({ include: '*' });
    expect(a1.arr).toEqual([b1, b2, 'str', c1, 5, null, { x: P('IncB', 'b1') }, [b2]]);
    expect([a1.b, a1.par, a2.b]).toEqual([b1, b2, b2]);
    expect(a1).not.toHaveProperty('priv');
    expect(a1).not.toHaveProperty('gone');
    expect(a1.obj).toEqual({ p: P('IncB', 'b1'), q: 1 });
    // `*` drops the other paths, as Parse does.
    expect((await read({ include: '*,b.c' }))[0].b).toEqual(b1);
    const [kept] = await read({ include: '*', keys: 'name' });
    expect(Object.keys(kept).sort()).toEqual(['arr', 'b', 'createdAt', 'name', 'objectId', 'par', 'updatedAt']);
  });
});

describe('REST keys and excludeKeys on included objects', () => {
  it('keys=b.c.cname&include=b.c: c has only cname, b only the key that reaches c', async () => {
    const bOnlyC = (c: unknown) => ({ c, objectId: '<b1>', ...T, __type: 'Object', className: 'IncB' });
    const cName = { cname: 'c1', objectId: '<c1>', ...T, __type: 'Object', className: 'IncC' };
    const expected = [
      { b: bOnlyC(cName), objectId: '<a1>', ...T },
      { b: { objectId: '<b2>', ...T, __type: 'Object', className: 'IncB' }, objectId: '<a2>', ...T },
    ];
    expect(await read({ keys: 'b.c.cname', include: 'b.c' })).toEqual(expected);
    // The include is implied by the dotted key.
    expect(await read({ keys: 'b.c.cname' })).toEqual(expected);
  });

  it('keys=b.bname without include includes b with only bname', async () => {
    expect(await read({ keys: 'b.bname' })).toEqual([
      { b: { bname: 'b1', objectId: '<b1>', ...T, __type: 'Object', className: 'IncB' }, objectId: '<a1>', ...T },
      { b: { bname: 'b2', objectId: '<b2>', ...T, __type: 'Object', className: 'IncB' }, objectId: '<a2>', ...T },
    ]);
  });

  it('excludeKeys=b.n removes n from the included b (and includes b by itself); built-ins are never excluded', async () => {
    const { n: _n, ...b1WithoutN } = b1;
    for (const params of [{ include: 'b', excludeKeys: 'b.n' }, { excludeKeys: 'b.n' }]) {
      const [a1, a2] = await read(params);
      expect(a1.b).toEqual(b1WithoutN);
      expect(a2.b).not.toHaveProperty('n');
      expect(a1.name).toBe('a1');
    }
    const [a1] = await read({ include: 'b.c', excludeKeys: 'b.c.cextra,b.createdAt' });
    expect(a1.b).toEqual({ ...b1, c: { objectId: '<c1>', ...T, cname: 'c1', __type: 'Object', className: 'IncC' } });
    expect(Object.keys((await read({ excludeKeys: 'createdAt,updatedAt,ACL,objectId,name' }))[0])).toEqual(
      expect.arrayContaining(['objectId', 'createdAt', 'updatedAt', 'seq']),
    );
  });

  it('keys=name,par.label&include=par: par has label and the built-ins; an included field outside keys is not answered', async () => {
    expect(await read({ keys: 'name,par.label', include: 'par' })).toEqual([
      { name: 'a1', par: { label: 'L2', objectId: '<b2>', ...T, __type: 'Object', className: 'IncB' }, objectId: '<a1>', ...T },
      { name: 'a2', objectId: '<a2>', ...T },
    ]);
    expect(await read({ keys: 'name', include: 'par' })).toEqual([
      { name: 'a1', objectId: '<a1>', ...T },
      { name: 'a2', objectId: '<a2>', ...T },
    ]);
    expect((await read({ keys: 'name,par', include: 'par' }))[0].par).toEqual(b2);
  });

  it('keys through arrays and two levels: arr.bname, b.owner.oname', async () => {
    const [a1] = await read({ keys: 'arr.bname' });
    const only = (name: string, cls: string, extra = {}) => ({ ...extra, objectId: `<${name}>`, ...T, __type: 'Object', className: cls });
    expect(a1).toEqual({
      arr: [
        only('b1', 'IncB', { bname: 'b1' }),
        only('b2', 'IncB', { bname: 'b2' }),
        'str',
        only('c1', 'IncC'),
        5,
        null,
        { x: P('IncB', 'b1') },
        [only('b2', 'IncB', { bname: 'b2' })],
      ],
      objectId: '<a1>',
      ...T,
    });
    const [deep] = await read({ keys: 'name,b.owner.oname', include: 'b' });
    expect(deep.b).toEqual(only('b1', 'IncB', { owner: only('o1', 'IncO', { oname: 'o1' }) }));
  });
});

describe('REST include of pointers the caller may not read', () => {
  it('an unreadable or deleted target: the key is left out (Parse answers no stub); the master key reads it', async () => {
    const [a1] = await read({ include: 'priv,gone,b' });
    expect(a1).not.toHaveProperty('priv');
    expect(a1).not.toHaveProperty('gone');
    expect(a1.b).toEqual(b1);
    const [master] = await read({ include: 'priv' }, { master: true });
    expect(master.priv).toMatchObject({ bname: 'private', __type: 'Object' });
  });

  it("a target class whose CLP refuses the caller get: the read fails as Parse's does (119; 101 for requiresAuthentication)", async () => {
    for (const [className, perms] of [
      ['IncNoGet', clp({ get: {} })],
      ['IncAuth', clp({ get: { requiresAuthentication: true } })],
    ] as const)
      expect(
        (await rest('POST', `schemas/${className}`, { master: true, body: { className, fields: { v: { type: 'String' } }, classLevelPermissions: perms } }))
          .status,
      ).toBe(200);
    const ng = await create('IncNoGet', { v: 'ng' });
    const au = await create('IncAuth', { v: 'au' });
    const h = await create('IncH', { ng: ptr('IncNoGet', ng), au: ptr('IncAuth', au), arr: [ptr('IncNoGet', ng)] });
    const refused = async (include: string) => {
      const found = await rest('GET', 'classes/IncH', { params: { include } });
      const got = await rest('GET', `classes/IncH/${h}`, { params: { include } });
      return [found.body, got.body];
    };
    expect(await refused('ng')).toEqual([
      { code: 119, error: 'Permission denied' },
      { code: 119, error: 'Permission denied' },
    ]);
    expect(await refused('arr')).toEqual([
      { code: 119, error: 'Permission denied' },
      { code: 119, error: 'Permission denied' },
    ]);
    expect((await refused('au')).map((b) => b.code)).toEqual([101, 101]);
    // Not included, the pointers are answered as stored.
    expect((await rest('GET', `classes/IncH/${h}`)).body.ng).toEqual(ptr('IncNoGet', ng));
  });
});

describe('REST include statements', () => {
  /** The statements a master REST find runs (the catalog's version poll left out). */
  async function statements(params: Record<string, unknown>): Promise<string[]> {
    const seen: string[] = [];
    const stop = s.plinth.db.onQuery((sql) => {
      if (!/"_PlinthSchemaVersion"/.test(sql)) seen.push(sql);
    });
    try {
      const r = await rest('GET', 'classes/IncMany', { master: true, params });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    } finally {
      stop();
    }
    return seen;
  }

  it('one statement per include path and target class, whatever the number of objects; the first pointer level joined', async () => {
    const b = (name: string) => ptr('IncB', ids[name]);
    await create('IncMany', { k: 0, one: b('b1'), list: [b('b1'), b('b2'), ptr('IncC', ids.c1)] });
    const small = await statements({ include: 'one.owner,list.owner,list.c' });
    for (let k = 1; k < 12; k++) await create('IncMany', { k, one: b(k % 2 ? 'b1' : 'b2'), list: [b('b1'), b('b2'), ptr('IncC', ids.c1)] });
    const large = await statements({ include: 'one.owner,list.owner,list.c' });
    expect(large).toEqual(small);
    const tables = (sql: string) => [...sql.matchAll(/\b(?:FROM|JOIN) "([^"]+)"/g)].map((m) => m[1]).join(' ⨝ ');
    // The page with `one` joined; then `list` (IncB, IncC), `one.owner`, `list.owner`, `list.c` in one batch each.
    expect(large.map(tables)).toEqual(['IncMany ⨝ IncB', 'IncB', 'IncC', 'IncO', 'IncO', 'IncC']);
  });
});
