// One step = one target measured once: fresh data, a fresh server process, seed, VACUUM ANALYZE,
// settle, idle memory, the load scenarios, stop, clean up. Steps run one after another, never in
// parallel: they share the machine's two cores.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startS3Server } from '../files/s3.mjs';
import { defer } from './cleanup.mjs';
import { appendResult, runAuthScenario, runCloudScenario, runFilesScenario, runHarness, runLiveIdle, runLiveScenario } from './harness.mjs';
import { createDatabase, dropDatabase, vacuumAnalyze } from './postgres.mjs';
import { freePort, rssMiB, sleep, startProcess, stopProcess, waitUntilServing } from './processes.mjs';
import { floorServer, parseServer, plinthRedisServer, plinthServer } from './servers.mjs';

const log = (msg) => process.stderr.write(`[run ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

/** Which server each target runs. The Plinth targets are the same server; only the storage (and Redis) differ. */
const SERVER_OF = { pg: plinthServer, 'pg-redis': plinthRedisServer, 'pg-s3': plinthServer, pglite: plinthServer, parse: parseServer, floor: floorServer };
const isPlinth = (target) => ['pg', 'pg-redis', 'pg-s3', 'pglite'].includes(target);
/** Scenarios that use none of the harness's seed (Author, Post): with only these, there is no seed. */
const SEEDLESS_SCENARIOS = ['files'];

/**
 * Gives each entry of the target list a label (the target's name, numbered when it occurs more
 * than once, as in A B A: parse-1, pg, parse-2) and its results file.
 */
export function planSteps(opts) {
  const total = {};
  for (const t of opts.targets) total[t] = (total[t] ?? 0) + 1;
  const seen = {};
  return opts.targets.map((target, i) => {
    seen[target] = (seen[target] ?? 0) + 1;
    const label = total[target] > 1 ? `${target}-${seen[target]}` : target;
    return { index: i + 1, target, label, file: path.join(opts.outDir, `${label}.jsonl`) };
  });
}

/**
 * Runs one step. Never throws: a failure is logged and returned as `failure`, so that the other
 * steps still run and the summary shows what happened.
 */
export async function runStep(opts, step) {
  log(`step ${step.index}/${opts.targets.length}: ${step.label}`);
  const outcome = { ...step, harnessExitCodes: [], failure: null };
  let data = null;
  try {
    data = await freshData(opts, step);
    // The floor does not answer the seed mutations: Parse seeds its tables, as the floor README says.
    if (step.target === 'floor') await seedThroughParse(opts, step, data, outcome);
    const server = await startServer(opts, SERVER_OF[step.target], data, step.label);
    try {
      await measure(opts, step, data, server, outcome);
    } finally {
      await server.stop();
    }
    // In a server of its own, started afresh on the same data: the other scenarios' garbage would blur its memory.
    if (opts.loadScenarios.includes('live-idle') && isPlinth(step.target)) await measureIdleSubscriptions(opts, step, data, outcome);
  } catch (error) {
    outcome.failure = error.message;
    log(`${step.label} FAILED: ${error.message}`);
  } finally {
    if (data && !opts.keep) await data.cleanup();
    if (data && opts.keep) log(`kept ${[data.databaseUrl, data.dataDir].filter(Boolean).join(' and ')}`);
  }
  return outcome;
}

/** Seed (except for the floor), VACUUM ANALYZE, settle, idle RSS, then the load scenarios. */
async function measure(opts, step, data, server, outcome) {
  const rssReady = rssMiB(server.pid);
  const needsSeed = opts.loadScenarios.some((s) => !SEEDLESS_SCENARIOS.includes(s));
  if (step.target !== 'floor' && needsSeed) {
    await harness(opts, server, step.label, ['seed'], step.file, outcome);
  }
  if (data.databaseUrl) await vacuumAnalyze(data.databaseUrl);
  // Let autovacuum, checkpoints and the server's own post-seed work finish before idle memory is read.
  await sleep(opts.settleS * 1000);
  appendResult(step.file, {
    scenario: 'idle',
    run: 1,
    label: step.label,
    target: step.target,
    server_pid: server.pid,
    rss_ready_mib: rssReady,
    rss_idle_mib: rssMiB(server.pid),
    settle_s: opts.settleS,
  });
  // Without the seed in the same harness run, the harness finds the ids by paging authors and posts.
  const harnessScenarios = opts.loadScenarios.filter((s) => ['read', 'list', 'create'].includes(s));
  if (harnessScenarios.length) await harness(opts, server, step.label, harnessScenarios, step.file, outcome);
  // The authenticated scenario (auth/auth.mjs) signs a user up: the floor has no users.
  if (opts.loadScenarios.includes('auth') && step.target !== 'floor') {
    const code = await runAuthScenario(opts, { url: server.url, serverPid: server.pid, label: step.label, out: step.file });
    outcome.harnessExitCodes.push(code);
    if (code !== 0 && code !== 1) throw new Error(`auth scenario failed with exit code ${code}; see ${step.file}`);
  }
  // Cloud code (cloud/cloud.mjs): triggers on one of two identical classes, and a trivial function; the floor has none.
  if (opts.loadScenarios.includes('cloud') && step.target !== 'floor') {
    const code = await runCloudScenario(opts, { url: server.url, serverPid: server.pid, label: step.label, out: step.file });
    outcome.harnessExitCodes.push(code);
    if (code !== 0 && code !== 1) throw new Error(`cloud scenario failed with exit code ${code}; see ${step.file}`);
  }
  // Last: it adds posts. Plinth over graphql-ws; Parse through its LiveQuery WebSocket; the floor has none.
  if (opts.loadScenarios.includes('live') && step.target !== 'floor') {
    const parse = step.target === 'parse';
    const mode = parse ? 'parse' : 'graphql-ws';
    const counts = parse ? opts.live.parseCounts : opts.live.plinthCounts;
    const code = await runLiveScenario(opts, { url: server.url, serverPid: server.pid, label: step.label, out: step.file, mode, counts });
    outcome.harnessExitCodes.push(code);
    if (code !== 0 && code !== 1) throw new Error(`live scenario failed with exit code ${code}; see ${step.file}`);
  }
  // After everything else: its large upload may take Parse down. The floor stores no files.
  if (opts.loadScenarios.includes('files') && step.target !== 'floor') {
    const mode = step.target === 'parse' ? 'parse' : 'plinth';
    const code = await runFilesScenario(opts, { url: server.url, serverPid: server.pid, label: step.label, out: step.file, mode, storePid: data.s3?.pid });
    outcome.harnessExitCodes.push(code);
    if (code !== 0 && code !== 1) throw new Error(`files scenario failed with exit code ${code}; see ${step.file}`);
  }
}

/** live-idle: a fresh Plinth process on the step's data holds 10,000 idle subscriptions (live/idle.mjs). */
async function measureIdleSubscriptions(opts, step, data, outcome) {
  const server = await startServer(opts, SERVER_OF[step.target], data, `${step.label}.idle`);
  try {
    await sleep(opts.settleS * 1000);
    const code = await runLiveIdle(opts, { url: server.url, serverPid: server.pid, label: step.label, out: step.file });
    outcome.harnessExitCodes.push(code);
    if (code !== 0 && code !== 1) throw new Error(`live-idle failed with exit code ${code}; see ${step.file}`);
  } finally {
    await server.stop();
  }
}

/** Runs the harness; a run that failed outright (exit 2: no data, server gone) stops the step. */
async function harness(opts, server, label, scenarios, out, outcome) {
  const code = await runHarness(opts, { url: server.url, serverPid: server.pid, label, scenarios, out });
  outcome.harnessExitCodes.push(code);
  if (code !== 0 && code !== 1) throw new Error(`harness (${scenarios.join(',')}) failed with exit code ${code}; see ${out}`);
}

/**
 * A fresh database (pg, parse, floor) or PGlite data folder, and for pg-s3 a fresh S3 server;
 * all are removed after the step. The data directory also holds the step's files (Plinth's fs
 * store, Parse's fs adapter, the S3 server's store).
 */
async function freshData(opts, step) {
  // Plinth keeps its data directory even on PostgreSQL; a temporary one keeps ./.plinth untouched.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `plinth-bench-${step.label}-`));
  const removeDir = defer(() => rmSync(dataDir, { recursive: true, force: true }));
  if (step.target === 'pglite') return { dataDir, cleanup: removeDir };
  if (step.target === 'pg-s3') return withS3Server(opts, step, await freshDatabase(opts, step, dataDir, removeDir));
  return freshDatabase(opts, step, dataDir, removeDir);
}

/** A fresh database on the PostgreSQL server, for a step whose data directory is made. */
async function freshDatabase(opts, step, dataDir, removeDir) {
  const name = `plinth_bench_${process.pid}_${step.index}_${step.target.replace('-', '_')}`;
  let databaseUrl;
  try {
    databaseUrl = await createDatabase(opts.adminUrl, name);
  } catch (error) {
    await removeDir();
    throw new Error(`cannot create database ${name} through ${redact(opts.adminUrl)}: ${error.message}`);
  }
  const dropDb = defer(() => dropDatabase(opts.adminUrl, name));
  log(`database ${name}`);
  return {
    dataDir,
    databaseUrl,
    cleanup: async () => {
      await dropDb();
      await removeDir();
    },
  };
}

/** Starts a server on a free port and waits until it answers; its output goes to <label>.server.log. */
async function startServer(opts, serverOf, data, logName) {
  const port = await freePort();
  const spec = serverOf(opts, { port, ...data });
  const proc = startProcess({ ...spec, logFile: path.join(opts.outDir, `${logName}.server.log`) });
  const stop = defer(() => stopProcess(proc));
  const url = `http://127.0.0.1:${port}/graphql`;
  try {
    await waitUntilServing(proc, url);
  } catch (error) {
    await stop();
    throw new Error(`${error.message} (see ${logName}.server.log)`);
  }
  log(`${logName}: pid ${proc.pid} serving ${url}`);
  return { pid: proc.pid, url, stop };
}

/** Parse Server seeds the floor's database (its figures go to <label>.parse-seed.jsonl), then stops. */
async function seedThroughParse(opts, step, data, outcome) {
  const logName = `${step.label}.parse-seed`;
  // The anchor as it is: the floor's database gets no cloud code.
  const parse = await startServer(opts, (o, d) => parseServer(o, d, { cloud: false }), data, logName);
  try {
    await harness(opts, parse, logName, ['seed'], path.join(opts.outDir, `${logName}.jsonl`), outcome);
  } finally {
    await parse.stop();
  }
}

/** pg-s3: an S3 server (s3rver) of the step's own, its store in the data directory; stopped before the rest is removed. */
async function withS3Server(opts, step, data) {
  let s3;
  try {
    s3 = await startS3Server({ directory: path.join(data.dataDir, 's3'), logFile: path.join(opts.outDir, `${step.label}.s3.log`) });
  } catch (error) {
    await data.cleanup();
    throw error;
  }
  log(`S3 server: pid ${s3.pid} at ${s3.endpoint}, bucket ${s3.bucket}`);
  return {
    ...data,
    s3,
    cleanup: async () => {
      await s3.stop();
      await data.cleanup();
    },
  };
}

const redact = (url) => url.replace(/:[^:@/]*@/, ':***@');
