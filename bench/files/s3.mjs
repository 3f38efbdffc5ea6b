// Starts and stops the pg-s3 target's S3 server (s3-server.mjs), one per step, its data in the
// step's data directory (removed with it).
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { defer } from '../runner/cleanup.mjs';

const CHILD = fileURLToPath(new URL('./s3-server.mjs', import.meta.url));
export const S3_BUCKET = 'plinth-bench';
/** s3rver's built-in account. */
const S3RVER_KEY = 'S3RVER';

/**
 * Starts s3rver with `directory` as its store and its log in `logFile`; resolves once it listens.
 * Returns what Plinth needs to use it, its pid (its CPU is recorded apart) and `stop()`.
 */
export async function startS3Server({ directory, logFile }) {
  mkdirSync(directory, { recursive: true });
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--openssl-legacy-provider', CHILD, directory, S3_BUCKET], { stdio: ['pipe', 'pipe', fd] });
  closeSync(fd);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // Closing its stdin ends it; a kill is the fallback. Registered now so that Ctrl-C stops it too.
  const stop = defer(async () => {
    child.stdin.end();
    const timeout = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timeout);
  });
  try {
    const port = await new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the S3 server exited (${code}) before it listened; is s3rver installed (npm install)? See ${logFile}`)));
      createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line).port));
    });
    return { endpoint: `http://127.0.0.1:${port}`, bucket: S3_BUCKET, accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_KEY, pid: child.pid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
