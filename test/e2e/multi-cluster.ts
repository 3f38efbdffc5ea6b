import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import net from 'node:net';
import { createPostgresDatabase } from '../helpers/database.ts';
import { gql, startPlinth, tempDir, type PlinthProcess } from './process.ts';

/*
 * Two real Plinth processes on one PostgreSQL database and one Redis, as a multi-instance
 * deployment runs them. Each cluster has its own database and its own app id, so that runs
 * (and other suites on the same Redis) never share a channel.
 */

export const REDIS_URL = process.env.PLINTH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Fails (never skips) with a readable message when Redis does not answer PING. */
export async function requireRedis(url = REDIS_URL): Promise<void> {
  const { hostname, port } = new URL(url);
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(3_000, () => socket.destroy(new Error('no answer within 3 s')));
    socket.once('error', reject);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.end();
      resolve(data.toString());
    });
  }).catch((error: Error) => `unreachable (${error.message})`);
  if (!answer.startsWith('+PONG')) throw new Error(`Redis is required for the multi-instance test: ${url} answered ${JSON.stringify(answer)}`);
}

export interface Cluster {
  a: PlinthProcess;
  b: PlinthProcess;
  appId: string;
  /** Headers of a client without credentials; `master` adds the master key. */
  app: Record<string, string>;
  master: Record<string, string>;
  masterKey: string;
  stop(): Promise<void>;
}

/** A GraphQL request that must succeed; returns `data`. */
export async function ok(origin: string, query: string, headers: Record<string, string>, variables?: Record<string, unknown>): Promise<any> {
  const { status, body } = await gql(origin, query, headers, variables);
  if (status !== 200 || body?.errors) throw new Error(`${query.slice(0, 80)}… failed: HTTP ${status} ${JSON.stringify(body).slice(0, 500)}`);
  return body.data;
}

/**
 * Starts instance A, then B (one after the other: the first one applies the migrations) on a
 * fresh PostgreSQL database with REDIS_URL, and `env` on top (e.g. a slow schema poll).
 * `beforeB` runs against A before B starts (classes that B then loads at its start).
 */
export async function startCluster(
  env: Record<string, string> = {},
  beforeB?: (a: PlinthProcess, master: Record<string, string>) => Promise<void>,
): Promise<Cluster> {
  const database = await createPostgresDatabase();
  const appId = `e2eMulti_${randomBytes(6).toString('hex')}`;
  const masterKey = `e2e-multi-master-${randomBytes(6).toString('hex')}`;
  const dirs = [tempDir('multi-a'), tempDir('multi-b')];
  const started: PlinthProcess[] = [];
  const stop = async () => {
    for (const p of started) await p.stop('SIGKILL');
    await database.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  const app = { 'x-parse-application-id': appId };
  const master = { ...app, 'x-parse-master-key': masterKey };
  const start = async (dataDir: string) => {
    const p = await startPlinth({
      PLINTH_APP_ID: appId,
      PLINTH_MASTER_KEY: masterKey,
      PLINTH_DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      REDIS_URL,
      ...env,
    });
    started.push(p);
    return p;
  };
  try {
    const a = await start(dirs[0]!);
    await beforeB?.(a, master);
    await start(dirs[1]!);
  } catch (error) {
    await stop();
    throw error;
  }
  return { a: started[0]!, b: started[1]!, appId, app, master, masterKey, stop };
}
