import type { Logger } from '../config/logger.ts';
import { callerLocation } from './source-location.ts';
import type { CloudApi, CloudData, ClassTarget, Handler, JobOptions, SourceLocation, Validator, ValidatorOptions } from './types.ts';
import { validatorProblem } from './validators/index.ts';

/** Triggers that belong to a class named by the cloud file. */
export const CLASS_TRIGGERS = [
  'beforeSave',
  'afterSave',
  'beforeDelete',
  'afterDelete',
  'beforeFind',
  'afterFind',
  'beforeSubscribe',
  'afterLiveQueryEvent',
] as const;
export type ClassTriggerKind = (typeof CLASS_TRIGGERS)[number];

/**
 * Triggers without a class argument, kept under the class they concern (as Parse does): login
 * and password reset under `_User`, logout under `_Session`, LiveQuery connections under
 * `@Connect`, files under `@File`.
 */
export const CLASSLESS_TRIGGERS = {
  beforeLogin: '_User',
  afterLogin: '_User',
  beforePasswordResetRequest: '_User',
  afterLogout: '_Session',
  beforeConnect: '@Connect',
  beforeSaveFile: '@File',
  afterSaveFile: '@File',
  beforeDeleteFile: '@File',
  afterDeleteFile: '@File',
  beforePush: '@Push',
  afterPush: '@Push',
} as const;
export type ClasslessTriggerKind = keyof typeof CLASSLESS_TRIGGERS;
export type TriggerKind = ClassTriggerKind | ClasslessTriggerKind;

/** The order triggers are listed in (the order they run around one operation). */
export const TRIGGER_ORDER: readonly TriggerKind[] = [
  'beforeFind',
  'afterFind',
  'beforeSave',
  'afterSave',
  'beforeDelete',
  'afterDelete',
  'beforeLogin',
  'afterLogin',
  'afterLogout',
  'beforePasswordResetRequest',
  'beforeConnect',
  'beforeSubscribe',
  'afterLiveQueryEvent',
  'beforeSaveFile',
  'afterSaveFile',
  'beforeDeleteFile',
  'afterDeleteFile',
  'beforePush',
  'afterPush',
];

/** One registered trigger. `key` names it for statistics (stable across reloads of the same file). */
export interface TriggerEntry {
  kind: TriggerKind;
  className: string;
  handler: Handler<any, any>;
  validator?: Validator<any>;
  source: SourceLocation;
  /** Position among the triggers of the same kind and class (0 runs first). */
  index: number;
  key: string;
}

export interface FunctionEntry {
  name: string;
  handler: Handler<any, any>;
  validator?: Validator<any>;
  source: SourceLocation;
  key: string;
}

export interface JobEntry {
  name: string;
  handler: (request: any) => unknown;
  options: JobOptions;
  source: SourceLocation;
  key: string;
}

const triggerKey = (kind: string, className: string) => `${kind}\0${className}`;

/**
 * The cloud code of one load of the cloud file: functions, triggers and jobs with where each
 * was registered. Immutable once built; a reload builds a new one and swaps the reference
 * (CloudHolder), so an operation runs on one whole registry.
 */
export class CloudRegistry {
  static readonly EMPTY = new CloudRegistry(new Map(), new Map(), []);

  private readonly byKindAndClass = new Map<string, TriggerEntry[]>();

  constructor(
    readonly functions: ReadonlyMap<string, FunctionEntry>,
    readonly jobs: ReadonlyMap<string, JobEntry>,
    /** Every trigger, in registration order. */
    readonly triggers: readonly TriggerEntry[],
  ) {
    for (const t of triggers) {
      const k = triggerKey(t.kind, t.className);
      const list = this.byKindAndClass.get(k);
      if (list) list.push(t);
      else this.byKindAndClass.set(k, [t]);
    }
  }

  /** The triggers of a kind on a class, in the order they run. */
  triggersFor(kind: TriggerKind, className: string): readonly TriggerEntry[] {
    return this.byKindAndClass.get(triggerKey(kind, className)) ?? NONE;
  }

  has(kind: TriggerKind, className: string): boolean {
    return this.byKindAndClass.has(triggerKey(kind, className));
  }

  /** Classes with at least one trigger of these kinds. */
  classesWith(...kinds: TriggerKind[]): Set<string> {
    const out = new Set<string>();
    for (const t of this.triggers) if (kinds.includes(t.kind)) out.add(t.className);
    return out;
  }

  get isEmpty(): boolean {
    return this.functions.size === 0 && this.jobs.size === 0 && this.triggers.length === 0;
  }
}

const NONE: readonly TriggerEntry[] = [];

/** A registration the cloud file got wrong: reported with the file and line it was made at. */
export class CloudDefinitionError extends Error {
  constructor(
    message: string,
    readonly source: SourceLocation,
  ) {
    super(`${message} (${source.file}:${source.line})`);
    this.name = 'CloudDefinitionError';
  }
}

function classNameOf(target: ClassTarget, source: SourceLocation): string {
  const name = typeof target === 'string' ? target : target?.className;
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,119}$/.test(name)) {
    throw new CloudDefinitionError(`A trigger needs a class name, got ${JSON.stringify(name ?? target)}`, source);
  }
  return name;
}

/** Parse's rules for which triggers a system class takes. */
function checkClass(kind: ClassTriggerKind, className: string, source: SourceLocation): void {
  if (className === '_Session') throw new CloudDefinitionError('Only the afterLogout trigger is allowed for the _Session class.', source);
  if (className === '_PushStatus' && kind !== 'afterSave') throw new CloudDefinitionError('Only afterSave is allowed on _PushStatus', source);
}

function checkHandler(handler: unknown, what: string, source: SourceLocation): void {
  if (typeof handler !== 'function') throw new CloudDefinitionError(`${what} needs a handler function`, source);
}

function checkValidator(validator: unknown, what: string, source: SourceLocation): void {
  if (validator === undefined || typeof validator === 'function') return;
  if (typeof validator !== 'object' || validator === null || Array.isArray(validator)) {
    throw new CloudDefinitionError(`The validator of ${what} must be an object of rules or a function`, source);
  }
  // Parse refuses a malformed validator when it is registered; so do we, with the file and line.
  const problem = validatorProblem(validator as ValidatorOptions);
  if (problem) throw new CloudDefinitionError(`The validator of ${what}: ${problem}`, source);
}

/**
 * The `cloud` object a cloud file's default export receives: records every registration (with
 * its file and line) and builds the registry once the file's setup has run.
 */
export class RegistryBuilder implements CloudApi {
  private readonly functions = new Map<string, FunctionEntry>();
  private readonly jobs = new Map<string, JobEntry>();
  private readonly triggers: TriggerEntry[] = [];
  private sealed = false;

  constructor(
    readonly data: CloudData,
    readonly log: Logger,
  ) {}

  define(name: string, handler: Handler<any>, validator?: Validator<any>): void {
    const source = callerLocation();
    this.open(source);
    if (typeof name !== 'string' || name.length === 0 || name.length > 200) throw new CloudDefinitionError('A cloud function needs a name', source);
    checkHandler(handler, `Function ${name}`, source);
    checkValidator(validator, `function ${name}`, source);
    const existing = this.functions.get(name);
    if (existing) throw new CloudDefinitionError(`Function ${name} is already defined at ${existing.source.file}:${existing.source.line}`, source);
    this.functions.set(name, { name, handler, validator, source, key: `function:${name}` });
  }

  job(name: string, handler: (request: any) => unknown, options: JobOptions = {}): void {
    const source = callerLocation();
    this.open(source);
    if (typeof name !== 'string' || name.length === 0 || name.length > 200) throw new CloudDefinitionError('A job needs a name', source);
    checkHandler(handler, `Job ${name}`, source);
    if (typeof options !== 'object' || options === null) throw new CloudDefinitionError(`The options of job ${name} must be an object`, source);
    const existing = this.jobs.get(name);
    if (existing) throw new CloudDefinitionError(`Job ${name} is already defined at ${existing.source.file}:${existing.source.line}`, source);
    this.jobs.set(name, { name, handler, options: { ...options }, source, key: `job:${name}` });
  }

  beforeSave(target: ClassTarget, handler: Handler<any>, validator?: Validator<any>): void {
    this.classTrigger('beforeSave', target, handler, validator);
  }
  afterSave(target: ClassTarget, handler: Handler<any>, validator?: Validator<any>): void {
    this.classTrigger('afterSave', target, handler, validator);
  }
  beforeDelete(target: ClassTarget, handler: Handler<any>, validator?: Validator<any>): void {
    this.classTrigger('beforeDelete', target, handler, validator);
  }
  afterDelete(target: ClassTarget, handler: Handler<any>, validator?: Validator<any>): void {
    this.classTrigger('afterDelete', target, handler, validator);
  }
  beforeFind(target: ClassTarget, handler: Handler<any, any>, validator?: Validator<any>): void {
    this.classTrigger('beforeFind', target, handler, validator);
  }
  afterFind(target: ClassTarget, handler: Handler<any, any>, validator?: Validator<any>): void {
    this.classTrigger('afterFind', target, handler, validator);
  }
  beforeSubscribe(target: ClassTarget, handler: Handler<any, any>, validator?: Validator<any>): void {
    this.classTrigger('beforeSubscribe', target, handler, validator);
  }
  afterLiveQueryEvent(target: ClassTarget, handler: Handler<any>, validator?: Validator<any>): void {
    this.classTrigger('afterLiveQueryEvent', target, handler, validator);
  }
  beforeLogin(handler: Handler<any>, ...extra: unknown[]): void {
    this.classlessTrigger('beforeLogin', handler, undefined, 1 + extra.length);
  }
  afterLogin(handler: Handler<any>, ...extra: unknown[]): void {
    this.classlessTrigger('afterLogin', handler, undefined, 1 + extra.length);
  }
  afterLogout(handler: Handler<any>, ...extra: unknown[]): void {
    this.classlessTrigger('afterLogout', handler, undefined, 1 + extra.length);
  }
  beforePasswordResetRequest(handler: Handler<any>, validator?: Validator<any>): void {
    this.classlessTrigger('beforePasswordResetRequest', handler, validator);
  }
  beforeConnect(handler: Handler<any>, validator?: Validator<any>): void {
    this.classlessTrigger('beforeConnect', handler, validator);
  }
  beforeSaveFile(handler: Handler<any, any>, validator?: Validator<any>): void {
    this.classlessTrigger('beforeSaveFile', handler, validator);
  }
  afterSaveFile(handler: Handler<any>, validator?: Validator<any>): void {
    this.classlessTrigger('afterSaveFile', handler, validator);
  }
  beforeDeleteFile(handler: Handler<any>, validator?: Validator<any>): void {
    this.classlessTrigger('beforeDeleteFile', handler, validator);
  }
  afterDeleteFile(handler: Handler<any>, validator?: Validator<any>): void {
    this.classlessTrigger('afterDeleteFile', handler, validator);
  }
  beforePush(handler: Handler<any, any>, validator?: Validator<any>): void {
    this.classlessTrigger('beforePush', handler, validator);
  }
  afterPush(handler: Handler<any>, validator?: Validator<any>): void {
    this.classlessTrigger('afterPush', handler, validator);
  }

  /** The registry, once the cloud file's setup has finished; later registrations are refused. */
  build(): CloudRegistry {
    this.sealed = true;
    return new CloudRegistry(new Map(this.functions), new Map(this.jobs), [...this.triggers]);
  }

  private open(source: SourceLocation): void {
    // A registration from a callback that runs after setup (a timer, a promise the setup did
    // not await) would silently never take effect.
    if (this.sealed) throw new CloudDefinitionError('Cloud code must be registered while the cloud file sets up (await everything the setup starts)', source);
  }

  private classTrigger(kind: ClassTriggerKind, target: ClassTarget, handler: Handler<any, any>, validator?: Validator<any>): void {
    const source = callerLocation();
    this.open(source);
    const className = classNameOf(target, source);
    checkClass(kind, className, source);
    checkHandler(handler, `${kind} ${className}`, source);
    checkValidator(validator, `${kind} ${className}`, source);
    this.add(kind, className, handler, validator, source);
  }

  private classlessTrigger(kind: ClasslessTriggerKind, handler: Handler<any, any>, validator: Validator<any> | undefined, argCount?: number): void {
    const source = callerLocation();
    this.open(source);
    // Parse: beforeLogin, afterLogin and afterLogout take a handler only (no class, no validator).
    if (argCount !== undefined && argCount > 1) throw new CloudDefinitionError(`${kind} takes only a handler`, source);
    checkHandler(handler, kind, source);
    checkValidator(validator, kind, source);
    this.add(kind, CLASSLESS_TRIGGERS[kind], handler, validator, source);
  }

  private add(kind: TriggerKind, className: string, handler: Handler<any, any>, validator: Validator<any> | undefined, source: SourceLocation): void {
    const index = this.triggers.filter((t) => t.kind === kind && t.className === className).length;
    this.triggers.push({ kind, className, handler, validator, source, index, key: `trigger:${kind}:${className}:${index}` });
  }
}
