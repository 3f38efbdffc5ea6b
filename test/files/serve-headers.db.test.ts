import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ID, FILES_BASE, startFilesServer, type FilesServer } from './serve-harness.ts';

// What a file answer says about its content and to other origins: text with charset=utf-8 as
// Parse sends it; the type and disposition a store's direct URL must answer with (the same as
// Plinth's own answer); CORS that lets a browser app on another origin fetch ranges and read
// the headers that describe them.

const PREFIX = '0123456789abcdef0123456789abcdef_';
const url = (name: string) => `${FILES_BASE}/${encodeURIComponent(name)}`;
const ORIGIN = 'https://app.example.com';

let s: FilesServer;
beforeAll(async () => {
  s = await startFilesServer();
});
afterAll(() => s?.close());

describe('charset, as Parse sends text', () => {
  it.each([
    ['text/plain', 'text/plain; charset=utf-8'],
    ['text/csv', 'text/csv; charset=utf-8'],
    ['application/json', 'application/json; charset=utf-8'],
    ['text/html', 'text/html; charset=utf-8'],
    ['text/plain; charset=iso-8859-1', 'text/plain; charset=iso-8859-1'],
    ['text/plain;charset=UTF-8', 'text/plain;charset=UTF-8'],
    ['image/png', 'image/png'],
    ['application/octet-stream', 'application/octet-stream'],
    ['application/xml', 'application/xml'],
  ])('stored as %s → Content-Type: %s, on 200, 206 and each part of a multipart 206', async (stored, sent) => {
    const name = `${PREFIX}charset-${stored.replace(/[^a-z0-9]/gi, '-')}`;
    s.storage.add(name, 'abcdefghij', stored);
    expect((await s.http(url(name))).headers.get('content-type')).toBe(sent);
    expect((await s.http(url(name), { headers: { range: 'bytes=0-1' } })).headers.get('content-type')).toBe(sent);
    const parts = await s.http(url(name), { headers: { range: 'bytes=0-1,5-6' } });
    expect(parts.status).toBe(206);
    expect(await parts.text()).toContain(`content-type: ${sent}\r\n`);
  });
});

describe('a direct URL (the store answers it) is asked for the headers Plinth would send', () => {
  it.each([
    // An XML type the upload declared (its extension unknown to mime): XHTML with script in a bucket.
    ['x.foo', 'application/foo+xml', 'application/foo+xml', `attachment; filename="x.foo"; filename*=UTF-8''x.foo`],
    ['page.html', 'text/html', 'text/html; charset=utf-8', `attachment; filename="page.html"; filename*=UTF-8''page.html`],
    ['bad.bin', 'bogus\r\nx-injected: 1', 'application/octet-stream', `attachment; filename="bad.bin"; filename*=UTF-8''bad.bin`],
    ['r\u00e9sum\u00e9 "1".svg', 'image/svg+xml', 'image/svg+xml', `attachment; filename="r_sum_ _1_.svg"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%221%22.svg`],
    ['notes.txt', 'text/plain', 'text/plain; charset=utf-8', undefined],
    ['photo.png', 'image/png', 'image/png', undefined],
  ])('%s stored as %j: %s, %s', async (given, stored, contentType, contentDisposition) => {
    const name = `${PREFIX}${given}`;
    s.storage.add(name, '<x:html xmlns:x="http://www.w3.org/1999/xhtml"><x:script>alert(1)</x:script></x:html>', stored);
    s.storage.directBase = 'https://bucket.example';
    try {
      const r = await s.http(url(name));
      expect(r.status).toBe(302);
      expect(s.storage.directResponse).toEqual({ contentType, contentDisposition });
      // Plinth's own answer says the same.
      s.storage.directBase = undefined;
      const own = await s.http(url(name));
      expect(own.headers.get('content-type')).toBe(contentType);
      expect(own.headers.get('content-disposition')).toBe(contentDisposition ?? null);
    } finally {
      s.storage.directBase = undefined;
    }
  });

  it('a file that does not exist is 404 here, not a redirect', async () => {
    s.storage.directBase = 'https://bucket.example';
    try {
      const r = await s.http(url(`${PREFIX}missing.txt`));
      expect(r.status).toBe(404);
      expect(r.headers.get('location')).toBeNull();
    } finally {
      s.storage.directBase = undefined;
    }
  });
});

describe('CORS of file answers', () => {
  const NAME = `${PREFIX}cors.txt`;
  const listed = (value: string | null) => (value ?? '').toLowerCase().split(/\s*,\s*/);

  beforeAll(() => {
    s.storage.add(NAME, 'Hello, Plinth files!', 'text/plain');
  });

  it('a preflight for a range or conditional GET allows those headers (and still the Parse ones)', async () => {
    const r = await s.http(url(NAME), {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'range,if-none-match,if-range,if-modified-since' },
    });
    expect(r.status).toBeLessThan(300);
    expect(r.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(listed(r.headers.get('access-control-allow-methods'))).toContain('get');
    const allowed = listed(r.headers.get('access-control-allow-headers'));
    for (const h of ['range', 'if-none-match', 'if-range', 'if-modified-since', 'x-parse-master-key', 'x-parse-application-id']) expect(allowed).toContain(h);
  });

  it('a ranged answer, a whole one and a 304 expose Content-Range, ETag, Accept-Ranges, Content-Length, Content-Disposition', async () => {
    const whole = await s.http(url(NAME), { headers: { origin: ORIGIN } });
    const part = await s.http(url(NAME), { headers: { origin: ORIGIN, range: 'bytes=0-4' } });
    const same = await s.http(url(NAME), { headers: { origin: ORIGIN, 'if-none-match': whole.headers.get('etag')! } });
    expect([whole.status, part.status, same.status]).toEqual([200, 206, 304]);
    for (const r of [whole, part, same]) {
      expect(r.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      const exposed = listed(r.headers.get('access-control-expose-headers'));
      for (const h of ['content-range', 'etag', 'accept-ranges', 'content-length', 'content-disposition']) expect(exposed).toContain(h);
    }
    expect(part.headers.get('content-range')).toBe('bytes 0-4/20');
  });

  it('without an Origin, no CORS headers are added', async () => {
    const r = await s.http(url(NAME));
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    expect(r.headers.get('access-control-expose-headers')).toBeNull();
  });

  it('other paths keep the server’s own CORS answer', async () => {
    const r = await s.http('/graphql', { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } });
    expect(listed(r.headers.get('access-control-allow-headers'))).not.toContain('range');
  });

  it('REST: the preflight of GET /parse/files/<appId>/<name> (a redirect to the file) allows them too, and answers expose them', async () => {
    const path = `/parse/files/${APP_ID}/${encodeURIComponent(NAME)}`;
    const pre = await s.http(path, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'range,if-range' },
    });
    const allowed = listed(pre.headers.get('access-control-allow-headers'));
    for (const h of ['range', 'if-none-match', 'if-range', 'if-modified-since', 'x-parse-application-id']) expect(allowed).toContain(h);
    const redirect = await s.http(path, { headers: { origin: ORIGIN }, redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const exposed = listed(redirect.headers.get('access-control-expose-headers'));
    for (const h of ['content-range', 'etag', 'accept-ranges', 'content-length', 'content-disposition', 'x-parse-job-status-id']) expect(exposed).toContain(h);
  });
});
