import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './process.ts';

/*
 * Streaming, measured on a real server process: a large upload goes from the socket to the
 * storage in chunks, so the server's resident memory moves by a few MiB, not by the file's
 * size. PLINTH_E2E_UPLOAD_MIB=1024 measures a 1 GiB upload instead (reported, not a test).
 */

const APP_ID = 'e2e-upload';
const MASTER_KEY = 'e2e-upload-master-key';
const MIB = 1024 * 1024;
const SIZE_MIB = Number(process.env.PLINTH_E2E_UPLOAD_MIB ?? 256);

/** The process's resident memory, in bytes (Linux). */
function rss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) * 1024;
}

interface Upload {
  status: number;
  body: any;
  ms: number;
  peakRss: number;
}

/** Streams one file of `size` bytes (made on the fly, 1 MiB at a time) as a createFile multipart request, sampling the server's RSS. */
function upload(url: string, pid: number, size: number, filename: string): Promise<Upload> {
  const boundary = '----plinth-e2e-boundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({
      query: 'mutation($f: Upload!) { createFile(input: { upload: $f }) { fileInfo { name url } } }',
      variables: { f: null },
    })}\r\n--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.f"]}\r\n--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const chunk = Buffer.alloc(MIB, 0x61);
  const started = performance.now();
  let peakRss = rss(pid);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rss(pid))), 20);
  return new Promise<Upload>((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(head.length + size + tail.length),
          'x-parse-application-id': APP_ID,
          'x-parse-master-key': MASTER_KEY,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          clearInterval(sampler);
          peakRss = Math.max(peakRss, rss(pid));
          resolve({ status: res.statusCode!, body: JSON.parse(text), ms: performance.now() - started, peakRss });
        });
      },
    );
    req.on('error', (error) => {
      clearInterval(sampler);
      reject(error);
    });
    (async () => {
      const write = (b: Buffer) => (req.write(b) ? undefined : new Promise((r) => req.once('drain', r)));
      await write(head);
      for (let left = size; left > 0; left -= MIB) await write(left >= MIB ? chunk : chunk.subarray(0, left));
      req.end(tail);
    })().catch(reject);
  });
}

describe('a large upload streams to storage', () => {
  let child: ChildProcess;
  let url: string;
  const root = tempDir('plinth-e2e-upload');
  beforeAll(async () => {
    child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/e2e/files-upload-server.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'development',
        UPLOAD_ROOT: root,
        PLINTH_APP_ID: APP_ID,
        PLINTH_MASTER_KEY: MASTER_KEY,
        PLINTH_DATA_DIR: path.join(root, 'data-dir'),
        PLINTH_FILE_MAX_BYTES: String(2 * 1024 * MIB),
        PLINTH_LOG_LEVEL: 'warn',
        PLINTH_LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        const line = out.split('\n').find((l) => l.startsWith('{"url"'));
        if (line) resolve(JSON.parse(line).url);
      });
      child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${out}\n${err}`)));
    });
  }, 120_000);
  afterAll(() => {
    child?.kill('SIGTERM');
    rmSync(root, { recursive: true, force: true });
  });

  it(`${SIZE_MIB} MiB: stored whole, the server's RSS grows by less than 32 MiB`, async () => {
    // Warm up (first upload loads busboy, file-type, the storage's folders), then settle.
    expect((await upload(url, child.pid!, 64 * 1024, 'warm.bin')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    const before = rss(child.pid!);
    const size = SIZE_MIB * MIB;
    const result = await upload(url, child.pid!, size, 'large.bin');
    expect(result.status).toBe(200);
    const name: string = result.body.data.createFile.fileInfo.name;
    expect(name).toMatch(/^[0-9a-f]{32}_large\.bin$/);
    expect(statSync(path.join(root, 'data', name)).size).toBe(size);
    const grew = result.peakRss - before;
    console.log(
      `upload of ${SIZE_MIB} MiB: RSS ${Math.round(before / MIB)} MiB before, peak ${Math.round(result.peakRss / MIB)} MiB (+${(grew / MIB).toFixed(1)} MiB), ${(size / MIB / (result.ms / 1000)).toFixed(0)} MiB/s`,
    );
    expect(grew).toBeLessThan(32 * MIB);
    expect(readdirSync(path.join(root, 'tmp'))).toEqual([]);
  }, 600_000);
});
