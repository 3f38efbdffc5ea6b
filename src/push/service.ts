import { newObjectId } from '../core/index.ts';
import { ErrorCode, ParseError, errors } from '../errors/index.ts';
import { parseWhere } from '../query/index.ts';
import type { Auth } from '../security/index.ts';
import { Planner, planStart } from './delivery/planner.ts';
import { Sender } from './delivery/sender.ts';
import { INSERT_PLAN, INSERT_STATUS, STATUS_ROW } from './delivery/sql.ts';
import { type DeliveryDeps, JOB_RETRIES, JOB_RETRY_DELAY_MS, PLAN_QUEUE, type PlanJob, SEND_QUEUE, type SendJob } from './delivery/types.ts';
import { checkPush, pushHash, storedExpiry, storedPayload, storedPushTime, type PushInput } from './request.ts';

/** Cloud code around sending (the cloud runtime provides them; absent without cloud code). */
export interface PushTriggers {
  /** `beforePush`: may change the push (returns it) or refuse it (throws). */
  beforePush?(auth: Auth, push: PushInput): Promise<PushInput>;
  /** `afterPush`: the push reached its final status (the `_PushStatus` object, as stored). */
  afterPush?(status: Record<string, unknown>): Promise<void>;
}

/** What delivery needs (without its `finished` callback, which the service supplies), plus the triggers. */
export interface PushOptions extends Omit<DeliveryDeps, 'finished'> {
  triggers?: () => PushTriggers | undefined;
  /** Send jobs one instance works at once (default 4). */
  concurrency?: number;
}

export interface SendPushOptions {
  /** `_PushStatus.source`: "rest" (Parse's), "graphql", "cloud". */
  source?: string;
}

const INSTALLATION = '_Installation';
/** The engine's backstop for a plan job (its maximum is below 24 h). */
const PLAN_EXPIRY_SECONDS = 23 * 3600;

/**
 * Push notifications, delivered durably on the job engine: `send` records the push
 * (`_PushStatus`) and queues its plan in one transaction; the plan reads the installations in
 * pages and writes batches per provider and send time; each batch is sent once across
 * instances, its progress recorded chunk by chunk, so a restart resumes where it stopped.
 */
export class PushService {
  private readonly planner: Planner;
  private readonly sender: Sender;
  private started = false;

  constructor(private readonly options: PushOptions) {
    const deps = { ...options, finished: (pushId: string) => this.finished(pushId) };
    this.planner = new Planner(deps);
    this.sender = new Sender(deps);
  }

  /** Whether any provider is configured (without one, sending is refused as Parse does). */
  get configured(): boolean {
    const c = this.options.config;
    return !!(c.ios || c.android || c.web || c.expo);
  }

  /** At server start: works the plan and send queues on this instance (only when a provider is configured). */
  async start(): Promise<void> {
    if (!this.configured || this.started) return;
    this.started = true;
    const { queue } = this.options;
    await queue.prepare(PLAN_QUEUE);
    await queue.prepare(SEND_QUEUE);
    await queue.work<PlanJob>(PLAN_QUEUE, (job) => this.planner.plan(job.data), { concurrency: 1 });
    await queue.work<SendJob>(SEND_QUEUE, (job) => this.sender.send(job.data), { concurrency: this.options.concurrency ?? 4 });
  }

  /**
   * Records a push and queues its delivery; returns its `_PushStatus` objectId. Master key
   * only, unless PLINTH_CLIENT_PUSH allows clients (Parse's `allowClientPush`).
   */
  async send(auth: Auth, input: PushInput, options: SendPushOptions = {}): Promise<string> {
    if (!auth.isMaster && !this.options.config.client) throw errors.masterKeyRequired();
    if (!this.configured) throw new ParseError(ErrorCode.PUSH_MISCONFIGURED, 'Missing push configuration');
    const before = this.options.triggers?.()?.beforePush;
    const request = checkPush(before ? await before(auth, input) : input);
    // A query that cannot run is refused now, not found out by the plan later.
    const classes = this.options.schemaStore.current.classes;
    const cls = classes.get(INSTALLATION);
    if (!cls) throw new ParseError(ErrorCode.PUSH_MISCONFIGURED, 'The _Installation class is missing.');
    parseWhere(request.where, cls, { classes });
    const now = new Date();
    const pushId = newObjectId();
    const pushTime = storedPushTime(request, now);
    const scheduled = request.pushTime !== undefined && request.pushTime.date > now;
    const startAfter = scheduled ? planStart(pushTime) : undefined;
    const { db, queue } = this.options;
    // The engine's first use runs statements of its own: not inside the transaction (PGlite has one session).
    await queue.prepare(PLAN_QUEUE);
    await db.raw.transaction(async (tx) => {
      await tx.query(INSERT_STATUS, [
        pushId,
        pushTime,
        options.source ?? 'rest',
        JSON.stringify(request.where),
        JSON.stringify(storedPayload(request)),
        typeof request.data.title === 'string' ? request.data.title : null,
        storedExpiry(request, now),
        request.expirationInterval ?? null,
        scheduled ? 'scheduled' : 'pending',
        pushHash(request.data),
      ]);
      await tx.query(INSERT_PLAN, [pushId]);
      await queue.send(PLAN_QUEUE, { pushId } satisfies PlanJob, {
        tx,
        startAfter: startAfter && startAfter > now ? startAfter : undefined,
        retries: JOB_RETRIES,
        retryDelayMs: JOB_RETRY_DELAY_MS,
        backoff: true,
        // Planning millions of installations takes a while; a stalled plan resumes at its cursor anyway.
        expireInSeconds: PLAN_EXPIRY_SECONDS,
      });
    });
    queue.notify(PLAN_QUEUE);
    return pushId;
  }

  private async finished(pushId: string): Promise<void> {
    const after = this.options.triggers?.()?.afterPush;
    if (!after) return;
    try {
      const { rows } = await this.options.db.raw.query(STATUS_ROW, [pushId]);
      if (rows[0]) await after(rows[0]);
    } catch (error) {
      this.options.logger?.error({ err: error, pushId }, 'push: the afterPush trigger failed');
    }
  }

  async close(): Promise<void> {
    await this.options.providers.close();
  }
}
