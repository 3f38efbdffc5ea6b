#!/usr/bin/env node
// Drop-in check, both ways (issue 15, point 6), against the Parse Server anchor:
//   1. Parse Server on a fresh database; through its REST API, classes and objects with every field
//      type, ACLs, users with passwords, roles (bench/rest/dropin-fixture.mjs).
//   2. Plinth started on the SAME database (it migrates its catalog in beside Parse's tables): the
//      tables and "_SCHEMA" rows before and after are compared, then both servers answer the same
//      gets, finds, queries, logins (bench/rest/dropin-checks.mjs), compared modulo key order,
//      file URLs and session tokens.
//   3. Plinth writes (a new object of every type, atomic updates, a delete, a class of its own, a
//      user, a role); Parse Server is restarted (a cold schema cache) and both answer again.
// Prints a pass/fail list with each difference (endpoint, Parse's answer vs Plinth's); writes
// report.json beside the servers' logs. Exit code 0 when everything matched, 1 otherwise, 2 when
// the check could not run.
//
//   node bench/dropin.mjs                       # builds Plinth first (BENCH_SKIP_BUILD=1 to skip)
//   PLINTH_DIR=<a built copy> BENCH_SKIP_BUILD=1 BENCH_KEEP=1 node bench/dropin.mjs
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runPending } from './runner/cleanup.mjs';
import { createRestClient } from './rest/client.mjs';
import { parseDataChecks, plinthDataChecks } from './rest/dropin-checks.mjs';
import { diff, diffLines, normalize, parseBody, show, sortResults, splitSystematic } from './rest/dropin-diff.mjs';
import { callerHeaders, PASSWORDS, writeParseFixture, writePlinthFixture } from './rest/dropin-fixture.mjs';
import { patchFromLog } from './rest/dropin-patches.mjs';
import { abaOptions, buildPlinth, runSql, startOnFreshDatabase, startServer } from './rest/targets.mjs';

const APP_ID = 'benchApp';
/** Parse Server's system classes (SchemaController.systemClasses). */
const PARSE_SYSTEM_CLASSES = new Set([
  '_User',
  '_Installation',
  '_Role',
  '_Session',
  '_Product',
  '_PushStatus',
  '_JobStatus',
  '_JobSchedule',
  '_Audience',
  '_Idempotency',
]);
// A database shared with Parse Server: Plinth keeps Parse's bcrypt hashes (and writes bcrypt) so
// that Parse can still verify every password (README: PLINTH_PASSWORD_HASH).
process.env.PLINTH_PASSWORD_HASH ??= 'bcrypt';
const MASTER_KEY = 'benchMasterKey';
const benchDir = path.dirname(fileURLToPath(import.meta.url));
const log = (msg) => process.stderr.write(`[dropin ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

const results = []; // { section, name, pass, detail[] }
const notes = [];
/** `pass`: true, false, or null (n/a: Parse Server itself failed, so there is nothing to match). */
const record = (section, name, pass, detail = [], extra = {}) => {
  results.push({ section, name, pass, detail, ...extra });
  process.stdout.write(`${pass ? 'PASS' : pass === null ? 'N/A ' : 'FAIL'}  [${section}] ${name}\n${detail.map((d) => `      ${d}\n`).join('')}`);
};

/** A REST caller bound to one server: `call(method, path, body, caller)` → parsed body, throws on ≥ 400. */
function caller(client) {
  const raw = (method, p, body, who) => client.raw(method, p, body, callerHeaders(APP_ID, MASTER_KEY, who));
  const call = async (method, p, body, who = 'master') => {
    const { status, text } = await raw(method, p, body, who);
    if (status >= 400) throw new Error(`${method} ${p}: HTTP ${status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  };
  return { raw, call };
}

/** The tables of the database and its "_SCHEMA" rows. */
async function databaseState(url) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const tables = (await c.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")).rows.map((r) => r.table_name);
    const schema = Object.fromEntries(
      (await c.query('SELECT "className", "schema", "isParseClass" FROM "_SCHEMA" ORDER BY 1')).rows.map((r) => [
        r.className,
        { schema: r.schema, isParseClass: r.isParseClass },
      ]),
    );
    const users = (await c.query('SELECT username, left("_hashed_password", 7) AS hash FROM "_User" ORDER BY 1')).rows;
    const sessions = (await c.query('SELECT left("sessionToken", 2) AS prefix, count(*)::int AS n FROM "_Session" GROUP BY 1 ORDER BY 1')).rows;
    return { tables, schema, users, sessions };
  } finally {
    await c.end();
  }
}

/**
 * Sends one check to both servers and records whether the answers match. When Parse Server itself
 * fails (HTTP 5xx) there is no reference answer: recorded as n/a with Plinth's answer.
 */
async function compare(section, check, servers, tokens) {
  const who = (server) => (check.caller === 'master' || check.caller === 'anon' ? check.caller : tokens[server][check.caller]);
  if (!who('parse') || !who('plinth')) {
    record(section, check.name, false, [`skipped: no session for ${check.caller} on ${who('parse') ? 'plinth' : 'parse'}`]);
    return;
  }
  const answer = async (server) => {
    let r;
    try {
      r = await servers[server].raw(check.method, check.path, check.body, who(server));
    } catch (e) {
      return { status: `no answer (${e.message})`, body: null };
    }
    let body = parseBody(r.text);
    if (check.unordered) body = sortResults(body);
    if (check.sortSchemas && Array.isArray(body?.results))
      body = { ...body, results: [...body.results].sort((a, b) => a.className.localeCompare(b.className)) };
    return { status: r.status, body: normalize(body) };
  };
  const [p, q] = [await answer('parse'), await answer('plinth')];
  const where = `${check.method} /parse/${check.path} as ${check.caller}`;
  if (typeof p.status === 'number' && p.status >= 500) {
    record(section, check.name, null, [where, `Parse Server fails: HTTP ${p.status} ${show(p.body)}`, `plinth: HTTP ${q.status} ${show(q.body)}`]);
    return;
  }
  const detail = [];
  if (p.status !== q.status) detail.push(`HTTP status: parse ${p.status}, plinth ${q.status}`);
  const { counts, rest } = splitSystematic(diff(p.body, q.body));
  detail.push(...diffLines(rest));
  for (const [name, n] of counts) detail.push(`systematic: ${name} (${n}×)`);
  if (detail.length) detail.unshift(where);
  record(section, check.name, detail.length === 0, detail, { onlySystematic: detail.length > 0 && !rest.length && p.status === q.status });
}

const applied = new Set(); // workarounds applied to the database
const plinthLog = { file: null };

/** Applies the workarounds the Plinth log calls for (dropin-patches.mjs); true when any was applied. */
async function patchDatabase(db) {
  const names = await patchFromLog(db.databaseUrl, plinthLog.file, applied);
  for (const n of names) notes.push(`WORKAROUND applied to the database to go on: ${n}`);
  return names.length > 0;
}

/** Starts Plinth on Parse's database; on failure records it, patches the known cause, tries again. */
async function startPlinthOnParseDatabase(opts, db) {
  const name = 'Plinth starts on the database Parse Server created (its migrations apply)';
  for (let attempt = 1; ; attempt++) {
    const logName = attempt === 1 ? 'plinth' : `plinth-${attempt}`;
    plinthLog.file = path.join(opts.outDir, `${logName}.server.log`);
    try {
      const plinth = await startServer(opts, 'plinth', db, logName);
      record('start', attempt === 1 ? name : `Plinth starts after the workaround (attempt ${attempt})`, true);
      return plinth;
    } catch (e) {
      const logTail = readFileSync(plinthLog.file, 'utf8').trim().split('\n').slice(-2);
      if (attempt === 1) record('start', name, false, [e.message, ...logTail.map((l) => `log: ${l.slice(0, 300)}`)]);
      if (attempt >= 3 || !(await patchDatabase(db))) throw e;
    }
  }
}

/** POST login through Plinth; on a 5xx whose cause a workaround knows, patches and tries once more. */
async function plinthLogin(server, db, username) {
  let first = null;
  for (let attempt = 1; attempt <= 2; attempt++) {
    const r = await server.raw('POST', 'login', { username, password: PASSWORDS[username] }, 'anon');
    first ??= r;
    if (r.status === 200) return { token: parseBody(r.text)?.sessionToken, r, first };
    if (r.status < 500 || attempt === 2 || !(await patchDatabase(db))) return { token: null, r, first };
  }
}

/** Differences between two database states, as report lines. */
function stateDiff(before, after) {
  const lines = [];
  const added = after.tables.filter((t) => !before.tables.includes(t));
  const removed = before.tables.filter((t) => !after.tables.includes(t));
  if (added.length) lines.push(`tables added: ${added.join(', ')}`);
  if (removed.length) lines.push(`tables removed: ${removed.join(', ')}`);
  for (const cls of new Set([...Object.keys(before.schema), ...Object.keys(after.schema)])) {
    const a = before.schema[cls];
    const b = after.schema[cls];
    if (!a) lines.push(`_SCHEMA row added: ${cls} ${show(b)}`);
    else if (!b) lines.push(`_SCHEMA row removed: ${cls}`);
    else for (const d of diff(normalize(a), normalize(b), cls)) lines.push(`_SCHEMA ${d.path}: before ${show(d.parse)} | after ${show(d.plinth)}`);
  }
  return lines;
}

async function main() {
  const opts = abaOptions({ ...process.env, SCENARIOS: '' }, { benchDir, repoDir: path.resolve(benchDir, '..'), outPrefix: 'dropin' });
  buildPlinth(opts);
  mkdirSync(opts.outDir, { recursive: true });
  const dbName = `plinth_dropin_${process.pid}`;
  log(`results in ${opts.outDir}`);

  // 1. Parse Server creates the database and the data.
  const parse1 = await startOnFreshDatabase(opts, 'parse', dbName, 'parse-1', { live: false, postgis: true });
  const db = { databaseUrl: parse1.databaseUrl, dataDir: parse1.dataDir };
  const servers = { parse: caller(createRestClient({ url: parse1.url, appId: APP_ID })) };
  const ids = await writeParseFixture(servers.parse.call);
  log(`Parse wrote ${ids.things.length} things, ${ids.authors.length} authors, users alice and bob, roles Editors and Admins`);
  // Statistics, as a database in use has them: Parse counts an unfiltered class from pg_class's estimate.
  await runSql(db.databaseUrl, 'ANALYZE');
  const parseState = await databaseState(db.databaseUrl);

  // 2. Plinth on the same database, Parse still running.
  const plinth = await startPlinthOnParseDatabase(opts, db);
  servers.plinth = caller(createRestClient({ url: plinth.url, appId: APP_ID }));
  const plinthState = await databaseState(db.databaseUrl);
  const changes = stateDiff(parseState, plinthState);
  const own = (line) => /^tables added: /.test(line) || /^_SCHEMA row added: /.test(line);
  notes.push(`tables Parse created: ${parseState.tables.join(', ')}`);
  record(
    'start',
    "Parse's tables and _SCHEMA rows are left as they were",
    !changes.some((l) => !own(l)),
    changes.filter((l) => !own(l)),
  );
  const added = plinthState.tables.filter((t) => !parseState.tables.includes(t));
  // Parse's own system classes (which Parse creates on first use, with the same fields) are
  // created up front by Plinth: noted, not counted as foreign.
  const parseSystem = (name) => PARSE_SYSTEM_CLASSES.has(name);
  const foreign = added.filter((t) => !t.startsWith('_Plinth') && t !== '_prisma_migrations' && !parseSystem(t));
  const rows = changes.filter((l) => l.startsWith('_SCHEMA row added: ') && !parseSystem(l.split(' ')[3]));
  const systemRows = changes.filter((l) => l.startsWith('_SCHEMA row added: ') && parseSystem(l.split(' ')[3]));
  if (systemRows.length) notes.push(`Parse system classes Plinth created up front: ${systemRows.map((l) => l.split(' ')[3]).join(', ')}`);
  record('start', 'Plinth adds only its own tables (_Plinth*, _prisma_migrations) and no _SCHEMA rows', !foreign.length && !rows.length, [
    ...(foreign.length ? [`tables Parse did not have, not Plinth's own: ${foreign.join(', ')}`] : []),
    ...rows,
  ]);

  // Sessions: an app's signed-in users keep their Parse session tokens.
  const tokens = { parse: { ...ids.tokens }, plinth: {} };
  for (const user of ['alice', 'bob']) {
    const r = await servers.plinth.raw('GET', 'users/me', undefined, ids.tokens[user]);
    const ok = r.status === 200 && parseBody(r.text)?.username === user;
    record(
      'sessions',
      `Parse-issued session token of ${user} accepted by Plinth (GET users/me)`,
      ok,
      ok ? [] : [`plinth: HTTP ${r.status} ${r.text.slice(0, 200)}`],
    );
    if (ok) tokens.plinth[user] = ids.tokens[user];
    else {
      const { token, r: login, first } = await plinthLogin(servers.plinth, db, user);
      record(
        'sessions',
        `login of ${user} through Plinth on Parse's database`,
        first.status === 200,
        first.status === 200 ? [] : [`plinth: HTTP ${first.status} ${first.text.slice(0, 200)}`],
      );
      if (token) {
        tokens.plinth[user] = token;
        notes.push(`${user}: Plinth's own login token used for the checks as ${user}`);
      } else notes.push(`${user}: no Plinth session (login: HTTP ${login.status} ${login.text.slice(0, 120)}); checks as ${user} skipped`);
    }
  }
  if (tokens.plinth.alice && tokens.plinth.alice !== ids.tokens.alice) {
    const r = await servers.parse.raw('GET', 'users/me', undefined, tokens.plinth.alice);
    const ok = r.status === 200 && parseBody(r.text)?.username === 'alice';
    record(
      'sessions',
      'Plinth-issued session token accepted by Parse Server (GET users/me)',
      ok,
      ok ? [] : [`parse: HTTP ${r.status} ${r.text.slice(0, 200)}`],
    );
  }

  for (const check of parseDataChecks(ids)) await compare('Parse wrote, both read', check, servers, tokens);

  // 3. Plinth writes; Parse Server restarted, cold, reads.
  let wrote = null;
  try {
    wrote = await writePlinthFixture(servers.plinth.call, ids, (n) => notes.push(n));
    record('plinth writes', 'Plinth writes objects, atomic updates, a delete and a class of its own', true);
  } catch (e) {
    record('plinth writes', 'Plinth writes objects, atomic updates, a delete and a class of its own', false, [e.message]);
  }
  const afterWrites = await databaseState(db.databaseUrl);
  notes.push(`password hashes: ${afterWrites.users.map((u) => `${u.username} ${u.hash}…`).join(', ')}`);
  notes.push(`_Session token prefixes: ${afterWrites.sessions.map((s) => `${s.prefix}… ×${s.n}`).join(', ')}`);
  await parse1.stop();
  let parse2;
  try {
    parse2 = await startServer(opts, 'parse', { ...db, live: false }, 'parse-2');
    record('parse restart', 'Parse Server starts again on the database after Plinth migrated and wrote', true);
  } catch (e) {
    record('parse restart', 'Parse Server starts again on the database after Plinth migrated and wrote', false, [e.message]);
  }
  if (parse2 && wrote) {
    servers.parse = caller(createRestClient({ url: parse2.url, appId: APP_ID }));
    if (wrote.carolToken) {
      tokens.plinth.carol = wrote.carolToken;
      const login = await servers.parse.raw('POST', 'login', { username: 'carol', password: PASSWORDS.carol }, 'anon');
      if (login.status === 200) tokens.parse.carol = parseBody(login.text).sessionToken;
    }
    for (const check of plinthDataChecks(ids, wrote)) await compare('Plinth wrote, both read', check, servers, tokens);
    // And Parse Server can keep writing to what Plinth made.
    try {
      await servers.parse.call('PUT', `classes/PlinthMade/${wrote.made[0]}`, { n: { __op: 'Increment', amount: 10 }, note: 'parse was here' }, 'master');
      // Plinth hears of another server's class change by polling the catalog version (PLINTH_SCHEMA_POLL_MS, 500).
      await new Promise((r) => setTimeout(r, 2000));
      await compare(
        'Parse writes to a class Plinth created',
        { name: 'object updated by Parse (Increment + new field)', caller: 'master', method: 'GET', path: `classes/PlinthMade/${wrote.made[0]}` },
        servers,
        tokens,
      );
      await compare(
        'Parse writes to a class Plinth created',
        { name: 'schema after Parse added a field', caller: 'master', method: 'GET', path: 'schemas/PlinthMade' },
        servers,
        tokens,
      );
    } catch (e) {
      record('Parse writes to a class Plinth created', 'Parse updates an object of PlinthMade', false, [e.message]);
    }
  }
  await parse2?.stop();
  await plinth.stop();
  await parse1.cleanup();

  const failed = results.filter((r) => r.pass === false);
  const na = results.filter((r) => r.pass === null);
  const summary = [
    '',
    `drop-in: ${results.length - failed.length - na.length} passed, ${failed.length} failed, ${na.length} n/a (Parse Server failed) of ${results.length}`,
    `failed only by the systematic differences (Relation fields, default ACL): ${failed.filter((r) => r.onlySystematic).length}`,
    `failed because a check could not run (no session on one side): ${failed.filter((r) => r.detail[0]?.startsWith('skipped')).length}`,
    ...notes.map((n) => `note: ${n}`),
    `logs and report.json in ${opts.outDir}`,
  ].join('\n');
  process.stdout.write(`${summary}\n`);
  writeFileSync(path.join(opts.outDir, 'report.json'), JSON.stringify({ results, notes, ids, states: { parseState, plinthState, afterWrites } }, null, 2));
  return failed.length ? 1 : 0;
}

process.once('SIGINT', () => runPending().finally(() => process.exit(130)));
main().then(
  (code) => process.exit(code),
  async (e) => {
    log(`FAILED: ${e.stack || e}`);
    await runPending();
    process.exit(2);
  },
);
