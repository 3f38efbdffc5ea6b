/**
 * Parse Config in Parse's own table: `"_GlobalConfig"`, one row (objectId '1') holding the
 * params and which of them only the master key reads, both jsonb (prisma/schema.prisma).
 */

/** The objectId of the one row, as Parse Server writes it. */
export const GLOBAL_CONFIG_ID = '1';

/** $1 the row's objectId. */
export const READ_GLOBAL_CONFIG = `SELECT "params", "masterKeyOnly" FROM "_GlobalConfig" WHERE "objectId" = $1`;

/**
 * Merges a change into the row in one statement, so that concurrent updates of different
 * params never lose each other's (Parse writes `params.<key>` paths): $1 objectId, $2 the params
 * set (jsonb), $3 their masterKeyOnly flags (jsonb), $4 the params removed (text[]). Creates the
 * row when there is none.
 */
export const MERGE_GLOBAL_CONFIG = `INSERT INTO "_GlobalConfig" ("objectId", "params", "masterKeyOnly")
VALUES ($1, $2::jsonb, $3::jsonb)
ON CONFLICT ("objectId") DO UPDATE SET
  "params" = (COALESCE("_GlobalConfig"."params", '{}'::jsonb) - $4::text[]) || $2::jsonb,
  "masterKeyOnly" = COALESCE("_GlobalConfig"."masterKeyOnly", '{}'::jsonb) || $3::jsonb`;
