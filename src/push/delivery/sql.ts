// Statements of push delivery (raw driver: they run inside the job engine's transactions too).

/** A new push, locked down (no ACL entry: master key only), with its plan row. */
export const INSERT_STATUS = `INSERT INTO "_PushStatus" ("objectId", "createdAt", "updatedAt", "pushTime", "source", "query", "payload", "title", "expiry", "expiration_interval", "status", "numSent", "numFailed", "pushHash", "count", "sentPerType", "failedPerType", "_rperm", "_wperm")
VALUES ($1, now(), now(), $2, $3, $4, $5, $6, $7, $8, $9, 0, 0, $10, 0, '{}', '{}', '{}', '{}')`;

export const INSERT_PLAN = `INSERT INTO "_PlinthPush" ("pushId") VALUES ($1)`;

/** What planning and sending need of a push. */
export const READ_PUSH = `SELECT s."status", s."query", s."payload", s."pushTime", s."expiry", s."expiration_interval" AS "expirationInterval", p."cursor", p."planned"
FROM "_PushStatus" AS s JOIN "_PlinthPush" AS p ON p."pushId" = s."objectId" WHERE s."objectId" = $1`;

export const MARK_RUNNING = `UPDATE "_PushStatus" SET "status" = 'running', "updatedAt" = now() WHERE "objectId" = $1 AND "status" IN ('pending', 'scheduled')`;

/** One page planned: the cursor moves and the new batches count as open, in the page's transaction. */
export const PLAN_PAGE = `UPDATE "_PlinthPush" SET "cursor" = $2, "planned" = $3 WHERE "pushId" = $1 AND "planned" = false AND "cursor" IS NOT DISTINCT FROM $4 RETURNING "pushId"`;

export const ADD_OPEN = `UPDATE "_PushStatus" SET "count" = COALESCE("count", 0) + $2, "updatedAt" = now() WHERE "objectId" = $1 RETURNING "count"`;

export const INSERT_BATCH = `INSERT INTO "_PlinthPushBatch" ("batchId", "pushId", "provider", "offsetMinutes", "sendAt", "expiresAt", "attempt", "installationIds", "devices")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;

export const READ_BATCH = `SELECT "batchId", "pushId", "provider", "offsetMinutes", "sendAt", "expiresAt", "attempt", "installationIds", "devices", "done", "retry", "retryAfterMs", "finished"
FROM "_PlinthPushBatch" WHERE "batchId" = $1`;

/** The devices of a batch, with badges unchanged, incremented or set (atomically, in SQL). */
const DEVICE_COLUMNS = `"objectId", "deviceToken", "deviceType", "badge", "pushType", "localeIdentifier"`;
export const SELECT_DEVICES = `SELECT ${DEVICE_COLUMNS} FROM "_Installation" WHERE "objectId" = ANY($1) AND "deviceToken" IS NOT NULL`;
export const INCREMENT_BADGES = `UPDATE "_Installation" SET "badge" = COALESCE("badge", 0) + $2, "updatedAt" = now() WHERE "objectId" = ANY($1) AND "deviceToken" IS NOT NULL RETURNING ${DEVICE_COLUMNS}`;
export const SET_BADGES = `UPDATE "_Installation" SET "badge" = $2, "updatedAt" = now() WHERE "objectId" = ANY($1) AND "deviceToken" IS NOT NULL RETURNING ${DEVICE_COLUMNS}`;

/** Fills a batch's devices once: a second preparation (a crash right after the first) changes nothing. */
export const SET_DEVICES = `UPDATE "_PlinthPushBatch" SET "devices" = $2 WHERE "batchId" = $1 AND "devices" IS NULL RETURNING "batchId"`;

/** Devices sent and recorded: the batch goes on after them. */
export const BATCH_PROGRESS = `UPDATE "_PlinthPushBatch" SET "done" = $3, "retry" = "retry" || $4::jsonb, "retryAfterMs" = GREATEST("retryAfterMs", $5)
WHERE "batchId" = $1 AND "done" = $2 AND "finished" = false RETURNING "batchId"`;

/** The counts of a chunk of devices, added to the push's status; errors appended (at most 100 kept). */
export const RECORD_RESULTS = `UPDATE "_PushStatus" SET
  "numSent" = COALESCE("numSent", 0) + $2,
  "numFailed" = COALESCE("numFailed", 0) + $3,
  "sentPerType" = plinth_jsonb_add("sentPerType", $4::jsonb),
  "failedPerType" = plinth_jsonb_add("failedPerType", $5::jsonb),
  "sentPerUTCOffset" = CASE WHEN $6::jsonb IS NULL THEN "sentPerUTCOffset" ELSE plinth_jsonb_add("sentPerUTCOffset", $6::jsonb) END,
  "failedPerUTCOffset" = CASE WHEN $7::jsonb IS NULL THEN "failedPerUTCOffset" ELSE plinth_jsonb_add("failedPerUTCOffset", $7::jsonb) END,
  "errorMessage" = CASE WHEN $8::jsonb IS NULL THEN "errorMessage" ELSE jsonb_build_object('errors', (
    SELECT COALESCE(jsonb_agg("e"."value"), '[]'::jsonb) FROM (
      SELECT "value" FROM jsonb_array_elements(COALESCE("errorMessage" -> 'errors', '[]'::jsonb) || $8::jsonb) LIMIT 100
    ) AS "e")) END,
  "updatedAt" = now()
WHERE "objectId" = $1`;

/** Tokens the provider no longer knows are removed from their installations (unless they changed since). */
export const CLEAR_TOKENS = `UPDATE "_Installation" AS i SET "deviceToken" = NULL, "updatedAt" = now()
FROM unnest($1::text[], $2::text[]) AS g("id", "token") WHERE i."objectId" = g."id" AND i."deviceToken" = g."token"`;

/** A batch ends: it no longer counts as open (a retry batch it leaves counts instead). */
export const FINISH_BATCH = `UPDATE "_PlinthPushBatch" SET "finished" = true WHERE "batchId" = $1 AND "finished" = false RETURNING "pushId", "retry", "retryAfterMs"`;

export const PLANNED = `SELECT "planned" FROM "_PlinthPush" WHERE "pushId" = $1`;

/**
 * Every batch has ended and the plan is complete: the push has succeeded, as Parse's
 * (StatusHandler.complete), even when every device failed — `numFailed` counts those; apps wait
 * for "succeeded". Only a push that could not be sent at all fails (FAIL). Its bookkeeping goes;
 * `count` is removed, as Parse does.
 */
export const COMPLETE = `UPDATE "_PushStatus" SET "status" = 'succeeded', "count" = NULL, "updatedAt" = now()
WHERE "objectId" = $1 AND "status" = 'running' RETURNING "status"`;
export const FORGET_BATCHES = `DELETE FROM "_PlinthPushBatch" WHERE "pushId" = $1`;
export const FORGET_PLAN = `DELETE FROM "_PlinthPush" WHERE "pushId" = $1`;

/** A push that cannot be delivered at all (its query no longer parses, say). */
export const FAIL = `UPDATE "_PushStatus" SET "status" = 'failed', "errorMessage" = $2, "count" = NULL, "updatedAt" = now() WHERE "objectId" = $1 AND "status" IN ('pending', 'scheduled', 'running') RETURNING "status"`;

/** The whole status row, for an afterPush trigger. */
export const STATUS_ROW = `SELECT "objectId", "createdAt", "updatedAt", "pushTime", "source", "query", "payload", "title", "expiry", "expiration_interval", "status", "numSent", "numFailed", "pushHash", "errorMessage", "sentPerType", "failedPerType", "sentPerUTCOffset", "failedPerUTCOffset", "count" FROM "_PushStatus" WHERE "objectId" = $1`;
