// The runner's own options, read from the environment once at start. The harness's options
// (DURATION_S, RUNS, WARMUP_S, CONCURRENCY, SEED_POSTS, ...) are not read here: every harness
// run inherits the environment, so they pass through unchanged.
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Target names as they may be written in BENCH_TARGETS, mapped to the runner's targets. */
const TARGET_NAMES = {
  pg: 'pg',
  plinth: 'pg',
  'plinth-pg': 'pg',
  pglite: 'pglite',
  'plinth-pglite': 'pglite',
  parse: 'parse',
  floor: 'floor',
  'pg-redis': 'pg-redis',
  'plinth-pg-redis': 'pg-redis',
  'pg-s3': 'pg-s3',
  'plinth-pg-s3': 'pg-s3',
};

/**
 * Scenarios the runner knows: the harness's load scenarios, auth/auth.mjs, cloud/cloud.mjs, the live
 * ones (live/), and files/files.mjs — not among the defaults: it writes gigabytes, and Parse holds
 * the whole large upload in memory.
 */
const KNOWN_SCENARIOS = ['read', 'list', 'create', 'auth', 'cloud', 'live', 'live-idle', 'files'];

/** The credentials every target is started with (Parse's anchor defaults, so the floor's check.mjs works too). */
export const APP_ID = 'benchApp';
export const MASTER_KEY = 'benchMasterKey';

/**
 * Reads and checks the runner's options. Throws with a readable message on a bad value, before
 * anything is built or started.
 */
export function loadOptions(env, { benchDir, repoDir }) {
  const targets = parseTargets(env);
  // SCENARIOS (the harness's name for it) is accepted too, so that `SCENARIOS=live npm run bench` does what it says.
  const loadScenarios = (env.BENCH_SCENARIOS || env.SCENARIOS || 'read,list,create,auth,cloud,live,live-idle')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (loadScenarios.includes('seed')) throw new Error('BENCH_SCENARIOS: leave out seed, the runner seeds every target itself');
  const unknown = loadScenarios.filter((s) => !KNOWN_SCENARIOS.includes(s));
  if (unknown.length) throw new Error(`BENCH_SCENARIOS: unknown ${unknown.join(', ')} (known: ${KNOWN_SCENARIOS.join(', ')})`);
  const settleS = Number(env.SETTLE_S ?? 5);
  if (!Number.isFinite(settleS) || settleS < 0) throw new Error(`SETTLE_S must be a number ≥ 0, got "${env.SETTLE_S}"`);
  const usesParse = targets.includes('parse') || targets.includes('floor');
  return {
    benchDir,
    repoDir,
    targets,
    loadScenarios,
    settleS,
    adminUrl: env.PG_ADMIN_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    parseDir: usesParse ? findParseServer(env, repoDir) : undefined,
    live: {
      // Subscriber counts of the live scenario: Plinth's, and Parse LiveQuery's (the anchor's 1-subscriber case).
      plinthCounts: counts(env, 'LIVE_COUNTS', '1,100,1000'),
      parseCounts: counts(env, 'PARSE_LIVE_COUNTS', '1'),
      redisUrl: env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379',
    },
    files: {
      // The large upload's size (0: none); the servers' upload limits are raised to take it.
      largeMiB: integer(env, 'FILES_LARGE_MIB', 1024, 0),
      concurrency: integer(env, 'FILES_CONCURRENCY', 8, 1),
      parseStream: oneOf(env, 'FILES_PARSE_STREAM', ['large', 'all', 'none']),
    },
    build: env.BENCH_SKIP_BUILD !== '1',
    keep: env.BENCH_KEEP === '1',
    outDir: path.resolve(env.BENCH_OUT || path.join(benchDir, 'results', timestamp())),
  };
}

/** A comma-separated list of subscriber counts. */
function counts(env, name, fallback) {
  const list = (env[name] || fallback).split(',').map((s) => Number(s.trim()));
  if (!list.length || list.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`${name} must list positive integers, got "${env[name]}"`);
  return list;
}

/** An integer option ≥ `min`. */
function integer(env, name, fallback, min) {
  const n = Number(env[name] || fallback);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${env[name]}"`);
  return n;
}

/** An option that takes one of `values`; the first is the default. */
function oneOf(env, name, values) {
  const value = env[name] || values[0];
  if (!values.includes(value)) throw new Error(`${name} must be one of ${values.join(', ')}, got "${value}"`);
  return value;
}

/** BENCH_TARGETS (or its alias BENCH_ORDER): the targets in the order they run; repeats allowed (A B A). */
function parseTargets(env) {
  if (env.BENCH_TARGETS && env.BENCH_ORDER && env.BENCH_TARGETS !== env.BENCH_ORDER) {
    throw new Error('set BENCH_TARGETS or BENCH_ORDER (they mean the same), not both');
  }
  const raw = env.BENCH_TARGETS || env.BENCH_ORDER || 'pg,pglite';
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!names.length) throw new Error('BENCH_TARGETS is empty');
  return names.map((name) => {
    const target = TARGET_NAMES[name.toLowerCase()];
    if (!target) throw new Error(`unknown target "${name}" in BENCH_TARGETS (known: ${Object.keys(TARGET_NAMES).join(', ')})`);
    return target;
  });
}

/**
 * The Parse Server anchor to run: PARSE_SERVER_DIR, else the first of the usual places that has
 * parse-server installed. The anchor is not vendored: it is 300+ packages, installed once per machine.
 */
function findParseServer(env, repoDir) {
  const candidates = env.PARSE_SERVER_DIR
    ? [path.resolve(env.PARSE_SERVER_DIR)]
    : [path.resolve(repoDir, '../anchor/bench/anchor/parse-server'), path.resolve(repoDir, '../shared/bench/anchor/parse-server')];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'start.mjs')) && existsSync(path.join(dir, 'node_modules/parse-server/package.json')));
  if (!found) {
    throw new Error(
      `Parse Server anchor not found (looked in ${candidates.join(', ')}): copy shared/bench/anchor/parse-server, ` +
        'run `npm ci` in it, and point PARSE_SERVER_DIR at it',
    );
  }
  return found;
}

function timestamp() {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}
