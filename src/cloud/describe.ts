import { describeValidator, type ValidatorDescription } from './describe-validator.ts';
import { compileSchedule } from './jobs/schedule-spec.ts';
import type { JobDescription, JobState } from './jobs/types.ts';
import { TRIGGER_ORDER, type CloudRegistry, type JobEntry, type TriggerEntry, type TriggerKind } from './registry.ts';
import type { CloudStats, EntryStats } from './stats.ts';
import type { SourceLocation } from './types.ts';

export type { ValidatorDescription } from './describe-validator.ts';

/*
 * "Where every rule runs": the cloud code in force as plain JSON — per class its triggers in
 * the order they run, every function, every job — with where each was registered, its
 * validator and what it has done. The `cloudCode` query, `plinth cloud` and the dashboard all
 * show this one description, so they can never disagree.
 */

/** What one handler has done since the server started (null in a description made from the file alone). */
export interface StatsDescription {
  calls: number;
  errors: number;
  /** Median and 99th percentile of recent durations, in milliseconds; null before the first call. */
  p50Ms: number | null;
  p99Ms: number | null;
  lastError: string | null;
  /** ISO date of the last error. */
  lastErrorAt: string | null;
}

/** Where a handler was registered: the cloud file (absolute path), line and column, and `file:line`. */
export interface LocationDescription {
  file: string;
  line: number;
  column: number;
  location: string;
}

export interface TriggerDescription extends LocationDescription {
  kind: TriggerKind;
  /** Its place among the class's triggers of the same kind: 1 runs first. */
  order: number;
  validator: ValidatorDescription | null;
  stats: StatsDescription | null;
}

export interface ClassDescription {
  /** The class as stored (`_User`), or where classless triggers are kept (`@File`, `@Connect`). */
  className: string;
  /** In the order they run: by kind (TRIGGER_ORDER), then in registration order. */
  triggers: TriggerDescription[];
}

export interface FunctionDescription extends LocationDescription {
  name: string;
  validator: ValidatorDescription | null;
  stats: StatsDescription | null;
}

/** One schedule of a job: from the code (`cloud.job(…, {schedule})`) or a `_JobSchedule` object. */
export interface ScheduleDescription {
  origin: 'code' | 'database';
  /** The `_JobSchedule` objectId (database schedules). */
  id: string | null;
  schedule: string;
  timeZone: string;
  /** ISO date of the next tick; null when there is none. */
  nextRun: string | null;
}

export interface CloudJobDescription {
  name: string;
  /** False for a job a `_JobSchedule` names but the code does not define (its location is then null). */
  registered: boolean;
  file: string | null;
  line: number | null;
  column: number | null;
  location: string | null;
  description: string | null;
  /** The code's schedule as written, and its time zone (null: runs only on demand or from `_JobSchedule`). */
  schedule: string | null;
  timeZone: string | null;
  /** Why the code's schedule does not run, when it cannot be compiled. */
  scheduleError: string | null;
  /** The soonest tick of all its schedules (ISO). */
  nextRun: string | null;
  schedules: ScheduleDescription[];
  /** The last run's `_JobStatus` status, when it ended or started (ISO), and its message; null when unknown. */
  lastStatus: JobState | null;
  lastRunAt: string | null;
  lastMessage: string | null;
  stats: StatsDescription | null;
}

export interface CloudCodeDescription {
  /** The cloud file (absolute path); null when the code was given as a function (createServer). */
  file: string | null;
  /** When the registry in force was loaded (ISO); null when no cloud code was ever loaded. */
  loadedAt: string | null;
  /** True when a running server described itself (statistics, job runs); false when read from the file alone. */
  running: boolean;
  classes: ClassDescription[];
  functions: FunctionDescription[];
  jobs: CloudJobDescription[];
}

/** What a server knows of its jobs beyond the code (CloudJobs): database schedules and last runs. */
export interface JobsView {
  describeAll(): Promise<JobDescription[]>;
}

/** The cloud code to describe and what a running server adds to it. */
export interface CloudCodeSource {
  registry: CloudRegistry;
  file?: string;
  loadedAt?: Date;
  /** The server's statistics; without them the description is static (stats null). */
  stats?: CloudStats;
  /** The server's jobs engine; without it, next runs come from the code's schedules alone and last runs are unknown. */
  jobs?: JobsView;
}

function location(source: SourceLocation): LocationDescription {
  return { file: source.file, line: source.line, column: source.column, location: `${source.file}:${source.line}` };
}

function statsOf(stats: CloudStats | undefined, key: string): StatsDescription | null {
  if (!stats) return null;
  const s: EntryStats = stats.of(key);
  return {
    calls: s.calls,
    errors: s.errors,
    p50Ms: s.p50Ms ?? null,
    p99Ms: s.p99Ms ?? null,
    lastError: s.lastError?.message ?? null,
    lastErrorAt: s.lastError?.at ?? null,
  };
}

const RUN_ORDER = new Map<TriggerKind, number>(TRIGGER_ORDER.map((kind, i) => [kind, i]));

function runOrder(a: TriggerEntry, b: TriggerEntry): number {
  return (RUN_ORDER.get(a.kind) ?? 99) - (RUN_ORDER.get(b.kind) ?? 99) || a.index - b.index;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Per class (by name), its triggers in the order they run. */
export function describeClasses(registry: CloudRegistry, stats?: CloudStats): ClassDescription[] {
  const byClass = new Map<string, TriggerEntry[]>();
  for (const t of registry.triggers) {
    const list = byClass.get(t.className);
    if (list) list.push(t);
    else byClass.set(t.className, [t]);
  }
  return [...byClass.keys()].sort(byName).map((className) => ({
    className,
    triggers: byClass
      .get(className)!
      .sort(runOrder)
      .map((t) => ({ kind: t.kind, order: t.index + 1, ...location(t.source), validator: describeValidator(t.validator), stats: statsOf(stats, t.key) })),
  }));
}

/** Every function (by name) with its validator. */
export function describeFunctions(registry: CloudRegistry, stats?: CloudStats): FunctionDescription[] {
  return [...registry.functions.values()]
    .sort((a, b) => byName(a.name, b.name))
    .map((f) => ({ name: f.name, ...location(f.source), validator: describeValidator(f.validator), stats: statsOf(stats, f.key) }));
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** The code's own schedule, compiled here when no jobs engine says more (static description). */
function codeSchedule(entry: JobEntry, now: Date): { schedules: ScheduleDescription[]; error: string | null } {
  if (!entry.options.schedule) return { schedules: [], error: null };
  try {
    const compiled = compileSchedule({ cron: entry.options.schedule, timeZone: entry.options.timeZone });
    return { schedules: [{ origin: 'code', id: null, schedule: compiled.text, timeZone: compiled.timeZone, nextRun: iso(compiled.next(now)) }], error: null };
  } catch (error) {
    return { schedules: [], error: (error as Error).message };
  }
}

function soonest(schedules: ScheduleDescription[]): string | null {
  const runs = schedules.map((s) => s.nextRun).filter((r): r is string => r !== null);
  return runs.length ? runs.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b)) : null;
}

/** Every job (by name): the code's, and those only a `_JobSchedule` names (when the engine is asked). */
export function describeJobs(registry: CloudRegistry, engine: JobDescription[] | undefined, stats: CloudStats | undefined, now: Date): CloudJobDescription[] {
  const known = new Map((engine ?? []).map((j) => [j.name, j]));
  const names = [...new Set([...registry.jobs.keys(), ...known.keys()])].sort(byName);
  return names.map((name) => {
    const entry = registry.jobs.get(name);
    const fromEngine = known.get(name);
    const code = entry ? codeSchedule(entry, now) : { schedules: [], error: null };
    const schedules = fromEngine
      ? fromEngine.schedules.map((s) => ({ origin: s.origin, id: s.id ?? null, schedule: s.schedule, timeZone: s.timeZone, nextRun: iso(s.nextRunAt) }))
      : code.schedules;
    const last = fromEngine?.lastRun;
    const where = entry ? location(entry.source) : { file: null, line: null, column: null, location: null };
    return {
      name,
      registered: entry !== undefined,
      ...where,
      description: entry?.options.description ?? null,
      schedule: entry?.options.schedule ?? null,
      timeZone: entry?.options.schedule ? (entry.options.timeZone ?? 'UTC') : null,
      scheduleError: code.error,
      nextRun: soonest(schedules),
      schedules,
      lastStatus: last?.status ?? null,
      lastRunAt: last ? iso(last.finishedAt ?? last.startedAt ?? last.createdAt) : null,
      lastMessage: last?.message ?? null,
      stats: entry ? statsOf(stats, entry.key) : null,
    };
  });
}

/**
 * Describes the cloud code in force: per class the triggers in the order they run, the
 * functions and the jobs, each with its file:line and validator, and — from a running server —
 * its statistics, its next scheduled run and last run. Reads the registry once, so the whole
 * description is of one load of the cloud file. The only I/O is the jobs engine's (one query
 * for the database schedules, one for the last runs).
 */
export async function describeCloudCode(source: CloudCodeSource, now: Date = new Date()): Promise<CloudCodeDescription> {
  const { registry, stats } = source;
  const engine = source.jobs ? await source.jobs.describeAll() : undefined;
  return {
    file: source.file ?? null,
    loadedAt: iso(source.loadedAt),
    running: stats !== undefined,
    classes: describeClasses(registry, stats),
    functions: describeFunctions(registry, stats),
    jobs: describeJobs(registry, engine, stats, now),
  };
}
