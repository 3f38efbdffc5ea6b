import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Auth } from '../../src/security/index.ts';
import type { AdminPrincipal } from '../../src/admin/types.ts';
import type { FileStorage } from '../../src/files/types.ts';
import { RecentLogs } from '../../src/admin/logs/index.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { adminApi, makeAdmin, type AdminApi } from '../helpers/admin.ts';

// Issue 14, points 6–8 and the read-only / scope rules as the dashboard's endpoint meets them.
let s: TestServer;
let api: AdminApi;
let owner: AdminPrincipal;
let readOnly: AdminPrincipal;
const logs = new RecentLogs();

beforeAll(async () => {
  s = await startTestServer(
    {},
    {
      cloud: (cloud) => {
        cloud.define('echo', (req) => ({ when: req.params.when, master: req.master, user: req.user?.id ?? null }));
        cloud.job('hello', async () => 'hi');
      },
    },
  );
  const storage = {
    list: async (options?: { after?: string; limit?: number }) => ({
      files: [{ name: 'a.txt', size: 3, contentType: 'text/plain', etag: 'e', createdAt: new Date('2026-01-01T00:00:00Z'), metadata: {} }],
      next: options?.after ? undefined : 'a.txt',
    }),
  } as unknown as FileStorage;
  api = adminApi(s.plinth, { logs, fileStorage: storage });
  owner = await makeAdmin(s.plinth, 'OWNER');
  readOnly = await makeAdmin(s.plinth, 'READ_ONLY');
  await api.ok(owner, `mutation { createClass(className: "Doc", fields: {title: {type: "String"}, secret: {type: "String"}}) { className } }`);
  await s.plinth.core.create(Auth.master(), 'Doc', { title: 't', secret: 's' });
});
afterAll(() => s?.close());

describe('cloud code', () => {
  it('runs a function with Parse-encoded params, as the admin', async () => {
    const data = await api.ok(owner, `mutation($p: JSON) { runFunction(name: "echo", params: $p) }`, {
      p: { when: { __type: 'Date', iso: '2026-01-01T00:00:00.000Z' } },
    });
    expect(data.runFunction).toEqual({ when: { __type: 'Date', iso: '2026-01-01T00:00:00.000Z' }, master: true, user: null });
    const missing = await api.run(owner, `mutation { runFunction(name: "nope") }`);
    expect(missing.errors?.[0].extensions?.code).toBe(141);
  });

  it('queues a job run and lists the runs, newest first; a read-only admin may not run one', async () => {
    const { runJob } = await api.ok(owner, `mutation { runJob(name: "hello") }`);
    const runs = await api.ok(owner, `{ jobRuns(first: 5) }`);
    expect(runs.jobRuns[0]).toMatchObject({ objectId: runJob, jobName: 'hello' });
    const refused = await api.run(readOnly, `mutation { runJob(name: "hello") }`);
    expect(refused.errors?.[0].extensions?.code).toBe(119);
  });
});

describe('read-only and scoped admins, refused by core through this endpoint', () => {
  it('a read-only admin reads but cannot write objects, send pushes or delete files', async () => {
    expect((await api.ok(readOnly, `{ objects(className: "Doc") { objects } }`)).objects.objects).toHaveLength(1);
    for (const mutation of [
      `mutation { createObject(className: "Doc", fields: {title: "x"}) }`,
      `mutation { sendPush(input: {channels: ["all"], data: {alert: "hi"}}) }`,
      `mutation { deleteFile(name: "a.txt") }`,
      `mutation { importObjects(className: "Doc", format: "json", text: "[{\\"title\\": \\"x\\"}]") { created failed errors } }`,
    ]) {
      const r = await api.run(readOnly, mutation);
      if (r.data?.importObjects) expect(r.data.importObjects).toMatchObject({ created: 0, failed: 1 });
      else expect(r.errors?.[0].extensions?.code, mutation).toBe(119);
    }
    expect(await s.plinth.core.count(Auth.master(), 'Doc')).toBe(1);
  });

  it('a scoped admin sees only its fields, and writes only where its scope allows', async () => {
    const scoped = await makeAdmin(s.plinth, 'SCOPED', { classes: [{ className: 'Doc', fields: ['title'], write: false }], features: ['data'] });
    const [doc] = (await api.ok(scoped, `{ objects(className: "Doc") { objects } }`)).objects.objects;
    expect(doc.title).toBe('t');
    expect(doc.secret).toBeUndefined();
    const write = await api.run(scoped, `mutation($id: ID!) { updateObject(className: "Doc", objectId: $id, fields: {title: "u"}) }`, { id: doc.objectId });
    expect(write.errors?.[0].extensions?.code).toBe(119);
    const other = await api.run(scoped, `{ objects(className: "_User") { objects } }`);
    expect(other.errors?.[0].extensions?.code).toBe(119);
  });
});

describe('files, logs and audit screens', () => {
  it('lists stored files with their download URLs, page by page', async () => {
    const data = await api.ok(owner, `{ files(first: 1) }`);
    expect(data.files).toEqual({
      files: [{ name: 'a.txt', size: 3, contentType: 'text/plain', createdAt: '2026-01-01T00:00:00.000Z', url: s.plinth.fileDownloads.url('a.txt') }],
      next: 'a.txt',
    });
  });

  it('reads recent logs with filters, newest first', async () => {
    logs.write(`${JSON.stringify({ level: 30, time: 1, msg: 'first line' })}\n`);
    logs.write(`${JSON.stringify({ level: 50, time: 2, msg: 'boom happened' })}\n`);
    const data = await api.ok(owner, `{ errors: logs(level: "error") { level msg } all: logs { msg } }`);
    expect(data.errors).toEqual([{ level: 'error', msg: 'boom happened' }]);
    expect(data.all.map((l: any) => l.msg)).toEqual(['boom happened', 'first line']);
    expect((await api.run(owner, `{ logs(level: "loud") { msg } }`)).errors?.[0].extensions?.code).toBe(102);
  });

  it('records the dashboard’s writes in the audit trail, readable by owners only', async () => {
    const created = (await api.ok(owner, `mutation { createObject(className: "Doc", fields: {title: "audited"}) }`)).createObject;
    const data = await api.ok(owner, `query($id: String) { audit(className: "Doc", objectId: $id) { entries { actor action after } } }`, {
      id: created.objectId,
    });
    expect(data.audit.entries).toEqual([expect.objectContaining({ actor: owner.user.email, action: 'create' })]);
    const admin = await makeAdmin(s.plinth, 'ADMIN');
    expect((await api.run(admin, `{ audit { next } }`)).errors?.[0].extensions?.code).toBe(119);
  });
});

describe('the endpoint', () => {
  it('answers only POST, and masks unexpected failures to code 1 without their detail', async () => {
    const get = await api.graphql.fetch(new Request('http://localhost/dashboard/graphql?query={me{canWrite}}'), owner);
    expect(get.status).toBe(405);
    const failing = adminApi(s.plinth, {
      cloud: {
        callFunction: async () => null,
        describe: async () => {
          throw new Error('secret detail at /srv/app.js');
        },
      },
    });
    const r = await failing.run(owner, '{ cloudCode }');
    expect(r.errors).toEqual([expect.objectContaining({ message: 'Internal server error', extensions: { code: 1 } })]);
    expect(JSON.stringify(r)).not.toContain('secret');
    const bad = await api.run(owner, '{ nope }');
    expect(bad.errors?.[0].message).toMatch(/nope/);
  });

  it('serves the live grid over SSE too, as a platform Response', async () => {
    const res = await api.graphql.fetch(
      new Request('http://localhost/dashboard/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: 'subscription { objectEvents(className: "Doc") { kind object } }' }),
      }),
      owner,
    );
    expect(res).toBeInstanceOf(Response);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    const reading = (async () => {
      const decoder = new TextDecoder();
      while (!text.includes('CREATE')) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
    })();
    for (let i = 0; i < 100 && !text.includes('CREATE'); i++) {
      await s.plinth.core.create(Auth.master(), 'Doc', { title: 'live' });
      await new Promise((r) => setTimeout(r, 50));
    }
    await reading;
    await reader.cancel();
    expect(text).toContain('"title":"live"');
  });
});
