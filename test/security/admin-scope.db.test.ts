import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INCLUDED, type FindRequest } from '../../src/core/index.ts';
import { ParseError } from '../../src/errors/index.ts';
import { Auth, checkSchemaChange, type AdminScope } from '../../src/security/index.ts';
import { createClass } from '../objects/helpers.ts';
import { settle, startLiveFixture, type LiveFixture } from '../live/engine-fixture.ts';

/**
 * Dashboard admins (Auth.admin): the master key's reach, limited by their scope, enforced in
 * core whatever the transport — reads, writes, counts, aggregates, relation pages, pointer
 * includes, live subscriptions and schema changes. A table of admin × operation × outcome.
 */
describe('dashboard admin scopes', () => {
  let f: LiveFixture;
  const master = Auth.master();
  let authorId = '';
  let postId = '';

  const scope = (s: Partial<AdminScope>): Auth => Auth.admin({ adminId: 'a', email: 'a@example.com', readOnly: false, ...s });
  const ADMINS = {
    full: scope({}),
    readOnly: scope({ readOnly: true }),
    // Post only, and only some of its fields: Author is out of scope, body and secret hidden.
    scoped: scope({ classes: new Map([['Post', { fields: new Set(['title', 'n', 'author', 'likes']), write: true }]]) }),
    noWrite: scope({
      classes: new Map([
        ['Post', { write: false }],
        ['Author', { write: false }],
      ]),
    }),
  };
  type Who = keyof typeof ADMINS;

  const core = () => f.s.plinth.core;
  const page = (fields: string[], extra: Partial<FindRequest> = {}): FindRequest => ({
    fields,
    wantObjects: true,
    wantCount: false,
    wantHasNext: false,
    ...extra,
  });
  const fresh = async () => (await core().create(master, 'Post', { title: 'fresh', body: 'b', secret: 's', n: 1 })).objectId;

  beforeAll(async () => {
    f = await startLiveFixture();
    await createClass(f.s, 'Author', 'addStrings: [{ name: "name" }]');
    await createClass(
      f.s,
      'Post',
      'addStrings: [{ name: "title" }, { name: "body" }, { name: "secret" }], addNumbers: [{ name: "n" }], addPointers: [{ name: "author", targetClassName: "Author" }], addRelations: [{ name: "likes", targetClassName: "Author" }]',
    );
    authorId = (await core().create(master, 'Author', { name: 'Ann' })).objectId;
    postId = (await core().create(master, 'Post', { title: 'hello', body: 'long text', secret: 'xyz', n: 3, author: authorId, likes: { add: [authorId] } }))
      .objectId;
  });
  afterAll(() => f?.close());

  const RO = /This dashboard user is read-only\./;
  const NO_AUTHOR = /This dashboard user has no access to class Author\./;
  const NO_WRITE = /This dashboard user may not write to class (Post|Author)\./;

  /** Each operation, run as `auth`; resolves when core allows it. */
  const OPERATIONS: Record<string, (auth: Auth) => Promise<unknown>> = {
    'find Post': (a) => core().find(a, 'Post', page(['title'])),
    'get Post': (a) => core().get(a, 'Post', postId, ['title']),
    'count Post': (a) => core().count(a, 'Post'),
    'create Post': (a) => core().create(a, 'Post', { title: 'new' }),
    'update Post': (a) => core().update(a, 'Post', postId, { n: 4 }),
    'delete Post': async (a) => core().delete(a, 'Post', await fresh()),
    'write a hidden field': (a) => core().create(a, 'Post', { title: 'x', secret: 'mine' }),
    'filter by a hidden field': (a) => core().find(a, 'Post', page(['title'], { where: f.where('Post', { secret: { equalTo: 'xyz' } }) })),
    'order by a hidden field': (a) => core().find(a, 'Post', page(['title'], { order: [{ field: { name: 'secret', type: 'String' }, descending: false }] })),
    'get Author': (a) => core().get(a, 'Author', authorId, ['name']),
    'find Author': (a) => core().find(a, 'Author', page(['name'])),
    'count Author': (a) => core().count(a, 'Author'),
    'create Author': (a) => core().create(a, 'Author', { name: 'Bob' }),
    'relation page Post.likes': (a) => core().findRelated(a, 'Post', 'likes', [postId], page(['name'])),
    'aggregate Post': (a) => core().aggregate(a, 'Post', [{ $group: { _id: null, total: { $sum: '$n' } } }]),
    'distinct Post.title': (a) => core().distinct(a, 'Post', 'title'),
    'distinct Post.secret': (a) => core().distinct(a, 'Post', 'secret'),
    'aggregate Author': (a) => core().aggregate(a, 'Author', [{ $count: 'n' }]),
    'change the schema': async (a) => checkSchemaChange(a),
  };

  const OK = 'ok' as const;
  const EXPECTED: Record<string, Record<Who, typeof OK | RegExp>> = {
    'find Post': { full: OK, readOnly: OK, scoped: OK, noWrite: OK },
    'get Post': { full: OK, readOnly: OK, scoped: OK, noWrite: OK },
    'count Post': { full: OK, readOnly: OK, scoped: OK, noWrite: OK },
    'create Post': { full: OK, readOnly: RO, scoped: OK, noWrite: NO_WRITE },
    'update Post': { full: OK, readOnly: RO, scoped: OK, noWrite: NO_WRITE },
    'delete Post': { full: OK, readOnly: RO, scoped: OK, noWrite: NO_WRITE },
    'write a hidden field': { full: OK, readOnly: RO, scoped: /no access to field secret of class Post/, noWrite: NO_WRITE },
    'filter by a hidden field': { full: OK, readOnly: OK, scoped: /not allowed to query secret on class Post/, noWrite: OK },
    'order by a hidden field': { full: OK, readOnly: OK, scoped: /not allowed to sort by secret on class Post/, noWrite: OK },
    'get Author': { full: OK, readOnly: OK, scoped: NO_AUTHOR, noWrite: OK },
    'find Author': { full: OK, readOnly: OK, scoped: NO_AUTHOR, noWrite: OK },
    'count Author': { full: OK, readOnly: OK, scoped: NO_AUTHOR, noWrite: OK },
    'create Author': { full: OK, readOnly: RO, scoped: NO_AUTHOR, noWrite: NO_WRITE },
    'relation page Post.likes': { full: OK, readOnly: OK, scoped: NO_AUTHOR, noWrite: OK },
    'aggregate Post': { full: OK, readOnly: OK, scoped: /sees only some fields of class Post and may not aggregate/, noWrite: OK },
    'distinct Post.title': { full: OK, readOnly: OK, scoped: OK, noWrite: OK },
    'distinct Post.secret': { full: OK, readOnly: OK, scoped: /no access to field secret of class Post/, noWrite: OK },
    'aggregate Author': { full: OK, readOnly: OK, scoped: NO_AUTHOR, noWrite: OK },
    'change the schema': { full: OK, readOnly: RO, scoped: /scoped to some classes and may not change the schema/, noWrite: /may not change the schema/ },
  };

  for (const [op, byWho] of Object.entries(EXPECTED)) {
    for (const [who, expected] of Object.entries(byWho) as [Who, typeof OK | RegExp][]) {
      it(`${who} admin: ${op} → ${expected === OK ? 'allowed' : '119'}`, async () => {
        const outcome = await OPERATIONS[op](ADMINS[who]).then(
          () => OK,
          (error: unknown) => error,
        );
        if (expected === OK) {
          expect(outcome).toBe(OK);
        } else {
          expect(outcome).toBeInstanceOf(ParseError);
          expect((outcome as ParseError).code).toBe(119);
          expect((outcome as ParseError).message).toMatch(expected);
        }
      });
    }
  }

  it('hides the fields outside the scope on every read, and keeps the built-in ones', async () => {
    const fields = ['title', 'body', 'secret', 'n', 'ACL', 'createdAt', 'updatedAt'];
    const [found] = (await core().find(ADMINS.scoped, 'Post', page(fields, { where: f.where('Post', { objectId: { equalTo: postId } }) }))).objects;
    const got = await core().get(ADMINS.scoped, 'Post', postId, fields);
    for (const o of [found, got]) {
      expect(o).toMatchObject({ objectId: postId, title: 'hello' });
      expect(o).toHaveProperty('createdAt');
      expect(o).toHaveProperty('updatedAt');
      expect(o).toHaveProperty('ACL');
      expect(o).not.toHaveProperty('body');
      expect(o).not.toHaveProperty('secret');
    }
    // A full admin and the master key see everything.
    expect(await core().get(ADMINS.full, 'Post', postId, fields)).toMatchObject({ body: 'long text', secret: 'xyz' });
    expect(await core().get(master, 'Post', postId, fields)).toMatchObject({ body: 'long text', secret: 'xyz' });
  });

  it("does not echo hidden fields in a write's payload", async () => {
    const updated = await core().update(ADMINS.scoped, 'Post', postId, { title: 'hello' }, { fields: ['title', 'secret', 'body'] });
    expect(updated).toMatchObject({ title: 'hello' });
    expect(updated).not.toHaveProperty('secret');
    expect(updated).not.toHaveProperty('body');
    const created = await core().create(ADMINS.scoped, 'Post', { title: 'mine' }, { fields: ['title', 'secret'] });
    expect(created).not.toHaveProperty('secret');
  });

  it('leaves a pointer into a class out of scope unresolved: an include never loads it', async () => {
    const include = [{ field: 'author', fields: ['name'] }];
    const req = page(['title', 'author'], { where: f.where('Post', { objectId: { equalTo: postId } }), include });
    const [scoped] = (await core().find(ADMINS.scoped, 'Post', req)).objects;
    // The pointer itself (the id) stays; its target is not attached.
    expect(scoped.author).toBe(authorId);
    expect(scoped[INCLUDED]).toEqual({ author: null });
    const [full] = (await core().find(ADMINS.full, 'Post', req)).objects;
    expect(full[INCLUDED]?.author).toMatchObject({ objectId: authorId, name: 'Ann' });
  });

  it('hides a pointer field outside the scope, with its included target', async () => {
    const narrow = scope({
      classes: new Map([
        ['Post', { fields: new Set(['title']), write: true }],
        ['Author', { write: true }],
      ]),
    });
    const req = page(['title', 'author'], { where: f.where('Post', { objectId: { equalTo: postId } }), include: [{ field: 'author', fields: ['name'] }] });
    const [o] = (await core().find(narrow, 'Post', req)).objects;
    expect(o).not.toHaveProperty('author');
    expect(o[INCLUDED]?.author).toBeUndefined();
  });

  it('refuses a live subscription to a class out of scope, or filtering by a hidden field', () => {
    expect(() => f.subscribe(ADMINS.scoped, 'Author')).toThrow(NO_AUTHOR);
    expect(() => f.subscribe(ADMINS.scoped, 'Post', { where: { secret: { equalTo: 'x' } } })).toThrow(/not allowed to query secret/);
  });

  it("gives a scoped admin's live events without the hidden fields", async () => {
    const witness = f.subscribe(master, 'Post');
    const scoped = f.subscribe(ADMINS.scoped, 'Post');
    const readOnly = f.subscribe(ADMINS.readOnly, 'Post');
    const created = await core().create(master, 'Post', { title: 'live', secret: 'shh', body: 'b' });
    await settle(witness, 1);
    expect(scoped.events).toHaveLength(1);
    expect(scoped.events[0].object).toMatchObject({ objectId: created.objectId, title: 'live' });
    expect(scoped.events[0].object).not.toHaveProperty('secret');
    expect(scoped.events[0].object).not.toHaveProperty('body');
    expect(readOnly.events[0].object).toMatchObject({ secret: 'shh' });
  });

  it('leaves nothing written when a write is refused', async () => {
    const before = await core().count(master, 'Author');
    await expect(core().create(ADMINS.readOnly, 'Author', { name: 'nope' })).rejects.toThrow(RO);
    await expect(core().create(ADMINS.scoped, 'Post', { title: 'x', author: { create: { name: 'nested' } } })).rejects.toThrow(NO_AUTHOR);
    expect(await core().count(master, 'Author')).toBe(before);
  });
});
