#!/usr/bin/env node
// Memory of idle subscriptions: opens IDLE_CONNECTIONS graphql-ws connections (100) with
// IDLE_SUBSCRIPTIONS_PER_CONNECTION subscriptions each (100: the server's default limit per
// connection), i.e. 10,000 by default, and reports the server's resident memory (VmRSS of
// SERVER_PID) before, once they are all open and idle, and after one event reached all of them
// (which proves they were live). Target (issue 4): under 300 MB with 10,000 subscriptions.
// Prints one JSON line (scenario "live-idle") to stdout and to OUT.
//
//   GQL_URL=http://127.0.0.1:<port>/graphql PARSE_APP_ID=... PARSE_MASTER_KEY=... SERVER_PID=<pid> node live/idle.mjs
//
// The server must accept 100 connections from one IP (PLINTH_LIVE_MAX_CONNECTIONS_PER_IP,
// default 200) and 100 subscriptions per connection (PLINTH_LIVE_MAX_SUBSCRIPTIONS, default 100).
// The data it needs: class Post (the harness's seed), for the probe event.
import { appendFileSync } from 'node:fs';
import { loadConfig } from '../harness/lib/config.mjs';
import { createClient } from '../harness/lib/gql.mjs';
import { rssMiB } from '../harness/lib/procstat.mjs';
import { QUERIES } from '../harness/lib/scenarios.mjs';
import { closeAll, createPostBody, openSubscribers, whenAllLive } from './subscribers.mjs';

const log = (msg) => process.stderr.write(`[live-idle ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const cfg = loadConfig([], { ...process.env, LIVE_MODE: 'graphql-ws' });
const connections = Number(process.env.IDLE_CONNECTIONS || 100);
const perConnection = Number(process.env.IDLE_SUBSCRIPTIONS_PER_CONNECTION || 100);
const settleS = Number(process.env.IDLE_SETTLE_S || 5);
const TARGET_MIB = (300 * 1e6) / 2 ** 20; // the 300 MB, in the MiB that VmRSS figures are shown in (286.1)
if (!cfg.serverPid) throw new Error('SERVER_PID is required: the memory measured is that process');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (x) => (x == null ? null : Math.round(x * 10) / 10);

const client = createClient({ url: cfg.url, headers: cfg.headers, connections: 2 });
let sockets = [];
let exitCode = 0;
let result;
try {
  const total = connections * perConnection;
  const rssBefore = rssMiB(cfg.serverPid);
  const tag = Date.now().toString(36);
  const received = new Map(); // probe title -> events received (one per live subscription)
  const onEvent = (_i, text) => {
    const m = /lqi-[a-z0-9]+-p\d+/.exec(text);
    if (m) received.set(m[0], (received.get(m[0]) ?? 0) + 1);
  };
  const t0 = performance.now();
  sockets = await openSubscribers(cfg, { count: connections, subscriptions: perConnection, concurrency: 10, onEvent });
  const openS = (performance.now() - t0) / 1000;
  log(`${connections} connections × ${perConnection} subscriptions sent in ${openS.toFixed(1)} s; settling ${settleS} s`);
  await sleep(settleS * 1000);
  const rssIdle = rssMiB(cfg.serverPid);
  const closed = sockets.filter((ws) => ws.readyState !== ws.OPEN).length;

  // Proof that they are subscriptions, not just sockets: one post reaches every one of them.
  const live = await whenAllLive({
    write: (title) => client.request(QUERIES.create, createPostBody(title, -1)),
    probeTitle: (k) => `lqi-${tag}-p${k}`,
    isLive: () => [...received.values()].some((n) => n >= total),
    everyMs: 2_000,
    timeoutMs: 30_000,
  }).then(
    () => true,
    (error) => (log(error.message), false),
  );
  await sleep(settleS * 1000);
  const rssAfterEvent = rssMiB(cfg.serverPid);
  const worst = Math.max(rssIdle ?? Infinity, rssAfterEvent ?? Infinity);
  result = {
    connections,
    subscriptions_per_connection: perConnection,
    subscriptions: total,
    closed_connections: closed,
    all_live: live,
    most_events_per_probe: Math.max(0, ...received.values()),
    open_s: round(openS),
    server_pid: cfg.serverPid,
    rss_before_mib: round(rssBefore),
    rss_idle_mib: round(rssIdle),
    rss_after_event_mib: round(rssAfterEvent),
    rss_per_subscription_kib: rssIdle != null && rssBefore != null ? round(((rssIdle - rssBefore) * 1024) / total) : null,
    target_mib: round(TARGET_MIB),
    target_met: live && worst < TARGET_MIB,
  };
  if (!live || closed) exitCode = 1;
} catch (error) {
  log(`FAILED: ${error.stack || error}`);
  result = { scenario: 'error', error: String(error.message || error) };
  exitCode = 2;
} finally {
  closeAll(sockets);
  await client.close();
}
const line = JSON.stringify({ scenario: 'live-idle', run: 1, label: cfg.label || undefined, url: cfg.url, ...result, ts: new Date().toISOString() });
process.stdout.write(line + '\n');
if (cfg.out) appendFileSync(cfg.out, line + '\n');
process.exit(exitCode);
