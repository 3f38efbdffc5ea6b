// One harness run against one server: the scenarios of SCENARIOS in the order seed → get → find →
// create → live (create and live add rows), one JSON line per scenario run on stdout (and OUT).
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { rssMiB } from '../harness/lib/procstat.mjs';
import { createRestClient } from './client.mjs';
import { liveScenario } from './live.mjs';
import { createScenario, discover, findScenario, getScenario, seed } from './scenarios.mjs';

const LOAD_SCENARIOS = ['get', 'find', 'create'];

export async function runHarness(cfg, { idsFile } = {}) {
  const log = (msg) => process.stderr.write(`[rest ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
  const emit = (scenario, run, result) => {
    const load = LOAD_SCENARIOS.includes(scenario);
    const line = JSON.stringify({
      scenario,
      run,
      label: cfg.label || undefined,
      url: cfg.url,
      concurrency: load ? cfg.concurrency : undefined,
      as: load ? cfg.as : undefined,
      duration_s: load ? cfg.duration : undefined,
      ...result,
      ts: new Date().toISOString(),
    });
    process.stdout.write(`${line}\n`);
    if (cfg.out) appendFileSync(cfg.out, `${line}\n`);
  };
  const client = createRestClient({ url: cfg.url, appId: cfg.appId, masterKey: cfg.masterKey, connections: Math.max(cfg.concurrency, cfg.seedConcurrency) });
  // The load scenarios' own pool: with REST_AS=anon it sends the app id only, as an app's clients do.
  const loadClient = cfg.as === 'anon' ? createRestClient({ url: cfg.url, appId: cfg.appId, masterKey: undefined, connections: cfg.concurrency }) : client;
  const want = new Set(cfg.scenarios);
  let exitCode = 0;
  try {
    log(`target ${cfg.url}, scenarios ${[...want].join(',')}, c=${cfg.concurrency}, ${cfg.duration}s x ${cfg.runs}`);
    emit('env', 0, {
      node: process.version,
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0]?.model,
      loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
      server_rss_mib: cfg.serverPid ? rssMiB(cfg.serverPid) : undefined,
    });
    let ids = null;
    if (want.has('seed')) {
      log('seed: classes, authors, posts');
      const s = await seed(client, cfg, log);
      ids = s.ids;
      if (idsFile) writeFileSync(idsFile, JSON.stringify(ids));
      emit('seed', 1, { ...s.result, server_rss_mib: cfg.serverPid ? rssMiB(cfg.serverPid) : undefined });
      if (cfg.settle > 0) await new Promise((r) => setTimeout(r, cfg.settle * 1000));
    } else if ([...LOAD_SCENARIOS, 'live'].some((x) => want.has(x))) {
      ids = idsFile && existsSync(idsFile) ? JSON.parse(readFileSync(idsFile, 'utf8')) : await discover(client);
      log(`${ids.authorIds.length} authors, ${ids.postIds.length} posts to pick from`);
    }
    const plan = {
      get: (run) => getScenario(loadClient, cfg, ids, run),
      find: (run) => findScenario(loadClient, cfg, run),
      create: (run) => createScenario(loadClient, cfg, ids, run),
    };
    for (const name of LOAD_SCENARIOS) {
      if (!want.has(name)) continue;
      for (let run = 1; run <= cfg.runs; run++) {
        log(`${name} run ${run}/${cfg.runs}`);
        const r = await plan[name](run);
        emit(name, run, r);
        log(`${name}: ${r.rps} req/s, p50 ${r.latency_ms.p50} ms, p99 ${r.latency_ms.p99} ms, errors ${r.errors}${r.first_error ? ` (${r.first_error})` : ''}`);
        if (r.errors) exitCode = 1;
      }
    }
    if (want.has('live')) {
      log(`live: ${cfg.liveUrl}, ${cfg.liveIterations} creates`);
      const r = await liveScenario(client, cfg, ids, log);
      emit('live', 1, { ...r, server_rss_mib: cfg.serverPid ? rssMiB(cfg.serverPid) : undefined });
      log(`live: p50 ${r.event_latency_ms.p50} ms, p95 ${r.event_latency_ms.p95} ms, missed ${r.missed}`);
      if (r.missed || r.bad_events) exitCode = 1;
    }
  } catch (e) {
    log(`FAILED: ${e.stack || e}`);
    emit('error', 0, { error: String(e.message || e) });
    exitCode = 2;
  } finally {
    client.close();
    if (loadClient !== client) loadClient.close();
  }
  return exitCode;
}
