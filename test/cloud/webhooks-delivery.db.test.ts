import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../src/cloud/webhooks/index.ts';
import { failure, startCloudServer, until, type CloudTestServer } from './harness.ts';
import { startReceiver, type Received, type Receiver } from './webhooks-receiver.ts';

/*
 * After-trigger hooks (afterSave, afterDelete): queued inside the write's transaction, POSTed
 * by the job engine after the commit, at least once — retried while the receiver fails, never
 * sent for a write that rolled back, and kept (listed) when they fail for good.
 */

const KEY = 'whsec-delivery-0123456789';
let s: CloudTestServer;
let r: Receiver;

const CREATE_TR = `mutation($c: String!, $t: String!, $u: String!) { createTriggerHook(input: { className: $c, triggerName: $t, url: $u }) { triggerHook { url } } }`;
const FAILURES = `{ webhookFailures { id className triggerName objectId url attempts error body failedAt } }`;

async function createClass(name: string, fields = `addStrings: [{ name: "title" }], addNumbers: [{ name: "views" }]`): Promise<void> {
  await s.ok(`mutation { createClass(input: { name: "${name}", schemaFields: { ${fields} } }) { class { name } } }`);
}

async function create(className: string, fields: Record<string, unknown>): Promise<string> {
  const field = className[0].toLowerCase() + className.slice(1);
  const res = await s.ok(`mutation($f: Create${className}FieldsInput) { create${className}(input: { fields: $f }) { ${field} { objectId } } }`, { f: fields });
  return res[`create${className}`][field].objectId;
}

const titled = (path: string, title: string) => r.calls(path).filter((c) => c.body?.object?.title === title);

beforeAll(async () => {
  r = await startReceiver();
  s = await startCloudServer((cloud) => void cloud.define('noop', () => null), {
    webhooks: { key: KEY, timeoutMs: 1000, retries: 3, retryDelayMs: 0 },
    jobs: { pollMs: 100 },
  });
  await createClass('Post');
  await createClass('Comment', `addStrings: [{ name: "body", required: true }], addPointers: [{ name: "post", targetClassName: "Post" }]`);
  await s.ok(CREATE_TR, { c: 'Post', t: 'afterSave', u: r.url('/post/saved') });
  await s.ok(CREATE_TR, { c: 'Post', t: 'afterDelete', u: r.url('/post/deleted') });
});

afterAll(async () => {
  await s?.close();
  await r?.close();
});

describe('afterSave and afterDelete hooks', () => {
  it('deliver after the commit: the whole object (and the original on update), signed, with a delivery id', async () => {
    const stored: Promise<unknown[]>[] = [];
    r.on('/post/saved', (call) => {
      // What the database holds when the call arrives: the write has committed.
      stored.push(s.rows('Post', `"objectId" = $1`, [call.body.object.objectId]));
      return { json: { success: true } };
    });
    const id = await create('Post', { title: 'first', views: 1 });
    await until(() => titled('/post/saved', 'first').length === 1, 10_000, 'the afterSave delivery');
    const [call] = titled('/post/saved', 'first');
    expect(call.body).toMatchObject({
      triggerName: 'afterSave',
      master: true,
      object: { className: 'Post', objectId: id, title: 'first', views: 1, createdAt: expect.any(String) },
    });
    expect(call.body.original).toBeUndefined();
    expect(await stored[0]).toHaveLength(1);
    expect(call.headers['x-parse-webhook-key']).toBe(KEY);
    expect(verifyWebhookSignature(KEY, call.headers['x-plinth-signature'] as string, call.raw)).toBe(true);
    expect(call.headers['x-plinth-delivery-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(call.headers['x-plinth-delivery-attempt']).toBe('1');

    await s.ok(`mutation($id: ID!) { updatePost(input: { id: $id, fields: { title: "second" } }) { post { objectId } } }`, { id });
    await until(() => titled('/post/saved', 'second').length === 1, 10_000, 'the update’s delivery');
    // The update changed only the title: the hook still gets the whole object, and the original.
    expect(titled('/post/saved', 'second')[0].body).toMatchObject({
      object: { objectId: id, title: 'second', views: 1 },
      original: { className: 'Post', objectId: id, title: 'first', views: 1 },
    });

    await s.ok(`mutation($id: ID!) { deletePost(input: { id: $id }) { post { objectId } } }`, { id });
    await until(() => r.calls('/post/deleted').length === 1, 10_000, 'the afterDelete delivery');
    expect(r.calls('/post/deleted')[0].body).toMatchObject({
      triggerName: 'afterDelete',
      object: { className: 'Post', objectId: id, title: 'second', views: 1 },
    });
  });

  it('deliver nothing for a write that rolled back', async () => {
    // The nested post is written (and its delivery queued) first; the comment then fails: all rolls back.
    const written: unknown[] = [];
    const stop = s.plinth.hooks.register('Post', { inTransaction: (_op, _tx, object) => void written.push(object.title) });
    const res = await s.master(
      `mutation { createComment(input: { fields: { body: "", post: { createAndLink: { title: "rolled back" } } } }) { comment { objectId } } }`,
    );
    stop();
    expect(failure(res)).toEqual({ code: 142, message: 'body is required' });
    expect(written).toEqual(['rolled back']); // the post was written inside the transaction, after its delivery was queued
    expect(await s.rows('Post', `"title" = 'rolled back'`)).toEqual([]);
    // A write made afterwards is delivered; the rolled-back one never is.
    await create('Post', { title: 'committed' });
    await until(() => titled('/post/saved', 'committed').length === 1, 10_000, 'the committed write’s delivery');
    await new Promise((done) => setTimeout(done, 500));
    expect(titled('/post/saved', 'rolled back')).toEqual([]);
    // The same nested write, committed, delivers the nested object too.
    await s.ok(`mutation { createComment(input: { fields: { body: "hi", post: { createAndLink: { title: "nested" } } } }) { comment { objectId } } }`);
    await until(() => titled('/post/saved', 'nested').length === 1, 10_000, 'the nested object’s delivery');
  });

  it('retry until the receiver accepts (the same delivery id and body on each attempt)', async () => {
    await createClass('Flaky');
    r.on('/flaky', (_call, n) => (n === 1 ? { status: 500, json: { error: 'try later' } } : { json: { success: true } }));
    await s.ok(CREATE_TR, { c: 'Flaky', t: 'afterSave', u: r.url('/flaky') });
    await create('Flaky', { title: 'eventually' });
    await until(() => r.calls('/flaky').length === 2, 10_000, 'the second attempt');
    const [first, second] = r.calls('/flaky');
    expect(second.headers['x-plinth-delivery-id']).toBe(first.headers['x-plinth-delivery-id']);
    expect([first.headers['x-plinth-delivery-attempt'], second.headers['x-plinth-delivery-attempt']]).toEqual(['1', '2']);
    expect(second.body).toEqual(first.body);
    await new Promise((done) => setTimeout(done, 300));
    expect(r.calls('/flaky')).toHaveLength(2);
    expect((await s.ok(FAILURES)).webhookFailures.filter((f: { className: string }) => f.className === 'Flaky')).toEqual([]);
  });

  it('a delivery that keeps failing stops after the configured attempts, is logged and listed', async () => {
    await createClass('Doomed');
    r.on('/doomed', () => ({ status: 503, text: 'down' }));
    await s.ok(CREATE_TR, { c: 'Doomed', t: 'afterSave', u: r.url('/doomed') });
    const id = await create('Doomed', { title: 'never' });
    let listed: any[] = [];
    await until(
      async () => {
        listed = (await s.ok(FAILURES)).webhookFailures.filter((f: { className: string }) => f.className === 'Doomed');
        return listed.length === 1;
      },
      15_000,
      'the failure to be recorded',
    );
    expect(r.calls('/doomed')).toHaveLength(4); // the first attempt and 3 retries
    expect(listed[0]).toMatchObject({
      triggerName: 'afterSave',
      objectId: id,
      url: r.url('/doomed'),
      attempts: 4,
      error: 'Webhook answered HTTP 503',
      body: { object: { title: 'never' } },
    });
    expect(listed[0].id).toBe(r.calls('/doomed')[0].headers['x-plinth-delivery-id']);
    expect(s.logs.some((l) => l.level === 50 && /webhook afterSave Doomed was not delivered \(4 attempts\)/.test(l.msg))).toBe(true);
    expect(failure(await s.anon(FAILURES))?.code).toBe(119);
  });

  it('a receiver’s refusal (4xx, {error}) is not retried, and is listed', async () => {
    await createClass('Refused');
    r.on('/refused', () => ({ status: 422, json: { error: 'bad payload' } }));
    await s.ok(CREATE_TR, { c: 'Refused', t: 'afterSave', u: r.url('/refused') });
    await create('Refused', { title: 'no' });
    let listed: any[] = [];
    await until(
      async () => {
        listed = (await s.ok(FAILURES)).webhookFailures.filter((f: { className: string }) => f.className === 'Refused');
        return listed.length === 1;
      },
      10_000,
      'the refusal to be recorded',
    );
    expect(listed[0]).toMatchObject({ attempts: 1, error: 'bad payload' });
    expect(r.calls('/refused')).toHaveLength(1);
  });

  it('count in the registry view’s statistics of the hook', async () => {
    const { cloudCode } = await s.ok(`{ cloudCode { classes { className triggers { kind location stats { calls errors } } } } }`);
    const doomed = cloudCode.classes.find((c: { className: string }) => c.className === 'Doomed');
    expect(doomed.triggers).toEqual([{ kind: 'afterSave', location: r.url('/doomed'), stats: { calls: 4, errors: 4 } }]);
    const received: Received[] = r.calls('/post/saved');
    const post = cloudCode.classes.find((c: { className: string }) => c.className === 'Post');
    expect(post.triggers.find((t: { kind: string }) => t.kind === 'afterSave').stats.calls).toBe(received.length);
  });
});
