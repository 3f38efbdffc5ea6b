#!/usr/bin/env node
// Soak: mixed load for a long time (30 minutes by default) against a Plinth server it starts on
// a fresh PostgreSQL database — reads, lists with a pointer, creates, updates, deletes at a fixed
// rate, and a few live subscriptions — sampling the server's RSS, V8 heap, CPU, p50/p99 latency
// and errors every minute. Prints a table of the windows and a verdict on whether memory and
// latency stayed flat (last third of the windows against the first third). See bench/README.md.
//
//   node bench/soak/soak.mjs                        # 30 min
//   SOAK_DURATION_S=180 SOAK_SAMPLE_S=20 node bench/soak/soak.mjs
//
// Exit code: 0 flat and error-free, 1 not flat or errors, 2 the soak could not run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const soakDir = path.dirname(fileURLToPath(import.meta.url));
const benchDir = path.resolve(soakDir, '..');
const repoDir = path.resolve(benchDir, '..');
const log = (msg) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

function number(env, name, fallback, min = 0) {
  const raw = env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number ≥ ${min}, got "${raw}"`);
  return n;
}

function options(env) {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return {
    durationS: number(env, 'SOAK_DURATION_S', 1800, 1),
    sampleS: number(env, 'SOAK_SAMPLE_S', 60, 1),
    warmupS: number(env, 'SOAK_WARMUP_S', 60),
    rps: number(env, 'SOAK_RPS', 200, 1),
    maxInFlight: number(env, 'SOAK_MAX_IN_FLIGHT', 64, 1),
    mix: env.SOAK_MIX || 'read=40,list=25,update=15,write=20',
    keepCreated: number(env, 'SOAK_KEEP_CREATED', 1000, 1),
    subscribers: number(env, 'SOAK_SUBSCRIBERS', 4),
    liveResults: number(env, 'SOAK_LIVE_RESULTS', 1),
    authors: number(env, 'SEED_AUTHORS', 100, 1),
    posts: number(env, 'SEED_POSTS', 5000, 1),
    viewsRange: 10000,
    limits: {
      memory: { pct: number(env, 'SOAK_MAX_RSS_GROWTH_PCT', 10), abs: number(env, 'SOAK_MAX_RSS_GROWTH_MIB', 16) },
      heap: { pct: number(env, 'SOAK_MAX_HEAP_GROWTH_PCT', 10), abs: number(env, 'SOAK_MAX_HEAP_GROWTH_MIB', 8) },
      latency: { pct: number(env, 'SOAK_MAX_LATENCY_GROWTH_PCT', 25), abs: number(env, 'SOAK_MAX_LATENCY_GROWTH_MS', 2) },
    },
    adminUrl: env.PG_ADMIN_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    build: env.BENCH_SKIP_BUILD !== '1',
    keep: env.BENCH_KEEP === '1',
    outDir: path.resolve(env.BENCH_OUT || path.join(benchDir, 'results', `soak-${stamp}`)),
  };
}

function mustSucceed(command, args, cwd) {
  const r = spawnSync(command, args, { cwd, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd} (exit ${r.status ?? r.signal})`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const opts = options(process.env);
  // The bench's own packages (undici, ws, pg), as run.mjs installs them.
  try {
    readFileSync(path.join(benchDir, 'node_modules/undici/package.json'));
  } catch {
    log('installing the bench dependencies (npm ci in bench/)');
    mustSucceed('npm', ['ci', '--no-audit', '--no-fund'], benchDir);
  }
  if (opts.build) {
    log('building Plinth (npm run build)');
    mustSucceed('npm', ['run', 'build', '--silent'], repoDir);
  }
  mkdirSync(opts.outDir, { recursive: true });
  const { defer, runPending } = await import('../runner/cleanup.mjs');
  const { createDatabase, dropDatabase, vacuumAnalyze } = await import('../runner/postgres.mjs');
  const { freePort, startProcess, stopProcess, waitUntilServing } = await import('../runner/processes.mjs');
  const { APP_ID, MASTER_KEY } = await import('../runner/options.mjs');
  const { createClient } = await import('../harness/lib/gql.mjs');
  const { seed } = await import('../harness/lib/scenarios.mjs');
  const { startSampler } = await import('../harness/lib/procstat.mjs');
  const { closeAll, openSubscribers, whenAllLive } = await import('../live/subscribers.mjs');
  const { parseMix, startMix } = await import('./mix.mjs');
  const { sampleRow, table, verdict } = await import('./report.mjs');
  const mix = parseMix(opts.mix);

  const interrupt = (signal) => runPending().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  try {
    // A fresh database and a fresh server, as a bench step has them.
    const dbName = `plinth_soak_${process.pid}`;
    const databaseUrl = await createDatabase(opts.adminUrl, dbName);
    const dropDb = defer(() => (opts.keep ? log(`kept database ${dbName}`) : dropDatabase(opts.adminUrl, dbName)));
    const dataDir = mkdtempSync(path.join(tmpdir(), 'plinth-soak-'));
    const removeData = defer(() => rmSync(dataDir, { recursive: true, force: true }));
    const heapFile = path.join(dataDir, 'heap.json');
    const port = await freePort();
    const env = { ...process.env };
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'PLINTH_CLOUD']) delete env[name];
    Object.assign(env, {
      PORT: String(port),
      HOST: '127.0.0.1',
      PLINTH_APP_ID: APP_ID,
      PLINTH_MASTER_KEY: MASTER_KEY,
      PLINTH_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      PLINTH_LOG_LEVEL: process.env.PLINTH_LOG_LEVEL || 'warn',
      PLINTH_LOG_FORMAT: 'json',
      SOAK_HEAP_FILE: heapFile,
    });
    const server = startProcess({
      command: process.execPath,
      args: ['--import', pathToFileURL(path.join(soakDir, 'heap-probe.mjs')).href, 'dist/cli.js', 'start'],
      cwd: repoDir,
      env,
      logFile: path.join(opts.outDir, 'server.log'),
    });
    const stopServer = defer(() => stopProcess(server));
    const url = `http://127.0.0.1:${port}/graphql`;
    await waitUntilServing(server, url);
    log(`Plinth pid ${server.pid} on ${url}, database ${dbName}`);

    const master = createClient({ url, headers: { 'X-Parse-Application-Id': APP_ID, 'X-Parse-Master-Key': MASTER_KEY }, connections: opts.maxInFlight });
    const anon = createClient({ url, headers: { 'X-Parse-Application-Id': APP_ID }, connections: opts.maxInFlight });
    const { ids } = await seed(master, { authors: opts.authors, posts: opts.posts, seedBatch: 100, seedConcurrency: 4, viewsRange: opts.viewsRange }, log);
    await vacuumAnalyze(databaseUrl);

    // Subscribers: `subscribers` sockets on every Post event, plus live result sets: the newest 10 posts, re-sent when that page changes.
    const events = [];
    const liveUrl = url.replace(/^http/, 'ws');
    const live = { liveMode: 'graphql-ws', liveUrl, appId: APP_ID, masterKey: MASTER_KEY };
    const probes = new Set();
    const onEvent = (offset) => (i, text) => {
      events[offset + i] = (events[offset + i] ?? 0) + 1;
      if (text.includes('soak-probe')) probes.add(offset + i);
    };
    const sockets = [
      ...(opts.subscribers
        ? await openSubscribers(
            { ...live, liveSubscription: 'subscription { postEvents(events: [CREATE, UPDATE, DELETE]) { event post { id title views } } }' },
            { count: opts.subscribers, onEvent: onEvent(0) },
          )
        : []),
      ...(opts.liveResults
        ? await openSubscribers(
            { ...live, liveSubscription: 'subscription { posts(order: [createdAt_DESC], first: 10) { edges { node { id title views } } } }' },
            { count: opts.liveResults, onEvent: onEvent(opts.subscribers) },
          )
        : []),
    ];
    const closeSockets = defer(() => closeAll(sockets));
    const subscriberCount = opts.subscribers + opts.liveResults;
    // Live once each has had an event carrying a probe post.
    let probe = 0;
    await whenAllLive({
      write: () =>
        master.request('mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } } }', {
          input: { fields: { title: `soak-probe ${++probe}`, views: -probe } },
        }),
      probeTitle: () => '',
      isLive: () => probes.size === subscriberCount,
    });
    log(
      `seeded ${ids.postIds.length} posts; ${subscriberCount} subscriptions live; ${opts.rps} req/s (${opts.mix}) for ${opts.durationS} s after ${opts.warmupS} s of warm-up`,
    );

    const load = startMix({ anon, master, ids, rps: opts.rps, maxInFlight: opts.maxInFlight, mix, keepCreated: opts.keepCreated, viewsRange: opts.viewsRange });
    await sleep(opts.warmupS * 1000);
    load.takeWindow();
    events.fill(0);
    const rows = [];
    const samplesFile = path.join(opts.outDir, 'samples.jsonl');
    const t0 = performance.now();
    const windows = Math.max(1, Math.round(opts.durationS / opts.sampleS));
    for (let index = 1; index <= windows; index++) {
      const sampler = startSampler(server.pid, 1000);
      const cpu0 = process.cpuUsage();
      const windowStart = performance.now();
      const windowEnd = t0 + index * opts.sampleS * 1000;
      const heaps = [];
      while (performance.now() < windowEnd) {
        await sleep(Math.min(1000, windowEnd - performance.now()));
        try {
          heaps.push(JSON.parse(readFileSync(heapFile, 'utf8')));
        } catch {
          // the probe has not written yet
        }
      }
      const proc = sampler();
      const windowS = (performance.now() - windowStart) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const soakCpuPct = (cpu.user + cpu.system) / 1e4 / windowS;
      const counts = Array.from({ length: subscriberCount }, (_, i) => events[i] ?? 0);
      events.fill(0);
      const row = sampleRow({ index, elapsedS: (performance.now() - t0) / 1000, windowS, load: load.takeWindow(), proc, soakCpuPct, heaps, events: counts });
      rows.push(row);
      appendFileSync(samplesFile, JSON.stringify(row) + '\n');
      log(
        `window ${index}/${windows}: ${row.rps} req/s, p50 ${row.p50_ms} ms, p99 ${row.p99_ms} ms, ${row.errors} errors, RSS ${row.rss_mib} MiB, heap floor ${row.heap_floor_mib} MiB`,
      );
      if (server.child.exitCode !== null || server.child.signalCode !== null) throw new Error('the server exited during the soak (see server.log)');
    }
    await load.stop();
    await closeSockets();
    await master.close();
    await anon.close();
    await stopServer();
    await dropDb();
    await removeData();

    const result = verdict(rows, opts.limits);
    const summary = [
      `Plinth soak on PostgreSQL: ${opts.rps} req/s (${opts.mix}), ${opts.subscribers} event subscriptions + ${opts.liveResults} live result set(s), ` +
        `${ids.postIds.length} seeded posts, ${windows} windows of ${opts.sampleS} s after ${opts.warmupS} s of warm-up`,
      '',
      table(rows),
      '',
      result.text,
      '',
    ].join('\n');
    writeFileSync(path.join(opts.outDir, 'summary.txt'), summary);
    process.stdout.write('\n' + summary);
    log(`results in ${opts.outDir}`);
    return result.flat ? 0 : 1;
  } catch (error) {
    await runPending();
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    log(error.stack ?? error.message);
    process.exit(2);
  },
);
