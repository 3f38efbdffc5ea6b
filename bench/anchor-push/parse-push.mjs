#!/usr/bin/env node
// Parse Server as the push benchmark's anchor: ../shared/bench/anchor/parse-server/start.mjs with
// a `push` option (@parse/push-adapter, iOS through @parse/node-apn) pointed at a fake APNs.
// LiveQuery is off unless LIVE_CLASSES names classes. Used by bench/push-vs-parse.mjs:
//
//   PARSE_ANCHOR_DIR=/tmp/parse-anchor DATABASE_URI=postgres://… PORT=… \
//   PARSE_PUSH_IOS='{"token":{"key":"<PEM>","keyId":"…","teamId":"…"},"topic":"…","production":false,"address":"127.0.0.1","port":12345}' \
//   NODE_EXTRA_CA_CERTS=test/fixtures/push/localhost-cert.pem node bench/anchor-push/parse-push.mjs
//
// Env: as start.mjs — DATABASE_URI (required), PARSE_APP_ID (benchApp), PARSE_MASTER_KEY
// (benchMasterKey), HOST (127.0.0.1), PORT (1337), PARSE_LOGS_FOLDER, PARSE_LOG_LEVEL,
// LIVE_CLASSES (empty) — and PARSE_ANCHOR_DIR (/tmp/parse-anchor: where `npm ci` installed
// parse-server 9.10), PARSE_PUSH_IOS (node-apn provider options, JSON; required),
// PARSE_PUSH_BATCH_SIZE (Parse's push.queueOptions.batchSize; Parse's default, 100, when unset).
// No scheduledPush: pushes go out in this process as soon as they are sent.
import { createRequire } from 'node:module';
import path from 'node:path';

const env = process.env;
const anchorDir = path.resolve(env.PARSE_ANCHOR_DIR || '/tmp/parse-anchor');
const pkg = createRequire(path.join(anchorDir, 'package.json'))('parse-server');
const ParseServer = pkg.ParseServer || pkg.default;
if (!env.DATABASE_URI) {
  console.error('DATABASE_URI is required, e.g. postgres://user:pw@127.0.0.1:5432/db');
  process.exit(2);
}
if (!env.PARSE_PUSH_IOS) {
  console.error('PARSE_PUSH_IOS is required: the node-apn provider options as JSON');
  process.exit(2);
}
const host = env.HOST || '127.0.0.1';
const port = Number(env.PORT || 1337);
const liveClasses = (env.LIVE_CLASSES ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const push = { ios: JSON.parse(env.PARSE_PUSH_IOS) };
if (env.PARSE_PUSH_BATCH_SIZE) push.queueOptions = { batchSize: Number(env.PARSE_PUSH_BATCH_SIZE) };

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
  logsFolder: env.PARSE_LOGS_FOLDER || path.join(anchorDir, 'logs'),
  ...(env.PARSE_LOG_LEVEL ? { logLevel: env.PARSE_LOG_LEVEL } : {}),
  ...(liveClasses.length ? { startLiveQueryServer: true, liveQuery: { classNames: liveClasses } } : {}),
  push,
};

const server = await ParseServer.startApp(options);
const ios = push.ios;
console.log(
  `[anchor] pid ${process.pid} parse-server listening on http://${host}:${port} (REST /parse), push ios → ${ios.address ?? 'Apple'}:${ios.port ?? 443}, batch ${push.queueOptions?.batchSize ?? 'default'}`,
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
