#!/usr/bin/env node
// `node bench/push-vs-parse.mjs`: Plinth's push delivery beside Parse Server 9.10's (the anchor,
// @parse/push-adapter 8.4 → @parse/node-apn) on the same fake APNs, iOS only (Parse's FCM and Web
// Push senders cannot be pointed at the fakes), A B A by default: Plinth, Parse, Plinth.
//
// Each run is a child process of its own (`--run plinth|parse`): a fresh FakeApns of
// test/helpers/push (in the child, through tsx), a fresh PostgreSQL database, a fresh server
// process, PUSH_DEVICES installations of deviceType ios written with SQL, a warm-up push to no
// device, then one push to `deviceType = ios` (Plinth: GraphQL sendPush with the master key;
// Parse: REST POST /parse/push). Measured as bench/push.mjs does: the time from the request to the
// last delivery the fake accepted, deliveries/s, the server's peak RSS above idle (sampled every
// 100 ms), its CPU (utime + stime) per 1,000 deliveries, duplicates. Prints a table; the JSON of
// every run is stdout's last line; progress goes to stderr.
//
// Options (environment): PUSH_DEVICES (30000), PUSH_ORDER (plinth,parse,plinth), PUSH_BATCH_SIZE
// (Plinth's, 500), PARSE_PUSH_BATCH_SIZE (Parse's push.queueOptions.batchSize; unset: Parse's
// default, 100), PUSH_TIMEOUT_S (600), PARSE_ANCHOR_DIR (/tmp/parse-anchor: a copy of
// ../shared/bench/anchor/parse-server after `npm ci`), PG_ADMIN_URL
// (postgres://postgres@127.0.0.1:5432/postgres), BENCH_SKIP_BUILD=1 to skip `npm run build`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.resolve(benchDir, '..');
const log = (msg) => process.stderr.write(`[push-vs-parse] ${msg}\n`);

const DEVICES = Number(process.env.PUSH_DEVICES ?? 30_000);
const ORDER = (process.env.PUSH_ORDER ?? 'plinth,parse,plinth')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const BATCH_SIZE = Number(process.env.PUSH_BATCH_SIZE ?? 500);
const PARSE_BATCH_SIZE = process.env.PARSE_PUSH_BATCH_SIZE ? Number(process.env.PARSE_PUSH_BATCH_SIZE) : undefined;
const TIMEOUT_MS = Number(process.env.PUSH_TIMEOUT_S ?? 600) * 1000;
const ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ANCHOR_DIR = path.resolve(process.env.PARSE_ANCHOR_DIR ?? '/tmp/parse-anchor');
const CA_FILE = path.join(repoDir, 'test/fixtures/push/localhost-cert.pem');
const APP_ID = 'benchApp';
const MASTER_KEY = 'benchMasterKey';
const CLK_TCK = 100; // /proc/<pid>/stat's clock ticks per second on Linux (getconf CLK_TCK)

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
const hwmKiB = (pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
/** utime + stime of a process, in seconds. */
function cpuS(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from #3 (state) on
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // #14 utime, #15 stime
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

const cleanups = [];
async function cleanup() {
  for (const c of cleanups.splice(0).reverse()) {
    try {
      await c();
    } catch (error) {
      log(`cleanup: ${error.message}`);
    }
  }
}

/** How the bench talks to each server: start it, send a push, read its status. */
function plinthServer(port, dbUrl, apns, keys) {
  const headers = { 'content-type': 'application/json', 'x-parse-application-id': APP_ID, 'x-parse-master-key': MASTER_KEY };
  const gql = async (query, variables) => {
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = await res.json();
    if (body.errors) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'plinth-bench-push-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const ios = { teamId: keys.teamId, keyId: keys.keyId, key: keys.key, topic: keys.topic, production: false, url: apns.url, ca: apns.ca };
  return {
    name: 'plinth',
    argv: [path.join(repoDir, 'dist/cli.js'), 'start'],
    cwd: repoDir,
    env: {
      DATABASE_URL: dbUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      PLINTH_DATA_DIR: dataDir,
      PLINTH_APP_ID: APP_ID,
      PLINTH_MASTER_KEY: MASTER_KEY,
      PLINTH_PUSH: JSON.stringify({ ios }),
      PLINTH_PUSH_BATCH_SIZE: String(BATCH_SIZE),
      PLINTH_JOBS_POLL_MS: '200',
      PLINTH_LOG_LEVEL: 'warn',
      PLINTH_LOG_FORMAT: 'json',
    },
    readyUrl: `http://127.0.0.1:${port}/ready`,
    async prepare() {}, // the migrations made "_Installation"
    async send(deviceType, alert) {
      const sent = await gql('mutation($input: SendPushInput!) { sendPush(input: $input) { pushStatusId } }', {
        input: { where: { deviceType: { equalTo: deviceType } }, data: { alert } },
      });
      return sent.sendPush.pushStatusId;
    },
    async status(id) {
      const s = (await gql('query($id: ID!) { pushStatus(id: $id) { status numSent numFailed sentPerType failedPerType } }', { id })).pushStatus;
      return s && { status: s.status, numSent: s.numSent, numFailed: s.numFailed, sentPerType: s.sentPerType, failedPerType: s.failedPerType };
    },
  };
}

function parseServer(port, dbUrl, apns, keys) {
  const headers = { 'content-type': 'application/json', 'x-parse-application-id': APP_ID, 'x-parse-master-key': MASTER_KEY };
  const rest = async (method, route, body) => {
    const res = await fetch(`http://127.0.0.1:${port}/parse${route}`, { method, headers, body: body && JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} /parse${route}: ${res.status} ${text}`);
    return { res, body: text ? JSON.parse(text) : undefined };
  };
  const logsDir = mkdtempSync(path.join(os.tmpdir(), 'parse-bench-push-logs-'));
  cleanups.push(() => rmSync(logsDir, { recursive: true, force: true }));
  const fake = new URL(apns.url);
  // node-apn's provider options: a token key, the topic, and another host. It connects to
  // `https://${address}` with its options, whose `port` (443 by default) wins over the URL's.
  const ios = {
    token: { key: keys.key, keyId: keys.keyId, teamId: keys.teamId },
    topic: keys.topic,
    production: false,
    address: fake.hostname,
    port: Number(fake.port),
  };
  return {
    name: 'parse',
    argv: [path.join(benchDir, 'anchor-push/parse-push.mjs')],
    cwd: logsDir, // Parse makes ./logs in its working directory on load, whatever logsFolder says
    env: {
      DATABASE_URI: dbUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      PARSE_ANCHOR_DIR: ANCHOR_DIR,
      PARSE_APP_ID: APP_ID,
      PARSE_MASTER_KEY: MASTER_KEY,
      PARSE_PUSH_IOS: JSON.stringify(ios),
      ...(PARSE_BATCH_SIZE ? { PARSE_PUSH_BATCH_SIZE: String(PARSE_BATCH_SIZE) } : {}),
      PARSE_LOG_LEVEL: 'warn',
      PARSE_LOGS_FOLDER: logsDir,
      LIVE_CLASSES: '',
      NODE_EXTRA_CA_CERTS: CA_FILE,
    },
    readyUrl: `http://127.0.0.1:${port}/parse/health`,
    /** Parse makes "_Installation" on its first write: one installation, then gone. */
    async prepare() {
      const made = await rest('POST', '/installations', {
        deviceType: 'ios',
        installationId: '00000000-0000-4000-8000-000000000000',
        deviceToken: 'ff'.repeat(32),
        appIdentifier: keys.topic,
      });
      await rest('DELETE', `/installations/${made.body.objectId}`);
    },
    async send(deviceType, alert) {
      const { res } = await rest('POST', '/push', { where: { deviceType }, data: { alert } });
      const id = res.headers.get('x-parse-push-status-id');
      if (!id) throw new Error('POST /parse/push answered without X-Parse-Push-Status-Id');
      return id;
    },
    async status(id) {
      try {
        const s = (await rest('GET', `/classes/_PushStatus/${id}`)).body;
        return {
          status: s.status,
          numSent: s.numSent ?? 0,
          numFailed: s.numFailed ?? 0,
          sentPerType: s.sentPerType ?? null,
          failedPerType: s.failedPerType ?? null,
        };
      } catch {
        return undefined; // not written yet
      }
    },
  };
}

/** One measured run against one server; resolves with its figures. */
async function runOne(which) {
  const { register } = await import('tsx/esm/api');
  register();
  const { FakeApns } = await import(pathToFileURL(path.join(repoDir, 'test/helpers/push/fake-apns.ts')).href);
  const { testKeys } = await import(pathToFileURL(path.join(repoDir, 'test/helpers/push/keys.ts')).href);
  const keys = testKeys().apns;
  const apns = new FakeApns({ topic: keys.topic, keyId: keys.keyId, teamId: keys.teamId, publicKey: keys.publicKey });
  const started = await apns.start();
  cleanups.push(() => apns.stop());
  const stamps = [];
  const push = apns.deliveries.push.bind(apns.deliveries);
  apns.deliveries.push = (...items) => {
    const now = performance.now();
    for (let i = 0; i < items.length; i++) stamps.push(now);
    return push(...items);
  };
  // Streams the fake's HTTP/2 server reset before answering, by RST_STREAM code (11: Node's
  // ENHANCE_YOUR_CALM when a session is over its memory or stream limits), and sessions that
  // ended in an error.
  const resets = {};
  const sessionErrors = [];
  apns.server.on('session', (session) => {
    session.on('error', (error) => sessionErrors.push(error.code ?? error.message));
    session.on('stream', (stream) =>
      stream.on('close', () => {
        if (stream.rstCode) resets[stream.rstCode] = (resets[stream.rstCode] ?? 0) + 1;
      }),
    );
  });
  // Refusals, by status: the fake records every request.
  const refusals = () => {
    const by = {};
    for (const r of apns.requests) if (r.status !== 200) by[r.status] = (by[r.status] ?? 0) + 1;
    return by;
  };

  const dbName = `plinth_bench_pvp_${which}_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  cleanups.push(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  });
  const dbUrlObj = new URL(ADMIN_URL);
  dbUrlObj.pathname = `/${dbName}`;
  const dbUrl = dbUrlObj.toString();

  const port = await freePort();
  const srv = (which === 'parse' ? parseServer : plinthServer)(port, dbUrl, started, keys);
  const server = spawn(process.execPath, srv.argv, {
    cwd: srv.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...srv.env },
  });
  let serverLog = '';
  // The server's errors, counted line by line as they come (the log itself is kept to its tail):
  // Parse's APNs sender logs each failed device with node-apn's error.
  const errorKinds = {};
  let partial = '';
  const keep = (chunk) => {
    serverLog += chunk;
    if (serverLog.length > 200_000) serverLog = serverLog.slice(-100_000);
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const line of lines) {
      if (!line.includes('APNS error transmitting to device')) continue;
      // "… with error %s <token> VError: apn write failed: <cause>" (npmlog leaves the %s in)
      const kind = (/ [0-9a-f]{64} (.*)$/.exec(line)?.[1] ?? 'other').slice(0, 120);
      errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
    }
  };
  server.stdout.setEncoding('utf8');
  server.stderr.setEncoding('utf8');
  server.stdout.on('data', keep);
  server.stderr.on('data', keep);
  const exited = new Promise((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));
  cleanups.push(async () => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000).then(() => server.kill('SIGKILL'))]);
    }
  });
  for (const deadline = Date.now() + 90_000; ; ) {
    if (server.exitCode !== null) throw new Error(`server exited (${server.exitCode}):\n${serverLog.slice(-4000)}`);
    try {
      if ((await fetch(srv.readyUrl)).ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`server not ready in 90 s:\n${serverLog.slice(-4000)}`);
    await sleep(200);
  }
  log(`${which}: server pid ${server.pid} ready on port ${port}, database ${dbName}, fake APNs ${started.url}`);
  await srv.prepare();

  // The installations: all ios, a 64-hex token each, the fake's topic as appIdentifier (Parse's
  // APNs sender picks its provider by it: without one, "No Provider found").
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  cleanups.push(() => db.end());
  const t = performance.now();
  await db.query(
    `INSERT INTO "_Installation" ("objectId","createdAt","updatedAt","installationId","deviceType","deviceToken","appIdentifier","channels","_rperm")
     SELECT 'b' || lpad(i::text, 9, '0'), now(), now(), md5('inst' || i), 'ios', md5('apns' || i) || md5('apns2' || i), $2,
            '["bench"]'::jsonb, NULL
     FROM generate_series(0, $1::int - 1) AS i`,
    [DEVICES, keys.topic],
  );
  await db.query('VACUUM ANALYZE "_Installation"');
  log(`${which}: inserted ${DEVICES} ios installations in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const waitDone = async (id, ms) => {
    for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(100)) {
      const s = await srv.status(id);
      if (s?.status === 'succeeded' || s?.status === 'failed') return s;
    }
    throw new Error(`push ${id} not done in ${ms} ms`);
  };
  // Idle, then the push. A push to no device first, so that the idle figure is taken once the
  // push path is warm and the rise is the push's own.
  await waitDone(await srv.send('warm-up', 'warm-up'), 10_000);
  await sleep(2000);
  const idleKiB = rssKiB(server.pid);
  const cpuBefore = cpuS(server.pid);
  const benchCpuBefore = process.cpuUsage();
  let peakKiB = idleKiB;
  let sampling = true;
  const t0 = performance.now();
  const sampler = (async () => {
    while (sampling) {
      try {
        peakKiB = Math.max(peakKiB, rssKiB(server.pid));
      } catch {}
      await sleep(100);
    }
  })();
  const pushId = await srv.send('ios', 'bench');
  const tAccepted = performance.now();
  log(`${which}: push answered in ${(tAccepted - t0).toFixed(0)} ms: ${pushId}`);

  let status;
  let statusDoneAt;
  let lastLog = 0;
  let lastCount = -1;
  let lastChange = performance.now();
  for (const deadline = Date.now() + TIMEOUT_MS; ; ) {
    const n = apns.deliveries.length;
    if (n !== lastCount) {
      lastCount = n;
      lastChange = performance.now();
    }
    const now = performance.now();
    if (n >= DEVICES || statusDoneAt !== undefined || now - lastLog > 5000) {
      status = await srv.status(pushId);
      if (now - lastLog > 5000) {
        lastLog = now;
        log(
          `${which}: ${((now - t0) / 1000).toFixed(1)} s: ${n} delivered, status ${status?.status} numSent ${status?.numSent} numFailed ${status?.numFailed}, RSS ${(rssKiB(server.pid) / 1024).toFixed(0)} MiB`,
        );
      }
      if ((status?.status === 'succeeded' || status?.status === 'failed') && statusDoneAt === undefined) statusDoneAt = performance.now();
      // Done: every device delivered, or the server says it is done and the fake has heard
      // nothing more for 5 s (deliveries the server gave up on).
      if (statusDoneAt !== undefined && (n >= DEVICES || performance.now() - lastChange > 5000)) break;
    }
    if (server.exitCode !== null) throw new Error(`server exited (${server.exitCode}):\n${serverLog.slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`timed out: ${n} delivered, status ${JSON.stringify(status)}`);
    await sleep(n >= DEVICES ? 50 : 100);
  }
  // A moment more, so that a late duplicate would show.
  await sleep(1000);
  sampling = false;
  await sampler;
  const cpuUsed = cpuS(server.pid) - cpuBefore;
  const benchCpu = process.cpuUsage(benchCpuBefore);
  const hwm = hwmKiB(server.pid);
  status = (await srv.status(pushId)) ?? status;

  const delivered = apns.deliveries.length;
  const perDevice = new Map();
  for (const d of apns.deliveries) perDevice.set(d.token, (perDevice.get(d.token) ?? 0) + 1);
  let duplicates = 0;
  for (const c of perDevice.values()) if (c > 1) duplicates += c - 1;
  const last = stamps.length ? Math.max(...stamps) : t0;
  const first = stamps.length ? Math.min(...stamps) : t0;
  const serverLines = serverLog.split('\n').filter((l) => l.trim() && !/DeprecationWarning|^\[anchor\]/.test(l));
  if (serverLines.length) log(`${which}: server log (last lines):\n${serverLines.slice(-10).join('\n')}`);
  return {
    server: which,
    devices: DEVICES,
    batchSize: which === 'parse' ? (PARSE_BATCH_SIZE ?? 100) : BATCH_SIZE,
    delivered,
    distinctDevices: perDevice.size,
    duplicates,
    refused: refusals(),
    serverErrors: errorKinds,
    fakeResets: resets,
    fakeSessionErrors: sessionErrors,
    numSent: status?.numSent ?? null,
    numFailed: status?.numFailed ?? null,
    status: status?.status ?? null,
    requestMs: +(tAccepted - t0).toFixed(0),
    firstDelivery_s: +((first - t0) / 1000).toFixed(2),
    lastDelivery_s: +((last - t0) / 1000).toFixed(2),
    statusDone_s: statusDoneAt === undefined ? null : +((statusDoneAt - t0) / 1000).toFixed(2),
    deliveriesPerS: Math.round(delivered / ((last - t0) / 1000)),
    idleRssMiB: +(idleKiB / 1024).toFixed(1),
    peakRssMiB: +(peakKiB / 1024).toFixed(1),
    peakAboveIdleMiB: +((peakKiB - idleKiB) / 1024).toFixed(1),
    vmHwmMiB: +(hwm / 1024).toFixed(1),
    serverCpuS: +cpuUsed.toFixed(2),
    serverCpuMsPer1000: +((cpuUsed * 1000 * 1000) / Math.max(1, delivered)).toFixed(1),
    fakeCpuS: +((benchCpu.user + benchCpu.system) / 1e6).toFixed(2),
    apnsConnections: apns.connections,
    apnsPeakStreams: apns.peakStreams,
    providerTokens: apns.jwts.size,
    sentPerType: status?.sentPerType ?? null,
    failedPerType: status?.failedPerType ?? null,
    loadavg: os.loadavg().map((x) => +x.toFixed(2)),
    cores: os.cpus().length,
  };
}

/** The A B A sequence: each run in a child process of its own; a table of them all. */
async function runAll() {
  if (ORDER.includes('parse') && !existsSync(path.join(ANCHOR_DIR, 'node_modules/parse-server/package.json'))) {
    throw new Error(`no parse-server in ${ANCHOR_DIR}: cp -r ../shared/bench/anchor/parse-server ${ANCHOR_DIR} && (cd ${ANCHOR_DIR} && npm ci)`);
  }
  if (process.env.BENCH_SKIP_BUILD !== '1' && ORDER.includes('plinth')) {
    log('building Plinth (npm run build)');
    const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoDir, stdio: ['ignore', 2, 2] });
    if (r.status !== 0) throw new Error('npm run build failed');
  }
  const results = [];
  for (const [i, which] of ORDER.entries()) {
    if (!['plinth', 'parse'].includes(which)) throw new Error(`PUSH_ORDER: unknown server ${which}`);
    if (i > 0) await sleep(3000); // let PostgreSQL settle after the last run's DROP DATABASE
    log(
      `run ${i + 1}/${ORDER.length}: ${which}, ${DEVICES} ios devices, load ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--run', which], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    const code = await new Promise((resolve) => child.once('exit', (c) => resolve(c)));
    const line = out.trim().split('\n').pop();
    if (code === 2 || !line?.startsWith('{')) throw new Error(`run ${i + 1} (${which}) failed (exit ${code})`);
    results.push(JSON.parse(line));
  }
  const cols = results.map((r, i) => `${String.fromCharCode(65 + i)} ${r.server}`);
  const fmtRefused = (r) =>
    Object.entries(r.refused)
      .map(([s, n]) => `${n}×${s}`)
      .join(' ') || '0';
  const rows = [
    ['batch size', (r) => r.batchSize],
    ['request answered', (r) => `${r.requestMs} ms`],
    ['first delivery', (r) => `${r.firstDelivery_s} s`],
    ['last delivery', (r) => `${r.lastDelivery_s} s`],
    ['status done seen', (r) => `${r.statusDone_s} s (${r.status})`],
    ['deliveries/s', (r) => r.deliveriesPerS],
    ['delivered (distinct)', (r) => `${r.delivered} (${r.distinctDevices})`],
    ['duplicates', (r) => r.duplicates],
    ['refused by the fake', fmtRefused],
    ['numSent / numFailed', (r) => `${r.numSent} / ${r.numFailed}`],
    [
      'failures the server logged',
      (r) =>
        Object.entries(r.serverErrors)
          .map(([k, n]) => `${n}× ${k}`)
          .join('; ') || '0',
    ],
    [
      'streams reset at the fake',
      (r) =>
        Object.entries(r.fakeResets)
          .map(([c, n]) => `${n}× code ${c}`)
          .join(' ') || '0',
    ],
    ['server RSS idle → peak', (r) => `${r.idleRssMiB} → ${r.peakRssMiB} MiB`],
    ['RSS above idle', (r) => `+${r.peakAboveIdleMiB} MiB`],
    ['server CPU', (r) => `${r.serverCpuS} s`],
    ['CPU per 1,000 deliveries', (r) => `${r.serverCpuMsPer1000} ms`],
    ['fake APNs CPU', (r) => `${r.fakeCpuS} s`],
    ['HTTP/2 connections, peak streams', (r) => `${r.apnsConnections}, ${r.apnsPeakStreams}`],
    ['load average after', (r) => r.loadavg.join(' ')],
  ];
  process.stdout.write(`\npush, iOS only: ${DEVICES} devices, one fake APNs per run, ${results[0]?.cores} cores\n\n`);
  process.stdout.write(`| | ${cols.join(' | ')} |\n|---|${cols.map(() => '---:').join('|')}|\n`);
  for (const [name, f] of rows) process.stdout.write(`| ${name} | ${results.map((r) => f(r)).join(' | ')} |\n`);
  process.stdout.write(`${JSON.stringify(results)}\n`);
  return results.every((r) => r.delivered === DEVICES && r.duplicates === 0 && r.status === 'succeeded') ? 0 : 1;
}

const runArg = process.argv.indexOf('--run');
const main =
  runArg >= 0
    ? () =>
        runOne(process.argv[runArg + 1]).then((r) => {
          process.stdout.write(`${JSON.stringify(r)}\n`);
          return 0;
        })
    : runAll;

process.once('SIGINT', () => cleanup().finally(() => process.exit(130)));
process.once('SIGTERM', () => cleanup().finally(() => process.exit(143)));
main()
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  })
  .catch(async (error) => {
    log(error.stack ?? error.message);
    await cleanup();
    process.exit(2);
  });
