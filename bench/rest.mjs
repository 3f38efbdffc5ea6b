#!/usr/bin/env node
// Parse REST benchmark: Plinth's /parse against Parse Server's on the same PostgreSQL (issue 15).
//
//   node bench/rest.mjs aba                    # A B A (REST_TARGETS=parse,plinth,parse): fresh DB and server each,
//                                              # seed, VACUUM ANALYZE, get/find/create/live, summary with ratios
//   REST_URL=http://127.0.0.1:1337/parse SERVER_PID=<pid> LABEL=x OUT=x.jsonl node bench/rest.mjs
//                                              # the harness alone against a running server
//   node bench/rest.mjs compare parse.jsonl plinth.jsonl   # ratio table (the first file's target is the baseline)
//
// Scenarios (SCENARIOS, default seed,get,find,create,live): seed (Author{name}, Post{title, views,
// author→Author}; 100 authors, 10,000 posts by plain creates with the master key, fixed-seed PRNG);
// get (GET classes/Post/<random id>); find (where views > n, order -views, limit 100, include author;
// 1 response in VALIDATE_EVERY checked for 100 rows, order and included authors); create (POST
// classes/Post, negative views); live (Parse LiveQuery: POST → `create` event, 200 creates).
// Closed loop: CONCURRENCY 32, WARMUP_S 2, DURATION_S 10, RUNS 2, keep-alive. With SERVER_PID, the
// server's CPU %, CPU-seconds per 1,000 requests and PostgreSQL's, as the GraphQL harness records.
// `node bench/rest.mjs --help` lists the options; bench/rest/README.md describes both scripts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareText, readRows } from './rest/compare.mjs';
import { runHarness } from './rest/harness.mjs';
import { loadOptions, usage } from './rest/options.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.resolve(benchDir, '..');
const [mode, ...rest] = process.argv.slice(2);

async function main() {
  if (mode === '--help' || mode === '-h') {
    console.log(
      `node bench/rest.mjs [aba | compare <files…> | --name=value…]\n${usage()}\n\naba: REST_TARGETS (parse,plinth,parse), ` +
        'SCENARIOS (get,find,create,live), PLINTH_DIR (the repo; needs dist/), BENCH_SKIP_BUILD=1, PARSE_SERVER_DIR, PG_ADMIN_URL, ' +
        'SETTLE_S, BENCH_OUT, BENCH_KEEP=1, PLINTH_NODE_ARGS / PARSE_NODE_ARGS (e.g. --cpu-prof --cpu-prof-dir=DIR)',
    );
    return 0;
  }
  if (mode === 'compare') {
    if (rest.length < 2) throw new Error('usage: node bench/rest.mjs compare baseline.jsonl candidate.jsonl […]');
    process.stdout.write(compareText(readRows(rest)));
    return 0;
  }
  if (mode === 'aba') {
    const { abaOptions, buildPlinth, runAba } = await import('./rest/targets.mjs');
    const opts = abaOptions(process.env, { benchDir, repoDir });
    buildPlinth(opts);
    const { runPending } = await import('./runner/cleanup.mjs');
    const interrupt = (signal) => runPending().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
    return runAba(opts);
  }
  const cfg = loadOptions(process.argv.slice(2), process.env);
  return runHarness(cfg, { idsFile: process.env.IDS_FILE || undefined });
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`[rest] ${e.stack || e}\n`);
    process.exit(2);
  },
);
