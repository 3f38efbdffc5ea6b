import type { Logger } from '../config/logger.ts';
import type { Core, ParseObject } from '../core/index.ts';
import { ErrorCode, ParseError } from '../errors/index.ts';
import { Auth, type RequestInfo } from '../security/index.ts';
import type { SchemaStore } from '../schema/index.ts';
import { DataApi, type DataDeps } from './data/api.ts';
import { readableFields } from './data/find-parts.ts';
import { ambientRequest, checkDepth, deeper, inHandler } from './frames.ts';
import type { CloudHolder } from './holder.ts';
import { invoke, toParseError, type InvokeEnv } from './invoke.ts';
import type { ObjectFactory } from './object-factory.ts';
import type { FunctionEntry, TriggerEntry } from './registry.ts';
import { CloudStats } from './stats.ts';
import type { BaseRequest, CloudData, CloudObject } from './types.ts';
import { type CloudRateLimits, validate, type ValidatorRequest } from './validators/index.ts';

export interface CloudRuntimeDeps {
  core: Core;
  schema: SchemaStore;
  holder: CloudHolder;
  objects: ObjectFactory;
  /** The Auth of a session token (209 when unknown or expired). */
  sessionAuth(token: string): Promise<Auth>;
  aggregate: DataDeps['aggregate'];
  distinct: DataDeps['distinct'];
  /** Sends pushes (`data.push`); absent without the push service. */
  push?: DataDeps['push'];
  rateLimits: CloudRateLimits;
  logger: Logger;
  timeoutMs: number;
  slowMs: number;
  production: boolean;
}

/** How a trigger's outcome is handled: before-triggers abort the operation, after-triggers only log. */
export type TriggerPhase = 'before' | 'after';

/**
 * Runs cloud code for the server: builds each handler's request (the caller's user, headers,
 * context, the data API bound to it), applies its validator, and runs it with the time limit,
 * statistics, trace and the re-entrance guard. Transports and core reach cloud code only
 * through here, so every path runs handlers the same way.
 */
export class CloudRuntime {
  readonly stats = new CloudStats();
  readonly env: InvokeEnv;
  /** The global `cloud.data`: anonymous unless told otherwise, tied to the running handler's request when known. */
  readonly data: CloudData;
  private readonly dataDeps: DataDeps;

  constructor(readonly deps: CloudRuntimeDeps) {
    this.env = { timeoutMs: deps.timeoutMs, slowMs: deps.slowMs, production: deps.production, logger: deps.logger, stats: this.stats };
    this.dataDeps = {
      core: deps.core,
      classes: () => deps.schema.current.classes,
      sessionAuth: deps.sessionAuth,
      objects: deps.objects,
      aggregate: deps.aggregate,
      distinct: deps.distinct,
      push: deps.push,
    };
    this.data = new DataApi(this.dataDeps, Auth.anonymous(), ambientRequest);
  }

  get objects(): ObjectFactory {
    return this.deps.objects;
  }

  get registry() {
    return this.deps.holder.current;
  }

  /** The data API acting as `auth` (a handler's `request.data`). */
  dataFor(auth: Auth): CloudData {
    return new DataApi(this.dataDeps, auth);
  }

  /** The caller's user (all its fields but secrets), read once per request; undefined without one. */
  async userOf(auth: Auth): Promise<CloudObject | undefined> {
    if (!auth.userId) return undefined;
    const cache = auth.request?.cache;
    const key = 'user:' + auth.userId;
    let loading = cache?.get(key) as Promise<ParseObject | undefined> | undefined;
    if (!loading) {
      loading = this.readUser(auth.userId);
      cache?.set(key, loading);
    }
    const stored = await loading;
    return stored && this.deps.objects.fromStored('_User', stored);
  }

  private async readUser(userId: string): Promise<ParseObject | undefined> {
    const cls = this.deps.schema.current.classes.get('_User');
    if (!cls) return undefined;
    const found = await this.deps.core.getMany(Auth.master(), '_User', [userId], readableFields(cls), undefined, false);
    return found.get(userId);
  }

  /**
   * What every handler's request carries, for a handler run on behalf of `auth`. `handlerAuth`
   * is the Auth the handler's `request.data` acts with (the caller, one trigger deeper).
   */
  async baseRequest(auth: Auth, handlerAuth: Auth, label: string): Promise<BaseRequest> {
    const request = auth.request;
    return {
      master: auth.isMaster,
      user: await this.userOf(auth),
      installationId: request?.installationId ?? undefined,
      ip: request?.ip,
      headers: headersOf(request),
      context: request?.context ?? {},
      log: this.deps.logger.child({ cloud: label }),
      data: this.dataFor(handlerAuth),
    };
  }

  /** What validators check, for a handler called by `auth`. */
  validatorRequest(auth: Auth, base: BaseRequest, data: Pick<ValidatorRequest, 'params' | 'object' | 'original'>): ValidatorRequest {
    return {
      master: auth.isMaster,
      user: base.user,
      roles: auth.roles,
      ip: auth.request?.ip,
      sessionId: auth.sessionId,
      internal: (auth.request?.chain?.length ?? 0) > 0,
      ...data,
    };
  }

  /**
   * Runs a cloud function as `auth`: its validator (142), then its handler (a failure → 141, or
   * the code it threw). Resolves to the handler's result as returned (see CloudCalls.encode).
   */
  async callFunction(name: string, params: Record<string, unknown>, auth: Auth): Promise<unknown> {
    const entry = typeof name === 'string' ? this.registry.functions.get(name) : undefined;
    if (!entry) throw new ParseError(ErrorCode.SCRIPT_FAILED, `Invalid function: "${name}"`);
    const label = `function ${name}`;
    const handlerAuth = auth.withRequest(deeper(auth.request, label));
    const base = await this.baseRequest(auth, handlerAuth, label);
    const request = { ...base, functionName: name, params };
    await this.validateFor(entry, auth, request, this.validatorRequest(auth, base, { params }));
    try {
      return await invoke(entry, label, this.env, auth.request, () => inHandler(handlerAuth.request, () => entry.handler(request)));
    } catch (error) {
      throw this.failure(error, entry, label);
    }
  }

  /**
   * Runs the triggers of one kind on one class, in registration order, for an operation by
   * `auth`: each gets the request `build` makes from the base request (the same object model
   * is passed along, so one trigger sees what the previous one changed). A before-trigger's
   * failure aborts the operation (141 or its code); an after-trigger's is logged and the
   * operation stands. Returns each handler's result, in order.
   */
  async runTriggers<R extends BaseRequest>(
    entries: readonly TriggerEntry[],
    phase: TriggerPhase,
    auth: Auth,
    build: (base: BaseRequest) => R,
    validated: (request: R) => Pick<ValidatorRequest, 'params' | 'object' | 'original'> = () => ({}),
    /** Called after each handler, before the next one's request is built (a chain like afterFind's). */
    each?: (result: unknown, request: R) => void,
  ): Promise<{ request: R; result: unknown }[]> {
    const out: { request: R; result: unknown }[] = [];
    for (const entry of entries) {
      const label = `${entry.kind} ${entry.className}`;
      try {
        checkDepth(auth, label);
        const handlerAuth = auth.withRequest(deeper(auth.request, label));
        const request = build(await this.baseRequest(auth, handlerAuth, label));
        const outcome = await this.validateFor(entry, auth, request, this.validatorRequest(auth, request, validated(request)));
        if (outcome.skipHandler) continue;
        const result = await invoke(entry, label, this.env, auth.request, () => inHandler(handlerAuth.request, () => entry.handler(request)));
        out.push({ request, result });
        each?.(result, request);
      } catch (error) {
        const failure = this.failure(error, entry, label);
        if (phase === 'before') throw failure;
        this.deps.logger.error(
          { err: error, cloud: label, at: `${entry.source.file}:${entry.source.line}` },
          `${label} failed after the operation committed: ${failure.message}`,
        );
      }
    }
    return out;
  }

  private async validateFor(entry: FunctionEntry | TriggerEntry, _auth: Auth, handlerRequest: unknown, request: ValidatorRequest) {
    if (!entry.validator) return { skipHandler: false };
    return validate(entry.validator, request, { key: entry.key, rateLimits: this.deps.rateLimits, handlerRequest });
  }

  /** A handler's failure as the client sees it, logged with where the handler was registered. */
  private failure(error: unknown, entry: FunctionEntry | TriggerEntry, label: string): ParseError {
    const failure = toParseError(error, ErrorCode.SCRIPT_FAILED, this.deps.production);
    if (!(error instanceof ParseError) || failure.code === ErrorCode.INTERNAL_SERVER_ERROR) {
      this.deps.logger.warn({ err: error, cloud: label, at: `${entry.source.file}:${entry.source.line}` }, `${label} threw: ${failure.message}`);
    }
    return failure;
  }
}

/** The request's headers as Parse gives them to cloud code: a plain object, names in lower case. */
function headersOf(request: RequestInfo | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  request?.headers?.forEach((value, name) => {
    // Cloud code knows `request.master`; the key itself stays out of what it may log or store.
    if (name !== 'x-parse-master-key') out[name] = value;
  });
  return out;
}
