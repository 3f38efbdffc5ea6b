import { errors } from '../../errors/index.ts';
import type { Ref, Refs } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { out, type Spec } from '../type-spec.ts';

/*
 * `cloudCode` (master key only): where every rule runs — the description of src/cloud/describe.ts
 * as GraphQL types. Field names are the description's keys, so a client (and `plinth cloud`)
 * gets the same JSON the server builds. Type names start with `CloudCode` and are reserved
 * (collisions.ts), so no class type can be taken for them.
 */

/** The types this file defines, reserved against class names. */
export const CLOUD_CODE_TYPE_NAMES = [
  'CloudCodeRegistry',
  'CloudCodeClass',
  'CloudCodeTrigger',
  'CloudCodeFunctionEntry',
  'CloudCodeJob',
  'CloudCodeJobSchedule',
  'CloudCodeStats',
] as const;

type Fields = Record<string, [type: string, spec: Spec, description: string]>;

const STATS: Fields = {
  calls: ['Float', '!', 'Calls since the server started (a Float: it may pass 32 bits).'],
  errors: ['Float', '!', 'Calls whose handler threw or timed out (a validator’s refusal does not run the handler and is not counted).'],
  p50Ms: ['Float', '', 'Median duration of recent calls, in milliseconds; null before the first call.'],
  p99Ms: ['Float', '', '99th percentile duration of recent calls, in milliseconds.'],
  lastError: ['String', '', 'The last failure’s message.'],
  lastErrorAt: ['Date', '', 'When the last failure happened.'],
};

const LOCATION: Fields = {
  file: ['String', '!', 'The file it was registered in (absolute path).'],
  line: ['Int', '!', 'The line of the registration (of the source, for TypeScript).'],
  column: ['Int', '!', 'The column of the registration.'],
  location: ['String', '!', '`file:line`, as editors and terminals open it.'],
};

const VALIDATOR_DESCRIPTION = 'Its validator: "function", or its rules as JSON (functions inside shown as "function"); null without one.';

function scalarFields(t: Ref, fields: Fields, nullable = false): Record<string, Ref> {
  return Object.fromEntries(
    Object.entries(fields).map(([name, [type, spec, description]]) => [
      name,
      t.field({ ...out(type, nullable ? '' : spec), description, resolve: (p: Record<string, unknown>) => p[name] ?? null }),
    ]),
  );
}

function objectType(builder: Ref, refs: Refs, name: string, description: string, fields: (t: Ref) => Record<string, Ref>): void {
  refs.set(name, builder.objectRef(name).implement({ description, fields }));
}

/** Defines the `CloudCode…` types (every schema has them: the query answers even with no cloud code loaded). */
export function defineCloudCodeRegistryTypes(builder: Ref, refs: Refs): void {
  const typed = (t: Ref, type: string, spec: Spec, description: string, name: string) =>
    t.field({ ...out(refs.get(type), spec), description, resolve: (p: Record<string, unknown>) => p[name] ?? null });
  const stats = (t: Ref) => typed(t, 'CloudCodeStats', '', 'What it has done since the server started.', 'stats');
  const validator = (t: Ref) => t.field({ ...out('Any', ''), description: VALIDATOR_DESCRIPTION, resolve: (p: { validator: unknown }) => p.validator ?? null });

  objectType(builder, refs, 'CloudCodeStats', 'Calls, failures and durations of one function, trigger or job.', (t) => scalarFields(t, STATS));
  objectType(builder, refs, 'CloudCodeTrigger', 'A trigger, where it was registered, its validator and statistics.', (t) => ({
    kind: t.field({ ...out('String', '!'), description: 'beforeSave, afterFind, beforeLogin, …', resolve: (p: { kind: string }) => p.kind }),
    order: t.field({
      ...out('Int', '!'),
      description: 'Its place among the class’s triggers of the same kind: 1 runs first.',
      resolve: (p: { order: number }) => p.order,
    }),
    ...scalarFields(t, LOCATION),
    validator: validator(t),
    stats: stats(t),
  }));
  objectType(builder, refs, 'CloudCodeClass', 'The triggers of one class, in the order they run.', (t) => ({
    className: t.field({
      ...out('String', '!'),
      description: 'The class as stored (`_User`); `@File` and `@Connect` hold the file and LiveQuery connection triggers.',
      resolve: (p: { className: string }) => p.className,
    }),
    triggers: typed(t, 'CloudCodeTrigger', '[!]!', 'By kind in the order they run around an operation, then in registration order.', 'triggers'),
  }));
  objectType(builder, refs, 'CloudCodeFunctionEntry', 'A cloud function, where it was registered, its validator and statistics.', (t) => ({
    name: t.field({ ...out('String', '!'), resolve: (p: { name: string }) => p.name }),
    ...scalarFields(t, LOCATION),
    validator: validator(t),
    stats: stats(t),
  }));
  objectType(builder, refs, 'CloudCodeJobSchedule', 'A schedule of a job.', (t) => ({
    origin: t.field({
      ...out('String', '!'),
      description: '`code` (cloud.job’s schedule) or `database` (a _JobSchedule object).',
      resolve: (p: { origin: string }) => p.origin,
    }),
    id: t.field({ ...out('String', ''), description: 'The _JobSchedule objectId.', resolve: (p: { id: string | null }) => p.id }),
    schedule: t.field({
      ...out('String', '!'),
      description: 'The cron expression, or Parse’s schedule fields in words.',
      resolve: (p: { schedule: string }) => p.schedule,
    }),
    timeZone: t.field({ ...out('String', '!'), resolve: (p: { timeZone: string }) => p.timeZone }),
    nextRun: t.field({ ...out('Date', ''), description: 'The next tick; null when there is none.', resolve: (p: { nextRun: string | null }) => p.nextRun }),
  }));
  objectType(builder, refs, 'CloudCodeJob', 'A cloud job: where it was registered, its schedules, its last run and statistics.', (t) => ({
    name: t.field({ ...out('String', '!'), resolve: (p: { name: string }) => p.name }),
    registered: t.field({
      ...out('Boolean', '!'),
      description: 'False for a job a _JobSchedule names but the code does not define.',
      resolve: (p: { registered: boolean }) => p.registered,
    }),
    ...scalarFields(t, LOCATION, true),
    ...scalarFields(t, {
      description: ['String', '', 'The job’s `description` option.'],
      schedule: ['String', '', 'The code’s schedule as written (null: on demand or from _JobSchedule only).'],
      timeZone: ['String', '', 'The time zone of the code’s schedule.'],
      scheduleError: ['String', '', 'Why the code’s schedule does not run, when it is not valid.'],
      nextRun: ['Date', '', 'The soonest tick of all its schedules.'],
      lastStatus: ['String', '', 'The last run’s status: pending, running, succeeded or failed.'],
      lastRunAt: ['Date', '', 'When the last run ended (or started, or was queued).'],
      lastMessage: ['String', '', 'The last run’s message.'],
    }),
    schedules: typed(t, 'CloudCodeJobSchedule', '[!]!', 'Its schedules: the code’s, then the _JobSchedule objects naming it.', 'schedules'),
    stats: stats(t),
  }));
  objectType(builder, refs, 'CloudCodeRegistry', 'The cloud code in force: where every rule runs.', (t) => ({
    file: t.field({
      ...out('String', ''),
      description: 'The cloud file; null when the code was given as a function.',
      resolve: (p: { file: string | null }) => p.file,
    }),
    loadedAt: t.field({
      ...out('Date', ''),
      description: 'When this code was loaded; null when none was.',
      resolve: (p: { loadedAt: string | null }) => p.loadedAt,
    }),
    classes: typed(t, 'CloudCodeClass', '[!]!', 'Per class (by name), its triggers in the order they run.', 'classes'),
    functions: typed(t, 'CloudCodeFunctionEntry', '[!]!', 'Every function, by name.', 'functions'),
    jobs: typed(t, 'CloudCodeJob', '[!]!', 'Every job, by name.', 'jobs'),
  }));
}

/** The `cloudCode` root query field (master key only, else 119). */
export function cloudCodeQueryFields(refs: Refs, t: Ref): Record<string, Ref> {
  return {
    cloudCode: t.field({
      ...out(refs.get('CloudCodeRegistry'), '!'),
      description:
        'Where every rule runs (master key only): per class the triggers in run order with file:line and validators, the functions, the jobs with their schedules, and their timings.',
      resolve: (_r: unknown, _a: unknown, c: GraphQLContext) => {
        if (!c.auth.isMaster) throw errors.masterKeyRequired();
        if (!c.cloud?.describe) throw errors.invalidQuery('Cloud code is not available on this server.');
        return c.cloud.describe();
      },
    }),
  };
}
