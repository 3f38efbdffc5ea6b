// What Plinth's database path costs against the bare driver: the same prepared SELECT by
// primary key through (a) pg's Pool with a named statement, (b) the Prisma driver adapter's
// queryRaw (Plinth's path), (c) Prisma's $queryRawUnsafe — serially and 32 at a time.
// Server CPU per query is the figure to compare (the wall clock includes PostgreSQL).
//
//   npx tsx bench/db-path.ts            (needs the local PostgreSQL; creates and drops a database)
import pg from 'pg';
import { openDatabase } from '../src/db/index.ts';

const admin = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `plinth_dbpath_${process.pid}`;
const url = new URL(admin);
url.pathname = '/' + name;

async function adminQuery(sql: string) {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(sql);
  await c.end();
}

async function measure(label: string, n: number, concurrency: number, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 500; i++) await fn(i);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await fn(next++);
    }),
  );
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const us = (cpu.user + cpu.system) / n;
  console.log(
    `${label.padEnd(34)} c=${String(concurrency).padEnd(3)} ${(n / (ms / 1000)).toFixed(0).padStart(6)} q/s  ${us.toFixed(1).padStart(6)} µs CPU/query`,
  );
  return us;
}

await adminQuery(`CREATE DATABASE "${name}"`);
try {
  const db = await openDatabase({ url: url.toString(), poolSize: 10 });
  await db.execute('CREATE TABLE "Post" ("objectId" text PRIMARY KEY, "title" text, "views" double precision)');
  await db.execute(`INSERT INTO "Post" SELECT 'p' || g, 'Post ' || g, g FROM generate_series(1, 10000) g`);
  const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
  const text = 'SELECT t."objectId", t."title", t."views" FROM "Post" t WHERE t."objectId" = $1';
  const id = (i: number) => 'p' + ((i % 10000) + 1);
  const N = Number(process.env.N ?? 20000);
  for (const c of [1, 32]) {
    const bare = await measure('pg Pool, named statement', N, c, (i) => pool.query({ name: 'q', text, values: [id(i)], rowMode: 'array' }));
    const adapter = await measure('Prisma adapter queryRaw (Plinth)', N, c, (i) => db.queryArrays(text, [id(i)]));
    await measure('Prisma $queryRawUnsafe', N / 4, c, (i) => db.prisma.$queryRawUnsafe(text, id(i)));
    console.log(`  adapter / bare: ${(adapter / bare).toFixed(2)}× CPU per query`);
  }
  await pool.end();
  await db.close();
} finally {
  await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
