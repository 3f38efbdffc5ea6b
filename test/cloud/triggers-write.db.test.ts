import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CloudError } from '../../src/cloud/errors.ts';
import type { CloudApi, SaveRequest } from '../../src/cloud/types.ts';
import { failure, signUp, startCloudServer, type CloudTestServer } from './harness.ts';

// Save and delete triggers on every write path of the GraphQL API: what the client gets, what
// the database then holds (read as rows, past every trigger), and which triggers ran in what
// order. Behaviour is switched per test through `when`; every trigger records itself in `calls`.

type Req = SaveRequest;
const calls: string[] = [];
/** Per-test behaviour: `when['beforeSave Post'] = (req) => …`. */
let when: Record<string, (req: Req) => unknown> = {};
/** What each trigger saw, by `<kind> <class>`, the latest run last. */
let seen: Record<string, Req[]> = {};
const CLASSES = ['Post', 'Author', 'Strict', '_Role', '_User'];
const KINDS = ['beforeSave', 'afterSave', 'beforeDelete', 'afterDelete'] as const;

function setup(cloud: CloudApi) {
  for (const className of CLASSES) {
    for (const kind of KINDS) {
      cloud[kind](className, (req: any) => {
        const name = `${kind} ${className}`;
        calls.push(name);
        (seen[name] ??= []).push(req);
        return when[name]?.(req);
      });
    }
  }
  // Three triggers of a kind on one class run in registration order, each seeing the last one's change.
  for (const n of [1, 2, 3]) {
    cloud.beforeSave('Ordered', (req) => {
      calls.push(`beforeSave#${n}`);
      req.object.add('trail', `b${n}`);
    });
  }
  for (const n of [1, 2]) cloud.afterSave('Ordered', () => void calls.push(`afterSave#${n}`));
  cloud.beforeSave('Validated', () => undefined, { requireUser: true, fields: { kind: { default: 'plain', options: ['plain', 'fancy'] } } });
  cloud.beforeSave('Guarded', (req) => void req.object.set('kind', 'touched'), { skipWithMasterKey: true });
  cloud.beforeFind('Guarded', () => undefined, { requireUser: true });
  cloud.beforeDelete('Guarded', () => undefined, { requireMaster: true });
}

let s: CloudTestServer;
let userToken: string;

beforeAll(async () => {
  s = await startCloudServer(setup, { cloudCode: { timeoutMs: 1500 } });
  await s.ok(`mutation {
    a: createClass(input: { name: "Author", schemaFields: { addStrings: [{ name: "name" }], addNumbers: [{ name: "score" }] } }) { clientMutationId }
    p: createClass(input: { name: "Post", schemaFields: {
      addStrings: [{ name: "title" }, { name: "slug" }, { name: "secret" }], addNumbers: [{ name: "views" }, { name: "counter" }],
      addArrays: [{ name: "tags" }], addPointers: [{ name: "author", targetClassName: "Author" }], addRelations: [{ name: "fans", targetClassName: "Author" }] } }) { clientMutationId }
    o: createClass(input: { name: "Ordered", schemaFields: { addArrays: [{ name: "trail" }], addStrings: [{ name: "name" }] } }) { clientMutationId }
    v: createClass(input: { name: "Validated", schemaFields: { addStrings: [{ name: "kind" }] } }) { clientMutationId }
    g: createClass(input: { name: "Guarded", schemaFields: { addStrings: [{ name: "kind" }] } }) { clientMutationId }
  }`);
  // A class with a required field: a nested create fails after its child was written.
  await s.ok(
    `mutation { createClass(input: { name: "Strict", schemaFields: { addStrings: [{ name: "must" }], addPointers: [{ name: "author", targetClassName: "Author" }] } }) { clientMutationId } }`,
  );
  await s.plinth.db.execute(`UPDATE "_SCHEMA" SET "schema" = jsonb_set("schema", '{fields,must,required}', 'true') WHERE "className" = 'Strict'`);
  await s.plinth.schemaStore.load();
  userToken = (await signUp(s, 'writer')).token;
});
afterAll(() => s?.close());
beforeEach(() => {
  calls.length = 0;
  when = {};
  seen = {};
});

const CREATE_POST = `mutation($f: CreatePostFieldsInput) { createPost(input: { fields: $f }) { post { objectId title slug secret views counter tags { ... on Element { value } } author { objectId name } ACL { public { read write } } } } }`;
const UPDATE_POST = `mutation($id: ID!, $f: UpdatePostFieldsInput) { updatePost(input: { id: $id, fields: $f }) { post { objectId title slug secret views counter } } }`;
const DELETE_POST = `mutation($id: ID!) { deletePost(input: { id: $id }) { post { objectId title } } }`;

async function post(fields: Record<string, unknown>): Promise<string> {
  const r = await s.master(CREATE_POST, { f: fields });
  expect(r.errors).toBeUndefined();
  calls.length = 0;
  seen = {};
  return r.data.createPost.post.objectId;
}
async function author(name: string): Promise<string> {
  const d = await s.ok(`mutation($n: String) { createAuthor(input: { fields: { name: $n } }) { author { objectId } } }`, { n: name });
  calls.length = 0;
  seen = {};
  return d.createAuthor.author.objectId;
}
const rowsOf = (className: string, where?: string, params?: unknown[]) => s.rows(className, where, params);
const count = async (className: string, where = 'TRUE', params: unknown[] = []) => (await rowsOf(className, where, params)).length;

describe('each write path runs its triggers, once, in Parse order', () => {
  it.each([
    {
      path: 'createX',
      run: async () => s.anon(CREATE_POST, { f: { title: 'plain' } }),
      calls: ['beforeSave Post', 'afterSave Post'],
      stored: async () => expect(await count('Post', `"title" = 'plain'`)).toBe(1),
    },
    {
      path: 'updateX',
      run: async () => s.anon(UPDATE_POST, { id: await post({ title: 'u0' }), f: { title: 'u1' } }),
      calls: ['beforeSave Post', 'afterSave Post'],
      stored: async () => expect(await count('Post', `"title" = 'u1'`)).toBe(1),
    },
    {
      path: 'deleteX',
      run: async () => s.anon(DELETE_POST, { id: await post({ title: 'd0' }) }),
      calls: ['beforeDelete Post', 'afterDelete Post'],
      stored: async () => expect(await count('Post', `"title" = 'd0'`)).toBe(0),
    },
    {
      path: 'createAndLink (the child first, as Parse creates it before the parent)',
      run: async () => s.anon(CREATE_POST, { f: { title: 'nested', author: { createAndLink: { name: 'child' } } } }),
      calls: ['beforeSave Author', 'beforeSave Post', 'afterSave Author', 'afterSave Post'],
      stored: async () => {
        const [p] = await rowsOf('Post', `"title" = 'nested'`);
        expect((await rowsOf('Author', `"objectId" = $1`, [p.author]))[0].name).toBe('child');
      },
    },
    {
      path: 'createAndAdd on create',
      run: async () => s.anon(CREATE_POST, { f: { title: 'with fans', fans: { createAndAdd: [{ name: 'f1' }, { name: 'f2' }] } } }),
      calls: ['beforeSave Author', 'beforeSave Author', 'beforeSave Post', 'afterSave Author', 'afterSave Author', 'afterSave Post'],
      stored: async () => {
        const [p] = await rowsOf('Post', `"title" = 'with fans'`);
        expect(await count('_Join:fans:Post', `"owningId" = $1`, [p.objectId])).toBe(2);
      },
    },
    {
      path: 'relation add/remove and createAndAdd on update',
      run: async () => {
        const [a, b] = [await author('ra'), await author('rb')];
        const id = await post({ title: 'rel', fans: { add: [a, b] } });
        return s.anon(UPDATE_POST, { id, f: { fans: { remove: [a], createAndAdd: [{ name: 'rc' }] } } });
      },
      calls: ['beforeSave Author', 'beforeSave Post', 'afterSave Author', 'afterSave Post'],
      stored: async () => {
        const [p] = await rowsOf('Post', `"title" = 'rel'`);
        const related = await rowsOf('_Join:fans:Post', `"owningId" = $1`, [p.objectId]);
        const names = await Promise.all(related.map(async (r) => (await rowsOf('Author', `"objectId" = $1`, [r.relatedId]))[0].name));
        expect(names.sort()).toEqual(['rb', 'rc']);
      },
    },
    {
      path: 'createRole',
      run: async () =>
        s.master(`mutation { createRole(input: { fields: { name: "Editors", ACL: { public: { read: true, write: false } } } }) { role { objectId } } }`),
      calls: ['beforeSave _Role', 'afterSave _Role'],
      stored: async () => expect(await count('_Role', `"name" = 'Editors'`)).toBe(1),
    },
    {
      path: 'deleteRole',
      run: async () => {
        const d = await s.ok(
          `mutation { createRole(input: { fields: { name: "Gone", ACL: { public: { read: true, write: false } } } }) { role { objectId } } }`,
        );
        calls.length = 0;
        return s.master(`mutation($id: ID!) { deleteRole(input: { id: $id }) { role { objectId } } }`, { id: d.createRole.role.objectId });
      },
      calls: ['beforeDelete _Role', 'afterDelete _Role'],
      stored: async () => expect(await count('_Role', `"name" = 'Gone'`)).toBe(0),
    },
    {
      path: 'updateUser and deleteUser',
      run: async () => {
        const u = await signUp(s, 'short-lived');
        calls.length = 0;
        const up = await s.as(u.token, `mutation($id: ID!) { updateUser(input: { id: $id, fields: { email: "sl@example.com" } }) { user { objectId } } }`, {
          id: u.id,
        });
        expect(up.errors).toBeUndefined();
        return s.as(u.token, `mutation($id: ID!) { deleteUser(input: { id: $id }) { user { objectId } } }`, { id: u.id });
      },
      calls: ['beforeSave _User', 'afterSave _User', 'beforeDelete _User', 'afterDelete _User'],
      stored: async () => expect(await count('_User', `"username" = 'short-lived'`)).toBe(0),
    },
  ])('$path', async ({ run, calls: expected, stored }) => {
    const r = await run();
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    expect(calls).toEqual(expected);
    await stored();
  });
});

describe('nested objects', () => {
  it("the parent's beforeSave sees the nested object as a pointer with its id; the child sees itself as new", async () => {
    const r = await s.anon(CREATE_POST, { f: { title: 'sees child', author: { createAndLink: { name: 'kid' } }, fans: { createAndAdd: [{ name: 'fan' }] } } });
    expect(r.errors).toBeUndefined();
    const [child, fan] = seen['beforeSave Author'];
    expect(child.object.isNew()).toBe(true);
    expect(child.object.id).toBeUndefined();
    const parent = seen['beforeSave Post'][0].object;
    const pointer = parent.get('author');
    expect([pointer.className, pointer.id]).toEqual(['Author', r.data.createPost.post.author.objectId]);
    expect(parent.dirtyKeys().sort()).toEqual(['author', 'fans', 'title']);
    expect(seen['afterSave Author'].map((q) => q.object.id)).toEqual([pointer.id, expect.any(String)]);
    expect(fan.object.get('name')).toBe('fan');
  });

  it("a nested object's trigger may use the data API as the caller (no wait on the write's transaction)", async () => {
    const u = await signUp(s, 'nester');
    when['beforeSave Author'] = async (req) => {
      req.object.set('score', await req.data.count('Post'));
      expect(req.user?.get('username')).toBe('nester');
    };
    const before = await count('Post');
    const started = Date.now();
    const r = await s.as(u.token, CREATE_POST, { f: { title: 'quick', author: { createAndLink: { name: 'counted' } } } });
    expect(r.errors).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1500);
    expect((await rowsOf('Author', `"name" = 'counted'`))[0].score).toBe(before);
  });
});

describe('request.object on save', () => {
  it('what beforeSave sets, unsets, increments and its ACL are saved and returned (create)', async () => {
    when['beforeSave Post'] = (req) => {
      req.object.set('slug', String(req.object.get('title')).toLowerCase().replace(/\s+/g, '-'));
      req.object.unset('secret');
      req.object.increment('views', 10);
      req.object.addUnique('tags', 'auto');
      // No ACL given: none yet (Parse's getACL() is undefined too); the trigger sets one.
      expect(req.object.getACL()).toBeUndefined();
      req.object.setACL({ '*': { read: true } });
    };
    const r = await s.anon(CREATE_POST, { f: { title: 'Hello World', secret: 's3cret', views: 1, tags: ['x'] } });
    expect(r.errors).toBeUndefined();
    expect(r.data.createPost.post).toMatchObject({
      title: 'Hello World',
      slug: 'hello-world',
      secret: null,
      views: 11,
      tags: [{ value: 'x' }, { value: 'auto' }],
      ACL: { public: { read: true, write: false } },
    });
    const [row] = await rowsOf('Post', `"objectId" = $1`, [r.data.createPost.post.objectId]);
    expect({ ...row, tags: JSON.parse(row.tags) }).toMatchObject({
      slug: 'hello-world',
      secret: null,
      views: 11,
      tags: ['x', 'auto'],
      _rperm: ['*'],
      _wperm: [],
    });
  });

  it('on update: original is the stored object, object the result; an increment is applied atomically', async () => {
    const id = await post({ title: 'before', views: 5, counter: 100, secret: 'keep' });
    when['beforeSave Post'] = (req) => {
      req.object.increment('counter');
      req.object.set('slug', `${req.original!.get('title')}->${req.object.get('title')}`);
    };
    // Someone else moves the counter between the trigger's read and the write: the increment still counts.
    const slow = when['beforeSave Post'];
    when['beforeSave Post'] = async (req) => {
      slow(req);
      await s.plinth.db.execute(`UPDATE "Post" SET "counter" = "counter" + 1000 WHERE "objectId" = $1`, [id]);
    };
    const r = await s.anon(UPDATE_POST, { id, f: { title: 'after' } });
    expect(r.errors).toBeUndefined();
    expect(r.data.updatePost.post).toMatchObject({ title: 'after', slug: 'before->after', counter: 1101 });
    const [row] = await rowsOf('Post', `"objectId" = $1`, [id]);
    expect(row).toMatchObject({ title: 'after', slug: 'before->after', counter: 1101, views: 5, secret: 'keep' });
    const [before] = seen['beforeSave Post'];
    expect(before.original!.id).toBe(id);
    expect(before.object.id).toBe(id);
    expect(before.object.isNew()).toBe(false);
    expect(before.object.get('views')).toBe(5); // the stored values come along
    const [after] = seen['afterSave Post'];
    expect(after.original!.get('title')).toBe('before');
    expect(after.object.get('title')).toBe('after');
    expect(after.object.get('counter')).toBe(1101);
    // Stored without an ACL: none, as Parse's getACL() answers (not the public ACL it grants).
    expect(before.original!.getACL()).toBeUndefined();
    expect(after.object.getACL()).toBeUndefined();
    expect(after.object.toJSON()).not.toHaveProperty('ACL');
  });

  it('dirtyKeys: on create the keys given; on update the keys changed (by the client and by the trigger)', async () => {
    let onCreate: string[] = [];
    let onUpdate: string[] = [];
    let dirtyTitle: boolean | undefined;
    when['beforeSave Post'] = (req) => {
      if (req.original) {
        req.object.set('slug', 'x');
        onUpdate = [...req.object.dirtyKeys()].sort();
        dirtyTitle = req.object.dirty('title');
      } else onCreate = [...req.object.dirtyKeys()].sort();
    };
    const r = await s.anon(CREATE_POST, { f: { title: 't', views: 1, ACL: { public: { read: true, write: true } } } });
    expect(onCreate).toEqual(['ACL', 'title', 'views']);
    await s.anon(UPDATE_POST, { id: r.data.createPost.post.objectId, f: { views: 2 } });
    expect(onUpdate).toEqual(['slug', 'views']);
    expect(dirtyTitle).toBe(false);
  });

  it('beforeSave may set a pointer to an object it looked up; saved as the pointer and returned resolved', async () => {
    const authorId = await author('pointed');
    when['beforeSave Post'] = async (req) => {
      req.object.set('author', await req.data.first('Author', { name: { equalTo: 'pointed' } }));
    };
    const r = await s.anon(CREATE_POST, { f: { title: 'pointing' } });
    expect(r.data.createPost.post.author).toEqual({ objectId: authorId, name: 'pointed' });
    expect((await rowsOf('Post', `"title" = 'pointing'`))[0].author).toBe(authorId);
  });

  it('toJSON and className/id/get as Parse', async () => {
    const id = await post({ title: 'json', views: 3 });
    await s.anon(UPDATE_POST, { id, f: { views: 4 } });
    const [req] = seen['beforeSave Post'];
    expect(req.object.className).toBe('Post');
    const json = req.object.toJSON();
    expect(json).toMatchObject({ objectId: id, title: 'json', views: 4 });
    expect(typeof json.createdAt).toBe('string');
    expect(req.triggerName).toBe('beforeSave');
    expect(seen['afterSave Post'][0].triggerName).toBe('afterSave');
  });
});

describe("what a trigger sees of an object the caller may not read (Parse: read with the caller's rights)", () => {
  it('beforeSave of an update gets only the id: nothing private can be echoed back; the write is refused (101)', async () => {
    const owner = await signUp(s, 'owner');
    const other = await signUp(s, 'other');
    const id = await post({ title: 'private title', secret: 'hidden', ACL: { users: [{ userId: owner.id, read: true, write: true }] } });
    when['beforeSave Post'] = (req) => {
      throw new Error(`was "${req.original?.get('title')}" / ${req.original?.get('secret')}`);
    };
    expect(failure(await s.as(other.token, UPDATE_POST, { id, f: { views: 1 } }))).toEqual({ code: 141, message: 'was "undefined" / undefined' });
    when['beforeSave Post'] = () => undefined;
    expect(failure(await s.as(other.token, UPDATE_POST, { id, f: { views: 1 } }))).toEqual({ code: 101, message: 'Object not found.' });
    const [req] = seen['beforeSave Post'].slice(-1);
    expect([req.original?.id, req.original?.get('title')]).toEqual([id, undefined]);
    // The owner's trigger sees the object as stored.
    await s.as(owner.token, UPDATE_POST, { id, f: { views: 2 } });
    expect(seen['beforeSave Post'].slice(-1)[0].original?.get('title')).toBe('private title');
    expect((await rowsOf('Post', `"objectId" = $1`, [id]))[0]).toMatchObject({ title: 'private title', views: 2 });
  });

  it('beforeDelete does not run for an object the caller may not read: 101, kept', async () => {
    const owner = await signUp(s, 'deleter-owner');
    const other = await signUp(s, 'deleter-other');
    const id = await post({ title: 'mine', ACL: { users: [{ userId: owner.id, read: true, write: true }] } });
    expect(failure(await s.as(other.token, DELETE_POST, { id }))).toEqual({ code: 101, message: 'Object not found.' });
    expect(calls).toEqual([]);
    expect(await count('Post', `"objectId" = $1`, [id])).toBe(1);
    expect((await s.as(owner.token, DELETE_POST, { id })).errors).toBeUndefined();
    expect(calls).toEqual(['beforeDelete Post', 'afterDelete Post']);
  });
});

describe('refusals: nothing written, no after-trigger', () => {
  it.each([
    { thrown: () => new Error('no posts today'), code: 141, message: 'no posts today' },
    { thrown: () => 'plain string', code: 141, message: 'plain string' },
    { thrown: () => new CloudError(137, 'custom code'), code: 137, message: 'custom code' },
    { thrown: () => ({ code: 400, message: 'object with a code' }), code: 400, message: 'object with a code' },
  ])('beforeSave throwing $message on create → $code', async ({ thrown, code, message }) => {
    when['beforeSave Post'] = () => {
      throw thrown();
    };
    const r = await s.anon(CREATE_POST, { f: { title: `refused ${message}` } });
    expect(failure(r)).toEqual({ code, message });
    expect(await count('Post', `"title" = $1`, [`refused ${message}`])).toBe(0);
    expect(calls).toEqual(['beforeSave Post']);
  });

  it('beforeSave throwing on update leaves the stored object as it was', async () => {
    const id = await post({ title: 'stays' });
    when['beforeSave Post'] = () => {
      throw new Error('frozen');
    };
    expect(failure(await s.anon(UPDATE_POST, { id, f: { title: 'changed' } }))).toEqual({ code: 141, message: 'frozen' });
    expect((await rowsOf('Post', `"objectId" = $1`, [id]))[0].title).toBe('stays');
    expect(calls).toEqual(['beforeSave Post']);
  });

  it('beforeDelete refusing keeps the object (anonymous and master alike)', async () => {
    const id = await post({ title: 'undeletable' });
    when['beforeDelete Post'] = (req) => {
      throw new Error(`keep ${req.object.get('title')}`);
    };
    expect(failure(await s.anon(DELETE_POST, { id }))).toEqual({ code: 141, message: 'keep undeletable' });
    expect(failure(await s.master(DELETE_POST, { id }))).toEqual({ code: 141, message: 'keep undeletable' });
    expect(await count('Post', `"objectId" = $1`, [id])).toBe(1);
    expect(calls).toEqual(['beforeDelete Post', 'beforeDelete Post']);
  });

  it("a throw in the nested object's beforeSave rolls the parent back (createAndLink)", async () => {
    when['beforeSave Author'] = () => {
      throw new Error('no such author');
    };
    const r = await s.anon(CREATE_POST, { f: { title: 'orphan', author: { createAndLink: { name: 'bad child' } } } });
    expect(failure(r)).toEqual({ code: 141, message: 'no such author' });
    expect(await count('Post', `"title" = 'orphan'`)).toBe(0);
    expect(await count('Author', `"name" = 'bad child'`)).toBe(0);
    expect(calls.filter((c) => c.startsWith('after'))).toEqual([]);
  });

  it('a nested write failing after a child committed its part: nothing stays, no afterSave runs', async () => {
    // The first fan is written, then the second one's beforeSave refuses.
    when['beforeSave Author'] = (req) => {
      if (req.object.get('name') === 'second') throw new Error('not the second');
    };
    const r = await s.anon(CREATE_POST, {
      f: { title: 'half', author: { createAndLink: { name: 'first-linked' } }, fans: { createAndAdd: [{ name: 'first' }, { name: 'second' }] } },
    });
    expect(failure(r)).toEqual({ code: 141, message: 'not the second' });
    expect(await count('Author', `"name" IN ('first-linked', 'first', 'second')`)).toBe(0);
    expect(await count('Post', `"title" = 'half'`)).toBe(0);
    expect(calls.filter((c) => c.startsWith('after'))).toEqual([]);
  });

  it('a parent failing its own rule after its child was written (required field): all rolled back', async () => {
    const r = await s.anon(
      `mutation { createStrict(input: { fields: { must: "", author: { createAndLink: { name: "strict-child" } } } }) { strict { objectId } } }`,
    );
    expect(failure(r)).toEqual({ code: 142, message: 'must is required' });
    expect(calls).toEqual(['beforeSave Author', 'beforeSave Strict']);
    expect(await count('Author', `"name" = 'strict-child'`)).toBe(0);
    expect(await count('Strict')).toBe(0);
    expect(calls.filter((c) => c.startsWith('after'))).toEqual([]);
  });
});

describe('after-triggers', () => {
  it('run after commit: the row is there when afterSave reads it (through the data API)', async () => {
    let found: unknown;
    when['afterSave Post'] = async (req) => {
      found = (await req.data.get('Post', req.object.id!, { useMasterKey: true })).get('title');
    };
    await s.anon(CREATE_POST, { f: { title: 'committed' } });
    expect(found).toBe('committed');
  });

  it.each(['afterSave', 'afterDelete'])('a failing %s is logged with its message; the write stands', async (kind) => {
    const id = await post({ title: `${kind} fails` });
    when[`${kind} Post`] = () => {
      throw new Error(`${kind} broke`);
    };
    const r = kind === 'afterSave' ? await s.anon(UPDATE_POST, { id, f: { views: 9 } }) : await s.anon(DELETE_POST, { id });
    expect(r.errors).toBeUndefined();
    expect(await count('Post', `"objectId" = $1`, [id])).toBe(kind === 'afterSave' ? 1 : 0);
    const logged = s.logs.find((l) => l.level >= 50 && String(l.msg).includes(`${kind} broke`));
    expect(logged?.msg).toMatch(new RegExp(`${kind} Post failed after the operation committed`));
  });

  it("several triggers of one kind on a class run in registration order, each seeing the previous one's change", async () => {
    const r = await s.anon(`mutation { createOrdered(input: { fields: { name: "o" } }) { ordered { objectId trail { ... on Element { value } } } } }`);
    expect(r.errors).toBeUndefined();
    expect(calls).toEqual(['beforeSave#1', 'beforeSave#2', 'beforeSave#3', 'afterSave#1', 'afterSave#2']);
    expect(r.data.createOrdered.ordered.trail.map((e: any) => e.value)).toEqual(['b1', 'b2', 'b3']);
    expect(JSON.parse((await rowsOf('Ordered'))[0].trail)).toEqual(['b1', 'b2', 'b3']);
  });
});

describe('time limit (cloudCode.timeoutMs)', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  it('a beforeSave running too long fails the write with 141 and writes nothing', async () => {
    when['beforeSave Post'] = () => sleep(4000);
    const started = Date.now();
    const r = await s.anon(CREATE_POST, { f: { title: 'too slow' } });
    expect(Date.now() - started).toBeLessThan(3500);
    expect(failure(r)).toEqual({ code: 141, message: 'beforeSave Post timed out after 1500 ms' });
    expect(await count('Post', `"title" = 'too slow'`)).toBe(0);
  });

  it('an afterSave running too long is logged; the write stands', async () => {
    when['afterSave Post'] = () => sleep(4000);
    const r = await s.anon(CREATE_POST, { f: { title: 'slow after' } });
    expect(r.errors).toBeUndefined();
    expect(await count('Post', `"title" = 'slow after'`)).toBe(1);
    expect(s.logs.some((l) => l.level >= 50 && /afterSave Post timed out after 1500 ms/.test(l.msg))).toBe(true);
  });
});

describe("validators on triggers (142, Parse's messages; skipped with the master key)", () => {
  const CREATE = `mutation($f: CreateValidatedFieldsInput) { createValidated(input: { fields: $f }) { validated { objectId kind } } }`;
  it.each([
    { who: 'anonymous', token: undefined, master: false, fields: {}, expected: { error: 'Validation failed. Please login to continue.' } },
    { who: 'a user, default applied', token: 'user', master: false, fields: {}, expected: { kind: 'plain' } },
    {
      who: 'a user, option refused',
      token: 'user',
      master: false,
      fields: { kind: 'odd' },
      expected: { error: 'Validation failed. Invalid option for kind. Expected: plain, fancy' },
    },
    { who: 'a user, option accepted', token: 'user', master: false, fields: { kind: 'fancy' }, expected: { kind: 'fancy' } },
    { who: 'the master key, rules skipped', token: undefined, master: true, fields: { kind: 'odd' }, expected: { kind: 'odd' } },
  ])('$who', async ({ token, master, fields, expected }) => {
    const headers: Record<string, string> = master ? { 'x-parse-master-key': s.plinth.config.masterKey! } : {};
    const r = await s.as(token && userToken, CREATE, { f: fields }, headers);
    if ('error' in expected) {
      expect(failure(r)).toEqual({ code: 142, message: expected.error });
      return;
    }
    expect(r.errors).toBeUndefined();
    expect(r.data.createValidated.validated.kind).toBe(expected.kind);
    expect((await rowsOf('Validated', `"objectId" = $1`, [r.data.createValidated.validated.objectId]))[0].kind).toBe(expected.kind);
  });

  it('skipWithMasterKey: the handler does not run for the master key (Parse), and does for others', async () => {
    const CREATE_G = `mutation { createGuarded(input: { fields: { kind: "given" } }) { guarded { objectId kind } } }`;
    const byMaster = await s.master(CREATE_G);
    const byAnon = await s.anon(CREATE_G);
    expect([byMaster.data.createGuarded.guarded.kind, byAnon.data.createGuarded.guarded.kind]).toEqual(['given', 'touched']);
    expect((await rowsOf('Guarded')).map((r) => r.kind)).toEqual(['given', 'touched']);
  });

  it('on beforeFind (requireUser) and beforeDelete (requireMaster): refused before the read or the delete', async () => {
    const LIST = `{ guardeds { count } }`;
    expect(failure(await s.anon(LIST))).toEqual({ code: 142, message: 'Validation failed. Please login to continue.' });
    expect((await s.as(userToken, LIST)).data.guardeds.count).toBe(2);
    const [first] = await rowsOf('Guarded');
    const DELETE_G = `mutation($id: ID!) { deleteGuarded(input: { id: $id }) { guarded { objectId } } }`;
    expect(failure(await s.as(userToken, DELETE_G, { id: first.objectId }))).toEqual({
      code: 142,
      message: 'Validation failed. Master key is required to complete this request.',
    });
    expect(await count('Guarded')).toBe(2);
    expect((await s.master(DELETE_G, { id: first.objectId })).errors).toBeUndefined();
    expect(await count('Guarded')).toBe(1);
  });
});
