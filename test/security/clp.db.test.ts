import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createClass, globalId } from '../objects/helpers.ts';
import { ANONYMOUS, MASTER, as, clp, createRole, forbidden, needsLogin, ok, outcome, setClp, signedInUser, type Caller, type Outcome } from './helpers.ts';

/**
 * Class-level permissions: who may do what (`*`, user ids, roles — inherited ones too —
 * `requiresAuthentication`), and which permission each path uses, as Parse Server 9 does.
 */
describe('class-level permissions', () => {
  let s: TestServer;
  let stranger: Caller, owner: Caller, memberA: Caller, memberB: Caller;
  let callers: Caller[];

  beforeAll(async () => {
    s = await startTestServer();
    stranger = await signedInUser(s, 'stranger');
    owner = await signedInUser(s, 'owner');
    memberA = await signedInUser(s, 'memberA');
    memberB = await signedInUser(s, 'memberB');
    const b = await createRole(s, 'B', { users: [memberB.userId!] });
    await createRole(s, 'A', { users: [memberA.userId!], roles: [b] });
    callers = [ANONYMOUS, stranger, owner, memberA, memberB, MASTER];
  });
  afterAll(() => s?.close());

  /** Every operation of a class, through the API, as one caller. */
  async function operations(className: string, caller: Caller): Promise<Record<string, Outcome>> {
    const t = className;
    const lower = t[0].toLowerCase() + t.slice(1);
    const make = async () =>
      (await s.ok(`mutation { create${t}(input: { fields: { title: "x" } }) { ${lower} { objectId } } }`))[`create${t}`][lower].objectId as string;
    const id = await make();
    const gone = await make();
    return {
      get: await outcome(as(s, caller, `query($id: ID!) { ${lower}(id: $id) { title } }`, { id }), (d) => d[lower].title),
      find: await outcome(as(s, caller, `{ ${lower}s(first: 1) { edges { node { title } } } }`), (d) => d[`${lower}s`].edges.length),
      count: await outcome(as(s, caller, `{ ${lower}s { count } }`), (d) => typeof d[`${lower}s`].count),
      create: await outcome(
        as(s, caller, `mutation { create${t}(input: { fields: { title: "y" } }) { ${lower} { objectId } } }`),
        (d) => typeof d[`create${t}`][lower].objectId,
      ),
      update: await outcome(
        as(s, caller, `mutation($id: ID!) { update${t}(input: { id: $id, fields: { title: "z" } }) { ${lower} { objectId } } }`, { id }),
        (d) => d[`update${t}`][lower].objectId === id,
      ),
      delete: await outcome(
        as(s, caller, `mutation($id: ID!) { delete${t}(input: { id: $id }) { ${lower} { objectId } } }`, { id: gone }),
        (d) => d[`delete${t}`][lower].objectId === gone,
      ),
    };
  }

  const allowed = { get: ok('x'), find: ok(1), count: ok('number'), create: ok('string'), update: ok(true), delete: ok(true) };
  const refused = (className: string) =>
    Object.fromEntries(['get', 'find', 'count', 'create', 'update', 'delete'].map((op) => [op, forbidden(op, className)])) as Record<string, Outcome>;
  const mustLogIn = Object.fromEntries(['get', 'find', 'count', 'create', 'update', 'delete'].map((op) => [op, needsLogin])) as Record<string, Outcome>;

  it('entities: * / user id / role (held directly or inherited) / requiresAuthentication / nobody', async () => {
    const kinds: Record<string, (op: string) => Record<string, unknown>> = {
      OpenDoc: () => ({ '*': true }),
      OwnerDoc: () => ({ [owner.userId!]: true }),
      RoleDoc: () => ({ 'role:A': true }),
      MemberDoc: () => ({ requiresAuthentication: true }),
      ClosedDoc: () => ({}),
    };
    const expected: Record<string, Record<string, Record<string, Outcome>>> = {
      OpenDoc: Object.fromEntries(callers.map((c) => [c.name, allowed])),
      OwnerDoc: Object.fromEntries(callers.map((c) => [c.name, c === owner || c === MASTER ? allowed : refused('OwnerDoc')])),
      RoleDoc: Object.fromEntries(callers.map((c) => [c.name, [memberA, memberB, MASTER].includes(c) ? allowed : refused('RoleDoc')])),
      MemberDoc: Object.fromEntries(callers.map((c) => [c.name, c === ANONYMOUS ? mustLogIn : allowed])),
      ClosedDoc: Object.fromEntries(callers.map((c) => [c.name, c === MASTER ? allowed : refused('ClosedDoc')])),
    };
    for (const [className, entities] of Object.entries(kinds)) {
      await createClass(s, className, 'addStrings: [{ name: "title" }]');
      const perms = Object.fromEntries(['find', 'get', 'count', 'create', 'update', 'delete', 'addField'].map((op) => [op, entities(op)]));
      await setClp(s, className, perms);
      const got: Record<string, Record<string, Outcome>> = {};
      for (const caller of callers) got[caller.name] = await operations(className, caller);
      expect({ className, got }).toEqual({ className, got: expected[className] });
    }
  });

  describe('which permission each path uses', () => {
    let ids: { split: string; holder: string };
    beforeAll(async () => {
      await createClass(s, 'Split', 'addStrings: [{ name: "title" }]');
      await createClass(
        s,
        'Box',
        `addStrings: [{ name: "label" }], addPointers: [{ name: "split", targetClassName: "Split" }], addRelations: [{ name: "splits", targetClassName: "Split" }], addArrays: [{ name: "list" }]`,
      );
      const split = (await s.ok(`mutation { createSplit(input: { fields: { title: "t" } }) { split { objectId } } }`)).createSplit.split.objectId;
      const holder = (
        await s.ok(
          `mutation($id: ID!, $l: [Any]) { createBox(input: { fields: { label: "b", split: { link: $id }, splits: { add: [$id] }, list: $l } }) { box { objectId } } }`,
          {
            id: split,
            l: [{ __type: 'Pointer', className: 'Split', objectId: split }],
          },
        )
      ).createBox.box.objectId;
      ids = { split, holder };
    });

    /** Every path that touches Split, as the stranger; the outcome of each. */
    async function paths(): Promise<Record<string, string>> {
      const { split, holder } = ids;
      const make = async () =>
        (await s.ok(`mutation { createSplit(input: { fields: { title: "t" } }) { split { objectId } } }`)).createSplit.split.objectId as string;
      const runs: Record<string, () => Promise<Outcome>> = {
        getById: () => outcome(as(s, stranger, `query($id: ID!) { split(id: $id) { title } }`, { id: split }), (d) => d.split.title),
        node: () =>
          outcome(as(s, stranger, `query($id: ID!) { node(id: $id) { ... on Split { title } } }`, { id: globalId('Split', split) }), (d) => d.node.title),
        list: () => outcome(as(s, stranger, `{ splits(first: 1) { edges { node { title } } } }`), (d) => d.splits.edges.length),
        countOnly: () => outcome(as(s, stranger, `{ splits { count } }`), (d) => d.splits.count > 0),
        listWithCount: () => outcome(as(s, stranger, `{ splits(first: 1) { count edges { node { title } } } }`), (d) => d.splits.count > 0),
        joinedPointer: () => outcome(as(s, stranger, `{ boxes { edges { node { split { title } } } } }`), (d) => d.boxes.edges[0].node.split?.title),
        pointerById: () => outcome(as(s, stranger, `query($id: ID!) { box(id: $id) { split { title } } }`, { id: holder }), (d) => d.box.split?.title),
        arrayPointer: () =>
          outcome(as(s, stranger, `query($id: ID!) { box(id: $id) { list { ... on Split { title } } } }`, { id: holder }), (d) => d.box.list[0]?.title),
        relationPage: () =>
          outcome(
            as(s, stranger, `query($id: ID!) { box(id: $id) { splits { edges { node { title } } } } }`, { id: holder }),
            (d) => d.box.splits.edges.length,
          ),
        relationCount: () => outcome(as(s, stranger, `query($id: ID!) { box(id: $id) { splits { count } } }`, { id: holder }), (d) => d.box.splits.count),
        whereSubquery: () => outcome(as(s, stranger, `{ boxes(where: { split: { have: { title: { equalTo: "t" } } } }) { count } }`), (d) => d.boxes.count),
        create: () =>
          outcome(as(s, stranger, `mutation { createSplit(input: { fields: { title: "n" } }) { split { objectId } } }`), (d) => !!d.createSplit.split.objectId),
        updateId: () =>
          outcome(
            as(s, stranger, `mutation($id: ID!) { updateSplit(input: { id: $id, fields: { title: "t" } }) { split { objectId updatedAt } } }`, { id: split }),
            (d) => !!d.updateSplit.split.updatedAt,
          ),
        updateField: () =>
          outcome(
            as(s, stranger, `mutation($id: ID!) { updateSplit(input: { id: $id, fields: { title: "changed" } }) { split { title } } }`, { id: split }),
            (d) => d.updateSplit.split.title,
          ),
        deleteId: async () =>
          outcome(
            as(s, stranger, `mutation($id: ID!) { deleteSplit(input: { id: $id }) { split { objectId } } }`, { id: await make() }),
            (d) => !!d.deleteSplit.split.objectId,
          ),
        deleteField: async () =>
          outcome(
            as(s, stranger, `mutation($id: ID!) { deleteSplit(input: { id: $id }) { split { title } } }`, { id: await make() }),
            (d) => d.deleteSplit.split.title,
          ),
      };
      const out: Record<string, string> = {};
      for (const [name, run] of Object.entries(runs)) {
        const r = await run();
        out[name] = 'ok' in r ? 'ok' : `${r.error} ${r.message}`;
      }
      return out;
    }

    const OK = 'ok';
    // Parse 9 answers every CLP refusal alike (sanitized): which operation refused is the pattern of outcomes.
    const denied = (_op: string) => '119 Permission denied';
    /** Parse's mapping: by id and pointers → get; lists, relation pages and subqueries → find; counts → count. */
    const USES: Record<string, string[]> = {
      get: ['getById', 'node', 'joinedPointer', 'pointerById', 'arrayPointer', 'updateField', 'deleteField'],
      find: ['list', 'listWithCount', 'relationPage', 'whereSubquery'],
      count: ['countOnly', 'listWithCount', 'relationCount'],
      create: ['create'],
      update: ['updateId', 'updateField'],
      delete: ['deleteId', 'deleteField'],
    };

    for (const op of Object.keys(USES)) {
      it(`refusing ${op} refuses exactly the paths that use it`, async () => {
        await setClp(s, 'Split', clp({ [op]: {} }));
        const got = await paths();
        const want = Object.fromEntries(Object.keys(got).map((name) => [name, USES[op].includes(name) ? denied(op) : OK]));
        expect(got).toEqual(want);
        // A refused update (or an update whose payload may not be read) writes nothing.
        const stored = await s.plinth.db.query<{ title: string }>(`SELECT "title" FROM "Split" WHERE "objectId" = $1`, [ids.split]);
        expect(stored).toEqual([{ title: USES[op].includes('updateField') ? 't' : 'changed' }]);
        await s.plinth.db.execute(`UPDATE "Split" SET "title" = 't' WHERE "objectId" = $1`, [ids.split]);
      });
    }

    it('everything is allowed again with an open CLP (the table above is not vacuous)', async () => {
      await setClp(s, 'Split', clp());
      expect(Object.values(await paths()).every((v) => v === OK)).toBe(true);
    });
  });

  it('a refused create writes nothing; a refused get on the payload of a create that selects only ids is not needed', async () => {
    await createClass(s, 'Drop', 'addStrings: [{ name: "title" }]');
    await setClp(s, 'Drop', clp({ create: { 'role:A': true }, get: {} }));
    const before = (await s.plinth.db.query<{ n: number }>(`SELECT count(*)::int AS "n" FROM "Drop"`))[0].n;
    expect(await outcome(as(s, stranger, `mutation { createDrop(input: { fields: { title: "n" } }) { drop { objectId } } }`), (d) => d)).toEqual(
      forbidden('create', 'Drop'),
    );
    expect((await s.plinth.db.query<{ n: number }>(`SELECT count(*)::int AS "n" FROM "Drop"`))[0].n).toBe(before);
    const made = await outcome(
      as(s, memberB, `mutation { createDrop(input: { fields: { title: "n" } }) { drop { objectId createdAt } } }`),
      (d) => typeof d.createDrop.drop.objectId,
    );
    expect(made).toEqual(ok('string'));
  });

  it('the master key ignores every CLP', async () => {
    await createClass(s, 'Vault', 'addStrings: [{ name: "title" }]');
    await setClp(s, 'Vault', { find: {}, get: {}, count: {}, create: {}, update: {}, delete: {}, addField: {}, readUserFields: [], writeUserFields: [] });
    expect(await operations('Vault', MASTER)).toEqual(allowed);
  });
});
