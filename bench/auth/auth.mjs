#!/usr/bin/env node
// The authenticated scenario (issue 3): a logged-in user reading objects protected by ACL and an
// inherited role, through Parse's GraphQL API — so it runs unchanged against Parse Server and
// Plinth. Prints one JSON line per run (scenario auth-read / auth-list), like the harness.
//
// Setup, with the master key: role "Readers" whose `roles` contains role "Members"; a user
// signed up and added to "Members" (so "Readers" is inherited); class Doc (title, views,
// author → Author, which the main seed created) with 2,000 docs readable by role:Readers only
// and 500 readable by role:Others only (never visible to the user). Then, with the user's
// session token: doc(id) by random readable id, and the first 100 docs above a random view
// count, ordered, with their authors.
//
//   GQL_URL=… PARSE_APP_ID=… PARSE_MASTER_KEY=… SERVER_PID=… node auth/auth.mjs
import { appendFileSync } from 'node:fs';
import { loadConfig } from '../harness/lib/config.mjs';
import { createClient } from '../harness/lib/gql.mjs';
import { runLoad, hasGraphQLErrors } from '../harness/lib/load.mjs';
import { mulberry32 } from '../harness/lib/scenarios.mjs';

const cfg = loadConfig();
const log = (msg) => process.stderr.write(`[auth ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const READABLE = Number(process.env.AUTH_DOCS ?? 2000);
const HIDDEN = Math.round(READABLE / 4);

function emit(scenario, run, result) {
  const line = JSON.stringify({
    scenario,
    run,
    label: cfg.label || undefined,
    url: cfg.url,
    concurrency: cfg.concurrency,
    duration_s: cfg.duration,
    ...result,
    ts: new Date().toISOString(),
  });
  process.stdout.write(line + '\n');
  if (cfg.out) appendFileSync(cfg.out, line + '\n');
}

const master = createClient({ url: cfg.url, headers: cfg.headers, connections: 8 });

async function setup() {
  const role = async (name) =>
    (
      await master.request(
        `mutation($n: String) { createRole(input: { fields: { name: $n, ACL: { public: { read: true, write: false } } } }) { role { id objectId } } }`,
        { n: name },
      )
    ).createRole.role;
  const members = await role('Members');
  const readers = await role('Readers');
  await role('Others');
  await master.request(`mutation($r: ID!, $m: ID!) { updateRole(input: { id: $r, fields: { roles: { add: [$m] } } }) { role { id } } }`, {
    r: readers.id,
    m: members.objectId,
  });
  const signedUp = await master.request(
    `mutation { signUp(input: { fields: { username: "bench-reader", password: "bench-reader-password" } }) { viewer { sessionToken user { objectId } } } }`,
  );
  const { sessionToken, user } = signedUp.signUp.viewer;
  await master.request(`mutation($r: ID!, $u: ID!) { updateRole(input: { id: $r, fields: { users: { add: [$u] } } }) { role { id } } }`, {
    r: members.id,
    u: user.objectId,
  });
  await master.request(
    `mutation { createClass(input: { name: "Doc", schemaFields: { addStrings: [{ name: "title" }], addNumbers: [{ name: "views" }], addPointers: [{ name: "author", targetClassName: "Author" }] } }) { class { name } } }`,
  );
  const authors = (await master.request(`{ authors(first: 100) { edges { node { objectId } } } }`)).authors.edges.map((e) => e.node.objectId);
  if (!authors.length) throw new Error('no authors: run the harness seed first');
  const rnd = mulberry32(99);
  const ids = [];
  const make = async (from, count, roleName, prefix) => {
    for (let start = from; start < from + count; start += 100) {
      const batch = [];
      for (let i = start; i < Math.min(from + count, start + 100); i++) {
        batch.push(
          `d${i}: createDoc(input: { fields: { title: "${prefix} ${i}", views: ${Math.floor(rnd() * 10000)}, author: { link: "${authors[i % authors.length]}" }, ` +
            `ACL: { roles: [{ roleName: "${roleName}", read: true, write: false }] } } }) { doc { id } }`,
        );
      }
      const data = await master.request(`mutation {\n${batch.join('\n')}\n}`);
      if (prefix === 'R') ids.push(...Object.values(data).map((d) => d.doc.id));
    }
  };
  await make(0, READABLE, 'Readers', 'R');
  await make(READABLE, HIDDEN, 'Others', 'H');
  return { sessionToken, ids };
}

function checkList(text, deep) {
  const e = hasGraphQLErrors(text);
  if (e || !deep) return e;
  const nodes = JSON.parse(text).data?.docs?.edges?.map((x) => x.node);
  if (!Array.isArray(nodes) || nodes.length !== 100) return `auth-list returned ${nodes?.length} rows`;
  for (let i = 0; i < nodes.length; i++) {
    if (!nodes[i].title.startsWith('R ')) return `auth-list leaked a hidden doc: ${nodes[i].title}`;
    if (i && nodes[i - 1].views < nodes[i].views) return 'auth-list not sorted';
    if (typeof nodes[i].author?.name !== 'string') return 'auth-list author not resolved';
  }
  return null;
}

try {
  log(`setup on ${cfg.url}`);
  const { sessionToken, ids } = await setup();
  const { 'X-Parse-Master-Key': _master, ...appHeaders } = cfg.headers;
  const user = createClient({ url: cfg.url, headers: { ...appHeaders, 'X-Parse-Session-Token': sessionToken }, connections: cfg.concurrency });
  // Prove the security is on: the user sees exactly the readable docs.
  const count = (await user.request('{ docs { count } }')).docs.count;
  if (count !== READABLE) throw new Error(`the user sees ${count} docs, expected ${READABLE}`);
  const read = 'query ReadDoc($id: ID!) { doc(id: $id) { id title views } }';
  const list =
    'query ListDocs($n: Float!) { docs(first: 100, where: { views: { greaterThan: $n } }, order: [views_DESC]) { edges { node { title views author { name } } } } }';
  for (let run = 1; run <= cfg.runs; run++) {
    const rr = mulberry32(7 + run);
    log(`auth-read run ${run}/${cfg.runs}`);
    emit(
      'auth-read',
      run,
      await runLoad({
        client: user,
        concurrency: cfg.concurrency,
        durationS: cfg.duration,
        warmupS: cfg.warmup,
        sampleEvery: cfg.sampleEvery,
        serverPid: cfg.serverPid,
        makeBody: () => JSON.stringify({ query: read, variables: { id: ids[Math.floor(rr() * ids.length)] } }),
        check: (text, deep) =>
          hasGraphQLErrors(text) || (deep && !JSON.parse(text).data?.doc?.title?.startsWith('R ') ? `bad doc: ${text.slice(0, 200)}` : null),
      }),
    );
  }
  for (let run = 1; run <= cfg.runs; run++) {
    const rl = mulberry32(11 + run);
    log(`auth-list run ${run}/${cfg.runs}`);
    emit(
      'auth-list',
      run,
      await runLoad({
        client: user,
        concurrency: cfg.concurrency,
        durationS: cfg.duration,
        warmupS: cfg.warmup,
        sampleEvery: cfg.sampleEvery,
        serverPid: cfg.serverPid,
        makeBody: () => JSON.stringify({ query: list, variables: { n: Math.floor(rl() * 5000) } }),
        check: checkList,
      }),
    );
  }
  await user.close();
} catch (error) {
  log(`failed: ${error.message}`);
  emit('error', 0, { error: error.message });
  process.exitCode = 2;
} finally {
  await master.close();
}
