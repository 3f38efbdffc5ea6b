import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../../src/server/http.ts';
import { APP_ID, generated, MASTER, multipartBody, session, STORED, startUploadServer, type UploadRequest, type UploadServer } from './upload-harness.ts';

// What an upload may be: its size (refused while it streams), emptiness, extension and kind
// (sniffed from the content), its name (hostile ones cleaned or refused, Unicode kept), and
// the multipart request around it (counts, sizes, form) — each refusal clean: nothing stored,
// the server answering the next request.

const MAX = 1024 * 1024;
const CREATE_FILE = 'mutation($f: Upload!) { createFile(input: { upload: $f }) { fileInfo { name url } } }';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const XML = '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';

const one = (filename: string, content: UploadRequest['files'][0]['content'], type = 'application/octet-stream', extended = false): UploadRequest => ({
  query: CREATE_FILE,
  variables: { f: null },
  map: { 0: ['variables.f'] },
  files: [{ filename, content, type, extended }],
});

let s: UploadServer;
let user: Record<string, string>;
beforeAll(async () => {
  s = await startUploadServer({ files: { maxBytes: MAX, maxFiles: 2 }, limits: { maxBodyBytes: 16 * 1024 } });
  user = session((await s.signUp()).token);
});
afterAll(() => s?.close());
beforeEach(() => s.storage.files.clear());

/** Resolves when a request can take more (or is gone). */
function drained(req: http.ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      req.off('drain', done);
      req.off('close', done);
      resolve();
    };
    req.on('drain', done);
    req.on('close', done);
  });
}

/** The server still answers. */
async function healthy(): Promise<void> {
  const r = await s.upload(one('after.txt', 'still here', 'text/plain'), user);
  expect(r.errors).toBeUndefined();
  expect(s.storage.text(r.data.createFile.fileInfo.name)).toBe('still here');
  s.storage.files.clear();
}

const refusal = (message: string, code: number | string) => ({ errors: [{ message, extensions: { code } }] });

describe('size', () => {
  it('a file over PLINTH_FILE_MAX_BYTES: 413 and 130 as soon as the limit passes, nothing stored', async () => {
    let sent = 0;
    const body = async function* () {
      for await (const chunk of generated(64 * MAX)()) {
        sent += chunk.byteLength;
        yield chunk;
      }
    };
    const r = await s.upload(one('big.txt', body, 'text/plain'), user);
    expect(r.status).toBe(413);
    expect(r.body).toEqual(refusal(`File size exceeds maximum allowed: ${MAX} bytes.`, 130));
    expect(s.storage.names()).toEqual([]);
    expect(s.storage.readBeforeFailure).toBeLessThanOrEqual(MAX);
    // The client's stream was cancelled soon after the limit, not read to its end (64 MiB).
    expect(sent).toBeLessThan(4 * MAX);
    await healthy();
  });

  it('a file of exactly the limit is stored', async () => {
    const r = await s.upload(one('edge.txt', generated(MAX), 'text/plain'), user);
    expect(r.errors).toBeUndefined();
    expect(s.storage.files.get(r.data.createFile.fileInfo.name)?.info.size).toBe(MAX);
  });

  it('a second file over the limit: 413, and the first one (stored) is deleted too', async () => {
    const r = await s.upload(
      {
        query:
          'mutation($a: Upload!, $b: Upload!) { a: createFile(input: { upload: $a }) { fileInfo { name } } b: createFile(input: { upload: $b }) { fileInfo { name } } }',
        variables: { a: null, b: null },
        map: { 0: ['variables.a'], 1: ['variables.b'] },
        files: [
          { filename: 'small.txt', type: 'text/plain', content: 'small' },
          { filename: 'big.txt', type: 'text/plain', content: generated(3 * MAX) },
        ],
      },
      user,
    );
    expect(r.status).toBe(413);
    expect(s.storage.puts).toBeGreaterThan(1);
    expect(s.storage.names()).toEqual([]);
  });

  it('an empty file: 130 Invalid file upload.', async () => {
    const r = await s.upload(one('empty.txt', '', 'text/plain'), user);
    expect(r.status).toBe(400);
    expect(r.body).toEqual(refusal('Invalid file upload.', 130));
    expect(s.storage.names()).toEqual([]);
  });
});

describe('extension and kind', () => {
  it.each([
    ['page.html', 'text/html', 'html'],
    ['page.HTM', 'text/html', 'HTM'],
    ['image.svg', 'image/svg+xml', 'svg'],
    ['feed.xml', 'text/xml', 'xml'],
    // No extension: the declared type's is added, and checked.
    ['page', 'text/html', 'html'],
  ])("%s (%s): Parse's default refuses extension %s", async (filename, type, ext) => {
    const r = await s.upload(one(filename, '<html><body>hi</body></html>', type), user);
    expect(r.body).toEqual(refusal(`File upload of extension ${ext} is disabled.`, 130));
    expect(s.storage.names()).toEqual([]);
  });

  it('XML content under an allowed name is refused by its sniffed kind', async () => {
    const r = await s.upload(one('notes.txt', XML, 'text/plain'), user);
    expect(r.body).toEqual(refusal('File upload of extension xml is disabled.', 130));
  });

  it('content of another kind than its extension: a PDF named .png', async () => {
    const r = await s.upload(one('photo.png', PDF, 'image/png'), user);
    expect(r.body).toEqual(refusal("The file's content (application/pdf) does not match its extension .png.", 130));
    expect(s.storage.names()).toEqual([]);
  });

  it('a PNG named .txt is refused; named .png it is stored as image/png', async () => {
    expect((await s.upload(one('photo.txt', PNG, 'text/plain'), user)).errors?.[0].extensions?.code).toBe(130);
    const r = await s.upload(one('photo.png', PNG, 'application/octet-stream'), user);
    expect(s.storage.files.get(r.data.createFile.fileInfo.name)?.info.contentType).toBe('image/png');
  });

  it('a name without an extension gets the one of its sniffed type, else of its declared type', async () => {
    const png = await s.upload(one('photo', PNG, 'application/octet-stream'), user);
    expect(png.data.createFile.fileInfo.name).toMatch(STORED('photo.png'));
    expect(s.storage.files.get(png.data.createFile.fileInfo.name)?.info.contentType).toBe('image/png');
    const text = await s.upload(one('readme', 'plain words', 'text/plain'), user);
    expect(text.data.createFile.fileInfo.name).toMatch(STORED('readme.txt'));
    expect(s.storage.files.get(text.data.createFile.fileInfo.name)?.info.contentType).toBe('text/plain');
  });

  it('the content type is the sniffed one, else the name’s, not the one declared', async () => {
    const r = await s.upload(one('data.json', '{"a":1}', 'text/html'), user);
    expect(s.storage.files.get(r.data.createFile.fileInfo.name)?.info.contentType).toBe('application/json');
  });

  it('the master key may upload any extension', async () => {
    const r = await s.upload(one('page.html', '<html></html>', 'text/html'), MASTER);
    expect(r.data.createFile.fileInfo.name).toMatch(STORED('page.html'));
  });

  it('PLINTH_FILE_EXTENSIONS restricts to a list', async () => {
    const t = await startUploadServer({ files: { extensions: ['^(png|jpe?g)$'] } });
    try {
      const token = session((await t.signUp()).token);
      expect((await t.upload(one('a.txt', 'x', 'text/plain'), token)).body).toEqual(refusal('File upload of extension txt is disabled.', 130));
      expect((await t.upload(one('a.png', PNG, 'image/png'), token)).errors).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});

describe('names', () => {
  it.each([
    ['../../etc/passwd.txt', 'passwd.txt'],
    ['..\\..\\windows\\win.txt', 'win.txt'],
    ['C:\\Users\\me\\report.txt', 'report.txt'],
    ['/absolute/path.txt', 'path.txt'],
  ])('%s is stored as %s (its path dropped), within the storage', async (given, kept) => {
    const r = await s.upload(one(given, 'x', 'text/plain'), user);
    const name = r.data.createFile.fileInfo.name;
    expect(name).toMatch(STORED(kept));
    expect(name).not.toMatch(/[/\\]|\.\./);
    expect(s.storage.names()).toEqual([name]);
  });

  it.each([
    ['a NUL', 'a\u0000b.txt', 'Filename contains invalid characters.'],
    ['a control character', 'a\u0007b.txt', 'Filename contains invalid characters.'],
    ['a right-to-left override', 'photo\u202Egnp.txt', 'Filename contains invalid characters.'],
    ['only a path', '../', 'Filename contains invalid characters.'],
    ['an inner ..', 'a..b.txt', 'Filename contains invalid characters.'],
    ['300 characters', `${'n'.repeat(296)}.txt`, 'Filename too long.'],
    ['more than 200 bytes', `${'日'.repeat(70)}.txt`, 'Filename too long.'],
  ])('a name with %s: 122 %s', async (_what, filename, message) => {
    const r = await s.upload(one(filename, 'x', 'text/plain', true), user);
    expect(r.body).toEqual(refusal(message, 122));
    expect(s.storage.names()).toEqual([]);
  });

  it('a raw NUL in the part header is malformed multipart: 400', async () => {
    const r = await s.upload(one('a\u0000b.txt', 'x', 'text/plain'), user);
    expect(r.status).toBe(400);
    expect(s.storage.names()).toEqual([]);
  });

  it.each([['résumé café.txt'], ['日本語.txt'], ['two  spaces & more!.txt'], ['100%.txt']])(
    '%s is stored as given after the prefix; its URL percent-encoded',
    async (given) => {
      for (const extended of [false, true]) {
        const r = await s.upload(one(given, 'x', 'text/plain', extended), user);
        const { name, url } = r.data.createFile.fileInfo;
        expect(name).toMatch(STORED(given));
        expect(url).toBe(`http://plinth.test/files/test-app/${encodeURIComponent(name)}`);
        expect(s.storage.text(name)).toBe('x');
      }
    },
  );

  it('names are NFC: a decomposed é is stored composed', async () => {
    const r = await s.upload(one('cafe\u0301.txt', 'x', 'text/plain', true), user);
    expect(r.data.createFile.fileInfo.name).toMatch(STORED('caf\u00e9.txt'));
  });
});

describe('the multipart request', () => {
  const boundary = 'B0undary';
  const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const type = `multipart/form-data; boundary=${boundary}`;
  const operations = JSON.stringify({ query: CREATE_FILE, variables: { f: null } });

  it('more files than PLINTH_FILE_MAX_FILES: 413 before any is stored', async () => {
    const r = await s.upload(
      {
        query: CREATE_FILE,
        variables: { f: null, g: null, h: null },
        map: { 0: ['variables.f'], 1: ['variables.g'], 2: ['variables.h'] },
        files: [0, 1, 2].map((i) => ({ filename: `${i}.txt`, type: 'text/plain', content: 'x' })),
      },
      user,
    );
    expect(r.status).toBe(413);
    expect(r.body).toEqual(refusal('A request may upload at most 2 files.', 'REQUEST_ENTITY_TOO_LARGE'));
    expect(s.storage.puts).toBeGreaterThanOrEqual(0);
    expect(s.storage.names()).toEqual([]);
  });

  it('file parts beyond the map count are refused too (413)', async () => {
    const r = await s.upload(
      { ...one('a.txt', 'x', 'text/plain'), files: [0, 1, 2].map((i) => ({ filename: `${i}.txt`, type: 'text/plain', content: 'x' })) },
      user,
    );
    expect([400, 413]).toContain(r.status);
    expect(s.storage.names()).toEqual([]);
  });

  it('an operations field over the body limit: 413', async () => {
    const r = await s.upload(
      { ...one('a.txt', 'x', 'text/plain'), operations: JSON.stringify({ query: CREATE_FILE, variables: { f: null, pad: 'p'.repeat(20_000) } }) },
      user,
    );
    expect(r.status).toBe(413);
    expect(r.errors?.[0].extensions?.code).toBe('REQUEST_ENTITY_TOO_LARGE');
    expect(s.storage.names()).toEqual([]);
  });

  it.each([
    ['operations not JSON', part('operations', '{') + part('map', '{}') + `--${boundary}--\r\n`, 'The multipart field "operations" is not valid JSON.'],
    [
      'a batch',
      part('operations', `[${operations}]`) + part('map', '{}') + `--${boundary}--\r\n`,
      'Batched operations cannot carry file uploads: send one operation per request.',
    ],
    [
      'map before operations',
      part('map', '{}') + part('operations', operations) + `--${boundary}--\r\n`,
      'Unexpected multipart field "map": send "operations", then "map", then the files.',
    ],
    [
      'a map place outside the variables',
      part('operations', operations) + part('map', '{"0":["query"]}') + `--${boundary}--\r\n`,
      'The map names "query": a file may only take the place of a variable\'s null.',
    ],
    [
      'a map place through __proto__',
      part('operations', operations) + part('map', '{"0":["variables.__proto__.x"]}') + `--${boundary}--\r\n`,
      'The map names "variables.__proto__.x": a file may only take the place of a variable\'s null.',
    ],
    [
      'a map place that is not null',
      part('operations', JSON.stringify({ query: CREATE_FILE, variables: { f: 'x' } })) + part('map', '{"0":["variables.f"]}') + `--${boundary}--\r\n`,
      'The map names "variables.f", which is not a null in the operation\'s variables.',
    ],
    ['no operations at all', `--${boundary}--\r\n`, 'The multipart request lacks "operations" or "map".'],
    [
      'a cut body',
      part('operations', operations) +
        part('map', '{"0":["variables.f"]}') +
        `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="a.txt"\r\n\r\nabc`,
      'The multipart request is malformed.',
    ],
  ])('%s: 400', async (_what, body, message) => {
    const r = await s.raw(body, type, user);
    expect(r.status).toBe(400);
    expect(r.body).toEqual(refusal(message, 'BAD_REQUEST'));
    expect(s.storage.names()).toEqual([]);
  });

  it('a file the map names but the request lacks: 130 Invalid file upload.', async () => {
    const r = await s.raw(part('operations', operations) + part('map', '{"0":["variables.f"]}') + `--${boundary}--\r\n`, type, user);
    expect(r.body).toEqual(refusal('Invalid file upload.', 130));
  });

  it('a file the map does not name: 400, nothing stored', async () => {
    const r = await s.upload({ ...one('a.txt', 'x', 'text/plain'), files: [{ field: '7', filename: 'a.txt', content: 'x' }] }, user);
    expect(r.body).toEqual(refusal('Unexpected file "7": the map does not name it.', 'BAD_REQUEST'));
  });

  it('a multipart request without files runs as a plain operation', async () => {
    const r = await s.raw(part('operations', JSON.stringify({ query: '{ health }' })) + part('map', '{}') + `--${boundary}--\r\n`, type, user);
    expect(r.body).toEqual({ data: { health: true } });
  });

  it('multipart to another path than the endpoint is held to the body limit', async () => {
    const res = await s.plinth.fetch(
      new Request('http://plinth.test/graphql/', {
        method: 'POST',
        headers: { 'content-type': type, 'content-length': String(64 * 1024), 'x-parse-application-id': APP_ID },
        body: 'x'.repeat(64 * 1024),
      }),
    );
    expect(res.status).toBe(413);
  });
});

describe('a client that goes away', () => {
  it('in process: the request aborted mid-file leaves nothing stored', async () => {
    const controller = new AbortController();
    const body = async function* () {
      let n = 0;
      for await (const chunk of generated(MAX - 1)()) {
        if (++n === 4) controller.abort();
        yield chunk;
      }
    };
    await s.upload(one('gone.txt', body, 'text/plain'), user, { signal: controller.signal }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.storage.names()).toEqual([]);
    await healthy();
  });

  describe('over a socket', () => {
    let running: RunningServer;
    let port: number;
    beforeAll(async () => {
      running = await listen(s.plinth, 0, '127.0.0.1');
      port = (running.server.address() as AddressInfo).port;
    });
    afterAll(() => running?.server.close());

    it('a connection cut mid-file: nothing stored, the server answers the next upload', async () => {
      const boundary = 'SockB';
      const req = http.request({
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'x-parse-application-id': APP_ID, ...user },
      });
      req.on('error', () => undefined);
      const it = multipartBody(one('cut.txt', generated(MAX - 1), 'text/plain'), boundary);
      let sent = 0;
      for await (const chunk of it) {
        req.write(chunk);
        sent += chunk.byteLength;
        if (sent > 300 * 1024) break;
      }
      await new Promise((r) => setTimeout(r, 100));
      req.destroy();
      await new Promise((r) => setTimeout(r, 200));
      expect(s.storage.names()).toEqual([]);
      expect(s.storage.failedPuts).toBeGreaterThan(0);
      await healthy();
    });

    it('over the limit: the 413 reaches the client while it is still sending, and the connection closes', async () => {
      const boundary = 'SockC';
      const answer = await new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            path: '/graphql',
            method: 'POST',
            headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'x-parse-application-id': APP_ID, ...user },
          },
          (res) => {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode!, body, connection: res.headers.connection }));
          },
        );
        req.on('error', reject);
        (async () => {
          for await (const chunk of multipartBody(one('huge.txt', generated(256 * MAX), 'text/plain'), boundary)) {
            if (!req.destroyed && !req.write(chunk)) await drained(req);
            if (req.destroyed) return;
          }
          req.end();
        })().catch(() => undefined);
      });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toEqual(refusal(`File size exceeds maximum allowed: ${MAX} bytes.`, 130));
      expect(answer.connection).toBe('close');
      expect(s.storage.names()).toEqual([]);
      await healthy();
    });
  });
});
