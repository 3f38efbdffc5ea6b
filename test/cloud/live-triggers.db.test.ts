import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CloudApi, ConnectRequest, LiveEventRequest, SubscribeRequest } from '../../src/cloud/types.ts';
import { stream } from '../live/ws-server.ts';
import { hubSubscribers, MASTER_KEY, signUp, startCloudServer, until, type CloudTestServer } from './harness.ts';

// Cloud code around subscriptions, over a real graphql-ws socket: beforeConnect refusing a
// connection, beforeSubscribe refusing or narrowing a subscription (event streams and live
// result sets), afterLiveQueryEvent changing or dropping an event for one subscriber; and the
// find triggers applying to live result sets.

let connects: ConnectRequest[] = [];
let subscribes: SubscribeRequest[] = [];
/** The where each beforeSubscribe was given, before it changed anything. */
let givenWhere: unknown[] = [];
/** Every stream a test opened, stopped after it (a failed test leaves no subscriber behind). */
let open: { stop(): void }[] = [];
let events: LiveEventRequest[] = [];
let onSubscribe: ((req: SubscribeRequest) => unknown) | undefined;
let onEvent: ((req: LiveEventRequest) => unknown) | undefined;

function setup(cloud: CloudApi) {
  cloud.beforeConnect((req) => {
    connects.push(req);
    if (req.installationId === 'blocked-device') throw new Error('this device is blocked');
  });
  cloud.beforeSubscribe('Msg', (req) => {
    subscribes.push(req);
    givenWhere.push(req.query.toJSON().where);
    return onSubscribe?.(req) as any;
  });
  cloud.afterLiveQueryEvent('Msg', (req) => {
    events.push(req);
    return onEvent?.(req);
  });
  cloud.beforeFind('Board', (req) => void req.query.equalTo('visible', true));
  cloud.afterFind('Board', (req) => req.objects.map((o) => o.set('text', String(o.get('text')).toUpperCase())));
}

let s: CloudTestServer;
let alice: { id: string; token: string };
let bob: { id: string; token: string };

beforeAll(async () => {
  s = await startCloudServer(setup, {}, { listen: true });
  await s.ok(`mutation {
    m: createClass(input: { name: "Msg", schemaFields: { addStrings: [{ name: "text" }, { name: "room" }, { name: "secret" }] } }) { clientMutationId }
    b: createClass(input: { name: "Board", schemaFields: { addStrings: [{ name: "text" }], addBooleans: [{ name: "visible" }] } }) { clientMutationId }
  }`);
  alice = await signUp(s, 'alice');
  bob = await signUp(s, 'bob');
});
afterAll(() => s?.close());
afterEach(() => {
  for (const st of open) st.stop();
  open = [];
});
beforeEach(async () => {
  connects = [];
  givenWhere = [];
  subscribes = [];
  events = [];
  onSubscribe = undefined;
  onEvent = undefined;
  await until(() => hubSubscribers(s, 'Msg') === 0, 5000, 'no Msg subscribers left');
});

const EVENTS = `subscription($w: MsgWhereInput) { msgEvents(where: $w) { event msg { text room secret } original { text } } }`;
const codeOf = (st: { results: { errors?: readonly any[] }[]; error?: unknown }) => {
  const e = (st.results[0]?.errors ?? st.error) as { message: string; extensions?: { code?: number } }[] | undefined;
  return e?.[0] && { code: e[0].extensions?.code, message: e[0].message };
};
async function subscribe(params: Record<string, unknown>, query = EVENTS, variables: Record<string, unknown> = {}) {
  const before = hubSubscribers(s, 'Msg');
  const st = stream(s.client(params), query, variables);
  open.push(st);
  await until(() => hubSubscribers(s, 'Msg') > before || st.completed, 5000, 'the subscription to start');
  return st;
}
async function msg(fields: Record<string, unknown>): Promise<string> {
  const d = await s.ok(`mutation($f: CreateMsgFieldsInput) { createMsg(input: { fields: $f }) { msg { objectId } } }`, { f: fields });
  return d.createMsg.msg.objectId;
}

describe('beforeConnect', () => {
  it("refuses a graphql-ws connection: closed with 4403 and the trigger's error", async () => {
    const st = stream(s.client({ installationId: 'blocked-device' }), `{ health }`);
    await st.ended();
    expect(st.results).toEqual([]);
    const close = st.error as { code: number; reason: string };
    expect(close.code).toBe(4403);
    expect(JSON.parse(close.reason)).toEqual({ code: 141, error: 'this device is blocked' });
    expect(connects.map((c) => c.installationId)).toEqual(['blocked-device']);
  });

  it("lets the others in, with the connection's user, master flag and counts", async () => {
    const asAlice = stream(s.client({ sessionToken: alice.token, installationId: 'phone-1' }), `{ viewer { user { username } } }`);
    await asAlice.ended();
    expect(asAlice.results[0]?.data).toEqual({ viewer: { user: { username: 'alice' } } });
    const asMaster = stream(s.client({ masterKey: MASTER_KEY }), `{ health }`);
    await asMaster.ended();
    expect(asMaster.results[0]?.data).toEqual({ health: true });
    const [a, m] = connects;
    expect([a.triggerName, a.user?.get('username'), a.installationId, a.useMasterKey, a.master]).toEqual(['beforeConnect', 'alice', 'phone-1', false, false]);
    expect(a.sessionToken).toBe(alice.token);
    expect(typeof a.clients).toBe('number');
    expect([m.useMasterKey, m.master, m.user]).toEqual([true, true, undefined]);
  });
});

describe('beforeSubscribe', () => {
  it('refuses: the subscriber gets the error, nothing is subscribed', async () => {
    onSubscribe = (req) => {
      if (!req.user) throw new Error('log in to subscribe');
    };
    const anon = stream(s.client({}), EVENTS);
    await anon.ended();
    expect(codeOf(anon)).toEqual({ code: 141, message: 'log in to subscribe' });
    const user = await subscribe({ sessionToken: alice.token });
    expect(hubSubscribers(s, 'Msg')).toBe(1);
    expect(subscribes.map((r) => r.user?.id ?? null)).toEqual([null, alice.id]);
    expect(subscribes[1]).toMatchObject({ triggerName: 'beforeSubscribe', master: false, useMasterKey: false });
    expect(subscribes[1].query.className).toBe('Msg');
    user.stop();
  });

  it("narrows: events come only for what the narrowed query matches (on top of the client's where)", async () => {
    onSubscribe = (req) => void req.query.equalTo('room', req.user!.get('username'));
    const st = await subscribe({ sessionToken: bob.token }, EVENTS, { w: { text: { notEqualTo: 'skip' } } });
    expect(givenWhere[0]).toEqual({ text: { $ne: 'skip' } });
    await msg({ text: 'for alice', room: 'alice' });
    await msg({ text: 'skip', room: 'bob' });
    await msg({ text: 'for bob', room: 'bob' });
    expect((await st.next(1)).data).toMatchObject({ msgEvents: { event: 'CREATE', msg: { text: 'for bob', room: 'bob' } } });
    await msg({ text: 'again for bob', room: 'bob' });
    expect((await st.next(2)).data).toMatchObject({ msgEvents: { msg: { text: 'again for bob' } } });
    expect(st.results).toHaveLength(2);
    st.stop();
  });

  it('narrows a live result set too', async () => {
    onSubscribe = (req) => void req.query.equalTo('room', 'lobby');
    await msg({ text: 'in the lobby', room: 'lobby' });
    await msg({ text: 'elsewhere', room: 'kitchen' });
    const st = stream(s.client({ sessionToken: alice.token }), `subscription { msgs(where: { text: { exists: true } }) { count edges { node { text } } } }`);
    open.push(st);
    const first = await st.next(1);
    expect(first.errors).toBeUndefined();
    expect(first.data.msgs.edges.map((e: any) => e.node.text)).toEqual(['in the lobby']);
    expect(first.data.msgs.count).toBe(1);
    st.stop();
  });
});

describe('afterLiveQueryEvent', () => {
  it('changes the object one subscriber gets (the stored object is untouched) and sees event and original', async () => {
    onEvent = (req) => {
      if (req.user?.id === alice.id) req.object.set('text', `${req.object.get('text')} (for alice)`);
      req.object.unset('secret');
    };
    const a = await subscribe({ sessionToken: alice.token });
    const b = await subscribe({ sessionToken: bob.token });
    const id = await msg({ text: 'hello', room: 'x', secret: 's3' });
    expect((await a.next(1)).data).toEqual({ msgEvents: { event: 'CREATE', msg: { text: 'hello (for alice)', room: 'x', secret: null }, original: null } });
    expect((await b.next(1)).data).toEqual({ msgEvents: { event: 'CREATE', msg: { text: 'hello', room: 'x', secret: null }, original: null } });
    expect((await s.rows('Msg', `"objectId" = $1`, [id]))[0]).toMatchObject({ text: 'hello', secret: 's3' });
    await s.ok(`mutation($id: ID!) { updateMsg(input: { id: $id, fields: { text: "edited" } }) { msg { objectId } } }`, { id });
    expect((await b.next(2)).data).toMatchObject({ msgEvents: { event: 'UPDATE', msg: { text: 'edited' }, original: { text: 'hello' } } });
    const update = events.find((e) => e.event === 'update')!;
    expect([update.triggerName, update.original?.get('text'), update.object.id]).toEqual(['afterLiveQueryEvent', 'hello', id]);
    a.stop();
    b.stop();
  });

  it('drops the event for one subscriber (sendEvent = false); a throw drops it too, the subscription goes on', async () => {
    onEvent = (req) => {
      if (req.user?.id === bob.id) req.sendEvent = false;
      if (req.object.get('text') === 'boom' && req.user?.id === alice.id) throw new Error('event hook broke');
    };
    const a = await subscribe({ sessionToken: alice.token });
    const b = await subscribe({ sessionToken: bob.token });
    const m = await subscribe({ masterKey: MASTER_KEY });
    await msg({ text: 'first', room: 'r' });
    await msg({ text: 'boom', room: 'r' });
    await msg({ text: 'last', room: 'r' });
    expect((await m.next(3)).data).toMatchObject({ msgEvents: { msg: { text: 'last' } } });
    expect((await a.next(2)).data).toMatchObject({ msgEvents: { msg: { text: 'last' } } });
    expect(a.results.map((r) => r.data.msgEvents.msg.text)).toEqual(['first', 'last']);
    expect(b.results).toEqual([]);
    expect(b.completed).toBe(false);
    expect(s.logs.some((l) => /afterLiveQueryEvent failed/.test(l.msg) && /event hook broke/.test(JSON.stringify(l)))).toBe(true);
    a.stop();
    b.stop();
    m.stop();
  });
});

describe('find triggers on live result sets', () => {
  it('beforeFind narrows and afterFind changes every emission', async () => {
    await s.ok(
      `mutation { a: createBoard(input: { fields: { text: "shown", visible: true } }) { board { objectId } } b: createBoard(input: { fields: { text: "hidden", visible: false } }) { board { objectId } } }`,
    );
    const st = stream(s.client({ sessionToken: alice.token }), `subscription { boards(order: [text_ASC]) { count edges { node { text } } } }`);
    open.push(st);
    const first = await st.next(1);
    expect(first.data).toEqual({ boards: { count: 1, edges: [{ node: { text: 'SHOWN' } }] } });
    await s.ok(`mutation { createBoard(input: { fields: { text: "another", visible: true } }) { board { objectId } } }`);
    const second = await st.next(2);
    expect(second.data.boards.edges.map((e: any) => e.node.text)).toEqual(['ANOTHER', 'SHOWN']);
    st.stop();
  });
});
