import ParseSdk from 'parse/node';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { APP_ID } from '../helpers/server.ts';
import { startLiveQueryServer, type LiveQueryTestServer } from './live-query-socket.ts';

// Parse's JavaScript SDK (`parse/node`, its LiveQueryClient over `ws`) against Plinth's LiveQuery:
// an explicit client, and the default one the SDK opens at the URL it derives from serverURL.

// The SDK's typings lack what its Node build has (initialize, the LiveQuery client); used as it runs.
const Parse = ParseSdk as any;
let s: LiveQueryTestServer;

beforeAll(async () => {
  s = await startLiveQueryServer();
  const fields = { title: { type: 'String' }, score: { type: 'Number' } };
  expect((await s.rest('POST', 'schemas/Note', { master: true, body: { className: 'Note', fields } })).status).toBe(200);
  const { port } = s.running.server.address() as AddressInfo;
  Parse.initialize(APP_ID);
  Parse.serverURL = `http://127.0.0.1:${port}${s.plinth.config.rest.path}`;
  Parse.CoreManager.set('REQUEST_ATTEMPT_LIMIT', 1);
  Parse.User.enableUnsafeCurrentUser();
});
afterAll(async () => {
  await Parse.LiveQuery.close().catch(() => undefined);
  await s?.close();
});

/** The next `name` event of a subscription, with its arguments. */
function once(sub: { emitter: { once(name: string, listener: (...args: any[]) => void): void } }, name: string): Promise<any[]> {
  return new Promise((resolve) => sub.emitter.once(name, (...args: any[]) => resolve(args)));
}

it('Parse.LiveQueryClient subscribes and receives create, then update with the original', async () => {
  const client = new Parse.LiveQueryClient({ applicationId: APP_ID, serverURL: s.wsUrl });
  client.open();
  const sub = client.subscribe(new Parse.Query('Note').equalTo('title', 'sdk'));
  await sub.subscribePromise;
  const created = once(sub, 'create');
  const id = (await s.rest('POST', 'classes/Note', { master: true, body: { title: 'sdk', score: 1 } })).body.objectId;
  const [object] = await created;
  expect([object.className, object.id, object.get('title'), object.get('score')]).toEqual(['Note', id, 'sdk', 1]);
  expect(object.createdAt).toBeInstanceOf(Date);

  const updated = once(sub, 'update');
  await s.rest('PUT', `classes/Note/${id}`, { master: true, body: { score: 2 } });
  const [after, before] = await updated;
  expect([after.id, after.get('score'), before.get('score')]).toEqual([id, 2, 1]);

  await client.unsubscribe(sub);
  expect(s.plinth.live.hub.subscriptionCount).toBe(0);
  await client.close();
});

it("the SDK's default client (ws:// + the REST URL) subscribes with the current user's session", async () => {
  const dave = new Parse.User();
  dave.set({ username: 'dave', password: 'pw-123456' });
  await dave.signUp();
  const other = await s.signUp('erin');
  const sub = await new Parse.Query('Note').equalTo('title', 'mine').subscribe();
  const created = once(sub, 'create');
  // Erin's note is not Dave's to see: the first event he gets is his own note's.
  await s.rest('POST', 'classes/Note', { master: true, body: { title: 'mine', ACL: { [other.id]: { read: true } } } });
  const mine = (await s.rest('POST', 'classes/Note', { master: true, body: { title: 'mine', ACL: { [dave.id]: { read: true } } } })).body.objectId;
  const [object] = await created;
  expect(object.id).toBe(mine);
  expect(sub.client.serverURL).toBe(s.wsUrl);
  await sub.unsubscribe();
});
