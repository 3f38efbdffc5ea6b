import { createServer } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { plinth } from './cli-harness.ts';
import { at } from './describe-fixture.ts';

/** A local port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let url: string;
beforeAll(async () => {
  url = `http://127.0.0.1:${await closedPort()}`;
});

const rel = (marker: string) => `test/fixtures/cloud/described.ts:${at(marker).line}`;

describe('plinth cloud without a server: the cloud file alone', () => {
  it('says no server answered, and prints the registry: triggers per class in run order with file:line and validators, functions, jobs', async () => {
    const r = await plinth(['cloud'], { PLINTH_URL: url, PLINTH_CLOUD: 'test/fixtures/cloud/described.ts' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^Cloud code: test\/fixtures\/cloud\/described\.ts, loaded \d{4}-/);
    expect(lines[1]).toBe(`No server answered at ${url}/graphql: read from the cloud file alone (no statistics, no job runs).`);
    const post = lines.slice(lines.indexOf('Post') + 1, lines.indexOf('_User') - 1).map((l) => l.trim());
    expect(post.map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      `beforeFind #1 ${rel('post-beforeFind')}`,
      `afterFind #1 ${rel('post-afterFind')}`,
      `beforeSave #1 ${rel('post-beforeSave-1')}`,
      `beforeSave #2 ${rel('post-beforeSave-2')}`,
    ]);
    expect(post[2]).toMatch(/validator: requireUser; fields title\(String, required\)$/);
    expect(r.stdout).toContain(`hello  ${rel('fn-hello')}  validator: fields name(String, default "world", options (function))\n`);
    expect(r.stdout).toMatch(new RegExp(`cleanup  ${rel('job-cleanup')}  schedule "0 3 \\* \\* \\*" Europe/Paris, next run \\d{4}-\\S+Z, last run -\\n`));
    expect(r.stdout).not.toMatch(/calls|not called/);
  });

  it('--json prints the same description as JSON, marked static (running: false, no stats)', async () => {
    const r = await plinth(['cloud', '--json'], { PLINTH_URL: url, PLINTH_CLOUD: 'test/fixtures/cloud/described.ts' });
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d).toMatchObject({ file: at('fn-hello').file, running: false });
    expect(d.classes.map((c: any) => c.className)).toEqual(['Comment', 'Post', '_User']);
    expect(d.functions.map((f: any) => [f.name, f.location, f.stats])).toEqual([
      ['fails', at('fn-fails').location, null],
      ['hello', at('fn-hello').location, null],
    ]);
  });

  it('fails with a readable message and no stack: no server and no PLINTH_CLOUD, a cloud file that throws, an unknown option', async () => {
    const none = await plinth(['cloud'], { PLINTH_URL: url });
    expect(none).toMatchObject({ code: 1, stdout: '' });
    expect(none.stderr).toBe(`plinth: no server answered at ${url}/graphql, and PLINTH_CLOUD is not set to read the cloud file instead\n`);
    const throwing = await plinth(['cloud'], { PLINTH_URL: url, PLINTH_CLOUD: 'test/fixtures/cloud/throws-at-load.ts' });
    expect(throwing.code).toBe(1);
    expect(throwing.stderr).toMatch(/^plinth: Cannot load cloud code: \S+throws-at-load\.ts:\d+:\d+: Error: STRIPE_KEY is not set\n$/);
    const option = await plinth(['cloud', '--yaml'], { PLINTH_URL: url });
    expect(option).toMatchObject({ code: 1, stderr: 'plinth: unknown argument "--yaml". Usage: plinth cloud [--json]\n' });
    for (const r of [none, throwing, option]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
