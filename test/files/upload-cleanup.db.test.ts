import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { session, STORED, startUploadServer, type UploadServer } from './upload-harness.ts';

// A request's uploads outlive it only when a mutation that used them succeeded: createFile
// (its name went back to the client), or a write whose input held them and that committed. A
// failed write, an operation that never ran, or a file nothing named leaves nothing stored.

const file = (filename = 'a.txt', content = 'content') => ({ filename, type: 'text/plain', content });

let s: UploadServer;
let user: Record<string, string>;
let lockedId: string;
beforeAll(async () => {
  s = await startUploadServer(
    {},
    {
      cloud: (cloud) => {
        cloud.define('echo', () => 'ok');
        cloud.beforeSave('Doc', (req) => {
          if (req.object.get('title') === 'fail') throw new Error('refused by beforeSave');
        });
      },
    },
  );
  await s.ok(
    `mutation { createClass(input: { name: "Doc", schemaFields: { addStrings: [{ name: "title" }], addFiles: [{ name: "attachment" }] } }) { class { name } } }`,
  );
  await s.ok(
    `mutation { createClass(input: { name: "Folder", schemaFields: { addPointers: [{ name: "doc", targetClassName: "Doc" }] } }) { class { name } } }`,
  );
  user = session((await s.signUp()).token);
  lockedId = (await s.ok('mutation { createDoc(input: { fields: { title: "locked", ACL: { public: { read: true, write: false } } } }) { doc { id } } }'))
    .createDoc.doc.id;
});
afterAll(() => s?.close());
beforeEach(() => s.storage.files.clear());

it('a create refused by beforeSave: the error, and its upload deleted', async () => {
  const r = await s.upload(
    {
      query: 'mutation($f: Upload) { createDoc(input: { fields: { title: "fail", attachment: { upload: $f } } }) { doc { id } } }',
      variables: { f: null },
      map: { 0: ['variables.f'] },
      files: [file()],
    },
    user,
  );
  expect(r.errors?.[0]).toMatchObject({ message: 'refused by beforeSave', extensions: { code: 141 } });
  expect(s.storage.puts).toBeGreaterThan(0);
  expect(s.storage.names()).toEqual([]);
});

it('an update the caller may not make (ACL): 101, its upload deleted', async () => {
  const r = await s.upload(
    {
      query: 'mutation($id: ID!, $f: Upload) { updateDoc(input: { id: $id, fields: { attachment: { upload: $f } } }) { doc { id } } }',
      variables: { id: lockedId, f: null },
      map: { 0: ['variables.f'] },
      files: [file()],
    },
    user,
  );
  expect(r.errors?.[0].extensions?.code).toBe(101);
  expect(s.storage.names()).toEqual([]);
});

it('a nested createAndLink whose inner create fails: nothing stored, nothing written', async () => {
  const r = await s.upload(
    {
      query:
        'mutation($f: Upload) { createFolder(input: { fields: { doc: { createAndLink: { title: "fail", attachment: { upload: $f } } } } }) { folder { id } } }',
      variables: { f: null },
      map: { 0: ['variables.f'] },
      files: [file()],
    },
    user,
  );
  expect(r.errors?.[0].message).toBe('refused by beforeSave');
  expect(s.storage.names()).toEqual([]);
  expect((await s.ok('{ folders { count } }')).folders.count).toBe(0);
});

it('two mutations, one failing: the successful one keeps its file, the failed one’s is deleted', async () => {
  const r = await s.upload(
    {
      query: `mutation($a: Upload!, $b: Upload) {
        ok: createFile(input: { upload: $a }) { fileInfo { name } }
        bad: createDoc(input: { fields: { title: "fail", attachment: { upload: $b } } }) { doc { id } }
      }`,
      variables: { a: null, b: null },
      map: { 0: ['variables.a'], 1: ['variables.b'] },
      files: [file('kept.txt'), file('dropped.txt')],
    },
    user,
  );
  expect(r.data.ok.fileInfo.name).toMatch(STORED('kept.txt'));
  expect(r.data.bad).toBeNull();
  expect(s.storage.names()).toEqual([r.data.ok.fileInfo.name]);
});

it('a file used by a successful write and a failed one stays', async () => {
  const r = await s.upload(
    {
      query: `mutation($f: Upload) {
        good: createDoc(input: { fields: { title: "ok", attachment: { upload: $f } } }) { doc { attachment { name } } }
        bad: createDoc(input: { fields: { title: "fail", attachment: { upload: $f } } }) { doc { id } }
      }`,
      variables: { f: null },
      map: { 0: ['variables.f'] },
      files: [file('shared.txt')],
    },
    user,
  );
  expect(s.storage.names()).toEqual([r.data.good.doc.attachment.name]);
});

it('an upload no field claims (handed to a cloud function as a value) is deleted after the request', async () => {
  const r = await s.upload(
    {
      query: 'mutation($p: Object) { callCloudCode(input: { functionName: echo, params: $p }) { result } }',
      variables: { p: { file: null } },
      map: { 0: ['variables.p.file'] },
      files: [file()],
    },
    user,
  );
  expect(r.errors).toBeUndefined();
  expect(r.data.callCloudCode.result).toBe('ok');
  expect(s.storage.puts).toBeGreaterThan(0);
  expect(s.storage.names()).toEqual([]);
});

it('an operation that fails validation: its upload is deleted', async () => {
  const r = await s.upload(
    { query: 'mutation($f: Upload!) { createFile(input: { upload: $f }) { nope } }', variables: { f: null }, map: { 0: ['variables.f'] }, files: [file()] },
    user,
  );
  expect(r.errors?.[0].message).toMatch(/nope/);
  expect(s.storage.names()).toEqual([]);
});

it('one file placed in two variables: both fields get the same stored file', async () => {
  const r = await s.upload(
    {
      query: `mutation($a: Upload!, $b: Upload) {
        a: createFile(input: { upload: $a }) { fileInfo { name } }
        b: createDoc(input: { fields: { title: "two", attachment: { upload: $b } } }) { doc { attachment { name } } }
      }`,
      variables: { a: null, b: null },
      map: { 0: ['variables.a', 'variables.b'] },
      files: [file('twice.txt')],
    },
    user,
  );
  expect(r.data.a.fileInfo.name).toMatch(STORED('twice.txt'));
  expect(r.data.b.doc.attachment.name).toBe(r.data.a.fileInfo.name);
  expect(s.storage.names()).toEqual([r.data.a.fileInfo.name]);
});
