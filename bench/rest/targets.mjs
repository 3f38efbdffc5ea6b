// The A B A run of `node bench/rest.mjs aba`: each target of REST_TARGETS in turn on a fresh
// database with a fresh server process: seed, VACUUM ANALYZE, settle, the load scenarios with
// SERVER_PID set, stop, drop. The harness runs as a child process, as the GraphQL runner's does.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defer } from '../runner/cleanup.mjs';
import { createDatabase, dropDatabase, vacuumAnalyze } from '../runner/postgres.mjs';
import { freePort, runToCompletion, sleep, startProcess, stopProcess, waitUntilServing } from '../runner/processes.mjs';
import { compareText, readRows } from './compare.mjs';

const APP_ID = 'benchApp';
const MASTER_KEY = 'benchMasterKey';
const log = (msg) => process.stderr.write(`[rest-aba ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

export function abaOptions(env, { benchDir, repoDir, outPrefix = 'rest' }) {
  const targets = (env.REST_TARGETS || 'parse,plinth,parse').split(',').map((s) => s.trim());
  const bad = targets.filter((t) => !['parse', 'plinth'].includes(t));
  if (bad.length) throw new Error(`REST_TARGETS: unknown ${bad.join(', ')} (parse, plinth)`);
  const scenarios = (env.SCENARIOS || 'get,find,create,live')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && s !== 'seed');
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return {
    benchDir,
    targets,
    scenarios,
    plinthDir: path.resolve(env.PLINTH_DIR || repoDir),
    parseDir: findParseServer(env, repoDir),
    adminUrl: env.PG_ADMIN_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    settleS: Number(env.SETTLE_S ?? 5),
    // Extra node flags for one server, e.g. PLINTH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
    nodeArgs: { plinth: splitArgs(env.PLINTH_NODE_ARGS), parse: splitArgs(env.PARSE_NODE_ARGS) },
    keep: env.BENCH_KEEP === '1',
    outDir: path.resolve(env.BENCH_OUT || path.join(benchDir, 'results', `${outPrefix}-${stamp}`)),
  };
}

/** `npm run build` in the Plinth directory unless BENCH_SKIP_BUILD=1, so that dist/ is the current source. */
export function buildPlinth(opts, env = process.env) {
  if (env.BENCH_SKIP_BUILD === '1') return;
  log(`building Plinth in ${opts.plinthDir} (npm run build)`);
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: opts.plinthDir, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) throw new Error('npm run build failed');
}

const splitArgs = (s) => (s ? s.split(/\s+/).filter(Boolean) : []);

function findParseServer(env, repoDir) {
  const candidates = env.PARSE_SERVER_DIR
    ? [path.resolve(env.PARSE_SERVER_DIR)]
    : [path.resolve(repoDir, '../anchor/bench/anchor/parse-server'), path.resolve(repoDir, '../shared/bench/anchor/parse-server')];
  const found = candidates.find((d) => existsSync(path.join(d, 'start.mjs')) && existsSync(path.join(d, 'node_modules/parse-server/package.json')));
  if (!found) throw new Error(`Parse Server anchor not found (looked in ${candidates.join(', ')}); set PARSE_SERVER_DIR`);
  return found;
}

/** Plinth as in production: NODE_ENV=production, a master key, warn-level logs, on `databaseUrl`. */
export function plinthSpec(opts, { port, databaseUrl, dataDir }) {
  const env = { ...process.env };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'PLINTH_CLOUD']) delete env[name];
  Object.assign(env, {
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    PLINTH_APP_ID: APP_ID,
    PLINTH_MASTER_KEY: MASTER_KEY,
    PLINTH_DATA_DIR: dataDir,
    PLINTH_LOG_LEVEL: process.env.PLINTH_LOG_LEVEL || 'warn',
    DATABASE_URL: databaseUrl,
  });
  return { command: process.execPath, args: [...opts.nodeArgs.plinth, 'dist/cli.js', 'start'], cwd: opts.plinthDir, env };
}

/** The Parse Server anchor (start.mjs), with LiveQuery for Post when the live scenario runs. */
export function parseSpec(opts, { port, databaseUrl, live }) {
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URI: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    PARSE_APP_ID: APP_ID,
    PARSE_MASTER_KEY: MASTER_KEY,
    LIVE_CLASSES: live ? 'Post' : '',
    PARSE_LOGS_FOLDER: path.join(opts.outDir, 'parse-logs'),
  };
  return { command: process.execPath, args: [...opts.nodeArgs.parse, 'start.mjs'], cwd: opts.parseDir, env };
}

/** One statement on `url` (pg resolves from the repository's node_modules). */
export async function runSql(url, sql) {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Starts `target` on a free port on `databaseUrl` and waits until /parse/health answers. */
export async function startServer(opts, target, { databaseUrl, dataDir, live = true }, logName) {
  const port = await freePort();
  const spec = target === 'plinth' ? plinthSpec(opts, { port, databaseUrl, dataDir }) : parseSpec(opts, { port, databaseUrl, live });
  const proc = startProcess({ ...spec, logFile: path.join(opts.outDir, `${logName}.server.log`) });
  const stop = defer(() => stopProcess(proc));
  const url = `http://127.0.0.1:${port}/parse`;
  try {
    await waitUntilServing(proc, `${url}/health`);
  } catch (e) {
    await stop();
    throw new Error(`${target}: ${e.message} (see ${logName}.server.log)`);
  }
  log(`${logName}: pid ${proc.pid} at ${url}`);
  return { url, pid: proc.pid, stop };
}

/** A fresh database (and data directory) with `target` serving it; `cleanup` stops and drops all. */
export async function startOnFreshDatabase(opts, target, dbName, logName, { live = true, postgis = false } = {}) {
  const databaseUrl = await createDatabase(opts.adminUrl, dbName);
  const dropDb = defer(() => (opts.keep ? log(`kept database ${dbName}`) : dropDatabase(opts.adminUrl, dbName)));
  // Parse Server's geo queries need PostGIS, which it does not create itself.
  if (postgis) await runSql(databaseUrl, 'CREATE EXTENSION IF NOT EXISTS postgis');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `plinth-rest-${logName}-`));
  const removeDir = defer(() => rmSync(dataDir, { recursive: true, force: true }));
  let server;
  try {
    server = await startServer(opts, target, { databaseUrl, dataDir, live }, logName);
  } catch (e) {
    await dropDb();
    await removeDir();
    throw e;
  }
  const cleanup = async () => {
    await server.stop();
    await dropDb();
    await removeDir();
  };
  log(`${logName}: database ${dbName}`);
  return { ...server, databaseUrl, dataDir, cleanup };
}

function harness(opts, { url, pid, label, scenarios, idsFile, out }) {
  const env = {
    ...process.env,
    REST_URL: url,
    PARSE_APP_ID: APP_ID,
    PARSE_MASTER_KEY: MASTER_KEY,
    SERVER_PID: String(pid),
    LABEL: label,
    SCENARIOS: scenarios.join(','),
    OUT: out,
    IDS_FILE: idsFile,
    SETTLE_S: '0',
  };
  delete env.LIVE_URL; // derived from REST_URL: ws://host:port/parse, as the SDKs derive it
  return runToCompletion(process.execPath, [path.join(opts.benchDir, 'rest.mjs')], { env });
}

export async function runAba(opts) {
  mkdirSync(opts.outDir, { recursive: true });
  const total = Object.fromEntries(opts.targets.map((t) => [t, opts.targets.filter((x) => x === t).length]));
  const seen = {};
  const files = [];
  const problems = [];
  for (const [i, target] of opts.targets.entries()) {
    seen[target] = (seen[target] ?? 0) + 1;
    const label = total[target] > 1 ? `${target}-${seen[target]}` : target;
    const out = path.join(opts.outDir, `${label}.jsonl`);
    const idsFile = path.join(opts.outDir, `${label}.ids.json`);
    log(`step ${i + 1}/${opts.targets.length}: ${label}`);
    let server = null;
    try {
      server = await startOnFreshDatabase(opts, target, `plinth_rest_${process.pid}_${i + 1}_${target}`, label, { live: opts.scenarios.includes('live') });
      const seedCode = await harness(opts, { ...server, label, scenarios: ['seed'], idsFile, out });
      if (seedCode !== 0) throw new Error(`seed failed (exit ${seedCode}); see ${out}`);
      await vacuumAnalyze(server.databaseUrl);
      await sleep(opts.settleS * 1000);
      const code = await harness(opts, { ...server, label, scenarios: opts.scenarios, idsFile, out });
      if (code !== 0) problems.push(`${label}: harness exit ${code} (errors in responses or a failure; see ${out})`);
      files.push(out);
    } catch (e) {
      problems.push(`${label}: ${e.message}`);
      log(`${label} FAILED: ${e.message}`);
    } finally {
      await server?.cleanup();
    }
  }
  const summary = `${files.length ? compareText(readRows(files)) : 'no results\n'}${problems.length ? `\nProblems:\n${problems.join('\n')}\n` : ''}`;
  writeFileSync(path.join(opts.outDir, 'summary.txt'), summary);
  process.stdout.write(`\n${summary}\nresults in ${opts.outDir}\n`);
  return problems.length ? 1 : 0;
}
