/*
 * Every statement of webhooks: the hooks themselves ("_Hooks", Parse's layout), their version
 * ("_PlinthHookVersion", bumped by a trigger on "_Hooks") and the failed deliveries
 * ("_PlinthWebhookFailure"). Statements take `$n` parameters and run on the raw driver.
 */

/** The hooks' version (one row). */
export const READ_VERSION = `SELECT "version"::text AS "version" FROM "_PlinthHookVersion" WHERE "id" = 1`;

/** Every hook, oldest first. */
export const READ_HOOKS = `SELECT "functionName", "className", "triggerName", "url" FROM "_Hooks"
  ORDER BY "createdAt" NULLS FIRST, "objectId"`;

/** The hook of function $1. */
export const FIND_FUNCTION = `SELECT "functionName", "url" FROM "_Hooks" WHERE "functionName" = $1 LIMIT 1`;

/** The hook of trigger $2 on class $1. */
export const FIND_TRIGGER = `SELECT "className", "triggerName", "url" FROM "_Hooks" WHERE "className" = $1 AND "triggerName" = $2 LIMIT 1`;

/**
 * A new hook: $1 objectId, $2 functionName, $3 className, $4 triggerName, $5 url; no ACL (master
 * only, as Parse keeps it). Nothing is returned when one with the same name exists (unique index).
 */
export const INSERT_HOOK = `INSERT INTO "_Hooks" ("objectId", "createdAt", "updatedAt", "functionName", "className", "triggerName", "url", "_rperm", "_wperm")
  SELECT $1::text, now(), now(), $2::text, $3::text, $4::text, $5::text, '{}'::text[], '{}'::text[]
  WHERE NOT EXISTS (SELECT 1 FROM "_Hooks" WHERE ($2::text IS NOT NULL AND "functionName" = $2::text) OR ($3::text IS NOT NULL AND "className" = $3::text AND "triggerName" = $4::text))
  ON CONFLICT DO NOTHING RETURNING "objectId"`;

/** A function hook's new URL: $1 functionName, $2 url. */
export const UPDATE_FUNCTION = `UPDATE "_Hooks" SET "url" = $2, "updatedAt" = now() WHERE "functionName" = $1 RETURNING "objectId"`;

/** A trigger hook's new URL: $1 className, $2 triggerName, $3 url. */
export const UPDATE_TRIGGER = `UPDATE "_Hooks" SET "url" = $3, "updatedAt" = now() WHERE "className" = $1 AND "triggerName" = $2 RETURNING "objectId"`;

/** Deletes function $1's hook, returning it. */
export const DELETE_FUNCTION = `DELETE FROM "_Hooks" WHERE "functionName" = $1 RETURNING "functionName", "url"`;

/** Deletes the hook of trigger $2 on class $1, returning it. */
export const DELETE_TRIGGER = `DELETE FROM "_Hooks" WHERE "className" = $1 AND "triggerName" = $2 RETURNING "className", "triggerName", "url"`;

/** A delivery failed for good: $1 id, $2 className, $3 triggerName, $4 objectId, $5 url, $6 attempts, $7 error, $8 body (JSON text). */
export const INSERT_FAILURE = `INSERT INTO "_PlinthWebhookFailure" ("id", "className", "triggerName", "objectId", "url", "attempts", "error", "body")
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) ON CONFLICT ("id") DO NOTHING`;

/** The latest failed deliveries: $1 how many. */
export const LIST_FAILURES = `SELECT "id", "failedAt", "className", "triggerName", "objectId", "url", "attempts", "error", "body"
  FROM "_PlinthWebhookFailure" ORDER BY "failedAt" DESC, "id" LIMIT $1`;
