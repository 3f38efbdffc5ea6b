import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ID, as, master, Parse, seed, signUp, startSdkServer, type SdkServer } from './harness.ts';

// LiveQuery with the SDK's own client (Parse.LiveQueryClient over `ws`) at the URL the SDK
// derives (ws://host/parse): every event kind, each subscriber seeing only what it may read.

let s: SdkServer;
const clients: Parse.LiveQueryClient[] = [];

beforeAll(async () => {
  s = await startSdkServer();
  await seed('Score', [{ player: 'setup', points: 0 }]);
});
afterAll(async () => {
  for (const c of clients) await c.close();
  await s?.close();
});

/** An open LiveQueryClient, anonymous or with a user's session. */
function client(sessionToken?: string): Parse.LiveQueryClient {
  // The typings ask for every option; the client takes the ones given.
  const options = { applicationId: APP_ID, serverURL: s.liveQueryURL, sessionToken };
  const c = new Parse.LiveQueryClient(options as ConstructorParameters<typeof Parse.LiveQueryClient>[0]);
  c.open();
  clients.push(c);
  return c;
}

type Sub = NonNullable<ReturnType<Parse.LiveQueryClient['subscribe']>>;

/** Every event a subscription receives, in order: [event, object id, a field, original's field]. */
function record(sub: Sub, field: string): [string, string, unknown, unknown][] {
  const seen: [string, string, unknown, unknown][] = [];
  for (const event of ['create', 'update', 'enter', 'leave', 'delete'])
    sub.on(event as 'create', (object: Parse.Object, original?: unknown) => {
      // The SDK passes the original (update, enter, leave) or the raw message (create, delete) second.
      seen.push([event, object.id!, object.get(field), original instanceof Parse.Object ? original.get(field) : undefined]);
    });
  return seen;
}

async function until<T>(check: () => T, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

describe('LiveQuery', () => {
  it('create, update, leave, enter and delete, with the original on update, enter and leave', async () => {
    const c = client();
    const sub = c.subscribe(new Parse.Query('Score').greaterThan('points', 10))!;
    await sub.subscribePromise;
    const seen = record(sub, 'points');

    const score = new Parse.Object('Score');
    await score.save({ player: 'ann', points: 20 });
    await until(() => expect(seen).toEqual([['create', score.id, 20, undefined]]));
    score.increment('points', 10);
    await score.save();
    score.set('points', 5);
    await score.save();
    score.set('points', 15);
    await score.save();
    await score.destroy();
    await until(() =>
      expect(seen).toEqual([
        ['create', score.id, 20, undefined],
        ['update', score.id, 30, 20],
        ['leave', score.id, 5, 30],
        ['enter', score.id, 15, 5],
        ['delete', score.id, 15, undefined],
      ]),
    );
    // An object that never matches sends nothing.
    await new Parse.Object('Score').save({ player: 'low', points: 1 });
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toHaveLength(5);
    await c.unsubscribe(sub);
  });

  it('the event objects arrive as Parse.Objects with their types', async () => {
    const c = client();
    const sub = c.subscribe(new Parse.Query('Score').equalTo('player', 'typed'))!;
    await sub.subscribePromise;
    const created = new Promise<Parse.Object>((resolve) => sub.on('create', resolve));
    const when = new Date('2024-05-06T07:08:09.000Z');
    const saved = await new Parse.Object('Score').save({ player: 'typed', points: 1, when, where: new Parse.GeoPoint(1, 2), tags: ['a'] }, master);
    const object = await created;
    expect(object).toBeInstanceOf(Parse.Object);
    expect(object.className).toBe('Score');
    expect(object.id).toBe(saved.id);
    expect(object.get('when')).toEqual(when);
    expect(object.get('where')).toBeInstanceOf(Parse.GeoPoint);
    expect(object.get('tags')).toEqual(['a']);
    expect(object.createdAt).toBeInstanceOf(Date);
    await c.unsubscribe(sub);
  });

  it('select: the events carry only the selected fields', async () => {
    const c = client();
    const sub = c.subscribe(new Parse.Query('Score').equalTo('player', 'fields').select('points'))!;
    await sub.subscribePromise;
    const created = new Promise<Parse.Object>((resolve) => sub.on('create', resolve));
    await new Parse.Object('Score').save({ player: 'fields', points: 3, secret: 'not selected' }, master);
    const object = await created;
    expect(object.get('points')).toBe(3);
    expect(object.has('secret')).toBe(false);
    await c.unsubscribe(sub);
  });

  it('each subscriber sees only the objects it may read (ACL, per session)', async () => {
    const alice = await signUp('alice');
    const bob = await signUp('bob');
    const query = () => new Parse.Query('Score').equalTo('player', 'private');
    const asAlice = client(alice.getSessionToken()!).subscribe(query())!;
    const asBob = client(bob.getSessionToken()!).subscribe(query())!;
    const anonymous = client().subscribe(query())!;
    await Promise.all([asAlice.subscribePromise, asBob.subscribePromise, anonymous.subscribePromise]);
    const seenByAlice = record(asAlice, 'points');
    const seenByBob = record(asBob, 'points');
    const seenByAnyone = record(anonymous, 'points');

    const mine = new Parse.Object('Score');
    mine.setACL(new Parse.ACL(alice));
    await mine.save({ player: 'private', points: 1 }, as(alice));
    const open = await new Parse.Object('Score').save({ player: 'private', points: 2 }, as(bob));
    await until(() => {
      expect(seenByAlice.map((e) => e[2]).sort()).toEqual([1, 2]);
      expect(seenByBob.map((e) => e[2])).toEqual([2]);
      expect(seenByAnyone.map((e) => e[2])).toEqual([2]);
    });
    // Made public: an update for alice, an enter for those who could not see it before.
    const acl = new Parse.ACL(alice);
    acl.setPublicReadAccess(true);
    mine.setACL(acl);
    await mine.save(null, as(alice));
    await until(() => {
      expect(seenByAlice.map((e) => e[0])).toContain('update');
      expect(seenByBob.find((e) => e[1] === mine.id)?.[0]).toBe('enter');
      expect(seenByAnyone.find((e) => e[1] === mine.id)?.[0]).toBe('enter');
    });
    expect(open.id).toBeDefined();
  });

  it('after unsubscribe no more events arrive; a second subscription on one client goes on', async () => {
    const c = client();
    const first = c.subscribe(new Parse.Query('Score').equalTo('player', 'unsub'))!;
    const second = c.subscribe(new Parse.Query('Score').equalTo('player', 'unsub'))!;
    await Promise.all([first.subscribePromise, second.subscribePromise]);
    const seenFirst = record(first, 'points');
    const seenSecond = record(second, 'points');
    await new Parse.Object('Score').save({ player: 'unsub', points: 1 }, master);
    await until(() => expect([seenFirst.length, seenSecond.length]).toEqual([1, 1]));
    // The client's unsubscribe: a subscription's own unsubscribe() goes through the SDK's default client.
    await c.unsubscribe(first);
    await new Parse.Object('Score').save({ player: 'unsub', points: 2 }, master);
    await until(() => expect(seenSecond.length).toBe(2));
    expect(seenFirst).toHaveLength(1);
  });
});
