import { readFileSync, readdirSync, rmSync, statSync, existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, connectError, gql, ROOT, runCli, slowRequest, startPlinth, tempDir, type PlinthProcess } from './process.ts';

// The real process on the embedded default: `npm run build`, then `node dist/cli.js start` with a
// temporary PLINTH_DATA_DIR and a free PORT (issue 2 item 2).
const APP = { 'x-parse-application-id': 'e2eApp' };
const dirs: string[] = [];
const running: PlinthProcess[] = [];
function dataDir(name: string): string {
  const dir = tempDir(name);
  dirs.push(dir);
  return dir;
}
async function start(env: Record<string, string | undefined>): Promise<PlinthProcess> {
  const p = await startPlinth({ PLINTH_APP_ID: 'e2eApp', ...env });
  running.push(p);
  return p;
}

beforeAll(() => buildOnce(), 120_000);
afterAll(async () => {
  for (const p of running) await p.stop('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('plinth start on PGlite', { timeout: 90_000 }, () => {
  it('serves /graphql, GraphiQL and /health; data, classes and the generated master key survive a restart', async () => {
    const dir = dataDir('restart');
    const first = await start({ PLINTH_DATA_DIR: dir });
    // No master key configured: one is generated, printed once, and kept (mode 0600).
    const printed = /Generated a master key for development \(kept in (.+)\):\n {2}(\S+)\n/.exec(first.stdout());
    expect(printed).not.toBeNull();
    const [, keyFile, key] = printed!;
    expect(keyFile).toBe(path.join(dir, 'master-key'));
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(key);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(existsSync(path.join(dir, 'pglite'))).toBe(true);
    const serving = first.logs().find((l) => String(l.msg).startsWith('Plinth is serving'))!;
    expect(serving.url).toBe(`http://localhost:${first.port}/graphql`);

    const master = { ...APP, 'x-parse-master-key': key };
    expect((await gql(first.origin, '{ health }', APP)).body).toEqual({ data: { health: true } });
    expect((await gql(first.origin, '{ health }', {})).status).toBe(403);
    const created = await gql(
      first.origin,
      `mutation { createClass(input: { name: "Book", schemaFields: { addStrings: [{ name: "title" }], addNumbers: [{ name: "pages" }] } }) { class { name } } }`,
      master,
    );
    expect(created.body).toEqual({ data: { createClass: { class: { name: 'Book' } } } });
    for (const [title, pages] of [
      ['Dune', 412],
      ['Emma', 474],
    ] as const) {
      const r = await gql(
        first.origin,
        `mutation($t: String, $p: Float) { createBook(input: { fields: { title: $t, pages: $p } }) { book { objectId } } }`,
        APP,
        { t: title, p: pages },
      );
      expect(r.body.errors).toBeUndefined();
    }

    const html = await fetch(`${first.origin}/graphql`, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('<title>Plinth GraphiQL</title>');
    expect((await fetch(`${first.origin}/health`)).status).toBe(200);
    const viaGet = await fetch(`${first.origin}/graphql?query=${encodeURIComponent('{ books { count } }')}`, { headers: APP });
    expect(await viaGet.json()).toEqual({ data: { books: { count: 2 } } });

    expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });

    const second = await start({ PLINTH_DATA_DIR: dir });
    expect(second.stdout()).not.toContain('Generated a master key');
    const classes = await gql(second.origin, '{ classes { name } }', master);
    expect(classes.body.data.classes.map((c: { name: string }) => c.name)).toContain('Book');
    const books = await gql(second.origin, '{ books(order: [title_ASC]) { count edges { node { title pages } } } }', APP);
    expect(books.body).toEqual({ data: { books: { count: 2, edges: [{ node: { title: 'Dune', pages: 412 } }, { node: { title: 'Emma', pages: 474 } }] } } });
    expect(await second.stop('SIGINT')).toEqual({ code: 0, signal: null });
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: the request in flight finishes, new connections are refused, the process exits 0 promptly`, async () => {
      const key = 'e2e-master-key-for-shutdown';
      const dir = dataDir(signal.toLowerCase());
      const p = await start({ PLINTH_DATA_DIR: dir, PLINTH_MASTER_KEY: key });
      const master = { ...APP, 'x-parse-master-key': key };
      await gql(
        p.origin,
        `mutation { createClass(input: { name: "Item", schemaFields: { addStrings: [{ name: "label" }], addNumbers: [{ name: "n" }] } }) { class { name } } }`,
        master,
      );
      // A keep-alive connection left idle by an earlier request must not hold the exit back.
      expect((await gql(p.origin, '{ items { count } }', APP)).body).toEqual({ data: { items: { count: 0 } } });

      // In flight, honestly and on PGlite (whose in-process queries leave the event loop no
      // turn during a long batch, so a slow query would delay the signal itself): a request
      // whose body is still arriving when the signal comes. It creates 100 objects.
      const batch =
        'mutation {' +
        Array.from({ length: 100 }, (_, i) => `c${i}: createItem(input: { fields: { label: "item ${i}", n: ${i} } }) { item { objectId } }`).join('\n') +
        '}';
      const request = slowRequest(p.port, APP, JSON.stringify({ query: batch }));
      await request.received;

      const signalled = Date.now();
      p.child.kill(signal);
      while (!p.stdout().includes('shutting down')) {
        expect(Date.now() - signalled).toBeLessThan(5_000);
        await new Promise((r) => setTimeout(r, 5));
      }
      // The listening socket is closed: a new connection is refused; the request is still open.
      expect(await connectError(p.port)).toBe('ECONNREFUSED');
      expect(p.child.exitCode).toBeNull();

      request.finish();
      const response = await request.response;
      const answeredAt = Date.now();
      expect(response.status).toBe(200);
      expect(response.headers.connection).toBe('close');
      expect(response.body.errors).toBeUndefined();
      expect(Object.keys(response.body.data)).toHaveLength(100);
      expect(await p.exited).toEqual({ code: 0, signal: null });
      expect(Date.now() - answeredAt).toBeLessThan(5_000);
      expect(p.logs().some((l) => l.msg === 'shutting down: finishing in-flight requests' && l.signal === signal)).toBe(true);

      // What the request wrote was committed before the database closed.
      const again = await start({ PLINTH_DATA_DIR: dir, PLINTH_MASTER_KEY: key });
      expect((await gql(again.origin, '{ items { count } }', APP)).body).toEqual({ data: { items: { count: 100 } } });
      expect(await again.stop()).toEqual({ code: 0, signal: null });
    });
  }

  it('an idle server exits at once on SIGTERM, closing idle keep-alive connections', async () => {
    const p = await start({ PLINTH_DATA_DIR: dataDir('idle'), PLINTH_MASTER_KEY: 'e2e-master-key-for-idle' });
    // A keep-alive connection left open by a previous request.
    expect((await gql(p.origin, '{ health }', APP)).status).toBe(200);
    const signalled = Date.now();
    expect(await p.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(5_000);
  });

  it('a body over the size limit is refused with 413, with or without a Content-Length', async () => {
    const p = await start({ PLINTH_DATA_DIR: dataDir('body'), PLINTH_MASTER_KEY: 'e2e-master-key-for-bodies' });
    const limit = 4 * 1024 * 1024;
    const head = (lines: string[]) =>
      Buffer.from(
        ['POST /graphql HTTP/1.1', 'Host: localhost', 'Content-Type: application/json', 'X-Parse-Application-Id: e2eApp', ...lines, '', ''].join('\r\n'),
      );

    // A declared length over the limit is refused on the head alone: nothing of the body is sent.
    const withLength = await earlyAnswer(p.port, [head(['Origin: https://app.example', `Content-Length: ${5 * 1024 * 1024}`])]);
    expect(withLength.status).toBe(413);
    expect(withLength.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(JSON.parse(withLength.body)).toEqual({ errors: [{ message: 'Request body too large', extensions: { code: 'REQUEST_ENTITY_TOO_LARGE' } }] });

    // Chunked: no length announced, so the limit is applied while reading — the byte past it is refused.
    const chunk = (bytes: number) => Buffer.concat([Buffer.from(`${bytes.toString(16)}\r\n`), Buffer.alloc(bytes, 'x'), Buffer.from('\r\n')]);
    const upToLimit = Array.from({ length: limit / (256 * 1024) }, () => chunk(256 * 1024));
    const chunked = await earlyAnswer(p.port, [head(['Transfer-Encoding: chunked']), ...upToLimit, chunk(1)]);
    expect(chunked.status).toBe(413);
    expect(chunked.body).toContain('Request body too large');

    // The server is unharmed.
    expect((await gql(p.origin, '{ health }', APP)).body).toEqual({ data: { health: true } });
    expect(await p.stop()).toEqual({ code: 0, signal: null });
  });
});

/**
 * Sends `parts` over a raw socket, each flushed before the next, then reads the answer. A server
 * that refuses a body early answers and closes while a client that keeps writing (as fetch does)
 * fails with EPIPE or a reset, the answer lost (this test failed so on a busy machine). So the
 * parts stop where the server can answer — after the head, or at the byte past the limit — and a
 * reset after a complete answer is no failure.
 */
function earlyAnswer(port: number, parts: Buffer[]): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    let raw = Buffer.alloc(0);
    const answer = () => {
      const end = raw.indexOf('\r\n\r\n');
      if (end < 0) return undefined;
      const [statusLine, ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const body = headers['transfer-encoding'] === 'chunked' ? dechunk(raw.subarray(end + 4)) : raw.subarray(end + 4);
      if (!body || (headers['content-length'] !== undefined && body.length < Number(headers['content-length']))) return undefined;
      return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1]), headers, body: body.toString('utf8') };
    };
    const settle = (error?: Error) => {
      const complete = answer();
      if (complete) resolve(complete);
      else reject(error ?? new Error(`the connection ended before a complete answer: ${raw.toString('latin1').slice(0, 200)}`));
      socket.destroy();
    };
    const socket = net.connect(port, '127.0.0.1', async () => {
      try {
        for (const part of parts) await new Promise<void>((done, failed) => socket.write(part, (error) => (error ? failed(error) : done())));
      } catch (error) {
        settle(error as Error);
      }
    });
    socket.on('data', (d: Buffer) => {
      raw = Buffer.concat([raw, d]);
      if (answer()) settle();
    });
    socket.on('error', settle);
    socket.on('close', () => settle());
  });
}

/** A chunked body's content, or undefined until its last (empty) chunk has come. */
function dechunk(data: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (size === 0) return Buffer.concat(parts);
    if (data.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

describe('start-up refusals give a readable error and exit 1', { timeout: 60_000 }, () => {
  it('production without a master key', async () => {
    const dir = dataDir('production');
    const r = await runCli(['start'], { NODE_ENV: 'production', PLINTH_DATA_DIR: dir, PORT: '0' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('plinth: PLINTH_MASTER_KEY is required when NODE_ENV=production');
    expect(existsSync(path.join(dir, 'master-key'))).toBe(false);
  });

  it('a bad PORT', async () => {
    const r = await runCli(['start'], { PORT: 'eighty', PLINTH_DATA_DIR: dataDir('port'), PLINTH_MASTER_KEY: 'e2e-master-key-port' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('plinth: PORT must be an integer from 0 to 65535, got "eighty"');
  });

  it('a port already in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '0.0.0.0', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const r = await runCli(['start'], { PORT: String(port), PLINTH_DATA_DIR: dataDir('inuse'), PLINTH_MASTER_KEY: 'e2e-master-key-inuse' });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`plinth: cannot listen on 0.0.0.0:${port}: listen EADDRINUSE`);
    } finally {
      blocker.close();
    }
  });
});

describe('plinth migrate and plinth schema print', { timeout: 60_000 }, () => {
  it('migrate applies the migrations once, needs no master key, and creates none', async () => {
    const dir = dataDir('migrate');
    const first = await runCli(['migrate'], { PLINTH_DATA_DIR: dir, NODE_ENV: 'production' });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const migrations = readdirNames(path.join(ROOT, 'prisma', 'migrations'));
    expect(first.stdout.trim()).toBe(`applied: ${migrations.join(', ')}`);
    const second = await runCli(['migrate'], { PLINTH_DATA_DIR: dir });
    expect(second.code).toBe(0);
    expect(second.stdout.trim()).toBe('database is up to date');
    expect(existsSync(path.join(dir, 'master-key'))).toBe(false);
    // And a server starts on the migrated directory.
    const p = await start({ PLINTH_DATA_DIR: dir, PLINTH_MASTER_KEY: 'e2e-master-key-migrate' });
    expect((await gql(p.origin, '{ health }', APP)).body).toEqual({ data: { health: true } });
    expect(await p.stop()).toEqual({ code: 0, signal: null });
  });

  it('schema print writes the SDL of the built-in API, the same as schema.graphql', async () => {
    const r = await runCli(['schema', 'print'], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(path.join(ROOT, 'schema.graphql'), 'utf8'));
  });

  it('an unknown command prints the usage and exits 2', async () => {
    const r = await runCli(['serve'], {});
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^Usage: plinth <command>/);
  });
});

function readdirNames(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort();
}
