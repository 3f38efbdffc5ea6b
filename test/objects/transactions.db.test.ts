import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { countRows, createClass, expectError } from './helpers.ts';

/**
 * A mutation with nested creates is one transaction: when anything inside it fails — early,
 * late, deep — nothing at all is stored, in any table.
 */
describe('a mutation with nested creates is all or nothing', () => {
  let s: TestServer;
  const TABLES = ['Team', 'Person', 'Badge', '_Join:members:Team', '_Join:badges:Person', '_User'];
  let snapshot: () => Promise<Record<string, number>>;

  beforeAll(async () => {
    s = await startTestServer();
    await createClass(s, 'Badge', 'addStrings: [{ name: "label" }], addGeoPoint: { name: "where" }');
    await createClass(
      s,
      'Person',
      `addStrings: [{ name: "name" }], addPolygons: [{ name: "area" }], addPointers: [{ name: "account", targetClassName: "_User" }],
       addRelations: [{ name: "badges", targetClassName: "Badge" }]`,
    );
    await createClass(
      s,
      'Team',
      `addStrings: [{ name: "name" }], addPointers: [{ name: "lead", targetClassName: "Person" }],
       addRelations: [{ name: "members", targetClassName: "Person" }]`,
    );
    snapshot = async () => Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, await countRows(s, t)])));
    await s.ok(`mutation { createUser(input: { fields: { username: "taken", password: "secret-pw" } }) { user { objectId } } }`);
  });
  afterAll(() => s?.close());

  const createTeam = (fields: Record<string, unknown>) =>
    s.master(`mutation($f: CreateTeamFieldsInput) { createTeam(input: { fields: $f }) { team { objectId } } }`, { f: fields });

  it('everything is stored when everything succeeds (the baseline for the cases below)', async () => {
    const before = await snapshot();
    const r = await createTeam({
      name: 'ok',
      lead: { createAndLink: { name: 'lead', badges: { createAndAdd: [{ label: 'b1' }] } } },
      members: { createAndAdd: [{ name: 'm1' }, { name: 'm2', account: { createAndLink: { username: 'fresh', password: 'password-1' } } }] },
    });
    expect(r.errors).toBeUndefined();
    const after = await snapshot();
    expect(after).toEqual({
      ...before,
      Team: before.Team + 1,
      Person: before.Person + 3,
      Badge: before.Badge + 1,
      '_Join:members:Team': before['_Join:members:Team'] + 2,
      '_Join:badges:Person': before['_Join:badges:Person'] + 1,
      _User: before._User + 1,
    });
  });

  const failing: [string, Record<string, unknown>, number][] = [
    [
      'a bad value deep inside createAndLink (before the parent row is written)',
      {
        name: 't',
        lead: { createAndLink: { name: 'p', badges: { createAndAdd: [{ label: 'ok' }, { label: 'bad', where: { latitude: 91, longitude: 0 } }] } } },
      },
      107,
    ],
    [
      'a bad value in the last createAndAdd (after the parent, the pointer target and other relation rows were written)',
      {
        name: 't',
        lead: { createAndLink: { name: 'p' } },
        members: {
          createAndAdd: [
            { name: 'm1', badges: { createAndAdd: [{ label: 'x' }] } },
            { name: 'm2', area: [{ latitude: 0, longitude: 0 }] },
          ],
        },
      },
      107,
    ],
    [
      'a unique violation deep inside (username already taken)',
      {
        name: 't',
        lead: { createAndLink: { name: 'p' } },
        members: { createAndAdd: [{ name: 'm', account: { createAndLink: { username: 'taken', password: 'password-1' } } }] },
      },
      202,
    ],
    [
      'the same username twice in one mutation',
      {
        name: 't',
        members: {
          createAndAdd: [
            { name: 'a', account: { createAndLink: { username: 'twice', password: 'password-1' } } },
            { name: 'b', account: { createAndLink: { username: 'twice', password: 'password-1' } } },
          ],
        },
      },
      202,
    ],
    ['an unknown field deep inside', { name: 't', lead: { createAndLink: { name: 'p', badges: { createAndAdd: [{ label: 'x', nope: 1 }] } } } }, 111],
    ['a malformed nested pointer input', { name: 't', members: { createAndAdd: [{ name: 'a', account: {} }] } }, 106],
  ];

  for (const [what, fields, code] of failing) {
    it(`nothing is stored after ${what}`, async () => {
      const before = await snapshot();
      const r = await createTeam(fields);
      expectError(r, code);
      expect(await snapshot()).toEqual(before);
    });
  }

  it('an update whose nested create fails leaves the object as it was', async () => {
    const created = await createTeam({ name: 'stable', members: { createAndAdd: [{ name: 'first' }] } });
    const id = created.data!.createTeam.team.objectId;
    const before = await snapshot();
    const r = await s.master(`mutation($id: ID!, $f: UpdateTeamFieldsInput) { updateTeam(input: { id: $id, fields: $f }) { team { name } } }`, {
      id,
      f: { name: 'changed', lead: { createAndLink: { name: 'new lead' } }, members: { createAndAdd: [{ name: 'ok' }, { name: 'bad', area: [] }] } },
    });
    expectError(r, 107);
    expect(await snapshot()).toEqual(before);
    const d = await s.ok(`query($id: ID!) { team(id: $id) { name lead { name } members { count edges { node { name } } } } }`, { id });
    expect(d.team).toEqual({ name: 'stable', lead: null, members: { count: 1, edges: [{ node: { name: 'first' } }] } });
  });

  it('an update of an object that does not exist creates none of its nested objects', async () => {
    const before = await snapshot();
    const r = await s.master(`mutation($f: UpdateTeamFieldsInput) { updateTeam(input: { id: "missing000", fields: $f }) { team { name } } }`, {
      f: { lead: { createAndLink: { name: 'orphan' } }, members: { createAndAdd: [{ name: 'orphan2' }] } },
    });
    expectError(r, 101, 'Object not found.');
    expect(await snapshot()).toEqual(before);
  });

  it('each root mutation field of a request is its own transaction', async () => {
    const before = await snapshot();
    const r = await s.master(`mutation {
      a: createTeam(input: { fields: { name: "kept", members: { createAndAdd: [{ name: "kept member" }] } } }) { team { objectId } }
      b: createTeam(input: { fields: { name: "lost", members: { createAndAdd: [{ name: "x", area: [] }] } } }) { team { objectId } }
    }`);
    expect(r.data?.a?.team.objectId).toBeTruthy();
    expect(r.data?.b).toBeNull();
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0].path).toEqual(['b']);
    const after = await snapshot();
    expect(after.Team).toBe(before.Team + 1);
    expect(after.Person).toBe(before.Person + 1);
    expect(after['_Join:members:Team']).toBe(before['_Join:members:Team'] + 1);
  });
});
