import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, master, Parse, ref, seed, signUp, startSdkServer, type SdkServer } from './harness.ts';

// Relations (add, remove, query, constraints on them), ACLs per user and per role, roles with
// users and child roles — each read by anonymous, the user, another user and the master key.

let s: SdkServer;
let alice: Parse.User;
let bob: Parse.User;
let carol: Parse.User;

beforeAll(async () => {
  s = await startSdkServer();
  alice = await signUp('alice');
  bob = await signUp('bob');
  carol = await signUp('carol');
  // The classes exist (clients do not create classes); their objects are created by users below.
  await seed('Note', [{ text: 'setup' }]);
  await seed('Person', [{ name: 'setup' }]);
});
afterAll(() => s?.close());

const ids = (objects: Parse.Object[]) => objects.map((o) => o.id).sort();

describe('relations', () => {
  it('add, remove and query a relation; equalTo and matchesQuery on it', async () => {
    const [ann, ben, cy] = await seed('Person', [{ name: 'ann' }, { name: 'ben' }, { name: 'cy' }]);
    const post = new Parse.Object('Post');
    post.set('title', 'liked');
    post.relation('likers').add([ann, ben]);
    await post.save(null, master);
    const other = new Parse.Object('Post');
    other.set('title', 'other');
    other.relation('likers').add(cy);
    await other.save(null, master);

    expect(ids(await post.relation('likers').query().find())).toEqual(ids([ann, ben]));
    const fetched = await new Parse.Query('Post').get(post.id!);
    const relation = fetched.relation('likers');
    expect(relation.targetClassName).toBe('Person');
    expect(ids(await relation.query().ascending('name').find())).toEqual(ids([ann, ben]));
    expect((await relation.query().equalTo('name', 'ben').find()).map((p) => p.get('name'))).toEqual(['ben']);
    expect(await relation.query().count()).toBe(2);
    const page = await relation.query().descending('name').limit(1).skip(1).select('name').find();
    expect(page.map((p) => [p.id, p.get('name')])).toEqual([[ann.id, 'ann']]);

    post.relation('likers').remove(ann);
    await post.save(null, master);
    expect(ids(await post.relation('likers').query().find())).toEqual(ids([ben]));

    expect(ids(await new Parse.Query('Post').equalTo('likers', ben).find())).toEqual([post.id]);
    expect(ids(await new Parse.Query('Post').equalTo('likers', ann).find())).toEqual([]);
    expect(ids(await new Parse.Query('Post').containedIn('likers', [ben, cy]).find())).toEqual(ids([post, other]));
    expect(ids(await new Parse.Query('Post').notContainedIn('likers', [ben]).find())).toEqual([other.id]);
    expect(ids(await new Parse.Query('Post').notEqualTo('likers', cy).find())).toEqual([post.id]);
    const named = new Parse.Query('Person').equalTo('name', 'cy');
    expect(ids(await new Parse.Query('Post').matchesQuery('likers', named).find())).toEqual([other.id]);
    expect(ids(await new Parse.Query('Post').doesNotMatchQuery('likers', named).find())).toEqual([post.id]);

    // Inside an or, a relation query is refused plainly (Plinth reads relations at the top level of a query only).
    const either = Parse.Query.or(post.relation('likers').query(), new Parse.Query('Person').equalTo('name', 'cy'));
    await expect(either.find()).rejects.toMatchObject({ code: Parse.Error.INVALID_QUERY });

    // GraphQL reads the same relation.
    const r = await s.graphql('query($id: ID!) { post(id: $id) { likers { count edges { node { objectId name } } } } }', { id: post.id });
    expect(r.errors).toBeUndefined();
    expect(r.data.post.likers).toEqual({ count: 1, edges: [{ node: { objectId: ben.id, name: 'ben' } }] });
  });

  it('a relation to objects the caller may not read lists only the readable ones', async () => {
    const secret = new Parse.Object('Note');
    secret.set('text', 'alice only');
    secret.setACL(new Parse.ACL(alice));
    await secret.save(null, as(alice));
    const open = new Parse.Object('Note');
    open.set('text', 'open');
    await open.save(null, as(alice));
    const board = new Parse.Object('Board');
    board.relation('notes').add([secret, open]);
    await board.save(null, master);
    expect(ids(await board.relation('notes').query().find(as(alice)))).toEqual(ids([secret, open]));
    expect(ids(await board.relation('notes').query().find(as(bob)))).toEqual([open.id]);
    expect(ids(await board.relation('notes').query().find())).toEqual([open.id]);
  });

  it('a relation of an owner the caller may not read lists nothing (Parse 9: no membership oracle)', async () => {
    const note = new Parse.Object('Note');
    await note.save({ text: 'in a private board' }, as(alice));
    const board = new Parse.Object('Board');
    board.relation('notes').add(note);
    board.setACL(new Parse.ACL(alice));
    await board.save(null, master);
    expect(ids(await board.relation('notes').query().find(as(alice)))).toEqual([note.id]);
    expect(await board.relation('notes').query().find(as(bob))).toEqual([]);
    expect(await board.relation('notes').query().count(as(bob))).toBe(0);
    expect(ids(await board.relation('notes').query().find(master))).toEqual([note.id]);
  });
});

describe('ACLs', () => {
  it('a private object: its owner reads and writes it; others, anonymous included, find nothing (101)', async () => {
    const note = new Parse.Object('Note');
    note.set('text', 'mine');
    note.setACL(new Parse.ACL(alice));
    await note.save(null, as(alice));
    expect((await new Parse.Query('Note').get(note.id!, as(alice))).get('text')).toBe('mine');
    expect((await new Parse.Query('Note').get(note.id!, master)).get('text')).toBe('mine');
    await expect(new Parse.Query('Note').get(note.id!, as(bob))).rejects.toMatchObject({ code: Parse.Error.OBJECT_NOT_FOUND });
    await expect(new Parse.Query('Note').get(note.id!)).rejects.toMatchObject({ code: Parse.Error.OBJECT_NOT_FOUND });
    expect(ids(await new Parse.Query('Note').equalTo('text', 'mine').find(as(bob)))).toEqual([]);
    expect(await new Parse.Query('Note').equalTo('text', 'mine').count(as(bob))).toBe(0);

    const asBob = ref('Note', note.id!);
    asBob.set('text', 'hijacked');
    await expect(asBob.save(null, as(bob))).rejects.toMatchObject({ code: Parse.Error.OBJECT_NOT_FOUND });
    await expect(ref('Note', note.id!).destroy(as(bob))).rejects.toMatchObject({ code: Parse.Error.OBJECT_NOT_FOUND });
    note.set('text', 'still mine');
    await note.save(null, as(alice));
    expect((await new Parse.Query('Note').get(note.id!, master)).get('text')).toBe('still mine');
  });

  it('public read on, public write off: everyone reads, only the writer changes it', async () => {
    const acl = new Parse.ACL(alice);
    acl.setPublicReadAccess(true);
    const note = new Parse.Object('Note');
    note.setACL(acl);
    await note.save({ text: 'read me' }, as(alice));
    expect((await new Parse.Query('Note').get(note.id!)).get('text')).toBe('read me');
    expect((await new Parse.Query('Note').get(note.id!, as(bob))).get('text')).toBe('read me');
    const anon = ref('Note', note.id!);
    anon.set('text', 'vandal');
    await expect(anon.save()).rejects.toMatchObject({ code: Parse.Error.OBJECT_NOT_FOUND });
    const byBob = ref('Note', note.id!);
    byBob.set('text', 'vandal');
    await expect(byBob.save(null, as(bob))).rejects.toMatchObject({ code: Parse.Error.OBJECT_NOT_FOUND });
    expect((await new Parse.Query('Note').get(note.id!)).get('text')).toBe('read me');
  });

  it('public write without public read: a blind write succeeds, the read finds nothing', async () => {
    const acl = new Parse.ACL();
    acl.setPublicWriteAccess(true);
    const note = new Parse.Object('Note');
    note.setACL(acl);
    await note.save({ text: 'drop box' }, master);
    const anon = ref('Note', note.id!);
    anon.set('text', 'dropped');
    await anon.save();
    await expect(new Parse.Query('Note').get(note.id!)).rejects.toMatchObject({ code: Parse.Error.OBJECT_NOT_FOUND });
    expect((await new Parse.Query('Note').get(note.id!, master)).get('text')).toBe('dropped');
  });

  it('the ACL round-trips per user, per role and public', async () => {
    const acl = new Parse.ACL();
    acl.setReadAccess(alice, true);
    acl.setWriteAccess(bob, true);
    acl.setRoleReadAccess('Staff', true);
    const note = new Parse.Object('Note');
    note.setACL(acl);
    await note.save({ text: 'acl' }, master);
    const got = (await new Parse.Query('Note').get(note.id!, master)).getACL()!;
    expect(got.toJSON()).toEqual({ [alice.id!]: { read: true }, [bob.id!]: { write: true }, 'role:Staff': { read: true } });
  });
});

describe('roles', () => {
  it('an object readable by a role is seen by its members only, and by members of a child role', async () => {
    const roleAcl = new Parse.ACL();
    roleAcl.setPublicReadAccess(true);
    const moderators = new Parse.Role('Moderators', roleAcl);
    moderators.getUsers().add(alice);
    await moderators.save(null, master);
    const admins = new Parse.Role('Admins', roleAcl);
    admins.getUsers().add(carol);
    await admins.save(null, master);
    // Admins are moderators too.
    moderators.getRoles().add(admins);
    await moderators.save(null, master);

    const acl = new Parse.ACL();
    acl.setRoleReadAccess(moderators, true);
    acl.setRoleWriteAccess('Moderators', true);
    const note = new Parse.Object('Note');
    note.setACL(acl);
    await note.save({ text: 'mods only' }, master);

    expect((await new Parse.Query('Note').get(note.id!, as(alice))).get('text')).toBe('mods only');
    expect((await new Parse.Query('Note').get(note.id!, as(carol))).get('text')).toBe('mods only');
    await expect(new Parse.Query('Note').get(note.id!, as(bob))).rejects.toMatchObject({ code: Parse.Error.OBJECT_NOT_FOUND });
    await expect(new Parse.Query('Note').get(note.id!)).rejects.toMatchObject({ code: Parse.Error.OBJECT_NOT_FOUND });

    const edit = ref('Note', note.id!);
    edit.set('text', 'edited by carol');
    await edit.save(null, as(carol));

    // Bob joins: he sees it at once; alice leaves: she no longer does.
    moderators.getUsers().add(bob);
    moderators.getUsers().remove(alice);
    await moderators.save(null, master);
    expect((await new Parse.Query('Note').get(note.id!, as(bob))).get('text')).toBe('edited by carol');
    await expect(new Parse.Query('Note').get(note.id!, as(alice))).rejects.toMatchObject({ code: Parse.Error.OBJECT_NOT_FOUND });

    const found = await new Parse.Query(Parse.Role).equalTo('name', 'Moderators').first();
    expect(found!.getName()).toBe('Moderators');
    expect(ids(await found!.getUsers().query().find(master))).toEqual([bob.id]);
    expect((await found!.getRoles().query().find(master)).map((r) => r.get('name'))).toEqual(['Admins']);
  });

  it('role names are unique', async () => {
    await new Parse.Role('Unique', new Parse.ACL()).save(null, master);
    await expect(new Parse.Role('Unique', new Parse.ACL()).save(null, master)).rejects.toMatchObject({ code: Parse.Error.DUPLICATE_VALUE });
  });
});
