import type { WebhooksConfig } from '../../config/index.ts';
import type { Logger } from '../../config/logger.ts';
import type { HookRegistry } from '../../core/index.ts';
import { newObjectId } from '../../core/index.ts';
import type { Database, JobQueue } from '../../db/index.ts';
import { ENGINE_SCHEMA } from '../../db/queue/index.ts';
import { ErrorCode, ParseError, errors } from '../../errors/index.ts';
import type { Auth } from '../../security/index.ts';
import type { CloudHolder } from '../holder.ts';
import type { CloudEnv } from '../object/index.ts';
import type { CloudRegistry } from '../registry.ts';
import type { CloudRuntime } from '../runtime.ts';
import { callWebhook } from './client.ts';
import { combineRegistry } from './combine.ts';
import { checkDeclaration, hookOfRow, targetOf, webhookError, type HookTarget } from './declarations.ts';
import { Deliveries } from './deliveries.ts';
import type { WebhookCaller } from './handlers.ts';
import * as sql from './sql.ts';
import {
  DELIVERED_TRIGGERS,
  isFunctionHook,
  type FunctionHook,
  type HookDeclaration,
  type StoredHook,
  type TriggerHook,
  type WebhookFailure,
} from './types.ts';

export interface WebhooksOptions {
  db: Database;
  /** The job engine (after-trigger deliveries). */
  queue: JobQueue;
  /** The cloud registry in force: the hooks are layered over the code it holds. */
  holder: CloudHolder;
  runtime: CloudRuntime;
  /** Core's write hooks (after-trigger deliveries are queued from inside the write's transaction). */
  hooks: HookRegistry;
  env: CloudEnv;
  config: WebhooksConfig;
  production: boolean;
  logger: Logger;
}

const notFound = (target: HookTarget) =>
  webhookError(target.kind === 'function' ? `no function named: ${target.functionName} is defined` : `class ${target.className} does not exist`);

const duplicate = (target: HookTarget) =>
  webhookError(
    target.kind === 'function' ? `function name: ${target.functionName} already exists` : `class ${target.className} already has trigger ${target.triggerName}`,
  );

/**
 * Webhooks as Parse's Hooks API: functions and triggers that POST to a URL registered with the
 * master key, stored in Parse's "_Hooks" layout. Transports (GraphQL, later REST) call these
 * methods and nothing else; each checks the master key (119) and Parse's rules (143, Parse's
 * messages).
 *
 * The registry in force is the cloud file's code with the stored hooks added (combine.ts):
 * rebuilt when a hook changes here (before the change answers), when another instance's change
 * shows in the hooks' version (polled every `pollMs`), and whenever the cloud file reloads.
 */
export class Webhooks {
  private stored: readonly StoredHook[] = [];
  private version: string | undefined;
  private refreshing: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private readonly stops: (() => void)[] = [];
  private readonly unservable = new Set<string>();
  readonly deliveries: Deliveries;
  private readonly caller: WebhookCaller;

  constructor(private readonly options: WebhooksOptions) {
    const { holder } = options;
    this.deliveries = new Deliveries({ queue: options.queue, hooks: options.hooks, runtime: options.runtime, config: options.config, logger: options.logger });
    this.caller = { call: (url, body, label) => this.call(url, body, label) };
    // The hooks are layered over whatever the cloud file built, in the same swap as each
    // (re)load, so no operation ever runs on the code without the hooks.
    holder.setLayer((code) => this.combined(code));
    this.stops.push(() => holder.setLayer(undefined));
    this.stops.push(holder.onChange((next) => this.deliveries.install(next)));
  }

  /** At server start (after the job engine's): loads the hooks into the registry and follows their changes. */
  async start(): Promise<void> {
    // Deliveries queued before a restart are worked even if no after-trigger hook exists now.
    const { rows } = await this.options.db.raw.query(`SELECT to_regclass($1) IS NOT NULL AS "exists"`, [`${ENGINE_SCHEMA}.job`]);
    if (rows[0]?.exists) await this.deliveries.prepare();
    await this.refresh(true);
    if (!this.options.config.key && this.stored.length) this.warnUnsigned();
    this.timer = setInterval(() => void this.poll(), this.options.config.pollMs);
    this.timer.unref();
  }

  /** At server stop, before the job engine's. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const stop of this.stops.splice(0)) stop();
    this.deliveries.uninstall();
  }

  /** The hooks in force on this instance. */
  get hooks(): readonly StoredHook[] {
    return this.stored;
  }

  // ---- the Hooks API (master key only) ----

  /** Every function hook (Parse's GET /hooks/functions). */
  async functions(auth: Auth): Promise<FunctionHook[]> {
    requireMaster(auth);
    const { rows } = await this.options.db.raw.query(sql.READ_HOOKS);
    return rows.filter((r) => r.functionName).map((r) => ({ functionName: r.functionName as string, url: r.url as string }));
  }

  /** Every trigger hook (Parse's GET /hooks/triggers). */
  async triggers(auth: Auth): Promise<TriggerHook[]> {
    requireMaster(auth);
    const { rows } = await this.options.db.raw.query(sql.READ_HOOKS);
    return rows
      .filter((r) => !r.functionName && r.className && r.triggerName)
      .map((r) => ({ className: r.className as string, triggerName: r.triggerName as TriggerHook['triggerName'], url: r.url as string }));
  }

  /** One function hook; 143 `no function named: <name> is defined`. */
  async getFunction(auth: Auth, functionName: string): Promise<FunctionHook> {
    requireMaster(auth);
    const found = await this.find({ kind: 'function', functionName });
    if (!found) throw notFound({ kind: 'function', functionName });
    return found as FunctionHook;
  }

  /** One trigger hook; 143 `class <className> does not exist` (Parse's message). */
  async getTrigger(auth: Auth, className: string, triggerName: string): Promise<TriggerHook> {
    requireMaster(auth);
    const target: HookTarget = { kind: 'trigger', className, triggerName };
    const found = await this.find(target);
    if (!found) throw notFound(target);
    return found as TriggerHook;
  }

  /**
   * Registers a hook (Parse's POST /hooks/functions and /hooks/triggers): `{functionName, url}`
   * or `{className, triggerName, url}`. 143 when one of that name exists, or the declaration is
   * invalid. In force on this instance when this resolves; elsewhere within a poll.
   */
  async create(auth: Auth, declaration: HookDeclaration): Promise<StoredHook> {
    requireMaster(auth);
    const target = targetOf(declaration);
    if (await this.find(target)) throw duplicate(target);
    const hook = checkDeclaration(target, declaration.url);
    const values = isFunctionHook(hook) ? [hook.functionName, null, null] : [null, hook.className, hook.triggerName];
    const { rows } = await this.options.db.raw.query(sql.INSERT_HOOK, [newObjectId(), ...values, hook.url]);
    if (rows.length === 0) throw duplicate(target);
    await this.changed(hook, 'registered');
    return hook;
  }

  /** Changes a hook's URL (Parse's PUT /hooks/functions/:name and /hooks/triggers/:className/:triggerName). */
  async update(auth: Auth, declaration: HookDeclaration): Promise<StoredHook> {
    requireMaster(auth);
    const target = targetOf(declaration);
    if (!(await this.find(target))) throw notFound(target);
    const hook = checkDeclaration(target, declaration.url);
    const { rows } = isFunctionHook(hook)
      ? await this.options.db.raw.query(sql.UPDATE_FUNCTION, [hook.functionName, hook.url])
      : await this.options.db.raw.query(sql.UPDATE_TRIGGER, [hook.className, hook.triggerName, hook.url]);
    if (rows.length === 0) throw notFound(target);
    await this.changed(hook, 'changed');
    return hook;
  }

  /** Removes a function hook; the hook as it was, or undefined when there was none (not an error, as in Parse). */
  async deleteFunction(auth: Auth, functionName: string): Promise<FunctionHook | undefined> {
    requireMaster(auth);
    const { rows } = await this.options.db.raw.query(sql.DELETE_FUNCTION, [functionName]);
    if (rows.length) await this.refresh(true);
    return rows[0] ? { functionName: rows[0].functionName as string, url: rows[0].url as string } : undefined;
  }

  /** Removes a trigger hook; the hook as it was, or undefined when there was none. */
  async deleteTrigger(auth: Auth, className: string, triggerName: string): Promise<TriggerHook | undefined> {
    requireMaster(auth);
    const { rows } = await this.options.db.raw.query(sql.DELETE_TRIGGER, [className, triggerName]);
    if (rows.length) await this.refresh(true);
    return rows[0]
      ? { className: rows[0].className as string, triggerName: rows[0].triggerName as TriggerHook['triggerName'], url: rows[0].url as string }
      : undefined;
  }

  /** After-trigger deliveries that failed for good, newest first. */
  async failures(auth: Auth, limit = 100): Promise<WebhookFailure[]> {
    requireMaster(auth);
    const { rows } = await this.options.db.raw.query(sql.LIST_FAILURES, [Math.max(0, Math.min(limit, 1000))]);
    return rows.map((r) => ({
      id: r.id as string,
      failedAt: new Date(r.failedAt as string),
      className: r.className as string,
      triggerName: r.triggerName as string,
      objectId: (r.objectId as string | null) ?? null,
      url: r.url as string,
      attempts: Number(r.attempts),
      error: r.error as string,
      body: (typeof r.body === 'string' ? JSON.parse(r.body) : r.body) as Record<string, unknown>,
    }));
  }

  // ---- the registry in force ----

  /**
   * Reads the hooks again when their version changed (always with `force`) and swaps in the
   * registry they make with the code. Serialized: one refresh at a time.
   */
  refresh(force = false): Promise<void> {
    const run = this.refreshing.then(() => this.refreshOnce(force));
    this.refreshing = run.catch(() => undefined);
    return run;
  }

  private async refreshOnce(force: boolean): Promise<void> {
    const { db, logger } = this.options;
    // The version first: a change made meanwhile is read now, or seen again at the next poll.
    const { rows: versions } = await db.raw.query(sql.READ_VERSION);
    const version = (versions[0]?.version as string | undefined) ?? '0';
    if (!force && version === this.version) return;
    const { rows } = await db.raw.query(sql.READ_HOOKS);
    const hooks: StoredHook[] = [];
    for (const row of rows) {
      const hook = hookOfRow(row);
      if (hook) hooks.push(hook);
      else this.reportUnservable(row);
    }
    // On PGlite the engine's own first statements must not run inside a write's transaction.
    if (hooks.some((h) => !isFunctionHook(h) && DELIVERED_TRIGGERS.has(h.triggerName))) await this.deliveries.prepare();
    this.version = version;
    this.stored = hooks;
    this.options.holder.refresh((error) => logger.error({ err: error }, 'webhooks: a listener failed on the registry swap'));
  }

  private combined(code: CloudRegistry): CloudRegistry {
    return combineRegistry(code, this.stored, this.caller, this.options.env, this.options.logger);
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      await this.refresh();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'webhooks: could not look for hook changes');
    } finally {
      this.polling = false;
    }
  }

  private async changed(hook: StoredHook, what: string): Promise<void> {
    const name = isFunctionHook(hook) ? `function ${hook.functionName}` : `${hook.triggerName} ${hook.className}`;
    this.options.logger.info({ webhook: name, url: hook.url }, `webhook ${name} ${what}: ${hook.url}`);
    if (!this.options.config.key) this.warnUnsigned();
    await this.refresh(true);
  }

  private async find(target: HookTarget): Promise<StoredHook | undefined> {
    const { rows } =
      target.kind === 'function'
        ? await this.options.db.raw.query(sql.FIND_FUNCTION, [target.functionName])
        : await this.options.db.raw.query(sql.FIND_TRIGGER, [target.className, target.triggerName]);
    const row = rows[0];
    if (!row) return undefined;
    return target.kind === 'function'
      ? { functionName: row.functionName as string, url: row.url as string }
      : { className: row.className as string, triggerName: row.triggerName as TriggerHook['triggerName'], url: row.url as string };
  }

  /** Calls a hook in process (functions, before-triggers): its `success`, or 141 with Parse's message. */
  private async call(url: string, body: Record<string, unknown>, label: string): Promise<unknown> {
    const { config, production, logger } = this.options;
    const outcome = await callWebhook(url, body, { key: config.key, timeoutMs: config.timeoutMs });
    if (outcome.ok) return outcome.success;
    logger.warn({ webhook: label, url, status: outcome.status, detail: outcome.detail }, `webhook ${label} failed: ${outcome.message}`);
    // A network failure's message names hosts and ports of the inside: not for clients in production.
    const internal = production && outcome.status === undefined && outcome.detail !== undefined;
    throw new ParseError(ErrorCode.SCRIPT_FAILED, internal ? 'Webhook request failed' : outcome.message);
  }

  private warnUnsigned(): void {
    this.options.logger.warn(
      { hooks: this.stored.length },
      'webhooks are called UNSIGNED: PLINTH_WEBHOOK_KEY is not set, so receivers cannot tell these calls from anyone else’s (no X-Parse-Webhook-Key, no X-Plinth-Signature)',
    );
  }

  /** A stored hook this server cannot serve (a Parse trigger it does not call over HTTP, a bad URL): logged once. */
  private reportUnservable(row: Record<string, unknown>): void {
    const key = JSON.stringify([row.functionName, row.className, row.triggerName, row.url]);
    if (this.unservable.has(key)) return;
    this.unservable.add(key);
    this.options.logger.warn(
      { hook: { functionName: row.functionName, className: row.className, triggerName: row.triggerName, url: row.url } },
      'webhooks: a stored hook is not served (unsupported trigger or invalid URL)',
    );
  }
}

function requireMaster(auth: Auth): void {
  if (!auth.isMaster) throw errors.masterKeyRequired();
}
