import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../src/server/http.ts';
import { APP_ID, CHUNK, FILES_BASE, MASTER_KEY, startFilesServer, type FilesServer } from './serve-harness.ts';

/** Downloads: ranges, conditional requests, HEAD, dangerous types, hostile names, Unicode, delete. */

const TEXT = 'Hello, Plinth files!'; // 20 bytes
const PREFIX = '0123456789abcdef0123456789abcdef_';
const NAME = `${PREFIX}hello.txt`;
const url = (name: string) => `${FILES_BASE}/${encodeURIComponent(name)}`;

let s: FilesServer;
let etag: string;

beforeAll(async () => {
  s = await startFilesServer();
  s.storage.add(NAME, TEXT, 'text/plain; charset=utf-8');
  s.storage.add(`${PREFIX}other.txt`, 'the other file', 'text/plain');
  etag = (await s.http(url(NAME))).headers.get('etag')!;
});
afterAll(() => s?.close());

describe('GET and HEAD', () => {
  it('serves the whole file with its type, length, validators, caching and security headers', async () => {
    const r = await s.http(url(NAME));
    expect(r.status).toBe(200);
    expect(await r.text()).toBe(TEXT);
    expect(Object.fromEntries(r.headers)).toMatchObject({
      'content-type': 'text/plain; charset=utf-8',
      'content-length': '20',
      'accept-ranges': 'bytes',
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
    });
    expect(r.headers.get('etag')).toMatch(/^"[^"]+"$/);
    expect(new Date(r.headers.get('last-modified')!).getTime()).toBeGreaterThan(0);
    expect(r.headers.get('content-disposition')).toBeNull();
  });

  it('HEAD answers the same headers without a body and without reading the file', async () => {
    const reads = s.storage.calls.filter((c) => c.op === 'read').length;
    const r = await s.http(url(NAME), { method: 'HEAD' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-length')).toBe('20');
    expect(r.headers.get('etag')).toBe(etag);
    expect(await r.text()).toBe('');
    expect(s.storage.calls.filter((c) => c.op === 'read').length).toBe(reads);
  });

  it('answers 404 for a file that does not exist, with the security headers', async () => {
    const r = await s.http(url(`${PREFIX}missing.txt`));
    expect(r.status).toBe(404);
    expect(await r.text()).toBe('File not found.');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  });

  it('refuses another app id with 403, and needs no Parse headers', async () => {
    const r = await s.http(`http://plinth.test/files/other-app/${encodeURIComponent(NAME)}`);
    expect(r.status).toBe(403);
    expect(await r.json()).toEqual({ error: 'Permission denied' });
  });
});

describe('ranges', () => {
  const range = (value: string, headers: Record<string, string> = {}) => s.http(url(NAME), { headers: { range: value, ...headers } });

  it.each([
    ['the first byte', 'bytes=0-0', 'H', 'bytes 0-0/20'],
    ['the last byte', 'bytes=19-19', '!', 'bytes 19-19/20'],
    ['a suffix', 'bytes=-6', 'files!', 'bytes 14-19/20'],
    ['an open range', 'bytes=14-', 'files!', 'bytes 14-19/20'],
    ['a range past the end, cut to it', 'bytes=7-999', 'Plinth files!', 'bytes 7-19/20'],
    ['a suffix longer than the file', 'bytes=-100', TEXT, 'bytes 0-19/20'],
    ['overlapping ranges, merged', 'bytes=0-3,2-4', 'Hello', 'bytes 0-4/20'],
  ])('%s: 206 with Content-Range', async (_what, value, body, contentRange) => {
    const r = await range(value);
    expect(r.status).toBe(206);
    expect(r.headers.get('content-range')).toBe(contentRange);
    expect(r.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
    expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await r.text()).toBe(body);
  });

  it('several ranges: one multipart/byteranges answer', async () => {
    const r = await range('bytes=0-4, 14-');
    expect(r.status).toBe(206);
    const type = r.headers.get('content-type')!;
    const boundary = /^multipart\/byteranges; boundary=(.+)$/.exec(type)![1];
    const body = await r.text();
    expect(Buffer.byteLength(body)).toBe(Number(r.headers.get('content-length')));
    expect(body).toBe(
      `--${boundary}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-range: bytes 0-4/20\r\n\r\nHello` +
        `\r\n--${boundary}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-range: bytes 14-19/20\r\n\r\nfiles!` +
        `\r\n--${boundary}--\r\n`,
    );
  });

  it('416 with Content-Range bytes */size when no range can be served', async () => {
    for (const value of ['bytes=20-', 'bytes=100-200', 'bytes=-0', 'bytes=25-30,40-']) {
      const r = await range(value);
      expect(r.status, value).toBe(416);
      expect(r.headers.get('content-range')).toBe('bytes */20');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('a header it does not understand, or too many ranges, gets the whole file', async () => {
    const many = `bytes=${Array.from({ length: 17 }, (_, i) => `${i}-${i}`).join(',')}`;
    for (const value of ['bytes=5-2', 'items=0-1', 'bytes=abc', 'bytes=', many]) {
      const r = await range(value);
      expect(r.status, value).toBe(200);
      expect(await r.text()).toBe(TEXT);
    }
  });

  it('HEAD with a range: 206 headers and no body', async () => {
    const r = await s.http(url(NAME), { method: 'HEAD', headers: { range: 'bytes=0-9' } });
    expect(r.status).toBe(206);
    expect(r.headers.get('content-length')).toBe('10');
    expect(await r.text()).toBe('');
  });
});

describe('conditional requests', () => {
  const get = (headers: Record<string, string>) => s.http(url(NAME), { headers });

  it('If-None-Match with the tag (strong, weak, in a list, or *): 304 without a body', async () => {
    for (const value of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
      const r = await get({ 'if-none-match': value });
      expect(r.status, value).toBe(304);
      expect(await r.text()).toBe('');
      expect(r.headers.get('etag')).toBe(etag);
      expect(r.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
    expect((await get({ 'if-none-match': '"another"' })).status).toBe(200);
  });

  it('If-Modified-Since: 304 when the file is not newer, 200 when it is; ignored beside If-None-Match', async () => {
    const modified = (await get({})).headers.get('last-modified')!;
    expect((await get({ 'if-modified-since': modified })).status).toBe(304);
    expect((await get({ 'if-modified-since': new Date(Date.now() + 60_000).toUTCString() })).status).toBe(304);
    expect((await get({ 'if-modified-since': new Date(Date.parse(modified) - 60_000).toUTCString() })).status).toBe(200);
    expect((await get({ 'if-modified-since': 'not a date' })).status).toBe(200);
    expect((await get({ 'if-modified-since': modified, 'if-none-match': '"another"' })).status).toBe(200);
  });

  it('If-Range: the range when the tag or date matches, the whole file when not', async () => {
    const modified = (await get({})).headers.get('last-modified')!;
    const ranged = (ifRange: string) => get({ range: 'bytes=0-4', 'if-range': ifRange });
    expect((await ranged(etag)).status).toBe(206);
    expect((await ranged(modified)).status).toBe(206);
    for (const stale of ['"changed"', `W/${etag}`, new Date(Date.parse(modified) - 1000).toUTCString()]) {
      const r = await ranged(stale);
      expect(r.status, stale).toBe(200);
      expect(await r.text()).toBe(TEXT);
    }
  });
});

describe('types that could run script on this origin', () => {
  it.each([
    ['text/html; charset=utf-8', 'page.html'],
    ['image/svg+xml', 'drawing.svg'],
    ['application/xml', 'data.xml'],
    ['text/xml', 'feed.xml'],
    ['application/xhtml+xml', 'page.xhtml'],
    ['text/javascript', 'script.js'],
    ['application/javascript', 'app.js'],
    ['application/pdf', 'doc.pdf'],
    ['application/octet-stream', 'unknown.bin'],
    ['', 'no-type'],
    ['bogus\r\nx-injected: 1', 'bad-type'],
  ])('%s is an attachment, with nosniff and the sandbox policy', async (type, given) => {
    const name = `${PREFIX}${given}`;
    s.storage.add(name, '<script>alert(document.cookie)</script>', type);
    for (const headers of [{}, { range: 'bytes=0-7' }] as Record<string, string>[]) {
      const r = await s.http(url(name), { headers });
      expect([200, 206]).toContain(r.status);
      expect(r.headers.get('content-disposition')).toBe(`attachment; filename="${given}"; filename*=UTF-8''${given}`);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      expect(r.headers.get('x-injected')).toBeNull();
    }
  });

  it.each([
    ['image/png', 'image/png'],
    ['image/jpeg', 'image/jpeg'],
    ['video/mp4', 'video/mp4'],
    ['audio/mpeg', 'audio/mpeg'],
    ['text/plain', 'text/plain; charset=utf-8'],
    ['application/json', 'application/json; charset=utf-8'],
  ])('%s is shown inline (as %s)', async (type, sent) => {
    const name = `${PREFIX}inline-${type.replace('/', '-')}`;
    s.storage.add(name, 'x', type);
    const r = await s.http(url(name));
    expect(r.headers.get('content-type')).toBe(sent);
    expect(r.headers.get('content-disposition')).toBeNull();
    expect(r.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  });
});

describe('hostile names', () => {
  const hostile = [
    `/files/${APP_ID}/../${PREFIX}other.txt`,
    `/files/${APP_ID}/..%2F${PREFIX}other.txt`,
    `/files/${APP_ID}/..%2f..%2fetc%2fpasswd`,
    `/files/${APP_ID}/%2e%2e%2f${PREFIX}other.txt`,
    `/files/${APP_ID}/..%5C${PREFIX}other.txt`,
    `/files/${APP_ID}/${PREFIX}other.txt%00`,
    `/files/${APP_ID}/%00`,
    `/files/${APP_ID}/a%2Fb`,
    `/files/${APP_ID}/.hidden`,
    `/files/${APP_ID}/${'a'.repeat(300)}`,
    `/files/${APP_ID}/sub/${PREFIX}other.txt`,
    `/files/${APP_ID}/`,
    `/files/${APP_ID}`,
  ];

  it.each(hostile)('%s → 404, the store never asked', async (path) => {
    const before = s.storage.touched().length;
    const r = await s.http(`http://plinth.test${path}`);
    expect(r.status).toBe(404);
    expect(await r.text()).not.toContain('the other file');
    expect(s.storage.touched().length).toBe(before);
  });

  it('a malformed escape → 400', async () => {
    const r = await s.http(`http://plinth.test/files/${APP_ID}/%E0%A4%A`);
    expect(r.status).toBe(400);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('Unicode names', () => {
  it('are served from their percent-encoded URL, the one FileInfo.url gives', async () => {
    const name = `${PREFIX}фото 🐱 été.png`;
    s.storage.add(name, 'png bytes', 'image/png');
    await s.ok(`mutation { createClass(input: { name: "Album", schemaFields: { addFiles: [{ name: "cover" }] } }) { class { name } } }`);
    await s.ok(`mutation($n: File!) { createAlbum(input: { fields: { cover: { file: $n } } }) { album { id } } }`, { n: name });
    const { albums } = await s.ok(`{ albums { edges { node { cover { name url } } } } }`);
    const cover = albums.edges[0].node.cover;
    expect(cover).toEqual({ name, url: url(name) });
    expect(cover.url).toContain('%D1%84%D0%BE%D1%82%D0%BE%20%F0%9F%90%B1%20%C3%A9t%C3%A9.png');
    const r = await s.http(cover.url);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('png bytes');
  });

  it('an attachment keeps its Unicode name in filename*', async () => {
    const name = `${PREFIX}résumé.html`;
    s.storage.add(name, '<p>hi</p>', 'text/html');
    const r = await s.http(url(name));
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="r_sum_.html"; filename*=UTF-8''r%C3%A9sum%C3%A9.html`);
  });
});

describe('streaming', () => {
  it('reads the store a chunk at a time, and stops reading when the client goes away', async () => {
    const name = `${PREFIX}big.bin`;
    s.storage.add(name, Buffer.alloc(CHUNK * 64, 7), 'video/mp4');
    const made = s.storage.chunksMade;
    const destroyed = s.storage.destroyed;
    const r = await s.http(url(name));
    expect(r.headers.get('content-length')).toBe(String(CHUNK * 64));
    const reader = r.body!.getReader();
    const first = await reader.read();
    expect(first.value!.byteLength).toBe(CHUNK);
    expect(s.storage.chunksMade - made).toBeLessThanOrEqual(3);
    await reader.cancel();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(s.storage.destroyed).toBe(destroyed + 1);
    expect(s.storage.chunksMade - made).toBeLessThanOrEqual(3);
  });

  it('redirects (302) to the store when its adapter offers direct URLs', async () => {
    s.storage.directBase = 'https://bucket.example';
    try {
      const r = await s.http(url(NAME));
      expect(r.status).toBe(302);
      expect(r.headers.get('location')).toBe(`https://bucket.example/${encodeURIComponent(NAME)}?expires=3600`);
      expect(r.headers.get('cache-control')).toBe('no-store');
    } finally {
      s.storage.directBase = undefined;
    }
  });
});

describe('deleting a file (master key only)', () => {
  const del = (path: string, headers: Record<string, string> = {}) =>
    s.http(`http://plinth.test${path}`, { method: 'DELETE', headers: { 'x-parse-application-id': APP_ID, ...headers } });
  const master = { 'x-parse-master-key': MASTER_KEY };

  it('DELETE /files/<appId>/<name>: 403 without the master key, 200 with it', async () => {
    const name = `${PREFIX}to-delete.txt`;
    s.storage.add(name, 'bye');
    const path = `/files/${APP_ID}/${encodeURIComponent(name)}`;
    const refused = await del(path);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: 'Permission denied' });
    expect((await s.http(url(name))).status).toBe(200);
    const done = await del(path, master);
    expect(done.status).toBe(200);
    expect(await done.text()).toBe('');
    expect((await s.http(url(name))).status).toBe(404);
    const again = await del(path, master);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ code: 153, error: 'Could not delete file.' });
  });

  it("Parse's own path DELETE /files/<name> works too; a bad name is 122; the app id header is required", async () => {
    const name = `${PREFIX}parse-path.txt`;
    s.storage.add(name, 'bye');
    expect((await del(`/files/${encodeURIComponent(name)}`, master)).status).toBe(200);
    expect(s.storage.files.has(name)).toBe(false);
    const bad = await del(`/files/${APP_ID}/..%2Fx`, master);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ code: 122, error: 'Invalid file name.' });
    const noApp = await s.http(`http://plinth.test/files/${APP_ID}/x`, { method: 'DELETE', headers: master });
    expect(noApp.status).toBe(403);
  });

  it('deleteFile(input: {name}): 119 without the master key; the file as it was; 153 when gone', async () => {
    const name = `${PREFIX}gql-delete.txt`;
    s.storage.add(name, 'bye');
    const mutation = `mutation($n: String!) { deleteFile(input: { name: $n, clientMutationId: "c1" }) { fileInfo { name url } clientMutationId } }`;
    const anon = await s.gql(mutation, { n: name });
    expect(anon.errors?.[0]).toMatchObject({ message: 'unauthorized: master key is required', extensions: { code: 119 } });
    expect(s.storage.files.has(name)).toBe(true);
    const done = await s.gql(mutation, { n: name }, master);
    expect(done.data?.deleteFile).toEqual({ fileInfo: { name, url: url(name) }, clientMutationId: 'c1' });
    expect(s.storage.files.has(name)).toBe(false);
    const again = await s.gql(mutation, { n: name }, master);
    expect(again.errors?.[0]).toMatchObject({ message: 'Could not delete file.', extensions: { code: 153 } });
    const bad = await s.gql(mutation, { n: '../x' }, master);
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: 122 } });
  });
});

describe('over node:http', () => {
  it('streams the body, keeps Content-Length on HEAD, and answers 206', async () => {
    const other = await startFilesServer();
    const name = `${PREFIX}wire.bin`;
    const data = Buffer.alloc(CHUNK * 8 + 3, 1);
    other.storage.add(name, data, 'application/octet-stream');
    const running = await listen(other.plinth, 0, '127.0.0.1');
    try {
      const base = running.url.replace(/\/graphql$/, '');
      const path = `${base}/files/${APP_ID}/${encodeURIComponent(name)}`;
      const whole = await fetch(path);
      expect(whole.status).toBe(200);
      expect(Buffer.from(await whole.arrayBuffer()).equals(data)).toBe(true);
      const head = await fetch(path, { method: 'HEAD' });
      expect(head.headers.get('content-length')).toBe(String(data.length));
      const part = await fetch(path, { headers: { range: `bytes=${CHUNK}-${CHUNK + 9}` } });
      expect(part.status).toBe(206);
      expect(Buffer.from(await part.arrayBuffer()).length).toBe(10);
    } finally {
      await running.stop(1000);
      if (other.database.kind === 'postgres') await other.database.drop();
    }
  });
});
