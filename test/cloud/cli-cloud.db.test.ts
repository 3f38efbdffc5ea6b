import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASTER_KEY_FILE } from '../../src/config/index.ts';
import { listen, type RunningServer } from '../../src/server/http.ts';
import { CLOUD_CODE_QUERY } from '../../src/server/cli-cloud.ts';
import { APP_ID, MASTER_KEY, startTestServer, type TestServer } from '../helpers/server.ts';
import { plinth } from './cli-harness.ts';
import { at, describedSetup } from './describe-fixture.ts';

let s: TestServer;
let running: RunningServer;
let dataDir: string;

beforeAll(async () => {
  s = await startTestServer({ port: 0, host: '127.0.0.1' }, { cloud: await describedSetup() });
  running = await listen(s.plinth);
  await s.ok(`mutation { createClass(input: { name: "Post", schemaFields: { addStrings: [{ name: "title" }] } }) { class { name } } }`);
  for (const title of ['one', 'two', 'fail'])
    await s.master(`mutation($t: String) { createPost(input: { fields: { title: $t } }) { post { objectId } } }`, { t: title });
  await s.master(`mutation { callCloudCode(input: { functionName: fails }) { result } }`);
  // A development server's data directory, holding its generated key.
  dataDir = mkdtempSync(path.join(tmpdir(), 'plinth-cli-cloud-'));
  writeFileSync(path.join(dataDir, MASTER_KEY_FILE), MASTER_KEY + '\n');
});

afterAll(async () => {
  await running?.stop();
  if (s?.database.kind === 'postgres') await s.database.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const rel = (marker: string) => `test/fixtures/cloud/described.ts:${at(marker).line}`;

describe('plinth cloud against a running server', () => {
  it('prints the live picture: triggers per class in run order with file:line, validators, counts and p50/p99', async () => {
    const r = await plinth(['cloud'], { PLINTH_URL: running.url, PLINTH_APP_ID: APP_ID, PLINTH_MASTER_KEY: MASTER_KEY });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^Cloud code: \(given as a function\), loaded \d{4}-/);
    expect(lines[1]).toBe(`Live from ${running.url}.`);
    const post = lines.slice(lines.indexOf('Post') + 1, lines.indexOf('_User') - 1).map((l) => l.trim());
    expect(post.map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      `beforeFind #1 ${rel('post-beforeFind')}`,
      `afterFind #1 ${rel('post-afterFind')}`,
      `beforeSave #1 ${rel('post-beforeSave-1')}`,
      `beforeSave #2 ${rel('post-beforeSave-2')}`,
    ]);
    expect(post[2]).toMatch(
      /validator: requireUser; fields title\(String, required\) {2}3 calls, 1 error, p50 [\d.]+ ms, p99 [\d.]+ ms, last error "no failing titles" at \d{4}-/,
    );
    expect(post[3]).toMatch(/ {2}2 calls, 0 errors, p50 [\d.]+ ms, p99 [\d.]+ ms$/);
    expect(post[0]).toMatch(/not called yet$/);
    expect(r.stdout).toMatch(new RegExp(`fails  ${rel('fn-fails')}  1 call, 1 error, p50 [\\d.]+ ms, p99 [\\d.]+ ms, last error "it always fails"`));
    expect(r.stdout).toMatch(
      new RegExp(`cleanup {12}${rel('job-cleanup')}  schedule "0 3 \\* \\* \\*" Europe/Paris, next run \\d{4}-\\S+Z, last run -  not run here yet\\n`),
    );
    // The server's built-in job is listed with the cloud file's (the server stores files on its data directory).
    expect(r.stdout).toMatch(/\n {2}deleteOrphanFiles {2}src\/files\/orphans\/job\.ts:1 +on demand, next run -, last run - {2}not run here yet\n/);
  });

  it('--json prints what the cloudCode query answers, with the key from the data directory and PLINTH_URL as a base URL', async () => {
    const r = await plinth(['cloud', '--json'], { PLINTH_URL: running.url.replace(/\/graphql$/, ''), PLINTH_APP_ID: APP_ID, PLINTH_DATA_DIR: dataDir });
    expect(r.code).toBe(0);
    const { cloudCode } = await s.ok(CLOUD_CODE_QUERY);
    expect(JSON.parse(r.stdout)).toEqual({ ...cloudCode, running: true });
  });

  it('a refused master key or application id is an error, said plainly (no stack), not a silent fall-back to the file', async () => {
    const key = await plinth(['cloud'], {
      PLINTH_URL: running.url,
      PLINTH_APP_ID: APP_ID,
      PLINTH_MASTER_KEY: 'not-the-key-at-all',
      PLINTH_CLOUD: 'test/fixtures/cloud/described.ts',
    });
    expect(key).toMatchObject({ code: 1, stdout: '' });
    expect(key.stderr).toBe(
      `plinth: the server at ${running.url} refused the master key: set PLINTH_MASTER_KEY to the server’s (or run where the server's data directory keeps it, PLINTH_DATA_DIR)\n`,
    );
    const app = await plinth(['cloud'], { PLINTH_URL: running.url, PLINTH_APP_ID: 'another-app', PLINTH_MASTER_KEY: MASTER_KEY });
    expect(app).toMatchObject({ code: 1, stderr: `plinth: the server at ${running.url} refused the application id: set PLINTH_APP_ID to the server's\n` });
  });
});
