import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, subscribe, type ExecutionResult } from 'graphql';
import { APP_ID, startTestServer, type TestServer } from '../helpers/server.ts';
import { buildGraphQLSchema } from '../../src/graphql/index.ts';
import { Loaders } from '../../src/graphql/loaders.ts';
import type { GraphQLContext } from '../../src/graphql/context.ts';
import { Auth } from '../../src/security/index.ts';
import { Core } from '../../src/core/index.ts';
import { channels, type ChangeFeed, type LiveChange, type SessionsEnded } from '../../src/live/types.ts';

/*
 * Live result sets (`posts(where, order, first…)` on Subscription), executed with graphql-js's
 * own subscribe() on the server's schema, as a subscriber with a given Auth, on the server's
 * live machinery (committed writes → pub/sub → hub → feed; ended sessions on their channel).
 */

const DEBOUNCE_MS = 25;

/** The server's own change feed (its LiveHub), counting the listeners this suite adds per class. */
class CountingFeed implements ChangeFeed {
  private readonly byClass = new Map<string, number>();
  private sessions = 0;

  constructor(private readonly hub: ChangeFeed) {}

  onClassChange(className: string, listener: (change: LiveChange) => void): () => void {
    this.byClass.set(className, this.listeners(className) + 1);
    const off = this.hub.onClassChange(className, listener);
    return () => {
      this.byClass.set(className, this.listeners(className) - 1);
      off();
    };
  }

  onSessionsEnded(listener: (ended: SessionsEnded) => void): () => void {
    this.sessions++;
    const off = this.hub.onSessionsEnded(listener);
    return () => {
      this.sessions--;
      off();
    };
  }

  listeners(className: string): number {
    return this.byClass.get(className) ?? 0;
  }

  get sessionListeners(): number {
    return this.sessions;
  }
}

/** Polls until `check` passes (it throws until then), or fails with its last error. */
async function eventually<T>(check: () => T | Promise<T>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

interface Live {
  /** Every emission so far (the subscribed connection of each), in order. */
  emissions: any[];
  errors: any[];
  ended: boolean;
  /** How many times this subscriber's query ran. */
  runs(): number;
  latest(): any;
  close(): Promise<void>;
}

const NODE = 'objectId title rank';

describe('live result sets', () => {
  let s: TestServer;
  let feed: CountingFeed;

  /** Opens `subscription { <query> }` as `auth`; resolves once the first emission (or error) is in. */
  async function live(auth: Auth, query: string, variables: Record<string, unknown> = {}): Promise<Live> {
    let runs = 0;
    const real = s.plinth.core;
    const core = new Core(real.runtime);
    core.find = (...args) => {
      runs++;
      return real.find(...args);
    };
    const context: GraphQLContext = {
      auth,
      core,
      schemaStore: s.plinth.schemaStore,
      loaders: new Loaders(core, auth),
      fileBaseUrl: 'http://plinth.test/files/test-app',
      accounts: s.plinth.accounts,
      emailFlows: s.plinth.emailFlows,
      live: { ...s.plinth.live.context, feed, resultDebounceMs: DEBOUNCE_MS },
    };
    const schema = buildGraphQLSchema(s.plinth.schemaStore.current);
    const result = await subscribe({ schema, document: parse(`subscription ${query}`), contextValue: context, variableValues: variables });
    const state: Live = {
      emissions: [],
      errors: [],
      ended: false,
      runs: () => runs,
      latest: () => state.emissions[state.emissions.length - 1],
      close: async () => {
        if (Symbol.asyncIterator in result) await result.return?.();
      },
    };
    if (!(Symbol.asyncIterator in result)) {
      state.errors.push(...(result.errors ?? []));
      state.ended = true;
      return state;
    }
    void (async () => {
      for await (const r of result as AsyncIterable<ExecutionResult>) {
        if (r.errors?.length) state.errors.push(...r.errors);
        else state.emissions.push(Object.values(r.data!)[0]);
      }
      state.ended = true;
    })();
    await eventually(() => expect(state.emissions.length + state.errors.length).toBeGreaterThan(0));
    return state;
  }

  const create = (fields: Record<string, unknown>) => s.plinth.core.create(Auth.master(), 'Post', fields);
  const update = (id: string, fields: Record<string, unknown>) => s.plinth.core.update(Auth.master(), 'Post', id, fields);
  const titles = (connection: any) => connection.edges.map((e: any) => e.node.title);

  beforeAll(async () => {
    s = await startTestServer();
    feed = new CountingFeed(s.plinth.live.context.feed);
    await s.ok(`mutation { createClass(input: { name: "Author", schemaFields: { addStrings: [{ name: "name" }] } }) { class { name } } }`);
    await s.ok(`mutation { createClass(input: { name: "Other", schemaFields: { addStrings: [{ name: "tag" }] } }) { class { name } } }`);
    await s.ok(`mutation { createClass(input: { name: "Post", schemaFields: {
      addStrings: [{ name: "title" }, { name: "tag" }, { name: "note" }], addNumbers: [{ name: "rank" }],
      addPointers: [{ name: "author", targetClassName: "Author" }] } }) { class { name } } }`);
  });
  afterAll(() => s?.close());

  it('emits first exactly what the find query returns, as the same connection', async () => {
    for (const [title, rank] of [
      ['a', 3],
      ['b', 1],
      ['c', 2],
      ['d', 9],
    ] as const)
      await create({ title, rank, tag: 'initial' });
    const selection = `posts(where: { tag: { equalTo: "initial" } }, order: [rank_ASC], first: 2) {
      count pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id ${NODE} } } }`;
    const sub = await live(Auth.anonymous(), `{ ${selection} }`);
    const query = await s.anon(`{ ${selection} }`);
    expect(query.errors).toBeUndefined();
    expect(sub.emissions).toEqual([query.data!.posts]);
    expect(titles(sub.latest())).toEqual(['b', 'c']);
    await sub.close();
  });

  it('emits a new connection on create, update and delete in and out of the where', async () => {
    const sub = await live(
      Auth.anonymous(),
      `{ posts(where: { tag: { equalTo: "crud" }, rank: { lessThan: 100 } }, order: [rank_ASC]) { count edges { node { ${NODE} } } } }`,
    );
    expect(sub.latest()).toEqual({ count: 0, edges: [] });
    const one = await create({ title: 'one', rank: 1, tag: 'crud' });
    await eventually(() => expect(titles(sub.latest())).toEqual(['one']));
    const two = await create({ title: 'two', rank: 500, tag: 'crud' }); // outside the where
    await update(two.objectId, { rank: 2 }); // moves in
    await eventually(() => expect(titles(sub.latest())).toEqual(['one', 'two']));
    await update(one.objectId, { rank: 1000 }); // moves out
    await eventually(() => expect(titles(sub.latest())).toEqual(['two']));
    await update(two.objectId, { title: 'two!' }); // stays in, changes
    await eventually(() => expect(titles(sub.latest())).toEqual(['two!']));
    await s.plinth.core.delete(Auth.master(), 'Post', two.objectId);
    await eventually(() => expect(sub.latest()).toEqual({ count: 0, edges: [] }));
    // Never an object outside the where, never the same connection twice in a row.
    for (let i = 1; i < sub.emissions.length; i++) expect(sub.emissions[i]).not.toEqual(sub.emissions[i - 1]);
    expect(sub.emissions.some((e) => e.edges.some((x: any) => x.node.rank >= 100))).toBe(false);
    await sub.close();
  });

  it('does not emit when a re-run shows nothing new (a field that is not selected changed)', async () => {
    const p = await create({ title: 'quiet', rank: 1, tag: 'quiet' });
    const sub = await live(Auth.anonymous(), `{ posts(where: { tag: { equalTo: "quiet" } }, order: [rank_ASC]) { edges { node { title } } } }`);
    const runs = sub.runs();
    await update(p.objectId, { note: 'not selected' });
    await eventually(() => expect(sub.runs()).toBeGreaterThan(runs)); // it re-ran…
    await create({ title: 'marker', rank: 2, tag: 'quiet' });
    await eventually(() => expect(titles(sub.latest())).toEqual(['quiet', 'marker']));
    expect(sub.emissions).toHaveLength(2); // …but only the marker was emitted
    await sub.close();
  });

  it('coalesces a burst of writes into far fewer emissions and ends on the final state', async () => {
    const sub = await live(Auth.anonymous(), `{ posts(where: { tag: { equalTo: "burst" } }, order: [rank_DESC], first: 5) { count edges { node { rank } } } }`);
    const n = 60;
    await Promise.all(Array.from({ length: n }, (_, i) => create({ title: `b${i}`, rank: i, tag: 'burst' })));
    const expected = await s.anon(`{ posts(where: { tag: { equalTo: "burst" } }, order: [rank_DESC], first: 5) { count edges { node { rank } } } }`);
    expect(expected.data!.posts.count).toBe(n);
    await eventually(() => expect(sub.latest()).toEqual(expected.data!.posts));
    expect(sub.runs()).toBeLessThan(n / 3);
    expect(sub.emissions.length).toBeLessThan(n / 3);
    await sub.close();
  });

  it('gives each subscriber the list its access allows', async () => {
    const owner = Auth.user('ownerUser01', [], 'session-of-owner');
    await create({ title: 'public', rank: 1, tag: 'acl' });
    await create({ title: 'private', rank: 2, tag: 'acl', ACL: { ownerUser01: { read: true, write: true } } });
    const q = `{ posts(where: { tag: { equalTo: "acl" } }, order: [rank_ASC]) { count edges { node { title } } } }`;
    const anon = await live(Auth.anonymous(), q);
    const mine = await live(owner, q);
    expect(titles(anon.latest())).toEqual(['public']);
    expect(titles(mine.latest())).toEqual(['public', 'private']);
    await create({ title: 'private2', rank: 3, tag: 'acl', ACL: { ownerUser01: { read: true } } });
    await create({ title: 'public2', rank: 4, tag: 'acl' });
    await eventually(() => expect(titles(mine.latest())).toEqual(['public', 'private', 'private2', 'public2']));
    await eventually(() => expect(titles(anon.latest())).toEqual(['public', 'public2']));
    expect(anon.emissions.flatMap(titles)).not.toContain('private');
    expect(anon.emissions.flatMap(titles)).not.toContain('private2');
    expect(anon.latest().count).toBe(2);
    await Promise.all([anon.close(), mine.close()]);
  });

  it("follows the subscriber's roles: joining a role shows what the role may read", async () => {
    const created = await s.ok(`mutation { createUser(input: { fields: { username: "role-watcher", password: "password-1" } }) { user { objectId } } }`);
    const userId = created.createUser.user.objectId as string;
    await create({ title: 'for readers', rank: 1, tag: 'roles', ACL: { 'role:LiveReaders': { read: true } } });
    await create({ title: 'for all', rank: 2, tag: 'roles' });
    const watcher = await live(
      Auth.user(userId, [], 'sess-roles'),
      `{ posts(where: { tag: { equalTo: "roles" } }, order: [rank_ASC]) { edges { node { title } } } }`,
    );
    expect(titles(watcher.latest())).toEqual(['for all']);
    await s.ok(
      `mutation($u: [ID!]) { createRole(input: { fields: { name: "LiveReaders", ACL: { public: { read: true, write: false } }, users: { add: $u } } }) { role { objectId } } }`,
      { u: [userId] },
    );
    await eventually(() => expect(titles(watcher.latest())).toEqual(['for readers', 'for all']));
    await watcher.close();
  });

  it('respects order and first: an object sorting first pushes the last one out', async () => {
    for (const rank of [10, 20, 30, 40]) await create({ title: `r${rank}`, rank, tag: 'top' });
    const sub = await live(
      Auth.anonymous(),
      `{ posts(where: { tag: { equalTo: "top" } }, order: [rank_ASC], first: 3) { count pageInfo { hasNextPage } edges { node { title } } } }`,
    );
    expect(sub.latest()).toEqual({
      count: 4,
      pageInfo: { hasNextPage: true },
      edges: [{ node: { title: 'r10' } }, { node: { title: 'r20' } }, { node: { title: 'r30' } }],
    });
    await create({ title: 'r5', rank: 5, tag: 'top' });
    await eventually(() => expect(titles(sub.latest())).toEqual(['r5', 'r10', 'r20']));
    expect(sub.latest().count).toBe(5);
    await sub.close();
  });

  it('follows changes to selected pointer targets', async () => {
    const author = await s.plinth.core.create(Auth.master(), 'Author', { name: 'Ann' });
    await create({ title: 'by ann', rank: 1, tag: 'ptr', author: author.objectId });
    const sub = await live(Auth.anonymous(), `{ posts(where: { tag: { equalTo: "ptr" } }) { edges { node { title author { name } } } } }`);
    expect(sub.latest().edges[0].node.author).toEqual({ name: 'Ann' });
    await s.plinth.core.update(Auth.master(), 'Author', author.objectId, { name: 'Anne' });
    await eventually(() => expect(sub.latest().edges[0].node.author).toEqual({ name: 'Anne' }));
    await sub.close();
  });

  it('follows changes to classes the where reads', async () => {
    const author = await s.plinth.core.create(Auth.master(), 'Author', { name: 'Cy' });
    await create({ title: 'by cy', rank: 1, tag: 'have', author: author.objectId });
    const sub = await live(
      Auth.anonymous(),
      `{ posts(where: { tag: { equalTo: "have" }, author: { have: { name: { equalTo: "Bo" } } } }) { edges { node { title } } } }`,
    );
    expect(titles(sub.latest())).toEqual([]);
    await s.plinth.core.update(Auth.master(), 'Author', author.objectId, { name: 'Bo' });
    await eventually(() => expect(titles(sub.latest())).toEqual(['by cy']));
    await sub.close();
  });

  it('does not re-run for a change that matches the where neither before nor after', async () => {
    const sub = await live(Auth.anonymous(), `{ posts(where: { tag: { equalTo: "skip" } }) { count } }`);
    // A witness without a where re-runs on every change; its timer is armed after sub's, so once
    // it has emitted, sub would have started its own re-run had it scheduled one.
    const witness = await live(Auth.anonymous(), `{ posts { count } }`);
    const runs = sub.runs();
    const total = witness.latest().count;
    const outside = await create({ title: 'elsewhere', rank: 1, tag: 'not-skip' });
    await eventually(() => expect(witness.latest().count).toBe(total + 1));
    await update(outside.objectId, { title: 'still elsewhere' });
    await s.plinth.core.delete(Auth.master(), 'Post', outside.objectId);
    await eventually(() => expect(witness.latest().count).toBe(total));
    expect(sub.runs()).toBe(runs);
    const inside = await create({ title: 'elsewhere', rank: 1, tag: 'not-skip' });
    await update(inside.objectId, { tag: 'skip' }); // moves in: this one counts
    await eventually(() => expect(sub.latest()).toEqual({ count: 1 }));
    expect(sub.runs()).toBeGreaterThan(runs);
    await Promise.all([sub.close(), witness.close()]);
  });

  it('ignores changes of classes it does not read', async () => {
    const sub = await live(Auth.anonymous(), `{ posts(where: { tag: { equalTo: "other" } }) { edges { node { title } } } }`);
    expect(feed.listeners('Other')).toBe(0);
    const runs = sub.runs();
    await s.plinth.core.create(Auth.master(), 'Other', { tag: 'other' });
    await create({ title: 'marker', rank: 1, tag: 'other' });
    await eventually(() => expect(titles(sub.latest())).toEqual(['marker']));
    expect(sub.emissions).toHaveLength(2);
    expect(sub.runs()).toBe(runs + 1);
    await sub.close();
  });

  it("ends with 209 when the subscriber's session ends", async () => {
    const auth = Auth.user('sessionUser1', [], 'sess-a');
    const q = `{ posts(where: { tag: { equalTo: "session" } }) { count } }`;
    const a = await live(auth, q);
    const b = await live(Auth.user('sessionUser1', [], 'sess-b'), q);
    const other = await live(Auth.user('someoneElse1', [], 'sess-c'), q);
    const endSessions = (ended: SessionsEnded) => s.plinth.live.pubsub.publish(channels.sessions(APP_ID), JSON.stringify(ended));
    await endSessions({ sessionIds: ['sess-a'] });
    await eventually(() => expect(a.ended).toBe(true));
    expect(a.errors.map((e) => e.originalError?.code)).toEqual([209]);
    await endSessions({ userId: 'sessionUser1', exceptSessionId: 'sess-b' });
    await create({ title: 'still here', rank: 1, tag: 'session' });
    await eventually(() => expect(b.latest()).toEqual({ count: 1 }));
    expect(b.ended).toBe(false);
    await endSessions({ userId: 'sessionUser1' });
    await eventually(() => expect(b.ended).toBe(true));
    expect(b.errors.map((e) => e.originalError?.code)).toEqual([209]);
    expect(other.ended).toBe(false);
    await other.close();
  });

  it('return() stops everything: no listeners, no timer, no more runs', async () => {
    const before = { post: feed.listeners('Post'), author: feed.listeners('Author'), sessions: feed.sessionListeners };
    const sub = await live(Auth.anonymous(), `{ posts(where: { tag: { equalTo: "bye" } }) { edges { node { title author { name } } } } }`);
    expect(feed.listeners('Post')).toBe(before.post + 1);
    expect(feed.listeners('Author')).toBe(before.author + 1);
    await create({ title: 'pending', rank: 1, tag: 'bye' }); // arms the re-run timer
    await sub.close();
    expect({ post: feed.listeners('Post'), author: feed.listeners('Author'), sessions: feed.sessionListeners }).toEqual(before);
    await eventually(() => expect(sub.ended).toBe(true));
    const runs = sub.runs();
    await new Promise((r) => setTimeout(r, DEBOUNCE_MS * 4)); // the armed timer would have fired by now
    expect(sub.runs()).toBe(runs);
    expect(sub.emissions).toHaveLength(1);
  });

  it('refuses at subscribe time what the query refuses', async () => {
    await s.ok(`mutation { createClass(input: { name: "Secret", schemaFields: { addStrings: [{ name: "x" }] } }) { class { name } } }`);
    const all = { '*': true };
    await s.ok(`mutation($c: Object) { updateClass(input: { name: "Secret", classLevelPermissions: $c }) { class { name } } }`, {
      c: { find: {}, get: all, count: all, create: all, update: all, delete: all, addField: all },
    });
    const sub = await live(Auth.anonymous(), `{ secrets { edges { node { objectId } } } }`);
    expect(sub.emissions).toEqual([]);
    expect(sub.errors.map((e) => e.originalError?.code)).toEqual([119]);
    expect(sub.ended).toBe(true);
  });
});
