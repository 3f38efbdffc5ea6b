import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudApi } from '../../src/cloud/types.ts';
import { findQueryName, getQueryName, typeName } from '../../src/graphql/inflection.ts';
import { sse, until } from '../cloud/harness.ts';
import { eventually } from '../cloud/jobs-harness.ts';
import { MASTER_KEY, startTestServer, type TestServer } from '../helpers/server.ts';
import { createRole, signedInUser, type Caller } from '../security/helpers.ts';
import { expectError } from './support.ts';

// Issue 11 point 14: names that are also members of Object.prototype. A class, a field, a role,
// a cloud function or a job called `constructor` (or `toString`, …) is an ordinary name: every
// lookup keyed by such a name must find the user's entry or nothing, never the prototype's.
// Each name runs the whole scenario: the schema API, the generated types with queries,
// mutations and subscriptions, filters and orders, pointers and relations, ACL roles, CLPs,
// protected fields and pointer permissions, cloud functions, triggers, jobs and the data API.

const NAMES = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', 'isPrototypeOf'];

const calls: string[] = [];

function cloud(api: CloudApi) {
  for (const n of NAMES) {
    // A function and a job named n; the function writes and reads field n of class n through the data API.
    api.define(n, async (req) => {
      const made = await req.data.create(n, { [n]: `via ${n}`, score: 10 }, { useMasterKey: true });
      const found = await req.data.find(n, { [n]: { equalTo: `via ${n}` } }, { useMasterKey: true });
      const [counted] = await req.data.aggregate(n, [{ $match: { score: 10 } }, { $group: { _id: null, [n]: { $sum: 1 } } }], { useMasterKey: true });
      return { made: made.get(n), found: found.map((o) => o.get(n)), counted: counted?.[n], params: req.params };
    });
    api.job(n, async (req) => `job ${n} ${req.params.x}`);
    api.beforeSave(n, (req) => {
      calls.push(`beforeSave ${n} ${req.object.get(n)}`);
      if (req.object.get(n) === 'shout') req.object.set(n, 'shout!');
    });
    api.afterSave(n, (req) => void calls.push(`afterSave ${n} ${req.object.get(n)}`));
  }
  // Names GraphQL reserves (`__` begins introspection names) cannot be CloudCodeFunction values.
  api.define('__proto__', () => 'never callable through GraphQL');
  api.job('__proto__', async () => 'proto job');
  api.define('plain', () => 'plain');
  // Reads of a class that has no field called `name`: the name is unknown, not Object.prototype's.
  api.define('unknownField', async (req) => {
    const { name, op } = req.params as { name: string; op: string };
    const [doc] = await req.data.find('Plain', {}, { useMasterKey: true });
    if (op === 'keys') return (await req.data.get('Plain', doc.id!, { keys: [name], useMasterKey: true })).get(name) ?? 'absent';
    if (op === 'order') return (await req.data.find('Plain', {}, { order: name, useMasterKey: true })).length;
    if (op === 'include') return (await req.data.find('Plain', {}, { include: [name], useMasterKey: true })).length;
    if (op === 'where') return req.data.count('Plain', { [name]: { $exists: true } }, { useMasterKey: true });
    if (op === 'set') return (await req.data.create('Plain', { [name]: 1 }, { useMasterKey: true })).id;
    return (await req.data.related('Plain', doc.id!, name, {}, { useMasterKey: true })).length;
  });
}

let s: TestServer;
let alice: Caller;
let bob: Caller;

beforeAll(async () => {
  s = await startTestServer({ jobs: { pollMs: 200 } }, { cloud });
  alice = await signedInUser(s, 'alice');
  bob = await signedInUser(s, 'bob');
});
afterAll(() => s?.close());

/** The data of a request that must succeed (with the master key unless headers say otherwise). */
async function data(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = { 'x-parse-master-key': MASTER_KEY }) {
  const r = await s.request(query, variables, headers);
  expect(r.errors, JSON.stringify(r.body)).toBeUndefined();
  return r.data;
}

async function jobStatus(id: string): Promise<Record<string, any>> {
  return eventually(
    async () => {
      const { jobStatus } = await s.ok(`query($id: ID!) { jobStatus(id: $id) { status message } }`, { id });
      return ['succeeded', 'failed'].includes(jobStatus.status) ? jobStatus : undefined;
    },
    10_000,
    `job ${id} to end`,
  );
}

describe('names refused at creation', () => {
  it('a class or field called __proto__ (GraphQL reserves names beginning with __): 103 and 105', async () => {
    expectError(await s.master(`mutation { createClass(input: { name: "__proto__" }) { class { name } } }`), 103, /Invalid classname: __proto__/);
    expectError(
      await s.master(`mutation { createClass(input: { name: "Host", schemaFields: { addStrings: [{ name: "__proto__" }] } }) { class { name } } }`),
      105,
      /Invalid field name: __proto__/,
    );
    expect((await data(`{ classes { name } }`)).classes.map((c: { name: string }) => c.name)).not.toContain('Host');
  });

  it('a class whose object field would replace a sibling in its payload and event types: 103', async () => {
    for (const name of ['event', 'original', 'clientMutationId', 'Event', 'ClientMutationId']) {
      expectError(await s.master(`mutation($n: String!) { createClass(input: { name: $n }) { class { name } } }`, { n: name }), 103, /is the built-in API's/);
    }
  });

  it('a cloud function called __proto__ stays out of CloudCodeFunction, and the API keeps serving', async () => {
    const d = await data(`{ __type(name: "CloudCodeFunction") { enumValues { name } } health }`);
    expect(d.__type.enumValues.map((v: { name: string }) => v.name)).toEqual([
      'constructor',
      'hasOwnProperty',
      'isPrototypeOf',
      'plain',
      'prototype',
      'toString',
      'unknownField',
      'valueOf',
    ]);
    // So does one a function hook adds at run time (every request failed schema validation).
    await data(`mutation { createFunctionHook(input: { functionName: "__proto__", url: "https://hooks.example/proto" }) { functionHook { functionName } } }`);
    expect(await data(`mutation { callCloudCode(input: { functionName: plain }) { result } }`)).toEqual({ callCloudCode: { result: 'plain' } });
    await data(`mutation { deleteFunctionHook(input: { functionName: "__proto__" }) { functionHook { functionName } } }`);
  });

  it('a job called __proto__ runs', async () => {
    const { runJob } = await data(`mutation { runJob(input: { jobName: "__proto__" }) { jobStatusId } }`);
    expect(await jobStatus(runJob.jobStatusId)).toMatchObject({ status: 'succeeded', message: 'proto job' });
  });

  it('a role called __proto__ grants what its ACL entries say', async () => {
    await createRole(s, '__proto__', { users: [alice.userId!] });
    await data(`mutation { createClass(input: { name: "Vault", schemaFields: { addStrings: [{ name: "v" }] } }) { class { name } } }`);
    const { createVault } = await data(
      `mutation { createVault(input: { fields: { v: "x", ACL: { roles: [{ roleName: "__proto__", read: true, write: false }] } } }) { vault { objectId ACL { roles { roleName read write } } } } }`,
    );
    expect(createVault.vault.ACL.roles).toEqual([{ roleName: '__proto__', read: true, write: false }]);
    const get = `query($id: ID!) { vault(id: $id) { v } }`;
    expect(await data(get, { id: createVault.vault.objectId }, alice.headers)).toEqual({ vault: { v: 'x' } });
    expectError(await s.request(get, { id: createVault.vault.objectId }, bob.headers), 101);
  });
});

describe('a class without a field of that name', () => {
  beforeAll(async () => {
    await data(`mutation { createClass(input: { name: "Plain", schemaFields: { addStrings: [{ name: "title" }] } }) { class { name } } }`);
    await data(`mutation { createPlain(input: { fields: { title: "p" } }) { plain { objectId } } }`);
  });
  const call = (name: string, op: string) =>
    s.master(`mutation($p: Object) { callCloudCode(input: { functionName: unknownField, params: $p }) { result } }`, { p: { name, op } });

  it.each(NAMES)('%s is an unknown field to every read and write of the data API', async (name) => {
    expect((await call(name, 'keys')).data).toEqual({ callCloudCode: { result: 'absent' } });
    expect((await call(name, 'include')).data).toEqual({ callCloudCode: { result: 1 } });
    // Ordering by or filtering on a field the class lacks reads it as missing on every object, as Parse does.
    expect((await call(name, 'order')).data).toEqual({ callCloudCode: { result: 1 } });
    expect((await call(name, 'where')).data).toEqual({ callCloudCode: { result: 0 } });
    expectError(await call(name, 'set'), 105);
    expectError(await call(name, 'related'), 102, `${name} is not a Relation field of Plain`);
  });
});

describe.each(NAMES)('a class, a field, a role, a function and a job called %s', (n) => {
  const T = typeName(n);
  const get = getQueryName(n);
  const find = findQueryName(n);
  const L = `L_${n}`; // Pointer n → class n, Relation rel → class n
  const M = `M_${n}`; // Relation n → class n
  const U = `U_${n}`; // Pointer n → _User (pointer permissions)
  let one: string;

  it('the schema API creates, changes and deletes it; later schema builds still work', async () => {
    const created = await data(
      `mutation($n: String!) { createClass(input: { name: $n, schemaFields: { addStrings: [{ name: $n }], addNumbers: [{ name: "score" }] } }) { class { name schemaFields { name } } } }`,
      { n },
    );
    expect(created.createClass.class.schemaFields.map((f: { name: string }) => f.name)).toEqual(expect.arrayContaining([n, 'score']));
    await data(`mutation($n: String!, $i: Object) { updateClass(input: { name: $n, indexes: $i }) { class { name } } }`, { n, i: { [`by_${n}`]: { [n]: 1 } } });
    const changed = await data(
      `mutation($n: String!) { updateClass(input: { name: $n, schemaFields: { addPointers: [{ name: "owner", targetClassName: "_User" }], remove: [{ name: "score" }] } }) { class { schemaFields { name } indexes } } }`,
      { n },
    );
    expect(changed.updateClass.class.schemaFields.map((f: { name: string }) => f.name).sort()).toEqual(
      ['ACL', 'createdAt', n, 'objectId', 'owner', 'updatedAt'].sort(),
    );
    expect(changed.updateClass.class.indexes).toEqual({ _id_: { _id: 1 }, [`by_${n}`]: { [n]: 1 } });
    // A class created after it gets its API: the schema was rebuilt.
    await data(`mutation($c: String!) { createClass(input: { name: $c }) { class { name } } }`, { c: `After_${n}` });
    const roots = (await data(`{ __schema { queryType { fields { name } } } }`)).__schema.queryType.fields.map((f: { name: string }) => f.name);
    expect(roots).toEqual(expect.arrayContaining([get, find, getQueryName(`After_${n}`)]));
    const removed = await data(
      `mutation($n: String!) { updateClass(input: { name: $n, schemaFields: { remove: [{ name: $n }] } }) { class { schemaFields { name } indexes } } }`,
      { n },
    );
    expect(removed.updateClass.class.schemaFields.map((f: { name: string }) => f.name)).toEqual(['objectId', 'createdAt', 'updatedAt', 'ACL', 'owner']);
    expect(removed.updateClass.class.indexes).toEqual({ _id_: { _id: 1 } });
    await data(`mutation($n: String!) { deleteClass(input: { name: $n }) { class { name } } }`, { n });
    expect((await data(`{ classes { name } }`)).classes.map((c: { name: string }) => c.name)).not.toContain(n);
    expect((await data(`{ health }`)).health).toBe(true);
  });

  it('its objects: create, read, filter, order, update; a field the object lacks reads as null', async () => {
    await data(
      `mutation($n: String!) { createClass(input: { name: $n, schemaFields: { addStrings: [{ name: $n }], addNumbers: [{ name: "score" }], addPointers: [{ name: "owner", targetClassName: "_User" }] } }) { class { name } } }`,
      { n },
    );
    const made = await data(`mutation { create${T}(input: { fields: { ${n}: "one", score: 1 } }) { ${get} { objectId ${n} score } } }`);
    one = made[`create${T}`][get].objectId;
    expect(made[`create${T}`][get]).toMatchObject({ [n]: 'one', score: 1 });
    // The payload holds the written fields only: n is null, not Object.prototype[n].
    expect(await data(`mutation { create${T}(input: { fields: { score: 2 } }) { ${get} { ${n} score owner { objectId } } } }`)).toEqual({
      [`create${T}`]: { [get]: { [n]: null, score: 2, owner: null } },
    });
    expect(await data(`mutation { create${T}(input: { fields: { ${n}: "shout", score: 3 } }) { ${get} { ${n} } } }`)).toEqual({
      [`create${T}`]: { [get]: { [n]: 'shout!' } },
    });
    expect(await data(`query($id: ID!) { ${get}(id: $id) { ${n} } }`, { id: one })).toEqual({ [get]: { [n]: 'one' } });
    expect(await data(`{ ${find}(where: { ${n}: { equalTo: "one" } }) { count edges { node { objectId } } } }`)).toEqual({
      [find]: { count: 1, edges: [{ node: { objectId: one } }] },
    });
    const ordered = await data(`{ ${find}(order: [${n}_DESC, score_ASC]) { edges { node { ${n} score } } } }`);
    expect(ordered[find].edges.map((e: any) => e.node)).toEqual([
      { [n]: null, score: 2 },
      { [n]: 'shout!', score: 3 },
      { [n]: 'one', score: 1 },
    ]);
    const exists = await data(`{ ${find}(where: { ${n}: { exists: false } }) { count } }`);
    expect(exists[find].count).toBe(1);
    await data(`mutation($id: ID!) { update${T}(input: { id: $id, fields: { ${n}: "uno" } }) { ${get} { ${n} } } }`, { id: one });
    expect(await data(`query($id: ID!) { ${get}(id: $id) { ${n} } }`, { id: one })).toEqual({ [get]: { [n]: 'uno' } });
    expect(calls).toEqual(
      expect.arrayContaining([`beforeSave ${n} one`, `afterSave ${n} one`, `beforeSave ${n} shout`, `afterSave ${n} shout!`, `afterSave ${n} uno`]),
    );
  });

  it('pointers and relations to it, and fields of those kinds named after it', async () => {
    await data(
      `mutation($l: String!, $m: String!, $n: String!) {
        l: createClass(input: { name: $l, schemaFields: { addPointers: [{ name: $n, targetClassName: $n }], addRelations: [{ name: "rel", targetClassName: $n }] } }) { class { name } }
        m: createClass(input: { name: $m, schemaFields: { addRelations: [{ name: $n, targetClassName: $n }] } }) { class { name } }
      }`,
      { l: L, m: M, n },
    );
    const l = getQueryName(L);
    const made = await data(
      `mutation($id: ID!) { create${typeName(L)}(input: { fields: { ${n}: { link: $id }, rel: { add: [$id] } } }) { ${l} { ${n} { ${n} } rel { count edges { node { ${n} } } } } } }`,
      {
        id: one,
      },
    );
    expect(made[`create${typeName(L)}`][l]).toEqual({ [n]: { [n]: 'uno' }, rel: { count: 1, edges: [{ node: { [n]: 'uno' } }] } });
    expect(await data(`mutation { create${typeName(L)}(input: { fields: {} }) { ${l} { ${n} { objectId } } } }`)).toEqual({
      [`create${typeName(L)}`]: { [l]: { [n]: null } },
    });
    const viaPointer = await data(
      `{ ${findQueryName(L)}(where: { ${n}: { have: { ${n}: { equalTo: "uno" } } } }, order: [${n}_ASC]) { count edges { node { ${n} { ${n} } } } } }`,
    );
    expect(viaPointer[findQueryName(L)]).toEqual({ count: 1, edges: [{ node: { [n]: { [n]: 'uno' } } }] });
    const m = getQueryName(M);
    const related = await data(
      `mutation($id: ID!) { create${typeName(M)}(input: { fields: { ${n}: { add: [$id], createAndAdd: [{ ${n}: "two" }] } } }) { ${m} { ${n}(order: [${n}_DESC]) { count edges { node { ${n} } } } } } }`,
      { id: one },
    );
    expect(related[`create${typeName(M)}`][m][n]).toEqual({ count: 2, edges: [{ node: { [n]: 'uno' } }, { node: { [n]: 'two' } }] });
    const viaRelation = await data(`{ ${findQueryName(M)}(where: { ${n}: { have: { ${n}: { equalTo: "two" } } } }) { count } }`);
    expect(viaRelation[findQueryName(M)].count).toBe(1);
  });

  it('a role named after it in ACLs, CLPs and protected fields', async () => {
    await createRole(s, n, { users: [alice.userId!] });
    const { [`create${T}`]: created } = await data(
      `mutation($r: String!) { create${T}(input: { fields: { ${n}: "mine", ACL: { roles: [{ roleName: $r, read: true, write: true }] } } }) { ${get} { objectId ACL { roles { roleName read write } } } } }`,
      { r: n },
    );
    expect(created[get].ACL.roles).toEqual([{ roleName: n, read: true, write: true }]);
    const id = created[get].objectId;
    const read = `query($id: ID!) { ${get}(id: $id) { ${n} } }`;
    expect(await data(read, { id }, alice.headers)).toEqual({ [get]: { [n]: 'mine' } });
    expectError(await s.request(read, { id }, bob.headers), 101, 'Object not found.');
    expectError(await s.request(`mutation($id: ID!) { update${T}(input: { id: $id, fields: { score: 9 } }) { ${get} { score } } }`, { id }, bob.headers), 101);
    // find only for the role; field n hidden from everyone but the role's members.
    await data(`mutation($n: String!, $c: Object) { updateClass(input: { name: $n, classLevelPermissions: $c }) { class { name } } }`, {
      n,
      c: {
        find: { [`role:${n}`]: true },
        get: { '*': true },
        count: { '*': true },
        create: { '*': true },
        update: { '*': true },
        delete: { '*': true },
        addField: {},
        protectedFields: { '*': [n], [`role:${n}`]: [] },
      },
    });
    expect((await data(`{ ${find}(where: { ${n}: { equalTo: "uno" } }) { count } }`, {}, alice.headers))[find].count).toBe(1);
    expectError(await s.request(`{ ${find} { edges { node { objectId } } } }`, {}, bob.headers), 119);
    // A protected field is removed from the object: it reads as null, not as Object.prototype[n].
    expect(await data(`query($id: ID!) { ${get}(id: $id) { ${n} score } }`, { id: one }, bob.headers)).toEqual({ [get]: { [n]: null, score: 1 } });
    expect(await data(`query($id: ID!) { ${get}(id: $id) { ${n} } }`, { id: one }, alice.headers)).toEqual({ [get]: { [n]: 'uno' } });
    expectError(await s.request(`{ ${find}(where: { ${n}: { equalTo: "uno" } }) { count } }`), 119, `This user is not allowed to query ${n} on class ${n}`);
  });

  it('a pointer-permission field named after it (readUserFields, writeUserFields, userField:)', async () => {
    await data(
      `mutation($c: String!, $n: String!, $clp: Object) { createClass(input: { name: $c, schemaFields: { addPointers: [{ name: $n, targetClassName: "_User" }], addStrings: [{ name: "secret" }] }, classLevelPermissions: $clp }) { class { name } } }`,
      {
        c: U,
        n,
        clp: {
          find: {},
          get: {},
          count: {},
          create: { '*': true },
          update: {},
          delete: {},
          addField: {},
          readUserFields: [n],
          writeUserFields: [n],
          protectedFields: { '*': ['secret'], [`userField:${n}`]: [] },
        },
      },
    );
    const u = getQueryName(U);
    const { [`create${typeName(U)}`]: made } = await data(
      `mutation($a: ID!) { create${typeName(U)}(input: { fields: { ${n}: { link: $a }, secret: "s" } }) { ${u} { objectId } } }`,
      {
        a: alice.userId,
      },
    );
    const id = made[u].objectId;
    expect(await data(`query($id: ID!) { ${u}(id: $id) { secret ${n} { objectId } } }`, { id }, alice.headers)).toEqual({
      [u]: { secret: 's', [n]: { objectId: alice.userId } },
    });
    expectError(await s.request(`query($id: ID!) { ${u}(id: $id) { secret } }`, { id }, bob.headers), 101);
    expect((await data(`{ ${findQueryName(U)} { count } }`, {}, alice.headers))[findQueryName(U)].count).toBe(1);
    expect(
      await data(`mutation($id: ID!) { update${typeName(U)}(input: { id: $id, fields: { secret: "t" } }) { ${u} { secret } } }`, { id }, alice.headers),
    ).toEqual({
      [`update${typeName(U)}`]: { [u]: { secret: 't' } },
    });
    expectError(
      await s.request(`mutation($id: ID!) { update${typeName(U)}(input: { id: $id, fields: { secret: "b" } }) { ${u} { secret } } }`, { id }, bob.headers),
      101,
    );
  });

  it('its subscription: events filtered on field n, a field the event lacks null', async () => {
    const sub = await sse(
      s,
      `subscription { ${get}Events(where: { score: { greaterThan: 100 } }) { event ${get} { ${n} score } } }`,
      {},
      { 'x-parse-master-key': MASTER_KEY },
    );
    const byField = await sse(
      s,
      `subscription { ${get}Events(where: { ${n}: { equalTo: "live" } }) { event ${get} { ${n} } } }`,
      {},
      { 'x-parse-master-key': MASTER_KEY },
    );
    await new Promise((r) => setTimeout(r, 200));
    await data(
      `mutation { a: create${T}(input: { fields: { score: 101 } }) { ${get} { objectId } } b: create${T}(input: { fields: { ${n}: "live", score: 1 } }) { ${get} { objectId } } }`,
    );
    await until(() => sub.received.length > 0 && byField.received.length > 0, 5000, 'the events');
    expect(sub.received[0]).toEqual({ data: { [`${get}Events`]: { event: 'CREATE', [get]: { [n]: null, score: 101 } } } });
    expect(byField.received[0]).toEqual({ data: { [`${get}Events`]: { event: 'CREATE', [get]: { [n]: 'live' } } } });
    sub.close();
    byField.close();
  });

  it('its cloud function (data API on field n), job and triggers', async () => {
    const { callCloudCode } = await data(`mutation { callCloudCode(input: { functionName: ${n}, params: { a: 1 } }) { result } }`);
    expect(callCloudCode.result).toEqual({ made: `via ${n}`, found: [`via ${n}`], counted: 1, params: { a: 1 } });
    expect(calls).toEqual(expect.arrayContaining([`beforeSave ${n} via ${n}`, `afterSave ${n} via ${n}`]));
    const { runJob } = await data(`mutation($j: String!) { runJob(input: { jobName: $j, params: { x: 7 } }) { jobStatusId } }`, { j: n });
    expect(await jobStatus(runJob.jobStatusId)).toEqual({ status: 'succeeded', message: `job ${n} 7` });
    const { cloudCode } = await data(`{ cloudCode { classes { className triggers { kind } } functions { name } jobs { name } } }`);
    expect(cloudCode.classes).toContainEqual({ className: n, triggers: [{ kind: 'beforeSave' }, { kind: 'afterSave' }] });
    expect(cloudCode.functions).toContainEqual({ name: n });
    expect(cloudCode.jobs).toContainEqual({ name: n });
  });
});
