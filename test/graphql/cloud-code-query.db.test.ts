import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { at, describedSetup } from '../cloud/describe-fixture.ts';
import { CLOUD_CODE_QUERY } from '../../src/server/cli-cloud.ts';

let s: TestServer;
const logs: Record<string, any>[] = [];
const THIS_FILE = fileURLToPath(import.meta.url);
/** Where this file registers its `slow` function (the line marked @slow). */
const SLOW_AT = `${THIS_FILE}:${
  readFileSync(THIS_FILE, 'utf8')
    .split('\n')
    .findIndex((l) => l.endsWith('// @slow')) + 1
}`;

beforeAll(async () => {
  const setup = await describedSetup();
  s = await startTestServer(
    { cloudCode: { slowMs: 40 }, logLevel: 'info' },
    {
      logger: createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line)) }),
      cloud: async (cloud) => {
        await setup(cloud);
        cloud.define('slow', async () => new Promise((resolve) => setTimeout(() => resolve('late'), 80))); // @slow
      },
    },
  );
  await s.ok(`mutation { createClass(input: { name: "Post", schemaFields: { addStrings: [{ name: "title" }] } }) { class { name } } }`);
  await s.ok(`mutation { createClass(input: { name: "Comment", schemaFields: { addStrings: [{ name: "text" }] } }) { class { name } } }`);
});

afterAll(async () => {
  await s?.close();
});

const createPost = (title: string) => s.master(`mutation($t: String) { createPost(input: { fields: { title: $t } }) { post { objectId } } }`, { t: title });

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('cloudCode (master only): where every rule runs', () => {
  it('answers the registry in force: per class the triggers in run order with file:line and validators, functions, jobs', async () => {
    const { cloudCode } = await s.ok(CLOUD_CODE_QUERY);
    expect(cloudCode.file).toBeNull(); // given as a function, not a file
    expect(Date.parse(cloudCode.loadedAt)).not.toBeNaN();
    expect(cloudCode.classes.map((c: any) => c.className)).toEqual(['Comment', 'Post', '_User']);
    const post = cloudCode.classes[1].triggers;
    expect(post.map((t: any) => [t.kind, t.order, t.location])).toEqual([
      ['beforeFind', 1, at('post-beforeFind').location],
      ['afterFind', 1, at('post-afterFind').location],
      ['beforeSave', 1, at('post-beforeSave-1').location],
      ['beforeSave', 2, at('post-beforeSave-2').location],
    ]);
    expect(post[2]).toMatchObject({
      file: at('post-beforeSave-1').file,
      line: at('post-beforeSave-1').line,
      validator: { requireUser: true, fields: { title: { type: 'String', required: true } } },
    });
    expect(post[0].validator).toBe('function');
    expect(cloudCode.functions.map((f: any) => f.name)).toEqual(['fails', 'hello', 'slow']);
    expect(cloudCode.functions[2]).toMatchObject({ file: THIS_FILE, location: SLOW_AT, validator: null });
    expect(cloudCode.jobs[0]).toMatchObject({
      name: 'cleanup',
      registered: true,
      schedule: '0 3 * * *',
      timeZone: 'Europe/Paris',
      description: 'nightly cleanup',
      schedules: [{ origin: 'code', schedule: '0 3 * * *' }],
    });
    expect(Date.parse(cloudCode.jobs[0].nextRun)).toBeGreaterThan(Date.now());
  });

  it('keeps counts, errors and p50/p99 for each trigger, function and job', async () => {
    expect((await createPost('one')).errors).toBeUndefined();
    expect((await createPost('two')).errors).toBeUndefined();
    expect((await createPost('fail')).errors?.[0]).toMatchObject({ message: 'no failing titles', extensions: { code: 142 } });
    await s.ok(`{ posts { count edges { node { title } } } }`);
    await s.ok(`mutation { callCloudCode(input: { functionName: hello, params: { name: "Ada" } }) { result } }`);
    expect((await s.master(`mutation { callCloudCode(input: { functionName: fails }) { result } }`)).errors?.[0]?.extensions?.code).toBe(141);
    const { runJob } = await s.ok(`mutation { runJob(input: { jobName: "cleanup" }) { jobStatusId } }`);
    expect(runJob.jobStatusId).toBeTruthy();

    const cloudCode = await eventually(async () => {
      const { cloudCode } = await s.ok(CLOUD_CODE_QUERY);
      return cloudCode.jobs[0].lastStatus === 'succeeded' ? cloudCode : undefined;
    }, 'the cleanup run to succeed');
    const post = cloudCode.classes[1].triggers;
    expect(post[2].stats).toMatchObject({ calls: 3, errors: 1, lastError: 'no failing titles' });
    expect(post[2].stats.p50Ms).toBeGreaterThanOrEqual(0);
    expect(post[2].stats.p99Ms).toBeGreaterThanOrEqual(post[2].stats.p50Ms);
    expect(Date.parse(post[2].stats.lastErrorAt)).not.toBeNaN();
    // The failing save stopped at the first beforeSave: the second ran for the two saves that went through.
    expect(post[3].stats).toMatchObject({ calls: 2, errors: 0, lastError: null });
    expect(post[0].stats.calls).toBeGreaterThanOrEqual(1);
    const fns = Object.fromEntries(cloudCode.functions.map((f: any) => [f.name, f.stats]));
    expect(fns.hello).toMatchObject({ calls: 1, errors: 0 });
    expect(fns.fails).toMatchObject({ calls: 1, errors: 1, lastError: 'it always fails' });
    expect(cloudCode.jobs[0]).toMatchObject({ lastStatus: 'succeeded', lastMessage: 'done', stats: { calls: 1, errors: 0 } });
    expect(Date.parse(cloudCode.jobs[0].lastRunAt)).not.toBeNaN();
  });

  it('is refused (119) without the master key, anonymous or signed in', async () => {
    const anon = await s.anon(`{ cloudCode { file } }`);
    expect(anon.errors?.[0]).toMatchObject({ message: 'unauthorized: master key is required', extensions: { code: 119 } });
    expect(anon.data?.cloudCode ?? null).toBeNull();
    const signedUp = await s.anon(`mutation { signUp(input: { fields: { username: "ada", password: "correct horse" } }) { viewer { sessionToken } } }`);
    const token = signedUp.data!.signUp.viewer.sessionToken;
    const user = await s.request(`{ cloudCode { classes { className } } }`, undefined, { 'x-parse-session-token': token });
    expect(user.errors?.[0]?.extensions?.code).toBe(119);
  });

  it('its names are reserved: a class cannot take the root field or a CloudCode… type', async () => {
    for (const name of ['CloudCode', 'CloudCodeJob', 'CloudCodeRegistry']) {
      const r = await s.master(`mutation($n: String!) { createClass(input: { name: $n }) { class { name } } }`, { n: name });
      expect(r.errors?.[0]?.extensions?.code, name).toBe(103);
    }
  });
});

describe('the log: slow handlers, and the handlers each request ran', () => {
  it('a handler slower than cloudCode.slowMs is logged as slow, with where it was registered', async () => {
    logs.length = 0;
    await s.ok(`mutation { callCloudCode(input: { functionName: slow }) { result } }`);
    const slow = logs.find((l) => l.msg?.startsWith('slow cloud code'));
    expect(slow).toMatchObject({ level: 40, cloud: 'function slow', msg: expect.stringMatching(/^slow cloud code: function slow took \d+ ms$/) });
    expect(slow!.ms).toBeGreaterThanOrEqual(70);
    expect(slow!.at).toBe(SLOW_AT);
    // A fast one is not.
    logs.length = 0;
    await s.ok(`mutation { callCloudCode(input: { functionName: hello }) { result } }`);
    expect(logs.some((l) => l.msg?.startsWith('slow cloud code'))).toBe(false);
  });

  it('a request’s log line names the triggers it ran, in order, with their times', async () => {
    logs.length = 0;
    await s.ok(`mutation CreateOne { createPost(input: { fields: { title: "logged" } }) { post { objectId } } }`);
    const line = logs.find((l) => l.msg?.startsWith('request ran cloud code'));
    expect(line).toMatchObject({ level: 30, operation: 'CreateOne' });
    expect(line!.cloud).toEqual([expect.stringMatching(/^beforeSave Post \d+(\.\d+)?ms$/), expect.stringMatching(/^beforeSave Post \d+(\.\d+)?ms$/)]);
    expect(line!.msg).toMatch(/^request ran cloud code: beforeSave Post [\d.]+ms, beforeSave Post [\d.]+ms$/);

    logs.length = 0;
    await s.ok(`query Read { posts { edges { node { title } } } }`);
    const read = logs.find((l) => l.msg?.startsWith('request ran cloud code'));
    expect(read?.cloud.map((c: string) => c.replace(/ [\d.]+ms$/, ''))).toEqual(['beforeFind Post', 'afterFind Post']);
  });

  it('after-commit triggers are in the line too', async () => {
    logs.length = 0;
    await s.ok(`mutation { createComment(input: { fields: { text: "hi" } }) { comment { objectId } } }`);
    const line = logs.find((l) => l.msg?.startsWith('request ran cloud code'));
    expect(line?.cloud.map((c: string) => c.replace(/ [\d.]+ms$/, ''))).toEqual(['afterSave Comment']);
  });

  it('a request that ran no cloud code logs no such line', async () => {
    logs.length = 0;
    await s.ok(`{ health }`);
    expect(logs.some((l) => l.msg?.startsWith('request ran cloud code'))).toBe(false);
  });
});
