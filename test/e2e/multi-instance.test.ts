import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLive, type LiveConnection, type LiveSubscription } from './multi-client.ts';
import { ok, requireRedis, startCluster, type Cluster } from './multi-cluster.ts';
import { buildOnce, gql } from './process.ts';

// Issue 4 item 6: two real Plinth processes on one PostgreSQL database and one Redis. A
// subscriber on one instance receives the writes made through the other, with each subscriber's
// access applied, and a class created on one is served (queries and subscriptions) by the other
// within a second — through Redis, not the catalog poll, which is set to once in ten minutes.
let cluster: Cluster;
const connections: LiveConnection[] = [];
const POST_EVENTS = 'subscription { postEvents { event post { objectId title views } original { objectId title views } } }';
const CREATE_POST = 'mutation($f: CreatePostFieldsInput) { createPost(input: { fields: $f }) { post { objectId } } }';

beforeAll(async () => {
  await requireRedis();
  await buildOnce();
  // Post exists before B starts: the first two tests do not depend on the schema travelling (the third one's subject).
  cluster = await startCluster({ PLINTH_SCHEMA_POLL_MS: '600000' }, async (a, master) => {
    await ok(
      a.origin,
      'mutation { createClass(input: { name: "Post", schemaFields: { addStrings: [{ name: "title" }], addNumbers: [{ name: "views" }] } }) { class { name } } }',
      master,
    );
  });
}, 180_000);
afterAll(async () => {
  for (const c of connections) await c.close().catch(() => undefined);
  await cluster?.stop();
});

async function connect(instance: 'a' | 'b', credentials: { sessionToken?: string; masterKey?: string } = {}): Promise<LiveConnection> {
  const c = await connectLive(cluster[instance].origin, { applicationId: cluster.appId, ...credentials });
  connections.push(c);
  return c;
}

let fences = 0;
/**
 * graphql-ws does not confirm a subscription: writes an object (`write(title)`) that every one
 * of `subs` may see, again and again, until each has received the same one. From then on they
 * are live. Fails when a subscription is refused or after ten seconds.
 */
async function whenLive(subs: LiveSubscription[], write: (title: string) => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const title = `fence-${++fences}`;
    await write(title);
    try {
      await Promise.all(subs.map((s) => s.waitFor((e) => JSON.stringify(e).includes(`"${title}"`), `the event of ${title}`, 300)));
      return;
    } catch (error) {
      if (subs.some((s) => s.ended()) || Date.now() > deadline) throw error;
    }
  }
}
const postFenceThroughB = (title: string) => ok(cluster.b.origin, CREATE_POST, cluster.master, { f: { title, views: -1 } });
const eventsOf = (sub: LiveSubscription, objectId: string) =>
  sub.events.map((e) => e.data?.postEvents).filter((e) => e?.post?.objectId === objectId || e?.original?.objectId === objectId);

describe('two instances on one PostgreSQL and one Redis', { timeout: 60_000 }, () => {
  it('a subscriber on A receives CREATE, UPDATE and DELETE for writes made through B', async () => {
    const sub = (await connect('a')).subscribe(POST_EVENTS);
    await whenLive([sub], postFenceThroughB);

    const id = (await ok(cluster.b.origin, CREATE_POST, cluster.app, { f: { title: 'through B', views: 1 } })).createPost.post.objectId;
    await ok(cluster.b.origin, 'mutation($id: ID!) { updatePost(input: { id: $id, fields: { views: 2 } }) { post { objectId } } }', cluster.app, { id });
    await ok(cluster.b.origin, 'mutation($id: ID!) { deletePost(input: { id: $id }) { post { objectId } } }', cluster.app, { id });
    await sub.waitFor((e) => e.data?.postEvents?.event === 'DELETE' && eventsOf(sub, id).length > 0, 'the DELETE event');

    const events = eventsOf(sub, id);
    expect(events.map((e) => e.event)).toEqual(['CREATE', 'UPDATE', 'DELETE']);
    expect(events[0]).toEqual({ event: 'CREATE', post: { objectId: id, title: 'through B', views: 1 }, original: null });
    expect(events[1]).toEqual({
      event: 'UPDATE',
      post: { objectId: id, title: 'through B', views: 2 },
      original: { objectId: id, title: 'through B', views: 1 },
    });
    expect(events[2].original ?? events[2].post).toEqual({ objectId: id, title: 'through B', views: 2 });
    expect(sub.errors).toEqual([]);
  });

  it("applies each subscriber's access: a user on A gets no event for an object its ACL hides from them, the master does", async () => {
    const signUp = async (username: string) => {
      const d = await ok(
        cluster.b.origin,
        `mutation($u: String!) { signUp(input: { fields: { username: $u, password: "a long password 1" } }) { viewer { sessionToken user { objectId } } } }`,
        cluster.app,
        { u: username },
      );
      return { token: d.signUp.viewer.sessionToken as string, userId: d.signUp.viewer.user.objectId as string };
    };
    const alice = await signUp('alice');
    const bob = await signUp('bob');
    const aliceSub = (await connect('a', { sessionToken: alice.token })).subscribe(POST_EVENTS);
    const masterSub = (await connect('a', { masterKey: cluster.masterKey })).subscribe(POST_EVENTS);
    await whenLive([aliceSub, masterSub], postFenceThroughB);

    const only = (userId: string) => ({ users: [{ userId, read: true, write: true }], public: { read: false, write: false } });
    const create = async (title: string, ACL: unknown) =>
      (await ok(cluster.b.origin, CREATE_POST, cluster.master, { f: { title, views: 5, ACL } })).createPost.post.objectId as string;
    const forBob = await create('for bob only', only(bob.userId));
    const forAlice = await create('for alice only', only(alice.userId));

    await masterSub.waitFor((e) => e.data?.postEvents?.post?.objectId === forBob, "the master's event for bob's post");
    await masterSub.waitFor((e) => e.data?.postEvents?.post?.objectId === forAlice, "the master's event for alice's post");
    expect(await aliceSub.waitFor((e) => e.data?.postEvents?.post?.objectId === forAlice, "alice's event for her post")).toEqual({
      data: { postEvents: { event: 'CREATE', post: { objectId: forAlice, title: 'for alice only', views: 5 }, original: null } },
    });
    // Everything written before this fence has reached alice's subscriber by the time it does.
    await whenLive([aliceSub], postFenceThroughB);
    expect(eventsOf(aliceSub, forBob)).toEqual([]);
    expect(aliceSub.errors).toEqual([]);
  });

  it('a class created on A is queryable and subscribable on B within a second', async () => {
    const created = await ok(
      cluster.a.origin,
      'mutation { createClass(input: { name: "Gadget", schemaFields: { addStrings: [{ name: "label" }] } }) { class { name } } }',
      cluster.master,
    );
    const t0 = Date.now();
    expect(created.createClass.class.name).toBe('Gadget');

    // Queryable: the first answer on B without errors.
    let queryableAfter: number | undefined;
    let lastAnswer: unknown;
    while (queryableAfter === undefined && Date.now() - t0 < 10_000) {
      const { body } = await gql(cluster.b.origin, '{ gadgets { count } }', cluster.app);
      lastAnswer = body;
      if (!body.errors) {
        expect(body).toEqual({ data: { gadgets: { count: 0 } } });
        queryableAfter = Date.now() - t0;
      } else await new Promise((r) => setTimeout(r, 10));
    }
    expect(queryableAfter, `B never answered a query on Gadget; last answer: ${JSON.stringify(lastAnswer)}`).toBeDefined();

    // Subscribable: B accepts `gadgetEvents` (a refusal comes back as an error at once), and the
    // subscription it accepted then delivers a Gadget created through A.
    const connection = await connect('b');
    const writeGadget = (label: string) =>
      ok(cluster.a.origin, 'mutation($l: String) { createGadget(input: { fields: { label: $l } }) { gadget { objectId } } }', cluster.app, { l: label });
    let subscribableAfter: number | undefined;
    let refusal: string | undefined;
    while (subscribableAfter === undefined && Date.now() - t0 < 10_000) {
      const sentAfter = Date.now() - t0;
      const sub = connection.subscribe('subscription { gadgetEvents { event gadget { objectId label } } }');
      const refused = await sub.waitForError(200).then(
        () => true,
        () => false,
      );
      if (!refused) await whenLive([sub], writeGadget).catch(() => undefined);
      if (sub.events.length) subscribableAfter = sentAfter;
      else if (sub.ended()?.startsWith('connection closed')) throw new Error(`B closed the connection: ${sub.ended()}`);
      else {
        refusal = sub.ended();
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    expect(subscribableAfter, `B never delivered Gadget events; last refusal: ${refusal}`).toBeDefined();
    expect(queryableAfter, 'ms from the createClass response on A until B answers a query on Gadget').toBeLessThan(1_000);
    expect(subscribableAfter, 'ms from the createClass response on A until B accepts a subscription to Gadget').toBeLessThan(1_000);
  });
});
