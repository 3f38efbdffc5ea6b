import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '../helpers/database.ts';
import { buildOnce, connectError, gql, runCli, startPlinth, tempDir, type PlinthProcess } from './process.ts';

// The real process with DATABASE_URL: it uses that PostgreSQL database (a fresh one for this
// file), not PGlite.
const KEY = 'e2e-master-key-postgres';
const APP = { 'x-parse-application-id': 'e2eApp' };
const MASTER = { ...APP, 'x-parse-master-key': KEY };
let database: { url: string; drop: () => Promise<void> };
let dataDir: string;
const running: PlinthProcess[] = [];
const env = () => ({ PLINTH_APP_ID: 'e2eApp', PLINTH_MASTER_KEY: KEY, PLINTH_DATA_DIR: dataDir, DATABASE_URL: database.url });
async function start(): Promise<PlinthProcess> {
  const p = await startPlinth(env());
  running.push(p);
  return p;
}
async function sql<T = Record<string, unknown>>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await buildOnce();
  database = await createPostgresDatabase();
  dataDir = tempDir('postgres');
}, 120_000);
afterAll(async () => {
  for (const p of running) await p.stop('SIGKILL');
  await database?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('plinth with DATABASE_URL', { timeout: 90_000 }, () => {
  it('migrate applies the migrations to the PostgreSQL database, once', async () => {
    const first = await runCli(['migrate'], env());
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^applied: \d+_catalog/);
    const tables = await sql<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['_SCHEMA', '_prisma_migrations']));
    const second = await runCli(['migrate'], env());
    expect(second.stdout.trim()).toBe('database is up to date');
  });

  it('serves the API on PostgreSQL, and data and classes survive a restart', async () => {
    const first = await start();
    const serving = first.logs().find((l) => String(l.msg).startsWith('Plinth is serving'))!;
    expect(serving.database).toBe('PostgreSQL');
    const created = await gql(
      first.origin,
      `mutation { createClass(input: { name: "Book", schemaFields: { addStrings: [{ name: "title" }] } }) { class { name } } }`,
      MASTER,
    );
    expect(created.body).toEqual({ data: { createClass: { class: { name: 'Book' } } } });
    for (const title of ['Dune', 'Emma']) {
      expect(
        (await gql(first.origin, `mutation($t: String) { createBook(input: { fields: { title: $t } }) { book { objectId } } }`, APP, { t: title })).body.errors,
      ).toBeUndefined();
    }
    // It is really this database: the class and its rows are in it, and no PGlite was created.
    expect(await sql(`SELECT "className" FROM "_SCHEMA" WHERE "className" = 'Book'`)).toEqual([{ className: 'Book' }]);
    expect(await sql(`SELECT "title" FROM "Book" ORDER BY "title"`)).toEqual([{ title: 'Dune' }, { title: 'Emma' }]);
    expect(existsSync(path.join(dataDir, 'pglite'))).toBe(false);
    expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });

    const second = await start();
    const books = await gql(second.origin, '{ books(order: [title_ASC]) { count edges { node { title } } } }', APP);
    expect(books.body).toEqual({ data: { books: { count: 2, edges: [{ node: { title: 'Dune' } }, { node: { title: 'Emma' } }] } } });
    expect(await second.stop('SIGINT')).toEqual({ code: 0, signal: null });
  });

  it('SIGTERM during a long batch: the batch finishes, new connections are refused, the process exits 0 promptly', async () => {
    const p = await start();
    await gql(
      p.origin,
      `mutation { createClass(input: { name: "Item", schemaFields: { addStrings: [{ name: "label" }], addNumbers: [{ name: "n" }] } }) { class { name } } }`,
      MASTER,
    );
    const count = async () => (await gql(p.origin, '{ items { count } }', APP)).body.data.items.count as number;
    // Slow work, honestly: one mutation creating 500 objects (the alias limit) with 3 KB labels,
    // one statement each. The label travels as a variable: the document itself stays under the
    // document size cap (limits.maxDocumentBytes).
    const total = 500;
    const batch =
      'mutation($label: String) {' +
      Array.from({ length: total }, (_, i) => `c${i}: createItem(input: { fields: { label: $label, n: ${i} } }) { item { objectId } }`).join('\n') +
      '}';
    let answered = false;
    const inFlight = gql(p.origin, batch, APP, { label: 'item ' + 'x'.repeat(3000) }).finally(() => (answered = true));
    // Signal once the batch is under way: its first objects are visible to other requests.
    const waiting = Date.now();
    for (;;) {
      const n = await count();
      if (n > 0) {
        expect(n).toBeLessThan(total);
        break;
      }
      expect(Date.now() - waiting).toBeLessThan(15_000);
      await new Promise((r) => setTimeout(r, 5));
    }
    p.child.kill('SIGTERM');
    while (!p.stdout().includes('shutting down')) await new Promise((r) => setTimeout(r, 2));
    expect(await connectError(p.port)).toBe('ECONNREFUSED');
    expect(answered).toBe(false);

    const response = await inFlight;
    const answeredAt = Date.now();
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    expect(Object.keys(response.body.data)).toHaveLength(total);
    expect(await p.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - answeredAt).toBeLessThan(5_000);
    expect(await sql(`SELECT count(*)::int AS "n" FROM "Item"`)).toEqual([{ n: total }]);
  });

  it('an unreachable server or a missing database: a readable error and exit 1', async () => {
    const unreachable = await runCli(['start'], { ...env(), DATABASE_URL: 'postgres://postgres@127.0.0.1:1/plinth' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toBe('plinth: cannot reach the database server at 127.0.0.1:1\n');
    const url = new URL(database.url);
    url.pathname = '/plinth_e2e_no_such_database';
    const missing = await runCli(['start'], { ...env(), DATABASE_URL: url.toString() });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('plinth: database "plinth_e2e_no_such_database" does not exist\n');
  });
});
