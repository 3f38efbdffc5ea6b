import { rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, startLoad, until, type LoadRequest, type Outcome } from './fault-load.ts';
import { connectLive, type LiveConnection, type LiveSubscription } from './multi-client.ts';
import { ok } from './multi-cluster.ts';
import { createOwnPostgres, type OwnPostgres } from './own-postgres.ts';
import { buildOnce, startPlinth, tempDir, type PlinthProcess } from './process.ts';

// Issue 11 point 17: PostgreSQL restarted under load. While clients read, list, create and
// update (anonymous, with a session, with the master key), PostgreSQL is shut down — fast (every
// session ended, as `pg_ctl restart` does) or immediate (a crash) — and started again. Requests in flight and those sent
// while it is down fail cleanly — an answer in the API's error format, never a hang, a cut
// connection or a crash — and once PostgreSQL is back the same server process answers
// everything again, the pool having dropped its dead connections; a subscription opened before
// the outage still receives events. PostgreSQL here is a server of the test's own
// (own-postgres.ts): the shared one on :5432 serves the other test files meanwhile.

const APP_ID = 'faults-pg';
const MASTER_KEY = 'faults-pg-master-key-0123456789';
const app = { 'x-parse-application-id': APP_ID };
const master = { ...app, 'x-parse-master-key': MASTER_KEY };
const WORKERS = 16;

let postgres: OwnPostgres | undefined;
let dir: string;
const servers: PlinthProcess[] = [];
const connections: LiveConnection[] = [];

beforeAll(async () => {
  await buildOnce();
  postgres = await createOwnPostgres();
  dir = tempDir('faults-pg');
}, 180_000);

afterAll(async () => {
  for (const c of connections) await c.close().catch(() => undefined);
  for (const s of servers) await s.stop('SIGKILL');
  await postgres?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const NOTE_EVENTS = 'subscription { noteEvents(events: [CREATE]) { event note { objectId title } } }';
const CREATE_NOTE = 'mutation($f: CreateNoteFieldsInput) { createNote(input: { fields: $f }) { note { objectId } } }';

/** The i-th request of a worker: a create and an update with the master key, a list anonymously, a get with alice's session. */
function request(ids: string[], session: Record<string, string>, w: number, i: number): LoadRequest {
  const id = ids[(w * 7 + i) % ids.length]!;
  switch (i % 4) {
    case 0:
      return { op: 'create', query: CREATE_NOTE, variables: { f: { title: `w${w}-${i}`, views: i } }, headers: master };
    case 1:
      return { op: 'list', query: '{ notes(first: 20, order: [views_DESC]) { count edges { node { objectId title views } } } }', headers: app };
    case 2:
      return { op: 'get', query: 'query($id: ID!) { note(id: $id) { objectId title views } }', variables: { id }, headers: session };
    default:
      return {
        op: 'update',
        query: 'mutation($id: ID!, $v: Float) { updateNote(input: { id: $id, fields: { views: $v } }) { note { objectId views } } }',
        variables: { id, v: i },
        headers: master,
      };
  }
}

/**
 * Whether a failed answer is in one of the API's error formats (API.md): a resolver error, HTTP
 * 200 with errors that carry a message and a numeric Parse code; or a failure of the credential
 * checks before the operation runs (the session lookup), an HTTP error status with `{code, error}`.
 */
function apiError(o: Outcome): boolean {
  if (Array.isArray(o.body.errors))
    return (
      o.status === 200 && o.body.errors.length > 0 && o.body.errors.every((e: any) => typeof e.message === 'string' && typeof e.extensions?.code === 'number')
    );
  return o.status! >= 400 && typeof o.body.code === 'number' && typeof o.body.error === 'string';
}

/** The Parse codes of a failed answer. */
const codes = (o: Outcome): number[] => (Array.isArray(o.body.errors) ? o.body.errors.map((e: any) => e.extensions?.code) : [o.body.code]);

let fences = 0;
/** Creates notes until `sub` has the event of one of them (graphql-ws does not confirm a subscription). */
async function whenLive(server: PlinthProcess, sub: LiveSubscription, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const title = `fence-${++fences}`;
    await ok(server.origin, CREATE_NOTE, master, { f: { title, views: -1 } });
    try {
      await sub.waitFor((e) => e.data?.noteEvents?.note?.title === title, `the event of ${title}`, 300);
      return;
    } catch (error) {
      if (sub.ended() || Date.now() > deadline) throw error;
    }
  }
}

/** A new database in the test's PostgreSQL server, so that each case starts empty. */
async function database(name: string): Promise<string> {
  const client = new pg.Client({ connectionString: postgres!.url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(postgres!.url);
  url.pathname = `/${name}`;
  return url.toString();
}

describe('PostgreSQL restarted under load', { timeout: 180_000 }, () => {
  it.each([
    ['fast', 'a fast shutdown (every session ended, as `pg_ctl restart` does)'],
    ['immediate', 'an immediate shutdown (a crash: recovery from the WAL at the next start)'],
  ] as const)('%s: in-flight requests fail with API errors, never hang or crash; the same server recovers, live queries included (%s)', async (mode, _how) => {
    const url = await database(`plinth_${mode}`);
    const server = await startPlinth(
      { DATABASE_URL: url, PLINTH_APP_ID: APP_ID, PLINTH_MASTER_KEY: MASTER_KEY, PLINTH_DATA_DIR: path.join(dir, mode), PLINTH_LOG_FORMAT: 'json' },
      60_000,
    );
    servers.push(server);
    await ok(
      server.origin,
      'mutation { createClass(input: { name: "Note", schemaFields: { addStrings: [{ name: "title" }], addNumbers: [{ name: "views" }] } }) { class { name } } }',
      master,
    );
    const signedUp = await ok(
      server.origin,
      'mutation { signUp(input: { fields: { username: "alice", password: "a long password 1" } }) { viewer { sessionToken } } }',
      app,
    );
    const session = { ...app, 'x-parse-session-token': signedUp.signUp.viewer.sessionToken as string };
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await ok(server.origin, CREATE_NOTE, master, { f: { title: `seed-${i}`, views: i } })).createNote.note.objectId);

    const live = await connectLive(server.origin, { applicationId: APP_ID, masterKey: MASTER_KEY });
    connections.push(live);
    const sub = live.subscribe(NOTE_EVENTS);
    await whenLive(server, sub);

    const load = startLoad(server.origin, WORKERS, (w, i) => request(ids, session, w, i));
    let down = 0;
    let up = 0;
    try {
      await until('100 answers before the restart', () => (load.count('ok') >= 100 ? true : undefined), 60_000);
      down = Date.now();
      await postgres!.stop(mode);
      // Clients keep sending while PostgreSQL is down: wait until each worker has had an answer from then.
      await until('answers while PostgreSQL is down', () => (load.count('error', down) >= 2 * WORKERS ? true : undefined), 30_000);
      await postgres!.start();
      up = Date.now();
      await until(
        'the server to answer again once PostgreSQL is back',
        () => (load.outcomes.filter((o) => o.kind === 'ok' && o.startedAt >= up).length >= 4 * WORKERS ? true : undefined),
        20_000,
      );
    } finally {
      await load.stop();
    }

    // Never a hang, a cut connection or an answer outside the API's format; the process lives on.
    const by = (kind: string) => load.outcomes.filter((o) => o.kind === kind);
    expect(
      by('hang').map((o) => o.op),
      'requests without an answer within 20 s',
    ).toEqual([]);
    expect(
      by('cut').map((o) => `${o.op}: ${o.detail}`),
      'connections cut',
    ).toEqual([]);
    expect(
      by('bad').map((o) => `${o.op}: HTTP ${o.status} ${o.detail}`),
      'answers that are not GraphQL JSON',
    ).toEqual([]);
    const failed = by('error');
    expect(failed.length).toBeGreaterThanOrEqual(2 * WORKERS);
    expect(
      failed.filter((o) => !apiError(o)).map((o) => `${o.op}: HTTP ${o.status} ${JSON.stringify(o.body)}`),
      'errors outside the API format',
    ).toEqual([]);
    // Every failure is down to the outage: none before PostgreSQL stopped.
    expect(failed.filter((o) => o.endedAt < down).map((o) => JSON.stringify(o.body))).toEqual([]);
    expect(server.child.exitCode).toBeNull();
    expect(server.child.signalCode).toBeNull();

    // Recovered: three rounds of every kind of request at once, all answered (no dead connection left in the pool).
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(Array.from({ length: WORKERS }, (_, w) => send(server.origin, request(ids, session, w, round * WORKERS + w), w)));
      expect(answers.filter((a) => a.kind !== 'ok').map((a) => `${a.op}: ${a.kind} ${JSON.stringify(a.body ?? a.detail)}`)).toEqual([]);
    }

    // The subscription made before the outage still receives events, and a new one works.
    const after = (await ok(server.origin, CREATE_NOTE, master, { f: { title: 'after the restart', views: 1 } })).createNote.note.objectId;
    expect(await sub.waitFor((e) => e.data?.noteEvents?.note?.objectId === after, 'the event of a note created after the restart', 10_000)).toEqual({
      data: { noteEvents: { event: 'CREATE', note: { objectId: after, title: 'after the restart' } } },
    });
    const second = await connectLive(server.origin, { applicationId: APP_ID, masterKey: MASTER_KEY });
    connections.push(second);
    await whenLive(server, second.subscribe(NOTE_EVENTS));
    expect(sub.errors).toEqual([]);

    console.info(
      `${mode}: PostgreSQL down ${up - down} ms; ${load.outcomes.length} requests: ${by('ok').length} ok, ${failed.length} API errors (${[...new Set(failed.map((o) => `${o.op} HTTP ${o.status} code ${codes(o).join('/')}`))].join('; ')})`,
    );
    expect((await server.stop()).code).toBe(0);
  });
});
