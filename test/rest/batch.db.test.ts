import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Auth } from '../../src/security/index.ts';
import type { CloudApi } from '../../src/cloud/types.ts';
import { pathPrefixes, subRequestPath } from '../../src/rest/batch/paths.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { restClient, type RestCall } from '../helpers/rest.ts';

// POST batch as Parse Server 9.10 answers it (lib/batch.js): one {success} or {error} per
// sub-request, in order; with `transaction: true` all of it or nothing.

let s: TestServer;
let rest: ReturnType<typeof restClient>;
let alice: { id: string; token: string };
let bob: { id: string; token: string };
/** Each Ledger afterSave: the object's id and whether a read outside the batch's transaction found it. */
let afterSaves: { id: string; visible: boolean }[] = [];
/** Change events of Ledger objects. */
let events: string[] = [];

/** What each Gadget beforeSave read through the data API (how many Gadgets it saw). */
let gadgetReads: number[] = [];

function cloud(api: CloudApi) {
  // Reads through core itself, not the batch's transaction: on PGlite (one connection) this
  // read used to wait for the transaction that was waiting for it.
  api.beforeSave('Gadget', async (req) => {
    const found = await s.plinth.core.find(Auth.master(), 'Gadget', { wantObjects: true, wantCount: false, wantHasNext: false, fields: ['objectId'] });
    gadgetReads.push(found.objects.length);
    req.object.set('seen', found.objects.length);
  });
  api.afterSave('Ledger', async (req) => {
    const id = req.object.id!;
    const found = await s.plinth.core.getMany(Auth.master(), 'Ledger', [id], ['objectId']);
    afterSaves.push({ id, visible: found.has(id) });
  });
}

type SubRequest = { method: string; path: string; body?: unknown };

function batch(requests: SubRequest[], call: RestCall = {}, transaction = false) {
  return rest('POST', 'batch', { ...call, body: transaction ? { requests, transaction: true } : { requests } });
}

async function signUp(username: string) {
  const r = await s.anon(
    `mutation { signUp(input: { fields: { username: "${username}", password: "a good password 1" } }) { viewer { sessionToken user { objectId } } } }`,
  );
  return { id: r.data.signUp.viewer.user.objectId as string, token: r.data.signUp.viewer.sessionToken as string };
}

async function create(className: string, body: Record<string, unknown>, call: RestCall = { master: true }): Promise<string> {
  const r = await rest('POST', `classes/${className}`, { ...call, body });
  expect(r.status).toBe(201);
  return r.body.objectId;
}

async function names(className: string): Promise<string[]> {
  const r = await rest('GET', `classes/${className}`, { master: true, params: { order: 'name' } });
  return r.body.results.map((o: { name: string }) => o.name);
}

beforeAll(async () => {
  s = await startTestServer({}, { cloud });
  rest = restClient(s.plinth);
  // The classes and their fields, made by the master key (clients may not create classes).
  await create('Item', { name: 'seed', n: 0, tags: ['x'] });
  await create('Ledger', { name: 'seed' });
  alice = await signUp('alice');
  bob = await signUp('bob');
  s.plinth.core.runtime.events.on((e) => {
    if (e.className === 'Ledger') events.push(`${e.kind}:${e.objectId}`);
  });
});
afterAll(() => s.close());
beforeEach(() => {
  afterSaves = [];
  events = [];
});

describe('POST batch', () => {
  it('runs creates, updates, deletes and reads in order, paths with or without the mount', async () => {
    const a = await create('Item', { name: 'a', n: 1 });
    const b = await create('Item', { name: 'b', n: 2 });
    const r = await batch(
      [
        { method: 'POST', path: '/parse/classes/Item', body: { name: 'c', n: 3 } },
        { method: 'PUT', path: `classes/Item/${a}`, body: { n: { __op: 'Increment', amount: 10 }, tags: { __op: 'AddUnique', objects: ['y', 'y'] } } },
        { method: 'DELETE', path: `/classes/Item/${b}` },
        { method: 'GET', path: `/parse/classes/Item/${a}` },
        { method: 'GET', path: '/parse/classes/Item', body: { where: { n: { $gte: 3 } }, order: 'n', keys: 'name,n' } },
      ],
      { master: true },
    );
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(5);
    expect(r.body[0]).toEqual({ success: { objectId: expect.any(String), createdAt: expect.any(String) } });
    expect(r.body[1]).toEqual({ success: { updatedAt: expect.any(String), n: 11, tags: ['y'] } });
    expect(r.body[2]).toEqual({ success: {} });
    expect(r.body[3].success).toMatchObject({ objectId: a, name: 'a', n: 11, tags: ['y'] });
    expect(r.body[4].success.results.map((o: { name: string; n: number }) => [o.name, o.n])).toEqual([
      ['c', 3],
      ['a', 11],
    ]);
    expect((await rest('GET', `classes/Item/${b}`, { master: true })).status).toBe(404);
    expect((await rest('GET', `classes/Item/${r.body[0].success.objectId}`, { master: true })).body.name).toBe('c');
  });

  it('answers an empty list for no requests, and a GET with parameters in the path too', async () => {
    expect((await batch([], { master: true })).body).toEqual([]);
    const r = await batch([{ method: 'GET', path: `/parse/classes/Item?where=${encodeURIComponent('{"name":"seed"}')}&count=1&limit=0` }], { master: true });
    expect(r.body).toEqual([{ success: { results: [], count: 1 } }]);
  });

  it('without transaction, a failing sub-request is its own error and the others stand', async () => {
    const r = await batch(
      [
        { method: 'POST', path: '/parse/classes/Item', body: { name: 'loose-1' } },
        { method: 'PUT', path: '/parse/classes/Item/missing0001', body: { n: 1 } },
        { method: 'POST', path: '/parse/classes/Item', body: { name: 'loose-2', n: 'not a number' } },
        { method: 'POST', path: '/parse/classes/Item', body: { name: 'loose-3' } },
      ],
      { master: true },
    );
    expect(r.status).toBe(200);
    expect(r.body[0].success.objectId).toEqual(expect.any(String));
    expect(r.body[1]).toEqual({ error: { code: 101, error: 'Object not found.' } });
    expect(r.body[2].error.code).toBe(111);
    expect(r.body[3].success.objectId).toEqual(expect.any(String));
    const stored = await names('Item');
    expect(stored).toEqual(expect.arrayContaining(['loose-1', 'loose-3']));
    expect(stored).not.toContain('loose-2');
  });

  it('with transaction: true, commits every write together, and reads see the batch’s own writes', async () => {
    const a = await create('Item', { name: 'tx-a', n: 5 });
    const r = await batch(
      [
        { method: 'POST', path: '/parse/classes/Item', body: { name: 'tx-new' } },
        { method: 'PUT', path: `/parse/classes/Item/${a}`, body: { n: { __op: 'Increment', amount: 1 } } },
        { method: 'GET', path: `/parse/classes/Item/${a}` },
        { method: 'GET', path: '/parse/classes/Item', body: { where: { name: 'tx-new' }, count: 1 } },
      ],
      { master: true },
      true,
    );
    expect(r.status).toBe(200);
    expect(r.body[1].success.n).toBe(6);
    expect(r.body[2].success.n).toBe(6);
    expect(r.body[3].success.count).toBe(1);
    expect(await names('Item')).toContain('tx-new');
  });

  it('with transaction: true, a failure mid-batch rolls every write back and is the answer', async () => {
    const a = await create('Item', { name: 'rb-a', n: 1 });
    const doomed = await create('Item', { name: 'rb-doomed' });
    const r = await batch(
      [
        { method: 'POST', path: '/parse/classes/Item', body: { name: 'rb-new' } },
        { method: 'PUT', path: `/parse/classes/Item/${a}`, body: { n: { __op: 'Increment', amount: 100 } } },
        { method: 'DELETE', path: `/parse/classes/Item/${doomed}` },
        { method: 'PUT', path: '/parse/classes/Item/missing0001', body: { n: 1 } },
        { method: 'POST', path: '/parse/classes/Item', body: { name: 'rb-after' } },
      ],
      { master: true },
      true,
    );
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ code: 101, error: 'Object not found.' });
    const stored = await names('Item');
    expect(stored).not.toContain('rb-new');
    expect(stored).not.toContain('rb-after');
    expect(stored).toContain('rb-doomed');
    expect((await rest('GET', `classes/Item/${a}`, { master: true })).body.n).toBe(1);
    // A value of the wrong type fails the same way (400, its code).
    const typed = await batch(
      [
        { method: 'POST', path: '/parse/classes/Item', body: { name: 'rb-typed' } },
        { method: 'PUT', path: `/parse/classes/Item/${a}`, body: { n: 'text' } },
      ],
      { master: true },
      true,
    );
    expect(typed.status).toBe(400);
    expect(typed.body.code).toBe(111);
    expect(await names('Item')).not.toContain('rb-typed');
  });

  it('fires after-save triggers and change events only for committed transactions, after the commit', async () => {
    const failed = await batch(
      [
        { method: 'POST', path: '/parse/classes/Ledger', body: { name: 'l-1' } },
        { method: 'PUT', path: '/parse/classes/Ledger/missing0001', body: { name: 'x' } },
      ],
      { master: true },
      true,
    );
    expect(failed.status).toBe(404);
    expect(afterSaves).toEqual([]);
    expect(events).toEqual([]);
    const ok = await batch(
      [
        { method: 'POST', path: '/parse/classes/Ledger', body: { name: 'l-2' } },
        { method: 'POST', path: '/parse/classes/Ledger', body: { name: 'l-3' } },
      ],
      { master: true },
      true,
    );
    expect(ok.status).toBe(200);
    const ids = ok.body.map((x: { success: { objectId: string } }) => x.success.objectId);
    expect(afterSaves).toEqual(ids.map((id: string) => ({ id, visible: true })));
    expect(events).toEqual(ids.map((id: string) => `create:${id}`));
  });

  it('adds classes and fields on write inside a transaction (master), and refuses a client’s new class', async () => {
    const r = await batch(
      [
        { method: 'POST', path: '/parse/classes/Fresh', body: { name: 'f-1', size: 1 } },
        { method: 'POST', path: '/parse/classes/Fresh', body: { name: 'f-2', colour: 'red' } },
      ],
      { master: true },
      true,
    );
    expect(r.status).toBe(200);
    expect(await names('Fresh')).toEqual(['f-1', 'f-2']);
    const client = await batch([{ method: 'POST', path: '/parse/classes/Forbidden', body: { a: 1 } }], { session: alice.token }, true);
    expect(client.status).toBe(400);
    expect(client.body.code).toBe(119);
    expect(s.plinth.schemaStore.getClass('Forbidden')).toBeUndefined();
  });
});

describe('POST batch per role', () => {
  let private_: string;
  beforeAll(async () => {
    private_ = await create('Item', { name: 'alice-private', n: 7, ACL: { [alice.id]: { read: true, write: true } } }, { session: alice.token });
  });

  it('runs sub-requests as the caller: another user cannot read, change or delete a protected object', async () => {
    const r = await batch(
      [
        { method: 'GET', path: `/parse/classes/Item/${private_}` },
        { method: 'PUT', path: `/parse/classes/Item/${private_}`, body: { n: 0 } },
        { method: 'DELETE', path: `/parse/classes/Item/${private_}` },
        { method: 'POST', path: '/parse/classes/Item', body: { name: 'bob-own' } },
        { method: 'GET', path: '/parse/classes/Item', body: { where: { name: 'alice-private' } } },
      ],
      { session: bob.token },
    );
    expect(r.status).toBe(200);
    for (const i of [0, 1, 2]) expect(r.body[i]).toEqual({ error: { code: 101, error: 'Object not found.' } });
    expect(r.body[3].success.objectId).toEqual(expect.any(String));
    expect(r.body[4]).toEqual({ success: { results: [] } });
    expect((await rest('GET', `classes/Item/${private_}`, { session: alice.token })).body.n).toBe(7);
  });

  it('with transaction: true, a beforeSave that reads through the data API does not stall the batch', { timeout: 8000 }, async () => {
    await create('Gadget', { name: 'seed' });
    gadgetReads = [];
    const r = await batch(
      ['g1', 'g2', 'g3'].map((name) => ({ method: 'POST', path: '/parse/classes/Gadget', body: { name } })),
      { master: true },
      true,
    );
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(3);
    for (const item of r.body) expect(item.success).toMatchObject({ objectId: expect.any(String), seen: expect.any(Number) });
    // Each read saw at least the committed seed (on PGlite also the batch's own earlier writes).
    expect(gadgetReads).toHaveLength(3);
    for (const n of gadgetReads) expect(n).toBeGreaterThanOrEqual(1);
    expect(await names('Gadget')).toEqual(['g1', 'g2', 'g3', 'seed']);
    // The answer carries what the trigger set, not an ACL the object was never given.
    expect(r.body[0].success).not.toHaveProperty('ACL');
  });

  it('a transaction that touches another user’s object fails whole', async () => {
    const r = await batch(
      [
        { method: 'POST', path: '/parse/classes/Item', body: { name: 'bob-tx' } },
        { method: 'PUT', path: `/parse/classes/Item/${private_}`, body: { n: 0 } },
      ],
      { session: bob.token },
      true,
    );
    expect(r.status).toBe(404);
    expect(r.body.code).toBe(101);
    expect(await names('Item')).not.toContain('bob-tx');
    expect((await rest('GET', `classes/Item/${private_}`, { session: alice.token })).body.n).toBe(7);
  });

  it('anonymous callers reach only public objects; the owner and the master key reach the protected one', async () => {
    const anon = await batch([
      { method: 'PUT', path: `/parse/classes/Item/${private_}`, body: { n: 0 } },
      { method: 'POST', path: '/parse/classes/Item', body: { name: 'anon-own' } },
    ]);
    expect(anon.body[0]).toEqual({ error: { code: 101, error: 'Object not found.' } });
    expect(anon.body[1].success.objectId).toEqual(expect.any(String));
    const owner = await batch([{ method: 'PUT', path: `/parse/classes/Item/${private_}`, body: { n: { __op: 'Increment' } } }], { session: alice.token }, true);
    expect(owner.body).toEqual([{ success: { updatedAt: expect.any(String), n: 8 } }]);
    const master = await batch([{ method: 'GET', path: `/parse/classes/Item/${private_}` }], { master: true });
    expect(master.body[0].success.n).toBe(8);
  });

  it('a master-only route refuses a user inside a batch, as its own error', async () => {
    const r = await batch([{ method: 'GET', path: '/parse/serverInfo' }], { session: bob.token });
    expect(r.status).toBe(200);
    expect(r.body[0].error.error).toMatch(/unauthorized|Permission denied/);
    const master = await batch([{ method: 'GET', path: '/parse/serverInfo' }], { master: true });
    expect(master.body[0].success.parseServerVersion).toEqual(expect.any(String));
  });
});

describe('POST batch refusals (Parse’s 107, nothing run)', () => {
  const cases: [string, unknown, string][] = [
    ['no requests', {}, 'requests must be an array'],
    ['requests not a list', { requests: { method: 'GET', path: '/parse/classes/Item' } }, 'requests must be an array'],
    ['a request without a path', { requests: [{ method: 'GET' }] }, 'batch request path must be a string'],
    ['a null request', { requests: [null] }, 'batch request path must be a string'],
    ['a nested batch', { requests: [{ method: 'POST', path: '/parse/batch', body: { requests: [] } }] }, 'nested batch requests are not allowed'],
    ['an unknown path', { requests: [{ method: 'GET', path: '/parse/nowhere' }] }, 'cannot route GET /nowhere'],
    ['an unknown method', { requests: [{ method: 'PATCH', path: '/parse/classes/Item' }] }, 'cannot route PATCH /classes/Item'],
    ['a path that climbs', { requests: [{ method: 'GET', path: '/parse/classes/../users' }] }, 'cannot route batch path /parse/classes/../users'],
    ['a file upload', { requests: [{ method: 'POST', path: '/parse/files/a.txt', body: {} }] }, 'cannot route POST /files/a.txt'],
    ['a body that is not an object', { requests: [{ method: 'POST', path: '/parse/classes/Item', body: [1] }] }, 'batch request body must be an object'],
  ];
  it.each(cases)('%s', async (_name, body, message) => {
    const before = (await names('Item')).length;
    const r = await rest('POST', 'batch', { master: true, body: { ...(body as object) } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ code: 107, error: message });
    expect((await names('Item')).length).toBe(before);
  });

  it('refuses the whole batch before running any of it when one path is unroutable', async () => {
    const r = await batch(
      [
        { method: 'POST', path: '/parse/classes/Item', body: { name: 'never' } },
        { method: 'GET', path: '/parse/nowhere' },
      ],
      { master: true },
    );
    expect(r.body).toEqual({ code: 107, error: 'cannot route GET /nowhere' });
    expect(await names('Item')).not.toContain('never');
  });

  it('refuses in a transaction what cannot share it (sign-up, functions), and over 1000 sub-requests without the master key', async () => {
    const signUpInTx = await batch([{ method: 'POST', path: '/parse/users', body: { username: 'tx-user', password: 'a good password 1' } }], {}, true);
    expect(signUpInTx.status).toBe(400);
    expect(signUpInTx.body.code).toBe(107);
    expect(signUpInTx.body.error).toMatch(/cannot run in a transaction/);
    const tooMany = Array.from({ length: 1001 }, () => ({ method: 'GET', path: '/parse/classes/Item/missing0001' }));
    const r = await batch(tooMany, { session: bob.token });
    expect(r.body).toEqual({ code: 107, error: 'Batch request contains 1001 sub-requests, which exceeds the limit of 1000.' });
  });

  it('takes the JavaScript SDK’s body form (credentials in a text/plain body)', async () => {
    const r = await rest('POST', 'batch', {
      headers: { 'Content-Type': 'text/plain', 'X-Parse-Application-Id': '' },
      body: JSON.stringify({
        requests: [{ method: 'GET', path: '/parse/classes/Item', body: { where: { name: 'seed' } } }],
        _ApplicationId: 'test-app',
        _SessionToken: alice.token,
      }),
    });
    expect(r.status).toBe(200);
    expect(r.body[0].success.results.map((o: { name: string }) => o.name)).toEqual(['seed']);
  });
});

describe('sub-request paths', () => {
  it('accept the mount, the public URL’s path before it, or neither', () => {
    const prefixes = pathPrefixes('/parse', 'https://example.com/api/');
    expect(prefixes).toEqual(['/api/parse', '/parse']);
    expect(subRequestPath('/api/parse/classes/Item/x1', prefixes).segments).toEqual(['classes', 'Item', 'x1']);
    expect(subRequestPath('/parse/classes/Item', prefixes).segments).toEqual(['classes', 'Item']);
    expect(subRequestPath('classes/Item', prefixes).segments).toEqual(['classes', 'Item']);
    expect(subRequestPath('/classes/A%20B/', prefixes).segments).toEqual(['classes', 'A B']);
    expect(subRequestPath('/parse/classes/Item?limit=2', prefixes)).toEqual({ segments: ['classes', 'Item'], query: { limit: '2' } });
    expect(() => subRequestPath('/parse/classes/%E0%A4%A', prefixes)).toThrow(/cannot route batch path/);
  });
});
