import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createClass } from '../objects/helpers.ts';
import { ANONYMOUS, MASTER, as, clp, createRole, ok, outcome, setClp, signedInUser, type Caller } from './helpers.ts';

const FIELDS = ['a', 'b', 'c', 'd'] as const;

/**
 * Protected fields, as Parse Server 9 applies them (checked against it): the fields hidden
 * from a caller are the intersection over the groups that apply to it; a `userField:` group
 * applies per object and only narrows the others; hidden fields are absent from every output
 * and cannot be used to filter or sort.
 */
describe('protected fields', () => {
  let s: TestServer;
  let stranger: Caller, memberA: Caller, memberB: Caller, owner: Caller, special: Caller;
  let callers: Caller[];
  let item = '';
  let box = '';

  beforeAll(async () => {
    s = await startTestServer();
    stranger = await signedInUser(s, 'stranger');
    memberA = await signedInUser(s, 'memberA');
    memberB = await signedInUser(s, 'memberB');
    owner = await signedInUser(s, 'owner');
    special = await signedInUser(s, 'special');
    const b = await createRole(s, 'B', { users: [memberB.userId!] });
    await createRole(s, 'A', { users: [memberA.userId!], roles: [b] });
    callers = [ANONYMOUS, stranger, memberA, memberB, owner, special, MASTER];
    await createClass(
      s,
      'Item',
      'addStrings: [{ name: "a" }, { name: "b" }, { name: "c" }, { name: "d" }], addPointers: [{ name: "owner", targetClassName: "_User" }]',
    );
    await createClass(
      s,
      'Box',
      'addStrings: [{ name: "label" }], addPointers: [{ name: "item", targetClassName: "Item" }], addRelations: [{ name: "items", targetClassName: "Item" }], addArrays: [{ name: "list" }]',
    );
    item = (
      await s.ok(`mutation($o: ID!) { createItem(input: { fields: { a: "A", b: "B", c: "C", d: "D", owner: { link: $o } } }) { item { objectId } } }`, {
        o: owner.userId,
      })
    ).createItem.item.objectId;
    box = (
      await s.ok(
        `mutation($i: ID!, $l: [Any]) { createBox(input: { fields: { label: "x", item: { link: $i }, items: { add: [$i] }, list: $l } }) { box { objectId } } }`,
        {
          i: item,
          l: [{ __type: 'Pointer', className: 'Item', objectId: item }],
        },
      )
    ).createBox.box.objectId;
    await setClp(
      s,
      'Item',
      clp({
        protectedFields: {
          '*': ['a', 'b', 'c'],
          authenticated: ['b', 'c', 'd'],
          'role:A': ['c', 'd'],
          [special.userId!]: ['c', 'd'],
          'userField:owner': ['b'],
        },
      }),
    );
  });
  afterAll(() => s?.close());

  /** The hidden fields per caller: the intersection of the groups that apply. */
  const HIDDEN: Record<string, string[]> = {
    anonymous: ['a', 'b', 'c'], // *
    stranger: ['b', 'c'], // * ∩ authenticated
    memberA: ['c'], // * ∩ authenticated ∩ role:A
    memberB: ['c'], // role A is inherited
    owner: ['b'], // * ∩ authenticated ∩ userField:owner (this object's owner)
    special: ['c'], // * ∩ authenticated ∩ its user id
    master: [],
  };
  const visible = (caller: Caller) => Object.fromEntries(FIELDS.map((f) => [f, HIDDEN[caller.name].includes(f) ? null : f.toUpperCase()]));
  const SELECT = FIELDS.join(' ');

  it('every output path leaves out what the caller may not see', async () => {
    for (const caller of callers) {
      const got = {
        get: await outcome(as(s, caller, `query($id: ID!) { item(id: $id) { ${SELECT} } }`, { id: item }), (d) => d.item),
        find: await outcome(as(s, caller, `{ items { edges { node { ${SELECT} } } } }`), (d) => d.items.edges[0].node),
        joined: await outcome(as(s, caller, `{ boxes { edges { node { item { ${SELECT} } } } } }`), (d) => d.boxes.edges[0].node.item),
        loaded: await outcome(as(s, caller, `query($id: ID!) { box(id: $id) { item { ${SELECT} } } }`, { id: box }), (d) => d.box.item),
        array: await outcome(as(s, caller, `query($id: ID!) { box(id: $id) { list { ... on Item { ${SELECT} } } } }`, { id: box }), (d) => d.box.list[0]),
        relation: await outcome(
          as(s, caller, `query($id: ID!) { box(id: $id) { items { edges { node { ${SELECT} } } } } }`, { id: box }),
          (d) => d.box.items.edges[0].node,
        ),
        update: await outcome(
          as(s, caller, `mutation($id: ID!) { updateItem(input: { id: $id, fields: { owner: { link: "${owner.userId}" } } }) { item { ${SELECT} } } }`, {
            id: item,
          }),
          (d) => d.updateItem.item,
        ),
      };
      const want = ok(visible(caller));
      expect({ caller: caller.name, got }).toEqual({
        caller: caller.name,
        got: { get: want, find: want, joined: want, loaded: want, array: want, relation: want, update: want },
      });
    }
  });

  it('the owner pointer is read to decide even when not selected, and not shown', async () => {
    const r = await outcome(as(s, owner, `{ items { edges { node { b c } } } }`), (d) => d.items.edges[0].node);
    expect(r).toEqual(ok({ b: null, c: 'C' }));
  });

  it('hidden fields cannot filter or sort (119), on the class and inside subqueries', async () => {
    const stranger119 = (key: string, cls = 'Item') => ({ error: 119, message: `This user is not allowed to query ${key} on class ${cls}` });
    expect(await outcome(as(s, stranger, `{ items(where: { b: { equalTo: "B" } }) { count } }`), (d) => d)).toEqual(stranger119('b'));
    expect(await outcome(as(s, stranger, `{ items(where: { OR: [{ a: { exists: true } }, { c: { equalTo: "C" } }] }) { count } }`), (d) => d)).toEqual(
      stranger119('c'),
    );
    expect(await outcome(as(s, stranger, `{ items(order: [c_ASC]) { edges { node { a } } } }`), (d) => d)).toEqual({
      error: 119,
      message: 'This user is not allowed to sort by c on class Item',
    });
    expect(await outcome(as(s, stranger, `{ boxes(where: { item: { have: { b: { equalTo: "B" } } } }) { count } }`), (d) => d)).toEqual(stranger119('b'));
    expect(
      await outcome(as(s, stranger, `{ boxes(where: { label: { inQueryKey: { key: "c", query: { className: "Item", where: {} } } } }) { count } }`), (d) => d),
    ).toEqual(stranger119('c'));
    expect(
      await outcome(as(s, stranger, `query($id: ID!) { box(id: $id) { items(where: { c: { exists: true } }) { count } } }`, { id: box }), (d) => d),
    ).toEqual(stranger119('c'));
    // Visible fields filter as usual; the master key filters by anything.
    expect(await outcome(as(s, stranger, `{ items(where: { a: { equalTo: "A" }, d: { equalTo: "D" } }) { count } }`), (d) => d.items.count)).toEqual(ok(1));
    expect(await outcome(as(s, MASTER, `{ items(where: { b: { equalTo: "B" } }, order: [c_ASC]) { count } }`), (d) => d.items.count)).toEqual(ok(1));
  });

  it('a userField group alone hides nothing (Parse: it only narrows fixed groups)', async () => {
    await createClass(s, 'Solo', 'addStrings: [{ name: "a" }], addPointers: [{ name: "owner", targetClassName: "_User" }]');
    await s.ok(`mutation($o: ID!) { createSolo(input: { fields: { a: "A", owner: { link: $o } } }) { solo { objectId } } }`, { o: owner.userId });
    await setClp(s, 'Solo', clp({ protectedFields: { 'userField:owner': ['a'] } }));
    for (const caller of [ANONYMOUS, stranger, owner]) {
      expect(await outcome(as(s, caller, `{ solos { edges { node { a } } } }`), (d) => d.solos.edges[0].node.a)).toEqual(ok('A'));
    }
  });

  it('mutation payloads echo what the caller wrote, but not other protected values', async () => {
    await createClass(s, 'Form', 'addStrings: [{ name: "open" }, { name: "secret" }, { name: "other" }]');
    await setClp(s, 'Form', clp({ protectedFields: { '*': ['secret', 'other'] } }));
    const made = await outcome(
      as(s, stranger, `mutation { createForm(input: { fields: { open: "o", secret: "s", other: "x" } }) { form { objectId open secret other } } }`),
      (d) => d.createForm.form,
    );
    expect(made).toMatchObject(ok({ open: 'o', secret: 's', other: 'x' }));
    const id = (made as { ok: { objectId: string } }).ok.objectId;
    const updated = await outcome(
      as(s, stranger, `mutation($id: ID!) { updateForm(input: { id: $id, fields: { secret: "t" } }) { form { open secret other } } }`, { id }),
      (d) => d.updateForm.form,
    );
    expect(updated).toEqual(ok({ open: 'o', secret: 't', other: null }));
    const deleted = await outcome(
      as(s, stranger, `mutation($id: ID!) { deleteForm(input: { id: $id }) { form { open secret other } } }`, { id }),
      (d) => d.deleteForm.form,
    );
    expect(deleted).toEqual(ok({ open: 'o', secret: null, other: null }));
  });

  describe('_User', () => {
    let ann: Caller, bob: Caller;
    beforeAll(async () => {
      // Public profiles (users are private by default): what others see of them is the CLP's to decide.
      const publicProfile = { ACL: { public: { read: true, write: false } } };
      ann = await signedInUser(s, 'ann', { email: 'ann@example.com', ...publicProfile });
      bob = await signedInUser(s, 'bob', { email: 'bob@example.com', ...publicProfile });
    });

    it('email is seen only by its user and the master key', async () => {
      const emails = (caller: Caller) =>
        outcome(as(s, caller, `{ users(where: { username: { in: ["ann", "bob"] } }, order: [username_ASC]) { edges { node { username email } } } }`), (d) =>
          Object.fromEntries(d.users.edges.map((e: any) => [e.node.username, e.node.email])),
        );
      expect(await emails(ANONYMOUS)).toEqual(ok({ ann: null, bob: null }));
      expect(await emails(ann)).toEqual(ok({ ann: 'ann@example.com', bob: null }));
      expect(await emails(bob)).toEqual(ok({ ann: null, bob: 'bob@example.com' }));
      expect(await emails(MASTER)).toEqual(ok({ ann: 'ann@example.com', bob: 'bob@example.com' }));
      const own = await outcome(as(s, ann, `query($id: ID!) { user(id: $id) { email } }`, { id: ann.userId }), (d) => d.user.email);
      expect(own).toEqual(ok('ann@example.com'));
      const other = await outcome(as(s, ann, `query($id: ID!) { user(id: $id) { email } }`, { id: bob.userId }), (d) => d.user.email);
      expect(other).toEqual(ok(null));
    });

    it('nobody but the master key finds users by email', async () => {
      const byEmail = (caller: Caller) => outcome(as(s, caller, `{ users(where: { email: { equalTo: "bob@example.com" } }) { count } }`), (d) => d.users.count);
      expect(await byEmail(ANONYMOUS)).toEqual({ error: 119, message: 'This user is not allowed to query email on class _User' });
      expect(await byEmail(ann)).toEqual({ error: 119, message: 'This user is not allowed to query email on class _User' });
      expect(await byEmail(MASTER)).toEqual(ok(1));
    });

    it('a CLP of its own keeps the email protected (the server default is merged in)', async () => {
      await setClp(s, '_User', clp({ protectedFields: { '*': ['username'] } }));
      const seen = await outcome(as(s, bob, `query($id: ID!) { user(id: $id) { username email } }`, { id: ann.userId }), (d) => d.user);
      expect(seen).toEqual(ok({ username: null, email: null }));
      await setClp(s, '_User', clp({ protectedFields: { '*': [] } }));
    });
  });
});
