import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { overSocket } from '../helpers/server.ts';
import { APP_ID, MASTER_KEY, startUploadServer, type UploadServer } from '../files/upload-harness.ts';

// Files through Parse's REST API, in the forms Parse's SDKs send: the body as the file (with
// its Content-Type, or `X-Parse-Upload-Mode: stream` as the JS SDK 8 sends a Buffer) and the
// JS SDK's JSON form (base64, credentials in the body). Who may upload (Parse's 130 messages),
// the size limit (refused while streaming, nothing stored), deletion (master key only),
// downloads (a redirect to the server's file route).

const MAX = 64 * 1024;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

let s: UploadServer;
let user: string;
let anonymous: string;

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

async function send(method: string, path: string, body: BodyInit | undefined, headers: Record<string, string>): Promise<Answer> {
  const res = await overSocket(s.plinth, `/parse/${path}`, { method, headers, body, duplex: 'half', redirect: 'manual' } as RequestInit);
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: res.status, body: parsed, headers: res.headers };
}

const app = { 'X-Parse-Application-Id': APP_ID };
const asUser = () => ({ ...app, 'X-Parse-Session-Token': user });
const asMaster = { ...app, 'X-Parse-Master-Key': MASTER_KEY };

/** Bytes the last `chunked` body handed to the client. */
let pulled = 0;

/** A body of `size` bytes sent in chunks, without a Content-Length (chunked). */
function chunked(size: number): ReadableStream<Uint8Array> {
  let left = size;
  pulled = 0;
  return new ReadableStream({
    pull(controller) {
      if (left <= 0) return controller.close();
      const n = Math.min(left, 16 * 1024);
      left -= n;
      pulled += n;
      controller.enqueue(new Uint8Array(n).fill(97));
    },
  });
}

beforeAll(async () => {
  s = await startUploadServer({ files: { maxBytes: MAX } });
  user = (await s.signUp()).token;
  anonymous = (await s.anonymous()).token;
});
afterAll(() => s?.close());
beforeEach(() => s.storage.files.clear());

describe('POST /files/<name>', () => {
  it('the body as the file: 201 {url, name}, Location, stored with its type', async () => {
    const r = await send('POST', 'files/hello.txt', 'hello world', { ...asUser(), 'Content-Type': 'text/plain' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ url: `http://plinth.test/files/${APP_ID}/${encodeURIComponent(r.body.name)}`, name: expect.stringMatching(/_hello\.txt$/) });
    expect(r.headers.get('location')).toBe(r.body.url);
    expect(s.storage.text(r.body.name)).toBe('hello world');
    expect(s.storage.files.get(r.body.name)?.info.contentType).toMatch(/^text\/plain/);
  });

  it('X-Parse-Upload-Mode: stream (the JS SDK’s Buffer upload), a body without Content-Length too', async () => {
    const r = await send('POST', 'files/pixel.png', PNG, { ...asUser(), 'Content-Type': 'image/png', 'X-Parse-Upload-Mode': 'stream' });
    expect(r.status).toBe(201);
    expect(s.storage.files.get(r.body.name)?.data.equals(PNG)).toBe(true);
    expect(s.storage.files.get(r.body.name)?.info.contentType).toBe('image/png');
    const streamed = await send('POST', 'files/big.txt', chunked(MAX), { ...asUser(), 'Content-Type': 'text/plain', 'X-Parse-Upload-Mode': 'stream' });
    expect(streamed.status).toBe(201);
    expect(s.storage.files.get(streamed.body.name)?.info.size).toBe(MAX);
  });

  it('the JS SDK’s JSON form: text/plain, credentials and the base64 file in the body', async () => {
    const body = JSON.stringify({
      base64: Buffer.from('from base64').toString('base64'),
      _ContentType: 'text/plain',
      fileData: { metadata: { a: '1' }, tags: {} },
      _ApplicationId: APP_ID,
      _SessionToken: user,
      _ClientVersion: 'js8.6.2',
    });
    const r = await send('POST', 'files/b64.txt', body, { 'Content-Type': 'text/plain' });
    expect(r.status).toBe(201);
    expect(r.body.name).toMatch(/_b64\.txt$/);
    expect(s.storage.text(r.body.name)).toBe('from base64');
  });

  it('the JSON form without a valid application id, or not JSON at all: 403 unauthorized', async () => {
    const wrongApp = await send('POST', 'files/x.txt', JSON.stringify({ base64: 'eA==', _ApplicationId: 'other' }), { 'Content-Type': 'text/plain' });
    expect(wrongApp.status).toBe(403);
    expect(wrongApp.body).toEqual({ error: 'unauthorized' });
    const notJson = await send('POST', 'files/x.txt', 'plain bytes', { 'Content-Type': 'text/plain' });
    expect(notJson.status).toBe(403);
    expect(notJson.body).toEqual({ error: 'unauthorized' });
    const badBase64 = await send('POST', 'files/x.txt', JSON.stringify({ base64: 12, _ApplicationId: APP_ID, _MasterKey: MASTER_KEY }), {});
    expect(badBase64.status).toBe(403);
    expect(s.storage.names()).toEqual([]);
  });

  it('with Parse’s headers, a JSON body is the file itself (as Parse stores it)', async () => {
    const json = JSON.stringify({ base64: 'eA==' });
    const r = await send('POST', 'files/data.json', json, { ...asUser(), 'Content-Type': 'application/json' });
    expect(r.status).toBe(201);
    expect(s.storage.text(r.body.name)).toBe(json);
  });

  it('who may upload, with Parse’s messages: public off, anonymous users off, users and the master key on', async () => {
    const pub = await send('POST', 'files/a.txt', 'x', { ...app, 'Content-Type': 'text/plain' });
    expect(pub.status).toBe(400);
    expect(pub.body).toEqual({ code: 130, error: 'File upload by public is disabled.' });
    const anon = await send('POST', 'files/a.txt', 'x', { ...app, 'X-Parse-Session-Token': anonymous, 'Content-Type': 'text/plain' });
    expect(anon.body).toEqual({ code: 130, error: 'File upload by anonymous user is disabled.' });
    const jsonPub = await send('POST', 'files/a.txt', JSON.stringify({ base64: 'eA==', _ApplicationId: APP_ID }), { 'Content-Type': 'text/plain' });
    expect(jsonPub.body).toEqual({ code: 130, error: 'File upload by public is disabled.' });
    expect(s.storage.names()).toEqual([]);
    const master = await send('POST', 'files/a.txt', 'x', { ...asMaster, 'Content-Type': 'text/plain' });
    expect(master.status).toBe(201);
  });

  it('over PLINTH_FILE_MAX_BYTES: 130 with Parse’s message (400 in stream mode, 413 otherwise), nothing stored', async () => {
    const message = { code: 130, error: `File size exceeds maximum allowed: ${MAX} bytes.` };
    const declared = await send('POST', 'files/big.txt', Buffer.alloc(MAX + 1, 97), { ...asUser(), 'Content-Type': 'text/plain' });
    expect(declared.status).toBe(413);
    expect(declared.body).toEqual(message);
    const stream = await send('POST', 'files/big.txt', chunked(256 * MAX), { ...asUser(), 'Content-Type': 'text/plain', 'X-Parse-Upload-Mode': 'stream' });
    expect(stream.status).toBe(400);
    expect(stream.body).toEqual(message);
    // Refused while streaming: the connection closed long before the client sent it all.
    expect(pulled).toBeLessThan(64 * MAX);
    const json = await send(
      'POST',
      'files/big.txt',
      JSON.stringify({ base64: Buffer.alloc(MAX + 1, 97).toString('base64'), _ApplicationId: APP_ID, _SessionToken: user }),
      { 'Content-Type': 'text/plain' },
    );
    expect(json.status).toBe(413);
    expect(json.body).toEqual(message);
    expect(s.storage.names()).toEqual([]);
    // The server still answers on a fresh request.
    expect((await send('POST', 'files/after.txt', 'ok', { ...asUser(), 'Content-Type': 'text/plain' })).status).toBe(201);
  });

  it('an empty file, a missing name, a bad name, a directory, malformed metadata headers', async () => {
    expect((await send('POST', 'files/empty.txt', '', { ...asUser(), 'Content-Type': 'text/plain' })).body).toEqual({
      code: 130,
      error: 'Invalid file upload.',
    });
    const noName = await send('POST', 'files', 'x', { ...asUser(), 'Content-Type': 'text/plain' });
    expect(noName.status).toBe(400);
    expect(noName.body).toEqual({ code: 122, error: 'Filename not provided.' });
    expect((await send('POST', `files/${'a'.repeat(300)}.txt`, 'x', { ...asUser(), 'Content-Type': 'text/plain' })).body.code).toBe(122);
    const dir = await send('POST', 'files/d.txt', 'x', {
      ...asUser(),
      'Content-Type': 'text/plain',
      'X-Parse-Upload-Mode': 'stream',
      'X-Parse-File-Directory': 'a/b',
    });
    expect(dir.body).toEqual({ code: 119, error: 'Directory can only be set using the Master Key.' });
    const meta = await send('POST', 'files/m.txt', 'x', {
      ...asUser(),
      'Content-Type': 'text/plain',
      'X-Parse-Upload-Mode': 'stream',
      'X-Parse-File-Metadata': '[1',
    });
    expect(meta.body).toEqual({ code: 107, error: 'Invalid JSON in X-Parse-File-Metadata header.' });
    expect(s.storage.names()).toEqual([]);
  });
});

describe('DELETE /files/<name> and GET /files/<appId>/<name>', () => {
  async function stored(): Promise<string> {
    const r = await send('POST', 'files/doomed.txt', 'bye', { ...asMaster, 'Content-Type': 'text/plain' });
    return r.body.name;
  }

  it('delete: refused without the master key (403 Permission denied), the file stays; the master key deletes it', async () => {
    const name = await stored();
    for (const headers of [app, asUser()]) {
      const r = await send('DELETE', `files/${encodeURIComponent(name)}`, undefined, headers);
      expect(r.status).toBe(403);
      expect(r.body).toEqual({ error: 'Permission denied' });
    }
    expect(s.storage.names()).toEqual([name]);
    const ok = await send('DELETE', `files/${encodeURIComponent(name)}`, undefined, asMaster);
    expect(ok.status).toBe(200);
    expect(ok.body).toBeUndefined();
    expect(s.storage.names()).toEqual([]);
    const again = await send('DELETE', `files/${encodeURIComponent(name)}`, undefined, asMaster);
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ code: 153, error: 'Could not delete file.' });
  });

  it('delete by the file URL’s path (<appId>/<name>); another app id is refused', async () => {
    const name = await stored();
    expect((await send('DELETE', `files/other-app/${encodeURIComponent(name)}`, undefined, asMaster)).status).toBe(403);
    expect((await send('DELETE', `files/${APP_ID}/${encodeURIComponent(name)}`, undefined, asMaster)).status).toBe(200);
    expect(s.storage.names()).toEqual([]);
  });

  it('download: a redirect to the server’s file route, without credentials; a wrong app id is 403', async () => {
    const name = await stored();
    const r = await send('GET', `files/${APP_ID}/${encodeURIComponent(name)}?v=1`, undefined, {});
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe(`http://plinth.test/files/${APP_ID}/${encodeURIComponent(name)}?v=1`);
    const file = await overSocket(s.plinth, new URL(r.headers.get('location')!).pathname);
    expect(await file.text()).toBe('bye');
    const wrong = await send('GET', `files/other-app/${encodeURIComponent(name)}`, undefined, {});
    expect(wrong.status).toBe(403);
    expect(wrong.body).toEqual({ error: 'Permission denied' });
  });
});
