import type { Core, WriteInput } from '../../core/index.ts';
import { errors } from '../../errors/index.ts';
import { Auth, type RequestInfo } from '../../security/index.ts';
import type { ClassDef } from '../../schema/index.ts';
import { conditionToRest, type Condition } from '../../query/index.ts';
import type { CloudData, CloudObject, CloudPush, DataOptions, FindOptions, Where } from '../types.ts';
import type { ObjectFactory } from '../object-factory.ts';
import { findParts, readableFields } from './find-parts.ts';

/** What the data API acts through: core, the catalog, sessions, and how objects are made. */
export interface DataDeps {
  core: Core;
  classes(): ReadonlyMap<string, ClassDef>;
  /** The Auth of a session token (209 when unknown or expired). */
  sessionAuth(token: string): Promise<Auth>;
  objects: ObjectFactory;
  /** Parse's aggregate pipeline and distinct (master only). */
  aggregate(auth: Auth, className: string, pipeline: unknown[]): Promise<Record<string, unknown>[]>;
  distinct(auth: Auth, className: string, field: string, where: Condition | undefined): Promise<unknown[]>;
  /** Sends a push (the push service; absent where the server has none). `where` is in Parse's REST form. */
  push?(auth: Auth, push: PushRequestInput): Promise<string>;
}

/** A push as the push service takes it. */
export interface PushRequestInput {
  where?: Record<string, unknown>;
  channels?: string[];
  data?: Record<string, unknown>;
  pushTime?: unknown;
  expirationTime?: unknown;
  expirationInterval?: unknown;
}

/**
 * The data API inside cloud code: every call is a core operation with this API's Auth, so the
 * same security, triggers and live events apply as for a client. `auth` is the caller's (for
 * `request.data`) or anonymous (the global `cloud.data`); options switch to the master key or
 * to a session's user. `request` (when known) ties the operations to the request that runs
 * the cloud code: its context, trace and the chain of triggers around them.
 */
export class DataApi implements CloudData {
  constructor(
    private readonly deps: DataDeps,
    private readonly auth: Auth,
    private readonly request?: () => RequestInfo | undefined,
    /** Options every call of this API starts from (`as()`). */
    private readonly defaults: DataOptions = {},
  ) {}

  as(options: DataOptions): CloudData {
    return new DataApi(this.deps, this.auth, this.request, { ...this.defaults, ...options });
  }

  async find(className: string, where?: Where, options: FindOptions = {}): Promise<CloudObject[]> {
    const auth = await this.authFor(options);
    const cls = this.requireClass(className);
    const parts = findParts(cls, this.deps.classes(), where, options);
    const result = await this.deps.core.find(auth, className, { ...parts, wantObjects: true, wantCount: false, wantHasNext: false });
    return result.objects.map((o) => this.deps.objects.fromStored(className, o));
  }

  async first(className: string, where?: Where, options: FindOptions = {}): Promise<CloudObject | undefined> {
    return (await this.find(className, where, { ...options, limit: 1 }))[0];
  }

  async get(className: string, objectId: string, options: FindOptions = {}): Promise<CloudObject> {
    const auth = await this.authFor(options);
    const cls = this.requireClass(className);
    const fields = options.keys ? ['objectId', 'createdAt', 'updatedAt', ...options.keys] : readableFields(cls);
    return this.deps.objects.fromStored(className, await this.deps.core.get(auth, className, this.id(objectId), fields));
  }

  async count(className: string, where?: Where, options: DataOptions = {}): Promise<number> {
    const auth = await this.authFor(options);
    const parts = findParts(this.requireClass(className), this.deps.classes(), where, {});
    return this.deps.core.count(auth, className, parts.where);
  }

  async create(className: string, fields: Record<string, unknown>, options: DataOptions = {}): Promise<CloudObject> {
    const auth = await this.authFor(options);
    const input = this.deps.objects.inputFor(className, fields);
    return this.deps.objects.fromStored(className, await this.deps.core.create(auth, className, input));
  }

  async update(className: string, objectId: string, fields: Record<string, unknown>, options: DataOptions = {}): Promise<CloudObject> {
    const auth = await this.authFor(options);
    const input = this.deps.objects.inputFor(className, fields);
    return this.deps.objects.fromStored(
      className,
      await this.deps.core.update(auth, className, this.id(objectId), input, { fields: ['objectId', 'createdAt', 'updatedAt', ...Object.keys(input)] }),
    );
  }

  async delete(className: string, objectId: string, options: DataOptions = {}): Promise<void> {
    const auth = await this.authFor(options);
    await this.deps.core.delete(auth, className, this.id(objectId));
  }

  async save(object: CloudObject, options: DataOptions = {}): Promise<CloudObject> {
    const auth = await this.authFor(options);
    const input: WriteInput = this.deps.objects.changesOf(object);
    const saved = object.id
      ? await this.deps.core.update(auth, object.className, object.id, input, { fields: ['objectId', 'createdAt', 'updatedAt', ...Object.keys(input)] })
      : await this.deps.core.create(auth, object.className, input);
    this.deps.objects.markSaved(object, saved);
    return object;
  }

  async related(className: string, objectId: string, field: string, where?: Where, options: FindOptions = {}): Promise<CloudObject[]> {
    const auth = await this.authFor(options);
    const cls = this.requireClass(className);
    const def = Object.hasOwn(cls.fields, field) ? cls.fields[field] : undefined;
    if (def?.type !== 'Relation' || !def.targetClass) throw errors.invalidQuery(`${field} is not a Relation field of ${className}`);
    const parts = findParts(this.requireClass(def.targetClass), this.deps.classes(), where, options);
    const results = await this.deps.core.findRelated(auth, className, field, [this.id(objectId)], {
      ...parts,
      wantObjects: true,
      wantCount: false,
      wantHasNext: false,
    });
    return (results.get(objectId)?.objects ?? []).map((o) => this.deps.objects.fromStored(def.targetClass!, o));
  }

  async relate(className: string, objectId: string, field: string, change: { add?: string[]; remove?: string[] }, options: DataOptions = {}): Promise<void> {
    const auth = await this.authFor(options);
    await this.deps.core.update(auth, className, this.id(objectId), { [field]: { add: change.add, remove: change.remove } });
  }

  async aggregate(className: string, pipeline: Record<string, unknown>[], options: DataOptions = {}): Promise<Record<string, unknown>[]> {
    return this.deps.aggregate(await this.authFor(options), className, pipeline);
  }

  async distinct(className: string, field: string, where?: Where, options: DataOptions = {}): Promise<unknown[]> {
    const auth = await this.authFor(options);
    const parts = where === undefined ? undefined : findParts(this.requireClass(className), this.deps.classes(), where, {}).where;
    return this.deps.distinct(auth, className, field, parts);
  }

  async push(push: CloudPush, options: DataOptions = {}): Promise<string> {
    const auth = await this.authFor(options);
    if (!this.deps.push) throw errors.invalidQuery('Push is not available on this server.');
    if (typeof push !== 'object' || push === null) throw errors.invalidQuery('push must be an object');
    const given = <T>(a: T | undefined, b: T | undefined) => (a !== undefined ? a : b);
    // Pointers given as CloudObjects become Parse's REST pointers, as a query's would.
    const where =
      push.where === undefined ? undefined : conditionToRest(findParts(this.requireClass('_Installation'), this.deps.classes(), push.where, {}).where);
    return this.deps.push(auth, {
      where,
      channels: push.channels,
      data: push.data,
      pushTime: given(push.pushTime, push.push_time),
      expirationTime: given(push.expirationTime, push.expiration_time),
      expirationInterval: given(push.expirationInterval, push.expiration_interval),
    });
  }

  /** The Auth an operation acts with: the options' (master, a session) or this API's, tied to the running request. */
  private async authFor(given: DataOptions): Promise<Auth> {
    if (typeof given !== 'object' || given === null) throw errors.invalidQuery('Data API options must be an object');
    const options = { ...this.defaults, ...given };
    let auth = this.auth;
    if (options.useMasterKey) auth = Auth.master();
    else if (typeof options.sessionToken === 'string' && options.sessionToken) auth = await this.deps.sessionAuth(options.sessionToken);
    // The running request (its context, trace and the chain of triggers around this call)
    // stays with the operation whoever it acts as: a master or session Auth has none of its
    // own, and without the chain a trigger re-entering itself with the master key would never
    // meet the depth guard.
    const request = this.request?.() ?? this.auth.request;
    if (options.context !== undefined) {
      if (typeof options.context !== 'object' || options.context === null || Array.isArray(options.context))
        throw errors.invalidJson('Invalid object for context.');
      return auth.withRequest({ ...(request ?? {}), context: options.context });
    }
    return request && request !== auth.request ? auth.withRequest(request) : auth;
  }

  private requireClass(className: string): ClassDef {
    const cls = typeof className === 'string' ? this.deps.classes().get(className) : undefined;
    if (!cls) throw errors.classNotFound(String(className));
    return cls;
  }

  private id(objectId: unknown): string {
    if (typeof objectId !== 'string' || !objectId) throw errors.invalidQuery('An objectId must be a non-empty string');
    return objectId;
  }
}
