import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORPHAN_JOB, sweepOrphans } from '../../src/files/orphans/index.ts';
import { MemoryStorage, startFilesServer, type FilesServer } from './serve-harness.ts';

/** The orphan cleanup job: files no object refers to, older than an age; a dry run lists them. */

const HOUR = 3_600_000;
const hoursAgo = (h: number) => new Date(Date.now() - h * HOUR);
const P = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_';

let s: FilesServer;

async function runJob(params: Record<string, unknown>): Promise<{ status: string; message: string | null }> {
  const { runJob } = await s.ok(`mutation($p: Object) { runJob(input: { jobName: "${ORPHAN_JOB}", params: $p }) { jobStatusId } }`, { p: params });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const [row] = await s.plinth.db.query(`SELECT "status", "message" FROM "_JobStatus" WHERE "objectId" = $1`, [runJob.jobStatusId]);
    if (row && (row.status === 'succeeded' || row.status === 'failed')) return row as { status: string; message: string | null };
    if (Date.now() > deadline) throw new Error(`the run did not finish: ${JSON.stringify(row)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  s = await startFilesServer({ filesAccess: { orphans: { schedule: '0 30 3 1 1 *', timeZone: 'Europe/Paris' } } });
  await s.ok(`mutation { createClass(input: { name: "Doc", schemaFields: { addFiles: [{ name: "main" }, { name: "extra" }] } }) { class { name } } }`);
  await s.ok(`mutation { createClass(input: { name: "Profile", schemaFields: { addFiles: [{ name: "avatar" }] } }) { class { name } } }`);
  const add = (name: string, hours: number) => s.storage.add(`${P}${name}`, name, 'image/png', { createdAt: hoursAgo(hours) });
  add('doc-main.png', 72);
  add('doc-extra.png', 72);
  add('avatar.png', 72);
  add('orphan-old-1.png', 72);
  add('orphan-old-2.png', 30);
  add('orphan-new.png', 2);
  // A private object still refers to its file: references are counted whoever may read them.
  await s.ok(
    `mutation($m: File!, $e: File!) { createDoc(input: { fields: { main: { file: $m }, extra: { file: $e }, ACL: { public: { read: false, write: false } } } }) { doc { id } } }`,
    { m: `${P}doc-main.png`, e: `${P}doc-extra.png` },
  );
  await s.ok(`mutation($a: File!) { createProfile(input: { fields: { avatar: { file: $a } } }) { profile { id } } }`, { a: `${P}avatar.png` });
});
afterAll(() => s?.close());

describe('deleteOrphanFiles', () => {
  it('a dry run lists the orphans older than the age and deletes nothing', async () => {
    const run = await runJob({ dryRun: true, olderThanHours: 24 });
    expect(run.status).toBe('succeeded');
    expect(run.message).toBe(`dry run: 2 orphan files older than 24 h among 6 stored files: ${P}orphan-old-1.png, ${P}orphan-old-2.png`);
    expect(s.storage.files.size).toBe(6);
  });

  it('a real run deletes only the orphans older than the age', async () => {
    const run = await runJob({ olderThanHours: 48 });
    expect(run.message).toBe(`deleted 1 orphan files older than 48 h among 6 stored files: ${P}orphan-old-1.png`);
    expect([...s.storage.files.keys()].sort()).toEqual(
      ['avatar.png', 'doc-extra.png', 'doc-main.png', 'orphan-new.png', 'orphan-old-2.png'].map((n) => `${P}${n}`),
    );
    const rest = await runJob({});
    expect(rest.message).toBe(`deleted 1 orphan files older than 24 h among 5 stored files: ${P}orphan-old-2.png`);
    expect(s.storage.files.has(`${P}orphan-new.png`)).toBe(true);
  });

  it('bad params fail the run', async () => {
    expect(await runJob({ dryRun: 'yes' })).toMatchObject({ status: 'failed', message: 'dryRun must be true or false' });
    expect(await runJob({ olderThanHours: -1 })).toMatchObject({ status: 'failed' });
  });

  it('is scheduled when PLINTH_FILES_ORPHAN_SCHEDULE is set, and listed with the cloud jobs', async () => {
    const job = await s.plinth.jobs.describe(ORPHAN_JOB);
    expect(job).toMatchObject({ name: ORPHAN_JOB, registered: true, schedules: [{ origin: 'code', schedule: '0 30 3 1 1 *', timeZone: 'Europe/Paris' }] });
    expect(job!.schedules[0].nextRunAt!.getTime()).toBeGreaterThan(Date.now());
    const { cloudCode } = await s.ok(`{ cloudCode { jobs { name schedule } } }`);
    expect(cloudCode.jobs).toContainEqual({ name: ORPHAN_JOB, schedule: '0 30 3 1 1 *' });
  });

  it('runs only with the master key', async () => {
    const r = await s.gql(`mutation { runJob(input: { jobName: "${ORPHAN_JOB}" }) { jobStatusId } }`);
    expect(r.errors?.[0]).toMatchObject({ extensions: { code: 119 } });
  });
});

describe('sweepOrphans', () => {
  it('reads the store a page at a time and checks each page with one query per class with File fields', async () => {
    const storage = new MemoryStorage();
    for (let i = 0; i < 25; i++) storage.add(`${P}page-${String(i).padStart(2, '0')}.bin`, 'x', 'image/png', { createdAt: hoursAgo(100) });
    const statements: string[] = [];
    const stop = s.plinth.db.onQuery((text) => statements.push(text));
    try {
      const report = await sweepOrphans(
        { db: s.plinth.db, schema: s.plinth.schemaStore, storage, remove: (name) => storage.delete(name) },
        { dryRun: true, olderThanHours: 1, pageSize: 10 },
      );
      expect(report).toMatchObject({ scanned: 25, orphans: 25, deleted: 0 });
      expect(report.names).toHaveLength(25);
    } finally {
      stop();
    }
    expect(storage.calls.filter((c) => c.op === 'list')).toHaveLength(3);
    // 3 pages × 2 classes with File fields (Doc, Profile).
    expect(statements.filter((t) => t.includes('CROSS JOIN LATERAL'))).toHaveLength(6);
    expect(storage.files.size).toBe(25);
  });
});
