import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { openDatabase, type Database } from '../../src/db/index.ts';
import { createPlinth, type Plinth } from '../../src/server/app.ts';
import { verifyWebhookSignature } from '../../src/cloud/webhooks/index.ts';
import { APP_ID, MASTER_KEY, failure, startCloudServer, until, type CloudTestServer } from './harness.ts';
import { startReceiver, type Receiver } from './webhooks-receiver.ts';

/*
 * Parse's Hooks API over GraphQL: hooks registered with the master key, stored in "_Hooks",
 * called synchronously for functions and before-triggers (through the cloud runtime), signed
 * with the webhook key, and followed by every instance on the database.
 */

const KEY = 'whsec-test-0123456789';
let s: CloudTestServer;
let r: Receiver;

const LIST = `{ functionHooks { functionName url } triggerHooks { className triggerName url } }`;
const CREATE_FN = `mutation($f: String!, $u: String!) { createFunctionHook(input: { functionName: $f, url: $u, clientMutationId: "c1" }) { functionHook { functionName url } clientMutationId } }`;
const UPDATE_FN = `mutation($f: String!, $u: String!) { updateFunctionHook(input: { functionName: $f, url: $u }) { functionHook { functionName url } } }`;
const DELETE_FN = `mutation($f: String!) { deleteFunctionHook(input: { functionName: $f }) { functionHook { functionName url } } }`;
const CREATE_TR = `mutation($c: String!, $t: String!, $u: String!) { createTriggerHook(input: { className: $c, triggerName: $t, url: $u }) { triggerHook { className triggerName url } } }`;
const UPDATE_TR = `mutation($c: String!, $t: String!, $u: String!) { updateTriggerHook(input: { className: $c, triggerName: $t, url: $u }) { triggerHook { url } } }`;
const DELETE_TR = `mutation($c: String!, $t: String!) { deleteTriggerHook(input: { className: $c, triggerName: $t }) { triggerHook { className triggerName url } } }`;
const CALL = `mutation($fn: CloudCodeFunction!, $p: Object) { callCloudCode(input: { functionName: $fn, params: $p }) { result } }`;
const ENUM = `{ __type(name: "CloudCodeFunction") { enumValues { name } } }`;

async function enumValues(server: { master: CloudTestServer['master'] }): Promise<string[]> {
  const res = await server.master(ENUM);
  return res.data?.__type?.enumValues?.map((v: { name: string }) => v.name) ?? [];
}

beforeAll(async () => {
  r = await startReceiver();
  s = await startCloudServer(
    (cloud) => {
      cloud.define('codeFn', () => 'from code');
      cloud.define('shared', () => 'from code');
      cloud.beforeSave('Post', (req) => {
        req.object.set('slug', String(req.object.get('title')).toLowerCase());
      });
    },
    { webhooks: { key: KEY, timeoutMs: 400, pollMs: 200 } },
  );
  await s.ok(
    `mutation { createClass(input: { name: "Post", schemaFields: { addStrings: [{ name: "title" }, { name: "slug" }, { name: "note" }], addNumbers: [{ name: "views" }] } }) { class { name } } }`,
  );
});

afterAll(async () => {
  await s?.close();
  await r?.close();
});

describe('the Hooks API (master key only, Parse’s rules)', () => {
  it('refuses every field without the master key (119)', async () => {
    const url = r.url('/x');
    for (const [q, v] of [
      [LIST, {}],
      [`{ webhookFailures { id } }`, {}],
      [CREATE_FN, { f: 'x', u: url }],
      [UPDATE_FN, { f: 'x', u: url }],
      [DELETE_FN, { f: 'x' }],
      [CREATE_TR, { c: 'Post', t: 'beforeSave', u: url }],
      [UPDATE_TR, { c: 'Post', t: 'beforeSave', u: url }],
      [DELETE_TR, { c: 'Post', t: 'beforeSave' }],
    ] as const) {
      expect(failure(await s.anon(q, v))).toEqual({ code: 119, message: 'unauthorized: master key is required' });
    }
    expect(await s.rows('_Hooks')).toEqual([]);
  });

  it('creates, lists, updates and deletes hooks, stored in Parse’s _Hooks layout', async () => {
    const created = await s.ok(CREATE_FN, { f: 'crud', u: r.url('/crud/1') });
    expect(created.createFunctionHook).toEqual({ functionHook: { functionName: 'crud', url: r.url('/crud/1') }, clientMutationId: 'c1' });
    await s.ok(CREATE_TR, { c: 'Crud', t: 'afterDelete', u: r.url('/crud/t') });
    expect(await s.ok(LIST)).toEqual({
      functionHooks: [{ functionName: 'crud', url: r.url('/crud/1') }],
      triggerHooks: [{ className: 'Crud', triggerName: 'afterDelete', url: r.url('/crud/t') }],
    });
    const rows = await s.rows('_Hooks');
    expect(rows.map(({ functionName, className, triggerName, url }) => ({ functionName, className, triggerName, url }))).toEqual([
      { functionName: 'crud', className: null, triggerName: null, url: r.url('/crud/1') },
      { functionName: null, className: 'Crud', triggerName: 'afterDelete', url: r.url('/crud/t') },
    ]);
    expect(rows[0]).toMatchObject({ objectId: expect.any(String), _rperm: [], _wperm: [] });

    expect((await s.ok(UPDATE_FN, { f: 'crud', u: r.url('/crud/2') })).updateFunctionHook.functionHook.url).toBe(r.url('/crud/2'));
    expect((await s.ok(UPDATE_TR, { c: 'Crud', t: 'afterDelete', u: r.url('/crud/t2') })).updateTriggerHook.triggerHook.url).toBe(r.url('/crud/t2'));
    expect((await s.ok(DELETE_FN, { f: 'crud' })).deleteFunctionHook.functionHook).toEqual({ functionName: 'crud', url: r.url('/crud/2') });
    expect((await s.ok(DELETE_TR, { c: 'Crud', t: 'afterDelete' })).deleteTriggerHook.triggerHook).toEqual({
      className: 'Crud',
      triggerName: 'afterDelete',
      url: r.url('/crud/t2'),
    });
    // Deleting what is not there is no error (Parse answers {}).
    expect((await s.ok(DELETE_FN, { f: 'crud' })).deleteFunctionHook.functionHook).toBeNull();
    expect(await s.ok(LIST)).toEqual({ functionHooks: [], triggerHooks: [] });
  });

  it('answers Parse’s 143 errors: duplicates, unknown hooks, invalid declarations; and refuses non-http(s) URLs', async () => {
    const url = r.url('/dup');
    await s.ok(CREATE_FN, { f: 'dup', u: url });
    await s.ok(CREATE_TR, { c: 'Dup', t: 'beforeSave', u: url });
    const cases: [string, Record<string, unknown>, string][] = [
      [CREATE_FN, { f: 'dup', u: url }, 'function name: dup already exists'],
      [UPDATE_FN, { f: 'nope', u: url }, 'no function named: nope is defined'],
      [CREATE_TR, { c: 'Dup', t: 'beforeSave', u: url }, 'class Dup already has trigger beforeSave'],
      [UPDATE_TR, { c: 'Nothing', t: 'beforeSave', u: url }, 'class Nothing does not exist'],
      [CREATE_TR, { c: 'Dup', t: 'beforeDance', u: url }, 'invalid hook declaration'],
      [CREATE_FN, { f: 'noUrl', u: '' }, 'invalid hook declaration'],
      [CREATE_FN, { f: 'ftp', u: 'ftp://files.example/x' }, 'invalid hook url: only http and https URLs are allowed, got ftp'],
      [CREATE_FN, { f: 'file', u: 'file:///etc/passwd' }, 'invalid hook url: only http and https URLs are allowed, got file'],
      [CREATE_FN, { f: 'rel', u: '/just/a/path' }, 'invalid hook url: "/just/a/path" is not an absolute URL'],
      [
        CREATE_TR,
        { c: 'Dup', t: 'beforeFind', u: url },
        'beforeFind cannot be a webhook here; webhooks serve beforeSave, afterSave, beforeDelete, afterDelete',
      ],
      [CREATE_TR, { c: '_Session', t: 'beforeSave', u: url }, 'Only the afterLogout trigger is allowed for the _Session class.'],
    ];
    for (const [q, v, message] of cases) expect(failure(await s.master(q, v)), message).toEqual({ code: 143, message });
    expect((await s.ok(LIST)).functionHooks.map((h: { functionName: string }) => h.functionName)).toEqual(['dup']);
    await s.ok(DELETE_FN, { f: 'dup' });
    await s.ok(DELETE_TR, { c: 'Dup', t: 'beforeSave' });
  });
});

describe('function hooks', () => {
  it('are called through callCloudCode: Parse’s body, the answer’s success as the result, its error as 141', async () => {
    r.on('/fn/hello', (call) => ({ json: { success: { greeting: `Hello ${call.body.params.name}`, when: call.body.params.when } } }));
    r.on('/fn/fails', () => ({ json: { error: 'the receiver says no' } }));
    await s.ok(CREATE_FN, { f: 'hello', u: r.url('/fn/hello') });
    await s.ok(CREATE_FN, { f: 'fails', u: r.url('/fn/fails') });
    const when = { __type: 'Date', iso: '2026-01-02T03:04:05.000Z' };
    const res = await s.request(CALL, { fn: 'hello', p: { name: 'Ada', when } }, { 'x-parse-installation-id': 'inst-1', 'x-custom': 'yes' });
    expect(res.errors).toBeUndefined();
    expect(res.data.callCloudCode.result).toEqual({ greeting: 'Hello Ada', when });
    const call = r.calls('/fn/hello').at(-1)!;
    expect(call.headers['content-type']).toBe('application/json');
    expect(call.body).toMatchObject({
      functionName: 'hello',
      params: { name: 'Ada', when },
      master: false,
      installationId: 'inst-1',
      headers: { 'x-custom': 'yes' },
      context: {},
    });
    expect(call.body.headers).not.toHaveProperty('x-parse-master-key');
    expect((await s.master(CALL, { fn: 'hello', p: { name: 'Bo' } })).data.callCloudCode.result.greeting).toBe('Hello Bo');
    expect(r.calls('/fn/hello').at(-1)!.body.master).toBe(true);
    expect(failure(await s.anon(CALL, { fn: 'fails' }))).toEqual({ code: 141, message: 'the receiver says no' });
  });

  it('fail with 141 on a timeout and on an answer that is not JSON', async () => {
    r.on('/fn/slow', () => ({ delayMs: 3000, json: { success: 'too late' } }));
    r.on('/fn/garbage', () => ({ text: '<html>oops</html>' }));
    r.on('/fn/broken', () => ({ status: 500, text: 'boom' }));
    await s.ok(CREATE_FN, { f: 'slow', u: r.url('/fn/slow') });
    await s.ok(CREATE_FN, { f: 'garbage', u: r.url('/fn/garbage') });
    await s.ok(CREATE_FN, { f: 'broken', u: r.url('/fn/broken') });
    const started = Date.now();
    expect(failure(await s.anon(CALL, { fn: 'slow' }))).toEqual({ code: 141, message: 'Webhook timed out after 400 ms' });
    expect(Date.now() - started).toBeLessThan(2500);
    expect(failure(await s.anon(CALL, { fn: 'garbage' }))).toEqual({ code: 141, message: 'Malformed response' });
    expect(failure(await s.anon(CALL, { fn: 'broken' }))).toEqual({ code: 141, message: 'Webhook answered HTTP 500' });
  });

  it('are signed: X-Parse-Webhook-Key and an X-Plinth-Signature that verifies with the key', async () => {
    r.on('/fn/signed', () => ({ json: { success: 'ok' } }));
    await s.ok(CREATE_FN, { f: 'signed', u: r.url('/fn/signed') });
    await s.ok(CALL, { fn: 'signed', p: { n: 1 } });
    const call = r.calls('/fn/signed').at(-1)!;
    expect(call.headers['x-parse-webhook-key']).toBe(KEY);
    const signature = call.headers['x-plinth-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(KEY, signature, call.raw)).toBe(true);
    expect(verifyWebhookSignature('another-key', signature, call.raw)).toBe(false);
    expect(verifyWebhookSignature(KEY, signature, call.raw.replace('"n":1', '"n":2'))).toBe(false);
    // An old signature (a replay) is refused.
    expect(verifyWebhookSignature(KEY, signature, call.raw, { now: Date.now() + 3_600_000 })).toBe(false);
  });

  it('are listed by the CloudCodeFunction enum and the registry view, with their URL as location', async () => {
    await s.ok(CREATE_FN, { f: 'listed', u: r.url('/fn/listed') });
    expect(await enumValues(s)).toEqual(expect.arrayContaining(['codeFn', 'listed']));
    const { cloudCode } = await s.ok(`{ cloudCode { functions { name location line } } }`);
    expect(cloudCode.functions.find((f: { name: string }) => f.name === 'listed')).toEqual({ name: 'listed', location: r.url('/fn/listed'), line: 0 });
    expect(cloudCode.functions.find((f: { name: string }) => f.name === 'codeFn').location).toMatch(/webhooks-api\.db\.test\.ts:\d+$/);
    await s.ok(DELETE_FN, { f: 'listed' });
    expect(await enumValues(s)).not.toContain('listed');
  });

  it('a hook Parse Server wrote into _Hooks (no objectId of ours, no timestamps) is served within a poll', async () => {
    r.on('/fn/parse', () => ({ json: { success: 'from a Parse row' } }));
    await s.database.db.query(`INSERT INTO "_Hooks" ("objectId", "functionName", "url") VALUES ('parseHook01', 'fromParse', $1)`, [r.url('/fn/parse')]);
    await until(async () => (await enumValues(s)).includes('fromParse'), 3000, 'the row to be served');
    expect((await s.ok(CALL, { fn: 'fromParse' })).callCloudCode.result).toBe('from a Parse row');
    await s.ok(DELETE_FN, { f: 'fromParse' });
  });

  it('stay in force when the cloud code reloads', async () => {
    r.on('/fn/kept', () => ({ json: { success: 'still here' } }));
    await s.ok(CREATE_FN, { f: 'kept', u: r.url('/fn/kept') });
    expect(await s.plinth.cloud.reload()).toBe(true);
    expect(await enumValues(s)).toEqual(expect.arrayContaining(['codeFn', 'kept']));
    expect((await s.ok(CALL, { fn: 'kept' })).callCloudCode.result).toBe('still here');
    expect((await s.ok(CALL, { fn: 'codeFn' })).callCloudCode.result).toBe('from code');
    await s.ok(DELETE_FN, { f: 'kept' });
  });

  it('win over a function of the same name in the code while they exist (logged)', async () => {
    r.on('/fn/shared', () => ({ json: { success: 'from the webhook' } }));
    expect((await s.ok(CALL, { fn: 'shared' })).callCloudCode.result).toBe('from code');
    await s.ok(CREATE_FN, { f: 'shared', u: r.url('/fn/shared') });
    expect((await s.ok(CALL, { fn: 'shared' })).callCloudCode.result).toBe('from the webhook');
    expect(s.logs.some((l) => /function shared is defined by the cloud code and by a webhook/.test(l.msg))).toBe(true);
    await s.ok(DELETE_FN, { f: 'shared' });
    expect((await s.ok(CALL, { fn: 'shared' })).callCloudCode.result).toBe('from code');
  });
});

describe('before-trigger hooks', () => {
  const CREATE = `mutation($f: CreatePostFieldsInput) { createPost(input: { fields: $f }) { post { objectId title slug views note } } }`;

  it('a beforeSave hook runs after the code’s, sees the object and changes it with its answer', async () => {
    r.on('/post/beforeSave', (call) => {
      const object = call.body.object;
      if (object.title === 'forbidden') return { json: { error: 'No forbidden posts' } };
      return { json: { success: { ...object, title: `${object.title}!`, views: 7, note: { __op: 'Delete' } } } };
    });
    await s.ok(CREATE_TR, { c: 'Post', t: 'beforeSave', u: r.url('/post/beforeSave') });
    const { createPost } = await s.ok(CREATE, { f: { title: 'Hello', note: 'drop me' } });
    expect(createPost.post).toMatchObject({ title: 'Hello!', slug: 'hello', views: 7, note: null });
    const call = r.calls('/post/beforeSave').at(-1)!;
    // The code's trigger ran first: the hook saw its slug.
    expect(call.body).toMatchObject({ triggerName: 'beforeSave', master: true, object: { className: 'Post', title: 'Hello', slug: 'hello', note: 'drop me' } });
    expect(call.body.original).toBeUndefined();
    const [row] = await s.rows('Post', `"objectId" = $1`, [createPost.post.objectId]);
    expect(row).toMatchObject({ title: 'Hello!', slug: 'hello', views: 7, note: null });

    // On update the hook gets the object as it will be, and the original.
    await s.ok(`mutation($id: ID!) { updatePost(input: { id: $id, fields: { title: "Again" } }) { post { title } } }`, { id: createPost.post.objectId });
    expect(r.calls('/post/beforeSave').at(-1)!.body).toMatchObject({
      object: { title: 'Again', objectId: createPost.post.objectId },
      original: { title: 'Hello!', className: 'Post' },
    });
  });

  it('a beforeSave hook that answers an error refuses the write (141), nothing is stored', async () => {
    expect(failure(await s.anon(CREATE, { f: { title: 'forbidden' } }))).toEqual({ code: 141, message: 'No forbidden posts' });
    expect(await s.rows('Post', `"title" LIKE 'forbidden%'`)).toEqual([]);
  });

  it('a beforeDelete hook that answers an error keeps the object', async () => {
    r.on('/post/beforeDelete', (call) => (call.body.object.title === 'Keep!' ? { json: { error: 'This one stays' } } : { json: { success: true } }));
    await s.ok(CREATE_TR, { c: 'Post', t: 'beforeDelete', u: r.url('/post/beforeDelete') });
    const kept = (await s.ok(CREATE, { f: { title: 'Keep' } })).createPost.post.objectId;
    const gone = (await s.ok(CREATE, { f: { title: 'Go' } })).createPost.post.objectId;
    const DELETE = `mutation($id: ID!) { deletePost(input: { id: $id }) { post { objectId } } }`;
    expect(failure(await s.master(DELETE, { id: kept }))).toEqual({ code: 141, message: 'This one stays' });
    expect((await s.ok(DELETE, { id: gone })).deletePost.post.objectId).toBe(gone);
    expect((await s.rows('Post', `"objectId" = ANY($1)`, [[kept, gone]])).map((p) => p.objectId)).toEqual([kept]);
  });

  it('trigger hooks are triggers of their class in the registry view, after the code’s, located at their URL', async () => {
    const { cloudCode } = await s.ok(`{ cloudCode { classes { className triggers { kind order location stats { calls } } } } }`);
    const post = cloudCode.classes.find((c: { className: string }) => c.className === 'Post');
    expect(post.triggers.map((t: { kind: string; order: number; location: string }) => [t.kind, t.order, t.location])).toEqual([
      ['beforeSave', 1, expect.stringMatching(/webhooks-api\.db\.test\.ts:\d+$/)],
      ['beforeSave', 2, r.url('/post/beforeSave')],
      ['beforeDelete', 1, r.url('/post/beforeDelete')],
    ]);
    expect(post.triggers[1].stats.calls).toBeGreaterThanOrEqual(3);
  });
});

describe('two instances on one database', () => {
  let b: Plinth;
  const client = (p: Plinth) => ({
    master: async (query: string, variables?: Record<string, unknown>) => {
      const res = await p.fetch(
        new Request('http://plinth.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-parse-application-id': APP_ID, 'x-parse-master-key': MASTER_KEY },
          body: JSON.stringify({ query, variables }),
        }),
      );
      const body = await res.json();
      return { status: res.status, data: body.data, errors: body.errors, body };
    },
  });

  beforeAll(async () => {
    // On PGlite both share the one database object, which the second must not close.
    const db: Database = s.database.url
      ? await openDatabase({ url: s.database.url, poolSize: 4 })
      : new Proxy(s.database.db, { get: (target, key) => (key === 'close' ? async () => undefined : Reflect.get(target, key, target)) });
    const config = loadConfig(
      {},
      { appId: APP_ID, masterKey: MASTER_KEY, dataDir: '/tmp/plinth-test-unused', logLevel: 'silent', webhooks: { key: KEY, pollMs: 200 } },
    );
    b = await createPlinth(config, { db, cloudSetup: (cloud) => void cloud.define('codeFn', () => 'b') });
  });
  afterAll(async () => {
    await b?.close();
  });

  it('a hook created through one instance is used by the other within a poll, and leaves it when deleted', async () => {
    r.on('/fn/across', () => ({ json: { success: 'across instances' } }));
    const cb = client(b);
    expect(await enumValues(cb)).not.toContain('across');
    await s.ok(CREATE_FN, { f: 'across', u: r.url('/fn/across') });
    const started = Date.now();
    await until(async () => (await enumValues(cb)).includes('across'), 3000, 'the hook on the second instance');
    expect(Date.now() - started).toBeLessThan(1500);
    expect((await cb.master(CALL, { fn: 'across' })).data.callCloudCode.result).toBe('across instances');
    await s.ok(DELETE_FN, { f: 'across' });
    await until(async () => !(await enumValues(cb)).includes('across'), 3000, 'the hook to leave the second instance');
  });
});
