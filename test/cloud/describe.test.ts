import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.ts';
import { describeCloudCode } from '../../src/cloud/describe.ts';
import { invoke, type InvokeEnv } from '../../src/cloud/invoke.ts';
import { CloudStats } from '../../src/cloud/stats.ts';
import type { JobDescription } from '../../src/cloud/jobs/index.ts';
import { CloudRegistry } from '../../src/cloud/registry.ts';
import { at, DESCRIBED, describedRegistry } from './describe-fixture.ts';

const NOW = new Date('2026-01-15T12:00:00.000Z');

function env(stats: CloudStats): InvokeEnv {
  return { timeoutMs: 0, slowMs: 0, production: false, logger: createLogger('silent'), stats };
}

/** Runs a registered function `times` times through invoke, as the runtime does; failures are swallowed. */
async function callFunction(registry: CloudRegistry, stats: CloudStats, name: string, times: number): Promise<void> {
  const entry = registry.functions.get(name)!;
  for (let i = 0; i < times; i++)
    await invoke(entry, `function ${name}`, env(stats), undefined, () => entry.handler({ params: { name: 'Ada' } })).catch(() => undefined);
}

describe('describeCloudCode: where every rule runs', () => {
  it('lists each class’s triggers in the order they run, with file:line and validators', async () => {
    const d = await describeCloudCode({ registry: await describedRegistry(), file: DESCRIBED }, NOW);
    expect(d.classes.map((c) => c.className)).toEqual(['Comment', 'Post', '_User']);
    const post = d.classes.find((c) => c.className === 'Post')!;
    // Registered afterFind, beforeFind, beforeSave twice; they run find first, then save, each kind in registration order.
    expect(post.triggers.map((t) => [t.kind, t.order, t.location])).toEqual([
      ['beforeFind', 1, at('post-beforeFind').location],
      ['afterFind', 1, at('post-afterFind').location],
      ['beforeSave', 1, at('post-beforeSave-1').location],
      ['beforeSave', 2, at('post-beforeSave-2').location],
    ]);
    expect(post.triggers[2]).toMatchObject({
      file: DESCRIBED,
      line: at('post-beforeSave-1').line,
      validator: { requireUser: true, fields: { title: { type: 'String', required: true } } },
    });
    expect(post.triggers[0].validator).toBe('function');
    expect(post.triggers[3].validator).toBeNull();
    const comment = d.classes.find((c) => c.className === 'Comment')!;
    expect(comment.triggers[0].validator).toEqual({ requireAnyUserRoles: ['Moderator'], rateLimit: { requestCount: 5, requestTimeWindow: 60000 } });
    expect(d.classes.find((c) => c.className === '_User')!.triggers).toMatchObject([{ kind: 'beforeLogin', location: at('user-beforeLogin').location }]);
  });

  it('lists every function with its validator (functions inside shown as "function") and every job with its schedule', async () => {
    const d = await describeCloudCode({ registry: await describedRegistry(), file: DESCRIBED }, NOW);
    expect(d.functions.map((f) => [f.name, f.location])).toEqual([
      ['fails', at('fn-fails').location],
      ['hello', at('fn-hello').location],
    ]);
    expect(d.functions[1].validator).toEqual({ fields: { name: { type: 'String', default: 'world', options: 'function' } } });
    expect(d.jobs).toMatchObject([
      // 03:00 in Paris (UTC+1 in January) after noon UTC on the 15th.
      {
        name: 'cleanup',
        registered: true,
        location: at('job-cleanup').location,
        schedule: '0 3 * * *',
        timeZone: 'Europe/Paris',
        description: 'nightly cleanup',
        nextRun: '2026-01-16T02:00:00.000Z',
        lastStatus: null,
      },
      { name: 'report', registered: true, location: at('job-report').location, schedule: null, nextRun: null, schedules: [] },
    ]);
  });

  it('without a server’s statistics it is static: stats are null, and the description is plain JSON', async () => {
    const d = await describeCloudCode({ registry: await describedRegistry(), file: DESCRIBED, loadedAt: NOW }, NOW);
    expect(d).toMatchObject({ file: DESCRIBED, loadedAt: NOW.toISOString(), running: false });
    expect(d.classes.flatMap((c) => c.triggers).every((t) => t.stats === null)).toBe(true);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });

  it('with statistics: counts, errors with the last message, and p50/p99 per trigger, function and job', async () => {
    const registry = await describedRegistry();
    const stats = new CloudStats();
    await callFunction(registry, stats, 'hello', 3);
    await callFunction(registry, stats, 'fails', 2);
    const second = registry.triggersFor('beforeSave', 'Post')[1];
    for (let ms = 1; ms <= 100; ms++) stats.record(second.key, ms);
    stats.record(registry.jobs.get('cleanup')!.key, 1500, new Error('disk full'));

    const d = await describeCloudCode({ registry, stats }, NOW);
    expect(d.running).toBe(true);
    const fn = Object.fromEntries(d.functions.map((f) => [f.name, f.stats!]));
    expect(fn.hello).toMatchObject({ calls: 3, errors: 0, lastError: null });
    expect(fn.hello.p50Ms).toBeGreaterThanOrEqual(0);
    expect(fn.fails).toMatchObject({ calls: 2, errors: 2, lastError: 'it always fails' });
    expect(Date.parse(fn.fails.lastErrorAt!)).not.toBeNaN();
    const post = d.classes.find((c) => c.className === 'Post')!.triggers;
    expect(post[3].stats).toMatchObject({ calls: 100, errors: 0, p50Ms: 50, p99Ms: 99 });
    expect(post[2].stats).toEqual({ calls: 0, errors: 0, p50Ms: null, p99Ms: null, lastError: null, lastErrorAt: null });
    expect(d.jobs[0].stats).toMatchObject({ calls: 1, errors: 1, p50Ms: 1500, lastError: 'disk full' });
  });

  it('a running server’s jobs engine adds database schedules, the soonest next run, the last run and jobs only a _JobSchedule names', async () => {
    const engine: JobDescription[] = [
      {
        name: 'cleanup',
        registered: true,
        schedules: [
          { origin: 'code', schedule: '0 3 * * *', timeZone: 'Europe/Paris', nextRunAt: new Date('2026-01-16T02:00:00Z') },
          { origin: 'database', id: 'sch1', schedule: 'every 15 minutes', timeZone: 'UTC', nextRunAt: new Date('2026-01-15T12:15:00Z') },
        ],
        lastRun: {
          objectId: 'run1',
          status: 'failed',
          source: 'schedule',
          message: 'disk full',
          createdAt: new Date('2026-01-15T03:00:00Z'),
          startedAt: new Date('2026-01-15T03:00:01Z'),
          finishedAt: new Date('2026-01-15T03:00:09Z'),
        },
      },
      {
        name: 'gone',
        registered: false,
        schedules: [{ origin: 'database', id: 'sch2', schedule: '* * * * *', timeZone: 'UTC', nextRunAt: undefined }],
        lastRun: undefined,
      },
    ];
    const d = await describeCloudCode({ registry: await describedRegistry(), stats: new CloudStats(), jobs: { describeAll: async () => engine } }, NOW);
    expect(d.jobs.map((j) => j.name)).toEqual(['cleanup', 'gone', 'report']);
    expect(d.jobs[0]).toMatchObject({
      nextRun: '2026-01-15T12:15:00.000Z',
      lastStatus: 'failed',
      lastRunAt: '2026-01-15T03:00:09.000Z',
      lastMessage: 'disk full',
      schedules: [
        { origin: 'code', id: null },
        { origin: 'database', id: 'sch1', schedule: 'every 15 minutes', nextRun: '2026-01-15T12:15:00.000Z' },
      ],
    });
    expect(d.jobs[1]).toMatchObject({ registered: false, file: null, location: null, stats: null, nextRun: null });
  });

  it('a schedule the code got wrong is shown with the reason it does not run', async () => {
    const registry = await describedRegistry();
    const broken = { ...registry.jobs.get('cleanup')!, options: { schedule: 'every tuesday' } };
    const d = await describeCloudCode({ registry: new CloudRegistry(new Map(), new Map([['cleanup', broken]]), []) }, NOW);
    expect(d.jobs[0]).toMatchObject({ schedule: 'every tuesday', nextRun: null });
    expect(d.jobs[0].scheduleError).toMatch(/Invalid cron expression "every tuesday"/);
  });
});
