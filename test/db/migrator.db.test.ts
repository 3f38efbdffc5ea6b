import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { migrate, MIGRATIONS_DIR, type MigrationResult } from '../../src/db/migrator.ts';
import { openDatabase, type Database } from '../../src/db/index.ts';
import { createTestDatabase, testDbKind, type TestDatabase } from '../helpers/database.ts';
import { columnTypes, tableNames } from '../schema/support.ts';

const shipped = readdirSync(MIGRATIONS_DIR).sort();
const checksum = (dir: string, name: string) =>
  createHash('sha256')
    .update(readFileSync(path.join(dir, name, 'migration.sql')))
    .digest('hex');

async function history(db: Database) {
  return db.query<{ migration_name: string; checksum: string; finished: boolean; steps: number; rolled_back: boolean }>(
    `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, applied_steps_count AS steps, rolled_back_at IS NOT NULL AS rolled_back
     FROM "_prisma_migrations" ORDER BY migration_name`,
  );
}

/** Every migration applied by exactly one of the runs. */
function expectEachAppliedOnce(results: MigrationResult[]) {
  const applied = results.flatMap((r) => r.applied).sort();
  expect(applied).toEqual(shipped);
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function freshDatabase(): Promise<TestDatabase> {
  const t = await createTestDatabase();
  cleanups.push(() => t.drop());
  return t;
}

function tempMigrations(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'plinth-migrations-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, sql] of Object.entries(files)) {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

describe('migrate', () => {
  it('applies every shipped migration on a fresh database and records it as Prisma does', async () => {
    const { db } = await freshDatabase();
    expect(await tableNames(db)).toEqual([]);
    const result = await migrate(db);
    expect(result).toEqual({ applied: shipped, changed: [] });
    expect(await history(db)).toEqual(
      shipped.map((name) => ({ migration_name: name, checksum: checksum(MIGRATIONS_DIR, name), finished: true, steps: 1, rolled_back: false })),
    );
    expect(await columnTypes(db, '_prisma_migrations')).toEqual({
      id: 'character varying',
      checksum: 'character varying',
      finished_at: 'timestamp with time zone',
      migration_name: 'character varying',
      logs: 'text',
      rolled_back_at: 'timestamp with time zone',
      started_at: 'timestamp with time zone',
      applied_steps_count: 'integer',
    });
    expect(await tableNames(db)).toEqual(
      expect.arrayContaining(['_SCHEMA', '_GlobalConfig', '_PlinthSchemaVersion', '_User', '_Role', '_Join:users:_Role', '_Join:roles:_Role']),
    );
    const classes = await db.query<{ className: string }>(`SELECT "className" FROM "_SCHEMA" ORDER BY 1`);
    expect(classes.map((c) => c.className)).toEqual(['_Installation', '_JobSchedule', '_JobStatus', '_PushStatus', '_Role', '_Session', '_User']);
  });

  it('is idempotent: a second run applies nothing and changes nothing', async () => {
    const { db } = await freshDatabase();
    await migrate(db);
    const before = await history(db);
    const version = await db.query(`SELECT "version"::text FROM "_PlinthSchemaVersion"`);
    expect(await migrate(db)).toEqual({ applied: [], changed: [] });
    expect(await migrate(db)).toEqual({ applied: [], changed: [] });
    expect(await history(db)).toEqual(before);
    expect(await db.query(`SELECT "version"::text FROM "_PlinthSchemaVersion"`)).toEqual(version);
  });

  it('applies only the new migrations, and reports (without re-running) one whose file changed', async () => {
    const { db } = await freshDatabase();
    const dir = tempMigrations({ '001_a': 'CREATE TABLE "t_a" ("x" int);' });
    expect((await migrate(db, dir)).applied).toEqual(['001_a']);
    writeFileSync(path.join(dir, '001_a', 'migration.sql'), 'CREATE TABLE "t_a" ("x" int); -- edited');
    mkdirSync(path.join(dir, '002_b'));
    writeFileSync(path.join(dir, '002_b', 'migration.sql'), 'CREATE TABLE "t_b" ("y" int);');
    expect(await migrate(db, dir)).toEqual({ applied: ['002_b'], changed: ['001_a'] });
    expect(await tableNames(db)).toEqual(expect.arrayContaining(['t_a', 't_b']));
  });

  it('leaves nothing behind when a migration fails', async () => {
    const { db } = await freshDatabase();
    const dir = tempMigrations({
      '001_ok': 'CREATE TABLE "t_ok" ("x" int); INSERT INTO "t_ok" VALUES (1);',
      '002_bad': 'CREATE TABLE "t_half" ("x" int); SELECT * FROM "no_such_table";',
    });
    await expect(migrate(db, dir)).rejects.toThrow(/no_such_table/);
    const tables = await tableNames(db);
    expect(tables).not.toContain('t_ok');
    expect(tables).not.toContain('t_half');
    // Fixed, it applies cleanly.
    writeFileSync(path.join(dir, '002_bad', 'migration.sql'), 'CREATE TABLE "t_half" ("x" int);');
    expect((await migrate(db, dir)).applied).toEqual(['001_ok', '002_bad']);
  });

  it('applies each migration exactly once when several connections migrate at once', async () => {
    const t = await freshDatabase();
    const dbs: Database[] = [t.db];
    if (t.url) {
      for (let i = 0; i < 5; i++) {
        const db = await openDatabase({ url: t.url, poolSize: 1 });
        cleanups.push(() => db.close());
        dbs.push(db);
      }
    } else {
      // One embedded database per process: the racers share it.
      for (let i = 0; i < 5; i++) dbs.push(t.db);
    }
    const results = await Promise.all(dbs.map((db) => migrate(db)));
    expectEachAppliedOnce(results);
    expect((await history(t.db)).map((r) => r.migration_name)).toEqual(shipped);
  });

  it.runIf(testDbKind() === 'postgres')('applies each migration exactly once when several processes start at once', async () => {
    const t = await freshDatabase();
    const child = fileURLToPath(new URL('./migrate-child.ts', import.meta.url));
    const run = promisify(execFile);
    const outputs = await Promise.all(
      Array.from({ length: 4 }, () => run(process.execPath, ['--import', 'tsx', child, t.url!], { cwd: fileURLToPath(new URL('../..', import.meta.url)) })),
    );
    const results = outputs.map((o) => JSON.parse(o.stdout) as MigrationResult);
    expectEachAppliedOnce(results);
    expect((await history(t.db)).map((r) => r.migration_name)).toEqual(shipped);
  });

  it.runIf(testDbKind() === 'pglite')('migrates a persistent PGlite data directory once, across restarts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'plinth-pglite-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const first = await openDatabase({ dataDir: path.join(dir, 'pglite') });
    expect((await migrate(first)).applied).toEqual(shipped);
    await first.close();
    const second = await openDatabase({ dataDir: path.join(dir, 'pglite') });
    cleanups.push(() => second.close());
    expect(await migrate(second)).toEqual({ applied: [], changed: [] });
  });
});
