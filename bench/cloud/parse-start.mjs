#!/usr/bin/env node
// Parse Server 9.10 for the cloud scenario: the anchor's start.mjs (shared/bench/anchor/parse-server,
// which is read-only here) with the same options, plus Parse's `cloud` option. Parse Server is
// loaded from PARSE_SERVER_DIR's node_modules, so nothing is installed in bench/.
//
//   PARSE_SERVER_DIR=…/anchor/parse-server DATABASE_URI=postgres://…/db node cloud/parse-start.mjs
//
// Env: as start.mjs (DATABASE_URI required, PARSE_APP_ID, PARSE_MASTER_KEY, HOST, PORT,
// PARSE_LOGS_FOLDER, PARSE_LOG_LEVEL, LIVE_CLASSES), plus PARSE_SERVER_DIR (required) and
// PARSE_CLOUD (the cloud file; default parse-cloud.js next to this script), and PARSE_CLOUD_LOGS=silent
// (not the anchor's setting: turns off Parse's info log line per trigger and per function call).
//
// The cloud file is given to Parse as a function that imports it: with a path, Parse Server
// chooses between require() and import() from npm's environment variables, which differ between
// `npm run bench` and a plain `node`. Either way Parse sets the global Parse.Cloud first.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const env = process.env;
if (!env.DATABASE_URI) {
  console.error('DATABASE_URI is required, e.g. postgres://user:pw@127.0.0.1:5432/db');
  process.exit(2);
}
if (!env.PARSE_SERVER_DIR) {
  console.error('PARSE_SERVER_DIR is required: the anchor folder whose node_modules holds parse-server');
  process.exit(2);
}
const parseDir = path.resolve(env.PARSE_SERVER_DIR);
const cloudFile = path.resolve(env.PARSE_CLOUD || fileURLToPath(new URL('./parse-cloud.js', import.meta.url)));
const entry = createRequire(path.join(parseDir, 'package.json')).resolve('parse-server');
const pkg = (await import(pathToFileURL(entry).href)).default;
const ParseServer = pkg.ParseServer || pkg.default;
const version = JSON.parse(readFileSync(path.join(path.dirname(entry), '../package.json'), 'utf8')).version;

const host = env.HOST || '127.0.0.1';
const port = Number(env.PORT || 1337);
const liveClasses = (env.LIVE_CLASSES ?? 'Post')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

// The anchor's options, unchanged (its logs default next to its script; the shared copy is read-only, so: tmp).
const options = {
  appId: env.PARSE_APP_ID || 'benchApp',
  masterKey: env.PARSE_MASTER_KEY || 'benchMasterKey',
  databaseURI: env.DATABASE_URI,
  host,
  port,
  mountPath: '/parse',
  serverURL: `http://${host.includes(':') ? `[${host}]` : host}:${port}/parse`,
  mountGraphQL: true,
  graphQLPath: '/graphql',
  logsFolder: env.PARSE_LOGS_FOLDER || path.join(os.tmpdir(), 'parse-bench-logs'),
  ...(env.PARSE_LOG_LEVEL ? { logLevel: env.PARSE_LOG_LEVEL } : {}),
  ...(liveClasses.length ? { startLiveQueryServer: true, liveQuery: { classNames: liveClasses } } : {}),
  // The one addition.
  cloud: async () => {
    await import(pathToFileURL(cloudFile).href);
  },
  // Opt-in, not the anchor's: Parse logs every trigger and function call at info by default (with its input).
  ...(env.PARSE_CLOUD_LOGS === 'silent' ? { logLevels: { cloudFunctionSuccess: 'silent', triggerAfter: 'silent', triggerBeforeSuccess: 'silent' } } : {}),
};

const server = await ParseServer.startApp(options);
console.log(
  `[anchor+cloud] pid ${process.pid} parse-server ${version} from ${parseDir} listening on http://${host}:${port} ` +
    `(GraphQL /graphql, REST /parse, cloud ${cloudFile}${liveClasses.length ? `, LiveQuery ws for ${liveClasses.join(',')}` : ''})`,
);

const shutdown = async () => {
  try {
    await server.handleShutdown?.();
  } catch {
    /* ignore */
  }
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
