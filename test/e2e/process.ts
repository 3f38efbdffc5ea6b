import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** Helpers for tests of the real process: `npm run build`, then `node dist/cli.js …`. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = path.join(ROOT, 'dist', 'cli.js');

function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full, ext));
    else if (entry.name.endsWith(ext)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function builtAfterSources(): boolean {
  try {
    return statSync(CLI).mtimeMs > newestMtime(path.join(ROOT, 'src'), '.ts');
  } catch {
    return false;
  }
}

/** A lock shared by the e2e files of one machine, so that only one of them runs tsc at a time. */
async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = path.join(tmpdir(), 'plinth-e2e-build.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left by a crashed run is dropped after two minutes.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 120_000) rmdirSync(lock);
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmdirSync(lock);
  }
}

let building: Promise<void> | undefined;

/** `npm run build`, unless dist/ is already newer than every source file. */
export function buildOnce(): Promise<void> {
  building ??= withBuildLock(async () => {
    if (builtAfterSources()) return;
    try {
      await promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`npm run build failed:\n${stdout ?? ''}${stderr ?? ''}`);
    }
  });
  return building;
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface PlinthProcess {
  child: ChildProcess;
  port: number;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Parsed pino lines of stdout. */
  logs(): Record<string, any>[];
  exited: Promise<Exit>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

/** Runs `node dist/cli.js <args>` to its end. */
export function runCli(args: string[], env: Record<string, string | undefined>, timeoutMs = 30_000): Promise<Exit & { stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: cleanEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`plinth ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The test runner's environment, without what would change Plinth's behaviour. */
function cleanEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'development' };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) base[k] = v;
  return base;
}

/**
 * Starts `node dist/cli.js start` and resolves once it logs that it is serving. Fails with the
 * process's output if it exits or takes longer than `timeoutMs` first.
 */
export async function startPlinth(env: Record<string, string | undefined>, timeoutMs = 30_000): Promise<PlinthProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, [CLI, 'start'], { cwd: ROOT, env: cleanEnv({ ...env, PORT: String(port) }) });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const logs = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, any>);
  const started = Date.now();
  for (;;) {
    if (logs().some((l) => typeof l.msg === 'string' && l.msg.startsWith('Plinth is serving'))) break;
    const exit = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(r, 50))]);
    if (exit) throw new Error(`plinth start exited (${JSON.stringify(exit)}) before serving:\n${out}\n${err}`);
    if (Date.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`plinth start did not serve within ${timeoutMs} ms:\n${out}\n${err}`);
    }
  }
  return {
    child,
    port,
    origin: `http://127.0.0.1:${port}`,
    stdout: () => out,
    stderr: () => err,
    logs,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** POSTs a GraphQL request to a running Plinth. */
export async function gql(
  origin: string,
  query: string,
  headers: Record<string, string>,
  variables?: Record<string, unknown>,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // kept as text
  }
  return { status: res.status, body };
}

/** Resolves with the connection error code when connecting to `port` fails, undefined when it connects. */
export function connectError(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

export function tempDir(name: string): string {
  const dir = path.join(tmpdir(), `plinth-e2e-${name}-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export interface SlowRequest {
  /** Resolves once the server has read the request head (it answered `100 Continue`). */
  received: Promise<void>;
  /** Sends the rest of the body. */
  finish(): void;
  response: Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }>;
}

/**
 * A request that stays in flight as long as the test wants: a POST whose head and first half
 * of the body are sent at once and whose second half waits for `finish()`. `Expect:
 * 100-continue` tells when the server has the request. On a fresh keep-alive connection, as
 * browsers and SDKs use, so that the server has to close it after the answer.
 */
export function slowRequest(port: number, headers: Record<string, string>, body: string): SlowRequest {
  const bytes = Buffer.from(body);
  const half = Math.floor(bytes.length / 2);
  let finish!: () => void;
  const finishing = new Promise<void>((resolve) => (finish = resolve));
  let received!: () => void;
  const receivedP = new Promise<void>((resolve) => (received = resolve));
  const response = new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }>((resolve, reject) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/graphql',
        agent,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': bytes.length, expect: '100-continue' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) });
          // The client keeps the socket: closing it is the server's part. Cleaned up later.
          setTimeout(() => agent.destroy(), 10_000).unref();
        });
      },
    );
    req.on('error', reject);
    req.on('continue', () => {
      req.write(bytes.subarray(0, half), () => received());
      void finishing.then(() => req.end(bytes.subarray(half)));
    });
    req.flushHeaders();
  });
  return { received: receivedP, finish, response };
}
