import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudError } from '../../src/cloud/errors.ts';
import type { CloudObject } from '../../src/cloud/types.ts';
import { signUp } from '../cloud/harness.ts';
import { eventually } from '../cloud/jobs-harness.ts';
import { restClient } from '../helpers/rest.ts';
import { APP_ID, MASTER_KEY, overSocket, startTestServer, type TestServer } from '../helpers/server.ts';

// Cloud functions and jobs through Parse's REST API: `POST /functions/<name>` as each kind of
// caller (request.user and request.master as cloud code sees them), params decoded from Parse
// JSON and results encoded back, errors as Parse answers them; `POST /jobs/<name>` for the
// master key only, answered at once with the run's status id.

let s: TestServer;
let rest: ReturnType<typeof restClient>;
let user: { id: string; token: string };

beforeAll(async () => {
  s = await startTestServer(
    { jobs: { pollMs: 100 } },
    {
      cloud: (cloud) => {
        cloud.define('whoami', (req) => ({
          user: (req.user?.get('username') as string | undefined) ?? null,
          master: req.master,
          params: req.params,
        }));
        cloud.define('types', (req) => {
          const when = req.params.when;
          const ptr = req.params.ptr as CloudObject;
          return {
            isDate: when instanceof Date,
            year: when instanceof Date ? when.getUTCFullYear() : null,
            ptr: [ptr.className, ptr.id],
            at: new Date('2024-05-06T07:08:09.000Z'),
          };
        });
        cloud.define('nothing', () => undefined);
        cloud.define('boom', () => {
          throw new Error('the function failed');
        });
        cloud.define('coded', () => {
          throw new CloudError(205, 'a coded refusal');
        });
        cloud.define('needsUser', () => 'ok', { requireUser: true });
        cloud.job('report', async (req) => `report for ${req.params.who}`);
      },
    },
  );
  rest = restClient(s.plinth);
  user = await signUp(s, `fn-user-${Date.now()}`);
});
afterAll(() => s?.close());

describe('POST /functions/<name>', () => {
  it('runs as each caller: anonymous, a user (request.user), the master key (request.master)', async () => {
    const anon = await rest('POST', 'functions/whoami', { body: { a: 1 } });
    expect(anon.status).toBe(200);
    expect(anon.body).toEqual({ result: { user: null, master: false, params: { a: 1 } } });
    const asUser = await rest('POST', 'functions/whoami', { session: user.token, body: {} });
    expect(asUser.body.result).toMatchObject({ user: expect.stringMatching(/^fn-user-/), master: false });
    const asMaster = await rest('POST', 'functions/whoami', { master: true, body: {} });
    expect(asMaster.body.result).toMatchObject({ user: null, master: true });
  });

  it('decodes Parse JSON params to the SDK types and encodes the result back', async () => {
    const r = await rest('POST', 'functions/types', {
      body: { when: { __type: 'Date', iso: '2021-02-03T04:05:06.000Z' }, ptr: { __type: 'Pointer', className: 'Thing', objectId: 'abc' } },
    });
    expect(r.status).toBe(200);
    expect(r.body.result).toEqual({ isDate: true, year: 2021, ptr: ['Thing', 'abc'], at: { __type: 'Date', iso: '2024-05-06T07:08:09.000Z' } });
  });

  it('a function that returns nothing answers {}; GET takes the params from the query string', async () => {
    expect((await rest('POST', 'functions/nothing', { body: {} })).body).toEqual({});
    const got = await rest('GET', 'functions/whoami', { params: { q: 'x' } });
    expect(got.body.result.params).toEqual({ q: 'x' });
  });

  it('the JavaScript SDK body form: text/plain JSON with the credentials inside', async () => {
    const res = await overSocket(s.plinth, '/parse/functions/whoami', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ _ApplicationId: APP_ID, _SessionToken: user.token, _ClientVersion: 'js8.6.2', _InstallationId: 'i-1', n: 2 }),
    });
    expect(res.status).toBe(200);
    expect((await res.json()).result).toMatchObject({ user: expect.stringMatching(/^fn-user-/), params: { n: 2 } });
  });

  it('errors: unknown function 141, thrown Error 141 with its message, a coded error keeps its code, validators', async () => {
    const unknown = await rest('POST', 'functions/nope', { body: {} });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ code: 141, error: 'Invalid function: "nope"' });
    const thrown = await rest('POST', 'functions/boom', { body: {} });
    expect(thrown.status).toBe(400);
    expect(thrown.body).toEqual({ code: 141, error: 'the function failed' });
    expect((await rest('POST', 'functions/coded', { body: {} })).body).toEqual({ code: 205, error: 'a coded refusal' });
    const noUser = await rest('POST', 'functions/needsUser', { body: {} });
    expect(noUser.body.code).toBe(142);
    expect((await rest('POST', 'functions/needsUser', { session: user.token, body: {} })).body).toEqual({ result: 'ok' });
  });

  it('a client’s __proto__ param is dropped, never a prototype', async () => {
    const r = await rest('POST', 'functions/whoami', { body: '{"__proto__": {"polluted": true}, "ok": 1}' });
    expect(r.body.result.params).toEqual({ ok: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a wrong session token is 209, before the function runs', async () => {
    const r = await rest('POST', 'functions/whoami', { session: 'r:not-a-token', body: {} });
    expect(r.body.code).toBe(209);
  });
});

describe('POST /jobs/<name>', () => {
  it('is refused without the master key (403 Permission denied), for anonymous callers and users', async () => {
    for (const call of [{}, { session: user.token }]) {
      const r = await rest('POST', 'jobs/report', { ...call, body: { who: 'x' } });
      expect(r.status).toBe(403);
      expect(r.body).toEqual({ error: 'Permission denied' });
    }
  });

  it('with the master key: {} and X-Parse-Job-Status-Id at once; the run succeeds with the params', async () => {
    const r = await rest('POST', 'jobs/report', { master: true, body: { who: 'Ada' } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({});
    const id = r.headers.get('x-parse-job-status-id');
    expect(id).toMatch(/^\w{10}$/);
    const status = await eventually(async () => {
      const got = await rest('GET', `classes/_JobStatus/${id}`, { master: true });
      return ['succeeded', 'failed'].includes(got.body?.status) ? got.body : undefined;
    });
    expect(status).toMatchObject({ jobName: 'report', status: 'succeeded', message: 'report for Ada', params: { who: 'Ada' } });
  });

  it('POST /jobs with jobName in the body; an unknown job is 141 Invalid job.', async () => {
    const r = await rest('POST', 'jobs', { master: true, body: { jobName: 'report', who: 'Bo' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-parse-job-status-id')).toBeTruthy();
    const unknown = await rest('POST', 'jobs/nope', { master: true, body: {} });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ code: 141, error: 'Invalid job.' });
  });

  it('the master key in the SDK body form runs a job too', async () => {
    const res = await overSocket(s.plinth, '/parse/jobs/report', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ _ApplicationId: APP_ID, _MasterKey: MASTER_KEY, who: 'Cy' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-parse-job-status-id')).toBeTruthy();
  });
});
