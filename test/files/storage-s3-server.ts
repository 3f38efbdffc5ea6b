import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface TestS3Server {
  endpoint: string;
  bucket: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./storage-s3-server.child.mjs', import.meta.url));

/** Starts s3rver in a child process on a free loopback port, with one bucket and its data in a temporary directory. */
export async function startTestS3Server(bucket = 'plinth-test'): Promise<TestS3Server> {
  const directory = await mkdtemp(path.join(tmpdir(), 'plinth-s3-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', CHILD, directory, bucket], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the S3 test server exited (${code}) before it listened`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line).port));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    async close() {
      child.stdin!.end();
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}
