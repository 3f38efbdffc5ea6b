#!/usr/bin/env node
// Live benchmark: time from sending a createPost mutation to the matching event at each
// subscriber, for 1, 100 and 1,000 subscribers (LIVE_COUNTS), one WebSocket per subscriber.
// Same measure as the shared harness's `live` scenario (harness/lib/live.mjs: LIVE_ITERATIONS
// mutations one after another, each waiting until every subscriber has its event, matched by a
// unique title), but the subscribers are opened many at a time and known to be live from an event
// they received rather than after a fixed pause each. Prints one JSON line per subscriber count,
// in the harness's format (scenario "live"), to stdout and to OUT.
//
//   GQL_URL=http://127.0.0.1:<port>/graphql PARSE_APP_ID=... PARSE_MASTER_KEY=... SERVER_PID=<pid> \
//   LIVE_MODE=graphql-ws LIVE_COUNTS=1,100,1000 node live/live.mjs
//
// Options: every harness option (`node harness/bench.mjs --help`; LIVE_MODE, LIVE_URL,
// LIVE_ITERATIONS, LIVE_SUBSCRIPTION, LIVE_CLASS, SERVER_PID, LABEL, OUT), plus LIVE_COUNTS
// (default 1,100,1000) and LIVE_OPEN_CONCURRENCY (50 sockets opened at a time).
import { appendFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { loadConfig } from '../harness/lib/config.mjs';
import { createClient } from '../harness/lib/gql.mjs';
import { percentiles } from '../harness/lib/load.mjs';
import { startSampler } from '../harness/lib/procstat.mjs';
import { discover, mulberry32, QUERIES } from '../harness/lib/scenarios.mjs';
import { closeAll, createPostBody, openSubscribers, whenAllLive } from './subscribers.mjs';

const log = (msg) => process.stderr.write(`[live ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const cfg = loadConfig([], process.env);
const counts = (process.env.LIVE_COUNTS || '1,100,1000').split(',').map((s) => Number.parseInt(s, 10));
if (counts.some((n) => !(n > 0))) throw new Error(`LIVE_COUNTS must be positive integers, got "${process.env.LIVE_COUNTS}"`);
const openConcurrency = Number(process.env.LIVE_OPEN_CONCURRENCY || 50);

function emit(run, result) {
  const line = JSON.stringify({ scenario: 'live', run, label: cfg.label || undefined, url: cfg.url, ...result, ts: new Date().toISOString() });
  process.stdout.write(line + '\n');
  if (cfg.out) appendFileSync(cfg.out, line + '\n');
}

/** One subscriber count: open, make live, LIVE_ITERATIONS timed mutations, close. */
async function measure(client, ids, count, run) {
  const tag = `${Date.now().toString(36)}${run}`;
  const live = new Set();
  const pending = new Map(); // title -> { remaining, sentAt, resolve }
  const arrivals = [];
  const onEvent = (i, text, at) => {
    const m = /lqb-[a-z0-9]+-([pm])\d+/.exec(text);
    if (!m) return;
    if (m[1] === 'p') return void live.add(i);
    const p = pending.get(m[0]);
    if (!p) return;
    arrivals.push(at - p.sentAt);
    if (--p.remaining === 0) {
      pending.delete(m[0]);
      p.resolve(at);
    }
  };
  const rnd = mulberry32(999);
  const author = () => ids.authorIds[Math.floor(rnd() * ids.authorIds.length)];
  const t0 = performance.now();
  const sockets = await openSubscribers(cfg, { count, concurrency: openConcurrency, onEvent });
  try {
    await whenAllLive({
      write: (title) => client.request(QUERIES.create, createPostBody(title, -1, author())),
      probeTitle: (k) => `lqb-${tag}-p${k}`,
      isLive: () => live.size === count,
    });
    const setupS = (performance.now() - t0) / 1000;
    log(`${count} subscribers live after ${setupS.toFixed(1)} s; ${cfg.liveIterations} mutations`);
    await new Promise((r) => setTimeout(r, 500)); // the last probe's stragglers

    const stopSampler = startSampler(cfg.serverPid || 0);
    const cpu0 = process.cpuUsage();
    const windowStart = performance.now();
    const allDelivered = [];
    const mutationLat = [];
    let missed = 0;
    for (let i = 0; i < cfg.liveIterations; i++) {
      const title = `lqb-${tag}-m${i}`;
      let resolve;
      const delivered = new Promise((r) => (resolve = r));
      const sentAt = performance.now();
      pending.set(title, { remaining: count, resolve, sentAt });
      await client.request(QUERIES.create, createPostBody(title, -5000 - i, author()));
      mutationLat.push(performance.now() - sentAt);
      const at = await Promise.race([delivered, new Promise((r) => setTimeout(() => r(null), 5000))]);
      if (at == null) {
        missed++;
        pending.delete(title);
        if (missed === 1) log(`live: ${title} did not reach every subscriber within 5 s`);
      } else allDelivered.push(at - sentAt);
    }
    const windowS = (performance.now() - windowStart) / 1000;
    const res = stopSampler();
    const cpu = process.cpuUsage(cpu0);
    const clientCpu = Math.round((cpu.user + cpu.system) / 1e4 / windowS);
    const otherCpu =
      res.machine_cpu_busy_pct != null && res.server_cpu_pct != null
        ? Math.round(res.machine_cpu_busy_pct * availableParallelism() - clientCpu - res.server_cpu_pct - (res.postgres_cpu_pct ?? 0))
        : undefined;
    return {
      mode: cfg.liveMode,
      subscribers: count,
      iterations: cfg.liveIterations,
      missed,
      setup_s: Math.round(setupS * 10) / 10,
      window_s: Math.round(windowS * 1000) / 1000,
      event_latency_ms: percentiles(arrivals), // mutation sent -> event at a subscriber
      all_delivered_ms: percentiles(allDelivered), // mutation sent -> event at every subscriber
      mutation_latency_ms: percentiles(mutationLat), // mutation sent -> HTTP response
      client_cpu_pct: clientCpu,
      ...res,
      other_cpu_pct: otherCpu,
    };
  } finally {
    closeAll(sockets);
  }
}

const client = createClient({ url: cfg.url, headers: cfg.headers, connections: 4 });
let exitCode = 0;
try {
  const ids = await discover(client, 100);
  for (const [i, count] of counts.entries()) {
    log(`${cfg.liveMode} at ${cfg.liveUrl}: ${count} subscriber(s)`);
    const r = await measure(client, ids, count, i + 1);
    emit(i + 1, r);
    if (r.missed) exitCode = 1;
    await new Promise((r) => setTimeout(r, 1000)); // let the server drop the closed sockets
  }
} catch (error) {
  log(`FAILED: ${error.stack || error}`);
  emit(0, { scenario: 'error', error: String(error.message || error) });
  exitCode = 2;
} finally {
  await client.close();
}
process.exit(exitCode);
