import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CloudApi } from '../../src/cloud/types.ts';
import { MASTER_KEY } from '../helpers/server.ts';
import { startLiveQueryServer, type LiveQueryTestServer, type LqSocket } from './live-query-socket.ts';

// Parse's LiveQuery protocol at ws://host/parse, over the live engine of GraphQL subscriptions:
// a raw WebSocket speaks it, objects are written through REST (as the master key unless said).

let s: LiveQueryTestServer;
let alice: { id: string; token: string };
let bob: { id: string; token: string };
let sockets: LqSocket[] = [];

/** The objects afterLiveQueryEvent was given for `leave` events of Guarded, as Parse JSON. */
let guardedLeaves: Record<string, unknown>[] = [];

function setup(cloud: CloudApi) {
  cloud.beforeConnect((req) => {
    if (req.installationId === 'blocked-device') throw new Error('this device is blocked');
  });
  cloud.afterLiveQueryEvent('Guarded', (req) => {
    if (req.event === 'leave') guardedLeaves.push(req.object.toJSON());
  });
}

beforeAll(async () => {
  s = await startLiveQueryServer({}, setup);
  const fields = {
    title: { type: 'String' },
    score: { type: 'Number' },
    secret: { type: 'String' },
    due: { type: 'Date' },
    owner: { type: 'Pointer', targetClass: '_User' },
  };
  expect((await s.rest('POST', 'schemas/Note', { master: true, body: { className: 'Note', fields } })).status).toBe(200);
  const guarded = await s.rest('POST', 'schemas/Guarded', {
    master: true,
    body: {
      className: 'Guarded',
      fields,
      classLevelPermissions: { find: { '*': true }, get: { '*': true }, create: {}, update: {}, delete: {}, protectedFields: { '*': ['secret'] } },
    },
  });
  expect(guarded.status).toBe(200);
  alice = await s.signUp('alice');
  bob = await s.signUp('bob');
});
afterAll(() => s?.close());
afterEach(async () => {
  for (const socket of sockets) socket.close();
  sockets = [];
  // No subscriber outlives its test.
  const end = Date.now() + 5000;
  while (s.plinth.live.hub.subscriptionCount > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
});

async function open(): Promise<LqSocket> {
  const socket = await s.socket();
  sockets.push(socket);
  return socket;
}

async function connected(fields: Record<string, unknown> = {}): Promise<LqSocket> {
  const socket = await open();
  expect((await socket.connect(fields)).op).toBe('connected');
  return socket;
}

async function create(className: string, body: Record<string, unknown>): Promise<string> {
  const r = await s.rest('POST', `classes/${className}`, { master: true, body });
  expect(r.status).toBe(201);
  return r.body.objectId;
}

async function update(className: string, id: string, body: Record<string, unknown>): Promise<void> {
  expect((await s.rest('PUT', `classes/${className}/${id}`, { master: true, body })).status).toBe(200);
}

const readableBy = (...ids: string[]) => Object.fromEntries(ids.map((id) => [id, { read: true }]));

describe('LiveQuery: events', () => {
  it('connects, subscribes, and gets create, update (with original) and delete in Parse JSON', async () => {
    const lq = await open();
    const hello = await lq.connect({ installationId: 'inst-1' });
    expect(hello).toEqual({ op: 'connected', clientId: expect.any(String), installationId: 'inst-1' });
    const clientId = hello.clientId;
    expect(await lq.subscribe(1, { className: 'Note', where: { score: { $gte: 0 } } })).toEqual({
      op: 'subscribed',
      clientId,
      installationId: 'inst-1',
      requestId: 1,
    });

    const due = { __type: 'Date', iso: '2030-01-02T03:04:05.000Z' };
    const id = await create('Note', { title: 'first', score: 1, due, owner: { __type: 'Pointer', className: '_User', objectId: alice.id } });
    const created = await lq.event(1);
    expect(created).toEqual({
      op: 'create',
      clientId,
      installationId: 'inst-1',
      requestId: 1,
      object: {
        className: 'Note',
        __type: 'Object',
        objectId: id,
        title: 'first',
        score: 1,
        due,
        owner: { __type: 'Pointer', className: '_User', objectId: alice.id },
        ACL: { '*': { read: true, write: true } },
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    });

    await update('Note', id, { score: { __op: 'Increment', amount: 2 } });
    const updated = await lq.event(1);
    expect(updated.op).toBe('update');
    expect(updated.object).toMatchObject({ className: 'Note', __type: 'Object', objectId: id, score: 3, title: 'first' });
    expect(updated.original).toMatchObject({ className: 'Note', __type: 'Object', objectId: id, score: 1 });

    expect((await s.rest('DELETE', `classes/Note/${id}`, { master: true })).status).toBe(200);
    const deleted = await lq.event(1);
    expect(deleted.op).toBe('delete');
    expect(deleted.object).toMatchObject({ className: 'Note', objectId: id, score: 3 });
    expect(deleted.original).toBeUndefined();
  });

  it('sends enter and leave as an object starts and stops matching the where', async () => {
    const lq = await connected();
    await lq.subscribe(1, { className: 'Note', where: { score: { $gt: 10 }, title: 'moving' } });
    const id = await create('Note', { title: 'moving', score: 5 });
    await update('Note', id, { score: 20 });
    const entered = await lq.event(1);
    expect([entered.op, entered.object.score, entered.original.score]).toEqual(['enter', 20, 5]);
    await update('Note', id, { score: 30 });
    const updated = await lq.event(1);
    expect([updated.op, updated.object.score, updated.original.score]).toEqual(['update', 30, 20]);
    await update('Note', id, { score: 1 });
    const left = await lq.event(1);
    expect([left.op, left.object.score, left.original.score]).toEqual(['leave', 1, 30]);
    // Not matching any more: nothing for the next change, nor for the create that never matched.
    await update('Note', id, { score: 2 });
    expect(await lq.rest()).toEqual([]);
  });

  it('limits objects to `keys` (and the older `fields`) plus objectId, createdAt, updatedAt and ACL', async () => {
    const lq = await connected();
    await lq.subscribe(1, { className: 'Note', where: { title: 'keys' }, keys: ['title'] });
    await lq.subscribe(2, { className: 'Note', where: { title: 'keys' }, fields: ['score'] });
    const id = await create('Note', { title: 'keys', score: 7, secret: 's', ACL: { '*': { read: true } } });
    const [one, two] = [await lq.event(1), await lq.event(2)];
    const base = ['ACL', '__type', 'className', 'createdAt', 'objectId', 'updatedAt'];
    expect(Object.keys(one.object).sort()).toEqual([...base, 'title'].sort());
    expect(Object.keys(two.object).sort()).toEqual([...base, 'score'].sort());
    expect(one.object).toMatchObject({ objectId: id, title: 'keys', ACL: { '*': { read: true } } });
  });

  it('sends create and update only when a watched field changed', async () => {
    const lq = await connected();
    await lq.subscribe(1, { className: 'Note', where: { title: 'watched' }, watch: ['score'], keys: ['title'] });
    const id = await create('Note', { title: 'watched', score: 1, secret: 'a' });
    const created = await lq.event(1);
    expect(created.op).toBe('create');
    // The watched field is read to see changes, yet only `keys` are sent.
    expect(created.object.score).toBeUndefined();
    await update('Note', id, { secret: 'b' });
    await update('Note', id, { score: 2 });
    const updated = await lq.event(1);
    expect(updated.op).toBe('update');
    expect(await lq.rest()).toEqual([]);
  });

  it('replaces a subscription with `update`, and stops it with `unsubscribe`', async () => {
    const lq = await connected();
    await lq.subscribe(1, { className: 'Note', where: { title: 'old' } });
    expect((await lq.subscribe(1, { className: 'Note', where: { title: 'new' } }, {}, 'update')).op).toBe('subscribed');
    expect(s.plinth.live.hub.subscriptionCount).toBe(1);
    await create('Note', { title: 'old' });
    const id = await create('Note', { title: 'new' });
    const event = await lq.event(1);
    expect([event.op, event.object.objectId]).toEqual(['create', id]);
    expect(await lq.rest()).toEqual([]);

    lq.send({ op: 'unsubscribe', requestId: 1 });
    expect(await lq.next()).toMatchObject({ op: 'unsubscribed', requestId: 1, clientId: expect.any(String) });
    expect(s.plinth.live.hub.subscriptionCount).toBe(0);
    await create('Note', { title: 'new' });
    expect(await lq.rest()).toEqual([]);
    lq.send({ op: 'unsubscribe', requestId: 1 });
    expect(await lq.next()).toMatchObject({ op: 'error', code: 2, error: expect.stringContaining('Cannot find subscription'), requestId: null });
  });
});

describe('LiveQuery: who sees what', () => {
  it('delivers an object only to subscribers its ACL lets read it; losing read access is a leave', async () => {
    const asAlice = await connected({ sessionToken: alice.token });
    const asBob = await connected({ sessionToken: bob.token });
    const anon = await connected();
    // A subscription's own session token counts for that subscription.
    for (const lq of [asAlice, asBob, anon]) await lq.subscribe(1, { className: 'Note', where: { title: 'acl' } });
    await anon.subscribe(2, { className: 'Note', where: { title: 'acl' } }, { sessionToken: alice.token });

    const bobs = await create('Note', { title: 'acl', score: 1, ACL: readableBy(bob.id) });
    expect((await asBob.event(1)).object.objectId).toBe(bobs);
    const shared = await create('Note', { title: 'acl', score: 2, ACL: readableBy(alice.id, bob.id) });
    expect((await asAlice.event(1)).object.objectId).toBe(shared);
    expect((await anon.event(2)).object.objectId).toBe(shared);
    expect((await asBob.event(1)).object.objectId).toBe(shared);

    await update('Note', shared, { score: 3, ACL: readableBy(bob.id) });
    const left = await asAlice.event(1);
    expect(left.op).toBe('leave');
    // Alice may not read the new state: she gets the last one she could read.
    expect([left.object.objectId, left.object.score, left.original.score]).toEqual([shared, 2, 2]);
    expect((await anon.event(2)).op).toBe('leave');
    expect((await asBob.event(1)).op).toBe('update');

    for (const lq of [asAlice, anon]) expect((await lq.rest()).map((m) => m.object?.objectId)).not.toContain(bobs);
    expect(await anon.rest(0)).toEqual([]);
  });

  it('lets a connect with the master key see every object; a wrong master key is anonymous', async () => {
    const master = await connected({ masterKey: MASTER_KEY });
    const wrong = await connected({ masterKey: 'not-the-key' });
    for (const lq of [master, wrong]) await lq.subscribe(1, { className: 'Note', where: { title: 'private' } });
    const id = await create('Note', { title: 'private', ACL: {} });
    expect((await master.event(1)).object.objectId).toBe(id);
    expect(await wrong.rest()).toEqual([]);
  });

  it('sends a leave for lost read access with the last state the subscriber could read, to cloud code too', async () => {
    guardedLeaves = [];
    const asBob = await connected({ sessionToken: bob.token });
    await asBob.subscribe(1, { className: 'Guarded', where: {} });
    const id = await create('Guarded', { title: 'before', secret: 'old secret', ACL: readableBy(bob.id) });
    const made = await asBob.event(1);
    expect(made.op).toBe('create');
    await update('Guarded', id, { title: 'after', secret: 'new secret', ACL: readableBy(alice.id) });
    const left = await asBob.event(1);
    const last = { ...made.object, className: 'Guarded', __type: 'Object' };
    expect(last).toMatchObject({ objectId: id, title: 'before', ACL: readableBy(bob.id), createdAt: expect.any(String), updatedAt: expect.any(String) });
    expect(last).not.toHaveProperty('secret');
    expect(left).toMatchObject({ op: 'leave', object: last, original: last });
    expect(left.object).toEqual(last);
    for (const unseen of ['after', 'secret', alice.id]) expect(JSON.stringify(left)).not.toContain(unseen);
    // afterLiveQueryEvent is given the same object the subscriber gets (Parse's order).
    expect(guardedLeaves).toEqual([expect.objectContaining({ objectId: id, title: 'before', ACL: readableBy(bob.id) })]);
    expect(guardedLeaves[0]).not.toHaveProperty('secret');
  });

  it('hides protected fields, and refuses them in where and watch (119)', async () => {
    const anon = await connected();
    const master = await connected({ masterKey: MASTER_KEY });
    await anon.subscribe(1, { className: 'Guarded', where: {} });
    await master.subscribe(1, { className: 'Guarded', where: {} });
    await create('Guarded', { title: 't', secret: 'hidden' });
    const seen = await anon.event(1);
    expect(seen.object.title).toBe('t');
    expect(seen.object).not.toHaveProperty('secret');
    expect((await master.event(1)).object.secret).toBe('hidden');
    expect(await anon.subscribe(2, { className: 'Guarded', where: { secret: 'hidden' } })).toMatchObject({
      op: 'error',
      code: 119,
      requestId: 2,
      reconnect: false,
    });
    expect(await anon.subscribe(3, { className: 'Guarded', where: {}, watch: ['secret'] })).toMatchObject({
      op: 'error',
      code: 119,
      error: 'Permission denied',
      requestId: 3,
    });
  });
});

describe('LiveQuery: credentials and sessions', () => {
  it('refuses a wrong application id: error 4, then the socket closes', async () => {
    const lq = await open();
    expect(await lq.connect({ applicationId: 'someone-else' })).toEqual({
      op: 'error',
      code: 4,
      error: 'Key in request is not valid',
      reconnect: false,
      requestId: null,
    });
    expect((await lq.closed()).code).toBe(4403);
  });

  it('refuses an invalid session token with 209: on connect (closed), on one subscription (the connection stays)', async () => {
    const refused = await open();
    expect(await refused.connect({ sessionToken: 'r:not-a-session' })).toEqual({
      op: 'error',
      code: 209,
      error: 'Invalid session token',
      reconnect: false,
      requestId: null,
    });
    expect((await refused.closed()).code).toBe(4403);

    const lq = await connected();
    expect(await lq.subscribe(1, { className: 'Note', where: {} }, { sessionToken: 'r:not-a-session' })).toMatchObject({
      op: 'error',
      code: 209,
      error: 'Invalid session token',
      requestId: 1,
    });
    expect((await lq.subscribe(2, { className: 'Note', where: {} })).op).toBe('subscribed');
  });

  it('closes a connection when its session ends (logOut), after telling it', async () => {
    const carol = await s.signUp('carol');
    const lq = await connected({ sessionToken: carol.token });
    await lq.subscribe(1, { className: 'Note', where: {} });
    expect((await s.rest('POST', 'logout', { session: carol.token })).status).toBe(200);
    expect(await lq.next((m) => m.op === 'error' && m.requestId === 1)).toMatchObject({ code: 209, reconnect: false });
    expect(await lq.next((m) => m.op === 'error' && m.requestId === null)).toMatchObject({ code: 209, error: 'Invalid session token' });
    expect((await lq.closed()).code).toBe(4403);
  });

  it("refuses a connection cloud code's beforeConnect refuses", async () => {
    const lq = await open();
    expect(await lq.connect({ installationId: 'blocked-device' })).toMatchObject({ op: 'error', code: 141, error: 'this device is blocked', reconnect: false });
    expect((await lq.closed()).code).toBe(4403);
  });
});

describe('LiveQuery: classes and fields that do not exist yet, as Parse LiveQuery allows', () => {
  it('subscribes to a class before it exists; its first objects arrive once it is created', async () => {
    const lq = await connected();
    expect((await lq.subscribe(1, { className: 'Later', where: { room: 'a' } })).op).toBe('subscribed');
    const other = await create('Later', { room: 'b', text: 'not for us', ACL: { '*': { read: true } } });
    const id = await create('Later', { room: 'a', text: 'hello', ACL: { '*': { read: true } } });
    const created = await lq.event(1);
    expect(created).toMatchObject({ op: 'create', object: { className: 'Later', objectId: id, room: 'a', text: 'hello' } });
    expect(other).not.toBe(id);
    expect(await lq.rest()).toEqual([]);
  });

  it('a where on a field the class lacks matches as on a missing value, then as the field once the class has it', async () => {
    const lq = await connected();
    expect((await lq.subscribe(1, { className: 'Note', where: { mood: 'happy' } })).op).toBe('subscribed');
    expect((await lq.subscribe(2, { className: 'Note', where: { mood: { $exists: false } } })).op).toBe('subscribed');
    const plain = await create('Note', { title: 'no mood', ACL: { '*': { read: true } } });
    expect(await lq.event(2)).toMatchObject({ op: 'create', object: { objectId: plain } });
    // Saving the field adds it to the class (schema on write); the subscriptions follow.
    const happy = await create('Note', { title: 'happy', mood: 'happy', ACL: { '*': { read: true } } });
    expect(await lq.event(1)).toMatchObject({ op: 'create', object: { objectId: happy, mood: 'happy' } });
    await create('Note', { title: 'sad', mood: 'sad', ACL: { '*': { read: true } } });
    expect(await lq.rest()).toEqual([]);
  });

  it('a class created later with a CLP that refuses find sends the subscriber nothing', async () => {
    const lq = await connected({ sessionToken: bob.token });
    expect((await lq.subscribe(1, { className: 'Locked', where: {} })).op).toBe('subscribed');
    const schema = await s.rest('POST', 'schemas/Locked', {
      master: true,
      body: { className: 'Locked', fields: { v: { type: 'Number' } }, classLevelPermissions: { find: {}, get: {}, create: {}, update: {}, delete: {} } },
    });
    expect(schema.status).toBe(200);
    await create('Locked', { v: 1, ACL: { '*': { read: true } } });
    expect((await lq.rest(800)).filter((m) => m.op === 'create')).toEqual([]);
  });
});

describe('LiveQuery: malformed requests', () => {
  it("answers Parse's errors: not connected (2), bad messages (1), invalid class name (103), bad where (102)", async () => {
    const lq = await open();
    lq.send({ op: 'subscribe', requestId: 1, query: { className: 'Note', where: {} } });
    expect(await lq.next()).toMatchObject({ op: 'error', code: 2, error: 'Can not find this client, make sure you connect to server before subscribing' });
    lq.send({ op: 'connect', applicationId: 'test-app', somethingElse: 1 });
    expect(await lq.next()).toMatchObject({ op: 'error', code: 1, error: 'Additional properties not allowed' });
    expect((await lq.connect()).op).toBe('connected');
    lq.send({ op: 'subscribe', query: { className: 'Note', where: {} } });
    expect(await lq.next()).toMatchObject({ op: 'error', code: 1, error: 'Missing required property: requestId' });
    lq.send({ op: 'ping' });
    expect(await lq.next()).toMatchObject({ op: 'error', code: 1, error: 'No enum match for: "ping"' });
    lq.ws.send('not json');
    expect(await lq.next()).toMatchObject({ op: 'error', code: 1, error: 'Invalid JSON' });
    expect(await lq.subscribe(1, { className: 'no such-class', where: {} })).toMatchObject({ op: 'error', code: 103, requestId: 1 });
    expect(await lq.subscribe(2, { className: 'Note', where: { score: { $nope: 1 } } })).toMatchObject({ op: 'error', code: 102, requestId: 2 });
    // The connection still works.
    expect((await lq.subscribe(3, { className: 'Note', where: {} })).op).toBe('subscribed');
  });

  it('answers a where nested to any depth with 102, and the connection goes on', async () => {
    const lq = await connected();
    for (const [i, depth] of [100, 10_000, 100_000].entries()) {
      // Written by hand: JSON.stringify itself overflows the stack on such a where.
      const where = '{"$or":['.repeat(depth) + '{}' + ']}'.repeat(depth);
      lq.ws.send(`{"op":"subscribe","requestId":${10 + i},"query":{"className":"Note","where":${where}}}`);
      expect(await lq.next()).toMatchObject({ op: 'error', code: 102, error: 'Query is nested too deeply', requestId: 10 + i });
    }
    expect((await lq.subscribe(20, { className: 'Note', where: {} })).op).toBe('subscribed');
  });
});
