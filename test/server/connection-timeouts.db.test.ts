import { createHash } from 'node:crypto';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTION_TIMEOUTS, listen, type RunningServer } from '../../src/server/http.ts';
import type { PutOptions, StoredFile } from '../../src/files/types.ts';
import { APP_ID, MASTER_KEY, startUploadServer, UploadStorage, type UploadServer } from '../files/upload-harness.ts';

// How long the server waits on a client (server/http.ts, CONNECTION_TIMEOUTS): no deadline for a
// whole request — an upload takes as long as it keeps arriving (Node's default cut it at 300 s
// with a bare 408) — but a connection on which the client stalls is closed after an idle
// window, while time the server spends itself, a reader that is slow but moving, WebSockets and
// server-sent events are left alone. The windows are lowered here (IDLE, HEADERS) so that every
// case takes a few of them, not minutes.

const IDLE = 200;
const HEADERS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A store that waits before it takes a put's first byte (a slow bucket, a busy disk). */
class SlowStorage extends UploadStorage {
  delayMs = 0;
  override async put(name: string, body: Readable | AsyncIterable<Uint8Array>, options: PutOptions): Promise<StoredFile> {
    await sleep(this.delayMs);
    return super.put(name, body, options);
  }
}

let s: UploadServer;
let storage: SlowStorage;
let running: RunningServer;
let port: number;

beforeAll(async () => {
  storage = new SlowStorage();
  s = await startUploadServer({ files: { maxBytes: 32 * 1024 * 1024 } }, { storage });
  await s.ok(`mutation { createClass(input: { name: "Note", schemaFields: { addStrings: [{ name: "text" }] } }) { class { name } } }`);
  running = await listen(s.plinth, 0, '127.0.0.1', { idleMs: IDLE, headersMs: HEADERS });
  port = (running.server.address() as AddressInfo).port;
});
afterAll(async () => {
  // The listening socket and its connections only: the Plinth is closed by s.close().
  running?.server.closeAllConnections();
  await new Promise((resolve) => running?.server.close(resolve));
  await running?.ws.close(100);
  await running?.liveQuery?.close(100);
  await s?.close();
});

/** A raw connection, its bytes received so far, and when it closed (undefined while open). */
interface Raw {
  socket: net.Socket;
  received(): Buffer;
  closedAfter(): number | undefined;
  closed: Promise<void>;
}

async function connect(): Promise<Raw> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const chunks: Buffer[] = [];
  const opened = Date.now();
  let closedAt: number | undefined;
  socket.on('data', (c: Buffer) => chunks.push(c));
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closedAt = Date.now();
      resolve();
    }),
  );
  await new Promise((resolve) => socket.once('connect', resolve));
  return { socket, received: () => Buffer.concat(chunks), closedAfter: () => (closedAt === undefined ? undefined : closedAt - opened), closed };
}

const uploadHead = (name: string, length: number) =>
  `POST /parse/files/${name} HTTP/1.1\r\nHost: plinth.test\r\nX-Parse-Application-Id: ${APP_ID}\r\nX-Parse-Master-Key: ${MASTER_KEY}\r\n` +
  `Content-Type: application/octet-stream\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`;

/** The status and JSON body of the answer a raw connection received (it asked Connection: close). */
async function answerOf(raw: Raw): Promise<{ status: number; body: any }> {
  await raw.closed;
  const text = raw.received().toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  const head = text.slice(0, split);
  let body = text.slice(split + 4);
  if (/^transfer-encoding: chunked$/im.test(head)) {
    let plain = '';
    for (let at = 0; ; ) {
      const eol = body.indexOf('\r\n', at);
      const size = Number.parseInt(body.slice(at, eol), 16);
      if (!size) break;
      plain += body.slice(eol + 2, eol + 2 + size);
      at = eol + 2 + size + 2;
    }
    body = plain;
  }
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), body: body ? JSON.parse(body) : undefined };
}

const stored = () => [...storage.files.values()].map((f) => f.data);

it('by default: no deadline for a whole request, 60 s for its headers, 120 s of a stalled client', async () => {
  expect(CONNECTION_TIMEOUTS).toEqual({ idleMs: 120_000, headersMs: 60_000 });
  const other = await listen(s.plinth, 0, '127.0.0.1');
  try {
    expect(other.server.requestTimeout).toBe(0);
    expect(other.server.headersTimeout).toBe(60_000);
    expect(other.server.timeout).toBe(120_000);
  } finally {
    await new Promise((resolve) => other.server.close(resolve));
    await other.ws.close(100);
    await other.liveQuery?.close(100);
  }
});

describe('uploads', () => {
  it('an upload still arriving long after the idle and header windows is stored whole', async () => {
    storage.files.clear();
    const chunk = Buffer.alloc(4096, 7);
    const count = 40;
    const raw = await connect();
    raw.socket.write(uploadHead('slow.bin', chunk.length * count));
    const started = Date.now();
    for (let i = 0; i < count; i++) {
      raw.socket.write(chunk);
      await sleep(IDLE / 4);
    }
    const answer = await answerOf(raw);
    // Longer than both windows many times over: only the whole-request deadline (none) could end it.
    expect(Date.now() - started).toBeGreaterThan(5 * Math.max(IDLE, HEADERS));
    expect(answer.status).toBe(201);
    expect(stored()).toHaveLength(1);
    expect(stored()[0].equals(Buffer.alloc(chunk.length * count, 7))).toBe(true);
  });

  it('a body that stops arriving: the connection is closed after the idle window, nothing stored', async () => {
    storage.files.clear();
    const failed = storage.failedPuts;
    const raw = await connect();
    raw.socket.write(uploadHead('stalled.bin', 64 * 1024));
    // Past the first 4100 bytes (read to sniff the type), so that the store has begun the put.
    raw.socket.write(Buffer.alloc(8 * 1024, 1));
    await Promise.race([raw.closed, sleep(10 * IDLE)]);
    expect(raw.closedAfter()).toBeDefined();
    expect(raw.closedAfter()!).toBeGreaterThanOrEqual(IDLE - 20);
    await sleep(50);
    expect(stored()).toEqual([]);
    expect(storage.failedPuts).toBeGreaterThan(failed);
    expect(s.logs.filter((line) => line.level >= 50)).toEqual([]);
  });

  it('the server slower than the client (a store that waits 5 idle windows first) is not the client stalling', async () => {
    storage.files.clear();
    storage.delayMs = 5 * IDLE;
    try {
      const body = Buffer.alloc(1024 * 1024, 3);
      const raw = await connect();
      raw.socket.write(uploadHead('waited.bin', body.length));
      raw.socket.write(body);
      const answer = await answerOf(raw);
      expect(answer.status).toBe(201);
      expect(stored()).toHaveLength(1);
      expect(stored()[0].equals(body)).toBe(true);
    } finally {
      storage.delayMs = 0;
    }
  });
});

describe('connections without a request', () => {
  it('headers that never end: closed (408) after the headers window', async () => {
    const raw = await connect();
    raw.socket.write('GET /parse/health HTTP/1.1\r\nHost: plinth.test\r\n');
    await Promise.race([raw.closed, sleep(10 * HEADERS)]);
    expect(raw.closedAfter()).toBeDefined();
  });

  it('a connection that sends nothing: closed after the idle window', async () => {
    const raw = await connect();
    await Promise.race([raw.closed, sleep(10 * IDLE)]);
    expect(raw.closedAfter()).toBeDefined();
  });
});

describe('downloads', () => {
  // The kernel wakes a writer blocked on a full send buffer only once half of it has drained
  // (nginx's send_timeout sees progress the same way): with up to 4 MiB buffered on loopback, a
  // reader shows progress every 2 MiB. These tests' window (1 s) is therefore longer than the
  // others'; the server's own (120 s) cuts only readers slower than about 17 KB/s.
  const WINDOW = 1000;
  const SIZE = 16 * 1024 * 1024;
  const NAME = '0123456789abcdef0123456789abcdef_big.bin';
  const data = Buffer.alloc(SIZE);
  for (let i = 0; i < SIZE; i += 4096) data[i] = i % 251;
  let downloads: RunningServer;

  beforeAll(async () => {
    storage.files.set(NAME, {
      data,
      info: {
        name: NAME,
        size: SIZE,
        contentType: 'application/octet-stream',
        etag: createHash('sha256').update(data).digest('hex'),
        createdAt: new Date(),
        metadata: {},
      },
    });
    downloads = await listen(s.plinth, 0, '127.0.0.1', { idleMs: WINDOW, headersMs: HEADERS });
  });
  afterAll(async () => {
    downloads?.server.closeAllConnections();
    await new Promise((resolve) => downloads?.server.close(resolve));
    await downloads?.ws.close(100);
    await downloads?.liveQuery?.close(100);
  });

  /** GETs the file taking at most `perTick` bytes every 50 ms, after not reading for `stallMs`; what arrived before the connection closed. */
  async function download(perTick: number, stallMs = 0): Promise<Buffer> {
    const socket = net.connect((downloads.server.address() as AddressInfo).port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.pause();
    socket.write(`GET /files/${APP_ID}/${NAME} HTTP/1.1\r\nHost: plinth.test\r\nConnection: close\r\n\r\n`);
    const chunks: Buffer[] = [];
    let taken = 0;
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      taken += c.length;
      if (taken >= perTick) socket.pause();
    });
    socket.pause();
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await sleep(stallMs);
    const ticking = setInterval(() => {
      taken = 0;
      socket.resume();
    }, 50);
    await closed;
    clearInterval(ticking);
    return Buffer.concat(chunks);
  }

  it('a reader much slower than the server, but moving, gets the whole file (backpressure is not idleness)', async () => {
    const started = Date.now();
    // About 6 MB/s: the server waits on this reader, under backpressure, for several windows.
    const body = await download(300 * 1024);
    expect(Date.now() - started).toBeGreaterThan(2 * WINDOW);
    expect(body.length).toBeGreaterThan(SIZE);
    expect(body.subarray(body.length - SIZE).equals(data)).toBe(true);
  });

  it('a reader that stops taking bytes is cut after the idle window', async () => {
    const body = await download(Number.POSITIVE_INFINITY, 4 * WINDOW);
    expect(body.length).toBeLessThan(SIZE);
  });
});

describe('long-lived connections', () => {
  it('a server-sent events subscription quieter than the idle window stays open', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json', 'x-parse-application-id': APP_ID },
      body: JSON.stringify({ query: 'subscription { notes(first: 1) { count } }' }),
    });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let seen = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return 'ended';
        seen += decoder.decode(value);
      }
    })().catch(() => 'failed');
    await sleep(10 * IDLE);
    const outcome = await Promise.race([reading, sleep(0).then(() => 'open')]);
    expect(outcome).toBe('open');
    expect(seen).toContain('event: next');
    await reader.cancel();
  });

  it('a WebSocket (graphql-ws) quieter than the idle window stays open', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
    const messages: any[] = [];
    ws.on('message', (m) => messages.push(JSON.parse(String(m))));
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ type: 'connection_init', payload: { applicationId: APP_ID } }));
    await sleep(10 * IDLE);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(messages.map((m) => m.type)).toContain('connection_ack');
    ws.close();
  });
});
