#!/usr/bin/env node
// `node bench/push.mjs`: one push to PUSH_DEVICES (default 100,000) installations split across the
// three fake push services of test/helpers/push (APNs, FCM, Web Push, run in this process), sent
// by a fresh Plinth server process on a fresh PostgreSQL database. Measures the time from sendPush
// to the last delivery, deliveries per second, the server's peak RSS above idle, its CPU per 1,000
// deliveries, numSent/numFailed and duplicate deliveries. Prints a table, then the figures as one
// JSON line (the last line of stdout); progress goes to stderr. See README.md ("The push benchmark").
//
// Options (environment): PUSH_DEVICES (100000), PUSH_BATCH_SIZE (500), PUSH_TIMEOUT_S (600),
// PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres), BENCH_SKIP_BUILD=1 to skip `npm run build`.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { register } from 'tsx/esm/api';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.resolve(benchDir, '..');
const log = (msg) => process.stderr.write(`[push] ${msg}\n`);

const DEVICES = Number(process.env.PUSH_DEVICES ?? 100_000);
const BATCH_SIZE = Number(process.env.PUSH_BATCH_SIZE ?? 500);
const TIMEOUT_MS = Number(process.env.PUSH_TIMEOUT_S ?? 600) * 1000;
const ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
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

async function gql(port, query, variables) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-parse-application-id': APP_ID, 'x-parse-master-key': MASTER_KEY },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
  return body.data;
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

async function main() {
  // 1. The fakes, in this process (TypeScript, through tsx).
  register();
  const { startPushFakes } = await import(pathToFileURL(path.join(repoDir, 'test/helpers/push/fakes.ts')).href);
  const fakes = await startPushFakes({ batchSize: BATCH_SIZE });
  cleanups.push(() => fakes.stop());
  // When each delivery was accepted: the fakes append to `deliveries` as they accept.
  const stamps = { ios: [], android: [], web: [] };
  const stamp = (name, list) => {
    const push = list.push.bind(list);
    list.push = (...items) => {
      const now = performance.now();
      for (let i = 0; i < items.length; i++) stamps[name].push(now);
      return push(...items);
    };
  };
  stamp('ios', fakes.apns.deliveries);
  stamp('android', fakes.fcm.deliveries);
  stamp('web', fakes.web.deliveries);
  const count = () => fakes.apns.deliveries.length + fakes.fcm.deliveries.length + fakes.web.deliveries.length;

  // 2. A fresh database, the build, the server.
  const dbName = `plinth_bench_push_${process.pid}`;
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

  if (process.env.BENCH_SKIP_BUILD !== '1') {
    log('building Plinth (npm run build)');
    const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoDir, stdio: ['ignore', 2, 2] });
    if (r.status !== 0) throw new Error('npm run build failed');
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'plinth-bench-push-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  // SERVER_NODE_ARGS: flags for the server's node (e.g. "--trace-gc"), for profiling; its stdout goes to SERVER_LOG_FILE when set.
  const nodeArgs = (process.env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const server = spawn(process.execPath, [...nodeArgs, path.join(repoDir, 'dist/cli.js'), 'start'], {
    cwd: repoDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: dbUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      PLINTH_DATA_DIR: dataDir,
      PLINTH_APP_ID: APP_ID,
      PLINTH_MASTER_KEY: MASTER_KEY,
      PLINTH_PUSH: fakes.env,
      PLINTH_PUSH_BATCH_SIZE: String(BATCH_SIZE),
      PLINTH_JOBS_POLL_MS: '200',
      PLINTH_LOG_LEVEL: 'warn',
      PLINTH_LOG_FORMAT: 'json',
      // The server's own default unless set here (0: V8's choice, to compare).
      ...(process.env.PLINTH_HEAP_GROWTH_PERCENT ? { PLINTH_HEAP_GROWTH_PERCENT: process.env.PLINTH_HEAP_GROWTH_PERCENT } : {}),
    },
  });
  if (process.env.SERVER_LOG_FILE) {
    const file = createWriteStream(process.env.SERVER_LOG_FILE);
    server.stdout.pipe(file);
  }
  let serverLog = '';
  const keep = (chunk) => {
    serverLog += chunk;
    if (serverLog.length > 200_000) serverLog = serverLog.slice(-100_000);
  };
  server.stdout.on('data', keep);
  server.stderr.on('data', keep);
  const exited = new Promise((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));
  cleanups.push(async () => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000).then(() => server.kill('SIGKILL'))]);
    }
  });
  for (const deadline = Date.now() + 60_000; ; ) {
    if (server.exitCode !== null) throw new Error(`server exited (${server.exitCode}):\n${serverLog.slice(-4000)}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/ready`)).ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`server not ready in 60 s:\n${serverLog.slice(-4000)}`);
    await sleep(200);
  }
  log(`server pid ${server.pid} ready on port ${port}, database ${dbName}`);

  // 3. The installations: ios, android, web in turn; each web one its own subscription.
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  cleanups.push(() => db.end());
  const nWeb = Math.floor(DEVICES / 3);
  let t = performance.now();
  const subscriptions = Array.from({ length: nWeb }, () => JSON.stringify(fakes.web.subscribe()));
  log(`${nWeb} web subscriptions made in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  t = performance.now();
  await db.query(
    `INSERT INTO "_Installation" ("objectId","createdAt","updatedAt","installationId","deviceType","deviceToken","channels","_rperm")
     SELECT 'b' || lpad(i::text, 9, '0'), now(), now(), md5('inst' || i),
            (ARRAY['ios','android','web'])[i % 3 + 1],
            CASE i % 3 WHEN 0 THEN md5('apns' || i) || md5('apns2' || i)
                       WHEN 1 THEN 'fcm-token-' || i
                       ELSE ($2::text[])[i / 3 + 1] END,
            '["bench"]'::jsonb, NULL
     FROM generate_series(0, $1::int - 1) AS i`,
    [DEVICES, subscriptions],
  );
  await db.query('VACUUM ANALYZE "_Installation"');
  const { rows: types } = await db.query(`SELECT "deviceType", count(*)::int AS n FROM "_Installation" GROUP BY 1 ORDER BY 1`);
  log(`inserted ${DEVICES} installations in ${((performance.now() - t) / 1000).toFixed(1)} s: ${types.map((r) => `${r.deviceType} ${r.n}`).join(', ')}`);

  // 4. Idle, then the push. A push to no device first: the server's idle figure is taken once the
  // schema, the GraphQL path and the push queues are warm, so that the rise is the push's own.
  const warm = await gql(port, 'mutation { sendPush(input: {channels: ["warm-up"], data: {alert: "warm-up"}}) { pushStatusId } }');
  for (let i = 0; i < 100; i++) {
    const s = await gql(port, 'query($id: ID!) { pushStatus(id: $id) { status } }', { id: warm.sendPush.pushStatusId });
    if (s.pushStatus.status === 'succeeded') break;
    await sleep(100);
  }
  await sleep(2000);
  const idleKiB = rssKiB(server.pid);
  const cpuBefore = cpuS(server.pid);
  const benchCpuBefore = process.cpuUsage();
  let peakKiB = idleKiB;
  let plannedAt;
  let statusDoneAt;
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
  const sent = await gql(port, 'mutation($input: SendPushInput!) { sendPush(input: $input) { pushStatusId } }', {
    input: { channels: ['bench'], data: { alert: 'bench' } },
  });
  const tAccepted = performance.now();
  const pushId = sent.sendPush.pushStatusId;
  log(`sendPush answered in ${(tAccepted - t0).toFixed(0)} ms: ${pushId}`);

  let status;
  let lastLog = 0;
  for (const deadline = Date.now() + TIMEOUT_MS; ; ) {
    if (plannedAt === undefined) {
      const { rows } = await db.query('SELECT planned FROM "_PlinthPush" WHERE "pushId" = $1', [pushId]);
      if (rows[0]?.planned) plannedAt = performance.now();
    }
    const n = count();
    if (n >= DEVICES || performance.now() - lastLog > 5000) {
      status = (await gql(port, 'query($id: ID!) { pushStatus(id: $id) { status numSent numFailed sentPerType failedPerType } }', { id: pushId })).pushStatus;
      if (performance.now() - lastLog > 5000) {
        lastLog = performance.now();
        log(
          `${((lastLog - t0) / 1000).toFixed(1)} s: ${n} delivered, status ${status?.status} numSent ${status?.numSent}, RSS ${(rssKiB(server.pid) / 1024).toFixed(0)} MiB`,
        );
      }
      if (status?.status === 'succeeded' || status?.status === 'failed') {
        statusDoneAt = performance.now();
        if (n >= DEVICES || status.status === 'failed') break;
      }
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

  // 5. Figures.
  const all = [...stamps.ios, ...stamps.android, ...stamps.web];
  const last = Math.max(...all);
  const first = Math.min(...all);
  const delivered = fakes.delivered();
  const perDevice = new Map();
  for (const key of delivered) perDevice.set(key, (perDevice.get(key) ?? 0) + 1);
  let duplicates = 0;
  for (const n of perDevice.values()) if (n > 1) duplicates += n - 1;
  const span = (list) =>
    list.length ? { first_s: +((Math.min(...list) - t0) / 1000).toFixed(2), last_s: +((Math.max(...list) - t0) / 1000).toFixed(2) } : null;
  const result = {
    devices: DEVICES,
    batchSize: BATCH_SIZE,
    delivered: delivered.length,
    distinctDevices: perDevice.size,
    duplicates,
    numSent: status?.numSent ?? null,
    numFailed: status?.numFailed ?? null,
    status: status?.status ?? null,
    sendPushMs: +(tAccepted - t0).toFixed(0),
    firstDelivery_s: +((first - t0) / 1000).toFixed(2),
    planned_s: plannedAt === undefined ? null : +((plannedAt - t0) / 1000).toFixed(2),
    lastDelivery_s: +((last - t0) / 1000).toFixed(2),
    statusSucceeded_s: statusDoneAt === undefined ? null : +((statusDoneAt - t0) / 1000).toFixed(2),
    deliveriesPerS: Math.round(delivered.length / ((last - t0) / 1000)),
    idleRssMiB: +(idleKiB / 1024).toFixed(1),
    peakRssMiB: +(peakKiB / 1024).toFixed(1),
    peakAboveIdleMiB: +((peakKiB - idleKiB) / 1024).toFixed(1),
    vmHwmMiB: +(hwm / 1024).toFixed(1),
    serverCpuS: +cpuUsed.toFixed(2),
    serverCpuMsPer1000: +((cpuUsed * 1000 * 1000) / Math.max(1, delivered.length)).toFixed(1),
    fakesCpuS: +((benchCpu.user + benchCpu.system) / 1e6).toFixed(2),
    perProvider: { ios: span(stamps.ios), android: span(stamps.android), web: span(stamps.web) },
    sentPerType: status?.sentPerType ?? null,
    failedPerType: status?.failedPerType ?? null,
    loadavg: os.loadavg().map((x) => +x.toFixed(2)),
    cores: os.cpus().length,
  };
  const warnings = serverLog.split('\n').filter((l) => l.trim()).length;
  result.serverLogLines = warnings;
  if (warnings) log(`server log (last lines):\n${serverLog.split('\n').slice(-10).join('\n')}`);

  const rows = [
    ['installations', `${DEVICES} (ios/android/web ${types.map((r) => r.n).join('/')})`],
    ['sendPush answered', `${result.sendPushMs} ms`],
    ['first delivery', `${result.firstDelivery_s} s`],
    ['plan written', `${result.planned_s} s`],
    ['last delivery', `${result.lastDelivery_s} s`],
    ['status succeeded seen', `${result.statusSucceeded_s} s`],
    ['deliveries/s', `${result.deliveriesPerS}`],
    ['delivered (distinct)', `${result.delivered} (${result.distinctDevices}), duplicates ${duplicates}`],
    ['numSent / numFailed', `${result.numSent} / ${result.numFailed} (${result.status})`],
    ['server RSS idle → peak', `${result.idleRssMiB} → ${result.peakRssMiB} MiB (+${result.peakAboveIdleMiB}; goal < 100)`],
    ['server CPU', `${result.serverCpuS} s (${result.serverCpuMsPer1000} ms per 1,000 deliveries)`],
    ['fakes + bench CPU', `${result.fakesCpuS} s`],
    ...['ios', 'android', 'web'].map((p) => [
      `  ${p} deliveries`,
      result.perProvider[p] ? `${result.perProvider[p].first_s} → ${result.perProvider[p].last_s} s` : '-',
    ]),
    ['load average', `${result.loadavg.join(' ')} on ${result.cores} cores`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`\npush: ${DEVICES} devices, 3 fake providers (in the bench process), batch ${BATCH_SIZE}\n`);
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(w)}  ${v}\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return delivered.length === DEVICES && duplicates === 0 && status?.status === 'succeeded' ? 0 : 1;
}

process.once('SIGINT', () => cleanup().finally(() => process.exit(130)));
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
