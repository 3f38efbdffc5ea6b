import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudit } from '../../src/admin/audit/index.ts';
import type { CloudApi } from '../../src/cloud/types.ts';
import type { RestDeps } from '../../src/rest/deps.ts';
import { readRestRequest } from '../../src/rest/request.ts';
import { errorAnswer } from '../../src/rest/respond.ts';
import { RestRouter } from '../../src/rest/router.ts';
import { schemasRoutes } from '../../src/rest/routes/schemas.ts';
import { Auth, type AdminScope } from '../../src/security/index.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

// Parse's schema API over REST (SchemasRouter, PurgeRouter): per role, Parse's shapes, codes
// and messages, and the rules it shares with GraphQL's createClass & co (core/schema-api.ts).

let s: TestServer;
let rest: ReturnType<typeof restClient>;
let user: { id: string; token: string };
const deleteTriggers: string[] = [];

function cloud(c: CloudApi) {
  c.beforeDelete('Loot', () => void deleteTriggers.push('beforeDelete'));
  c.afterDelete('Loot', () => void deleteTriggers.push('afterDelete'));
}

beforeAll(async () => {
  s = await startTestServer({}, { cloud });
  rest = restClient(s.plinth);
  const r = await s.anon(
    `mutation { signUp(input: { fields: { username: "ann", password: "correct-horse-battery" } }) { viewer { sessionToken user { objectId } } } }`,
  );
  user = { id: r.data?.signUp.viewer.user.objectId, token: r.data?.signUp.viewer.sessionToken };
  expect(user.token).toBeTruthy();
  expect((await rest('POST', 'schemas/Thing', { master: true, body: { fields: { name: { type: 'String' } } } })).status).toBe(200);
  expect((await rest('POST', 'classes/Thing', { master: true, body: { name: 'kept' } })).status).toBe(201);
});
afterAll(() => s?.close());

const OPEN_CLPS = {
  ACL: { '*': { read: true, write: true } },
  find: { '*': true },
  count: { '*': true },
  get: { '*': true },
  create: { '*': true },
  update: { '*': true },
  delete: { '*': true },
  addField: { '*': true },
  protectedFields: { '*': [] },
};
const DEFAULTS = { objectId: { type: 'String' }, createdAt: { type: 'Date' }, updatedAt: { type: 'Date' }, ACL: { type: 'ACL' } };

describe('master key only', () => {
  const CALLS: [string, string, unknown?][] = [
    ['GET', 'schemas'],
    ['GET', 'schemas/Thing'],
    ['POST', 'schemas', { className: 'Sneaky' }],
    ['POST', 'schemas/Sneaky'],
    ['PUT', 'schemas/Thing', { fields: { extra: { type: 'String' } } }],
    ['DELETE', 'schemas/Thing'],
    ['DELETE', 'purge/Thing'],
  ];
  for (const who of ['anonymous', 'a user'] as const)
    for (const [method, path, body] of CALLS)
      it(`${method} ${path} as ${who}: 403 {"error": "Permission denied"}, as Parse answers`, async () => {
        const r = await rest(method, path, { body, session: who === 'a user' ? user.token : undefined });
        expect(r.status).toBe(403);
        expect(r.body).toEqual({ error: 'Permission denied' });
      });

  it('changed nothing while refusing', async () => {
    const thing = await rest('GET', 'schemas/Thing', { master: true });
    expect(Object.keys(thing.body.fields)).toEqual(['objectId', 'createdAt', 'updatedAt', 'ACL', 'name']);
    expect((await rest('GET', 'schemas/Sneaky', { master: true })).body).toEqual({ code: 103, error: 'Class Sneaky does not exist.' });
    expect((await rest('GET', 'classes/Thing', { master: true })).body.results).toHaveLength(1);
  });
});

describe('create and read', () => {
  const GAME_FIELDS = {
    title: { type: 'String' },
    score: { type: 'Number', required: true, defaultValue: 3 },
    done: { type: 'Boolean' },
    at: { type: 'Date', defaultValue: { __type: 'Date', iso: '2020-01-02T03:04:05.000Z' } },
    meta: { type: 'Object' },
    tags: { type: 'Array' },
    owner: { type: 'Pointer', targetClass: '_User' },
    rivals: { type: 'Relation', targetClass: 'Game' },
    cover: { type: 'File' },
    spot: { type: 'GeoPoint' },
    area: { type: 'Polygon' },
    blob: { type: 'Bytes' },
  };
  const CLPS = { ...OPEN_CLPS, delete: { 'role:Admins': true }, protectedFields: { '*': ['meta'] } };

  it('POST schemas/<C>: the class in Parse’s schema JSON, fields in Parse’s order on PostgreSQL', async () => {
    const r = await rest('POST', 'schemas/Game', {
      master: true,
      body: { fields: GAME_FIELDS, classLevelPermissions: CLPS, indexes: { by_title: { title: 1 } } },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      className: 'Game',
      fields: { ...DEFAULTS, ...GAME_FIELDS },
      classLevelPermissions: CLPS,
      indexes: { _id_: { _id: 1 }, by_title: { title: 1 } },
    });
    // jsonb's order: shorter names first, then byte order.
    expect(Object.keys(r.body.fields)).toEqual([
      ...Object.keys(DEFAULTS),
      'at',
      'area',
      'blob',
      'done',
      'meta',
      'spot',
      'tags',
      'cover',
      'owner',
      'score',
      'title',
      'rivals',
    ]);
  });

  it('GET schemas/<C> answers what the create answered; GraphQL lists the same fields in the same order', async () => {
    const created = await rest('GET', 'schemas/Game', { master: true });
    expect(created.body.fields).toEqual({ ...DEFAULTS, ...GAME_FIELDS });
    const gql = await s.ok(`{ class(name: "Game") { schemaFields { name } } }`);
    expect(gql.class.schemaFields.map((f: { name: string }) => f.name)).toEqual(Object.keys(created.body.fields));
  });

  it('GET schemas lists every class, _User and _Role first, with built-in fields and every CLP operation', async () => {
    const r = await rest('GET', 'schemas', { master: true });
    const names = r.body.results.map((c: { className: string }) => c.className);
    expect(names.slice(0, 2)).toEqual(['_User', '_Role']);
    expect(names).toEqual(expect.arrayContaining(['Game', 'Thing', '_Session', '_Installation']));
    const userClass = r.body.results[0];
    expect(userClass.fields).toMatchObject({ ...DEFAULTS, username: { type: 'String' }, password: { type: 'String' }, email: { type: 'String' } });
    expect(Object.keys(userClass.classLevelPermissions)).toEqual(
      expect.arrayContaining(['ACL', 'find', 'get', 'count', 'create', 'update', 'delete', 'addField', 'protectedFields']),
    );
    expect(r.body.results.find((c: { className: string }) => c.className === 'Thing')).toEqual({
      className: 'Thing',
      fields: { ...DEFAULTS, name: { type: 'String' } },
      classLevelPermissions: OPEN_CLPS,
    });
  });

  it('POST schemas takes the class from the body; a mismatch is 103 and no name is 135, as Parse answers', async () => {
    const r = await rest('POST', 'schemas', { master: true, body: { className: 'Bare' } });
    expect(r.body).toEqual({ className: 'Bare', fields: DEFAULTS, classLevelPermissions: OPEN_CLPS });
    const same = await rest('POST', 'schemas/Bare2', { master: true, body: { className: 'Bare2' } });
    expect(same.status).toBe(200);
    expect((await rest('POST', 'schemas/Bar', { master: true, body: { className: 'Baz' } })).body).toEqual({
      code: 103,
      error: 'Class name mismatch between Baz and Bar.',
    });
    expect((await rest('POST', 'schemas', { master: true, body: {} })).body).toEqual({ code: 135, error: 'POST /schemas needs a class name.' });
    expect((await rest('POST', 'schemas/Game', { master: true })).body).toEqual({ code: 103, error: 'Class Game already exists.' });
    expect((await rest('GET', 'schemas/Nope', { master: true })).body).toEqual({ code: 103, error: 'Class Nope does not exist.' });
  });

  const INVALID = '{class} classnames can only have alphanumeric characters and _, and must start with an alpha character ';
  const BAD: [string, string, Record<string, unknown>, number, string][] = [
    ['a class name starting with _', '_Secret', {}, 103, `Invalid classname: ${INVALID.replace('{class}', '_Secret,')}`],
    ['a class name starting with a digit', '1Game', {}, 103, `Invalid classname: ${INVALID.replace('{class}', '1Game,')}`],
    ['a field name starting with a digit', 'Bad', { fields: { '1x': { type: 'String' } } }, 105, 'invalid field name: 1x'],
    ['className as a field', 'Bad', { fields: { className: { type: 'String' } } }, 105, 'invalid field name: className'],
    ['a default field', 'Bad', { fields: { objectId: { type: 'String' } } }, 136, 'field objectId cannot be added'],
    ['an unknown type', 'Bad', { fields: { x: { type: 'Nope' } } }, 111, 'invalid field type: Nope'],
    ['the ACL type', 'Bad', { fields: { x: { type: 'ACL' } } }, 111, 'invalid field type: ACL'],
    ['a pointer without a target', 'Bad', { fields: { p: { type: 'Pointer' } } }, 135, 'type Pointer needs a class name'],
    [
      'a pointer to a bad class name',
      'Bad',
      { fields: { p: { type: 'Pointer', targetClass: '1x' } } },
      103,
      `Invalid classname: ${INVALID.replace('{class}', '1x,')}`,
    ],
    ['a type given as a string', 'Bad', { fields: { x: 'String' } }, 107, 'invalid JSON'],
    ['a field list', 'Bad', { fields: [{ type: 'String' }] }, 105, 'invalid field name: 0'],
    [
      'a default of another type',
      'Bad',
      { fields: { x: { type: 'String', defaultValue: 3 } } },
      111,
      'schema mismatch for Bad.x default value; expected String but got Number',
    ],
    [
      'a required relation',
      'Bad',
      { fields: { r: { type: 'Relation', targetClass: '_User', required: true } } },
      111,
      "The 'required' option is not applicable for Relation<_User>",
    ],
  ];
  for (const [what, className, body, code, error] of BAD)
    it(`refuses ${what}: ${code}`, async () => {
      const r = await rest('POST', `schemas/${className}`, { master: true, body });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ code, error });
      expect((await rest('GET', `schemas/${className}`, { master: true })).body.code).toBe(103);
    });

  it('refuses bad CLPs (107) and an index on a missing field (102)', async () => {
    expect((await rest('POST', 'schemas/Bad', { master: true, body: { classLevelPermissions: { foo: {} } } })).body.code).toBe(107);
    expect((await rest('POST', 'schemas/Bad', { master: true, body: { indexes: { i: { ghost: 1 } } } })).body.code).toBe(102);
    expect((await rest('GET', 'schemas/Bad', { master: true })).body.code).toBe(103);
  });
});

describe('field types inferred on first save', () => {
  it('round-trips every type a value can give a field', async () => {
    const body = {
      s: 'text',
      n: 1.5,
      b: true,
      d: { __type: 'Date', iso: '2021-05-06T07:08:09.000Z' },
      o: { a: 1 },
      a: [1, 'two'],
      p: { __type: 'Pointer', className: '_User', objectId: user.id },
      g: { __type: 'GeoPoint', latitude: 10, longitude: 20 },
      poly: {
        __type: 'Polygon',
        coordinates: [
          [0, 0],
          [0, 1],
          [1, 1],
        ],
      },
      by: { __type: 'Bytes', base64: 'aGk=' },
      r: { __op: 'AddRelation', objects: [{ __type: 'Pointer', className: '_User', objectId: user.id }] },
    };
    const created = await rest('POST', 'classes/Inferred', { master: true, body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const schema = await rest('GET', 'schemas/Inferred', { master: true });
    expect(schema.body.fields).toEqual({
      ...DEFAULTS,
      s: { type: 'String' },
      n: { type: 'Number' },
      b: { type: 'Boolean' },
      d: { type: 'Date' },
      o: { type: 'Object' },
      a: { type: 'Array' },
      p: { type: 'Pointer', targetClass: '_User' },
      g: { type: 'GeoPoint' },
      poly: { type: 'Polygon' },
      by: { type: 'Bytes' },
      r: { type: 'Relation', targetClass: '_User' },
    });
    const got = await rest('GET', `classes/Inferred/${created.body.objectId}`, { master: true });
    expect(got.body).toMatchObject({ s: 'text', n: 1.5, b: true, d: body.d, o: body.o, a: body.a, p: body.p, g: body.g, by: body.by });
  });
});

describe('update', () => {
  beforeAll(async () => {
    await rest('POST', 'schemas/Card', { master: true, body: { fields: { rank: { type: 'Number' }, suit: { type: 'String' }, note: { type: 'String' } } } });
    await rest('POST', 'classes/Card', { master: true, body: { rank: 1, suit: 'hearts', note: 'x' } });
  });

  it('adds fields, removes one with {__op: "Delete"} (its values go), replaces CLPs, adds an index', async () => {
    const clps = { ...OPEN_CLPS, create: { requiresAuthentication: true } };
    const r = await rest('PUT', 'schemas/Card', {
      master: true,
      body: { fields: { note: { __op: 'Delete' }, face: { type: 'Boolean' } }, classLevelPermissions: clps, indexes: { by_rank: { rank: -1 } } },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      className: 'Card',
      fields: { ...DEFAULTS, rank: { type: 'Number' }, suit: { type: 'String' }, face: { type: 'Boolean' } },
      classLevelPermissions: clps,
      indexes: { _id_: { _id: 1 }, by_rank: { rank: -1 } },
    });
    const objects = await rest('GET', 'classes/Card', { master: true });
    expect(objects.body.results[0]).not.toHaveProperty('note');
    const dropped = await rest('PUT', 'schemas/Card', { master: true, body: { indexes: { by_rank: { __op: 'Delete' } } } });
    expect(dropped.body).not.toHaveProperty('indexes');
  });

  it('sending a field it has with the same type and options changes nothing', async () => {
    const r = await rest('PUT', 'schemas/Card', { master: true, body: { fields: { rank: { type: 'Number' } } } });
    expect(r.status).toBe(200);
    expect(r.body.fields.rank).toEqual({ type: 'Number' });
  });

  const BAD: [string, string, Record<string, unknown>, number, string][] = [
    ['a field that exists, with another type', 'Card', { fields: { rank: { type: 'String' } } }, 255, 'Field rank exists, cannot update.'],
    ['removing a field it does not have', 'Card', { fields: { ghost: { __op: 'Delete' } } }, 255, 'Field ghost does not exist, cannot delete.'],
    ['a class that does not exist', 'Nope', { fields: { x: { type: 'String' } } }, 103, 'Class Nope does not exist.'],
    ['another class named in the body', 'Card', { className: 'Deck' }, 103, 'Class name mismatch between Deck and Card.'],
    ['a new field of an unknown type', 'Card', { fields: { x: { type: 'Nope' } } }, 111, 'invalid field type: Nope'],
    ['removing a default field', 'Card', { fields: { createdAt: { __op: 'Delete' } } }, 136, 'field createdAt cannot be changed'],
  ];
  for (const [what, className, body, code, error] of BAD)
    it(`refuses ${what}: ${code}`, async () => {
      const r = await rest('PUT', `schemas/${className}`, { master: true, body });
      expect(r.body).toEqual({ code, error });
    });

  it('refuses changing the options of a field it has (255), which Plinth does not do', async () => {
    const r = await rest('PUT', 'schemas/Card', { master: true, body: { fields: { rank: { type: 'Number', required: true } } } });
    expect(r.body.code).toBe(255);
    expect((await rest('GET', 'schemas/Card', { master: true })).body.fields.rank).toEqual({ type: 'Number' });
  });
});

describe('delete and purge', () => {
  beforeAll(async () => {
    await rest('POST', 'schemas/Loot', { master: true, body: { fields: { gold: { type: 'Number' }, holders: { type: 'Relation', targetClass: '_User' } } } });
    for (const gold of [1, 2, 3]) {
      const r = await rest('POST', 'classes/Loot', {
        master: true,
        body: { gold, holders: { __op: 'AddRelation', objects: [{ __type: 'Pointer', className: '_User', objectId: user.id }] } },
      });
      expect(r.status).toBe(201);
    }
  });

  const joinRows = async () => Number((await s.plinth.db.query<{ n: string }>('SELECT count(*)::text AS n FROM "_Join:holders:Loot"'))[0].n);

  it('refuses to drop a class that has objects: 255', async () => {
    const r = await rest('DELETE', 'schemas/Loot', { master: true });
    expect(r.body).toEqual({ code: 255, error: 'Class Loot is not empty, contains 3 objects, cannot drop schema.' });
  });

  it('purges every object and the relation rows they own, running no trigger (as Parse’s purge)', async () => {
    expect(await joinRows()).toBe(3);
    deleteTriggers.length = 0;
    const r = await rest('DELETE', 'purge/Loot', { master: true });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({});
    expect((await rest('GET', 'classes/Loot', { master: true })).body.results).toEqual([]);
    expect(await joinRows()).toBe(0);
    expect(deleteTriggers).toEqual([]);
    // A delete of one object does run them: the purge is what skips them.
    const one = await rest('POST', 'classes/Loot', { master: true, body: { gold: 9 } });
    await rest('DELETE', `classes/Loot/${one.body.objectId}`, { master: true });
    expect(deleteTriggers).toEqual(['beforeDelete', 'afterDelete']);
  });

  it('purging a class that does not exist answers {}', async () => {
    expect((await rest('DELETE', 'purge/Nowhere', { master: true })).body).toEqual({});
  });

  it('purging _Role drops the role cache at once', async () => {
    const role = await rest('POST', 'classes/_Role', {
      master: true,
      body: {
        name: 'Mods',
        ACL: { '*': { read: true } },
        users: { __op: 'AddRelation', objects: [{ __type: 'Pointer', className: '_User', objectId: user.id }] },
      },
    });
    expect(role.status, JSON.stringify(role.body)).toBe(201);
    expect(await s.plinth.roles.rolesOf(user.id)).toEqual(['Mods']);
    expect((await rest('DELETE', 'purge/_Role', { master: true })).body).toEqual({});
    expect(await s.plinth.roles.rolesOf(user.id)).toEqual([]);
  });

  it('drops an emptied class, which then does not exist; a class that is not there answers {}', async () => {
    expect((await rest('DELETE', 'schemas/Loot', { master: true })).body).toEqual({});
    expect((await rest('GET', 'schemas/Loot', { master: true })).body).toEqual({ code: 103, error: 'Class Loot does not exist.' });
    expect((await rest('DELETE', 'schemas/Loot', { master: true })).body).toEqual({});
    expect((await rest('DELETE', 'schemas/1x', { master: true })).body.code).toBe(103);
  });

  it('never drops a system class (255), unlike Parse', async () => {
    const r = await rest('DELETE', 'schemas/_Installation', { master: true });
    expect(r.body.code).toBe(255);
    expect((await rest('GET', 'schemas/_Installation', { master: true })).status).toBe(200);
  });
});

describe('audit trail', () => {
  it('records the changes made with the master key, before and after', async () => {
    await rest('POST', 'schemas/Audited', { master: true, body: { fields: { a: { type: 'String' } } } });
    await rest('PUT', 'schemas/Audited', { master: true, body: { fields: { b: { type: 'Number' } } } });
    await rest('DELETE', 'schemas/Audited', { master: true });
    const { entries } = await readAudit(s.plinth.db, { className: 'Audited' });
    expect(entries.map((e) => [e.action, e.actor, !!e.before, !!e.after])).toEqual([
      ['schema', 'master key', true, false],
      ['schema', 'master key', true, true],
      ['schema', 'master key', false, true],
    ]);
  });
});

describe('dashboard admins (the master key within a scope)', () => {
  const scope = (sc: Partial<AdminScope>) => Auth.admin({ adminId: 'a', email: 'a@example.com', readOnly: false, ...sc });
  const router = () => new RestRouter(schemasRoutes);
  const deps = () =>
    ({
      config: s.plinth.config,
      logger: s.plinth.logger,
      core: s.plinth.core,
      schemaStore: s.plinth.schemaStore,
      roles: s.plinth.roles,
    }) as unknown as RestDeps;

  /** Runs a schema route as `auth` (REST's credentials never carry an admin: the dashboard does). */
  async function as(auth: Auth, method: string, path: string, body?: Record<string, unknown>): Promise<{ status: number; body: any }> {
    const segments = path.split('/');
    const found = router().find(method, segments);
    if (!found) throw new Error(`no route ${method} ${path}`);
    const req = readRestRequest(new Request(`http://localhost/parse/${path}`, { method }), segments, body, undefined);
    req.auth = auth;
    try {
      const r = await found.route.handler(req, found.params, deps());
      if (r instanceof Response) throw new Error('unexpected Response');
      return { status: r.status ?? 200, body: r.body };
    } catch (error) {
      const answer = errorAnswer(error);
      return { status: answer.status, body: JSON.parse(answer.text) };
    }
  }

  beforeAll(async () => {
    await rest('POST', 'classes/Thing', { master: true, body: { name: 'second' } });
  });

  it('a read-only admin reads the schema but changes nothing: 119', async () => {
    const ro = scope({ readOnly: true });
    expect((await as(ro, 'GET', 'schemas')).status).toBe(200);
    expect((await as(ro, 'GET', 'schemas/Thing')).body.className).toBe('Thing');
    const writes: [string, string, Record<string, unknown>?][] = [
      ['POST', 'schemas/ByAdmin', {}],
      ['PUT', 'schemas/Thing', { fields: { extra: { type: 'String' } } }],
      ['DELETE', 'schemas/Thing'],
      ['DELETE', 'purge/Thing'],
    ];
    for (const [method, path, body] of writes) {
      const r = await as(ro, method, path, body);
      expect(r, `${method} ${path}`).toEqual({ status: 400, body: { code: 119, error: 'This dashboard user is read-only.' } });
    }
    expect((await rest('GET', 'schemas/ByAdmin', { master: true })).body.code).toBe(103);
    expect((await rest('GET', 'classes/Thing', { master: true })).body.results.length).toBeGreaterThan(0);
  });

  it('an admin scoped to some classes may not change the schema, nor purge a class out of its scope: 119', async () => {
    const scoped = scope({ classes: new Map([['Card', { write: true }]]) });
    expect((await as(scoped, 'POST', 'schemas/ByScoped', {})).body).toEqual({
      code: 119,
      error: 'This dashboard user is scoped to some classes and may not change the schema.',
    });
    expect((await as(scoped, 'DELETE', 'purge/Thing')).body).toEqual({ code: 119, error: 'This dashboard user has no access to class Thing.' });
  });

  it('an unscoped admin may change the schema', async () => {
    const r = await as(scope({}), 'POST', 'schemas/ByAdmin', { fields: { x: { type: 'String' } } });
    expect(r.status).toBe(200);
    expect(r.body.fields.x).toEqual({ type: 'String' });
  });
});
