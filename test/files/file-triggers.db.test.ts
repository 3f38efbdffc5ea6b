import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { CloudError } from '../../src/cloud/errors.ts';
import type { CloudApi, FileRequest } from '../../src/cloud/types.ts';
import { Auth } from '../../src/security/index.ts';
import { generated, MASTER, session, STORED, startUploadServer, type UploadRequest, type UploadServer } from './upload-harness.ts';

// The file triggers, run through cloud code's runtime like every other trigger (validators,
// statistics, the request's trace): beforeSaveFile before a byte is stored (rename, new
// content, metadata, refusal), afterSaveFile once stored, and the delete triggers around
// deleteStoredFile — the serving side's DELETE, the orphan job, and unused uploads.

let calls: string[] = [];
let seen: Record<string, FileRequest[]> = {};
let when: Record<string, (req: FileRequest) => unknown> = {};

function record(name: string) {
  return (req: FileRequest): any => {
    calls.push(name);
    (seen[name] ??= []).push(req);
    return when[name]?.(req);
  };
}

function setup(cloud: CloudApi) {
  cloud.beforeSaveFile(record('beforeSaveFile'));
  cloud.beforeSaveFile(record('beforeSaveFile#2'));
  cloud.afterSaveFile(record('afterSaveFile'));
  cloud.beforeDeleteFile(record('beforeDeleteFile'));
  cloud.afterDeleteFile(record('afterDeleteFile'));
}

const CREATE_FILE = 'mutation Upload($f: Upload!) { createFile(input: { upload: $f }) { fileInfo { name url } } }';
const one = (filename: string, content: UploadRequest['files'][0]['content'], type = 'text/plain'): UploadRequest => ({
  query: CREATE_FILE,
  variables: { f: null },
  map: { 0: ['variables.f'] },
  files: [{ filename, type, content }],
});

let s: UploadServer;
let user: { token: string; userId: string };
beforeAll(async () => {
  s = await startUploadServer({}, { cloud: setup });
  user = await s.signUp();
});
afterAll(() => s?.close());
beforeEach(() => {
  calls = [];
  seen = {};
  when = {};
  s.storage.files.clear();
});

it('beforeSaveFile, then afterSaveFile: what each is told', async () => {
  const r = await s.upload(one('notes', 'some notes'), { ...session(user.token), 'x-parse-cloud-context': '{"from":"test"}' });
  const { name, url } = r.data.createFile.fileInfo;
  expect(calls).toEqual(['beforeSaveFile', 'beforeSaveFile#2', 'afterSaveFile']);
  const before = seen.beforeSaveFile[0];
  expect(before.triggerName).toBe('beforeSaveFile');
  expect(before.file.name()).toBe('notes.txt');
  expect(before.file.url()).toBeUndefined();
  expect(before.fileSize).toBe(10);
  expect(before.contentType).toBe('text/plain');
  expect(before.master).toBe(false);
  expect(before.user?.id).toBe(user.userId);
  expect(before.headers['x-parse-application-id']).toBe('test-app');
  expect(before.context).toEqual({ from: 'test' });
  const after = seen.afterSaveFile[0];
  expect(after.file.name()).toBe(name);
  expect(after.file.url()).toBe(url);
  expect(after.fileSize).toBe(10);
  expect(after.contentType).toBe('text/plain');
  expect(after.metadata).toEqual({ 'plinth-uploader': user.userId });
});

it('the size is unknown to beforeSaveFile for a file longer than the first bytes read', async () => {
  await s.upload(one('long.txt', generated(200_000)), MASTER);
  expect(seen.beforeSaveFile[0].fileSize).toBeUndefined();
  expect(seen.beforeSaveFile[0].master).toBe(true);
  expect(seen.afterSaveFile[0].fileSize).toBe(200_000);
});

it('beforeSaveFile renames: the new name is stored behind the prefix; the next trigger sees it', async () => {
  when.beforeSaveFile = () => ({ name: '../renamed.txt' });
  const r = await s.upload(one('original.txt', 'x'), session(user.token));
  expect(seen['beforeSaveFile#2'][0].file.name()).toBe('renamed.txt');
  expect(r.data.createFile.fileInfo.name).toMatch(STORED('renamed.txt'));
});

it('beforeSaveFile replaces the content: the new content is stored, the client’s is not', async () => {
  when.beforeSaveFile = () => ({ content: 'replaced', contentType: 'text/markdown' });
  const r = await s.upload(one('doc.txt', generated(300_000)), session(user.token));
  const stored = s.storage.files.get(r.data.createFile.fileInfo.name)!;
  expect(stored.data.toString()).toBe('replaced');
  expect(stored.info.contentType).toBe('text/markdown');
  expect(seen.afterSaveFile[0].fileSize).toBe(8);
});

it('beforeSaveFile sets metadata, in place or returned; the uploader cannot be forged', async () => {
  when.beforeSaveFile = (req) => {
    req.metadata.owner = 'someone';
    req.metadata['plinth-uploader'] = 'forged';
  };
  when['beforeSaveFile#2'] = (req) => ({ metadata: { ...req.metadata, level: 3 } });
  const r = await s.upload(one('m.txt', 'x'), session(user.token));
  expect(s.storage.files.get(r.data.createFile.fileInfo.name)!.info.metadata).toEqual({ owner: 'someone', level: '3', 'plinth-uploader': user.userId });
});

it('beforeSaveFile refuses: its error, and no storage put starts', async () => {
  when.beforeSaveFile = () => {
    throw new CloudError(130, 'No notes today.');
  };
  const puts = s.storage.puts;
  const r = await s.upload(one('n.txt', 'x'), session(user.token));
  expect(r.body).toEqual({ errors: [{ message: 'No notes today.', extensions: { code: 130 } }] });
  expect(s.storage.puts).toBe(puts);
  expect(calls).toEqual(['beforeSaveFile']);
});

it('a thrown Error is 141 with its message; a bad return value is 141 too', async () => {
  when.beforeSaveFile = () => {
    throw new Error('nope');
  };
  expect((await s.upload(one('n.txt', 'x'), session(user.token))).body).toEqual({ errors: [{ message: 'nope', extensions: { code: 141 } }] });
  when.beforeSaveFile = () => ({ name: 42 });
  const r = await s.upload(one('n.txt', 'x'), session(user.token));
  expect(r.errors?.[0]).toMatchObject({ message: 'beforeSaveFile returned a name that is not a non-empty string', extensions: { code: 141 } });
  expect(s.storage.names()).toEqual([]);
});

it('an afterSaveFile failure is logged; the upload stands', async () => {
  when.afterSaveFile = () => {
    throw new Error('after failed');
  };
  const r = await s.upload(one('a.txt', 'x'), session(user.token));
  expect(r.errors).toBeUndefined();
  expect(s.storage.names()).toEqual([r.data.createFile.fileInfo.name]);
  expect(s.logs.some((l) => /afterSaveFile @File failed after the operation committed: after failed/.test(l.msg))).toBe(true);
});

it('deleteStoredFile runs beforeDeleteFile and afterDeleteFile around the deletion', async () => {
  const name = (await s.upload(one('d.txt', 'bye'), session(user.token))).data.createFile.fileInfo.name;
  calls = [];
  expect(await s.plinth.files.deleteStoredFile(name, Auth.user(user.userId))).toBe(true);
  expect(calls).toEqual(['beforeDeleteFile', 'afterDeleteFile']);
  const before = seen.beforeDeleteFile[0];
  expect(before.file.name()).toBe(name);
  expect(before.fileSize).toBe(3);
  expect(before.contentType).toBe('text/plain');
  expect(before.user?.id).toBe(user.userId);
  expect(s.storage.names()).toEqual([]);
  // No file: false, and afterDeleteFile is not told.
  calls = [];
  expect(await s.plinth.files.deleteStoredFile(name, Auth.master())).toBe(false);
  expect(calls).toEqual(['beforeDeleteFile']);
});

it('beforeDeleteFile refuses: the error is thrown and the file stays', async () => {
  const name = (await s.upload(one('keep.txt', 'x'), session(user.token))).data.createFile.fileInfo.name;
  when.beforeDeleteFile = () => {
    throw new CloudError(153, 'Keep it.');
  };
  await expect(s.plinth.files.deleteStoredFile(name, Auth.master())).rejects.toMatchObject({ code: 153, message: 'Keep it.' });
  expect(s.storage.names()).toEqual([name]);
});

it('an upload the request did not use is deleted with the delete triggers, as the server', async () => {
  await s
    .upload(
      {
        query: 'mutation($f: Upload) { health: createFile(input: { upload: null }) { fileInfo { name } } }',
        variables: { f: null },
        map: { 0: ['variables.f'] },
        files: [{ filename: 'u.txt', content: 'x', type: 'text/plain' }],
      },
      session(user.token),
    )
    .catch(() => undefined);
  expect(calls).toContain('afterSaveFile');
  expect(calls.slice(-2)).toEqual(['beforeDeleteFile', 'afterDeleteFile']);
  expect(seen.beforeDeleteFile[0].master).toBe(true);
  expect(s.storage.names()).toEqual([]);
});

it('validators apply (142), and the registry counts the calls', async () => {
  const t = await startUploadServer({ files: { uploadPublic: true } }, { cloud: (cloud) => cloud.beforeSaveFile(() => undefined, { requireUser: true }) });
  try {
    const r = await t.upload(one('v.txt', 'x'), {});
    expect(r.body).toEqual({ errors: [{ message: 'Validation failed. Please login to continue.', extensions: { code: 142 } }] });
    expect(t.storage.names()).toEqual([]);
    const token = (await t.signUp()).token;
    expect((await t.upload(one('v.txt', 'x'), session(token))).errors).toBeUndefined();
    const described = await t.ok('{ cloudCode { classes { className triggers { kind stats { calls errors } } } } }');
    const file = described.cloudCode.classes.find((c: { className: string }) => c.className === '@File');
    expect(file.triggers).toEqual([{ kind: 'beforeSaveFile', stats: { calls: 1, errors: 0 } }]);
  } finally {
    await t.close();
  }
});

it("the request's log line names the file triggers it ran", async () => {
  await s.upload(one('t.txt', 'x'), session(user.token));
  const line = s.logs.findLast((l) => l.operation === 'Upload' && Array.isArray(l.cloud));
  expect(line?.cloud.map((c: string) => c.replace(/ [\d.]+ms$/, ''))).toEqual(['beforeSaveFile @File', 'beforeSaveFile @File', 'afterSaveFile @File']);
});
