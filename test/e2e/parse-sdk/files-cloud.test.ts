import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudError } from '../../../src/cloud/errors.ts';
import type { CloudSetup } from '../../../src/cloud/types.ts';
import { APP_ID, as, eventually, master, Parse, seed, signUp, startSdkServer, type SdkServer } from './harness.ts';

// Files, cloud functions, jobs, triggers and Parse Config through the SDK.

const cloud: CloudSetup = (c) => {
  c.define<{ name?: string }>('hello', (req) => `Hello ${req.params.name ?? 'world'}!`);
  c.define('whoami', (req) => ({ user: req.user?.get('username') ?? null, master: req.master }));
  c.define('echo', (req) => req.params);
  c.define('refuse', () => {
    throw new CloudError(CloudError.OBJECT_NOT_FOUND, 'nothing here');
  });
  c.define('makeNote', (req) => req.data.as({ useMasterKey: true }).create('Note', { text: String(req.params.text) }));
  c.job('tally', async (req) => {
    await req.message('counting');
    const n = await req.data.count('Note');
    await req.data.create('Tally', { n, by: String(req.params.by) });
    return n;
  });
  // A trigger that changes the object: the SDK learns the change from the save's answer.
  for (const className of ['Stamped', 'FreshlyStamped'])
    c.beforeSave(className, (req) => {
      req.object.set('stamp', `stamped:${req.object.get('text')}`);
    });
};

let s: SdkServer;
beforeAll(async () => {
  s = await startSdkServer({}, { cloud });
});
afterAll(() => s?.close());

describe('files', () => {
  it('a file from base64 is saved, attached to an object, and its URL serves its bytes', async () => {
    const file = new Parse.File('hello.txt', { base64: Buffer.from('hello world').toString('base64') }, 'text/plain');
    await file.save(master);
    expect(file.name()).toMatch(/hello\.txt$/);
    expect(file.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const doc = new Parse.Object('Doc');
    doc.set('attachment', file);
    await doc.save(null, master);
    const got = await new Parse.Query('Doc').get(doc.id!);
    const attached = got.get('attachment') as Parse.File;
    expect(attached).toBeInstanceOf(Parse.File);
    expect(attached.name()).toBe(file.name());
    const res = await fetch(attached.url()!);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('hello world');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    // GraphQL sees the same file, with the same URL.
    const r = await s.graphql('query($id: ID!) { doc(id: $id) { attachment { name url } } }', { id: doc.id });
    expect(r.errors).toBeUndefined();
    expect(r.data.doc.attachment).toEqual({ name: file.name(), url: attached.url() });
  });

  it('a file from bytes (an array and a Buffer) keeps every byte', async () => {
    const bytes = [0, 1, 2, 127, 128, 250, 255];
    const fromArray = await new Parse.File('bytes.bin', bytes).save(master);
    // Node's build takes a Buffer (sent as a binary upload); the typings list the browser's kinds.
    const fromBuffer = await new Parse.File('buffer.bin', Buffer.from(bytes) as unknown as number[], 'application/octet-stream').save(master);
    for (const file of [fromArray!, fromBuffer!]) {
      const res = await fetch(file.url()!);
      expect(res.status).toBe(200);
      expect([...new Uint8Array(await res.arrayBuffer())]).toEqual(bytes);
    }
    const doc = new Parse.Object('Doc');
    doc.set('attachment', fromBuffer);
    await doc.save(null, master);
    expect((await new Parse.Query('Doc').get(doc.id!)).get('attachment').name()).toBe(fromBuffer!.name());
  });

  it('a signed-in user uploads too; deleting a file needs the master key', async () => {
    const user = await signUp('uploader');
    const file = (await new Parse.File('mine.txt', { base64: Buffer.from('mine').toString('base64') }).save(as(user)))!;
    expect(await (await fetch(file.url()!)).text()).toBe('mine');
    // destroy sends the master key unless told not to.
    await expect(file.destroy({ useMasterKey: false })).rejects.toBeInstanceOf(Parse.Error);
    expect((await fetch(file.url()!)).status).toBe(200);
    await file.destroy();
    expect((await fetch(file.url()!)).status).toBe(404);
  });
});

describe('cloud functions', () => {
  it('Parse.Cloud.run calls a function with params and answers its result', async () => {
    expect(await Parse.Cloud.run('hello')).toBe('Hello world!');
    expect(await Parse.Cloud.run('hello', { name: 'SDK' })).toBe('Hello SDK!');
  });

  it('the function sees the caller: anonymous, a user, the master key', async () => {
    expect(await Parse.Cloud.run('whoami')).toEqual({ user: null, master: false });
    const user = await signUp('caller');
    expect(await Parse.Cloud.run('whoami', {}, as(user))).toEqual({ user: 'caller', master: false });
    expect(await Parse.Cloud.run('whoami', {}, master)).toEqual({ user: null, master: true });
  });

  it('typed params go in and come back typed (Date, GeoPoint, pointer, nested)', async () => {
    const [note] = await seed('Note', [{ text: 'pointed' }]);
    const when = new Date('2023-03-04T05:06:07.000Z');
    const result = await Parse.Cloud.run('echo', { when, where: new Parse.GeoPoint(1.5, 2.5), note: note.toPointer(), list: [1, { a: 'b' }] });
    expect(result.when).toEqual(when);
    expect(result.where).toBeInstanceOf(Parse.GeoPoint);
    expect([result.where.latitude, result.where.longitude]).toEqual([1.5, 2.5]);
    expect(result.note).toBeInstanceOf(Parse.Object);
    expect(result.note.id).toBe(note.id);
    expect(result.list).toEqual([1, { a: 'b' }]);
  });

  it('an object a function returns arrives as a Parse.Object', async () => {
    const made = await Parse.Cloud.run('makeNote', { text: 'from cloud' });
    expect(made).toBeInstanceOf(Parse.Object);
    expect(made.className).toBe('Note');
    expect(made.get('text')).toBe('from cloud');
    expect((await new Parse.Query('Note').get(made.id)).get('text')).toBe('from cloud');
  });

  it('a thrown CloudError keeps its code; an unknown function is 141', async () => {
    await expect(Parse.Cloud.run('refuse')).rejects.toMatchObject({ code: 101, message: 'nothing here' });
    await expect(Parse.Cloud.run('noSuchFunction')).rejects.toMatchObject({ code: Parse.Error.SCRIPT_FAILED });
  });

  it('a beforeSave change comes back in the save answer', async () => {
    await seed('Stamped', [{ text: 'setup', stamp: 'none' }]);
    const [stamped] = await seed('Stamped', [{ text: 'a' }]);
    expect(stamped.get('stamp')).toBe('stamped:a');
    stamped.set('text', 'b');
    await stamped.save(null, master);
    expect(stamped.get('stamp')).toBe('stamped:b');
  });

  it('a beforeSave may set a field the class does not have yet (Parse adds fields after the trigger)', async () => {
    const [fresh] = await seed('FreshlyStamped', [{ text: 'first' }]);
    expect(fresh.get('stamp')).toBe('stamped:first');
    expect((await new Parse.Query('FreshlyStamped').get(fresh.id!, master)).get('stamp')).toBe('stamped:first');
  });
});

describe('jobs', () => {
  it('Parse.Cloud.startJob (master) runs the job; getJobStatus follows it to success', async () => {
    await seed('Note', [{ text: 'counted' }]);
    // Cloud code's data API writes only fields and classes that exist.
    await seed('Tally', [{ n: 0, by: 'setup' }]);
    const jobStatusId = await Parse.Cloud.startJob('tally', { by: 'sdk' });
    expect(typeof jobStatusId).toBe('string');
    const status = await eventually(async () => {
      const st = await Parse.Cloud.getJobStatus(jobStatusId);
      expect(st.get('status')).toBe('succeeded');
      return st;
    }, 10_000);
    expect(status.get('jobName')).toBe('tally');
    const tally = await new Parse.Query('Tally').equalTo('by', 'sdk').first(master);
    expect(tally!.get('n')).toBeGreaterThan(0);
  });

  it('refuses a job without the master key and an unknown job', async () => {
    const user = await signUp('jobless');
    const controller = Parse.CoreManager.getCloudController();
    await expect(controller.startJob('tally', {}, as(user))).rejects.toBeInstanceOf(Parse.Error);
    await expect(Parse.Cloud.startJob('noSuchJob', {})).rejects.toBeInstanceOf(Parse.Error);
  });
});

describe('Parse.Config', () => {
  it('save (master) and get; master-only params only for the master key', async () => {
    await Parse.Config.save({ greeting: 'hi', limit: 3, secret: 'shh' }, { secret: true });
    const config = await Parse.Config.get();
    expect(config.get('greeting')).toBe('hi');
    expect(config.get('limit')).toBe(3);
    expect(config.get('secret')).toBeUndefined();
    const asMaster = await Parse.Config.get(master);
    expect(asMaster.get('secret')).toBe('shh');
    expect((await Parse.Config.current()).get('greeting')).toBe('hi');
    await Parse.Config.save({ limit: 4 }, {});
    const after = await Parse.Config.get();
    expect(after.get('limit')).toBe(4);
    expect(after.get('greeting')).toBe('hi');
  });

  it('a client may not save the config (the SDK always sends the master key: over REST)', async () => {
    const user = await signUp('configless');
    const res = await fetch(`${s.serverURL}/config`, {
      method: 'PUT',
      headers: { 'X-Parse-Application-Id': APP_ID, 'X-Parse-Session-Token': user.getSessionToken()!, 'Content-Type': 'application/json' },
      body: JSON.stringify({ params: { greeting: 'hacked' } }),
    });
    expect(res.status).toBe(403);
    expect((await Parse.Config.get()).get('greeting')).toBe('hi');
  });
});
