import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { Http2SecureServer } from 'node:http2';
import pg from 'pg';
import { beforeAll, describe, it, type TestContext } from 'vitest';
import { createPostgresDatabase } from '../helpers/database.ts';
import type { Answer } from '../helpers/push/fake-server.ts';
import { type PushFakes, startPushFakes } from '../helpers/push/fakes.ts';
import { ok } from './multi-cluster.ts';
import { buildOnce, startPlinth, tempDir, type PlinthProcess } from './process.ts';

// Push delivery across real processes on PostgreSQL. A server killed (kill -9) mid-push and
// started again on the same database finishes the push: what the killed one recorded is never
// sent again, and only what it had in flight may be (providers take no idempotency key, so
// delivery is at-least-once, bounded by one chunk per running batch). Two instances send each
// batch once between them, and a scheduled push outlives a restart. The push services are the
// fakes of test/helpers/push, in this process, one set per test; each device's deliveries are
// counted across them. The tests are independent (own database, own fakes) and run concurrently.

const APP_ID = 'push-durable';
const MASTER_KEY = 'push-durable-master-key-0123456789';
const master = { 'x-parse-application-id': APP_ID, 'x-parse-master-key': MASTER_KEY };
const BATCH_SIZE = 500;
/** The sender's chunk (src/push/delivery/sender.ts) and the send jobs one instance runs at once (src/push/service.ts). */
const CHUNK = 100;
const SEND_CONCURRENCY = 4;
const SEND_QUEUE = 'plinth-push-send';

const SEND = 'mutation($input: SendPushInput!) { sendPush(input: $input) { pushStatusId pushStatus { status } } }';
const STATUS = 'query($id: ID!) { pushStatus(id: $id) { status numSent numFailed sentPerType failedPerType } }';

beforeAll(async () => {
  await buildOnce();
}, 180_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function kill9(p: PlinthProcess): Promise<void> {
  p.child.kill('SIGKILL');
  const exit = await p.exited;
  if (exit.signal !== 'SIGKILL') throw new Error(`the server ended by itself before the kill: ${JSON.stringify(exit)}`);
}

/** An installation as seeded: its objectId and its key in fakes.delivered() ("ios <token>", "web <subscription id>"). */
interface Device {
  id: string;
  key: string;
}

interface StoredStatus {
  status: string;
  numSent: number;
  numFailed: number;
}

/** A message count per fake, to list what came after (`since`). */
type Mark = [number, number, number];

/** One test's world: its database, its push fakes, its servers; all removed when the test ends. */
interface World {
  fakes: PushFakes;
  /** When each accepted message arrived (ms since the epoch), by device key. */
  arrivals: Map<string, number[]>;
  query<T = Record<string, any>>(text: string, values?: unknown[]): Promise<T[]>;
  start(): Promise<PlinthProcess>;
  seed(perType: number): Promise<Device[]>;
  send(p: PlinthProcess, input?: Record<string, unknown>): Promise<{ id: string; status: string }>;
  stored(id: string): Promise<StoredStatus>;
  finished(p: PlinthProcess, id: string): Promise<Record<string, any>>;
  /** Every fake answers each message this way (one per request, until reset). */
  answerAll(answer: Answer): void;
  mark(): Mark;
  since(mark: Mark): string[];
}

/** Concurrent tests: the test's own `onTestFinished` (the global one cannot tell them apart). */
async function world({ onTestFinished }: TestContext): Promise<World> {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  onTestFinished(async () => {
    for (const c of cleanups.reverse()) await c();
  });
  const fakes = await startPushFakes({ batchSize: BATCH_SIZE });
  cleanups.push(() => fakes.stop());
  // FakeApns has no listener for its streams' errors: a server killed with streams open may
  // reset the connection, and each open stream then throws ECONNRESET in this process.
  (fakes.apns as unknown as { server: Http2SecureServer }).server.on('stream', (stream) => stream.on('error', () => undefined));
  const d = await createPostgresDatabase();
  const pool = new pg.Pool({ connectionString: d.url, max: 2 });
  // The database is dropped WITH (FORCE) at the end: an idle connection ended by it is no error.
  pool.on('error', () => undefined);
  const dir = tempDir('push-durable');
  cleanups.push(async () => {
    await pool.end();
    await d.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const processes: PlinthProcess[] = [];
  cleanups.push(async () => {
    for (const p of processes) await p.stop('SIGKILL');
  });

  // Acceptance times: each fake appends to its `deliveries` when it accepts a message.
  const arrivals = new Map<string, number[]>();
  const stamp = (provider: string, list: unknown[], key: (d: any) => string) => {
    const push = list.push.bind(list);
    list.push = (...items: unknown[]) => {
      for (const item of items) {
        const k = `${provider} ${key(item)}`;
        arrivals.set(k, [...(arrivals.get(k) ?? []), Date.now()]);
      }
      return push(...items);
    };
  };
  stamp('ios', fakes.apns.deliveries, (x) => x.token);
  stamp('android', fakes.fcm.deliveries, (x) => x.token);
  stamp('web', fakes.web.deliveries, (x) => x.id);

  const query = async <T = Record<string, any>>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows as T[];
  let instances = 0;
  const w: World = {
    fakes,
    arrivals,
    query,
    async start() {
      const p = await startPlinth(
        {
          DATABASE_URL: d.url,
          PLINTH_APP_ID: APP_ID,
          PLINTH_MASTER_KEY: MASTER_KEY,
          PLINTH_LOG_FORMAT: 'json',
          PLINTH_DATA_DIR: `${dir}/data-${instances++}`,
          PLINTH_PUSH: fakes.env,
          PLINTH_PUSH_BATCH_SIZE: String(BATCH_SIZE),
          PLINTH_JOBS_POLL_MS: '100',
          PLINTH_JOBS_SWEEP_MS: '500',
          PLINTH_JOBS_GRACE_MS: '500',
        },
        60_000,
      );
      processes.push(p);
      return p;
    },
    /**
     * Installations on channel "all", `perType` each of ios, android and web, written with one
     * SQL statement (a server must have created the tables). Web ones are real subscriptions of
     * the web push fake.
     */
    async seed(perType) {
      const rows: { id: string; type: string; token: string; key: string }[] = [];
      for (let i = 0; i < perType; i++) {
        const apns = randomBytes(32).toString('hex');
        rows.push({ id: randomBytes(8).toString('hex'), type: 'ios', token: apns, key: `ios ${apns}` });
        const fcm = `fcm-${i}-${randomBytes(8).toString('hex')}`;
        rows.push({ id: randomBytes(8).toString('hex'), type: 'android', token: fcm, key: `android ${fcm}` });
        const sub = fakes.web.subscribe();
        rows.push({ id: randomBytes(8).toString('hex'), type: 'web', token: JSON.stringify(sub), key: `web ${fakes.web.idOf(sub)}` });
      }
      await query(
        `INSERT INTO "_Installation" ("objectId", "createdAt", "updatedAt", "installationId", "deviceType", "deviceToken", "channels", "_rperm", "_wperm")
         SELECT g."id", now(), now(), 'inst-' || g."id", g."type", g."token", '["all"]'::jsonb, NULL, NULL
         FROM unnest($1::text[], $2::text[], $3::text[]) AS g("id", "type", "token")`,
        [rows.map((r) => r.id), rows.map((r) => r.type), rows.map((r) => r.token)],
      );
      return rows.map((r) => ({ id: r.id, key: r.key }));
    },
    async send(p, input = {}) {
      const data = await ok(p.origin, SEND, master, { input: { channels: ['all'], data: { alert: 'durable' }, ...input } });
      return { id: data.sendPush.pushStatusId, status: data.sendPush.pushStatus.status };
    },
    async stored(id) {
      const [row] = await query<StoredStatus>(`SELECT "status", "numSent", "numFailed" FROM "_PushStatus" WHERE "objectId" = $1`, [id]);
      return row!;
    },
    finished(p, id) {
      return until(
        'the push to finish',
        async () => {
          const s = (await ok(p.origin, STATUS, master, { id })).pushStatus;
          return s.status === 'succeeded' || s.status === 'failed' ? s : undefined;
        },
        60_000,
        100,
      );
    },
    answerAll(answer) {
      fakes.apns.answer({ ...answer });
      fakes.fcm.answer({ ...answer });
      fakes.web.answer({ ...answer });
    },
    mark: () => [fakes.apns.deliveries.length, fakes.fcm.deliveries.length, fakes.web.deliveries.length],
    since: ([ios, android, web]) => [
      ...fakes.apns.deliveries.slice(ios).map((x) => `ios ${x.token}`),
      ...fakes.fcm.deliveries.slice(android).map((x) => `android ${x.token}`),
      ...fakes.web.deliveries.slice(web).map((x) => `web ${x.id}`),
    ],
  };
  return w;
}

/** Deliveries per device key. */
function counts(keys: string[]): Map<string, number> {
  const byKey = new Map<string, number>();
  for (const k of keys) byKey.set(k, (byKey.get(k) ?? 0) + 1);
  return byKey;
}

/** Devices reached never or more than `most` times, and deliveries to no seeded device. */
function problems(devices: Device[], delivered: Map<string, number>, most = 1): string[] {
  const seeded = new Set(devices.map((d) => d.key));
  const out: string[] = [];
  for (const d of devices) {
    const n = delivered.get(d.key) ?? 0;
    if (n === 0 || n > most) out.push(`${d.key}: ${n}`);
  }
  for (const k of delivered.keys()) if (!seeded.has(k)) out.push(`unexpected ${k}`);
  return out;
}

describe.concurrent('push delivery survives kill -9 and shares work across instances (PostgreSQL)', { timeout: 150_000 }, () => {
  it('kill -9 with nothing delivered-but-unrecorded, then restart: every device gets the push exactly once', async (context) => {
    const { expect } = context;
    const w = await world(context);
    const first = await w.start();
    const PER_TYPE = 1000;
    const devices = await w.seed(PER_TYPE);
    // Each service accepts its first ACCEPT messages, then answers 503 + Retry-After to every
    // further one (each request's answer is chosen when it arrives): those devices are recorded
    // as "to retry", not sent. Once the database counts every accepted message as sent, no
    // message a service would accept is in flight, and the kill can make nothing be sent twice.
    const ACCEPT = 500;
    const DELAY = 20;
    w.answerAll({ status: 200, delayMs: DELAY, times: ACCEPT });
    // A short Retry-After: the retry batches are due 2 s later (the sender's minimum backoff),
    // not after a minute; sent before the kill, they are refused again, which changes nothing.
    w.answerAll({ status: 503, retryAfter: 1, delayMs: DELAY });
    const t0 = Date.now();
    const push = await w.send(first);
    await until(
      'the accepted messages to be recorded as sent',
      async () => {
        const delivered = w.fakes.delivered().length;
        if (delivered < 3 * ACCEPT) return undefined;
        const s = await w.stored(push.id);
        return s.numSent === delivered ? s : undefined;
      },
      60_000,
      20,
    );
    await kill9(first);
    const tKill = Date.now() - t0;
    // Requests the dead process left in flight get their 503 from the fakes; let them finish
    // before the fakes' answers are reset.
    await sleep(DELAY + 1000);
    const beforeKill = w.fakes.delivered();
    expect(beforeKill).toHaveLength(3 * ACCEPT);
    expect(new Set(beforeKill).size, 'no device got it twice before the kill').toBe(beforeKill.length);
    expect(await w.stored(push.id)).toMatchObject({ status: 'running', numSent: 3 * ACCEPT, numFailed: 0 });
    const batches = await w.query<{ done: number; total: number | null; finished: boolean; attempt: number }>(
      `SELECT "done", jsonb_array_length("devices") AS "total", "finished", "attempt" FROM "_PlinthPushBatch" WHERE "pushId" = $1`,
      [push.id],
    );
    const midway = batches.filter((b) => !b.finished && b.done > 0 && b.total !== null && b.done < b.total).length;
    console.info(
      `push-durable quiescent kill: at ${tKill} ms, ${beforeKill.length} of ${devices.length} delivered; ${batches.length} batches: ` +
        `${batches.filter((b) => b.finished).length} finished, ${midway} stopped mid-way, ${batches.filter((b) => b.attempt > 1).length} retry batches`,
    );

    w.fakes.reset();
    w.answerAll({ status: 200, delayMs: 5 });
    const t1 = Date.now();
    const restarted = await w.start();
    const tStarted = Date.now() - t1;
    const end = await w.finished(restarted, push.id);
    const afterRestart = w.fakes.delivered();
    console.info(
      `push-durable quiescent kill: restarted in ${tStarted} ms, push finished ${Date.now() - t1} ms after the restart began; ${afterRestart.length} sent after it`,
    );
    expect(end).toMatchObject({ status: 'succeeded', numSent: devices.length, numFailed: 0, sentPerType: { ios: PER_TYPE, android: PER_TYPE, web: PER_TYPE } });
    const all = counts([...beforeKill, ...afterRestart]);
    expect(problems(devices, all), 'every device got the push exactly once').toEqual([]);
    // The push's bookkeeping went when it ended.
    expect(await w.query(`SELECT 1 FROM "_PlinthPushBatch" WHERE "pushId" = $1`, [push.id])).toEqual([]);
  });

  it('kill -9 at an arbitrary moment, then restart: every device gets it, recorded chunks never again, duplicates within the in-flight window', async (context) => {
    const { expect } = context;
    const w = await world(context);
    const first = await w.start();
    const devices = await w.seed(500);
    const DELAY = 20;
    w.answerAll({ status: 200, delayMs: DELAY });
    const push = await w.send(first);
    await until('a third of the devices to be reached', () => (w.fakes.delivered().length >= devices.length / 3 ? true : undefined), 60_000, 2);
    await kill9(first);
    // Messages that reached a fake before the kill are accepted though their sender is gone.
    await sleep(DELAY + 1000);
    const killedAt = w.mark();
    const beforeKill = w.fakes.delivered();
    // What the dead process recorded: each batch's devices before its `done`.
    const batches = await w.query<{ devices: { id: string }[] | null; done: number }>(`SELECT "devices", "done" FROM "_PlinthPushBatch" WHERE "pushId" = $1`, [
      push.id,
    ]);
    const keyOf = new Map(devices.map((d) => [d.id, d.key]));
    const recorded = new Set(batches.flatMap((b) => (b.devices ?? []).slice(0, b.done).map((d) => keyOf.get(d.id)!)));
    expect((await w.stored(push.id)).numSent).toBe(recorded.size);
    // Reached but not recorded: the chunks in flight at the kill, at most one per running batch.
    const unrecorded = beforeKill.filter((k) => !recorded.has(k));
    expect(unrecorded.length).toBeLessThanOrEqual(CHUNK * SEND_CONCURRENCY);

    const restarted = await w.start();
    const end = await w.finished(restarted, push.id);
    expect(end).toMatchObject({ status: 'succeeded', numSent: devices.length, numFailed: 0 });
    const afterRestart = w.since(killedAt);
    const all = counts(w.fakes.delivered());
    const duplicates = [...all].filter(([, n]) => n > 1).map(([k]) => k);
    console.info(
      `push-durable arbitrary kill: ${beforeKill.length} of ${devices.length} reached before the kill, ${recorded.size} recorded, ` +
        `${unrecorded.length} in flight; ${afterRestart.length} sent after the restart; ${duplicates.length} devices got it twice (bound ${CHUNK * SEND_CONCURRENCY})`,
    );
    expect(problems(devices, all, 2), 'every device got it, none more than twice').toEqual([]);
    // A device recorded as sent before the kill is never sent again…
    expect(afterRestart.filter((k) => recorded.has(k))).toEqual([]);
    // …so the duplicates are devices of the chunks in flight at the kill: at most one chunk per running batch.
    expect(duplicates.filter((k) => recorded.has(k))).toEqual([]);
    expect(duplicates.length).toBeLessThanOrEqual(CHUNK * SEND_CONCURRENCY);
  });

  it('two instances on one database: both send, and each device gets the push once', async (context) => {
    const { expect } = context;
    const w = await world(context);
    const a = await w.start();
    const b = await w.start();
    const devices = await w.seed(667);
    w.answerAll({ status: 200, delayMs: 20 });
    const push = await w.send(a);
    // Which instances hold send jobs while the push runs (a lease lives as long as its run).
    const holders = new Set<string>();
    let done = false;
    const watching = (async () => {
      while (!done) {
        const rows = await w.query<{ instanceId: string }>(`SELECT DISTINCT "instanceId" FROM "_PlinthJobLease" WHERE "queue" = $1`, [SEND_QUEUE]);
        for (const r of rows) holders.add(r.instanceId);
        await sleep(20);
      }
    })();
    let end: Record<string, any>;
    try {
      end = await w.finished(b, push.id);
    } finally {
      done = true;
      await watching;
    }
    expect(end).toMatchObject({ status: 'succeeded', numSent: devices.length, numFailed: 0 });
    expect(problems(devices, counts(w.fakes.delivered())), 'every device got the push exactly once').toEqual([]);
    expect(w.fakes.delivered()).toHaveLength(devices.length);
    expect(holders.size, 'both instances ran send jobs').toBe(2);
    console.info(`push-durable two instances: ${devices.length} devices, ${holders.size} instances held send jobs`);
    expect((await b.stop()).code).toBe(0);
    expect((await a.stop()).code).toBe(0);
  });

  it('a scheduled push outlives kill -9: the restarted server sends it at its time, once', async (context) => {
    const { expect } = context;
    const w = await world(context);
    const first = await w.start();
    const devices = await w.seed(10);
    w.answerAll({ status: 200, delayMs: 5 });
    // A whole second in UTC, 12 s ahead: time for the kill and the restart to come first even
    // on a busy machine, where a start (beside the other tests' ones) takes up to ~10 s.
    const at = Math.ceil((Date.now() + 12_000) / 1000) * 1000;
    const push = await w.send(first, { pushTime: new Date(at).toISOString() });
    expect(push.status).toBe('scheduled');
    await kill9(first);
    expect(await w.stored(push.id)).toMatchObject({ status: 'scheduled', numSent: 0 });
    const restarted = await w.start();
    const restartedAt = Date.now();
    const end = await w.finished(restarted, push.id);
    expect(end).toMatchObject({ status: 'succeeded', numSent: devices.length, numFailed: 0 });
    expect(problems(devices, counts(w.fakes.delivered())), 'every device got the push exactly once').toEqual([]);
    const times = [...w.arrivals.values()].flat();
    expect(times).toHaveLength(devices.length);
    console.info(
      `push-durable scheduled: restarted ${restartedAt - at} ms after the push time; deliveries ${Math.min(...times) - at}…${Math.max(...times) - at} ms after it`,
    );
    expect(Math.min(...times)).toBeGreaterThanOrEqual(at);
    expect((await restarted.stop()).code).toBe(0);
  });
});
