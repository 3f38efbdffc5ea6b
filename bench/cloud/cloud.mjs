#!/usr/bin/env node
// The cloud code scenario: what no-op triggers cost, and what a trivial cloud function costs,
// through Parse's own GraphQL API, so that it runs unchanged against Parse Server
// (cloud/parse-start.mjs + parse-cloud.js) and Plinth (PLINTH_CLOUD=cloud/plinth-cloud.mjs).
// Prints one JSON line per run, like the harness.
//
// Setup, with the master key: two identical classes PlainPost and HookedPost (title, views,
// author → Author, which the main seed created), seeded with the same rows (CLOUD_ROWS, default
// SEED_POSTS; views drawn as the harness's seed draws them). The cloud file gives HookedPost a
// no-op beforeSave, afterSave, beforeFind and afterFind, and PlainPost nothing; and it defines
// `ping`, which returns "pong". Then, with the master key as the harness's scenarios:
//   cloud-list-plain / cloud-list-hooked: the harness's list (first 100 above a random view count,
//     ordered by views, with author { name }) on each class, the same random counts on both;
//   cloud-create-plain / cloud-create-hooked: the harness's create on each class (negative views,
//     so that the created rows stay out of the lists; the lists run first all the same);
//   cloud-function: callCloudCode(input: {functionName: ping, params: {}}) { result }.
// Plain and hooked alternate (A B, then B A on the next run), so that a drift hits both alike.
// Every response is checked for GraphQL errors and every function result must be "pong"; one in
// VALIDATE_EVERY list or create responses is checked deeply.
//
//   GQL_URL=… PARSE_APP_ID=… PARSE_MASTER_KEY=… SERVER_PID=… node cloud/cloud.mjs
import { appendFileSync } from 'node:fs';
import { loadConfig } from '../harness/lib/config.mjs';
import { createClient } from '../harness/lib/gql.mjs';
import { runLoad, hasGraphQLErrors } from '../harness/lib/load.mjs';
import { checkListPayload, mulberry32 } from '../harness/lib/scenarios.mjs';

const cfg = loadConfig();
const log = (msg) => process.stderr.write(`[cloud ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const ROWS = Number(process.env.CLOUD_ROWS || cfg.posts);
const FIRST = cfg.listFirst;

/** The two classes: identical but for the triggers, and their names in Parse's generated schema. */
const KINDS = {
  plain: { className: 'PlainPost', many: 'plainPosts', one: 'plainPost', create: 'createPlainPost' },
  hooked: { className: 'HookedPost', many: 'hookedPosts', one: 'hookedPost', create: 'createHookedPost' },
};
const PING = JSON.stringify({ query: 'mutation Ping { callCloudCode(input: { functionName: ping, params: {} }) { result } }' });

let failedResponses = 0;
function emit(scenario, run, result) {
  if (result.errors) failedResponses += result.errors;
  const line = JSON.stringify({
    scenario,
    run,
    label: cfg.label || undefined,
    url: cfg.url,
    concurrency: cfg.concurrency,
    duration_s: cfg.duration,
    rows: ROWS,
    ...result,
    ts: new Date().toISOString(),
  });
  process.stdout.write(line + '\n');
  if (cfg.out) appendFileSync(cfg.out, line + '\n');
}

const client = createClient({ url: cfg.url, headers: cfg.headers, connections: cfg.concurrency });

/** Both classes, the same rows in each (batches of aliased creates); returns the author ids and the list's bound. */
async function setup() {
  for (const kind of Object.values(KINDS)) {
    await client.request(
      `mutation { createClass(input: { name: "${kind.className}", schemaFields: { addStrings: [{ name: "title" }], addNumbers: [{ name: "views" }], addPointers: [{ name: "author", targetClassName: "Author" }] } }) { class { name } } }`,
    );
  }
  const authors = (await client.request('{ authors(first: 100) { edges { node { objectId } } } }')).authors.edges.map((e) => e.node.objectId);
  if (!authors.length) throw new Error('no authors: run the harness seed first');
  const rnd = mulberry32(42);
  const rows = Array.from({ length: ROWS }, (_, i) => ({ i, views: Math.floor(rnd() * cfg.viewsRange), author: authors[i % authors.length] }));
  for (const kind of Object.values(KINDS)) {
    const t0 = performance.now();
    const batches = [];
    for (let i = 0; i < rows.length; i += cfg.seedBatch) batches.push(rows.slice(i, i + cfg.seedBatch));
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        const body = batch.map(
          (r) =>
            `r${r.i}: ${kind.create}(input: { fields: { title: "Row ${r.i}", views: ${r.views}, author: { link: "${r.author}" } } }) { ${kind.one} { id } }`,
        );
        await client.request(`mutation Seed${kind.className} {\n${body.join('\n')}\n}`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(cfg.seedConcurrency, batches.length) }, worker));
    log(`${kind.className}: ${ROWS} rows in ${Math.round(performance.now() - t0)} ms`);
  }
  // A random view count below the (FIRST+1)-th largest leaves at least FIRST rows above it: every list is full.
  const sorted = rows.map((r) => r.views).sort((a, b) => b - a);
  if (sorted.length <= FIRST) throw new Error(`CLOUD_ROWS (${ROWS}) must be above LIST_FIRST (${FIRST})`);
  const maxN = Math.max(1, Math.min(cfg.listMaxN, sorted[FIRST]));
  return { authors, maxN };
}

/** Before the load: both classes hold the rows, a list of each is full, and ping answers "pong". */
async function preflight(maxN) {
  for (const kind of Object.values(KINDS)) {
    // With a where: without one, Parse on PostgreSQL answers the planner's estimate (0 before ANALYZE).
    const count = (await client.request(`{ ${kind.many}(where: { views: { greaterThanOrEqualTo: 0 } }) { count } }`))[kind.many].count;
    if (count !== ROWS) throw new Error(`${kind.className} counts ${count} rows, expected ${ROWS}`);
    const text = (await client.postRaw(listBody(kind, maxN - 1))).text;
    const problem = checkList(kind)(text, true);
    if (problem) throw new Error(`${kind.className}: ${problem}`);
  }
  const problem = checkPing((await client.postRaw(PING)).text, true);
  if (problem) throw new Error(`ping: ${problem} (is the cloud file loaded?)`);
}

const listQuery = (kind) =>
  `query List${kind.className}($n: Float!) { ${kind.many}(first: ${FIRST}, where: { views: { greaterThan: $n } }, order: [views_DESC]) { edges { node { title views author { name } } } } }`;
const listBody = (kind, n) => JSON.stringify({ query: listQuery(kind), variables: { n } });
const checkList = (kind) => (text, deep) => {
  const e = hasGraphQLErrors(text);
  if (e || !deep) return e;
  return checkListPayload(
    JSON.parse(text).data?.[kind.many]?.edges?.map((x) => x.node),
    FIRST,
    text,
  );
};

function checkPing(text, deep) {
  const e = hasGraphQLErrors(text);
  if (e) return e;
  if (!deep && text.includes('"pong"')) return null;
  const result = JSON.parse(text).data?.callCloudCode?.result;
  return result === 'pong' ? null : `callCloudCode answered ${text.slice(0, 200)}`;
}

const load = (makeBody, check) =>
  runLoad({
    client,
    concurrency: cfg.concurrency,
    durationS: cfg.duration,
    warmupS: cfg.warmup,
    sampleEvery: cfg.sampleEvery,
    serverPid: cfg.serverPid,
    makeBody,
    check,
  });

function listRun(kind, run, maxN) {
  const rnd = mulberry32(11 + run); // the same view counts for both classes
  return load(() => listBody(kind, Math.floor(rnd() * maxN)), checkList(kind));
}

function createRun(kind, run, authors) {
  const rnd = mulberry32(100 + run); // the same rows for both classes
  const query = `mutation Create${kind.className}($input: ${kind.create[0].toUpperCase()}${kind.create.slice(1)}Input!) { ${kind.create}(input: $input) { ${kind.one} { id } } }`;
  let i = 0;
  return load(
    () =>
      JSON.stringify({
        query,
        variables: {
          input: {
            fields: {
              title: `bench-create r${run} #${i++}`,
              views: -1 - Math.floor(rnd() * 1000),
              author: { link: authors[Math.floor(rnd() * authors.length)] },
            },
          },
        },
      }),
    (text, deep) => {
      const e = hasGraphQLErrors(text);
      if (e || !deep) return e;
      return JSON.parse(text).data?.[kind.create]?.[kind.one]?.id ? null : `bad create payload: ${text.slice(0, 200)}`;
    },
  );
}

/** Plain then hooked on odd runs, hooked then plain on even ones. */
const pairOrder = (run) => (run % 2 ? ['plain', 'hooked'] : ['hooked', 'plain']);

try {
  log(`setup on ${cfg.url}: ${ROWS} rows in PlainPost and in HookedPost`);
  const { authors, maxN } = await setup();
  await preflight(maxN);
  // Lists first, while both tables hold only the seeded rows; then the creates; then the function.
  for (let run = 1; run <= cfg.runs; run++) {
    for (const k of pairOrder(run)) {
      log(`cloud-list-${k} run ${run}/${cfg.runs}`);
      emit(`cloud-list-${k}`, run, await listRun(KINDS[k], run, maxN));
    }
  }
  for (let run = 1; run <= cfg.runs; run++) {
    for (const k of pairOrder(run)) {
      log(`cloud-create-${k} run ${run}/${cfg.runs}`);
      emit(`cloud-create-${k}`, run, await createRun(KINDS[k], run, authors));
    }
  }
  for (let run = 1; run <= cfg.runs; run++) {
    log(`cloud-function run ${run}/${cfg.runs}`);
    emit('cloud-function', run, await load(() => PING, checkPing));
  }
  if (failedResponses) process.exitCode = 1;
} catch (error) {
  log(`failed: ${error.message}`);
  emit('error', 0, { error: error.message });
  process.exitCode = 2;
} finally {
  await client.close();
}
