import type { RawQueryable } from '../../db/index.ts';
import { newObjectId } from '../../core/index.ts';
import { LocalizedData } from '../locale.ts';
import { offsetKey } from '../push-time.ts';
import { badgeChange, type BadgeChange } from '../request.ts';
import type { Delivery, DeliveryResult, ProviderName } from '../providers/types.ts';
import { complete } from './planner.ts';
import {
  ADD_OPEN,
  BATCH_PROGRESS,
  CLEAR_TOKENS,
  FINISH_BATCH,
  INCREMENT_BADGES,
  INSERT_BATCH,
  PLANNED,
  READ_BATCH,
  READ_PUSH,
  RECORD_RESULTS,
  SELECT_DEVICES,
  SET_BADGES,
  SET_DEVICES,
} from './sql.ts';
import { DEVICE_ATTEMPTS, type DeliveryDeps, JOB_RETRIES, JOB_RETRY_DELAY_MS, SEND_QUEUE, type SendJob, type StoredDevice } from './types.ts';

/**
 * Devices sent between two records of progress. A process killed mid-batch resends at most the
 * chunk in flight (providers have no idempotency keys); every chunk before it is recorded.
 */
const CHUNK = 100;

interface Batch {
  batchId: string;
  pushId: string;
  provider: ProviderName;
  offsetMinutes: number | null;
  expiresAt: Date | null;
  attempt: number;
  installationIds: string[];
  devices: StoredDevice[] | null;
  done: number;
  finished: boolean;
}

/** The counts and side effects of one chunk, written in one transaction with its progress. */
class Tally {
  sent = 0;
  failed = 0;
  readonly sentPerType: Record<string, number> = {};
  readonly failedPerType: Record<string, number> = {};
  readonly retry: StoredDevice[] = [];
  retryAfterMs = 0;
  readonly goneIds: string[] = [];
  readonly goneTokens: string[] = [];
  private readonly errors = new Map<string, { deviceType: string; error: string; devices: number }>();

  add(device: StoredDevice, result: DeliveryResult, lastAttempt: boolean): void {
    if (result.status === 'sent') {
      this.sent++;
      this.sentPerType[device.type] = (this.sentPerType[device.type] ?? 0) + 1;
      return;
    }
    if (result.status === 'retry' && !lastAttempt) {
      this.retry.push(device);
      this.retryAfterMs = Math.max(this.retryAfterMs, result.retryAfterMs ?? 0);
      return;
    }
    if (result.status === 'gone') {
      this.goneIds.push(device.id);
      this.goneTokens.push(device.token);
    }
    this.failed++;
    this.failedPerType[device.type] = (this.failedPerType[device.type] ?? 0) + 1;
    const key = `${device.type}\u0000${result.error}`;
    const entry = this.errors.get(key);
    if (entry) entry.devices++;
    else this.errors.set(key, { deviceType: device.type, error: result.error, devices: 1 });
  }

  errorList(batchId: string): unknown[] | undefined {
    return this.errors.size ? [...this.errors.values()].map((e) => ({ batch: batchId, ...e })) : undefined;
  }
}

/**
 * Sends one batch: its devices are read (and their badges changed, in SQL) once, then sent in
 * chunks, each chunk's results recorded — counts, failed batches' errors, tokens the provider
 * says are gone — with the batch's progress in one transaction. Devices to try again (throttled,
 * provider errors) become a batch of their own, due after the provider's Retry-After or a backoff.
 */
export class Sender {
  constructor(private readonly deps: DeliveryDeps) {}

  async send(job: SendJob): Promise<void> {
    const { db } = this.deps;
    const batch = await this.readBatch(job.batchId);
    if (!batch || batch.finished) return;
    const { rows } = await db.raw.query(READ_PUSH, [batch.pushId]);
    const push = rows[0];
    if (!push || push.status === 'failed' || push.status === 'succeeded') return;
    const payload = JSON.parse((push.payload as string) ?? '{}') as Record<string, unknown>;
    const { badge, ...data } = payload;
    // Checked when the push was sent: the stored badge reads back as the same change.
    const change = badgeChange(badge);
    const devices = batch.devices ?? (await this.prepare(batch, change));
    const localized = new LocalizedData(data);
    const provider = this.deps.providers.get(batch.provider);
    const lastAttempt = batch.attempt >= DEVICE_ATTEMPTS;
    let done = batch.done;
    while (done < devices.length) {
      const chunk = devices.slice(done, done + CHUNK);
      const results = await this.deliver(batch, chunk, localized, change !== undefined, provider);
      const tally = new Tally();
      for (let i = 0; i < chunk.length; i++) tally.add(chunk[i], results[i], lastAttempt);
      const recorded = await db.raw.transaction(async (tx) => {
        const moved = await tx.query(BATCH_PROGRESS, [batch.batchId, done, done + chunk.length, JSON.stringify(tally.retry), tally.retryAfterMs]);
        if (moved.rows.length === 0) return false;
        await this.record(tx, batch, tally);
        return true;
      });
      // Another attempt of this batch recorded the chunk (a stalled job retried): it goes on from there.
      if (!recorded) return;
      done += chunk.length;
    }
    await this.finish(batch);
  }

  private async readBatch(batchId: string): Promise<Batch | undefined> {
    const { rows } = await this.deps.db.raw.query(READ_BATCH, [batchId]);
    const r = rows[0];
    if (!r) return undefined;
    return {
      batchId: r.batchId as string,
      pushId: r.pushId as string,
      provider: r.provider as ProviderName,
      offsetMinutes: r.offsetMinutes === null ? null : Number(r.offsetMinutes),
      expiresAt: r.expiresAt ? new Date(r.expiresAt as string) : null,
      attempt: Number(r.attempt),
      installationIds: r.installationIds as string[],
      devices: jsonOf(r.devices) as StoredDevice[] | null,
      done: Number(r.done),
      finished: r.finished === true,
    };
  }

  /** Reads the batch's devices — changing their badges as the push asks, atomically — and keeps them with the batch, once. */
  private async prepare(batch: Batch, change: BadgeChange | undefined): Promise<StoredDevice[]> {
    return this.deps.db.raw
      .transaction(async (tx) => {
        const { rows } = change
          ? 'increment' in change
            ? await tx.query(INCREMENT_BADGES, [batch.installationIds, change.increment])
            : await tx.query(SET_BADGES, [batch.installationIds, change.set])
          : await tx.query(SELECT_DEVICES, [batch.installationIds]);
        const devices: StoredDevice[] = rows.map((r) => ({
          id: r.objectId as string,
          token: r.deviceToken as string,
          type: r.deviceType as string,
          badge: r.badge === null || r.badge === undefined ? null : Number(r.badge),
          pushType: (r.pushType as string | null) ?? null,
          locale: (r.localeIdentifier as string | null) ?? null,
        }));
        const set = await tx.query(SET_DEVICES, [batch.batchId, JSON.stringify(devices)]);
        // Prepared by another attempt meanwhile: roll back this one's badge changes and use its devices.
        if (set.rows.length === 0) throw new AlreadyPrepared();
        return devices;
      })
      .catch(async (error) => {
        if (!(error instanceof AlreadyPrepared)) throw error;
        const again = await this.readBatch(batch.batchId);
        return again?.devices ?? [];
      });
  }

  private async deliver(
    batch: Batch,
    chunk: StoredDevice[],
    localized: LocalizedData,
    withBadge: boolean,
    provider: ReturnType<DeliveryDeps['providers']['get']>,
  ): Promise<DeliveryResult[]> {
    if (!provider) return chunk.map(() => ({ status: 'failed', error: `no push provider is configured for ${batch.provider}` }));
    if (batch.expiresAt && batch.expiresAt.valueOf() <= Date.now()) return chunk.map(() => ({ status: 'failed', error: 'expired before it could be sent' }));
    const deliveries: Delivery[] = chunk.map((d) => {
      const base = localized.for(d.locale);
      const data = withBadge && d.badge !== null ? { ...base, badge: d.badge } : base;
      return d.pushType ? { installationId: d.id, token: d.token, data, pushType: d.pushType } : { installationId: d.id, token: d.token, data };
    });
    try {
      return await provider.send(deliveries, { pushId: batch.pushId, expiresAt: batch.expiresAt ?? undefined });
    } catch (error) {
      // A provider must answer per device; if it throws, the whole chunk is tried again later.
      this.deps.logger?.warn({ err: error, provider: batch.provider }, 'push: a provider failed a whole chunk');
      return chunk.map(() => ({ status: 'retry', error: 'provider error' }));
    }
  }

  private async record(tx: RawQueryable, batch: Batch, tally: Tally): Promise<void> {
    const offset = batch.offsetMinutes === null ? undefined : offsetKey(batch.offsetMinutes);
    const perOffset = (n: number) => (offset === undefined || n === 0 ? null : JSON.stringify({ [offset]: n }));
    const errors = tally.errorList(batch.batchId);
    if (tally.sent || tally.failed)
      await tx.query(RECORD_RESULTS, [
        batch.pushId,
        tally.sent,
        tally.failed,
        JSON.stringify(tally.sentPerType),
        JSON.stringify(tally.failedPerType),
        perOffset(tally.sent),
        perOffset(tally.failed),
        errors ? JSON.stringify(errors) : null,
      ]);
    if (tally.goneIds.length) await tx.query(CLEAR_TOKENS, [tally.goneIds, tally.goneTokens]);
  }

  /** Ends the batch: its devices to try again become the next attempt's batch; the last batch ends the push. */
  private async finish(batch: Batch): Promise<void> {
    const { db, queue } = this.deps;
    let retried = false;
    const completed = await db.raw.transaction(async (tx) => {
      const { rows } = await tx.query(FINISH_BATCH, [batch.batchId]);
      if (rows.length === 0) return false;
      const retry = (jsonOf(rows[0].retry) ?? []) as StoredDevice[];
      let opened = 0;
      if (retry.length) {
        const delay = Math.max(Number(rows[0].retryAfterMs ?? 0), JOB_RETRY_DELAY_MS * 2 ** batch.attempt);
        const sendAt = new Date(Date.now() + delay);
        const batchId = newObjectId(16);
        await tx.query(INSERT_BATCH, [
          batchId,
          batch.pushId,
          batch.provider,
          batch.offsetMinutes,
          sendAt,
          batch.expiresAt,
          batch.attempt + 1,
          retry.map((d) => d.id),
          JSON.stringify(retry),
        ]);
        await queue.send(SEND_QUEUE, { batchId } satisfies SendJob, {
          tx,
          startAfter: sendAt,
          retries: JOB_RETRIES,
          retryDelayMs: JOB_RETRY_DELAY_MS,
          backoff: true,
        });
        opened = 1;
        retried = true;
      }
      const open = await tx.query(ADD_OPEN, [batch.pushId, opened - 1]);
      if (Number(open.rows[0]?.count ?? 0) > 0) return false;
      const plan = await tx.query(PLANNED, [batch.pushId]);
      return plan.rows[0]?.planned === true ? complete(tx, batch.pushId) : false;
    });
    if (retried) queue.notify(SEND_QUEUE);
    if (completed) await this.deps.finished?.(batch.pushId);
  }
}

class AlreadyPrepared extends Error {}

/** JSONB as the driver hands it: parsed on PostgreSQL, sometimes text elsewhere. */
function jsonOf(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : (value ?? null);
}
