import { mkdtemp, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalFileStorage } from '../../src/files/storage/index.ts';
import { serveRequest } from '../../src/server/http.ts';
import { until } from '../helpers/until.ts';
import { APP_ID, startUploadServer, type UploadServer } from './upload-harness.ts';

// REST uploads (`POST /parse/files/<name>`) against clients that misbehave: one that goes away
// mid-body is no failure of the server's (nothing above debug in the log, nothing stored),
// and bodies read whole before their credentials (the JS SDK's JSON form) share one memory
// budget, past which a request is answered 503 (130) instead of held.

const MAX = 64 * 1024;
/** The JSON form's limit with these settings: ⌈MAX/3⌉×4 + 64 KiB (the body limit is lower). */
const JSON_LIMIT = Math.ceil(MAX / 3) * 4 + 64 * 1024;

let s: UploadServer;
let server: http.Server;
let port: number;
let token: string;

beforeAll(async () => {
  // A budget below one full body: it is raised to exactly one (the floor).
  s = await startUploadServer({ files: { maxBytes: MAX, jsonBufferBytes: 1 }, limits: { maxBodyBytes: 16 * 1024 } });
  token = (await s.signUp()).token;
  server = http.createServer((req, res) => serveRequest(s.plinth, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await s?.close();
});
beforeEach(() => {
  s.storage.files.clear();
  s.logs.length = 0;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Log lines at warn level or above (pino: 40 warn, 50 error). */
const complaints = () => s.logs.filter((line) => line.level >= 40);

/** A raw socket that has sent a request's head and `sent` bytes of its body (of `length`). */
async function partialRequest(path: string, headers: Record<string, string>, length: number, sent: Buffer, to = port): Promise<net.Socket> {
  const socket = net.connect(to, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  const head = Object.entries({ host: 'plinth.test', ...headers, 'content-length': String(length) })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n`);
  socket.write(sent);
  return socket;
}

/** The JS SDK's JSON form of a file upload: the base64 first, the credentials after it. */
function jsonForm(content: Buffer): Buffer {
  return Buffer.from(JSON.stringify({ base64: content.toString('base64'), _ContentType: 'text/plain', _ApplicationId: APP_ID, _SessionToken: token }));
}

/** One whole request over its own connection: status and parsed body. */
function post(path: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { ...headers, 'content-length': body.length } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Reads an HTTP answer from a raw socket until it closes or `ms` pass; the status line's code. */
function statusFrom(socket: net.Socket, ms = 5000): Promise<number | undefined> {
  return new Promise((resolve) => {
    let text = '';
    const done = () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve(status ? Number(status[1]) : undefined);
    };
    socket.on('data', (c) => {
      text += c;
      if (/\r\n\r\n/.test(text)) done();
    });
    socket.once('close', done);
    setTimeout(done, ms);
  });
}

describe('a client that goes away mid-upload', () => {
  it('the body as the file: the upload stops, nothing is stored, nothing is logged above debug', async () => {
    const failed = s.storage.failedPuts;
    const headers = { 'x-parse-application-id': APP_ID, 'x-parse-session-token': token, 'content-type': 'application/octet-stream' };
    const socket = await partialRequest('/parse/files/cut.bin', headers, MAX, Buffer.alloc(MAX / 2, 1));
    await until(async () => (s.storage.puts > 0 ? true : undefined));
    await sleep(50);
    socket.destroy();
    await until(async () => (s.storage.failedPuts > failed ? true : undefined));
    await sleep(100);
    expect(s.storage.names()).toEqual([]);
    expect(complaints()).toEqual([]);
  });

  it('the JSON form, before its credentials arrived: nothing logged above debug, the budget given back', async () => {
    const body = jsonForm(Buffer.alloc(MAX / 2, 0x61));
    const socket = await partialRequest('/parse/files/cut.txt', { 'content-type': 'text/plain' }, body.length, body.subarray(0, body.length / 2));
    await sleep(100);
    socket.destroy();
    await sleep(200);
    expect(complaints()).toEqual([]);
    // The whole budget is free again: a body of the full size passes.
    const r = await post('/parse/files/after.txt', { 'content-type': 'text/plain' }, jsonForm(Buffer.alloc(MAX, 0x62)));
    expect(r.status).toBe(201);
  });
});

describe('a client that goes away mid-upload, through GraphQL', () => {
  it('a multipart upload cut mid-file: nothing stored, nothing logged above debug (as over REST)', async () => {
    const failed = s.storage.failedPuts;
    const boundary = 'CutB';
    const operations = JSON.stringify({ query: 'mutation($f: Upload!) { createFile(input: { upload: $f }) { fileInfo { name } } }', variables: { f: null } });
    const head =
      `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${operations}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.f"]}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="cut.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    const headers = { 'x-parse-application-id': APP_ID, 'x-parse-session-token': token, 'content-type': `multipart/form-data; boundary=${boundary}` };
    const sent = Buffer.concat([Buffer.from(head), Buffer.alloc(MAX / 2, 1)]);
    const socket = await partialRequest('/graphql', headers, sent.length + MAX, sent);
    await until(async () => (s.storage.puts > 0 ? true : undefined));
    await sleep(50);
    socket.destroy();
    await until(async () => (s.storage.failedPuts > failed ? true : undefined));
    await sleep(100);
    expect(s.storage.names()).toEqual([]);
    expect(complaints()).toEqual([]);
  });
});

describe('a client that goes away mid-upload, on the fs store', () => {
  it('nothing is stored (nor left in tmp/), nothing is logged above debug', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'plinth-abort-'));
    const fsServer = await startUploadServer({ files: { maxBytes: 4 * MAX } }, { fileStorage: new LocalFileStorage({ root }) });
    const other = http.createServer((req, res) => serveRequest(fsServer.plinth, req, res));
    try {
      await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
      const otherPort = (other.address() as AddressInfo).port;
      const user = (await fsServer.signUp()).token;
      fsServer.logs.length = 0;
      const headers = { 'x-parse-application-id': APP_ID, 'x-parse-session-token': user, 'content-type': 'application/octet-stream' };
      const socket = await partialRequest('/parse/files/cut.bin', headers, 4 * MAX, Buffer.alloc(2 * MAX, 1), otherPort);
      // The upload is under way: its temporary file exists.
      await until(async () => ((await readdir(path.join(root, 'tmp')).catch(() => [])).length > 0 ? true : undefined));
      socket.destroy();
      await until(async () => ((await readdir(path.join(root, 'tmp'))).length === 0 ? true : undefined));
      await sleep(100);
      expect(await readdir(path.join(root, 'data')).catch(() => [])).toEqual([]);
      expect(fsServer.logs.filter((line) => line.level >= 40)).toEqual([]);
    } finally {
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
      await fsServer.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('JSON-form bodies read before their credentials', () => {
  it('share one budget: a request that would pass it is answered 503 (130) at once; the one holding it completes', async () => {
    const first = jsonForm(Buffer.alloc(MAX, 0x61));
    expect(first.length).toBeLessThanOrEqual(JSON_LIMIT);
    // The first holds more than half of the budget (one body at the size limit) and waits.
    const holding = await partialRequest('/parse/files/first.txt', { 'content-type': 'text/plain' }, first.length, first.subarray(0, 80 * 1024));
    const firstStatus = statusFrom(holding, 15_000);
    await sleep(200);
    const second = await post('/parse/files/second.txt', { 'content-type': 'text/plain' }, jsonForm(Buffer.alloc(MAX, 0x62)));
    expect(second.status).toBe(503);
    expect(second.body).toEqual({ code: 130, error: 'The server is receiving too many file uploads at once; try again shortly.' });
    // The first finishes within the budget it holds.
    holding.write(first.subarray(80 * 1024));
    expect(await firstStatus).toBe(201);
    holding.destroy();
    expect(s.storage.names()).toEqual([expect.stringMatching(/_first\.txt$/)]);
    // Its share was given back when it was answered.
    const third = await post('/parse/files/third.txt', { 'content-type': 'text/plain' }, jsonForm(Buffer.alloc(MAX, 0x63)));
    expect(third.status).toBe(201);
    expect(complaints()).toEqual([]);
  });

  it('small uploads at once all fit', async () => {
    const answers = await Promise.all(
      [1, 2, 3, 4].map((i) => post(`/parse/files/small${i}.txt`, { 'content-type': 'text/plain' }, jsonForm(Buffer.alloc(1024, 0x60 + i)))),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
  });

  it('uploads with Parse’s headers stream, outside the budget', async () => {
    const first = jsonForm(Buffer.alloc(MAX, 0x61));
    const holding = await partialRequest('/parse/files/first.txt', { 'content-type': 'text/plain' }, first.length, first.subarray(0, 80 * 1024));
    await sleep(200);
    const streamed = await post(
      '/parse/files/streamed.bin',
      { 'x-parse-application-id': APP_ID, 'x-parse-session-token': token, 'content-type': 'application/octet-stream' },
      Buffer.alloc(MAX, 1),
    );
    expect(streamed.status).toBe(201);
    holding.destroy();
  });
});
