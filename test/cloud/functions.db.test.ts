import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudError } from '../../src/cloud/errors.ts';
import type { CloudApi, CloudFile, CloudGeoPoint, CloudObject, FunctionRequest } from '../../src/cloud/types.ts';
import { failure, MASTER_KEY, signUp, startCloudServer, type CloudTestServer } from './harness.ts';

// Cloud functions through callCloudCode, as a client calls them: params decoded to the SDK's
// types, results encoded back as Parse JSON, errors as Parse answers them (141, the thrown
// code kept, anything else masked in production), validators (142 with Parse's messages), and
// the CloudCodeFunction enum.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let lastRequest: FunctionRequest | undefined;

/** Every thrown value the `fail` function can be asked to throw. */
const THROWN: Record<string, () => unknown> = {
  error: () => new Error('an Error'),
  string: () => 'a string',
  cloudError: () => new CloudError(205, 'a CloudError'),
  codeObject: () => ({ code: 137, message: 'an object with a code' }),
  plainObject: () => ({ reason: 'odd' }),
  number: () => 42,
  nothing: () => undefined,
};

function setup(cloud: CloudApi) {
  cloud.define('types', (req) => {
    lastRequest = req;
    const p = req.params;
    const ptr = p.ptr as CloudObject;
    const file = p.file as CloudFile;
    const geo = p.geo as CloudGeoPoint;
    return {
      when: p.when instanceof Date ? p.when.toISOString() : 'not a Date',
      ptr: [ptr.className, ptr.id],
      file: [file.name(), file.url()],
      geo: [geo.latitude, geo.longitude],
      bytes: p.bytes,
      nested: p.nested.at instanceof Date,
      plain: p.plain,
    };
  });
  cloud.define('results', async (req) => {
    const note = await req.data.create('Note', { title: 'made by a function' }, { useMasterKey: true });
    return { at: new Date('2024-05-06T07:08:09.000Z'), note, pointer: note.toPointer(), list: [1, 'two', null], nothing: undefined };
  });
  cloud.define('fail', (req) => {
    throw THROWN[req.params.kind as string]();
  });
  cloud.define('failAsync', async (req) => Promise.reject(THROWN[req.params.kind as string]()));
  cloud.define('slow', () => sleep(3000));
  cloud.define('whoami', (req) => {
    lastRequest = req;
    req.log.info({ marker: 'function-log' }, 'hello from whoami');
    return { user: req.user?.get('username') ?? null, master: req.master, installationId: req.installationId ?? null, context: req.context };
  });
  cloud.define('with-dash', () => 'not callable through the enum');
  // Validators.
  const echo = (req: FunctionRequest) => req.params;
  cloud.define('needsUser', echo, { requireUser: true });
  cloud.define('needsMaster', echo, { requireMaster: true });
  cloud.define('needsAnyRole', echo, { requireAnyUserRoles: ['Admin', 'Editor'] });
  cloud.define('needsAllRoles', echo, { requireAllUserRoles: ['Admin', 'Editor'] });
  cloud.define('needsFields', echo, { fields: { amount: { type: Number, required: true }, kind: { default: 'basic', options: ['basic', 'pro'] } } });
  cloud.define('needsFieldList', echo, { fields: ['name'] });
  cloud.define('needsUserKeys', echo, { requireUserKeys: ['email'] });
  cloud.define('validatedByFunction', echo, (req) => {
    if (req.params.ok !== true) throw new CloudError(141, 'custom validator said no');
  });
  cloud.define('validatedMasterToo', echo, { requireUser: true, validateMasterKey: true });
  cloud.define('skippedWithMaster', () => 'ran', { skipWithMasterKey: true });
  cloud.define('limited', () => 'ok', { rateLimit: { requestCount: 2, requestTimeWindow: 60_000 } });
}

let s: CloudTestServer;
let plain: { id: string; token: string };
let admin: { id: string; token: string };
let editorAdmin: { id: string; token: string };

beforeAll(async () => {
  s = await startCloudServer(setup, { cloudCode: { timeoutMs: 1000 } });
  await s.ok(`mutation { createClass(input: { name: "Note", schemaFields: { addStrings: [{ name: "title" }] } }) { clientMutationId } }`);
  plain = await signUp(s, 'plain');
  admin = await signUp(s, 'admin', { email: 'admin@example.com' });
  editorAdmin = await signUp(s, 'both');
  await s.ok(
    `mutation($a: [ID!], $b: [ID!]) {
    a: createRole(input: { fields: { name: "Admin", ACL: { public: { read: true, write: false } }, users: { add: $a } } }) { role { objectId } }
    e: createRole(input: { fields: { name: "Editor", ACL: { public: { read: true, write: false } }, users: { add: $b } } }) { role { objectId } }
  }`,
    { a: [admin.id, editorAdmin.id], b: [editorAdmin.id] },
  );
});
afterAll(() => s?.close());

const CALL = `mutation($f: CloudCodeFunction!, $p: Object) { callCloudCode(input: { functionName: $f, params: $p }) { result } }`;
const call = (fn: string, params: Record<string, unknown> = {}, headers: Record<string, string> = {}) => s.request(CALL, { f: fn, p: params }, headers);

describe('params and results', () => {
  it('decodes params from Parse JSON: Date, Pointer, File, GeoPoint, Bytes (nested too)', async () => {
    const r = await call('types', {
      when: { __type: 'Date', iso: '2024-01-02T03:04:05.000Z' },
      ptr: { __type: 'Pointer', className: 'Note', objectId: 'n1' },
      file: { __type: 'File', name: 'photo.png' },
      geo: { __type: 'GeoPoint', latitude: 40, longitude: -30 },
      bytes: { __type: 'Bytes', base64: 'AQID' },
      nested: { at: { __type: 'Date', iso: '2020-01-01T00:00:00.000Z' } },
      plain: { a: [1, 2], b: 'c' },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data.callCloudCode.result).toEqual({
      when: '2024-01-02T03:04:05.000Z',
      ptr: ['Note', 'n1'],
      file: ['photo.png', expect.stringMatching(/\/files\/test-app\/photo\.png$/)],
      geo: [40, -30],
      bytes: { __type: 'Bytes', base64: 'AQID' },
      nested: true,
      plain: { a: [1, 2], b: 'c' },
    });
  });

  it('drops __proto__, constructor and prototype keys from params (no prototype pollution)', async () => {
    const r = await s.request(`mutation { callCloudCode(input: { functionName: whoami, params: {} }) { result } }`);
    expect(r.errors).toBeUndefined();
    const raw =
      '{"query":"mutation($p: Object) { callCloudCode(input: { functionName: types, params: $p }) { result } }","variables":{"p":{"ptr":{"__type":"Pointer","className":"Note","objectId":"n"},"file":{"__type":"File","name":"f"},"geo":{"__type":"GeoPoint","latitude":1,"longitude":2},"nested":{},"plain":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"ok":1}}}}';
    const res = await s.plinth.fetch(
      new Request('http://plinth.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-parse-application-id': 'test-app' },
        body: raw,
      }),
    );
    const body = await res.json();
    expect(body.data.callCloudCode.result.plain).toEqual({ ok: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['a malformed Date', { when: { __type: 'Date', iso: 'not a date' } }, 111],
    ['a malformed Pointer', { ptr: { __type: 'Pointer', className: 'Note' } }, 106],
  ])('refuses %s (%i)', async (_what, params, code) => {
    expect(failure(await call('types', params))?.code).toBe(code);
  });

  it('encodes the result back: Dates, objects (full JSON), pointers; undefined dropped', async () => {
    const r = await call('results');
    expect(r.errors).toBeUndefined();
    const result = r.data.callCloudCode.result;
    expect(result.at).toEqual({ __type: 'Date', iso: '2024-05-06T07:08:09.000Z' });
    expect(result.note).toMatchObject({ __type: 'Object', className: 'Note', objectId: expect.any(String), title: 'made by a function' });
    expect(result.note.createdAt).toEqual(expect.any(String));
    expect(result.pointer).toEqual({ __type: 'Pointer', className: 'Note', objectId: result.note.objectId });
    expect(result.list).toEqual([1, 'two', null]);
    expect(result).not.toHaveProperty('nothing');
    expect((await s.rows('Note', `"objectId" = $1`, [result.note.objectId]))[0].title).toBe('made by a function');
  });

  it('the request: user (object-like), master, installationId, context, headers without the master key, log', async () => {
    const asUser = await call(
      'whoami',
      {},
      { 'x-parse-session-token': plain.token, 'x-parse-installation-id': 'inst-f', 'x-parse-cloud-context': '{"from":"test"}' },
    );
    expect(asUser.data.callCloudCode.result).toEqual({ user: 'plain', master: false, installationId: 'inst-f', context: { from: 'test' } });
    expect(lastRequest!.user!.id).toBe(plain.id);
    expect(lastRequest!.functionName).toBe('whoami');
    const asMaster = await call('whoami', {}, { 'x-parse-master-key': MASTER_KEY });
    expect(asMaster.data.callCloudCode.result).toMatchObject({ user: null, master: true, context: {} });
    expect(lastRequest!.headers).not.toHaveProperty('x-parse-master-key');
    expect(s.logs.some((l) => l.marker === 'function-log' && l.msg === 'hello from whoami' && l.cloud === 'function whoami')).toBe(true);
  });
});

describe('errors', () => {
  it.each([
    { kind: 'error', code: 141, message: 'an Error' },
    { kind: 'string', code: 141, message: 'a string' },
    { kind: 'cloudError', code: 205, message: 'a CloudError' },
    { kind: 'codeObject', code: 137, message: 'an object with a code' },
    { kind: 'plainObject', code: 141, message: '{"reason":"odd"}' },
    { kind: 'number', code: 141, message: '42' },
    { kind: 'nothing', code: 141, message: 'Script failed.' },
  ])('throwing $kind → $code "$message" (thrown or rejected)', async ({ kind, code, message }) => {
    expect(failure(await call('fail', { kind }))).toEqual({ code, message });
    expect(failure(await call('failAsync', { kind }))).toEqual({ code, message });
  });

  it('a function past cloudCode.timeoutMs fails with 141', async () => {
    expect(failure(await call('slow'))).toEqual({ code: 141, message: 'function slow timed out after 1000 ms' });
  });

  it('an unknown function is not in the enum: the request is refused before anything runs', async () => {
    const r = await call('nope');
    expect(r.data?.callCloudCode).toBeUndefined();
    expect(r.errors?.[0].message).toMatch(/"nope".*CloudCodeFunction/);
    await expect(s.plinth.cloud.runtime.callFunction('nope', {}, (await import('../../src/security/index.ts')).Auth.anonymous())).rejects.toMatchObject({
      code: 141,
      message: 'Invalid function: "nope"',
    });
  });

  it('the CloudCodeFunction enum lists the functions whose names are GraphQL names', async () => {
    const r = await s.anon(`{ __type(name: "CloudCodeFunction") { enumValues { name } } }`);
    const names = r.data.__type.enumValues.map((v: { name: string }) => v.name);
    expect(names).toEqual(expect.arrayContaining(['types', 'results', 'fail', 'whoami', 'needsUser', 'limited']));
    expect(names).not.toContain('with-dash');
    expect(names).toEqual([...names].sort());
  });
});

describe('errors in production: values that are not errors are masked', () => {
  let p: CloudTestServer;
  beforeAll(async () => {
    p = await startCloudServer(setup, { production: true });
  });
  afterAll(() => p?.close());
  it.each([
    { kind: 'error', code: 141, message: 'an Error' },
    { kind: 'string', code: 141, message: 'a string' },
    { kind: 'cloudError', code: 205, message: 'a CloudError' },
    { kind: 'codeObject', code: 137, message: 'an object with a code' },
    { kind: 'plainObject', code: 141, message: 'Script failed.' },
    { kind: 'number', code: 141, message: 'Script failed.' },
  ])('$kind → $code "$message"', async ({ kind, code, message }) => {
    expect(failure(await p.request(CALL, { f: 'fail', p: { kind } }))).toEqual({ code, message });
  });
});

describe("validators (142 with Parse's messages; the master key passes the rules)", () => {
  const NEED_LOGIN = 'Validation failed. Please login to continue.';
  type Who = 'anonymous' | 'plain' | 'admin' | 'both' | 'master';
  const headersOf = (who: Who): Record<string, string> =>
    who === 'master'
      ? { 'x-parse-master-key': MASTER_KEY }
      : who === 'anonymous'
        ? {}
        : { 'x-parse-session-token': { plain, admin, both: editorAdmin }[who].token };
  it.each<{ fn: string; who: Who; params?: Record<string, unknown>; ok?: unknown; error?: string; code?: number }>([
    { fn: 'needsUser', who: 'anonymous', error: NEED_LOGIN },
    { fn: 'needsUser', who: 'plain', ok: {} },
    { fn: 'needsUser', who: 'master', ok: {} },
    { fn: 'needsMaster', who: 'plain', error: 'Validation failed. Master key is required to complete this request.' },
    { fn: 'needsMaster', who: 'master', ok: {} },
    { fn: 'needsAnyRole', who: 'anonymous', error: NEED_LOGIN },
    { fn: 'needsAnyRole', who: 'plain', error: 'Validation failed. User does not match the required roles.' },
    { fn: 'needsAnyRole', who: 'admin', ok: {} },
    { fn: 'needsAllRoles', who: 'admin', error: 'Validation failed. User does not match all the required roles.' },
    { fn: 'needsAllRoles', who: 'both', ok: {} },
    { fn: 'needsFields', who: 'anonymous', params: {}, error: 'Validation failed. Please specify data for amount.' },
    { fn: 'needsFields', who: 'anonymous', params: { amount: 'ten' }, error: 'Validation failed. Invalid type for amount. Expected: number' },
    { fn: 'needsFields', who: 'anonymous', params: { amount: 10 }, ok: { amount: 10, kind: 'basic' } },
    { fn: 'needsFields', who: 'anonymous', params: { amount: 10, kind: 'gold' }, error: 'Validation failed. Invalid option for kind. Expected: basic, pro' },
    { fn: 'needsFields', who: 'anonymous', params: { amount: 10, kind: 'pro' }, ok: { amount: 10, kind: 'pro' } },
    { fn: 'needsFields', who: 'master', params: { amount: 'any' }, ok: { amount: 'any' } },
    { fn: 'needsFieldList', who: 'anonymous', params: {}, error: 'Validation failed. Please specify data for name.' },
    { fn: 'needsUserKeys', who: 'plain', error: 'Validation failed. Please set data for email on your account.' },
    { fn: 'needsUserKeys', who: 'admin', ok: {} },
    { fn: 'validatedByFunction', who: 'anonymous', params: { ok: false }, error: 'custom validator said no', code: 141 },
    { fn: 'validatedByFunction', who: 'anonymous', params: { ok: true }, ok: { ok: true } },
    { fn: 'validatedMasterToo', who: 'master', error: NEED_LOGIN },
    // Parse runs a function whatever skipWithMasterKey says (it skips only triggers).
    { fn: 'skippedWithMaster', who: 'master', ok: 'ran' },
  ])('$fn as $who', async ({ fn, who, params = {}, ok, error, code }) => {
    const r = await call(fn, params, headersOf(who));
    if (error) expect(failure(r)).toEqual({ code: code ?? 142, message: error });
    else {
      expect(r.errors).toBeUndefined();
      expect(r.data.callCloudCode.result).toEqual(ok);
    }
  });

  it("rateLimit: past the count, error 100 with Parse's message; the master key is not limited", async () => {
    expect((await call('limited')).data.callCloudCode.result).toBe('ok');
    expect((await call('limited')).data.callCloudCode.result).toBe('ok');
    const third = await call('limited');
    expect(failure(third)).toEqual({ code: 100, message: 'Too many requests.' });
    expect((await call('limited', {}, { 'x-parse-master-key': MASTER_KEY })).data.callCloudCode.result).toBe('ok');
  });
});
