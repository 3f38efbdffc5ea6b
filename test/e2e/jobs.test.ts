import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '../helpers/database.ts';
import { buildOnce, gql, startPlinth, tempDir, type PlinthProcess } from './process.ts';

// Cloud jobs with real processes on one PostgreSQL: a once-a-second schedule runs once per tick
// across two instances (not once per instance), and a run whose process is killed (kill -9) is
// marked failed — by a surviving instance, or by the restarted server — never left "running".

const APP_ID = 'jobs-e2e';
const MASTER_KEY = 'jobs-e2e-master-key-0123456789';
const master = { 'x-parse-application-id': APP_ID, 'x-parse-master-key': MASTER_KEY };

let dir: string;
let runsFile: string;
let cloudFile: string;
const processes: PlinthProcess[] = [];
const databases: { drop(): Promise<void> }[] = [];

beforeAll(async () => {
  await buildOnce();
  dir = tempDir('jobs');
  runsFile = path.join(dir, 'runs.log');
  cloudFile = path.join(dir, 'cloud.mjs');
  // Each run appends "<event> <pid> <jobId>" to a file the test reads.
  writeFileSync(
    cloudFile,
    `import { appendFileSync } from 'node:fs';
const note = (event, req) => appendFileSync(${JSON.stringify(runsFile)}, event + ' ' + process.pid + ' ' + req.jobId + '\\n');
export default (cloud) => {
  cloud.job('tick', async (req) => note('tick', req), { schedule: '* * * * * *' });
  cloud.job('slow', async (req) => { note('slow-started', req); await new Promise((r) => setTimeout(r, 120000)); });
};
`,
  );
}, 180_000);

afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) await p.stop('SIGKILL');
  for (const d of databases) await d.drop().catch(() => undefined);
});

function runs(event: string): { pid: number; jobId: string }[] {
  if (!existsSync(runsFile)) return [];
  return readFileSync(runsFile, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith(event + ' '))
    .map((l) => ({ pid: Number(l.split(' ')[1]), jobId: l.split(' ')[2] }));
}

async function start(url: string, extra: Record<string, string> = {}): Promise<PlinthProcess> {
  const p = await startPlinth({
    DATABASE_URL: url,
    PLINTH_APP_ID: APP_ID,
    PLINTH_MASTER_KEY: MASTER_KEY,
    PLINTH_DATA_DIR: path.join(dir, 'data'),
    PLINTH_CLOUD: cloudFile,
    PLINTH_JOBS_POLL_MS: '250',
    PLINTH_JOBS_SWEEP_MS: '500',
    PLINTH_JOBS_GRACE_MS: '500',
    ...extra,
  });
  processes.push(p);
  return p;
}

async function database(): Promise<string> {
  const d = await createPostgresDatabase();
  databases.push(d);
  return d.url;
}

async function query<T = Record<string, any>>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

async function jobStatus(origin: string, id: string): Promise<Record<string, any>> {
  const r = await gql(origin, 'query($id: ID!) { jobStatus(id: $id) { objectId status message finishedAt } }', master, { id });
  expect(r.body.errors).toBeUndefined();
  return r.body.data.jobStatus;
}

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function runSlow(origin: string): Promise<string> {
  const r = await gql(origin, 'mutation { runJob(input: { jobName: "slow" }) { jobStatusId } }', master);
  expect(r.body.errors).toBeUndefined();
  const id = r.body.data.runJob.jobStatusId as string;
  await until('the slow job to start', () => runs('slow-started').find((s) => s.jobId === id));
  expect((await jobStatus(origin, id)).status).toBe('running');
  return id;
}

describe('cloud jobs across real processes on one PostgreSQL', { timeout: 90_000 }, () => {
  it('two instances run a once-a-second schedule once per tick: 5 runs in 5 seconds, not 10', async () => {
    const url = await database();
    const a = await start(url);
    const b = await start(url);
    // The window starts on a whole second, once both instances follow the schedule.
    await new Promise((r) => setTimeout(r, 1500));
    const from = Math.ceil(Date.now() / 1000) * 1000 + 1000;
    const to = from + 5000;
    await new Promise((r) => setTimeout(r, to - Date.now() + 1500));
    const ticks = await query<{ tick: Date; jobStatusId: string }>(
      url,
      `SELECT "tick", "jobStatusId" FROM "_PlinthJobTick" WHERE "schedule" = 'code:tick' AND "tick" >= $1 AND "tick" < $2 ORDER BY "tick"`,
      [new Date(from), new Date(to)],
    );
    // Ticks fall on whole seconds: exactly 5 in [from, from + 5 s), each claimed once (primary key).
    expect(ticks.map((t) => t.tick.getTime())).toEqual([0, 1, 2, 3, 4].map((i) => from + i * 1000));
    const ran = runs('tick').filter((r) => ticks.some((t) => t.jobStatusId === r.jobId));
    // Each tick's run happened exactly once, on one of the two processes.
    expect(ran.map((r) => r.jobId).sort()).toEqual(ticks.map((t) => t.jobStatusId).sort());
    expect(new Set(ran.map((r) => r.pid)).size).toBeGreaterThanOrEqual(1);
    for (const r of ran) expect([a.child.pid, b.child.pid]).toContain(r.pid);
    const statuses = await query<{ status: string; n: number }>(
      url,
      `SELECT "status", count(*)::int AS "n" FROM "_JobStatus" WHERE "objectId" = ANY($1) GROUP BY 1`,
      [ticks.map((t) => t.jobStatusId)],
    );
    expect(statuses).toEqual([{ status: 'succeeded', n: 5 }]);
    await a.stop();
    await b.stop();
  });

  it('kill -9 mid-job: the surviving instance marks the run failed, without waiting for an expiry', async () => {
    const url = await database();
    const a = await start(url);
    const b = await start(url);
    const id = await runSlow(a.origin);
    const victim = runs('slow-started').find((s) => s.jobId === id)!.pid;
    const survivor = victim === a.child.pid ? b : a;
    const killed = victim === a.child.pid ? a : b;
    await killed.stop('SIGKILL');
    const ended = await until(
      'the survivor to mark the run failed',
      async () => {
        const s = await jobStatus(survivor.origin, id);
        return s.status === 'running' ? undefined : s;
      },
      10_000,
    );
    expect(ended).toMatchObject({ status: 'failed', message: 'the instance running the job stopped' });
    expect(ended.finishedAt).toBeTruthy();
    await survivor.stop();
  });

  it('kill -9 mid-job then restart: the restarted server marks the run failed, not running', async () => {
    const url = await database();
    const first = await start(url);
    const id = await runSlow(first.origin);
    await first.stop('SIGKILL');
    expect((await query(url, `SELECT "status" FROM "_JobStatus" WHERE "objectId" = $1`, [id]))[0].status).toBe('running');
    const restarted = await start(url);
    const s = await until(
      'the restarted server to mark the run failed',
      async () => {
        const st = await jobStatus(restarted.origin, id);
        return st.status === 'running' ? undefined : st;
      },
      10_000,
    );
    expect(s).toMatchObject({ status: 'failed', message: 'the instance running the job stopped' });
    await restarted.stop();
  });

  it('SIGTERM mid-job: the run gets the grace period, then is marked failed ("the server stopped")', async () => {
    const url = await database();
    const p = await start(url);
    const id = await runSlow(p.origin);
    const exit = await p.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(await query(url, `SELECT "status", "message" FROM "_JobStatus" WHERE "objectId" = $1`, [id])).toEqual([
      { status: 'failed', message: 'the server stopped' },
    ]);
  });
});

describe('cloud jobs on embedded PGlite', { timeout: 90_000 }, () => {
  it('kill -9 mid-job then restart on the same data directory: the run is failed, not running', async () => {
    const data = path.join(dir, 'pglite-data');
    const first = await start('', { PLINTH_DATA_DIR: data });
    const id = await runSlow(first.origin);
    await first.stop('SIGKILL');
    const restarted = await start('', { PLINTH_DATA_DIR: data });
    const s = await jobStatus(restarted.origin, id);
    expect(s).toMatchObject({ status: 'failed', message: 'the instance running the job stopped' });
    await restarted.stop();
  });
});
