import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CloudApi, CloudData, CloudObject, SaveRequest } from '../../src/cloud/types.ts';
import { failure, hubSubscribers, MASTER_KEY, signUp, sse, startCloudServer, until, type CloudTestServer } from './harness.ts';

// The data API inside cloud code (cloud.data, and request.data bound to the caller), driven
// through a cloud function as a client would: the same core operations as the GraphQL API,
// so the same ACL/CLP refusals, triggers and live events; options useMasterKey, sessionToken
// and context; relations, aggregate and distinct (master only); and the guard that stops a
// trigger re-entering itself through the data API.

/** Plain JSON of what the data API gave back (objects as {id, …fields}). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object' && typeof (value as CloudObject).toJSON === 'function' && 'className' in (value as object)) {
    const o = value as CloudObject;
    const { objectId, createdAt, updatedAt, ACL, ...fields } = o.toJSON() as Record<string, unknown>;
    return { id: objectId, ...fields };
  }
  return value;
}

let contexts: Record<string, unknown>[] = [];
const saves: string[] = [];

function setup(cloud: CloudApi) {
  // Runs one data API call: `{api: 'request' | 'global', call, args}` (args as the method takes them).
  cloud.define('data', async (req) => {
    const api: CloudData = req.params.api === 'global' ? cloud.data : req.data;
    const method = api[req.params.call as keyof CloudData] as (...a: unknown[]) => Promise<unknown>;
    return plain(await method.apply(api, req.params.args as unknown[]));
  });
  cloud.define('saveFound', async (req) => {
    const doc = await req.data.first('Doc', { title: { equalTo: req.params.title } }, { useMasterKey: true });
    doc!.set('n', 99).increment('n', 1);
    await req.data.save(doc!, { useMasterKey: true });
    const fresh = req.data.as({ useMasterKey: true });
    return plain(await fresh.get('Doc', doc!.id!));
  });
  cloud.beforeSave('Doc', (req: SaveRequest) => {
    saves.push(`beforeSave Doc ${req.object.get('title')}`);
    contexts.push({ ...req.context });
    if (!req.original) req.object.set('stamp', `by ${req.user?.get('username') ?? (req.master ? 'master' : 'anonymous')}`);
  });
  cloud.afterSave('Doc', (req) => void saves.push(`afterSave Doc ${req.object.get('title')}`));
  // Re-entrance: triggers that write their own class again, without end.
  cloud.afterSave('LoopViaRequest', async (req) => {
    await req.data.create('LoopViaRequest', { n: (req.object.get('n') as number) + 1 }, { useMasterKey: true });
  });
  cloud.afterSave('LoopViaGlobal', async (req) => {
    await cloud.data.create('LoopViaGlobal', { n: (req.object.get('n') as number) + 1 });
  });
  cloud.beforeFind('LoopFind', async (req) => {
    // Counting its own class with the master key runs this beforeFind again, without end.
    await req.data.count('LoopFind', {}, { useMasterKey: true });
  });
  cloud.beforeSave('LoopBefore', async (req) => {
    await req.data.create('LoopBefore', { n: ((req.object.get('n') as number) ?? 0) + 1 });
  });
}

let s: CloudTestServer;
let alice: { id: string; token: string };
let bob: { id: string; token: string };
const ids: Record<string, string> = {};

beforeAll(async () => {
  s = await startCloudServer(setup);
  await s.ok(`mutation {
    d: createClass(input: { name: "Doc", schemaFields: { addStrings: [{ name: "title" }, { name: "stamp" }], addNumbers: [{ name: "n" }],
      addRelations: [{ name: "readers", targetClassName: "_User" }] } }) { clientMutationId }
    l: createClass(input: { name: "Locked", schemaFields: { addStrings: [{ name: "title" }] }, classLevelPermissions: { find: { requiresAuthentication: true }, get: { requiresAuthentication: true }, count: { requiresAuthentication: true }, create: {}, update: {}, delete: {}, addField: {} } }) { clientMutationId }
    a: createClass(input: { name: "LoopViaRequest", schemaFields: { addNumbers: [{ name: "n" }] } }) { clientMutationId }
    b: createClass(input: { name: "LoopViaGlobal", schemaFields: { addNumbers: [{ name: "n" }] } }) { clientMutationId }
    c: createClass(input: { name: "LoopBefore", schemaFields: { addNumbers: [{ name: "n" }] } }) { clientMutationId }
    f: createClass(input: { name: "LoopFind", schemaFields: { addNumbers: [{ name: "n" }] } }) { clientMutationId }
  }`);
  alice = await signUp(s, 'alice');
  bob = await signUp(s, 'bob');
  const acl = (userId: string) => ({ users: [{ userId, read: true, write: true }] });
  const d = await s.ok(
    `mutation($a: ACLInput, $b: ACLInput) {
    p: createDoc(input: { fields: { title: "pub", n: 1 } }) { doc { objectId } }
    a: createDoc(input: { fields: { title: "alice-doc", n: 2, ACL: $a } }) { doc { objectId } }
    b: createDoc(input: { fields: { title: "bob-doc", n: 3, ACL: $b } }) { doc { objectId } }
  }`,
    { a: acl(alice.id), b: acl(bob.id) },
  );
  ids.pub = d.p.doc.objectId;
  ids.alice = d.a.doc.objectId;
  ids.bob = d.b.doc.objectId;
});
afterAll(() => s?.close());
beforeEach(() => {
  contexts = [];
  saves.length = 0;
});

type Caller = 'anonymous' | 'alice' | 'bob' | 'master';
const headersOf = (who: Caller): Record<string, string> =>
  who === 'master' ? { 'x-parse-master-key': MASTER_KEY } : who === 'anonymous' ? {} : { 'x-parse-session-token': (who === 'alice' ? alice : bob).token };
const CALL = `mutation($p: Object) { callCloudCode(input: { functionName: data, params: $p }) { result } }`;
async function data(who: Caller, api: 'request' | 'global', call: string, args: unknown[], extraHeaders: Record<string, string> = {}) {
  const r = await s.request(CALL, { p: { api, call, args } }, { ...headersOf(who), ...extraHeaders });
  return r.errors?.length ? { error: failure(r) } : { ok: r.data.callCloudCode.result };
}
const titlesOf = (out: { ok?: any }) => (out.ok as { title: string }[]).map((d) => d.title).sort();

describe('whose rights: request.data is the caller, cloud.data is anonymous, options switch', () => {
  it.each<{ who: Caller; api: 'request' | 'global'; options?: () => Record<string, unknown>; titles: string[] }>([
    { who: 'anonymous', api: 'request', titles: ['pub'] },
    { who: 'alice', api: 'request', titles: ['alice-doc', 'pub'] },
    { who: 'bob', api: 'request', titles: ['bob-doc', 'pub'] },
    { who: 'master', api: 'request', titles: ['alice-doc', 'bob-doc', 'pub'] },
    { who: 'alice', api: 'global', titles: ['pub'] },
    { who: 'master', api: 'global', titles: ['pub'] },
    { who: 'anonymous', api: 'request', options: () => ({ useMasterKey: true }), titles: ['alice-doc', 'bob-doc', 'pub'] },
    { who: 'anonymous', api: 'global', options: () => ({ useMasterKey: true }), titles: ['alice-doc', 'bob-doc', 'pub'] },
    { who: 'alice', api: 'request', options: () => ({ sessionToken: bob.token }), titles: ['bob-doc', 'pub'] },
    { who: 'anonymous', api: 'global', options: () => ({ sessionToken: alice.token }), titles: ['alice-doc', 'pub'] },
  ])('find as $who through $api.data $options', async ({ who, api, options, titles }) => {
    const out = await data(who, api, 'find', ['Doc', {}, options?.() ?? {}]);
    expect(titlesOf(out)).toEqual(titles);
  });

  it.each<{ who: Caller; call: string; args: () => unknown[]; expected: unknown }>([
    { who: 'anonymous', call: 'get', args: () => ['Doc', ids.alice], expected: { error: { code: 101, message: 'Object not found.' } } },
    { who: 'alice', call: 'get', args: () => ['Doc', ids.alice], expected: { ok: expect.objectContaining({ title: 'alice-doc' }) } },
    { who: 'alice', call: 'count', args: () => ['Doc', { n: { greaterThan: 1 } }], expected: { ok: 1 } },
    { who: 'master', call: 'count', args: () => ['Doc', { n: { $gt: 1 } }], expected: { ok: 2 } },
    {
      who: 'anonymous',
      call: 'find',
      args: () => ['Locked'],
      expected: { error: { code: 101, message: 'Permission denied' } },
    },
    {
      who: 'alice',
      call: 'create',
      args: () => ['Locked', { title: 'x' }],
      expected: { error: { code: 119, message: expect.stringMatching(/Permission denied/) } },
    },
    { who: 'alice', call: 'update', args: () => ['Doc', ids.bob, { title: 'stolen' }], expected: { error: { code: 101, message: 'Object not found.' } } },
    { who: 'bob', call: 'delete', args: () => ['Doc', ids.alice], expected: { error: { code: 101, message: 'Object not found.' } } },
    {
      who: 'anonymous',
      call: 'find',
      args: () => ['Doc', {}, { sessionToken: 'r:not-a-session' }],
      expected: { error: { code: 209, message: 'Invalid session token' } },
    },
    { who: 'anonymous', call: 'find', args: () => ['Nope'], expected: { error: { code: 103, message: expect.stringMatching(/Nope/) } } },
  ])('$call as $who', async ({ who, call, args, expected }) => {
    expect(await data(who, 'request', call, args())).toEqual(expected);
  });

  it('refusals write nothing', async () => {
    expect((await s.rows('Doc', `"objectId" = $1`, [ids.bob]))[0].title).toBe('bob-doc');
    expect(await s.rows('Doc', `"objectId" = $1`, [ids.alice])).toHaveLength(1);
    expect(await s.rows('Locked')).toEqual([]);
  });

  it('create, update and delete with rights: stored as asked, through the triggers', async () => {
    const made = await data('alice', 'request', 'create', ['Doc', { title: 'by-alice', n: 5 }]);
    expect(made.ok).toMatchObject({ title: 'by-alice', n: 5, stamp: 'by alice' });
    const id = (made.ok as { id: string }).id;
    expect(await data('alice', 'request', 'update', ['Doc', id, { n: { __op: 'Increment', amount: 2 } }])).toEqual({ ok: expect.objectContaining({ n: 7 }) });
    expect((await s.rows('Doc', `"objectId" = $1`, [id]))[0]).toMatchObject({ title: 'by-alice', n: 7, stamp: 'by alice' });
    expect(saves).toEqual(['beforeSave Doc by-alice', 'afterSave Doc by-alice', 'beforeSave Doc by-alice', 'afterSave Doc by-alice']);
    expect(await data('alice', 'request', 'delete', ['Doc', id])).toEqual({ ok: null });
    expect(await s.rows('Doc', `"objectId" = $1`, [id])).toEqual([]);
    const locked = await data('anonymous', 'global', 'create', ['Locked', { title: 'by master' }, { useMasterKey: true }]);
    expect(locked.ok).toMatchObject({ title: 'by master' });
    expect((await s.rows('Locked')).map((r) => r.title)).toEqual(['by master']);
  });

  it("save() writes a found object's changes (set then increment)", async () => {
    const r = await s.master(`mutation { callCloudCode(input: { functionName: saveFound, params: { title: "pub" } }) { result } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.callCloudCode.result).toMatchObject({ title: 'pub', n: 100 });
    expect((await s.rows('Doc', `"objectId" = $1`, [ids.pub]))[0].n).toBe(100);
  });

  it('any class: _User without secrets, _Role', async () => {
    const users = await data('master', 'request', 'find', ['_User', { username: { equalTo: 'alice' } }]);
    expect(users.ok).toEqual([expect.objectContaining({ id: alice.id, username: 'alice' })]);
    expect(JSON.stringify(users.ok)).not.toMatch(/password|argon/);
    const role = await data('master', 'request', 'create', ['_Role', { name: 'Staff', ACL: { '*': { read: true } } }]);
    expect(role.ok).toMatchObject({ name: 'Staff' });
    expect(await s.rows('_Role', `"name" = 'Staff'`)).toHaveLength(1);
  });
});

describe('context', () => {
  it('options.context reaches the triggers of that write', async () => {
    await data('master', 'request', 'create', ['Doc', { title: 'ctx' }, { context: { via: 'data api', n: 1 } }]);
    expect(contexts).toEqual([{ via: 'data api', n: 1 }]);
  });

  it("without options.context, request.data passes on the request's own context (X-Parse-Cloud-Context)", async () => {
    await data('master', 'request', 'create', ['Doc', { title: 'ctx2' }], { 'x-parse-cloud-context': '{"from":"header"}' });
    expect(contexts).toEqual([{ from: 'header' }]);
  });

  it('refuses a context that is not an object (107)', async () => {
    expect(await data('master', 'request', 'create', ['Doc', { title: 'ctx3' }, { context: [1] }])).toEqual({
      error: { code: 107, message: 'Invalid object for context.' },
    });
    expect(await s.rows('Doc', `"title" = 'ctx3'`)).toEqual([]);
  });
});

describe('relations, aggregate and distinct', () => {
  it('relate adds and removes; related reads with a where; the join table holds the result', async () => {
    expect(await data('alice', 'request', 'relate', ['Doc', ids.pub, 'readers', { add: [alice.id, bob.id] }])).toEqual({ ok: null });
    expect(await data('alice', 'request', 'relate', ['Doc', ids.pub, 'readers', { remove: [bob.id] }])).toEqual({ ok: null });
    const related = await data('alice', 'request', 'related', ['Doc', ids.pub, 'readers', { username: { equalTo: 'alice' } }]);
    expect(related.ok).toEqual([expect.objectContaining({ id: alice.id, username: 'alice' })]);
    expect((await s.rows('_Join:readers:Doc', `"owningId" = $1`, [ids.pub])).map((r) => r.relatedId)).toEqual([alice.id]);
    // bob may not write alice's document: the relation is not changed.
    expect(await data('bob', 'request', 'relate', ['Doc', ids.alice, 'readers', { add: [bob.id] }])).toEqual({
      error: { code: 101, message: 'Object not found.' },
    });
    expect(await s.rows('_Join:readers:Doc', `"owningId" = $1`, [ids.alice])).toEqual([]);
  });

  it.each<{ who: Caller; options: Record<string, unknown> }>([
    { who: 'alice', options: {} },
    { who: 'anonymous', options: {} },
  ])('aggregate and distinct are master only: refused for $who', async ({ who, options }) => {
    const agg = await data(who, 'request', 'aggregate', ['Doc', [{ $group: { _id: null, total: { $sum: '$n' } } }], options]);
    expect(agg.error?.code).toBe(119);
    const dist = await data(who, 'request', 'distinct', ['Doc', 'title', undefined, options]);
    expect(dist.error?.code).toBe(119);
  });

  it('aggregate and distinct with the master key (option or caller)', async () => {
    const agg = await data('alice', 'request', 'aggregate', [
      'Doc',
      [{ $match: { n: { $lt: 4 } } }, { $group: { _id: null, total: { $sum: '$n' } } }],
      { useMasterKey: true },
    ]);
    expect(agg.ok).toEqual([expect.objectContaining({ total: 5 })]);
    const dist = await data('master', 'request', 'distinct', ['Doc', 'title', { n: { $lt: 4 } }]);
    expect((dist.ok as string[]).sort()).toEqual(['alice-doc', 'bob-doc']);
  });
});

describe('live events fire for data API writes', () => {
  it('a subscriber gets the CREATE of an object made by cloud code', async () => {
    const sub = await sse(s, `subscription { docEvents(events: [CREATE]) { event doc { title stamp } } }`, {}, { 'x-parse-master-key': MASTER_KEY });
    try {
      await until(() => hubSubscribers(s, 'Doc') === 1);
      await data('bob', 'request', 'create', ['Doc', { title: 'live' }]);
      await until(() => sub.received.length >= 1);
      expect(sub.received[0].data).toEqual({ docEvents: { event: 'CREATE', doc: { title: 'live', stamp: 'by bob' } } });
    } finally {
      await sub.close();
    }
  });
});

describe('the re-entrance guard', () => {
  const GUARD = /Cloud triggers nested more than 16 deep .*a trigger keeps re-entering itself through the data API/;

  it.each(['LoopViaRequest', 'LoopViaGlobal'])('an afterSave creating its own class again (%s) stops, with the error logged', async (className) => {
    const r = await s.anon(`mutation { create${className}(input: { fields: { n: 1 } }) { ${className[0].toLowerCase() + className.slice(1)} { objectId } } }`);
    expect(r.errors).toBeUndefined();
    // Give the chain time to run to its end, then check it stopped.
    await until(async () => s.logs.some((l) => GUARD.test(String(l.msg)) && String(l.msg).includes(className)), 10_000, 'the guard');
    const written = (await s.rows(className)).length;
    await new Promise((res) => setTimeout(res, 300));
    expect((await s.rows(className)).length).toBe(written);
    expect(written).toBeGreaterThan(1);
    expect(written).toBeLessThanOrEqual(18);
  });

  it('a beforeSave creating its own class again fails the write with 141 naming the loop; nothing is written', async () => {
    const r = await s.anon(`mutation { createLoopBefore(input: { fields: { n: 0 } }) { loopBefore { objectId } } }`);
    expect(failure(r)?.code).toBe(141);
    expect(failure(r)?.message).toMatch(GUARD);
    expect(await s.rows('LoopBefore')).toEqual([]);
  });

  it('a beforeFind reading its own class again fails the read with 141 naming the loop', async () => {
    const r = await s.anon(`{ loopFinds { count } }`);
    expect(failure(r)?.code).toBe(141);
    expect(failure(r)?.message).toMatch(/Cloud triggers nested more than 16 deep \(… beforeFind LoopFind → beforeFind LoopFind/);
  });
});
