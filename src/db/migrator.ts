import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Database } from './database.ts';
import { splitStatements } from './sql.ts';

/** Where the SQL migrations ship: prisma/migrations/<name>/migration.sql beside src/ and dist/. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations/', import.meta.url));

/** Any constant works; it only has to be the same for every Plinth process. */
const MIGRATION_LOCK_KEY = 7_369_826_461;

export interface MigrationResult {
  applied: string[];
  /** Applied migrations whose file has changed since (reported, not re-run). */
  changed: string[];
}

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

function readMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies pending migrations in one transaction under an advisory lock, so that several
 * instances starting at once against one database apply each migration exactly once.
 * Bookkeeping uses Prisma's own `_prisma_migrations` table, so `prisma migrate status` (on a
 * machine that has Prisma's engines) reads the same history. Idempotent: a second run does
 * nothing.
 */
export async function migrate(db: Database, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const migrations = readMigrations(dir);
  return db.transaction(async (tx) => {
    await tx.execute('SELECT pg_advisory_xact_lock($1::bigint)', [String(MIGRATION_LOCK_KEY)]);
    await tx.execute(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const rows = await tx.query<{ migration_name: string; checksum: string }>(
      'SELECT "migration_name", "checksum" FROM "_prisma_migrations" WHERE "rolled_back_at" IS NULL AND "finished_at" IS NOT NULL',
    );
    const done = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    const result: MigrationResult = { applied: [], changed: [] };
    for (const m of migrations) {
      const previous = done.get(m.name);
      if (previous !== undefined) {
        if (previous !== m.checksum) result.changed.push(m.name);
        continue;
      }
      for (const statement of splitStatements(m.sql)) await tx.execute(statement);
      await tx.execute(
        `INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "applied_steps_count")
         VALUES ($1, $2, now(), $3, 1)`,
        [randomUUID(), m.checksum, m.name],
      );
      result.applied.push(m.name);
    }
    return result;
  });
}
