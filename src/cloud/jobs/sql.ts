/*
 * Every statement of cloud jobs: the runs' statuses ("_JobStatus", Parse's layout), the
 * schedules set at run time ("_JobSchedule") and the ticks claimed ("_PlinthJobTick").
 * Statements take `$n` parameters and run on the raw driver or inside a caller's transaction.
 */

/** A new run, pending: $1 objectId, $2 jobName, $3 source, $4 params (JSON text). ACL: none (master only), as Parse locks it. */
export const INSERT_STATUS = `INSERT INTO "_JobStatus" ("objectId", "createdAt", "updatedAt", "jobName", "source", "status", "params", "_rperm", "_wperm")
  VALUES ($1, now(), now(), $2, $3, 'pending', $4::jsonb, '{}', '{}')`;

/** An attempt starts: $1 objectId. */
export const MARK_RUNNING = `UPDATE "_JobStatus" SET "status" = 'running', "startedAt" = now(), "finishedAt" = NULL, "updatedAt" = now() WHERE "objectId" = $1`;

/** An attempt ended: $1 objectId, $2 status (`pending` again when a retry follows), $3 message or NULL to keep the last one. */
export const MARK_ENDED = `UPDATE "_JobStatus" SET "status" = $2::text, "message" = COALESCE($3::text, "message"),
  "finishedAt" = CASE WHEN $2::text = 'pending' THEN NULL ELSE now() END, "updatedAt" = now() WHERE "objectId" = $1`;

/** `request.message(text)`: $1 objectId, $2 text; only while the run is running. */
export const SET_MESSAGE = `UPDATE "_JobStatus" SET "message" = $2, "updatedAt" = now() WHERE "objectId" = $1 AND "status" = 'running'`;

/** The last run of each of $1 job names. */
export const LAST_RUNS = `SELECT DISTINCT ON ("jobName") "jobName", "objectId", "status", "source", "message", "createdAt", "startedAt", "finishedAt"
  FROM "_JobStatus" WHERE "jobName" = ANY($1::text[]) ORDER BY "jobName", "createdAt" DESC`;

/** Every schedule set at run time. */
export const READ_SCHEDULES = `SELECT "objectId", "jobName", "params", "cron", "timeZone", "startAfter", "repeatMinutes", "timeOfDay", "daysOfWeek"
  FROM "_JobSchedule" ORDER BY "objectId"`;

/**
 * Claims ticks of one schedule: $1 schedule key, $2 tick times, $3 the run's status id. Returns
 * the ticks this instance won; a tick already claimed elsewhere is skipped (the primary key
 * waits for the other claim to commit, then yields nothing).
 */
export const CLAIM_TICKS = `INSERT INTO "_PlinthJobTick" ("schedule", "tick", "jobStatusId")
  SELECT $1, t, $3 FROM unnest($2::timestamptz[]) AS t ON CONFLICT DO NOTHING RETURNING "tick"`;

/** Parse's `lastRun` of a `_JobSchedule` (epoch milliseconds): $1 objectId, $2 time. */
export const SET_LAST_RUN = `UPDATE "_JobSchedule" SET "lastRun" = $2 WHERE "objectId" = $1`;

/** Claimed ticks are needed only while instances might still claim them. */
export const PRUNE_TICKS = `DELETE FROM "_PlinthJobTick" WHERE "tick" < now() - interval '1 day'`;
