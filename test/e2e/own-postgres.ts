import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './process.ts';

/*
 * A PostgreSQL server of the test's own, for tests that stop and restart PostgreSQL: the shared
 * server on 127.0.0.1:5432 serves the other test files running at the same time and is never
 * touched. `initdb` into a temporary directory, then the `postgres` binary as a child process
 * on a free loopback port (as the `postgres` user when the tests run as root, since PostgreSQL
 * refuses to run as root). Stopping it is a signal to that process, as `pg_ctl` sends: SIGINT
 * for a fast shutdown (sessions are ended, clients get 57P01), SIGQUIT for an immediate one (a
 * crash: recovery from the WAL at the next start).
 *
 * A cluster whose test process died without cleaning up (a killed vitest worker) is stopped and
 * removed by the next call to `createOwnPostgres`.
 */

const PREFIX = 'plinth-e2e-pg-';
const run = promisify(execFile);

export interface OwnPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  /** The postmaster's pid while it runs. */
  pid(): number | undefined;
  start(): Promise<void>;
  /** Ends the server: `fast` (SIGINT, what `pg_ctl restart` does by default) or `immediate` (SIGQUIT, a crash). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Stops the server (if running) and removes its directory; safe to call more than once. */
  destroy(): Promise<void>;
  /** The server's own log, for failure messages. */
  log(): string;
}

/** The directory of initdb and postgres: PLINTH_TEST_PG_BIN, else `pg_config --bindir`, else the newest /usr/lib/postgresql/N/bin. */
async function binDir(): Promise<string> {
  if (process.env.PLINTH_TEST_PG_BIN) return process.env.PLINTH_TEST_PG_BIN;
  try {
    const { stdout } = await run('pg_config', ['--bindir']);
    const dir = stdout.trim();
    if (existsSync(path.join(dir, 'postgres'))) return dir;
  } catch {
    // not on PATH
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const v of versions) if (existsSync(path.join(root, v, 'bin', 'postgres'))) return path.join(root, v, 'bin');
  throw new Error('the fault tests need PostgreSQL server binaries (initdb, postgres): set PLINTH_TEST_PG_BIN to their directory');
}

/** As root, the uid/gid of the `postgres` user, which the server runs as; else undefined (run as ourselves). */
async function runAs(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    return { uid, gid };
  } catch {
    throw new Error('running as root, the fault tests need a `postgres` user to run their own PostgreSQL server as');
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stops and removes the clusters of test processes that are gone. */
function sweepAbandoned(): void {
  for (const name of readdirSync(tmpdir())) {
    const m = new RegExp(`^${PREFIX}(\\d+)-`).exec(name);
    if (!m || alive(Number(m[1]))) continue;
    const dir = path.join(tmpdir(), name);
    try {
      const postmaster = Number(readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (postmaster > 0 && alive(postmaster)) process.kill(postmaster, 'SIGQUIT');
    } catch {
      // not running
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** initdb into a new temporary directory and start the server; resolves once it accepts queries. */
export async function createOwnPostgres(): Promise<OwnPostgres> {
  sweepAbandoned();
  const bin = await binDir();
  const user = await runAs();
  const dir = mkdtempSync(path.join(tmpdir(), `${PREFIX}${process.pid}-`));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  const spawnOptions = { cwd: dir, ...(user ?? {}) };
  try {
    await run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], spawnOptions);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const { stderr } = error as { stderr?: string };
    throw new Error(`initdb failed: ${stderr ?? error}`);
  }
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let output = '';
  let destroyed = false;

  const server: OwnPostgres = {
    url,
    port,
    pid: () => (child && child.exitCode === null && child.signalCode === null ? child.pid : undefined),
    log: () => output,
    async start() {
      if (server.pid()) return;
      const args = ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`];
      // Durability against an OS crash is not what these tests are about; a process crash keeps the page cache.
      args.push('-c', 'fsync=off', '-c', 'max_connections=60', '-c', 'shared_buffers=16MB');
      const c = spawn(path.join(bin, 'postgres'), args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      c.stdout!.on('data', (d) => (output += d));
      c.stderr!.on('data', (d) => (output += d));
      exited = new Promise((resolve) => c.once('exit', () => resolve()));
      const deadline = Date.now() + 30_000;
      while (!(await answers(url))) {
        if (c.exitCode !== null || c.signalCode !== null) throw new Error(`postgres exited at start:\n${output}`);
        if (Date.now() > deadline) throw new Error(`postgres did not accept connections within 30 s:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop(mode = 'fast') {
      const pid = server.pid();
      if (!pid) return;
      child!.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
      const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 30_000))]);
      if (!stopped) {
        child!.kill('SIGKILL');
        await exited;
      }
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await server.stop('immediate');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await server.start();
  } catch (error) {
    await server.destroy();
    throw error;
  }
  return server;
}
