// How each server under test is started: command, working directory and environment.
// Every server binds to loopback on a port chosen by the runner, with the same credentials.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_ID, MASTER_KEY } from './options.mjs';

/** Where Plinth keeps files, as it might be inherited: each target sets its own (fs in the step's data directory, or pg-s3's S3 server). */
const FILE_STORE_VARIABLE = /^PLINTH_(FILES_ADAPTER|FILES_DIR|S3_\w+)$/;

/** With the files scenario, the servers' upload limit (default 20 MiB) takes its large upload, with a MiB to spare. */
const uploadLimitMiB = (opts) => (opts.loadScenarios.includes('files') ? Math.max(20, opts.files.largeMiB + 1) : null);

/**
 * Plinth, built, as `node dist/cli.js start`: on PostgreSQL when `databaseUrl` is given, else on
 * embedded PGlite in `dataDir`. The data directory is a fresh temporary one either way, so that the
 * developer's ./.plinth is never touched; files go to `<dataDir>/files`, or to the S3 server `s3`
 * (pg-s3).
 */
export function plinthServer(opts, { port, databaseUrl, dataDir, redis = false, s3 }) {
  const env = {
    // The live scenario opens up to 1,000 WebSockets from 127.0.0.1, one per subscriber.
    PLINTH_LIVE_MAX_CONNECTIONS_PER_IP: '5000',
    ...process.env,
  };
  delete env.DATABASE_URL; // an inherited URL would turn the PGlite target into a PostgreSQL one
  delete env.REDIS_URL; // likewise for Redis: only the pg-redis target fans out through it
  delete env.PLINTH_CLOUD; // cloud code only with the cloud scenario, and then ours
  for (const name of Object.keys(env)) if (FILE_STORE_VARIABLE.test(name)) delete env[name];
  if (uploadLimitMiB(opts)) env.PLINTH_FILE_MAX_BYTES = String(uploadLimitMiB(opts) * 1024 * 1024);
  if (opts.loadScenarios.includes('cloud')) {
    env.PLINTH_CLOUD = path.join(opts.benchDir, 'cloud/plinth-cloud.mjs');
    env.PLINTH_CLOUD_WATCH ??= 'false'; // nothing to reload during a measurement
  }
  Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    PLINTH_APP_ID: APP_ID,
    PLINTH_MASTER_KEY: MASTER_KEY,
    PLINTH_DATA_DIR: dataDir,
    PLINTH_LOG_LEVEL: process.env.PLINTH_LOG_LEVEL || 'warn',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...(redis ? { REDIS_URL: opts.live.redisUrl } : {}),
    ...(s3 ? s3Environment(s3) : {}),
  });
  return { command: process.execPath, args: ['dist/cli.js', 'start'], cwd: opts.repoDir, env };
}

/** Plinth's S3 adapter on the runner's S3 server (s3rver: path-style URLs, its built-in account). */
function s3Environment(s3) {
  return {
    PLINTH_FILES_ADAPTER: 's3',
    PLINTH_S3_BUCKET: s3.bucket,
    PLINTH_S3_ENDPOINT: s3.endpoint,
    PLINTH_S3_FORCE_PATH_STYLE: 'true',
    PLINTH_S3_ACCESS_KEY_ID: s3.accessKeyId,
    PLINTH_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  };
}

/** Plinth on PostgreSQL with REDIS_URL: events and schema changes go through Redis, as with several instances. */
export function plinthRedisServer(opts, data) {
  return plinthServer(opts, { ...data, redis: true });
}

/**
 * Parse Server 9.10 (the anchor), logging into the results folder. LiveQuery for Post is on only
 * when the live scenario runs (it then costs Parse a publish per saved Post in the other scenarios too).
 * With the cloud scenario it starts through cloud/parse-start.mjs: the anchor's start.mjs and its
 * options, plus Parse's `cloud` option (cloud/parse-cloud.js), which start.mjs does not pass.
 * With the files scenario, files/parse-files.mjs is preloaded into either: a files adapter in
 * `<dataDir>` (Parse's default, GridFS, needs MongoDB) and the raised upload limit.
 */
export function parseServer(opts, { port, databaseUrl, dataDir }, { cloud = opts.loadScenarios.includes('cloud') } = {}) {
  const env = {
    ...process.env,
    DATABASE_URI: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    PARSE_APP_ID: APP_ID,
    PARSE_MASTER_KEY: MASTER_KEY,
    LIVE_CLASSES: opts.loadScenarios.includes('live') ? 'Post' : '',
    PARSE_LOGS_FOLDER: path.join(opts.outDir, 'parse-logs'),
  };
  const preload = [];
  if (uploadLimitMiB(opts)) {
    Object.assign(env, { PARSE_SERVER_DIR: opts.parseDir, PARSE_FILES_DIR: dataDir, PARSE_MAX_UPLOAD_SIZE: `${uploadLimitMiB(opts)}mb` });
    preload.push('--import', pathToFileURL(path.join(opts.benchDir, 'files/parse-files.mjs')).href);
  }
  if (!cloud) return { command: process.execPath, args: [...preload, 'start.mjs'], cwd: opts.parseDir, env };
  Object.assign(env, { PARSE_SERVER_DIR: opts.parseDir, PARSE_CLOUD: path.join(opts.benchDir, 'cloud/parse-cloud.js') });
  return { command: process.execPath, args: [...preload, path.join(opts.benchDir, 'cloud/parse-start.mjs')], cwd: opts.parseDir, env };
}

/** The floor (harness/floor/server.mjs) with its defaults: pool 10, limit-join, prepared statements. */
export function floorServer(opts, { port, databaseUrl }) {
  const env = { ...process.env, DATABASE_URI: databaseUrl, PORT: String(port), HOST: '127.0.0.1' };
  return { command: process.execPath, args: ['server.mjs'], cwd: path.join(opts.benchDir, 'harness/floor'), env };
}
