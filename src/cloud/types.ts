import type { Logger } from '../config/logger.ts';

/*
 * What a cloud file sees: the registry it fills (`CloudApi`), the requests its handlers get,
 * and the validator options. These types are the package's public surface for cloud code
 * (src/index.ts re-exports them); the machinery behind them lives in the other cloud/ files.
 */

/** A handler's answer, now or later. */
export type MaybePromise<T> = T | Promise<T>;

/** Where a handler was registered: the cloud file and line (shown by `cloudCode` and `plinth cloud`). */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** Parse's ACL object, as `getACL()` returns it and `setACL()` takes it. */
export interface CloudACL {
  getPublicReadAccess(): boolean;
  getPublicWriteAccess(): boolean;
  setPublicReadAccess(allowed: boolean): void;
  setPublicWriteAccess(allowed: boolean): void;
  /** A user id or a user object. */
  getReadAccess(user: string | { id?: string }): boolean;
  getWriteAccess(user: string | { id?: string }): boolean;
  setReadAccess(user: string | { id?: string }, allowed: boolean): void;
  setWriteAccess(user: string | { id?: string }, allowed: boolean): void;
  getRoleReadAccess(role: string): boolean;
  getRoleWriteAccess(role: string): boolean;
  setRoleReadAccess(role: string, allowed: boolean): void;
  setRoleWriteAccess(role: string, allowed: boolean): void;
  /** Parse's ACL JSON: `{"*": {"read": true}, "<userId>": {...}, "role:Name": {...}}`. */
  toJSON(): Record<string, { read?: boolean; write?: boolean }>;
}

/** A file field's value (Parse.File-like). */
export interface CloudFile {
  readonly __type: 'File';
  name(): string;
  url(): string | undefined;
  toJSON(): { __type: 'File'; name: string; url?: string };
}

/** A GeoPoint field's value (Parse.GeoPoint-like). */
export interface CloudGeoPoint {
  readonly latitude: number;
  readonly longitude: number;
  toJSON(): { __type: 'GeoPoint'; latitude: number; longitude: number };
}

/**
 * An object as triggers, functions and the data API see it: Parse.Object's everyday surface.
 * Values are typed as Parse's SDK gives them: Date for dates, a CloudObject for a pointer (with
 * only `className` and `id` unless it was included), CloudFile, CloudGeoPoint, plain JSON for
 * Object and Array fields, `{__type: 'Bytes', base64}` for bytes.
 */
export interface CloudObject<Fields extends Record<string, unknown> = Record<string, any>> {
  readonly className: string;
  /** The objectId; undefined for an object not saved yet (beforeSave on create). */
  id: string | undefined;
  readonly createdAt: Date | undefined;
  readonly updatedAt: Date | undefined;
  get<K extends keyof Fields & string>(key: K): Fields[K] | undefined;
  get(key: string): any;
  has(key: string): boolean;
  set<K extends keyof Fields & string>(key: K, value: Fields[K]): this;
  set(key: string, value: unknown): this;
  set(values: Partial<Fields> & Record<string, unknown>): this;
  unset(key: string): this;
  increment(key: string, amount?: number): this;
  decrement(key: string, amount?: number): this;
  add(key: string, item: unknown): this;
  addUnique(key: string, item: unknown): this;
  remove(key: string, item: unknown): this;
  addAll(key: string, items: unknown[]): this;
  addAllUnique(key: string, items: unknown[]): this;
  removeAll(key: string, items: unknown[]): this;
  /** Drops the unsaved changes of these keys (of every key without arguments). */
  revert(...keys: string[]): this;
  /** Whether `key` (or, without a key, anything) was changed and not yet saved. */
  dirty(key?: string): boolean;
  /** The keys given or changed since the object was read (on create: every key given). */
  dirtyKeys(): string[];
  isNew(): boolean;
  getACL(): CloudACL | undefined;
  setACL(acl: CloudACL | Record<string, { read?: boolean; write?: boolean }> | null): this;
  /** Parse's JSON of the object: `objectId`, `createdAt`, `updatedAt` (ISO), fields Parse-encoded. */
  toJSON(): Record<string, unknown>;
  toPointer(): { __type: 'Pointer'; className: string; objectId: string };
  /** Same class and id. */
  equals(other: unknown): boolean;
}

/** Parse.Query's everyday surface: what beforeFind and beforeSubscribe may narrow or change. */
export interface CloudQuery {
  readonly className: string;
  equalTo(key: string, value: unknown): this;
  notEqualTo(key: string, value: unknown): this;
  lessThan(key: string, value: unknown): this;
  lessThanOrEqualTo(key: string, value: unknown): this;
  greaterThan(key: string, value: unknown): this;
  greaterThanOrEqualTo(key: string, value: unknown): this;
  containedIn(key: string, values: unknown[]): this;
  notContainedIn(key: string, values: unknown[]): this;
  containsAll(key: string, values: unknown[]): this;
  /** Every prefix starts some string element of the array field (Parse's `$all` of `^…` patterns). */
  containsAllStartingWith(key: string, prefixes: string[]): this;
  /** Every element of the array field is among `values`. */
  containedBy(key: string, values: unknown[]): this;
  exists(key: string): this;
  doesNotExist(key: string): this;
  matches(key: string, regex: RegExp | string, modifiers?: string): this;
  startsWith(key: string, prefix: string, modifiers?: string): this;
  endsWith(key: string, suffix: string, modifiers?: string): this;
  contains(key: string, substring: string): this;
  fullText(key: string, term: string, options?: { language?: string; caseSensitive?: boolean; diacriticSensitive?: boolean }): this;
  near(key: string, point: { latitude: number; longitude: number }): this;
  withinKilometers(key: string, point: { latitude: number; longitude: number }, distance: number, sorted?: boolean): this;
  withinMiles(key: string, point: { latitude: number; longitude: number }, distance: number, sorted?: boolean): this;
  withinRadians(key: string, point: { latitude: number; longitude: number }, distance: number, sorted?: boolean): this;
  withinGeoBox(key: string, southwest: { latitude: number; longitude: number }, northeast: { latitude: number; longitude: number }): this;
  withinPolygon(key: string, points: { latitude: number; longitude: number }[]): this;
  /** A Polygon field that contains the point. */
  polygonContains(key: string, point: { latitude: number; longitude: number }): this;
  matchesQuery(key: string, query: CloudQuery): this;
  doesNotMatchQuery(key: string, query: CloudQuery): this;
  matchesKeyInQuery(key: string, queryKey: string, query: CloudQuery): this;
  doesNotMatchKeyInQuery(key: string, queryKey: string, query: CloudQuery): this;
  limit(n: number): this;
  skip(n: number): this;
  ascending(...keys: string[]): this;
  descending(...keys: string[]): this;
  addAscending(...keys: string[]): this;
  addDescending(...keys: string[]): this;
  select(...keys: (string | string[])[]): this;
  exclude(...keys: (string | string[])[]): this;
  include(...keys: (string | string[])[]): this;
  /** Parse's REST form: `{where, limit?, skip?, order?, keys?, include?, excludeKeys?}`. */
  toJSON(): Record<string, unknown>;
}

/** Options of the data API: whose rights apply, and the context triggers receive. */
export interface DataOptions {
  /** Act with the master key (no ACL, CLP or protected fields). */
  useMasterKey?: boolean;
  /** Act as the user of this session (an `r:` token). */
  sessionToken?: string;
  /** Passed to the triggers this operation runs as `request.context`. */
  context?: Record<string, unknown>;
}

export interface FindOptions extends DataOptions {
  /** Field names with `-` for descending: `['-createdAt', 'title']`. */
  order?: string | string[];
  limit?: number;
  skip?: number;
  /** Only these fields (plus objectId, createdAt, updatedAt). */
  keys?: string[];
  /** Pointer fields whose objects to read along. */
  include?: string[];
}

/**
 * A `where` for the data API: the GraphQL API's where input (`{views: {greaterThan: 10}}`) or
 * Parse's REST form (`{views: {$gt: 10}}`), or a CloudQuery.
 */
export type Where = Record<string, unknown> | CloudQuery;

/**
 * The data API inside cloud code: the same core operations as the GraphQL API — so the same
 * security, triggers and live events apply — as the caller (`request.data`), as a session's
 * user, or with the master key.
 */
export interface CloudData {
  find(className: string, where?: Where, options?: FindOptions): Promise<CloudObject[]>;
  first(className: string, where?: Where, options?: FindOptions): Promise<CloudObject | undefined>;
  get(className: string, objectId: string, options?: FindOptions): Promise<CloudObject>;
  count(className: string, where?: Where, options?: DataOptions): Promise<number>;
  create(className: string, fields: Record<string, unknown>, options?: DataOptions): Promise<CloudObject>;
  update(className: string, objectId: string, fields: Record<string, unknown>, options?: DataOptions): Promise<CloudObject>;
  delete(className: string, objectId: string, options?: DataOptions): Promise<void>;
  /** Saves a CloudObject's changes (create when it has no id). */
  save(object: CloudObject, options?: DataOptions): Promise<CloudObject>;
  /** The objects related through a Relation field. */
  related(className: string, objectId: string, field: string, where?: Where, options?: FindOptions): Promise<CloudObject[]>;
  relate(className: string, objectId: string, field: string, change: { add?: string[]; remove?: string[] }, options?: DataOptions): Promise<void>;
  /** Parse's aggregate pipeline ($match, $group, $sort, $limit, $skip, $project, $count). */
  aggregate(className: string, pipeline: Record<string, unknown>[], options?: DataOptions): Promise<Record<string, unknown>[]>;
  /** The distinct values of a field among the matching objects. */
  distinct(className: string, field: string, where?: Where, options?: DataOptions): Promise<unknown[]>;
  /**
   * Sends a push (Parse's `Parse.Push.send`): `where` over installations (CloudObjects allowed
   * as pointers) or `channels`, `data`, `pushTime`/`push_time`, `expirationTime`/
   * `expiration_time` or `expirationInterval`/`expiration_interval`. Master key only unless
   * client push is allowed. Resolves with the `_PushStatus` objectId; delivery goes on in the
   * background.
   */
  push(push: CloudPush, options?: DataOptions): Promise<string>;
  /** The same API acting with other rights. */
  as(options: DataOptions): CloudData;
}

/** A push about to be sent (beforePush): change `push` in place or return a new one. */
export interface PushTriggerRequest extends BaseRequest {
  triggerName: 'beforePush';
  push: CloudPush;
}

/** A push that ended (afterPush): its `_PushStatus` fields (status, numSent, numFailed, sentPerType…). */
export interface PushStatusRequest extends BaseRequest {
  triggerName: 'afterPush';
  pushStatus: Record<string, unknown>;
}

/** A push as cloud code sends it (Parse's REST names are accepted too). */
export interface CloudPush {
  where?: Where;
  channels?: string[];
  data: Record<string, unknown>;
  pushTime?: Date | string | number;
  push_time?: Date | string | number;
  expirationTime?: Date | string | number;
  expiration_time?: Date | string | number;
  expirationInterval?: number;
  expiration_interval?: number;
}

/** What every request carries, whatever runs it. */
export interface BaseRequest {
  /** The master key was used (or the call comes from a job or the server itself). */
  master: boolean;
  /** The caller's user, with its fields as stored (never the password). */
  user: CloudObject | undefined;
  installationId: string | undefined;
  ip: string | undefined;
  /** The request's headers, names in lower case. */
  headers: Record<string, string>;
  /** `X-Parse-Cloud-Context` (a JSON object), shared by every trigger of one request. */
  context: Record<string, unknown>;
  log: Logger;
  /** The data API, acting as this caller (`.as({useMasterKey: true})` for master). */
  data: CloudData;
}

export interface FunctionRequest<Params = Record<string, any>> extends BaseRequest {
  functionName: string;
  /** Parse JSON decoded: Date, pointers as CloudObject, CloudFile, CloudGeoPoint arrive typed. */
  params: Params;
}

export interface SaveRequest<T extends CloudObject = CloudObject> extends BaseRequest {
  triggerName: 'beforeSave' | 'afterSave';
  object: T;
  /** The object as stored, on update. */
  original: T | undefined;
}

export interface DeleteRequest<T extends CloudObject = CloudObject> extends BaseRequest {
  triggerName: 'beforeDelete' | 'afterDelete';
  object: T;
}

export interface BeforeFindRequest extends BaseRequest {
  triggerName: 'beforeFind';
  query: CloudQuery;
  /** A count is asked (no objects). */
  count: boolean;
  /** A read by id (`get`, `node`, a pointer). */
  isGet: boolean;
}

export interface AfterFindRequest<T extends CloudObject = CloudObject> extends BaseRequest {
  triggerName: 'afterFind';
  objects: T[];
  query: CloudQuery;
  isGet: boolean;
}

export interface LoginRequest extends BaseRequest {
  triggerName: 'beforeLogin' | 'afterLogin';
  /** The user logging in. */
  object: CloudObject;
}

export interface LogoutRequest extends BaseRequest {
  triggerName: 'afterLogout';
  /** The ended session (`_Session`). */
  object: CloudObject;
}

export interface PasswordResetRequest extends BaseRequest {
  triggerName: 'beforePasswordResetRequest';
  /** The user whose password reset is asked. */
  object: CloudObject;
}

export interface ConnectRequest extends BaseRequest {
  triggerName: 'beforeConnect';
  useMasterKey: boolean;
  sessionToken: string | undefined;
  /** Connections and subscriptions this instance holds now. */
  clients: number;
  subscriptions: number;
}

export interface SubscribeRequest extends BaseRequest {
  triggerName: 'beforeSubscribe';
  /** The subscription's query: narrow it (equalTo, …) or throw to refuse. */
  query: CloudQuery;
  useMasterKey: boolean;
  /** Never the token itself (cloud code has `request.user`); kept for Parse's shape. */
  sessionToken: string | undefined;
  /** Connections and subscriptions this instance holds now. */
  clients: number;
  subscriptions: number;
}

export type LiveEventName = 'create' | 'enter' | 'update' | 'leave' | 'delete';

export interface LiveEventRequest extends BaseRequest {
  triggerName: 'afterLiveQueryEvent';
  event: LiveEventName;
  /** The object this subscriber is about to get; change it with set/unset. */
  object: CloudObject;
  original: CloudObject | undefined;
  /** Set to false to drop the event for this subscriber. */
  sendEvent: boolean;
  useMasterKey: boolean;
  /** Connections and subscriptions this instance holds now. */
  clients: number;
  subscriptions: number;
}

/**
 * A file being saved or deleted. beforeSaveFile runs before the content is stored (nothing is
 * stored yet): `file` has the name the client gave (cleaned, extension added) and no URL,
 * `fileSize` is known only for a file that fits in the first bytes read. afterSaveFile gets
 * the stored name (with its unique prefix), URL and size; the delete triggers what is stored.
 */
export interface FileRequest extends BaseRequest {
  triggerName: 'beforeSaveFile' | 'afterSaveFile' | 'beforeDeleteFile' | 'afterDeleteFile';
  file: CloudFile;
  fileSize: number | undefined;
  contentType: string | undefined;
  /** String metadata stored with the file; beforeSaveFile may change it in place. */
  metadata: Record<string, unknown>;
  tags: Record<string, unknown>;
}

/**
 * What beforeSaveFile may return to change the file before it is stored (return nothing to
 * keep it): another name (the unique prefix is still added), content type or metadata, or
 * another content — which is stored instead of the client's (a string is stored as UTF-8).
 * Throw to refuse the upload.
 */
export interface FileChange {
  name?: string;
  contentType?: string;
  metadata?: Record<string, unknown>;
  content?: Uint8Array | string | AsyncIterable<Uint8Array>;
}

export interface JobRequest<Params = Record<string, any>> {
  jobName: string;
  /** The `_JobStatus` objectId of this run. */
  jobId: string;
  params: Params;
  /** Records a progress message on the run's status (shown by `jobStatus`). */
  message(text: string): Promise<void>;
  log: Logger;
  /** The data API with the master key. */
  data: CloudData;
  /** How the run started: `runJob` (api) or its schedule. */
  source: 'api' | 'schedule';
}

/** A field rule of a validator's `fields` or `requireUserKeys` (Parse's). */
export interface FieldRule {
  /** The value's type: String, Number, Boolean, Array, Object, Date (or its name, 'string'…). */
  type?:
    | StringConstructor
    | NumberConstructor
    | BooleanConstructor
    | ArrayConstructor
    | ObjectConstructor
    | DateConstructor
    | string
    | (abstract new (
        ...args: never[]
      ) => unknown);
  required?: boolean;
  /** Written in when the value is missing (null or undefined). */
  default?: unknown;
  /**
   * The values allowed: a list, a single value, or a function (async allowed) that returns
   * false (or throws) to refuse; returning nothing accepts.
   */
  options?: readonly unknown[] | string | number | boolean | ((value: any) => unknown);
  /** The value may not change: a client's value is replaced by the stored one (update) or the default (create). */
  constant?: boolean;
  /** The message when the value is not among the options. */
  error?: string;
}

/**
 * A validator's rate limit (Parse's options). Unlike Parse, which limits REST routes only, it
 * holds on every transport, counted per registered handler; refusals are error 100 (HTTP 429).
 */
export interface RateLimitOptions {
  /** Calls allowed per window, per client (address, or user with zone "user"); 0 refuses all. */
  requestCount: number;
  /** The window, in milliseconds. */
  requestTimeWindow: number;
  /** The refusal's message (default "Too many requests."). */
  errorResponseMessage?: string;
  /** Count master-key calls too (default: master is not limited). */
  includeMasterKey?: boolean;
  /** Count calls made by cloud code or the server itself too (default: only clients are limited). */
  includeInternalRequests?: boolean;
  /**
   * What is counted together: the client address (default), the user, the session, or everyone.
   * "user" and "session" count by address when the call has no user or session.
   */
  zone?: 'ip' | 'user' | 'session' | 'global';
}

/** Parse's validator object (error code 142 with Parse's messages). */
export interface ValidatorOptions {
  requireUser?: boolean;
  requireMaster?: boolean;
  /** Apply the rules to master-key calls too (by default the master key passes every rule but the rate limit). */
  validateMasterKey?: boolean;
  /** With the master key the handler does not run (Parse honours this for triggers; the rules still apply as usual). */
  skipWithMasterKey?: boolean;
  requireAnyUserRoles?: string[] | (() => MaybePromise<string[]>);
  requireAllUserRoles?: string[] | (() => MaybePromise<string[]>);
  requireUserKeys?: string[] | Record<string, FieldRule>;
  fields?: string[] | Record<string, FieldRule>;
  rateLimit?: RateLimitOptions;
}

/** A validator: Parse's object of rules, or a function that throws to refuse. */
export type Validator<Req> = ValidatorOptions | ((request: Req) => unknown);

export type Handler<Req, Res = unknown> = (request: Req) => MaybePromise<Res>;

/** A class named as stored (`Post`, `_User`) or by a class-like value with `className`. */
export type ClassTarget = string | { className: string };

export interface JobOptions {
  /** A cron expression (croner's syntax, seconds optional): runs on that schedule, once across instances. */
  schedule?: string;
  /** IANA time zone of the schedule (default UTC). */
  timeZone?: string;
  /** Attempts after a failure (default 0), with exponential backoff from `retryDelayMs`. */
  retries?: number;
  retryDelayMs?: number;
  description?: string;
}

/**
 * What a cloud file's default export receives. Every registration records the file and line
 * it came from; several triggers of one kind on one class run in registration order.
 */
export interface CloudApi {
  define<P = Record<string, any>>(name: string, handler: Handler<FunctionRequest<P>>, validator?: Validator<FunctionRequest<P>>): void;
  beforeSave(target: ClassTarget, handler: Handler<SaveRequest>, validator?: Validator<SaveRequest>): void;
  afterSave(target: ClassTarget, handler: Handler<SaveRequest>, validator?: Validator<SaveRequest>): void;
  beforeDelete(target: ClassTarget, handler: Handler<DeleteRequest>, validator?: Validator<DeleteRequest>): void;
  afterDelete(target: ClassTarget, handler: Handler<DeleteRequest>, validator?: Validator<DeleteRequest>): void;
  /** May narrow the query, or return objects (or CloudObjects' JSON) to answer without the database. */
  beforeFind(target: ClassTarget, handler: Handler<BeforeFindRequest, CloudQuery | CloudObject[] | void>, validator?: Validator<BeforeFindRequest>): void;
  /** Returns the list that replaces the results (or nothing to keep them). */
  afterFind(target: ClassTarget, handler: Handler<AfterFindRequest, CloudObject[] | void>, validator?: Validator<AfterFindRequest>): void;
  beforeLogin(handler: Handler<LoginRequest>): void;
  afterLogin(handler: Handler<LoginRequest>): void;
  afterLogout(handler: Handler<LogoutRequest>): void;
  beforePasswordResetRequest(handler: Handler<PasswordResetRequest>, validator?: Validator<PasswordResetRequest>): void;
  beforeConnect(handler: Handler<ConnectRequest>, validator?: Validator<ConnectRequest>): void;
  beforeSubscribe(target: ClassTarget, handler: Handler<SubscribeRequest, CloudQuery | void>, validator?: Validator<SubscribeRequest>): void;
  afterLiveQueryEvent(target: ClassTarget, handler: Handler<LiveEventRequest>, validator?: Validator<LiveEventRequest>): void;
  beforeSaveFile(handler: Handler<FileRequest, FileChange | undefined | void>, validator?: Validator<FileRequest>): void;
  afterSaveFile(handler: Handler<FileRequest>, validator?: Validator<FileRequest>): void;
  beforeDeleteFile(handler: Handler<FileRequest>, validator?: Validator<FileRequest>): void;
  afterDeleteFile(handler: Handler<FileRequest>, validator?: Validator<FileRequest>): void;
  /** Before a push is recorded: may change `request.push` (or return a new push), or throw to refuse it. */
  beforePush(handler: Handler<PushTriggerRequest, CloudPush | undefined | void>, validator?: Validator<PushTriggerRequest>): void;
  /** After a push reached its final status (succeeded or failed): `request.pushStatus` as stored. */
  afterPush(handler: Handler<PushStatusRequest>, validator?: Validator<PushStatusRequest>): void;
  job<P = Record<string, any>>(name: string, handler: (request: JobRequest<P>) => unknown, options?: JobOptions): void;
  /** The data API (acting anonymously unless told otherwise: `{useMasterKey: true}` or a session). */
  readonly data: CloudData;
  readonly log: Logger;
}

/** What a cloud file exports by default. */
export type CloudSetup = (cloud: CloudApi) => unknown;
