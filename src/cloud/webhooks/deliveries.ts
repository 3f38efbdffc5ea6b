import type { WebhooksConfig } from '../../config/index.ts';
import type { Logger } from '../../config/logger.ts';
import type { HookRegistry, ParseObject, WriteHooks, WriteOperation } from '../../core/index.ts';
import type { JobQueue, Outcome, QueueJob, RawQueryable } from '../../db/index.ts';
import type { CloudRegistry } from '../registry.ts';
import type { CloudRuntime } from '../runtime.ts';
import type { BaseRequest } from '../types.ts';
import { requestPart, triggerBody } from './body.ts';
import { callWebhook } from './client.ts';
import { WebhookRegistry } from './combine.ts';
import { triggerKey } from './handlers.ts';
import { INSERT_FAILURE } from './sql.ts';

/** The job engine's queue of after-trigger deliveries. */
export const WEBHOOK_QUEUE = 'plinth-webhooks';

/** One delivery as queued: where to, and the exact body (built when the write happened). */
export interface DeliveryData {
  url: string;
  className: string;
  triggerName: 'afterSave' | 'afterDelete';
  objectId: string | null;
  body: Record<string, unknown>;
}

/** A delivery's handler result when the receiver refused it for good (4xx, `{error}`): failed, not retried. */
interface Refused {
  refused: string;
  status?: number;
}

export interface DeliveriesOptions {
  queue: JobQueue;
  hooks: HookRegistry;
  runtime: CloudRuntime;
  config: WebhooksConfig;
  logger: Logger;
}

/**
 * After-trigger webhooks (afterSave, afterDelete), delivered at least once:
 * - inside the write's transaction, a job is queued with the body (the whole object as saved,
 *   and as it was), so a write that rolls back delivers nothing and one that commits is
 *   delivered even if this process dies right after;
 * - a worker on its own queue POSTs it, retried with backoff (no answer, a timeout, 5xx, 408,
 *   429) up to the configured attempts; a delivery that fails for good — attempts exhausted, or
 *   refused by the receiver (another 4xx, `{error}`) — is logged as an error and kept in
 *   "_PlinthWebhookFailure" (written with the job's settlement).
 * Each attempt carries `X-Plinth-Delivery-Id` (the same for every attempt) so that a receiver
 * can drop repeats.
 */
export class Deliveries {
  private working: Promise<void> | undefined;
  private undo: (() => void)[] = [];
  /**
   * The handler request of each write in flight, made before its transaction: the user is read
   * there (inside it, a read on another connection could wait on the transaction — on PGlite,
   * whose one connection it holds, forever).
   */
  private readonly requests = new WeakMap<WriteOperation, BaseRequest>();

  constructor(private readonly options: DeliveriesOptions) {
    options.queue.define<DeliveryData>(WEBHOOK_QUEUE, { onSettled: (job, outcome, tx) => this.settled(job, outcome, tx) });
  }

  /**
   * Readies the queue and works it on this instance: before a registry with after-trigger hooks
   * is in force (on PGlite the engine's first statements must not run inside a write's transaction).
   */
  async prepare(): Promise<void> {
    const { queue, config, logger } = this.options;
    await queue.prepare(WEBHOOK_QUEUE);
    this.working ??= queue
      .work<DeliveryData>(WEBHOOK_QUEUE, (job) => this.deliver(job), { concurrency: config.concurrency })
      .catch((error) => {
        this.working = undefined;
        logger.error({ err: error }, 'webhooks: the delivery queue could not be worked');
      });
    await this.working;
  }

  /** Plugs the registry's after-trigger hooks into core's writes, per class (replacing the previous ones). */
  install(registry: CloudRegistry): void {
    const next: (() => void)[] = [];
    if (registry instanceof WebhookRegistry) {
      for (const className of registry.deliveredClasses) next.push(this.options.hooks.register(className, this.writeHooks(registry, className)));
    }
    for (const u of this.undo) u();
    this.undo = next;
  }

  uninstall(): void {
    for (const u of this.undo) u();
    this.undo = [];
  }

  private writeHooks(registry: WebhookRegistry, className: string): WriteHooks {
    const { queue, config, runtime } = this.options;
    const hookFor = (op: WriteOperation) => registry.deliveredHook(op.kind === 'delete' ? 'afterDelete' : 'afterSave', className);
    return {
      wholeObjects: true,
      before: async (op) => {
        const hook = hookFor(op);
        if (hook) this.requests.set(op, await runtime.baseRequest(op.auth, op.auth, `${hook.triggerName} ${className}`));
      },
      inTransaction: async (op, tx, object, original) => {
        const hook = hookFor(op);
        if (!hook) return;
        const base = this.requests.get(op);
        this.requests.delete(op);
        const data: DeliveryData = {
          url: hook.url,
          className,
          triggerName: hook.triggerName as DeliveryData['triggerName'],
          objectId: object.objectId ?? op.objectId ?? null,
          body: this.body(op, hook.triggerName, object, original, base),
        };
        // A delay of 0 retries at once (with backoff the engine waits at least a second).
        await queue.send(WEBHOOK_QUEUE, data, { tx, retries: config.retries, retryDelayMs: config.retryDelayMs, backoff: config.retryDelayMs > 0 });
      },
      afterCommit: () => queue.notify(WEBHOOK_QUEUE),
    };
  }

  /** Parse's trigger body for the object as saved (as it was, for a delete) and, on update, as it was before. */
  private body(
    op: WriteOperation,
    triggerName: string,
    object: ParseObject,
    original: ParseObject | undefined,
    base: BaseRequest | undefined,
  ): Record<string, unknown> {
    const objects = this.options.runtime.objects;
    const request = op.auth.request;
    const part = requestPart(
      base ?? {
        master: op.auth.isMaster,
        user: undefined,
        installationId: request?.installationId,
        ip: request?.ip,
        headers: {},
        context: request?.context ?? {},
      },
    );
    const before = op.kind === 'update' && original ? objects.fromStored(op.className, original) : undefined;
    return triggerBody(triggerName, objects.fromStored(op.className, object), before, part);
  }

  /** One attempt: the result completes the job; a throw fails it (retried while attempts are left). */
  private async deliver(job: QueueJob<DeliveryData>): Promise<Refused | { status: number }> {
    const { url, body, className, triggerName } = job.data;
    const { config, runtime } = this.options;
    const started = performance.now();
    const outcome = await callWebhook(url, body, { key: config.key, timeoutMs: config.timeoutMs, delivery: { id: job.id, attempt: job.attempt } });
    runtime.stats.record(triggerKey(triggerName, className), performance.now() - started, outcome.ok ? undefined : new Error(outcome.message));
    if (outcome.ok) return { status: outcome.status };
    if (outcome.retryable) throw new Error(outcome.message);
    return { refused: outcome.message, status: outcome.status };
  }

  /** In the settlement's transaction: a delivery that failed for good is logged and kept. */
  private async settled(job: QueueJob<DeliveryData>, outcome: Outcome, tx: RawQueryable): Promise<void> {
    const { url, className, triggerName, objectId, body } = job.data;
    const log = { webhook: `${triggerName} ${className}`, url, deliveryId: job.id, attempt: job.attempt, objectId };
    let error: string | undefined;
    if (!outcome.ok) {
      if (outcome.retrying) {
        this.options.logger.warn(log, `webhook ${triggerName} ${className}: attempt ${job.attempt} failed, retrying: ${outcome.message}`);
        return;
      }
      error = outcome.message;
    } else {
      error = (outcome.result as Refused | null)?.refused;
    }
    if (error === undefined) return;
    await tx.query(INSERT_FAILURE, [job.id, className, triggerName, objectId, url, job.attempt, error, JSON.stringify(body)]);
    this.options.logger.error(log, `webhook ${triggerName} ${className} was not delivered (${job.attempt} attempt${job.attempt === 1 ? '' : 's'}): ${error}`);
  }
}
