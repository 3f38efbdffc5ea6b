import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { createPlinth, type Plinth } from '../../src/server/app.ts';
import { APP_ID, MASTER_KEY } from '../helpers/server.ts';
import { createPostgresDatabase, testDbKind } from '../helpers/database.ts';
import { clientFor } from '../schema/support.ts';

const CLASS = `{ class(name: "Book") { name schemaFields { name __typename ... on SchemaRelationField { targetClassName } } classLevelPermissions indexes } }`;
const BOOKS = `{ books(order: [title_ASC]) { count edges { node { title pages tags { ... on Element { value } } readers { count } } } } }`;

/**
 * Data and classes survive a restart: the server is stopped and started again on the same
 * storage (a PGlite data directory in a temp dir, or the same PostgreSQL database), exactly as
 * `npm start` opens it from the configuration.
 */
describe('a restart keeps classes and data', () => {
  let config: Config;
  let cleanup: () => Promise<void> | void;
  let before: { cls: unknown; books: unknown };
  beforeAll(async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'plinth-restart-'));
    let databaseUrl: string | undefined;
    let drop: (() => Promise<void>) | undefined;
    if (testDbKind() === 'postgres') ({ url: databaseUrl, drop } = await createPostgresDatabase());
    config = loadConfig({}, { appId: APP_ID, masterKey: MASTER_KEY, dataDir, databaseUrl, logLevel: 'silent' });
    cleanup = async () => {
      await drop?.();
      rmSync(dataDir, { recursive: true, force: true });
    };
  });
  afterAll(() => cleanup?.());

  async function run<T>(fn: (c: ReturnType<typeof clientFor>, p: Plinth) => Promise<T>): Promise<T> {
    const plinth = await createPlinth(config);
    try {
      return await fn(clientFor(plinth), plinth);
    } finally {
      await plinth.close();
    }
  }

  it('first run: defines a class and stores objects', async () => {
    if (testDbKind() === 'pglite') expect(config.databaseUrl).toBeUndefined();
    before = await run(async (c) => {
      await c.ok(
        `mutation($clp: Object) { createClass(input: { name: "Book", schemaFields: { addStrings: [{ name: "title", required: true }], addNumbers: [{ name: "pages" }], addArrays: [{ name: "tags" }], addRelations: [{ name: "readers", targetClassName: "_User" }] }, indexes: { title_1: { title: 1 } }, classLevelPermissions: $clp }) { class { name } } }`,
        { clp: { find: { '*': true }, get: { '*': true } } },
      );
      const u = await c.ok(`mutation { createUser(input: { fields: { username: "ann", password: "secret-pass" } }) { user { objectId } } }`);
      await c.ok(
        `mutation($u: ID!) { createBook(input: { fields: { title: "Dune", pages: 412, tags: ["sf"], readers: { add: [$u] } } }) { book { objectId } } }`,
        { u: u.createUser.user.objectId },
      );
      await c.ok(`mutation { createBook(input: { fields: { title: "Emma", pages: 474 } }) { book { objectId } } }`);
      return { cls: (await c.ok(CLASS)).class, books: (await c.ok(BOOKS)).books };
    });
    expect((before.books as any).count).toBe(2);
  });

  it('second run: the same class, the same objects, and it can still change', async () => {
    await run(async (c, plinth) => {
      expect((await c.ok(CLASS)).class).toEqual(before.cls);
      expect((await c.ok(BOOKS)).books).toEqual(before.books);
      const migrated = await plinth.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
      expect(migrated[0].n).toBeGreaterThan(0);
      await c.ok(`mutation { updateClass(input: { name: "Book", schemaFields: { addBooleans: [{ name: "read" }] } }) { class { name } } }`);
      await c.ok(`mutation { createBook(input: { fields: { title: "Ubik", read: true } }) { book { objectId } } }`);
    });
  });

  it('third run: the change made after the restart is kept too', async () => {
    await run(async (c) => {
      const d = await c.ok(`{ books(where: { read: { equalTo: true } }) { edges { node { title } } } }`);
      expect(d.books.edges).toEqual([{ node: { title: 'Ubik' } }]);
      expect((await c.ok(`{ books { count } }`)).books.count).toBe(3);
    });
  });
});
