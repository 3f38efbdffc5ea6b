import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RestDeps } from '../../src/rest/deps.ts';
import { readRestRequest } from '../../src/rest/request.ts';
import { errorAnswer } from '../../src/rest/respond.ts';
import { aggregateRoutes } from '../../src/rest/routes/aggregate.ts';
import { Auth, type AdminScope } from '../../src/security/index.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

// Parse's `GET aggregate/<Class>` (AggregateRouter) over REST: master key only, a pipeline in
// each of Parse's forms, `distinct` with `where`, results encoded as Parse answers them.

let s: TestServer;
let rest: ReturnType<typeof restClient>;
let user: { id: string; token: string };

const pointer = (objectId: string) => ({ __type: 'Pointer', className: '_User', objectId });
const date = (iso: string) => ({ __type: 'Date', iso });

beforeAll(async () => {
  s = await startTestServer();
  rest = restClient(s.plinth);
  const r = await s.anon(
    `mutation { signUp(input: { fields: { username: "ann", password: "correct-horse-battery" } }) { viewer { sessionToken user { objectId } } } }`,
  );
  user = { id: r.data?.signUp.viewer.user.objectId, token: r.data?.signUp.viewer.sessionToken };
  const created = await rest('POST', 'schemas/Sale', {
    master: true,
    body: {
      fields: {
        name: { type: 'String' },
        n: { type: 'Number' },
        when: { type: 'Date' },
        owner: { type: 'Pointer', targetClass: '_User' },
        tags: { type: 'Array' },
        secret: { type: 'String' },
      },
    },
  });
  expect(created.status).toBe(200);
  for (const i of [1, 2, 3]) {
    const r = await rest('POST', 'classes/Sale', {
      master: true,
      body: { name: `a${i % 2}`, n: i, when: date(`2020-01-0${i}T00:00:00.000Z`), owner: pointer(user.id), tags: ['x', `y${i}`], secret: 's' },
    });
    expect(r.status).toBe(201);
  }
  const withFile = await rest('POST', 'classes/Media', { master: true, body: { title: 'f', cover: { __type: 'File', name: 'cover.png' } } });
  expect(withFile.status, JSON.stringify(withFile.body)).toBe(201);
});
afterAll(() => s?.close());

const GROUP = [{ $group: { _id: '$name', total: { $sum: '$n' } } }, { $sort: { objectId: 1 } }];

describe('master key only', () => {
  for (const who of ['anonymous', 'a user'] as const)
    for (const params of [{ pipeline: GROUP }, { distinct: 'name' }])
      it(`${Object.keys(params)[0]} as ${who}: 403 {"error": "Permission denied"}`, async () => {
        const r = await rest('GET', 'aggregate/Sale', { params, session: who === 'a user' ? user.token : undefined });
        expect(r.status).toBe(403);
        expect(r.body).toEqual({ error: 'Permission denied' });
      });
});

describe('pipeline', () => {
  it('a list of stages (JSON in the query string): a group’s key is its objectId', async () => {
    const r = await rest('GET', 'aggregate/Sale', { master: true, params: { pipeline: GROUP } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      results: [
        { objectId: 'a0', total: 2 },
        { objectId: 'a1', total: 4 },
      ],
    });
  });

  it('an object of stages, as `pipeline` or as the parameters themselves ($group=…&$limit=…)', async () => {
    const asObject = await rest('GET', 'aggregate/Sale', { master: true, params: { pipeline: { $group: { _id: '$name' }, $sort: { objectId: -1 } } } });
    expect(asObject.body).toEqual({ results: [{ objectId: 'a1' }, { objectId: 'a0' }] });
    const asParams = await rest('GET', 'aggregate/Sale', { master: true, params: { $group: { _id: '$name' }, $sort: { objectId: 1 }, $limit: 1 } });
    expect(asParams.body).toEqual({ results: [{ objectId: 'a0' }] });
  });

  it('the JavaScript SDK’s form: a POST with _method GET and the pipeline in the body', async () => {
    const r = await rest('POST', 'aggregate/Sale', { master: true, body: { _method: 'GET', pipeline: GROUP, hint: null, explain: null } });
    expect(r.body.results).toEqual([
      { objectId: 'a0', total: 2 },
      { objectId: 'a1', total: 4 },
    ]);
  });

  it('values in Parse JSON: dates as Date objects (createdAt as a string), pointers as Pointers', async () => {
    const r = await rest('GET', 'aggregate/Sale', {
      master: true,
      params: { pipeline: [{ $match: { n: { $gt: 2 } } }, { $project: { name: 1, when: 1, owner: 1, createdAt: 1 } }] },
    });
    expect(r.body.results).toHaveLength(1);
    expect(r.body.results[0]).toMatchObject({ name: 'a1', when: date('2020-01-03T00:00:00.000Z'), owner: pointer(user.id) });
    expect(r.body.results[0].createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(r.body.results[0]).not.toHaveProperty('secret');
  });

  const BAD: [string, Record<string, unknown>, number, string][] = [
    ['a stage name without $ (Parse 9 refuses the old form)', { group: { _id: '$name' } }, 102, "Invalid aggregate stage 'group'."],
    ['a parameter that is no stage', { limit: 2 }, 102, "Invalid aggregate stage 'limit'."],
    [
      'a stage with two keys',
      { pipeline: [{ $group: { _id: '$name' }, $limit: 1 }] },
      102,
      'Pipeline stages should only have one key but found $group, $limit.',
    ],
    ['objectId in $group', { pipeline: [{ $group: { objectId: '$name' } }] }, 102, "Cannot use 'objectId' in aggregation stage $group."],
    ['$group without _id', { pipeline: [{ $group: { total: { $sum: '$n' } } }] }, 102, 'Invalid parameter for query: group. Missing key _id'],
  ];
  for (const [what, params, code, error] of BAD)
    it(`refuses ${what}: ${code}`, async () => {
      const r = await rest('GET', 'aggregate/Sale', { master: true, params });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ code, error });
    });

  it('refuses a field the class does not have (core’s check, before any SQL)', async () => {
    const r = await rest('GET', 'aggregate/Sale', { master: true, params: { pipeline: [{ $group: { _id: '$ghost' } }] } });
    expect(r.status).toBe(400);
    expect([102, 105]).toContain(r.body.code);
  });

  it('a class that does not exist has no results', async () => {
    expect((await rest('GET', 'aggregate/Nowhere', { master: true, params: { pipeline: GROUP } })).body).toEqual({ results: [] });
  });
});

describe('distinct', () => {
  it('the values of a field, with where as JSON; dates as ISO strings, pointers as Pointers, array elements one by one', async () => {
    const names = await rest('GET', 'aggregate/Sale', { master: true, params: { distinct: 'name' } });
    expect([...names.body.results].sort()).toEqual(['a0', 'a1']);
    const filtered = await rest('GET', 'aggregate/Sale', {
      master: true,
      params: { distinct: 'n', where: { when: { $gt: date('2020-01-01T12:00:00.000Z') } } },
    });
    expect([...filtered.body.results].sort()).toEqual([2, 3]);
    const dates = await rest('GET', 'aggregate/Sale', { master: true, params: { distinct: 'when' } });
    expect([...dates.body.results].sort()).toEqual(['2020-01-01T00:00:00.000Z', '2020-01-02T00:00:00.000Z', '2020-01-03T00:00:00.000Z']);
    const owners = await rest('GET', 'aggregate/Sale', { master: true, params: { distinct: 'owner' } });
    expect(owners.body.results).toEqual([pointer(user.id)]);
    const tags = await rest('GET', 'aggregate/Sale', { master: true, params: { distinct: 'tags' } });
    expect([...tags.body.results].sort()).toEqual(['x', 'y1', 'y2', 'y3']);
  });

  it('the JavaScript SDK’s form: distinct and where in the body of a POST with _method GET', async () => {
    const r = await rest('POST', 'aggregate/Sale', { master: true, body: { _method: 'GET', distinct: 'name', where: { n: 1 } } });
    expect(r.body).toEqual({ results: ['a1'] });
  });

  it('files with their URL, as Parse expands them', async () => {
    const r = await rest('GET', 'aggregate/Media', { master: true, params: { distinct: 'cover' } });
    expect(r.body.results).toEqual([{ __type: 'File', name: 'cover.png', url: expect.stringContaining('cover.png') }]);
    const grouped = await rest('GET', 'aggregate/Media', { master: true, params: { pipeline: [{ $match: { title: 'f' } }, { $project: { cover: 1 } }] } });
    expect(grouped.body.results[0].cover).toEqual({ __type: 'File', name: 'cover.png', url: expect.stringContaining('cover.png') });
  });

  it('refuses a where that is not JSON: 107, as Parse answers', async () => {
    const r = await rest('GET', 'aggregate/Sale', { master: true, params: { distinct: 'name', where: '{bad' } });
    expect(r.body).toEqual({ code: 107, error: 'where parameter is not valid JSON' });
  });

  it('a class that does not exist has no values', async () => {
    expect((await rest('GET', 'aggregate/Nowhere', { master: true, params: { distinct: 'name' } })).body).toEqual({ results: [] });
  });
});

describe('dashboard admins (the master key within a scope)', () => {
  const scope = (sc: Partial<AdminScope>) => Auth.admin({ adminId: 'a', email: 'a@example.com', readOnly: false, ...sc });
  const deps = () =>
    ({
      config: s.plinth.config,
      logger: s.plinth.logger,
      core: s.plinth.core,
      schemaStore: s.plinth.schemaStore,
      fileUrl: (n: string) => n,
    }) as unknown as RestDeps;

  async function as(auth: Auth, params: Record<string, string>): Promise<{ status: number; body: any }> {
    const url = new URL('http://localhost/parse/aggregate/Sale');
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const req = readRestRequest(new Request(url), ['aggregate', 'Sale'], undefined, undefined);
    req.auth = auth;
    try {
      const r = await aggregateRoutes[0].handler(req, Object.assign(Object.create(null), { className: 'Sale' }), deps());
      if (r instanceof Response) throw new Error('unexpected Response');
      return { status: r.status ?? 200, body: r.body };
    } catch (error) {
      const answer = errorAnswer(error);
      return { status: answer.status, body: JSON.parse(answer.text) };
    }
  }

  it('a read-only admin may aggregate (a read)', async () => {
    const r = await as(scope({ readOnly: true }), { pipeline: JSON.stringify(GROUP) });
    expect(r.body.results).toHaveLength(2);
  });

  it('an admin who sees only some fields of the class may not aggregate over it, nor read the distinct values of a hidden field: 119', async () => {
    const limited = scope({ classes: new Map([['Sale', { fields: new Set(['name']), write: false }]]) });
    expect((await as(limited, { pipeline: JSON.stringify(GROUP) })).body.code).toBe(119);
    expect((await as(limited, { distinct: 'secret' })).body).toEqual({ code: 119, error: 'This dashboard user has no access to field secret of class Sale.' });
    expect((await as(limited, { distinct: 'name' })).body.results.sort()).toEqual(['a0', 'a1']);
  });
});
