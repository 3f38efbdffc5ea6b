// Child processes: the servers under test and the harness. Every process is started here and
// stopped by its own pid; nothing is ever stopped by name.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { defer } from './cleanup.mjs';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A port that is free on loopback right now (the OS picks it), so that no run collides with a server already running. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts a server process with its stdout and stderr appended to `logFile`.
 * Returns `{ pid, child, exited }`; `exited` resolves with `{ code, signal }` when it ends.
 */
export function startProcess({ command, args, cwd, env, logFile }) {
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', fd, fd] });
  closeSync(fd); // the child holds its own copy
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { pid: child.pid, child, exited, done: false };
}

/**
 * Waits until the server answers an HTTP POST on its GraphQL URL (any status counts: the floor
 * answers an empty body with 400). Fails early if the process exits first.
 */
export async function waitUntilServing(proc, url, timeoutMs = 120_000) {
  let exit = null;
  proc.exited.then((e) => (exit = e));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exit) throw new Error(`server exited before serving (code ${exit.code}, signal ${exit.signal})`);
    try {
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      await sleep(200);
    }
  }
  throw new Error(`server did not answer on ${url} within ${timeoutMs / 1000} s`);
}

/** SIGTERM (every server here shuts down gracefully on it), then SIGKILL if it is still there after `graceMs`. */
export async function stopProcess(proc, graceMs = 15_000) {
  if (proc.done) return;
  proc.done = true;
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const ended = await Promise.race([proc.exited, sleep(graceMs).then(() => null)]);
  if (!ended) {
    process.stderr.write(`[run] pid ${proc.pid} did not stop within ${graceMs / 1000} s: SIGKILL\n`);
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
}

/** Resident memory of a process in MiB, from /proc (null where /proc is not there). */
export function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/**
 * Runs a command to completion with its stderr on ours; its stdout is dropped (the harness
 * writes the same lines to its OUT file), since our stdout carries only the summary.
 */
export function runToCompletion(command, args, { cwd, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'ignore', 2] });
    // On Ctrl-C of the runner, a harness still running must not outlive it.
    const kill = defer(() => child.kill('SIGTERM'));
    child.once('error', (error) => {
      kill.cancel();
      reject(error);
    });
    child.once('exit', (code, signal) => {
      kill.cancel();
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}
