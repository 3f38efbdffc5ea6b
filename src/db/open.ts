import path from 'node:path';
import { mkdirSync } from 'node:fs';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PGlite } from '@electric-sql/pglite';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { PrismaClient } from './generated/client.ts';
import { AdapterDatabase } from './adapter-database.ts';
import type { Database } from './database.ts';
import { pgliteRaw, postgresRaw } from './raw.ts';
import { trackPoolUse } from './pool-use.ts';

export interface DatabaseOptions {
  /** postgres://… ; absent means embedded PGlite. */
  url?: string;
  /** PGlite data directory; absent or 'memory://' keeps everything in memory. */
  dataDir?: string;
  poolSize?: number;
}

/**
 * Names prepared statements so that PostgreSQL plans each distinct SQL text once per
 * connection (worth +21–26 % throughput on the bench floor). Bounded, because pg keeps named
 * statements for the life of a connection: texts beyond the cap run unnamed.
 */
function statementNamer(cap = 5000) {
  const names = new Map<string, string>();
  return (query: { sql: string }): string | undefined => {
    let name = names.get(query.sql);
    if (name === undefined && names.size < cap) {
      name = 'p' + names.size;
      names.set(query.sql, name);
    }
    return name;
  };
}

/** Opens PostgreSQL when a URL is given, embedded PGlite otherwise. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options.poolSize ?? 10) : openPGlite(options.dataDir);
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  // Every session in UTC: the adapter reads timestamptz text as UTC.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, options: '-c TimeZone=UTC' });
  pool.on('error', () => undefined); // an idle client's failure is reported on its next use
  // So is a checked-out client's (a transaction between two statements when the server goes
  // away): pg emits it on the client, where no listener would make it an uncaught exception.
  pool.on('connect', (client) => client.on('error', () => undefined));
  // The adapter passes the name straight to pg, where undefined means an unnamed statement.
  const factory = new PrismaPg(pool, { statementNameGenerator: statementNamer() as (q: { sql: string }) => string });
  const adapter = await factory.connect();
  const prisma = new PrismaClient({ adapter: factory });
  const db = new AdapterDatabase('postgres', adapter, prisma, () => pool.end(), postgresRaw(pool, url));
  await db.query('SELECT 1');
  trackPoolUse(db, () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: poolSize }));
  return db;
}

async function openPGlite(dataDir?: string): Promise<Database> {
  const inMemory = !dataDir || dataDir.startsWith('memory://');
  if (!inMemory) mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
  const pglite = await PGlite.create(inMemory ? 'memory://' : path.resolve(dataDir), { extensions: { unaccent } });
  await pglite.exec("SET TIME ZONE 'UTC'");
  const factory = new PrismaPGlite(pglite);
  const adapter = await factory.connect();
  const prisma = new PrismaClient({ adapter: factory });
  return new AdapterDatabase('pglite', adapter, prisma, () => pglite.close(), pgliteRaw(pglite));
}
