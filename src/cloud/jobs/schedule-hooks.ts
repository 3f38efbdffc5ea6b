import type { HookRegistry, WriteOperation } from '../../core/index.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import type { CloudHolder } from '../holder.ts';
import { compileSchedule, type ScheduleFields } from './schedule-spec.ts';

const SCHEDULE_FIELDS = ['cron', 'timeZone', 'startAfter', 'repeatMinutes', 'timeOfDay', 'daysOfWeek'] as const;

/** A plain value written to a field (not an operation such as `{__op: 'Delete'}`). */
function plain(value: unknown): boolean {
  return value === null || typeof value !== 'object' || Array.isArray(value);
}

function checkSchedule(op: WriteOperation, holder: CloudHolder): void {
  const input = op.input;
  if (op.kind === 'create' || input.jobName !== undefined) {
    const name = input.jobName;
    // Parse's CloudCodeRouter refuses a schedule for a job the server does not have.
    if (typeof name !== 'string' || !holder.current.jobs.has(name))
      throw new ParseError(ErrorCode.INTERNAL_SERVER_ERROR, 'Cannot Schedule a job that is not deployed');
  }
  if (input.params !== undefined && input.params !== null) {
    let params: unknown;
    try {
      params = typeof input.params === 'string' ? JSON.parse(input.params) : undefined;
    } catch {
      params = undefined;
    }
    if (typeof params !== 'object' || params === null || Array.isArray(params))
      throw new ParseError(ErrorCode.INVALID_JSON, 'The params of a job schedule must be a JSON object, as text');
  }
  const fields: ScheduleFields = {};
  for (const key of SCHEDULE_FIELDS) if (input[key] !== undefined && plain(input[key])) (fields as Record<string, unknown>)[key] = input[key];
  // A create must say when to run; an update is checked on the fields it sets (the time zone
  // alone, a cron expression in UTC when no zone comes with it).
  if (op.kind === 'create') compileSchedule(fields);
  else if (fields.cron) compileSchedule({ cron: fields.cron, timeZone: fields.timeZone });
  else if (fields.timeZone) compileSchedule({ cron: '* * * * *', timeZone: fields.timeZone });
  else if (fields.startAfter || fields.timeOfDay || fields.daysOfWeek)
    compileSchedule({ ...fields, startAfter: fields.startAfter ?? new Date(0).toISOString() });
}

/**
 * Checks every write of `_JobSchedule` before it happens (a job the code defines, a schedule
 * that compiles, params as JSON text: errors 1, 162, 107) and tells the scheduler of this
 * instance after it commits; other instances see the change within a poll.
 */
export function registerScheduleHooks(hooks: HookRegistry, holder: CloudHolder, changed: () => void): () => void {
  return hooks.register('_JobSchedule', {
    before(op) {
      if (op.kind !== 'delete') checkSchedule(op, holder);
    },
    afterCommit() {
      changed();
    },
  });
}
