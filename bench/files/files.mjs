#!/usr/bin/env node
// The files scenario: upload and download of 1 MiB files by FILES_CONCURRENCY (8) clients, and
// the server's memory while it takes one large file. Runs against Plinth (FILES_MODE=plinth:
// GraphQL multipart createFile) and Parse Server (FILES_MODE=parse: its REST file upload), see
// protocol.mjs. Prints one JSON line per run, like the harness.
//
//   files-upload: each client uploads 1 MiB files of random bytes (name b.bin,
//     application/octet-stream), one after another, for DURATION_S after WARMUP_S; every answer
//     must carry the stored file's URL.
//   files-download: each client GETs the files uploaded so far (warm-up ones too), in turn, for
//     DURATION_S after WARMUP_S; every body must be 1 MiB, and one in VALIDATE_EVERY must be
//     byte for byte the file uploaded.
//   Both RUNS times, upload then download. Server CPU per file comes from the harness's sampler
//   (SERVER_PID); with FILES_STORE_PID (the S3 server) its CPU is recorded apart and taken out
//   of "other CPU".
//   files-large: once, FILES_LARGE_MIB (1024; 0 skips it) streamed in one upload while the
//   server's RSS is read every 20 ms (large.mjs). To Parse it goes with X-Parse-Upload-Mode: stream
//   (FILES_PARSE_STREAM=large, the default; `all` streams the 1 MiB uploads too, `none` neither):
//   Parse's buffered path base64-encodes the body into one string, which cannot hold 1 GiB.
//
//   GQL_URL=… PARSE_APP_ID=… PARSE_MASTER_KEY=… SERVER_PID=… FILES_MODE=plinth node files/files.mjs
import { appendFileSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { Pool } from 'undici';
import { loadConfig } from '../harness/lib/config.mjs';
import { runLoad } from '../harness/lib/load.mjs';
import { startSampler } from '../harness/lib/procstat.mjs';
import { largeUpload } from './large.mjs';
import { downloadPath, MiB, uploadProtocol } from './protocol.mjs';

const cfg = loadConfig();
const env = process.env;
const log = (msg) => process.stderr.write(`[files ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

const MODE = env.FILES_MODE || 'plinth';
if (!['plinth', 'parse'].includes(MODE)) throw new Error(`FILES_MODE must be plinth or parse, got "${MODE}"`);
const CONCURRENCY = intOption('FILES_CONCURRENCY', 8, 1);
const LARGE_MIB = intOption('FILES_LARGE_MIB', 1024, 0);
const STORE_PID = Number(env.FILES_STORE_PID || 0) || null;
const PARSE_STREAM = env.FILES_PARSE_STREAM || 'large';
if (!['large', 'all', 'none'].includes(PARSE_STREAM)) throw new Error(`FILES_PARSE_STREAM must be large, all or none, got "${PARSE_STREAM}"`);
/** Distinct random files the uploads cycle through: enough that no server could tell them apart, few enough to build once. */
const DISTINCT_FILES = 16;

function intOption(name, fallback, min) {
  const n = Number(env[name] || fallback);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${env[name]}"`);
  return n;
}

const origin = new URL(cfg.url).origin;
const credentials = { appId: cfg.appId, masterKey: cfg.masterKey };
const upload = uploadProtocol(MODE, { ...credentials, parseStream: MODE === 'parse' && PARSE_STREAM === 'all' });
const pool = new Pool(origin, { connections: CONCURRENCY, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 60_000, bodyTimeout: 60_000 });

/** The files and their whole request bodies, built once, so that the load costs the bench no copying. */
const files = Array.from({ length: DISTINCT_FILES }, () => {
  const bytes = randomFillSync(Buffer.allocUnsafe(MiB));
  return { bytes, body: Buffer.concat([upload.head, bytes, upload.tail]) };
});
/** What the uploads stored: the path to download each by, and which of `files` it holds. */
const stored = [];
let failedResponses = 0;

function emit(scenario, run, result) {
  if (result.errors) failedResponses += result.errors;
  const line = JSON.stringify({
    scenario,
    run,
    label: cfg.label || undefined,
    url: cfg.url,
    mode: MODE,
    concurrency: CONCURRENCY,
    duration_s: cfg.duration,
    file_bytes: MiB,
    ...result,
    ts: new Date().toISOString(),
  });
  process.stdout.write(line + '\n');
  if (cfg.out) appendFileSync(cfg.out, line + '\n');
}

/**
 * The requests below answer the harness's load loop (runLoad) as its client would, `{ status,
 * text }`, but always with status 200 and as text the verdict: empty when the request did what
 * it should, else what went wrong (runLoad counts a non-200 as an error and hands a 200's text to
 * `check`, which here returns the verdict).
 */
const verdict = (problem = '') => ({ status: 200, text: problem });

/** One upload; the stored file is remembered for the downloads. */
async function uploadOne(file) {
  const res = await pool.request({ method: 'POST', path: upload.path, headers: upload.headers, body: files[file].body });
  const text = await res.body.text();
  if (res.statusCode !== upload.okStatus) return verdict(`HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
  let url;
  try {
    url = upload.urlOf(text);
  } catch (error) {
    return verdict(error.message);
  }
  if (!url) return verdict(`no URL in the answer: ${text.slice(0, 300)}`);
  stored.push({ path: downloadPath(url), file });
  return verdict();
}

/** One download, without credentials: the body is counted, and with `compare` checked byte for byte against the file uploaded. */
async function downloadOne({ path, file, compare }) {
  const res = await pool.request({ method: 'GET', path });
  const chunks = [];
  let bytes = 0;
  for await (const chunk of res.body) {
    bytes += chunk.length;
    if (compare) chunks.push(chunk);
  }
  if (res.statusCode !== 200) return verdict(`GET ${path}: HTTP ${res.statusCode}`);
  if (bytes !== MiB) return verdict(`GET ${path}: ${bytes} bytes, expected ${MiB}`);
  if (compare && !Buffer.concat(chunks).equals(files[file].bytes)) return verdict(`GET ${path}: not the bytes uploaded`);
  return verdict();
}

/**
 * The harness's closed loop (warm-up, window, server CPU and RSS, other CPU) with our requests:
 * `next()` picks what a request does, `send(it)` does it. The S3 server's CPU is sampled over
 * the same window and taken out of other CPU; server CPU per file is added.
 */
async function load(next, send) {
  let stopStore = null;
  const storeTimer = STORE_PID ? setTimeout(() => (stopStore = startSampler(STORE_PID)), cfg.warmup * 1000) : null;
  const result = await runLoad({
    client: { postRaw: send },
    makeBody: next,
    check: (text) => text || null,
    concurrency: CONCURRENCY,
    durationS: cfg.duration,
    warmupS: cfg.warmup,
    serverPid: cfg.serverPid,
  });
  clearTimeout(storeTimer);
  const store = stopStore?.();
  if (store?.server_cpu_pct != null) {
    result.store_cpu_pct = store.server_cpu_pct;
    if (result.other_cpu_pct != null) result.other_cpu_pct = Math.round(result.other_cpu_pct - store.server_cpu_pct);
  }
  result.files_per_s = result.rps;
  // % of one core → ms of CPU per second, spread over the files of that second.
  result.server_cpu_ms_per_file = result.server_cpu_pct != null && result.rps > 0 ? Math.round((result.server_cpu_pct * 1000) / result.rps) / 100 : null;
  return result;
}

function uploadRun() {
  let i = 0;
  return load(() => i++ % DISTINCT_FILES, uploadOne);
}

/** The stored files in turn; one download in VALIDATE_EVERY is compared byte for byte. */
function downloadRun() {
  let i = 0;
  return load(() => ({ ...stored[i % stored.length], compare: i++ % cfg.sampleEvery === 0 }), downloadOne);
}

/** Before the load: one upload, and its download byte for byte (a server without a files store fails here). */
async function preflight() {
  const up = await uploadOne(0);
  if (up.text) throw new Error(`upload: ${up.text}`);
  const down = await downloadOne({ ...stored.at(-1), compare: true });
  if (down.text) throw new Error(`download: ${down.text}`);
}

/** What is wrong with the stored file's size, by a HEAD of its URL (null: nothing). */
async function checkStoredSize(url, expected) {
  try {
    const res = await fetch(origin + downloadPath(url), { method: 'HEAD', signal: AbortSignal.timeout(120_000) });
    const size = Number(res.headers.get('content-length'));
    return res.status === 200 && size === expected ? null : `HEAD ${url}: HTTP ${res.status}, Content-Length ${size}; sent ${expected} bytes`;
  } catch (error) {
    return `HEAD ${url}: ${error.message}`;
  }
}

/**
 * The large upload, then a HEAD of what was stored: its size must be the size sent. A server
 * may store the file and still not serve it (Parse base64-encodes a file it serves, into one
 * string: not one of 1 GiB); that is `served_problem`, apart from the upload's `failure`.
 */
async function largeRun() {
  const protocol = uploadProtocol(MODE, { ...credentials, parseStream: MODE === 'parse' && PARSE_STREAM !== 'none' });
  const result = await largeUpload({ origin, protocol, sizeMiB: LARGE_MIB, serverPid: cfg.serverPid });
  result.served_problem = result.ok ? await checkStoredSize(result.url, LARGE_MIB * MiB) : null;
  // Parse may refuse or fall over: that is its result. A Plinth failure counts as an error.
  const problem = result.failure ?? result.served_problem;
  if (problem && MODE === 'plinth') Object.assign(result, { errors: 1, first_error: problem });
  return result;
}

try {
  log(`${MODE} on ${origin}: ${CONCURRENCY} clients, 1 MiB files; large upload ${LARGE_MIB} MiB`);
  await preflight();
  for (let run = 1; run <= cfg.runs; run++) {
    log(`files-upload run ${run}/${cfg.runs}`);
    emit('files-upload', run, await uploadRun());
    log(`files-download run ${run}/${cfg.runs} (${stored.length} files stored)`);
    emit('files-download', run, await downloadRun());
  }
  if (LARGE_MIB > 0) {
    log(`files-large: ${LARGE_MIB} MiB in one upload`);
    const result = await largeRun();
    const outcome = result.ok
      ? `${result.mib_per_s} MiB/s${result.served_problem ? `, not served back: ${result.served_problem}` : ''}`
      : `failed: ${result.failure}`;
    log(`files-large: ${outcome}; RSS +${result.rss_growth_mib} MiB`);
    emit('files-large', 1, result);
  }
  if (failedResponses) process.exitCode = 1;
} catch (error) {
  log(`failed: ${error.message}`);
  emit('error', 0, { error: error.message });
  process.exitCode = 2;
} finally {
  await pool.close();
}
