import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { describeCloudCode } from '../../src/cloud/describe.ts';
import { cloudCodeText, statsText, validatorText } from '../../src/cloud/describe-text.ts';
import { CloudStats } from '../../src/cloud/stats.ts';
import { CloudRegistry } from '../../src/cloud/registry.ts';
import { at, DESCRIBED, describedRegistry } from './describe-fixture.ts';

const NOW = new Date('2026-01-15T12:00:00.000Z');
const CWD = path.resolve(path.dirname(DESCRIBED), '../../..');
const rel = (marker: string) => `test/fixtures/cloud/described.ts:${at(marker).line}`;

describe('plinth cloud’s text', () => {
  it('one block per class, its triggers in run order with file:line (relative to the working directory), validators and timings', async () => {
    const registry = await describedRegistry();
    const stats = new CloudStats();
    for (let ms = 1; ms <= 100; ms++)
      stats.record(registry.triggersFor('beforeSave', 'Post')[0].key, ms, ms === 100 ? new Error('no failing titles') : undefined);
    const text = cloudCodeText(await describeCloudCode({ registry, stats, file: DESCRIBED, loadedAt: NOW }, NOW), 'Live from http://localhost:1337/graphql.', {
      cwd: CWD,
    });
    const lines = text.split('\n');
    expect(lines[0]).toBe('Cloud code: test/fixtures/cloud/described.ts, loaded 2026-01-15T12:00:00.000Z');
    expect(lines[1]).toBe('Live from http://localhost:1337/graphql.');
    const post = lines.slice(lines.indexOf('Post') + 1, lines.indexOf('_User') - 1);
    expect(post.map((l) => l.trim().split(/\s+/).slice(0, 3).join(' '))).toEqual([
      `beforeFind #1 ${rel('post-beforeFind')}`,
      `afterFind #1 ${rel('post-afterFind')}`,
      `beforeSave #1 ${rel('post-beforeSave-1')}`,
      `beforeSave #2 ${rel('post-beforeSave-2')}`,
    ]);
    expect(post[0]).toContain('validator: function');
    expect(post[2]).toContain('validator: requireUser; fields title(String, required)');
    expect(post[2]).toContain('100 calls, 1 error, p50 50.0 ms, p99 99.0 ms, last error "no failing titles"');
    expect(text).toMatch(/Functions\n {2}fails {2}\S+described\.ts:\d+ {2}not called yet\n {2}hello /);
    expect(text).toContain(`cleanup  ${rel('job-cleanup')}  schedule "0 3 * * *" Europe/Paris, next run 2026-01-16T02:00:00.000Z, last run -`);
    expect(text).toContain(`report   ${rel('job-report')}  on demand, next run -, last run -`);
  });

  it('a static picture shows no statistics', async () => {
    const text = cloudCodeText(await describeCloudCode({ registry: await describedRegistry(), file: DESCRIBED, loadedAt: NOW }, NOW), 'From the file.', {
      cwd: CWD,
    });
    expect(text).not.toMatch(/calls|not called/);
    expect(text).toContain(`beforeSave #2  ${rel('post-beforeSave-2')}\n`);
  });

  it('a server with no cloud code says so', async () => {
    const d = await describeCloudCode({ registry: CloudRegistry.EMPTY, stats: new CloudStats() });
    expect(d).toEqual({ file: null, loadedAt: null, running: true, classes: [], functions: [], jobs: [] });
    expect(cloudCodeText(d, 'Live.')).toBe('Cloud code: (none loaded)\nLive.\n\nTriggers: none\n\nFunctions: none\n\nJobs: none\n');
  });

  it('validators and statistics in a few words', () => {
    expect(validatorText(null)).toBe('');
    expect(
      validatorText({
        requireMaster: true,
        requireAllUserRoles: 'function',
        requireUserKeys: ['email'],
        rateLimit: { requestCount: 3, requestTimeWindow: 1000, zone: 'user' },
      }),
    ).toBe('validator: requireMaster; all roles (function); user keys email; rateLimit 3 per 1000 ms per user');
    expect(statsText({ calls: 1, errors: 0, p50Ms: 0.123, p99Ms: 250.4, lastError: null, lastErrorAt: null })).toBe(
      '1 call, 0 errors, p50 0.12 ms, p99 250 ms',
    );
  });
});
