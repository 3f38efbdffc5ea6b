import { newObjectId } from '../../core/index.ts';
import { and, parseWhere, type Condition } from '../../query/index.ts';
import { Auth } from '../../security/index.ts';
import { earliestLocal, localInstant, parsePushTime } from '../push-time.ts';
import { providerFor } from '../providers/index.ts';
import type { ProviderName } from '../providers/types.ts';
import { ADD_OPEN, COMPLETE, FAIL, FORGET_BATCHES, FORGET_PLAN, INSERT_BATCH, MARK_RUNNING, PLAN_PAGE, READ_PUSH, RECORD_RESULTS } from './sql.ts';
import { type DeliveryDeps, JOB_RETRIES, JOB_RETRY_DELAY_MS, type PlanJob, SEND_QUEUE, type SendJob } from './types.ts';

const INSTALLATION = '_Installation';
const OBJECT_ID_ORDER = [{ field: { name: 'objectId', type: 'String' as const }, descending: false }];

/** What a push row says about when and how long it is delivered. */
export interface PushTiming {
  /** ISO: an instant, or a local time without the zone. */
  pushTime: string | null;
  /** Absolute expiry, ms since the epoch (Parse's `expiry`). */
  expiry: number | null;
  /** Seconds after each device's send time. */
  expirationInterval: number | null;
}

/** A batch to write: the devices of one provider due at one time. */
interface PlannedBatch {
  provider: ProviderName;
  offsetMinutes: number | null;
  sendAt: Date;
  ids: string[];
}

/**
 * Installations of a device type a provider serves but that is not configured here (iOS without
 * APNs), by type: counted as failed, as Parse's ParsePushAdapter counts a push type it has no
 * sender for. Types no provider serves at all ("nokia", "win") are skipped, not counted — Parse
 * leaves out types that are not valid push types.
 */
type Unserved = Map<string, number>;

/**
 * Reads the installations a push targets in keyset pages (never all at once) and writes them
 * as batches per provider and send time, each page with its send jobs and the plan's cursor in
 * one transaction: a restart resumes after the last page written, and no device is planned twice.
 */
export class Planner {
  constructor(private readonly deps: DeliveryDeps) {}

  async plan(job: PlanJob): Promise<void> {
    const { db } = this.deps;
    const { rows } = await db.raw.query(READ_PUSH, [job.pushId]);
    const push = rows[0];
    if (!push || push.planned || push.status === 'failed' || push.status === 'succeeded') return;
    let where: Condition;
    try {
      where = this.filter(JSON.parse(push.query as string));
    } catch (error) {
      await this.fail(job.pushId, error);
      return;
    }
    await db.raw.query(MARK_RUNNING, [job.pushId]);
    const timing: PushTiming = {
      pushTime: (push.pushTime as string | null) ?? null,
      expiry: push.expiry === null || push.expiry === undefined ? null : Number(push.expiry),
      expirationInterval: push.expirationInterval === null || push.expirationInterval === undefined ? null : Number(push.expirationInterval),
    };
    let cursor = (push.cursor as string | null) ?? null;
    for (;;) {
      const next = await this.planPage(job.pushId, where, timing, cursor);
      if (next === undefined) return;
      cursor = next;
    }
  }

  /** The push's query, narrowed to installations with a device token (as Parse does). */
  private filter(rest: unknown): Condition {
    const classes = this.deps.schemaStore.current.classes;
    const cls = classes.get(INSTALLATION);
    if (!cls) throw new Error('the _Installation class is missing');
    const where = parseWhere(rest, cls, { classes });
    return and([where, parseWhere({ deviceToken: { exists: true } }, cls, { classes })]);
  }

  /** Plans one page; the next cursor, or undefined once the plan is complete. */
  private async planPage(pushId: string, where: Condition, timing: PushTiming, cursor: string | null): Promise<string | null | undefined> {
    const { core, db, queue, config, providers } = this.deps;
    const size = config.batchSize;
    const page = await core.find(Auth.master(), INSTALLATION, {
      where,
      order: OBJECT_ID_ORDER,
      page: { first: size, after: cursor },
      fields: ['deviceType', 'timeZone'],
      wantObjects: true,
      wantCount: false,
      wantHasNext: false,
    });
    const objects = page.objects;
    const last = objects.length < size;
    const next = objects.length ? page.cursor(objects.length - 1) : cursor;
    const now = new Date();
    const wall = timing.pushTime ? parsePushTime(timing.pushTime) : undefined;
    const groups = new Map<string, PlannedBatch>();
    const unserved: Unserved = new Map();
    for (const o of objects) {
      const deviceType = String(o.deviceType ?? '');
      const provider = providerFor(deviceType);
      if (!provider) continue;
      if (!providers.get(provider)) {
        unserved.set(deviceType, (unserved.get(deviceType) ?? 0) + 1);
        continue;
      }
      let sendAt = wall?.date ?? now;
      let offsetMinutes: number | null = null;
      if (wall?.local) {
        const local = localInstant(wall.date, o.timeZone as string | undefined);
        sendAt = local.at;
        offsetMinutes = local.offsetMinutes;
      }
      const key = `${provider} ${offsetMinutes ?? ''}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { provider, offsetMinutes, sendAt, ids: [] }));
      group.ids.push(o.objectId as string);
    }
    const batches = [...groups.values()];
    let completed = false as boolean;
    let elsewhere = false;
    await db.raw
      .transaction(async (tx) => {
        const moved = await tx.query(PLAN_PAGE, [pushId, next, last, cursor]);
        // Another attempt planned this page already (a job retried after a stall): nothing to do.
        if (moved.rows.length === 0) throw new PlannedElsewhere();
        for (const b of batches) {
          const batchId = newObjectId(16);
          const expiresAt = expiryOf(timing, b.sendAt);
          await tx.query(INSERT_BATCH, [batchId, pushId, b.provider, b.offsetMinutes, b.sendAt, expiresAt, 1, b.ids, null]);
          const data: SendJob = { batchId };
          await queue.send(SEND_QUEUE, data, {
            tx,
            startAfter: b.sendAt > now ? b.sendAt : undefined,
            retries: JOB_RETRIES,
            retryDelayMs: JOB_RETRY_DELAY_MS,
            backoff: true,
          });
        }
        if (unserved.size) {
          const failedPerType: Record<string, number> = {};
          const errors: unknown[] = [];
          let failed = 0;
          for (const [deviceType, n] of unserved) {
            failedPerType[deviceType] = n;
            failed += n;
            errors.push({ deviceType, devices: n, error: `no push provider is configured for deviceType "${deviceType}"` });
          }
          await tx.query(RECORD_RESULTS, [pushId, 0, failed, '{}', JSON.stringify(failedPerType), null, null, JSON.stringify(errors)]);
        }
        const open = await tx.query(ADD_OPEN, [pushId, batches.length]);
        if (last && Number(open.rows[0]?.count ?? 0) === 0) completed = await complete(tx, pushId);
      })
      .catch((error) => {
        if (!(error instanceof PlannedElsewhere)) throw error;
        elsewhere = true;
      });
    if (elsewhere) return undefined;
    if (batches.length) queue.notify(SEND_QUEUE);
    if (completed) await this.deps.finished?.(pushId);
    return last ? undefined : next;
  }

  private async fail(pushId: string, error: unknown): Promise<void> {
    const message = (error as { message?: unknown })?.message;
    const { rows } = await this.deps.db.raw.query(FAIL, [
      pushId,
      JSON.stringify({ message: typeof message === 'string' ? message : 'the push could not be planned' }),
    ]);
    if (rows.length) await this.deps.finished?.(pushId);
  }
}

class PlannedElsewhere extends Error {}

/** When the plan job should first run: at the push time, or when the earliest time zone reaches a local one. */
export function planStart(pushTime: string | null | undefined): Date | undefined {
  if (!pushTime) return undefined;
  const t = parsePushTime(pushTime);
  return t.local ? earliestLocal(t.date) : t.date;
}

function expiryOf(timing: PushTiming, sendAt: Date): Date | null {
  if (timing.expiry !== null && Number.isFinite(timing.expiry)) return new Date(timing.expiry);
  if (timing.expirationInterval !== null && Number.isFinite(timing.expirationInterval)) return new Date(sendAt.valueOf() + timing.expirationInterval * 1000);
  return null;
}

/** Ends a push whose batches have all finished (true when this call ended it). */
export async function complete(
  tx: { query: (text: string, values?: readonly unknown[]) => Promise<{ rows: Record<string, unknown>[] }> },
  pushId: string,
): Promise<boolean> {
  const { rows } = await tx.query(COMPLETE, [pushId]);
  await tx.query(FORGET_BATCHES, [pushId]);
  await tx.query(FORGET_PLAN, [pushId]);
  return rows.length > 0;
}
