import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/index.ts';

export type TestDbKind = 'pglite' | 'postgres';

export function testDbKind(): TestDbKind {
  return process.env.PLINTH_TEST_DB === 'postgres' ? 'postgres' : 'pglite';
}

/** The PostgreSQL server tests use; a role that may create databases. */
export function adminUrl(): string {
  return process.env.PLINTH_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export interface TestDatabase {
  db: Database;
  kind: TestDbKind;
  /** postgres:// URL of the database (PostgreSQL only), for a second process or connection. */
  url?: string;
  drop(): Promise<void>;
}

/** Creates an empty PostgreSQL database with a unique name and returns its URL. */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `plinth_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl());
  url.pathname = '/' + name;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A fresh, empty database of the kind this test project runs on (its own, never shared). */
export async function createTestDatabase(kind: TestDbKind = testDbKind()): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const db = await openDatabase({});
    return { db, kind, drop: () => db.close() };
  }
  const { url, drop } = await createPostgresDatabase();
  const db = await openDatabase({ url, poolSize: 4 });
  return {
    db,
    kind,
    url,
    async drop() {
      await db.close();
      await drop();
    },
  };
}
