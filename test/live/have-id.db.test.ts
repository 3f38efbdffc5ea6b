import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/schema/index.ts';
import { clp, setClp, signedInUser, type Caller } from '../security/helpers.ts';
import { hubSubscribers, MASTER_KEY, startWsServer, stream, until, type WsTestServer } from './ws-server.ts';

// A subscription may filter a pointer by the id of the object it points to — GraphQL's only way
// to compare a pointer: `{author: {have: {objectId: {equalTo: …}}}}` (or `id`, `in`, global or
// raw ids). That is decided from the pointer's own value, so the live matcher accepts it; a
// `have` on any other field of the target still needs a query and is refused (102).

let server: WsTestServer;
let alice: Caller;
let ann: string;
let bob: string;

const EVENTS = `subscription($where: PostWhereInput) { postEvents(where: $where) { event post { title } } }`;

async function createPost(title: string, author?: string): Promise<string> {
  const fields = author ? { title, author: { link: author } } : { title };
  const d = await server.ok(`mutation($f: CreatePostFieldsInput) { createPost(input: { fields: $f }) { post { objectId } } }`, { f: fields });
  return d.createPost.post.objectId;
}

async function subscribe(params: Record<string, unknown>, where: unknown) {
  const before = hubSubscribers(server, 'Post');
  const s = stream(server.client(params), EVENTS, { where });
  await until(() => hubSubscribers(server, 'Post') > before || s.completed, 5000, 'the subscription to start');
  return s;
}

/** The titles of the posts this subscription is told about, once `count` events arrived. */
async function titles(s: Awaited<ReturnType<typeof subscribe>>, count: number): Promise<string[]> {
  await s.next(count);
  if (s.results.some((r) => r.errors)) throw new Error(JSON.stringify(s.results));
  return s.results.map((r) => (r.data as { postEvents: { post: { title: string } } }).postEvents.post.title);
}

/** The code and message a refused subscription ended with. */
function refusal(s: { results: { errors?: readonly unknown[] }[]; error?: unknown }): { code?: number; message?: string } {
  const [first] = ((s.results[0]?.errors ?? s.error) as { message?: string; extensions?: { code?: number } }[] | undefined) ?? [];
  return { code: first?.extensions?.code, message: first?.message };
}
const HAVE_REFUSED = /have on pointer field author cannot be used in a subscription/;

beforeAll(async () => {
  server = await startWsServer();
  await server.ok(`mutation {
    a: createClass(input: { name: "Author", schemaFields: { addStrings: [{ name: "name" }], addPointers: [{ name: "owner", targetClassName: "_User" }] } }) { clientMutationId }
    p: createClass(input: { name: "Post", schemaFields: { addStrings: [{ name: "title" }], addPointers: [{ name: "author", targetClassName: "Author" }] } }) { clientMutationId }
  }`);
  alice = await signedInUser(server, 'alice');
  const d = await server.ok(
    `mutation { a: createAuthor(input: { fields: { name: "Ann" } }) { author { objectId } } b: createAuthor(input: { fields: { name: "Bob" } }) { author { objectId } } }`,
  );
  ann = d.a.author.objectId;
  bob = d.b.author.objectId;
});
afterAll(() => server?.close());

describe('have on the pointed-to id, in a subscription', () => {
  // Posts made in each round, in order; "last" (no author) ends every stream: each subscriber
  // asks for the where OR title = "last", so what arrives before it is what the where matched.
  const ROUND = ['by Ann 1', 'by Bob', 'by nobody', 'by Ann 2', 'last'];
  async function round(): Promise<void> {
    await createPost('by Ann 1', ann);
    await createPost('by Bob', bob);
    await createPost('by nobody');
    await createPost('by Ann 2', toGlobalId('Author', ann));
    await createPost('last');
  }

  const wheres: [string, () => unknown, string[]][] = [
    ['objectId equalTo a raw id', () => ({ author: { have: { objectId: { equalTo: ann } } } }), ['by Ann 1', 'by Ann 2']],
    ['id equalTo a global id', () => ({ author: { have: { id: { equalTo: toGlobalId('Author', ann) } } } }), ['by Ann 1', 'by Ann 2']],
    ['id in global and raw ids', () => ({ author: { have: { id: { in: [toGlobalId('Author', ann), bob] } } } }), ['by Ann 1', 'by Bob', 'by Ann 2']],
    ['notEqualTo (a post without an author is not one)', () => ({ author: { have: { objectId: { notEqualTo: ann } } } }), ['by Bob']],
    ['haveNot (posts without an author too)', () => ({ author: { haveNot: { objectId: { equalTo: ann } } } }), ['by Bob', 'by nobody', 'last']],
    ['inside NOR', () => ({ NOR: [{ author: { have: { id: { in: [ann] } } } }] }), ['by Bob', 'by nobody', 'last']],
    ["another class's global id: nothing", () => ({ author: { have: { id: { equalTo: toGlobalId('Post', ann) } } } }), []],
  ];
  for (const [name, where, matched] of wheres) {
    it(`${name}: accepted, and matches what a find matches`, async () => {
      const streamWhere = { OR: [where(), { title: { equalTo: 'last' } }] };
      const forMaster = await subscribe({ masterKey: MASTER_KEY }, streamWhere);
      const forAlice = await subscribe({ sessionToken: alice.headers['x-parse-session-token'] }, streamWhere);
      await round();
      const expected = ROUND.filter((t) => matched.includes(t) || t === 'last');
      expect(await titles(forMaster, expected.length)).toEqual(expected);
      expect(await titles(forAlice, expected.length)).toEqual(expected);
      // A find with the same where gives the same posts.
      const found = await server.ok(`query($where: PostWhereInput) { posts(where: $where) { count edges { node { title } } } }`, {
        where: where(),
      });
      expect(found.posts.edges.map((e: { node: { title: string } }) => e.node.title).sort()).toEqual([...matched].sort());
      expect(found.posts.count).toBe(matched.length);
      for (const s of [forMaster, forAlice]) s.stop();
      await until(() => hubSubscribers(server, 'Post') === 0);
      await server.plinth.db.query(`DELETE FROM "Post"`);
    });
  }

  it('have on another field of the target is still refused (102)', async () => {
    const s = stream(server.client({ masterKey: MASTER_KEY }), EVENTS, { where: { author: { have: { name: { equalTo: 'Ann' } } } } });
    await s.ended();
    expect(refusal(s)).toMatchObject({ code: 102, message: expect.stringMatching(HAVE_REFUSED) });
    const mixed = stream(server.client({ masterKey: MASTER_KEY }), EVENTS, {
      where: { author: { have: { objectId: { equalTo: ann }, name: { equalTo: 'Ann' } } } },
    });
    await mixed.ended();
    expect(refusal(mixed)).toMatchObject({ code: 102, message: expect.stringMatching(HAVE_REFUSED) });
    const nothing = stream(server.client({ masterKey: MASTER_KEY }), EVENTS, { where: { author: { have: {} } } });
    await nothing.ended();
    expect(refusal(nothing)).toMatchObject({ code: 102, message: expect.stringMatching(HAVE_REFUSED) });
  });

  it("is refused (102) when the target's read depends on its other fields (pointer permissions)", async () => {
    await setClp(server, 'Author', clp({ find: {}, get: {}, readUserFields: ['owner'] }));
    try {
      const s = stream(server.client({ sessionToken: alice.headers['x-parse-session-token'] }), EVENTS, {
        where: { author: { have: { objectId: { equalTo: ann } } } },
      });
      await s.ended();
      expect(refusal(s)).toMatchObject({ code: 102, message: expect.stringMatching(HAVE_REFUSED) });
    } finally {
      await setClp(server, 'Author', clp());
    }
  });
});
