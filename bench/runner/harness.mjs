// Runs the vendored harness (harness/bench.mjs) as a child process against one server.
// Its JSON lines go to the step's JSONL file (OUT); its progress goes to our stderr.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { APP_ID, MASTER_KEY } from './options.mjs';
import { runToCompletion } from './processes.mjs';

/**
 * One harness run. The environment is inherited, so DURATION_S, RUNS, WARMUP_S, CONCURRENCY,
 * SEED_POSTS, ... apply; what identifies the target is set here and wins.
 * Returns the harness's exit code: 0 fine, 1 some responses were errors, 2 it failed.
 */
export function runHarness(opts, { url, serverPid, label, scenarios, out }) {
  const env = {
    ...process.env,
    GQL_URL: url,
    PARSE_APP_ID: APP_ID,
    PARSE_MASTER_KEY: MASTER_KEY,
    DIALECT: 'parse',
    SERVER_PID: String(serverPid),
    LABEL: label,
    SCENARIOS: scenarios.join(','),
    OUT: out,
    // The runner settles after the seed itself (it VACUUMs first and measures idle memory after).
    SETTLE_S: '0',
  };
  return runToCompletion(process.execPath, [path.join(opts.benchDir, 'harness/bench.mjs')], { env });
}

/** The authenticated scenario (auth/auth.mjs), with the harness's settings and output file. */
export function runAuthScenario(opts, { url, serverPid, label, out }) {
  const env = { ...process.env, GQL_URL: url, PARSE_APP_ID: APP_ID, PARSE_MASTER_KEY: MASTER_KEY, SERVER_PID: String(serverPid), LABEL: label, OUT: out };
  return runToCompletion(process.execPath, [path.join(opts.benchDir, 'auth/auth.mjs')], { env });
}

/** The cloud code scenario (cloud/cloud.mjs), with the harness's settings and output file. */
export function runCloudScenario(opts, { url, serverPid, label, out }) {
  const env = { ...process.env, GQL_URL: url, PARSE_APP_ID: APP_ID, PARSE_MASTER_KEY: MASTER_KEY, SERVER_PID: String(serverPid), LABEL: label, OUT: out };
  return runToCompletion(process.execPath, [path.join(opts.benchDir, 'cloud/cloud.mjs')], { env });
}

/**
 * The files scenario (files/files.mjs): upload and download of 1 MiB files, then one large upload,
 * through Plinth's GraphQL multipart requests or Parse's REST file route (`mode` plinth or parse).
 * `storePid`: the S3 server's process (pg-s3), whose CPU is recorded apart.
 */
export function runFilesScenario(opts, { url, serverPid, label, out, mode, storePid }) {
  const env = {
    ...process.env,
    GQL_URL: url,
    PARSE_APP_ID: APP_ID,
    PARSE_MASTER_KEY: MASTER_KEY,
    SERVER_PID: String(serverPid),
    LABEL: label,
    OUT: out,
    FILES_MODE: mode,
    FILES_LARGE_MIB: String(opts.files.largeMiB),
    FILES_CONCURRENCY: String(opts.files.concurrency),
    FILES_PARSE_STREAM: opts.files.parseStream,
    FILES_STORE_PID: storePid ? String(storePid) : '',
  };
  return runToCompletion(process.execPath, [path.join(opts.benchDir, 'files/files.mjs')], { env });
}

/**
 * The live scenario (live/live.mjs): mutation → event at each subscriber, for each count of
 * `counts` in turn, over graphql-ws (Plinth) or Parse's LiveQuery protocol (`mode` parse).
 */
export function runLiveScenario(opts, { url, serverPid, label, out, mode, counts }) {
  const env = {
    ...process.env,
    GQL_URL: url,
    PARSE_APP_ID: APP_ID,
    PARSE_MASTER_KEY: MASTER_KEY,
    SERVER_PID: String(serverPid),
    LABEL: label,
    OUT: out,
    LIVE_MODE: mode,
    LIVE_COUNTS: counts.join(','),
  };
  delete env.LIVE_URL; // derived from GQL_URL and the mode
  return runToCompletion(process.execPath, [path.join(opts.benchDir, 'live/live.mjs')], { env });
}

/** The memory of 10,000 idle subscriptions (live/idle.mjs) held by one Plinth process. */
export function runLiveIdle(opts, { url, serverPid, label, out }) {
  const env = { ...process.env, GQL_URL: url, PARSE_APP_ID: APP_ID, PARSE_MASTER_KEY: MASTER_KEY, SERVER_PID: String(serverPid), LABEL: label, OUT: out };
  delete env.LIVE_URL;
  return runToCompletion(process.execPath, [path.join(opts.benchDir, 'live/idle.mjs')], { env });
}

/** Appends a line of the runner's own (e.g. idle memory) to a step's JSONL file, in the harness's format. */
export function appendResult(file, record) {
  appendFileSync(file, JSON.stringify({ ...record, ts: new Date().toISOString() }) + '\n');
}

/** The JSON lines of a results file (none if the file was never written). */
export function readResults(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
}
