import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInUser, setClp, clp, type Caller } from '../security/helpers.ts';
import { hubSubscribers, MASTER_KEY, startWsServer, stream, until, type WsTestServer } from './ws-server.ts';

// `<class>Events` subscriptions end to end, over graphql-ws on a real port: events decided per
// subscriber, the selection resolved like a query's (pointers through the subscriber's access).

let server: WsTestServer;
let alice: Caller;
let bob: Caller;
let authorId: string;
let hiddenAuthorId: string;

const EVENTS = `subscription($where: PostWhereInput, $events: [LiveEvent!]) {
  postEvents(where: $where, events: $events) { event post { objectId title views author { objectId name } } original { title views } }
}`;

async function createPost(fields: Record<string, unknown>): Promise<string> {
  const d = await server.ok(`mutation($f: CreatePostFieldsInput) { createPost(input: { fields: $f }) { post { objectId } } }`, { f: fields });
  return d.createPost.post.objectId;
}

async function updatePost(id: string, fields: Record<string, unknown>): Promise<void> {
  await server.ok(`mutation($id: ID!, $f: UpdatePostFieldsInput) { updatePost(input: { id: $id, fields: $f }) { post { objectId } } }`, { id, f: fields });
}

const tokenOf = (c: Caller) => c.headers['x-parse-session-token'];

/** A subscription as this caller, once the hub holds it (so no write is missed). */
async function subscribe(params: Record<string, unknown>, variables: Record<string, unknown> = {}, query = EVENTS) {
  const before = hubSubscribers(server, 'Post');
  const s = stream(server.client(params), query, variables);
  await until(() => hubSubscribers(server, 'Post') > before || s.completed, 5000, 'the subscription to start');
  return s;
}

beforeAll(async () => {
  server = await startWsServer();
  await server.ok(`mutation {
    a: createClass(input: { name: "Author", schemaFields: { addStrings: [{ name: "name" }] } }) { clientMutationId }
    p: createClass(input: { name: "Post", schemaFields: { addStrings: [{ name: "title" }], addNumbers: [{ name: "views" }], addPointers: [{ name: "author", targetClassName: "Author" }], addRelations: [{ name: "fans", targetClassName: "Author" }] } }) { clientMutationId }
  }`);
  alice = await signedInUser(server, 'alice');
  bob = await signedInUser(server, 'bob');
  const d = await server.ok(`mutation {
    a: createAuthor(input: { fields: { name: "Ann" } }) { author { objectId } }
    h: createAuthor(input: { fields: { name: "Hidden", ACL: { users: [{ userId: "${alice.userId}", read: true, write: true }] } } }) { author { objectId } }
  }`);
  authorId = d.a.author.objectId;
  hiddenAuthorId = d.h.author.objectId;
});
afterAll(() => server?.close());

describe('postEvents', () => {
  it('emits CREATE, UPDATE (with original) and DELETE with the selected pointer resolved', async () => {
    const s = await subscribe({ masterKey: MASTER_KEY });
    const id = await createPost({ title: 'one', views: 1, author: { link: authorId } });
    expect((await s.next(1)).data).toEqual({
      postEvents: { event: 'CREATE', post: { objectId: id, title: 'one', views: 1, author: { objectId: authorId, name: 'Ann' } }, original: null },
    });
    await updatePost(id, { views: 2 });
    expect((await s.next(2)).data).toMatchObject({
      postEvents: { event: 'UPDATE', post: { views: 2, author: { name: 'Ann' } }, original: { title: 'one', views: 1 } },
    });
    // The pointer is read again for each event (no loader cache across events).
    await server.ok(`mutation($id: ID!) { updateAuthor(input: { id: $id, fields: { name: "Ann B." } }) { author { objectId } } }`, { id: authorId });
    await updatePost(id, { views: 3 });
    expect((await s.next(3)).data).toMatchObject({ postEvents: { event: 'UPDATE', post: { views: 3, author: { name: 'Ann B.' } } } });
    await server.ok(`mutation($id: ID!) { deletePost(input: { id: $id }) { post { objectId } } }`, { id });
    expect((await s.next(4)).data).toMatchObject({ postEvents: { event: 'DELETE', post: { objectId: id } } });
    s.stop();
    await until(() => hubSubscribers(server, 'Post') === 0);
  });

  it('decides ENTER and LEAVE from the where, and filters by event kind', async () => {
    const all = await subscribe({ masterKey: MASTER_KEY }, { where: { views: { greaterThan: 10 } } });
    const leaves = await subscribe({ masterKey: MASTER_KEY }, { where: { views: { greaterThan: 10 } }, events: ['LEAVE'] });
    const id = await createPost({ title: 'low', views: 5 });
    await updatePost(id, { views: 20 });
    expect((await all.next(1)).data).toMatchObject({ postEvents: { event: 'ENTER', post: { views: 20 }, original: { views: 5 } } });
    await updatePost(id, { views: 3 });
    expect((await all.next(2)).data).toMatchObject({ postEvents: { event: 'LEAVE', original: { views: 20 } } });
    expect((await leaves.next(1)).data).toMatchObject({ postEvents: { event: 'LEAVE' } });
    expect(all.results).toHaveLength(2);
    all.stop();
    leaves.stop();
    await until(() => hubSubscribers(server, 'Post') === 0);
  });

  it("applies each subscriber's read access: anonymous, session and master", async () => {
    const anon = await subscribe({});
    const asAlice = await subscribe({ sessionToken: tokenOf(alice) });
    const asBob = await subscribe({ sessionToken: tokenOf(bob) });
    const master = await subscribe({ masterKey: MASTER_KEY });
    const secret = await createPost({
      title: 'for alice',
      author: { link: hiddenAuthorId },
      ACL: { users: [{ userId: alice.userId, read: true, write: true }] },
    });
    const open = await createPost({ title: 'for all', author: { link: hiddenAuthorId } });
    // Alice and the master key see both; the pointer resolves only for those who may read the author.
    expect((await asAlice.next(1)).data).toMatchObject({ postEvents: { post: { objectId: secret, author: { name: 'Hidden' } } } });
    expect((await master.next(1)).data).toMatchObject({ postEvents: { post: { objectId: secret, author: { name: 'Hidden' } } } });
    expect((await asAlice.next(2)).data).toMatchObject({ postEvents: { post: { objectId: open } } });
    expect((await master.next(2)).data).toMatchObject({ postEvents: { post: { objectId: open } } });
    // Bob and anonymous see only the public post, and not its author.
    expect((await asBob.next(1)).data).toEqual({
      postEvents: { event: 'CREATE', post: { objectId: open, title: 'for all', views: null, author: null }, original: null },
    });
    expect((await anon.next(1)).data).toMatchObject({ postEvents: { post: { objectId: open, author: null } } });
    // Nothing else arrives for them: a later public post is their second event.
    const later = await createPost({ title: 'later' });
    expect((await asBob.next(2)).data).toMatchObject({ postEvents: { post: { objectId: later } } });
    expect((await anon.next(2)).data).toMatchObject({ postEvents: { post: { objectId: later } } });
    for (const s of [anon, asAlice, asBob, master]) s.stop();
    await until(() => hubSubscribers(server, 'Post') === 0);
  });

  it('refuses at subscribe time with the error code, as a GraphQL error to that subscriber only', async () => {
    const codeOf = (st: { results: { errors?: readonly unknown[] }[]; error?: unknown }) =>
      ((st.results[0]?.errors ?? st.error) as { extensions?: { code?: number } }[] | undefined)?.[0]?.extensions?.code;
    // A where the GraphQL type refuses, and one that cannot be decided in memory (a subquery).
    const badType = stream(server.client({ masterKey: MASTER_KEY }), EVENTS, { where: { nope: { equalTo: 1 } } });
    const subquery = stream(server.client({ masterKey: MASTER_KEY }), EVENTS, { where: { author: { have: { name: { equalTo: 'Ann' } } } } });
    await badType.ended();
    await subquery.ended();
    expect(codeOf(badType)).toBe(111);
    expect(codeOf(subquery)).toBe(102);
    await setClp(server, 'Post', clp({ find: { requiresAuthentication: true } }));
    try {
      const anon = stream(server.client({}), EVENTS);
      await anon.ended();
      expect(codeOf(anon)).toBeOneOf([101, 119]);
      // The server still serves others.
      const ok = await subscribe({ sessionToken: tokenOf(alice) });
      const id = await createPost({ title: 'still served' });
      expect((await ok.next(1)).data).toMatchObject({ postEvents: { post: { objectId: id } } });
      ok.stop();
    } finally {
      await setClp(server, 'Post', clp());
    }
  });

  it('ends a subscription with 209 when its session ends', async () => {
    const carol = await signedInUser(server, 'carol');
    const s = await subscribe({ sessionToken: tokenOf(carol) });
    const r = await server.request(`mutation { logOut(input: {}) { clientMutationId } }`, {}, carol.headers);
    expect(r.errors).toBeUndefined();
    await s.ended();
    const errors = (s.results.at(-1)?.errors ?? s.error) as { extensions?: { code?: number } }[];
    expect(errors?.[0]?.extensions?.code).toBe(209);
    await until(() => hubSubscribers(server, 'Post') === 0);
  });

  it('reserves the event type name: a class named like it is refused (103), the schema stays whole', async () => {
    const r = await server.master(`mutation { createClass(input: { name: "PostEvent" }) { class { name } } }`);
    expect(r.errors?.[0]?.extensions?.code).toBe(103);
    const s = await subscribe({ masterKey: MASTER_KEY });
    const id = await createPost({ title: 'after' });
    expect((await s.next(1)).data).toMatchObject({ postEvents: { post: { objectId: id } } });
    s.stop();
    await until(() => hubSubscribers(server, 'Post') === 0);
  });

  it("resolves a selected relation for each event, with the subscriber's access", async () => {
    const query = `subscription { postEvents(events: [UPDATE]) { post { title fans { count edges { node { name } } } } } }`;
    const master = await subscribe({ masterKey: MASTER_KEY }, {}, query);
    const asBob = await subscribe({ sessionToken: tokenOf(bob) }, {}, query);
    const fan = (await server.ok(`mutation { createAuthor(input: { fields: { name: "Fan" } }) { author { objectId } } }`)).createAuthor.author.objectId;
    const id = await createPost({ title: 'fans' });
    await updatePost(id, { fans: { add: [fan, hiddenAuthorId] } });
    const names = (r: any) => r.data.postEvents.post.fans.edges.map((e: any) => e.node.name).sort();
    expect(names(await master.next(1))).toEqual(['Fan', 'Hidden']);
    expect(names(await asBob.next(1))).toEqual(['Fan']);
    await updatePost(id, { fans: { remove: [fan] } });
    expect(names(await master.next(2))).toEqual(['Hidden']);
    master.stop();
    asBob.stop();
    await until(() => hubSubscribers(server, 'Post') === 0);
  });
});
