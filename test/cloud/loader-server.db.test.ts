import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type PlinthServer, type ServerOptions } from '../../src/index.ts';
import { createPostgresDatabase, testDbKind } from '../helpers/database.ts';

const FIXTURES = path.resolve(__dirname, '../fixtures/cloud');
const APP_ID = 'loader-app';

/** createServer on a free port and a database of this project's kind; cleaned up after the file. */
const cleanups: (() => Promise<void> | void)[] = [];
async function start(options: ServerOptions): Promise<PlinthServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'plinth-server-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  let databaseUrl: string | undefined;
  if (testDbKind() === 'postgres') {
    const database = await createPostgresDatabase();
    databaseUrl = database.url;
    cleanups.push(database.drop);
  }
  const server = await createServer({
    port: 0,
    host: '127.0.0.1',
    appId: APP_ID,
    masterKey: 'loader-master-key',
    logLevel: 'silent',
    dataDir,
    databaseUrl,
    env: {},
    ...options,
  });
  cleanups.unshift(() => server.close());
  return server;
}
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function callHello(server: PlinthServer, name: string): Promise<unknown> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-parse-application-id': APP_ID },
    body: JSON.stringify({ query: `mutation { callCloudCode(input: {functionName: hello, params: {name: "${name}"}}) { result } }` }),
  });
  const body = (await response.json()) as { data?: { callCloudCode: { result: unknown } }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data?.callCloudCode.result;
}

describe('createServer', () => {
  let fromFile: PlinthServer;
  beforeAll(async () => {
    fromFile = await start({ cloud: path.join(FIXTURES, 'main.ts') });
  });

  it('serves HTTP with the cloud file it was given', async () => {
    expect(fromFile.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(await callHello(fromFile, 'Ada')).toBe('Hello Ada!');
  });

  it('runs a setup function given instead of a file, even with PLINTH_CLOUD set; stops listening on close', async () => {
    const server = await start({
      env: { PLINTH_CLOUD: path.join(FIXTURES, 'plain.js') },
      cloud: (cloud) => cloud.define('hello', (request) => `Hi ${request.params.name}`),
    });
    expect(await callHello(server, 'Ada')).toBe('Hi Ada');
    await server.close();
    await expect(fetch(server.url, { method: 'POST' })).rejects.toThrow();
  });
});
